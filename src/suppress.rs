//! Suppressions: `.sovscanignore` entries (by fingerprint, or by rule id and path glob, each
//! with a reason and an optional expiry date) and inline `sovscan:ignore <rule-id> <reason>`
//! comments. A suppressed finding stays in the report, marked, and stops counting in scores and
//! gates; an expired entry stops suppressing and is reported.

use std::path::Path;

use globset::{Glob, GlobMatcher};
use serde::Deserialize;

use crate::finding::{ErrorKind, Finding, ScanError, Suppression};
use crate::rules::is_date;

/// The file read from the first scanned directory when `--ignore-file` is not given.
pub const FILE_NAME: &str = ".sovscanignore";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default, rename = "ignore")]
    entries: Vec<RawEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    fingerprint: Option<String>,
    rule: Option<String>,
    path: Option<String>,
    #[serde(default)]
    reason: String,
    expires: Option<String>,
}

/// One validated entry.
#[derive(Debug, Clone)]
struct Entry {
    fingerprint: Option<String>,
    rule: Option<String>,
    path: Option<GlobMatcher>,
    reason: String,
    expires: Option<String>,
    line: usize,
}

/// The suppressions of a run.
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    entries: Vec<Entry>,
    origin: String,
}

/// Every problem in a suppression file.
#[derive(Debug, thiserror::Error)]
#[error("{} problem(s) in {file}:\n{}", problems.len(), problems.iter().map(|(m, h)| format!("{file}: {m}\n  hint: {h}")).collect::<Vec<_>>().join("\n"))]
pub struct SuppressError {
    pub file: String,
    pub problems: Vec<(String, String)>,
}

impl Suppressions {
    /// Reads `path` (TOML `[[ignore]]` tables), listing every problem.
    pub fn load(path: &Path) -> Result<Self, SuppressError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SuppressError {
            file: file.clone(),
            problems: vec![(
                format!("cannot read: {e}"),
                "check the path of --ignore-file".to_owned(),
            )],
        })?;
        Self::parse(&text, &file)
    }

    /// Parses suppression text.
    pub fn parse(text: &str, file: &str) -> Result<Self, SuppressError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| SuppressError {
            file: file.to_owned(),
            problems: vec![(
                format!("invalid TOML: {}", e.message().trim()),
                "write [[ignore]] tables with fingerprint, or rule and path, plus reason and optional expires".to_owned(),
            )],
        })?;
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        for (i, e) in raw.entries.into_iter().enumerate() {
            let n = i + 1;
            if e.reason.trim().is_empty() {
                problems.push((
                    format!("[[ignore]] #{n} has no reason"),
                    "say why: reason = \"...\"".to_owned(),
                ));
            }
            if e.fingerprint.is_none() && e.rule.is_none() {
                problems.push((
                    format!("[[ignore]] #{n} names neither a fingerprint nor a rule"),
                    "give fingerprint = \"<32 hex>\" from a report, or rule = \"<rule-id>\" with an optional path glob".to_owned(),
                ));
            }
            if let Some(fp) = &e.fingerprint
                && (fp.len() != 32 || !fp.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                problems.push((
                    format!("[[ignore]] #{n}: fingerprint `{fp}` is not 32 hex digits"),
                    "copy the fingerprint from a JSON or SARIF report".to_owned(),
                ));
            }
            if let Some(d) = &e.expires
                && !is_date(d)
            {
                problems.push((
                    format!("[[ignore]] #{n}: expires `{d}` is not YYYY-MM-DD"),
                    "write a date such as 2027-03-31".to_owned(),
                ));
            }
            let path = match &e.path {
                None => None,
                Some(p) => match Glob::new(p) {
                    Ok(g) => Some(g.compile_matcher()),
                    Err(err) => {
                        problems.push((
                            format!("[[ignore]] #{n}: bad path glob `{p}`: {err}"),
                            "use a gitignore-style glob such as infra/legacy/**".to_owned(),
                        ));
                        None
                    }
                },
            };
            entries.push(Entry {
                fingerprint: e.fingerprint.map(|f| f.to_ascii_lowercase()),
                rule: e.rule,
                path,
                reason: e.reason,
                expires: e.expires,
                line: n,
            });
        }
        if problems.is_empty() {
            Ok(Self {
                entries,
                origin: file.to_owned(),
            })
        } else {
            Err(SuppressError {
                file: file.to_owned(),
                problems,
            })
        }
    }

    /// Marks the findings the entries suppress (as of `today`, `YYYY-MM-DD`); returns an error
    /// entry per expired entry that would have suppressed something.
    pub fn apply(&self, findings: &mut [Finding], today: &str) -> Vec<ScanError> {
        let mut expired = Vec::new();
        for e in &self.entries {
            let is_expired = e.expires.as_deref().is_some_and(|d| d < today);
            let mut hit = false;
            for f in findings.iter_mut().filter(|f| f.suppressed.is_none()) {
                let by_fp = e
                    .fingerprint
                    .as_ref()
                    .is_some_and(|fp| fp == &f.fingerprint);
                let by_rule = e.rule.as_ref().is_some_and(|r| r == &f.rule)
                    && e.path
                        .as_ref()
                        .is_none_or(|g| g.is_match(f.location.path()));
                if !(by_fp || by_rule) {
                    continue;
                }
                hit = true;
                if !is_expired {
                    f.suppressed = Some(Suppression {
                        source: format!("{}#{}", self.origin, e.line),
                        reason: e.reason.clone(),
                        expires: e.expires.clone(),
                    });
                }
            }
            if is_expired && hit {
                expired.push(ScanError {
                    kind: ErrorKind::Suppression,
                    path: format!("{}#{}", self.origin, e.line),
                    message: format!(
                        "expired on {}: no longer suppresses ({}); renew or remove it",
                        e.expires.as_deref().unwrap_or_default(),
                        e.reason
                    ),
                });
            }
        }
        expired
    }
}

/// Marks findings whose line (or the line before) carries `sovscan:ignore <rule-id> <reason>`.
pub fn inline(finding: &mut Finding, line: &[u8], previous: Option<&[u8]>) {
    for text in [Some(line), previous].into_iter().flatten() {
        let text = String::from_utf8_lossy(text);
        let Some(at) = text.find("sovscan:ignore") else {
            continue;
        };
        let rest = text[at + "sovscan:ignore".len()..].trim();
        let mut words = rest.splitn(2, char::is_whitespace);
        let rule = words.next().unwrap_or("");
        let reason = words
            .next()
            .unwrap_or("")
            .trim()
            .trim_end_matches(&['*', '/', '-', '>', ' '][..])
            .trim();
        if rule == finding.rule && !reason.is_empty() {
            finding.suppressed = Some(Suppression {
                source: "inline".to_owned(),
                reason: reason.to_owned(),
                expires: None,
            });
            return;
        }
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil-from-days (proleptic Gregorian), after Howard Hinnant's algorithm description.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_listed() {
        let text = r#"
[[ignore]]
fingerprint = "xyz"
[[ignore]]
rule = "aws-terraform-provider"
path = "a/[b"
reason = "legacy"
expires = "soon"
"#;
        let err = Suppressions::parse(text, ".sovscanignore").expect_err("invalid");
        assert_eq!(err.problems.len(), 4, "{err}");
    }

    #[test]
    fn today_is_a_date() {
        let t = today();
        assert!(is_date(&t), "{t}");
        assert!(t.as_str() > "2026-01-01");
    }
}
