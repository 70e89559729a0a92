//! Every built-in rule pack loads, and every rule's examples behave as they say.

mod common;

use sovscan::RuleSet;

#[test]
fn builtin_packs_load_and_all_examples_pass() {
    match RuleSet::builtin() {
        Ok(set) => {
            assert!(set.rules.len() >= 10, "only {} rules", set.rules.len());
            assert!(set.example_count() >= 2 * set.rules.len());
        }
        Err(e) => panic!("{e}"),
    }
}

/// docs/rules.md is generated from the packs; set SOVSCAN_BLESS=1 to rewrite it.
#[test]
fn rule_reference_is_in_step_with_the_packs() {
    let set = RuleSet::builtin().expect("built-in packs");
    let generated = sovscan::cli::rules::reference_markdown(&set);
    common::assert_matches_committed("docs/rules.md", &generated);
}

#[test]
fn every_rule_id_is_unique_and_every_vendor_is_dated_and_sourced() {
    let set = RuleSet::builtin().expect("built-in packs");
    let mut ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len());
    for v in &set.vendors {
        assert!(v.source.starts_with("https://"), "{}", v.id);
        assert_eq!(v.as_of.len(), 10, "{}", v.id);
    }
}
