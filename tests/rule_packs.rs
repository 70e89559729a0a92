//! Every built-in rule pack loads, and every rule's examples behave as they say.

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
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    if std::env::var_os("SOVSCAN_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/rules.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is stale: run `SOVSCAN_BLESS=1 cargo test --test rule_packs`"
    );
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
