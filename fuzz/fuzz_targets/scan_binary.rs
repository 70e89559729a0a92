//! Any bytes through every binary parser (ELF, PE with signature and .NET metadata, Mach-O, Java
//! class) and the feature matcher: must not panic, hang or allocate without bound.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sovscan::RuleSet;
use sovscan::scan::binary::{self, Format};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::builtin().expect("built-in packs"));

fuzz_target!(|data: &[u8]| {
    // Parse as the sniffed format, and as every format, so each parser sees every input.
    let sniffed = binary::sniff(data);
    for format in [Format::Elf, Format::Pe, Format::MachO, Format::JavaClass] {
        if let Ok(ex) = binary::extract(&RULES, format, data) {
            let found = binary::findings(&RULES, "fuzz.bin", &ex);
            if sniffed != Some(format) {
                continue;
            }
            for f in found {
                assert!(!f.fingerprint.is_empty());
            }
        }
    }
});
