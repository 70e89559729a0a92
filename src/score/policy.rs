//! The organisation's policy: which jurisdictions it trusts, how much each category weighs, and
//! which vendors it accepts as a known risk. Global in sovscan.toml, overridable per organisation.

use std::collections::{BTreeMap, BTreeSet};

use crate::rules::RuleSet;

/// EU member states (ISO 3166-1 alpha-2).
pub const EU: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];
/// EEA members outside the EU.
pub const EEA_ONLY: &[&str] = &["IS", "LI", "NO"];

/// How one organisation judges its dependencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Jurisdictions (ISO 3166-1 alpha-2) whose vendors cost nothing.
    pub trusted: BTreeSet<String>,
    /// Category weights that replace those of `rules/categories.toml`.
    pub weights: BTreeMap<String, u32>,
    /// Vendors accepted as a known risk, with the reason: scored as trusted, still listed.
    pub accepted: BTreeMap<String, String>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            trusted: EU.iter().chain(EEA_ONLY).map(|c| (*c).to_owned()).collect(),
            weights: BTreeMap::new(),
            accepted: BTreeMap::new(),
        }
    }
}

impl Policy {
    /// True when `country` is trusted.
    pub fn trusts(&self, country: &str) -> bool {
        self.trusted.contains(country)
    }

    /// The weight of a category under this policy.
    pub fn weight(&self, rules: &RuleSet, category: &str) -> u32 {
        self.weights
            .get(category)
            .copied()
            .or_else(|| rules.category(category).map(|c| c.weight))
            .unwrap_or(1)
    }

    /// Problems of this policy against the loaded rules: unknown categories or vendors, bad
    /// weights, empty reasons. Each is `(message, hint)`.
    pub fn check(&self, rules: &RuleSet, label: &str) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        for (cat, w) in &self.weights {
            if rules.category(cat).is_none() {
                let ids: Vec<&str> = rules.categories.iter().map(|c| c.id.as_str()).collect();
                problems.push((
                    format!("{label}: weights names unknown category `{cat}`"),
                    format!("use one of: {}", ids.join(", ")),
                ));
            }
            if !(0..=10).contains(w) {
                problems.push((
                    format!("{label}: weight {w} for `{cat}` is outside 0..=10"),
                    "0 leaves the category out of the overall score; 10 is critical".to_owned(),
                ));
            }
        }
        for (vendor, reason) in &self.accepted {
            if rules.vendor(vendor).is_none() {
                problems.push((
                    format!("{label}: accepted vendor `{vendor}` is not in the rule packs"),
                    "use a vendor id from `sovscan rules list` (e.g. \"github\")".to_owned(),
                ));
            }
            if reason.trim().is_empty() {
                problems.push((
                    format!("{label}: accepted vendor `{vendor}` has no reason"),
                    "say why the risk is accepted: reason = \"...\"".to_owned(),
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_trusts_eu_and_eea_only() {
        let p = Policy::default();
        assert_eq!(p.trusted.len(), 30);
        assert!(p.trusts("FR") && p.trusts("NO"));
        assert!(!p.trusts("US") && !p.trusts("CH") && !p.trusts("GB"));
    }

    #[test]
    fn check_names_every_problem() {
        let rules = RuleSet::builtin().expect("rules");
        let mut p = Policy::default();
        p.weights.insert("mail".into(), 12);
        p.accepted.insert("nosuch".into(), " ".into());
        let problems = p.check(&rules, "sovscan.toml");
        assert_eq!(problems.len(), 4, "{problems:?}");
    }
}
