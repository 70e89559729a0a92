//! CI gating: `--fail-on` conditions, and `--baseline` (only findings whose fingerprint is new
//! count). Pure functions over findings; the CLI turns the verdict into exit status 1.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::finding::Finding;
use crate::rules::{RuleSet, Strength};

/// One `--fail-on` condition: every part must hold for a finding to fail the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailOn {
    /// The text as given, for messages.
    pub spec: String,
    /// At least this strength.
    pub strength: Option<Strength>,
    /// This jurisdiction (ISO code), or any untrusted one when `untrusted`.
    pub jurisdiction: Option<String>,
    pub untrusted: bool,
    pub category: Option<String>,
}

impl FailOn {
    /// Parses `part[:part...]` where each part is a strength (`present`, `used`, `primary`), an
    /// ISO country code (`US`), `untrusted`, or a category id (`email`).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut out = Self {
            spec: spec.to_owned(),
            strength: None,
            jurisdiction: None,
            untrusted: false,
            category: None,
        };
        if spec.trim().is_empty() {
            return Err("empty --fail-on condition".to_owned());
        }
        for part in spec.split(':').map(str::trim) {
            if let Some(s) = Strength::parse(part) {
                out.strength = Some(s);
            } else if part == "untrusted" {
                out.untrusted = true;
            } else if part.len() == 2 && part.bytes().all(|b| b.is_ascii_uppercase()) {
                out.jurisdiction = Some(part.to_owned());
            } else if !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
            {
                out.category = Some(part.to_owned());
            } else {
                return Err(format!(
                    "`{part}` in --fail-on `{spec}` is neither a strength (present, used, primary), a country code (US), `untrusted`, nor a category id"
                ));
            }
        }
        Ok(out)
    }

    /// The category it names, when the rule packs do not know it.
    pub fn unknown_category(&self, rules: &RuleSet) -> Option<&str> {
        self.category
            .as_deref()
            .filter(|c| rules.category(c).is_none())
    }

    /// True when `f` fails this condition; `untrusted` says whether the organisation's policy
    /// neither trusts nor accepts the finding's vendor.
    pub fn matches(&self, f: &Finding, untrusted: bool) -> bool {
        self.strength.is_none_or(|s| f.strength >= s)
            && self
                .jurisdiction
                .as_ref()
                .is_none_or(|j| &f.jurisdiction == j)
            && (!self.untrusted || untrusted)
            && self.category.as_ref().is_none_or(|c| &f.category == c)
    }
}

/// What a baseline comparison found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BaselineDiff {
    /// The baseline report's path.
    pub file: String,
    /// Fingerprints of findings not in the baseline, sorted.
    pub new: Vec<String>,
    /// Fingerprints in the baseline that are gone, sorted.
    pub fixed: Vec<String>,
}

/// Reads the fingerprints of every finding in a JSON report written by `--format json`.
pub fn baseline_fingerprints(text: &str) -> Result<BTreeSet<String>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let orgs = v["organisations"]
        .as_array()
        .ok_or("no `organisations` array: not a sovscan JSON report")?;
    Ok(orgs
        .iter()
        .flat_map(|o| o["findings"].as_array().into_iter().flatten())
        .filter_map(|f| f["fingerprint"].as_str().map(str::to_owned))
        .collect())
}

/// Compares the current findings with a baseline's fingerprints.
pub fn diff<'a>(
    file: &str,
    baseline: &BTreeSet<String>,
    current: impl Iterator<Item = &'a Finding>,
) -> BaselineDiff {
    let now: BTreeSet<&str> = current.map(|f| f.fingerprint.as_str()).collect();
    BaselineDiff {
        file: file.to_owned(),
        new: now
            .iter()
            .filter(|fp| !baseline.contains(**fp))
            .map(|fp| (*fp).to_owned())
            .collect(),
        fixed: baseline
            .iter()
            .filter(|fp| !now.contains(fp.as_str()))
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_and_reject_nonsense() {
        let f = FailOn::parse("primary:US").expect("valid");
        assert_eq!(f.strength, Some(Strength::Primary));
        assert_eq!(f.jurisdiction.as_deref(), Some("US"));
        let g = FailOn::parse("used:email:untrusted").expect("valid");
        assert_eq!(g.category.as_deref(), Some("email"));
        assert!(g.untrusted);
        assert!(FailOn::parse("Primary").is_err());
        assert!(FailOn::parse("").is_err());
        assert!(FailOn::parse("primary:u.s.").is_err());
    }

    #[test]
    fn baseline_reads_fingerprints_of_every_organisation() {
        let text = r#"{"organisations":[{"findings":[{"fingerprint":"a"}]},{"findings":[{"fingerprint":"b"}]}]}"#;
        let fps = baseline_fingerprints(text).expect("valid");
        assert_eq!(fps.into_iter().collect::<Vec<_>>(), ["a", "b"]);
        assert!(baseline_fingerprints("{}").is_err());
    }
}
