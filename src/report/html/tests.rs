use super::*;
use crate::finding::{ErrorKind, Suppression};
use crate::rules::{BinaryFeature, EvidenceSource};
use crate::scan::Stats;
use crate::score::{Assessed, Explanation, NotAssessed, ObjectiveScore, VendorSummary};

/// Script, attribute break-out and entity in one string.
const HOSTILE: &str = "<script>alert(1)</script>\"' onmouseover=\"alert(2)\" &amp; <img src=x>";
const HOSTILE_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39; \
     onmouseover=&quot;alert(2)&quot; &amp;amp; &lt;img src=x&gt;";

fn hostile(prefix: &str) -> String {
    format!("{prefix} {HOSTILE}")
}

fn finding(location: Location, suppressed: Option<Suppression>) -> Finding {
    Finding {
        fingerprint: "f1".to_owned(),
        rule: hostile("rule"),
        vendor: "acme".to_owned(),
        service: hostile("service"),
        category: "iaas-paas".to_owned(),
        jurisdiction: "US".to_owned(),
        strength: Strength::Used,
        location,
        evidence: hostile("evidence"),
        suppressed,
    }
}

/// An organisation with a hostile string in every text field the report shows.
fn hostile_org(name: &str) -> OrganisationReport {
    let findings = vec![
        finding(
            Location::File {
                path: hostile("path"),
                line: 3,
                column: 7,
            },
            None,
        ),
        finding(
            Location::Binary {
                path: hostile("bin"),
                feature: BinaryFeature::Library,
                offset: Some(16),
            },
            Some(Suppression {
                source: hostile(".sovscanignore:2"),
                reason: hostile("reason"),
                expires: Some("2030-01-01".to_owned()),
            }),
        ),
        finding(
            Location::Dns {
                domain: hostile("domain"),
                name: hostile("name"),
                record: "mx".to_owned(),
                value: hostile("value"),
            },
            None,
        ),
    ];
    OrganisationReport {
        name: hostile(name),
        score: Some(20),
        grade: "E",
        seal: Some(0),
        explanation: super::super::OverallExplanation {
            mean: Some(60),
            weakest_link: None,
            summary: hostile("summary"),
        },
        categories: vec![CategoryScore {
            id: "iaas-paas".to_owned(),
            name: hostile("category"),
            score: 20,
            weight: 10,
            vendors: vec!["acme".to_owned()],
            seal: 0,
            explanation: Explanation {
                formula: hostile("formula"),
                deductions: vec![Deduction {
                    vendor: "acme".to_owned(),
                    jurisdiction: hostile("jurisdiction"),
                    strength: Strength::Primary,
                    exposure: 0.8,
                    exempt: None,
                    findings: vec!["f1".to_owned()],
                }],
            },
        }],
        assessed: Assessed {
            sources: vec![EvidenceSource::Files],
            categories: vec!["iaas-paas".to_owned(), hostile("clean")],
            not_assessed: vec![NotAssessed {
                id: "email".to_owned(),
                name: hostile("not assessed"),
                reason: hostile("why"),
                vendors: vec![hostile("seen")],
            }],
        },
        objectives: vec![ObjectiveScore {
            id: "SOV-2",
            name: "Legal & Jurisdictional Sovereignty",
            score: 20,
            seal: 0,
            categories: vec![hostile("objective category")],
        }],
        dependencies: vec![Dependency {
            vendor: "acme".to_owned(),
            service: hostile("dependency"),
            category: "iaas-paas".to_owned(),
            jurisdiction: "US".to_owned(),
            trusted: false,
            accepted: Some(hostile("accepted")),
            strength: Strength::Primary,
            sources: vec!["file"],
            findings: vec!["f1".to_owned()],
            alternatives: vec![AlternativeOption {
                name: hostile("alternative"),
                seat: hostile("seat"),
                trusted: false,
                caveat: Some(hostile("caveat")),
            }],
        }],
        domains: vec![DomainSummary {
            domain: hostile("domain"),
            answered: false,
            mail_provider: vec![hostile("provider")],
            mail_gateway: vec![hostile("gateway")],
            senders: vec![hostile("sender")],
            dns_hosting: vec![hostile("dns")],
            web_hosting: vec![hostile("web")],
        }],
        vendors: vec![VendorSummary {
            id: "acme".to_owned(),
            name: hostile("vendor"),
            jurisdiction: "US".to_owned(),
            parent: hostile("parent"),
            trusted: false,
            services: vec![hostile("vendor service")],
            categories: vec!["iaas-paas".to_owned()],
            strength: Strength::Primary,
            findings: 3,
        }],
        findings,
    }
}

fn hostile_report() -> Report {
    let errors = vec![ScanError {
        kind: ErrorKind::Malformed,
        path: hostile("error path"),
        message: hostile("error message"),
    }];
    let orgs = vec![hostile_org("Town A"), hostile_org("Town B")];
    let mut report = Report::new(orgs, errors, Stats::default());
    report.gate = Some(Gate {
        passed: false,
        failures: vec![hostile("gate failure")],
    });
    report.baseline = Some(BaselineDiff {
        file: hostile("baseline file"),
        new: vec!["f1".to_owned()],
        fixed: Vec::new(),
    });
    report
}

fn render(report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("write to a Vec");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn escape_replaces_the_five_special_characters() {
    assert_eq!(
        escape(r#"<a href="x">'&'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(escape("&amp;"), "&amp;amp;");
    assert_eq!(escape(HOSTILE), HOSTILE_ESCAPED);
}

#[test]
fn escape_borrows_clean_text_and_keeps_unicode() {
    assert!(matches!(
        escape("Ville de Genève – 100 %"),
        Cow::Borrowed(_)
    ));
    assert_eq!(escape("Zürich ✓ 東京"), "Zürich ✓ 東京");
    assert_eq!(escape("tab\tline\r\n"), "tab\tline\r\n");
}

#[test]
fn escape_replaces_control_characters() {
    assert_eq!(
        escape("a\u{0}b\u{1b}[31mc\u{85}"),
        "a\u{FFFD}b\u{FFFD}[31mc\u{FFFD}"
    );
}

#[test]
fn hostile_strings_render_as_text() {
    let html = render(&hostile_report());
    assert!(
        !html.contains("<script"),
        "a script element slipped through"
    );
    assert!(!html.contains("<img"), "an img element slipped through");
    assert!(!html.contains("onmouseover=\""), "an attribute broke out");
    assert!(!html.contains("alert(1)</script>"));
    // Each field shows up escaped (`&quot;` inside attributes, too).
    for field in [
        "Town A",
        "summary",
        "category",
        "formula",
        "jurisdiction",
        "clean",
        "not assessed",
        "why",
        "seen",
        "objective category",
        "dependency",
        "accepted",
        "alternative",
        "seat",
        "caveat",
        "domain",
        "provider",
        "gateway",
        "sender",
        "dns",
        "web",
        "vendor",
        "parent",
        "vendor service",
        "rule",
        "path",
        "bin",
        "reason",
        ".sovscanignore:2",
        "name",
        "value",
        "evidence",
        "error path",
        "error message",
        "gate failure",
        "baseline file",
    ] {
        let escaped = format!("{field} {HOSTILE_ESCAPED}");
        assert!(html.contains(&escaped), "{field} is not escaped:\n{html}");
    }
}

#[test]
fn the_document_is_self_contained() {
    let html = render(&hostile_report());
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'"));
    for external in [
        "<link",
        "<script",
        "src=\"http",
        "url(",
        "@import",
        "@font-face",
    ] {
        assert!(!html.contains(external), "{external} found");
    }
    assert_eq!(html.matches("<article").count(), 2);
    assert!(html.contains("<h2 id=\"comparison\">"));
    assert!(html.contains("@media print"));
}

#[test]
fn locations_and_suppressions_are_spelled_out() {
    let html = render(&hostile_report());
    assert!(html.contains(":3:7</code>"));
    assert!(html.contains("(library at 0x10)</code>"));
    assert!(html.contains(" MX value "));
    assert!(html.contains("<tr class=\"suppressed\">"));
    assert!(html.contains("<span class=\"badge off\">suppressed</span>"));
    assert!(html.contains(", until 2030-01-01): reason "));
    assert!(html.contains("<span class=\"badge bad\">not trusted</span>"));
    assert!(html.contains("Legal &amp; Jurisdictional Sovereignty"));
    assert!(html.contains("<span class=\"badge warn\">new</span>"));
    assert!(html.contains("<span class=\"badge bad\">failed</span>"));
}

#[test]
fn output_is_deterministic() {
    let report = hostile_report();
    assert_eq!(render(&report), render(&report));
}

#[test]
fn an_empty_report_renders() {
    let html = render(&Report::new(Vec::new(), Vec::new(), Stats::default()));
    assert!(html.contains("<main>\n<section class=\"break\""));
    assert!(!html.contains("<article"));
    assert!(html.contains("None: every input could be read."));
}

#[test]
fn shorten_cuts_on_characters() {
    assert_eq!(shorten("Genève", 10), "Genève");
    assert_eq!(shorten("Genève-Ville", 6), "Genèv…");
    assert_eq!(shorten("", 3), "");
}
