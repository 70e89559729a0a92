//! Any text as a user rule pack: the loader returns rules or problems, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sovscan::rules::{PackSource, RuleSet, builtin_sources};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources: Vec<PackSource> = builtin_sources().into_iter().filter(|s| s.is_categories).collect();
    sources.push(PackSource {
        origin: "fuzz.toml".to_owned(),
        stem: "fuzz".to_owned(),
        text: text.to_owned(),
        is_categories: false,
    });
    let _ = RuleSet::from_sources(&sources, Vec::new());
});
