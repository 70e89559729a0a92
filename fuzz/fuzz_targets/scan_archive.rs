//! Any bytes through the archive walker (zip, tar, gzip, xz, zstd, ar, nested) with small limits:
//! must not panic or hang, and must respect the limits.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sovscan::RuleSet;
use sovscan::scan::archive::ArchiveLimits;
use sovscan::scan::content::{Context, scan_bytes};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::builtin().expect("built-in packs"));

fuzz_target!(|data: &[u8]| {
    let limits = ArchiveLimits {
        max_depth: 4,
        max_total_bytes: 8 << 20,
        max_entries: 1_000,
        max_ratio: 100,
        max_member_bytes: 4 << 20,
    };
    let cx = Context {
        rules: &RULES,
        limits: &limits,
        max_file_size: 1 << 20,
    };
    let out = scan_bytes(&cx, "fuzz.archive", data);
    assert!(out.stats.archive_members <= limits.max_entries);
});
