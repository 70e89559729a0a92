//! `sovscan.toml`: the organisations to audit and the jurisdiction policy.
//!
//! Raw form first (serde), then checks that report every problem at once, as for rule packs.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::rules::RuleSet;
use crate::score::Policy;

/// One organisation to audit, with paths resolved against the config file's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgConfig {
    pub name: String,
    pub paths: Vec<PathBuf>,
    pub domains: Vec<String>,
    pub exclude: Vec<String>,
    /// The global policy with this organisation's overrides applied.
    pub policy: Policy,
}

/// A validated `sovscan.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    /// The global policy (each organisation's own is in its [`OrgConfig`]).
    pub policy: Policy,
    pub orgs: Vec<OrgConfig>,
    file: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    trusted_jurisdictions: Option<Vec<String>>,
    #[serde(default)]
    weights: BTreeMap<String, u32>,
    #[serde(default)]
    allow: Vec<RawAllow>,
    #[serde(default, rename = "org")]
    orgs: Vec<RawOrg>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrg {
    name: String,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    /// Replaces the global list for this organisation.
    trusted_jurisdictions: Option<Vec<String>>,
    /// Merged over the global weights.
    #[serde(default)]
    weights: BTreeMap<String, u32>,
    /// Added to the global allow-list.
    #[serde(default)]
    allow: Vec<RawAllow>,
}

/// A vendor accepted as a known risk.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    vendor: String,
    #[serde(default)]
    reason: String,
}

/// Every problem found in a config file.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ConfigError {
    pub file: String,
    /// `(message, hint)` pairs.
    pub problems: Vec<(String, String)>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} problem(s) in {}:", self.problems.len(), self.file)?;
        for (msg, hint) in &self.problems {
            writeln!(f, "{}: {msg}\n  hint: {hint}", self.file)?;
        }
        Ok(())
    }
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: file.clone(),
            problems: vec![(
                format!("cannot read config: {e}"),
                "pass an existing file with --config, or create sovscan.toml (see README.md)"
                    .to_owned(),
            )],
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, base, &file)
    }

    /// Parses config text; relative paths are resolved against `base`.
    pub fn parse(text: &str, base: &Path, file: &str) -> Result<Self, ConfigError> {
        Self::parse_with(text, base, file, true)
    }

    /// Reads a config for its global policy only (`sovscan scan --config`): `[[org]]` tables
    /// are checked if present but not required.
    pub fn load_policy(path: &Path, rules: &RuleSet) -> Result<Policy, ConfigError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: file.clone(),
            problems: vec![(
                format!("cannot read config: {e}"),
                "pass an existing sovscan.toml to --config".to_owned(),
            )],
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let config = Self::parse_with(&text, base, &file, false)?;
        config.check(rules)?;
        Ok(config.policy)
    }

    fn parse_with(
        text: &str,
        base: &Path,
        file: &str,
        need_orgs: bool,
    ) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
            file: file.to_owned(),
            problems: vec![(
                format!("invalid TOML: {}", e.message().trim()),
                "fields are trusted_jurisdictions, [weights], [[allow]] and [[org]] tables with name, paths, domains, exclude (and their own trusted_jurisdictions, weights, allow)".to_owned(),
            )],
        })?;
        let mut problems = Vec::new();
        let global = Policy::default();
        let policy = policy_layer(
            &global,
            raw.trusted_jurisdictions,
            raw.weights,
            raw.allow,
            "sovscan.toml",
            &mut problems,
        );
        if raw.orgs.is_empty() && need_orgs {
            problems.push((
                "no [[org]] is defined".to_owned(),
                "add [[org]] tables with name and paths (and/or domains)".to_owned(),
            ));
        }
        let mut names = std::collections::BTreeSet::new();
        for (i, org) in raw.orgs.iter().enumerate() {
            let label = if org.name.trim().is_empty() {
                format!("[[org]] #{}", i + 1)
            } else {
                format!("org `{}`", org.name)
            };
            if org.name.trim().is_empty() {
                problems.push((
                    format!("{label} has an empty name"),
                    "give every organisation a name".to_owned(),
                ));
            } else if !names.insert(org.name.as_str()) {
                problems.push((
                    format!("{label} is defined twice"),
                    "organisation names must be unique".to_owned(),
                ));
            }
            if org.paths.is_empty() && org.domains.is_empty() {
                problems.push((
                    format!("{label} has neither paths nor domains"),
                    "list the repositories/directories (paths) or the mail domains (domains) to scan".to_owned(),
                ));
            }
            for d in &org.domains {
                if crate::dns::normalise_domain(d).is_none() {
                    problems.push((
                        format!("{label}: `{d}` is not a domain name"),
                        "write bare domains such as \"example.org\"".to_owned(),
                    ));
                }
            }
        }
        let mut orgs = Vec::new();
        for o in raw.orgs {
            let label = format!("org `{}`", o.name);
            let org_policy = policy_layer(
                &policy,
                o.trusted_jurisdictions,
                o.weights,
                o.allow,
                &label,
                &mut problems,
            );
            orgs.push(OrgConfig {
                name: o.name,
                paths: o.paths.iter().map(|p| base.join(p)).collect(),
                domains: o
                    .domains
                    .iter()
                    .filter_map(|d| crate::dns::normalise_domain(d))
                    .collect(),
                exclude: o.exclude,
                policy: org_policy,
            });
        }
        if !problems.is_empty() {
            return Err(ConfigError {
                file: file.to_owned(),
                problems,
            });
        }
        Ok(Self {
            policy,
            orgs,
            file: file.to_owned(),
        })
    }

    /// Checks the policies against the loaded rule packs (category and vendor ids), listing
    /// every problem.
    pub fn check(&self, rules: &RuleSet) -> Result<(), ConfigError> {
        let mut problems = self.policy.check(rules, "global policy");
        for org in &self.orgs {
            // Check only what the organisation adds: the global part was checked above.
            let mut own = org.policy.clone();
            own.weights
                .retain(|k, v| self.policy.weights.get(k) != Some(v));
            own.accepted
                .retain(|k, v| self.policy.accepted.get(k) != Some(v));
            problems.extend(own.check(rules, &format!("org `{}`", org.name)));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError {
                file: self.file.clone(),
                problems,
            })
        }
    }
}

/// Applies one layer of policy settings (global, or an organisation's) over `base`.
fn policy_layer(
    base: &Policy,
    trusted: Option<Vec<String>>,
    weights: BTreeMap<String, u32>,
    allow: Vec<RawAllow>,
    label: &str,
    problems: &mut Vec<(String, String)>,
) -> Policy {
    let mut policy = base.clone();
    if let Some(list) = trusted {
        for c in &list {
            if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                problems.push((
                    format!("{label}: trusted_jurisdictions entry `{c}` is not an ISO 3166-1 alpha-2 code"),
                    "use two upper-case letters, e.g. \"DE\", \"CH\"".to_owned(),
                ));
            }
        }
        policy.trusted = list.into_iter().collect();
    }
    policy.weights.extend(weights);
    for a in allow {
        policy.accepted.insert(a.vendor, a.reason);
    }
    policy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_problem() {
        let text = r#"
trusted_jurisdictions = ["DE", "switzerland"]
[[org]]
name = "A"
[[org]]
name = "A"
paths = ["x"]
domains = ["not a domain"]
"#;
        let err = Config::parse(text, Path::new("."), "sovscan.toml").expect_err("invalid");
        assert_eq!(err.problems.len(), 4, "{err}");
    }

    #[test]
    fn organisations_layer_their_policy_over_the_global_one() {
        let text = r#"
trusted_jurisdictions = ["DE", "FR"]
[weights]
email = 10
[[allow]]
vendor = "github"
reason = "public code only"

[[org]]
name = "Zurich"
paths = ["zh"]
trusted_jurisdictions = ["CH", "DE"]
weights = { devops-ci = 0 }
[[org.allow]]
vendor = "docker"
reason = "base images are mirrored"

[[org]]
name = "Lyon"
paths = ["ly"]
"#;
        let cfg = Config::parse(text, Path::new("."), "c.toml").expect("valid");
        let (zh, ly) = (&cfg.orgs[0].policy, &cfg.orgs[1].policy);
        assert!(zh.trusts("CH") && !zh.trusts("FR"));
        assert!(ly.trusts("FR") && !ly.trusts("CH"));
        assert_eq!(zh.weights.get("email"), Some(&10));
        assert_eq!(zh.weights.get("devops-ci"), Some(&0));
        assert_eq!(ly.weights.get("devops-ci"), None);
        assert_eq!(zh.accepted.len(), 2);
        assert_eq!(ly.accepted.keys().collect::<Vec<_>>(), ["github"]);
        let rules = RuleSet::builtin().expect("rules");
        assert!(cfg.check(&rules).is_ok());
    }

    #[test]
    fn policy_problems_against_the_rules_are_all_listed() {
        let text = r#"
[weights]
mail = 3
[[allow]]
vendor = "acme"
[[org]]
name = "A"
paths = ["a"]
"#;
        let cfg = Config::parse(text, Path::new("."), "c.toml").expect("parses");
        let rules = RuleSet::builtin().expect("rules");
        let err = cfg.check(&rules).expect_err("invalid");
        assert_eq!(err.problems.len(), 3, "{err}");
        assert!(err.to_string().contains("unknown category `mail`"));
    }

    #[test]
    fn resolves_paths_against_the_config_dir() {
        let text = "[[org]]\nname = \"City\"\npaths = [\"infra\"]\n";
        let cfg = Config::parse(text, Path::new("/etc/audit"), "c.toml").expect("valid");
        assert_eq!(cfg.orgs[0].paths, vec![PathBuf::from("/etc/audit/infra")]);
        assert!(cfg.policy.trusts("DE"));
    }
}
