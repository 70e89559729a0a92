//! The sovereignty scorer: findings -> dependencies -> category, objective and overall scores
//! with an estimated SEAL level. Pure functions, no I/O; docs/scoring.md explains the model.
//!
//! 1. **Join.** Findings become one [`Dependency`] per (vendor, service, category), keeping every
//!    fingerprint and the strongest strength.
//! 2. **Exposure.** A dependency on a vendor outside the trusted jurisdictions (and not accepted
//!    by the policy) exposes its category by its strength: `primary` 0.80, `used` 0.40,
//!    `present` 0.05. Per category, each vendor counts once, at its strongest. When the category
//!    also runs on trusted primary platforms, the primary exposure is shared among all of them
//!    (never below 0.40).
//! 3. **Category score** = `100 × Π (1 − exposure)`, rounded: one primary dependency leaves 20,
//!    two leave 4, one used dependency 60, a mention 95.
//! 4. **Overall** = weakest link × weighted mean / 100. A category of weight `w` caps the overall
//!    at `100 − w/10 × (100 − score)`: no category can hide a critical dependency behind many
//!    clean ones. The weighted mean of the assessed categories then scales that cap, so an
//!    organisation that depends on foreign vendors in more categories scores lower still.
//! 5. **SEAL** per category: 4 with no untrusted dependency, 3 with mentions only, 2 with `used`
//!    dependencies, 0 with a `primary` one; overall, the lowest.
//!
//! A category none of whose evidence sources (files, dns) was scanned is *not assessed*: it has
//! no score and does not count, and the report says why.

mod policy;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::finding::{Finding, Location};
use crate::rules::{EvidenceSource, RuleSet, Strength};

pub use policy::{EEA_ONLY, EU, Policy};

/// The share of a category a dependency of this strength takes away.
pub fn exposure(strength: Strength) -> f64 {
    match strength {
        Strength::Primary => 0.80,
        Strength::Used => 0.40,
        Strength::Present => 0.05,
    }
}

/// The estimated SEAL level (EU Cloud Sovereignty Framework, 0-4) of a category whose strongest
/// untrusted dependency has this strength (`None`: no untrusted dependency).
pub fn seal(strongest_untrusted: Option<Strength>) -> u8 {
    match strongest_untrusted {
        None => 4,
        Some(Strength::Present) => 3,
        Some(Strength::Used) => 2,
        Some(Strength::Primary) => 0,
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

/// The EU Cloud Sovereignty Framework objectives (MISP taxonomy `sov`), by id.
pub const OBJECTIVES: &[(&str, &str)] = &[
    ("SOV-1", "Strategic Sovereignty"),
    ("SOV-2", "Legal & Jurisdictional Sovereignty"),
    ("SOV-3", "Data & AI Sovereignty"),
    ("SOV-4", "Operational Sovereignty"),
    ("SOV-5", "Supply Chain Sovereignty"),
    ("SOV-6", "Technology Sovereignty"),
    ("SOV-7", "Security & Compliance Sovereignty"),
    ("SOV-8", "Environmental Sustainability"),
];

/// What was scanned for an organisation: the evidence sources in scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub sources: BTreeSet<EvidenceSource>,
}

impl Scope {
    /// A scope of the given sources.
    pub fn of(sources: impl IntoIterator<Item = EvidenceSource>) -> Self {
        Self {
            sources: sources.into_iter().collect(),
        }
    }
}

/// An EU or open-source alternative offered for a dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct AlternativeOption {
    pub name: String,
    pub seat: String,
    /// False when the alternative's owner is itself outside the trusted jurisdictions.
    pub trusted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caveat: Option<String>,
}

/// One organisation's dependency on one vendor's service, joined across every source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Dependency {
    pub vendor: String,
    pub service: String,
    pub category: String,
    pub jurisdiction: String,
    pub trusted: bool,
    /// The policy's reason when the vendor is accepted as a known risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
    pub strength: Strength,
    /// Where the evidence came from: `file`, `binary`, `dns`.
    pub sources: Vec<&'static str>,
    /// Fingerprints of every finding, sorted.
    pub findings: Vec<String>,
    /// For untrusted dependencies: the category's alternatives.
    pub alternatives: Vec<AlternativeOption>,
}

impl Dependency {
    /// True when the dependency costs points: untrusted and not accepted.
    pub fn counts(&self) -> bool {
        !self.trusted && self.accepted.is_none()
    }
}

/// One line of a category's explanation: a vendor and what it cost.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Deduction {
    pub vendor: String,
    pub jurisdiction: String,
    pub strength: Strength,
    /// The share of the category taken away (0 for trusted or accepted vendors).
    pub exposure: f64,
    /// Why nothing was taken away, when nothing was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exempt: Option<String>,
    /// Fingerprints of the findings behind it.
    pub findings: Vec<String>,
}

/// The score of one assessed category with evidence.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CategoryScore {
    pub id: String,
    pub name: String,
    pub score: u32,
    pub weight: u32,
    /// Every vendor with evidence in the category, trusted or not, sorted by id.
    pub vendors: Vec<String>,
    /// Estimated SEAL level, 0-4.
    pub seal: u8,
    /// How the score was reached: the formula, then one line per vendor.
    pub explanation: Explanation,
}

/// A category's score, spelled out.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Explanation {
    /// e.g. `100 × (1 − 0.80 aws) × (1 − 0.40 github) = 12`.
    pub formula: String,
    pub deductions: Vec<Deduction>,
}

/// A category left out of the score, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NotAssessed {
    pub id: String,
    pub name: String,
    pub reason: String,
    /// Vendors seen anyway (listed, not scored).
    pub vendors: Vec<String>,
}

/// Which categories the score covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Assessed {
    /// The evidence sources that were scanned.
    pub sources: Vec<EvidenceSource>,
    /// Categories with a source in scope (with or without evidence), by id.
    pub categories: Vec<String>,
    pub not_assessed: Vec<NotAssessed>,
}

/// The score of one framework objective: the weighted mean of the categories bearing on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ObjectiveScore {
    pub id: &'static str,
    pub name: &'static str,
    pub score: u32,
    pub seal: u8,
    pub categories: Vec<String>,
}

/// One vendor the organisation depends on, with its evidence summarised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// `None` when no category could be assessed.
    pub score: Option<u32>,
    pub grade: &'static str,
    pub seal: Option<u8>,
    /// The weighted mean and the weakest-link cap whose product is the score.
    pub mean: Option<u32>,
    pub cap: Option<(u32, String)>,
    pub categories: Vec<CategoryScore>,
    pub objectives: Vec<ObjectiveScore>,
    pub assessed: Assessed,
    pub dependencies: Vec<Dependency>,
    pub vendors: Vec<VendorSummary>,
}

/// Scores one organisation's findings; suppressed findings do not count. The result does not
/// depend on the findings' order.
pub fn assess(findings: &[Finding], rules: &RuleSet, policy: &Policy, scope: &Scope) -> Assessment {
    let findings: Vec<&Finding> = findings.iter().filter(|f| f.suppressed.is_none()).collect();
    let findings = findings.as_slice();
    let dependencies = join(findings, rules, policy);
    let assessed = assessed(rules, scope, &dependencies);
    let in_scope: BTreeSet<&str> = assessed.categories.iter().map(String::as_str).collect();

    // category -> vendor -> dependencies of that vendor there
    let mut by_category: BTreeMap<&str, BTreeMap<&str, Vec<&Dependency>>> = BTreeMap::new();
    for d in &dependencies {
        by_category
            .entry(&d.category)
            .or_default()
            .entry(&d.vendor)
            .or_default()
            .push(d);
    }
    let mut categories = Vec::new();
    for cat in &rules.categories {
        if !in_scope.contains(cat.id.as_str()) {
            continue;
        }
        let Some(vendors) = by_category.get(cat.id.as_str()) else {
            continue;
        };
        categories.push(score_category(rules, policy, &cat.id, vendors));
    }

    // Assessed categories without evidence score 100 and count: the scan could have seen them.
    let scored = |id: &str| {
        categories
            .iter()
            .find(|c| c.id == id)
            .map(|c| (c.score, c.seal))
    };
    let mut weighted = 0u64;
    let mut total = 0u64;
    let mut cap: Option<(u32, String)> = None;
    let mut min_seal: Option<u8> = None;
    for id in &assessed.categories {
        let w = policy.weight(rules, id);
        let (score, seal) = scored(id).unwrap_or((100, 4));
        weighted += u64::from(w) * u64::from(score);
        total += u64::from(w);
        let limit = weakest_link(score, w);
        if cap.as_ref().is_none_or(|(c, _)| limit < *c) {
            cap = Some((limit, id.clone()));
        }
        if w > 0 {
            min_seal = Some(min_seal.map_or(seal, |s| s.min(seal)));
        }
    }
    let mean = (weighted + total / 2).checked_div(total).map(|m| m as u32);
    let score = mean.map(|m| {
        let c = cap.as_ref().map_or(100, |(c, _)| *c);
        (c * m + 50) / 100
    });
    Assessment {
        score,
        grade: score.map_or("-", grade),
        seal: min_seal,
        mean,
        cap: cap.filter(|(c, _)| *c < 100),
        objectives: objectives(rules, policy, &assessed.categories, &categories),
        categories,
        assessed,
        vendors: summarise_vendors(findings, rules, policy),
        dependencies,
    }
}

/// The exposure of each of `untrusted` primary platforms in a category that also runs on
/// `trusted` primary platforms: the primary exposure shared by all platforms, never below the
/// exposure of a `used` dependency (so that a stronger dependency never costs less).
pub fn primary_exposure(untrusted: u32, trusted: u32) -> f64 {
    let share = f64::from(untrusted) / f64::from((untrusted + trusted).max(1));
    (exposure(Strength::Primary) * share).max(exposure(Strength::Used))
}

/// The most a category of weight `weight` scoring `score` lets the overall score reach.
pub fn weakest_link(score: u32, weight: u32) -> u32 {
    let w = weight.min(10);
    100 - (w * (100 - score.min(100)) + 5) / 10
}

fn score_category(
    rules: &RuleSet,
    policy: &Policy,
    id: &str,
    vendors: &BTreeMap<&str, Vec<&Dependency>>,
) -> CategoryScore {
    let strongest_of = |deps: &[&Dependency]| {
        deps.iter()
            .map(|d| d.strength)
            .max()
            .unwrap_or(Strength::Present)
    };
    // The organisation may run on several platforms of a category: count the primary ones.
    let (mut primary_untrusted, mut primary_trusted) = (0u32, 0u32);
    for deps in vendors.values() {
        if strongest_of(deps) == Strength::Primary {
            if deps[0].counts() {
                primary_untrusted += 1;
            } else {
                primary_trusted += 1;
            }
        }
    }
    let mut product = 1.0f64;
    let mut formula = String::from("100");
    let mut deductions = Vec::new();
    let mut strongest: Option<Strength> = None;
    for (vendor, deps) in vendors {
        let strength = strongest_of(deps);
        let first = deps[0];
        let mut findings: Vec<String> = deps.iter().flat_map(|d| d.findings.clone()).collect();
        findings.sort();
        findings.dedup();
        let exempt = if first.trusted {
            Some(format!("trusted jurisdiction ({})", first.jurisdiction))
        } else {
            first
                .accepted
                .as_ref()
                .map(|r| format!("accepted by policy: {r}"))
        };
        let e = match (&exempt, strength) {
            (Some(_), _) => 0.0,
            (None, Strength::Primary) => primary_exposure(primary_untrusted, primary_trusted),
            (None, s) => exposure(s),
        };
        if exempt.is_none() {
            product *= 1.0 - e;
            formula.push_str(&format!(" × (1 − {e:.2} {vendor} {strength})"));
            strongest = strongest.max(Some(strength));
        }
        deductions.push(Deduction {
            vendor: (*vendor).to_owned(),
            jurisdiction: first.jurisdiction.clone(),
            strength,
            exposure: e,
            exempt,
            findings,
        });
    }
    let score = (100.0 * product).round() as u32;
    formula.push_str(&format!(" = {score}"));
    let cat = rules.category(id);
    CategoryScore {
        id: id.to_owned(),
        name: cat.map_or_else(|| id.to_owned(), |c| c.name.clone()),
        score,
        weight: policy.weight(rules, id),
        vendors: vendors.keys().map(|v| (*v).to_owned()).collect(),
        seal: seal(strongest),
        explanation: Explanation {
            formula,
            deductions,
        },
    }
}

/// Findings -> one dependency per (vendor, service, category).
fn join(findings: &[&Finding], rules: &RuleSet, policy: &Policy) -> Vec<Dependency> {
    let mut map: BTreeMap<(&str, &str, &str), Dependency> = BTreeMap::new();
    for f in findings {
        let key = (f.vendor.as_str(), f.service.as_str(), f.category.as_str());
        let dep = map.entry(key).or_insert_with(|| {
            let trusted = policy.trusts(&f.jurisdiction);
            Dependency {
                vendor: f.vendor.clone(),
                service: f.service.clone(),
                category: f.category.clone(),
                jurisdiction: f.jurisdiction.clone(),
                trusted,
                accepted: policy.accepted.get(&f.vendor).cloned(),
                strength: f.strength,
                sources: Vec::new(),
                findings: Vec::new(),
                alternatives: if trusted {
                    Vec::new()
                } else {
                    alternatives(rules, policy, &f.category)
                },
            }
        });
        dep.strength = dep.strength.max(f.strength);
        let source = match f.location {
            Location::File { .. } => "file",
            Location::Binary { .. } => "binary",
            Location::Dns { .. } => "dns",
        };
        if !dep.sources.contains(&source) {
            dep.sources.push(source);
        }
        dep.findings.push(f.fingerprint.clone());
    }
    map.into_values()
        .map(|mut d| {
            d.sources.sort_unstable();
            d.findings.sort();
            d
        })
        .collect()
}

fn alternatives(rules: &RuleSet, policy: &Policy, category: &str) -> Vec<AlternativeOption> {
    rules.category(category).map_or_else(Vec::new, |c| {
        c.alternatives
            .iter()
            .map(|a| AlternativeOption {
                name: a.name.clone(),
                seat: a.seat.clone(),
                trusted: a.seat == "OSS" || policy.trusts(&a.seat),
                caveat: a.caveat.clone(),
            })
            .collect()
    })
}

fn assessed(rules: &RuleSet, scope: &Scope, deps: &[Dependency]) -> Assessed {
    let mut categories = Vec::new();
    let mut not_assessed = Vec::new();
    for c in &rules.categories {
        if c.sources.iter().any(|s| scope.sources.contains(s)) {
            categories.push(c.id.clone());
            continue;
        }
        let needs: Vec<&str> = c.sources.iter().map(|s| s.as_str()).collect();
        let mut vendors: Vec<String> = deps
            .iter()
            .filter(|d| d.category == c.id)
            .map(|d| d.vendor.clone())
            .collect();
        vendors.dedup();
        not_assessed.push(NotAssessed {
            id: c.id.clone(),
            name: c.name.clone(),
            reason: format!(
                "assessed from {} evidence, and none was scanned{}",
                needs.join(" or "),
                if needs.contains(&"dns") {
                    " (give the organisation's domains)"
                } else {
                    " (give paths to scan)"
                }
            ),
            vendors,
        });
    }
    Assessed {
        sources: scope.sources.iter().copied().collect(),
        categories,
        not_assessed,
    }
}

fn objectives(
    rules: &RuleSet,
    policy: &Policy,
    assessed: &[String],
    scored: &[CategoryScore],
) -> Vec<ObjectiveScore> {
    let mut out = Vec::new();
    for (id, name) in OBJECTIVES {
        let mut weighted = 0u64;
        let mut total = 0u64;
        let mut seal_min = 4u8;
        let mut cats = Vec::new();
        for cat in assessed {
            let Some(c) = rules.category(cat) else {
                continue;
            };
            if !c.objectives.iter().any(|o| o == id) {
                continue;
            }
            let (score, seal) = scored
                .iter()
                .find(|s| &s.id == cat)
                .map_or((100, 4), |s| (s.score, s.seal));
            let w = u64::from(policy.weight(rules, cat));
            weighted += w * u64::from(score);
            total += w;
            if w > 0 {
                seal_min = seal_min.min(seal);
            }
            cats.push(cat.clone());
        }
        if let Some(score) = (weighted + total / 2).checked_div(total) {
            out.push(ObjectiveScore {
                id,
                name,
                score: score as u32,
                seal: seal_min,
                categories: cats,
            });
        }
    }
    out
}

fn summarise_vendors(
    findings: &[&Finding],
    rules: &RuleSet,
    policy: &Policy,
) -> Vec<VendorSummary> {
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
    fn weakest_link_scales_with_weight() {
        assert_eq!(weakest_link(20, 10), 20);
        assert_eq!(weakest_link(20, 5), 60);
        assert_eq!(weakest_link(20, 0), 100);
        assert_eq!(weakest_link(100, 10), 100);
    }

    #[test]
    fn seal_follows_the_strongest_untrusted_dependency() {
        assert_eq!(seal(None), 4);
        assert_eq!(seal(Some(Strength::Present)), 3);
        assert_eq!(seal(Some(Strength::Used)), 2);
        assert_eq!(seal(Some(Strength::Primary)), 0);
    }
}
