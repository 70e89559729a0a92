//! Any text as a user rule pack or IP-range list: the loader returns rules or problems, never
//! panics. Text after a line `---ranges---` becomes `ip-ranges/fuzz.txt`, so rules with
//! `ranges = "fuzz"` and malformed range lists are both reached.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sovscan::rules::{PackSource, RuleSet, SourceKind, builtin_sources};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (pack, ranges) = text.split_once("\n---ranges---\n").unwrap_or((text, ""));
    let mut sources: Vec<PackSource> = builtin_sources()
        .into_iter()
        .filter(|s| s.kind == SourceKind::Categories)
        .collect();
    sources.push(PackSource {
        origin: "fuzz.toml".to_owned(),
        stem: "fuzz".to_owned(),
        text: pack.to_owned(),
        kind: SourceKind::Vendor,
    });
    if !ranges.is_empty() {
        sources.push(PackSource {
            origin: "ip-ranges/fuzz.txt".to_owned(),
            stem: "fuzz".to_owned(),
            text: ranges.to_owned(),
            kind: SourceKind::IpRanges,
        });
    }
    if let Ok(set) = RuleSet::from_sources(&sources, Vec::new()) {
        for rule in &set.rules {
            let _ = RuleSet::rule_fires(rule, b"192.0.2.1");
        }
    }
});
