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
