//! SARIF 2.1.0 for code scanning (GitHub, GitLab): one run, one rule per rule that fired, one
//! result per finding of every organisation.
//!
//! Shaped by what GitHub ingests ("SARIF support for code scanning" in GitHub's docs): every
//! result carries one location with `physicalLocation.artifactLocation.uri` and
//! `region.startLine`, or the whole upload is rejected ("locationFromSarifResult: expected at
//! least one location" / "expected artifact location", github/codeql-action#1738, #2459).
//! So a binary gets line 1 (with its byte offset when the string has one; GitHub reads no
//! byte offsets, ossf/scorecard#1458) and a DNS record, which has no file, gets the
//! relative pseudo-path `dns/<domain>` at line 1, with the record as a logical location. An
//! absolute URI with another scheme (`dns:`) would be rejected against the checkout's `file`
//! scheme.

mod model;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use serde_json::{Value, json};

use self::model::{
    ArtifactLocation, Configuration, Descriptor, DescriptorReference, Driver, Help, Invocation,
    Log, LogicalLocation, Notification, PhysicalLocation, Region, Run, SarifLocation, SarifResult,
    SarifSuppression, Tool, text,
};
use super::Report;
use crate::finding::{ErrorKind, Finding, Location, ScanError};
use crate::rules::{Rule, RuleSet, Strength};

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of our fingerprint in `partialFingerprints`; bump the version if its recipe changes.
const FINGERPRINT_KEY: &str = "sovscanFingerprint/v1";
/// Base of the relative URIs: the scanned root (its absolute path is left out, so equal scans
/// give equal bytes on every machine).
const SRCROOT: &str = "%SRCROOT%";
/// GitHub's limits for `shortDescription`/`fullDescription` and for `name`.
const MAX_DESCRIPTION: usize = 1024;
const MAX_NAME: usize = 255;

/// Writes `report` as a SARIF 2.1.0 log, pretty-printed, followed by a newline.
pub fn write(report: &Report, rules: &RuleSet, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report, rules))?;
    out.write_all(b"\n")
}

fn log(report: &Report, rules: &RuleSet) -> Log {
    let mut first: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in report.organisations.iter().flat_map(|o| &o.findings) {
        first.entry(f.rule.as_str()).or_insert(f);
    }
    let index: BTreeMap<&str, usize> = first.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let descriptors = first
        .values()
        .map(|f| match rules.rule(&f.rule) {
            Some(rule) => descriptor(rule, rules),
            None => fallback_descriptor(f),
        })
        .collect();
    let results = report
        .organisations
        .iter()
        .flat_map(|o| o.findings.iter().map(move |f| (o.name.as_str(), f)))
        .map(|(org, f)| result(f, org, index[f.rule.as_str()], rules))
        .collect();
    let base = ArtifactLocation {
        description: Some(text("The scanned root: paths are relative to it.")),
        ..ArtifactLocation::default()
    };
    Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: report.tool.name,
                    version: report.tool.version,
                    semantic_version: report.tool.version,
                    rules: descriptors,
                },
            },
            invocations: [Invocation {
                execution_successful: true,
                tool_execution_notifications: report.errors.iter().map(notification).collect(),
            }],
            original_uri_base_ids: BTreeMap::from([(SRCROOT, base)]),
            results,
            column_kind: "utf16CodeUnits",
        }],
    }
}

/// `error`, `warning` or `note`: how strongly the evidence ties the organisation to the vendor.
fn level(strength: Strength) -> &'static str {
    match strength {
        Strength::Primary => "error",
        Strength::Used => "warning",
        Strength::Present => "note",
    }
}

/// GitHub's `problem.severity` for non-security rules, which orders and filters alerts.
fn problem_severity(strength: Strength) -> &'static str {
    match strength {
        Strength::Primary => "error",
        Strength::Used => "warning",
        Strength::Present => "recommendation",
    }
}

fn descriptor(rule: &Rule, rules: &RuleSet) -> Descriptor {
    let vendor = &rules.vendors[rule.vendor];
    let category = rules.category(&rule.category);
    let alternatives = category.map_or(&[][..], |c| c.alternatives.as_slice());
    let category_name = category.map_or(rule.category.as_str(), |c| c.name.as_str());
    Descriptor {
        id: rule.id.clone(),
        name: truncate(&camel_case(&rule.id), MAX_NAME),
        short_description: text(truncate(first_sentence(&rule.description), MAX_DESCRIPTION)),
        full_description: text(truncate(&rule.description, MAX_DESCRIPTION)),
        help: Help {
            text: help_text(rule, category_name, alternatives),
            markdown: help_markdown(rule, category_name, alternatives),
        },
        help_uri: rule.references.iter().find(|r| is_plain_url(r)).cloned(),
        default_configuration: Configuration {
            level: level(rule.strength),
        },
        properties: BTreeMap::from([
            ("vendor", json!(vendor.id)),
            ("vendorName", json!(vendor.name)),
            ("jurisdiction", json!(vendor.jurisdiction())),
            ("category", json!(rule.category)),
            ("service", json!(rule.service)),
            ("strength", json!(rule.strength)),
            ("problem.severity", json!(problem_severity(rule.strength))),
            ("tags", tags(&rule.category, vendor.jurisdiction())),
        ]),
    }
}

/// GitHub filters alerts by these; SARIF wants them unique.
fn tags(category: &str, jurisdiction: &str) -> Value {
    let mut tags = vec!["sovereignty"];
    for tag in [category, jurisdiction] {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    json!(tags)
}

/// A rule the rule set no longer knows (a report read back with other packs): built from the
/// finding, so every result still names a rule in `rules`.
fn fallback_descriptor(f: &Finding) -> Descriptor {
    let summary = format!("{} ({}, {})", f.service, f.vendor, f.jurisdiction);
    Descriptor {
        id: f.rule.clone(),
        name: truncate(&camel_case(&f.rule), MAX_NAME),
        short_description: text(truncate(&summary, MAX_DESCRIPTION)),
        full_description: text(truncate(&summary, MAX_DESCRIPTION)),
        help: Help {
            text: summary.clone(),
            markdown: md_escape(&summary),
        },
        help_uri: None,
        default_configuration: Configuration {
            level: level(f.strength),
        },
        properties: BTreeMap::from([
            ("vendor", json!(f.vendor)),
            ("jurisdiction", json!(f.jurisdiction)),
            ("category", json!(f.category)),
            ("strength", json!(f.strength)),
            ("tags", tags(&f.category, &f.jurisdiction)),
        ]),
    }
}

fn help_text(rule: &Rule, category: &str, alternatives: &[crate::rules::Alternative]) -> String {
    let mut s = format!(
        "{}\n\nWhy it matters: {}\n\nWhat to do: {}\n",
        rule.description, rule.rationale, rule.remediation
    );
    if !alternatives.is_empty() {
        let _ = write!(s, "\nAlternatives ({category}):\n");
        for a in alternatives {
            let _ = write!(s, "- {} ({})", a.name, a.seat);
            if let Some(c) = &a.caveat {
                let _ = write!(s, ": {c}");
            }
            s.push('\n');
        }
    }
    if !rule.references.is_empty() {
        s.push_str("\nReferences:\n");
        for r in &rule.references {
            let _ = writeln!(s, "- {r}");
        }
    }
    s
}

fn help_markdown(
    rule: &Rule,
    category: &str,
    alternatives: &[crate::rules::Alternative],
) -> String {
    let mut s = format!(
        "{}\n\n**Why it matters.** {}\n\n**What to do.** {}\n",
        md_escape(&rule.description),
        md_escape(&rule.rationale),
        md_escape(&rule.remediation)
    );
    if !alternatives.is_empty() {
        let _ = write!(s, "\n**Alternatives ({}):**\n\n", md_escape(category));
        for a in alternatives {
            let _ = write!(s, "- **{}** ({})", md_escape(&a.name), md_escape(&a.seat));
            if let Some(c) = &a.caveat {
                let _ = write!(s, ": {}", md_escape(c));
            }
            s.push('\n');
        }
    }
    if !rule.references.is_empty() {
        s.push_str("\n**References:**\n\n");
        for r in &rule.references {
            if is_plain_url(r) {
                let _ = writeln!(s, "- <{r}>");
            } else {
                let _ = writeln!(s, "- {}", md_escape(r));
            }
        }
    }
    s
}

fn result(f: &Finding, org: &str, rule_index: usize, rules: &RuleSet) -> SarifResult {
    let vendor = rules
        .vendor(&f.vendor)
        .map_or(f.vendor.as_str(), |v| v.name.as_str());
    let message = format!(
        "{vendor} ({}) — {}, {}: {}",
        f.jurisdiction, f.service, f.strength, f.evidence
    );
    let mut properties = BTreeMap::from([
        ("organisation", json!(org)),
        ("vendor", json!(f.vendor)),
        ("jurisdiction", json!(f.jurisdiction)),
        ("category", json!(f.category)),
        ("strength", json!(f.strength)),
    ]);
    let location = location(&f.location, &f.evidence, &mut properties);
    SarifResult {
        rule_id: f.rule.clone(),
        rule_index,
        level: level(f.strength),
        message: text(message),
        locations: [location],
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.clone())]),
        suppressions: f.suppressed.iter().map(suppression).collect(),
        properties,
    }
}

fn suppression(s: &crate::finding::Suppression) -> SarifSuppression {
    let mut properties = BTreeMap::from([("source", json!(s.source))]);
    if let Some(expires) = &s.expires {
        properties.insert("expires", json!(expires));
    }
    SarifSuppression {
        kind: if s.source == "inline" {
            "inSource"
        } else {
            "external"
        },
        status: "accepted",
        justification: s.reason.clone(),
        properties,
    }
}

/// The result's one location; what SARIF has no field for goes into `properties`.
fn location(
    loc: &Location,
    evidence: &str,
    properties: &mut BTreeMap<&'static str, Value>,
) -> SarifLocation {
    match loc {
        Location::File { path, line, column } => SarifLocation {
            physical_location: Some(PhysicalLocation {
                artifact_location: artifact(path),
                region: Some(Region {
                    start_line: (*line).max(1),
                    start_column: (*column >= 1).then_some(*column),
                    snippet: Some(text(evidence)),
                    ..Region::default()
                }),
            }),
            logical_locations: Vec::new(),
        },
        Location::Binary {
            path,
            feature,
            offset,
        } => {
            properties.insert("feature", json!(feature));
            if let Some(o) = offset {
                properties.insert("byteOffset", json!(o));
            }
            binary_location(path, *offset)
        }
        Location::Dns {
            domain,
            name,
            record,
            value,
        } => {
            properties.insert("domain", json!(domain));
            properties.insert("name", json!(name));
            properties.insert("record", json!(record));
            properties.insert("value", json!(value));
            dns_location(domain, name, record)
        }
    }
}

/// A binary: the file in the repository (before the first `!/` for an archive member, which
/// becomes a logical location), at line 1 since GitHub needs a line; the byte offset only when
/// it is an offset in that file.
fn binary_location(path: &str, offset: Option<u64>) -> SarifLocation {
    let (file, member) = match path.split_once("!/") {
        Some((outer, _)) => (outer, true),
        None => (path, false),
    };
    let logical_locations = if member {
        vec![LogicalLocation {
            name: path.rsplit("!/").next().unwrap_or(path).to_owned(),
            fully_qualified_name: Some(path.to_owned()),
            kind: "module",
        }]
    } else {
        Vec::new()
    };
    SarifLocation {
        physical_location: Some(PhysicalLocation {
            artifact_location: artifact(file),
            region: Some(Region {
                start_line: 1,
                byte_offset: offset.filter(|_| !member),
                ..Region::default()
            }),
        }),
        logical_locations,
    }
}

/// A DNS record has no file: the relative pseudo-path `dns/<domain>` at line 1 (GitHub rejects
/// results without a physical location), the record itself as a logical location.
fn dns_location(domain: &str, name: &str, record: &str) -> SarifLocation {
    SarifLocation {
        physical_location: Some(PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: Some(format!("dns/{}", escape(domain))),
                uri_base_id: None,
                description: Some(text(format!(
                    "DNS records of {domain} (not a file in the repository)"
                ))),
            },
            region: Some(Region {
                start_line: 1,
                ..Region::default()
            }),
        }),
        logical_locations: vec![LogicalLocation {
            name: domain.to_owned(),
            fully_qualified_name: Some(format!("{name} {}", record.to_ascii_uppercase())),
            kind: "resource",
        }],
    }
}

fn notification(e: &ScanError) -> Notification {
    let locations = if e.path.is_empty() {
        Vec::new()
    } else if e.kind == ErrorKind::Dns {
        vec![SarifLocation {
            logical_locations: vec![LogicalLocation {
                name: e.path.clone(),
                fully_qualified_name: None,
                kind: "resource",
            }],
            ..SarifLocation::default()
        }]
    } else {
        vec![SarifLocation {
            physical_location: Some(PhysicalLocation {
                artifact_location: artifact(&e.path),
                region: None,
            }),
            ..SarifLocation::default()
        }]
    };
    Notification {
        level: "warning",
        message: text(format!("{}: {}", e.kind.as_str(), e.message)),
        descriptor: DescriptorReference {
            id: e.kind.as_str(),
        },
        locations,
    }
}

/// A path as a URI reference: relative to [`SRCROOT`], or a `file` URI when absolute.
fn artifact(path: &str) -> ArtifactLocation {
    let (uri, base) = if path.starts_with('/') {
        (format!("file://{}", escape(path)), None)
    } else {
        (escape(path), Some(SRCROOT))
    };
    ArtifactLocation {
        uri: Some(uri),
        uri_base_id: base,
        description: None,
    }
}

/// Percent-encodes every byte that may not stand in an RFC 3986 path, and `:` (which would turn
/// a first segment into a scheme). Sub-delimiters stay, so `a.zip!/x/y.tf` stays readable.
fn escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `microsoft-365-mx` -> `Microsoft365Mx`.
fn camel_case(id: &str) -> String {
    id.split(['-', '_', '.'])
        .flat_map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// Up to the first full stop that ends a sentence (not `e.g.`, `i.e.` or `Inc.`).
fn first_sentence(s: &str) -> &str {
    let mut from = 0;
    while let Some(i) = s[from..].find(". ").map(|i| i + from) {
        let word = s[..i]
            .rsplit(' ')
            .next()
            .unwrap_or("")
            .trim_start_matches('(');
        let next_is_start = s[i + 2..]
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        if next_is_start && !matches!(word, "e.g" | "i.e" | "Inc" | "etc" | "vs") {
            return &s[..=i];
        }
        from = i + 2;
    }
    s
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max - 1).collect();
    t.push('…');
    t
}

/// An absolute http(s) URL with nothing that needs escaping.
fn is_plain_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.bytes()
            .all(|b| b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b))
}

/// Escapes the characters Markdown would read as formatting.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(escape("infra/main.tf"), "infra/main.tf");
        assert_eq!(escape("my dir/a b.tf"), "my%20dir/a%20b.tf");
        assert_eq!(
            escape("app.war!/WEB-INF/x.jar!/#3"),
            "app.war!/WEB-INF/x.jar!/%233"
        );
        assert_eq!(escape("c:x/ü%"), "c%3Ax/%C3%BC%25");
        assert_eq!(
            artifact("/abs/p q").uri.as_deref(),
            Some("file:///abs/p%20q")
        );
    }

    #[test]
    fn names_and_sentences() {
        assert_eq!(camel_case("microsoft-365-mx"), "Microsoft365Mx");
        assert_eq!(
            first_sentence("Uses AWS, i.e. S3. Signed by Docker, Inc. (Desktop). More."),
            "Uses AWS, i.e. S3."
        );
        assert_eq!(first_sentence("One. Two"), "One.");
        assert_eq!(first_sentence("No stop"), "No stop");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }

    #[test]
    fn archive_members_attach_to_the_outer_file() {
        let loc = binary_location("a.zip!/lib/x.so", Some(40));
        let phys = loc.physical_location.expect("physical");
        assert_eq!(phys.artifact_location.uri.as_deref(), Some("a.zip"));
        assert_eq!(phys.region.expect("region").byte_offset, None);
        assert_eq!(loc.logical_locations[0].name, "lib/x.so");
        let top = binary_location("x.so", Some(40))
            .physical_location
            .expect("physical");
        assert_eq!(top.region.expect("region").byte_offset, Some(40));
    }
}
