//! `sovscan.toml`: the organisations to audit and the jurisdiction policy.
//!
//! Raw form first (serde), then checks that report every problem at once, as for rule packs.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::score::Policy;

/// One organisation to audit, with paths resolved against the config file's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgConfig {
    pub name: String,
    pub paths: Vec<PathBuf>,
    pub domains: Vec<String>,
    pub exclude: Vec<String>,
}

/// A validated `sovscan.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    pub policy: Policy,
    pub orgs: Vec<OrgConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    trusted_jurisdictions: Option<Vec<String>>,
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
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
            file: file.to_owned(),
            problems: vec![(
                format!("invalid TOML: {}", e.message().trim()),
                "fields are trusted_jurisdictions and [[org]] tables with name, paths, domains, exclude".to_owned(),
            )],
        })?;
        let mut problems = Vec::new();
        let policy = match raw.trusted_jurisdictions {
            None => Policy::default(),
            Some(list) => {
                for c in &list {
                    if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                        problems.push((
                            format!("trusted_jurisdictions entry `{c}` is not an ISO 3166-1 alpha-2 code"),
                            "use two upper-case letters, e.g. \"DE\", \"CH\"".to_owned(),
                        ));
                    }
                }
                Policy {
                    trusted: list.into_iter().collect(),
                }
            }
        };
        if raw.orgs.is_empty() {
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
                if d.is_empty() || d.contains('/') || d.contains(' ') || !d.contains('.') {
                    problems.push((
                        format!("{label}: `{d}` is not a domain name"),
                        "write bare domains such as \"example.org\"".to_owned(),
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError {
                file: file.to_owned(),
                problems,
            });
        }
        let orgs = raw
            .orgs
            .into_iter()
            .map(|o| OrgConfig {
                name: o.name,
                paths: o.paths.iter().map(|p| base.join(p)).collect(),
                domains: o.domains,
                exclude: o.exclude,
            })
            .collect();
        Ok(Self { policy, orgs })
    }
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
    fn resolves_paths_against_the_config_dir() {
        let text = "[[org]]\nname = \"City\"\npaths = [\"infra\"]\n";
        let cfg = Config::parse(text, Path::new("/etc/audit"), "c.toml").expect("valid");
        assert_eq!(cfg.orgs[0].paths, vec![PathBuf::from("/etc/audit/infra")]);
        assert!(cfg.policy.trusts("DE"));
    }
}
