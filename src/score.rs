//! The first scorer: findings -> a 0-100 score per category and overall. Pure functions, no I/O.
//!
//! Model (documented in README.md, "How the score is computed"):
//! - a vendor is *trusted* when its ultimate parent's country is in the policy's trusted set
//!   (default: the EU member states and the EEA);
//! - in each category with evidence, every non-trusted vendor costs points by the strongest
//!   evidence seen for it there: `primary` 60, `used` 25, `present` 5; the category scores
//!   `max(0, 100 - cost)`;
//! - the overall score is the mean of the category scores weighted by the category weights in
//!   `rules/categories.toml`, rounded to the nearest integer; with no evidence at all it is 100;
//! - grades: A >= 90, B >= 75, C >= 60, D >= 40, E >= 20, F below.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::finding::Finding;
use crate::rules::{RuleSet, Strength};

/// EU member states (ISO 3166-1 alpha-2).
pub const EU: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];
/// EEA members outside the EU.
pub const EEA_ONLY: &[&str] = &["IS", "LI", "NO"];

/// Which jurisdictions the organisation trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub trusted: BTreeSet<String>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            trusted: EU.iter().chain(EEA_ONLY).map(|c| (*c).to_owned()).collect(),
        }
    }
}

impl Policy {
    /// True when `country` is trusted.
    pub fn trusts(&self, country: &str) -> bool {
        self.trusted.contains(country)
    }
}

/// Points a non-trusted vendor costs a category, by its strongest evidence there.
pub fn cost(strength: Strength) -> u32 {
    match strength {
        Strength::Primary => 60,
        Strength::Used => 25,
        Strength::Present => 5,
    }
}

/// A letter for a 0-100 score.
pub fn grade(score: u32) -> &'static str {
    match score {
        90.. => "A",
        75..=89 => "B",
        60..=74 => "C",
        40..=59 => "D",
        20..=39 => "E",
        _ => "F",
    }
}

/// The score of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryScore {
    pub id: String,
    pub name: String,
    pub score: u32,
    pub weight: u32,
    /// Every vendor with evidence in the category, trusted or not, sorted by id.
    pub vendors: Vec<String>,
}

/// One vendor the organisation depends on, with its evidence summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendorSummary {
    pub id: String,
    pub name: String,
    pub jurisdiction: String,
    pub parent: String,
    pub trusted: bool,
    pub services: Vec<String>,
    pub categories: Vec<String>,
    pub strength: Strength,
    pub findings: usize,
}

/// The scorer's verdict on one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub score: u32,
    pub grade: &'static str,
    pub categories: Vec<CategoryScore>,
    pub vendors: Vec<VendorSummary>,
}

/// Scores one organisation's findings. The result does not depend on the findings' order.
pub fn assess(findings: &[Finding], rules: &RuleSet, policy: &Policy) -> Assessment {
    // category -> vendor -> strongest strength
    let mut by_category: BTreeMap<&str, BTreeMap<&str, Strength>> = BTreeMap::new();
    for f in findings {
        let s = by_category
            .entry(f.category.as_str())
            .or_default()
            .entry(f.vendor.as_str())
            .or_insert(f.strength);
        *s = (*s).max(f.strength);
    }
    let mut categories = Vec::new();
    for (cat_id, vendors) in &by_category {
        let penalty: u32 = vendors
            .iter()
            .filter(|(v, _)| !vendor_trusted(rules, v, policy))
            .map(|(_, s)| cost(*s))
            .sum();
        let cat = rules.category(cat_id);
        categories.push(CategoryScore {
            id: (*cat_id).to_owned(),
            name: cat.map_or_else(|| (*cat_id).to_owned(), |c| c.name.clone()),
            score: 100u32.saturating_sub(penalty),
            weight: cat.map_or(1, |c| c.weight),
            vendors: vendors.keys().map(|v| (*v).to_owned()).collect(),
        });
    }
    let total_weight: u32 = categories.iter().map(|c| c.weight).sum();
    let weighted: u32 = categories.iter().map(|c| c.weight * c.score).sum();
    let score = (weighted + total_weight / 2)
        .checked_div(total_weight)
        .unwrap_or(100);
    Assessment {
        score,
        grade: grade(score),
        categories,
        vendors: summarise_vendors(findings, rules, policy),
    }
}

fn vendor_trusted(rules: &RuleSet, vendor: &str, policy: &Policy) -> bool {
    rules
        .vendor(vendor)
        .is_some_and(|v| policy.trusts(v.jurisdiction()))
}

fn summarise_vendors(findings: &[Finding], rules: &RuleSet, policy: &Policy) -> Vec<VendorSummary> {
    let mut map: BTreeMap<&str, VendorSummary> = BTreeMap::new();
    let mut services: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut cats: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for f in findings {
        services.entry(&f.vendor).or_default().insert(&f.service);
        cats.entry(&f.vendor).or_default().insert(&f.category);
        let entry = map.entry(&f.vendor).or_insert_with(|| {
            let v = rules.vendor(&f.vendor);
            VendorSummary {
                id: f.vendor.clone(),
                name: v.map_or_else(|| f.vendor.clone(), |v| v.name.clone()),
                jurisdiction: f.jurisdiction.clone(),
                parent: v.map_or_else(String::new, |v| v.parent.clone()),
                trusted: policy.trusts(&f.jurisdiction),
                services: Vec::new(),
                categories: Vec::new(),
                strength: f.strength,
                findings: 0,
            }
        });
        entry.findings += 1;
        entry.strength = entry.strength.max(f.strength);
    }
    map.into_iter()
        .map(|(id, mut v)| {
            v.services = services[id].iter().map(|s| (*s).to_owned()).collect();
            v.categories = cats[id].iter().map(|s| (*s).to_owned()).collect();
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_cover_the_range() {
        assert_eq!(grade(100), "A");
        assert_eq!(grade(90), "A");
        assert_eq!(grade(89), "B");
        assert_eq!(grade(60), "C");
        assert_eq!(grade(40), "D");
        assert_eq!(grade(20), "E");
        assert_eq!(grade(0), "F");
    }

    #[test]
    fn default_policy_trusts_eu_and_eea_only() {
        let p = Policy::default();
        assert_eq!(p.trusted.len(), 30);
        assert!(p.trusts("FR") && p.trusts("NO"));
        assert!(!p.trusts("US") && !p.trusts("CH") && !p.trusts("GB"));
    }
}
