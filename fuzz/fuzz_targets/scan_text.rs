//! Any bytes, at any path, through the file matcher and evidence redaction: must not panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sovscan::RuleSet;

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::builtin().expect("built-in packs"));

fuzz_target!(|data: &[u8]| {
    // The first line picks the path so path globs are exercised too.
    let (path, text) = match data.iter().position(|b| *b == b'\n') {
        Some(i) if i < 200 => (String::from_utf8_lossy(&data[..i]).into_owned(), &data[i + 1..]),
        _ => ("main.tf".to_owned(), data),
    };
    for f in sovscan::scan::text::scan_text(&RULES, &path, text) {
        assert!(!f.fingerprint.is_empty());
    }
});
