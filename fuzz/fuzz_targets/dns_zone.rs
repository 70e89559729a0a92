//! Any zone-file text through the zone parser, then a whole domain scan answered from it: the
//! lookups, CNAME chasing, SPF expansion (loops, limits, odd terms), rule matching and the
//! mail verdict. Must not panic or hang.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sovscan::RuleSet;
use sovscan::dns::{Backend, Zones, scan_domains};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::builtin().expect("built-in packs"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut zones = Zones::default();
    let zone = format!("$ORIGIN fuzz.test.\n$TTL 60\n{text}");
    if zones.add(&zone, None).is_err() {
        return;
    }
    let backend = Backend::zones(zones);
    let domains = ["fuzz.test".to_owned(), "www.fuzz.test".to_owned()];
    if let Ok(scan) = scan_domains(&domains, &RULES, &backend, 2) {
        assert_eq!(scan.domains.len(), 2);
    }
});
