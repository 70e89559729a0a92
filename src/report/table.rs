//! The terminal report: per organisation the score, the vendors by category and the strongest
//! evidence, readable at a glance.

use std::io::{self, Write};

use super::{OrganisationReport, Report};
use crate::finding::Finding;

/// How many findings the evidence section shows per organisation.
const TOP_EVIDENCE: usize = 12;
/// How many errors are listed before the rest is summarised.
const MAX_ERRORS: usize = 20;

/// How the table looks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableStyle {
    /// ANSI colours for marks and grades.
    pub color: bool,
    /// Scores and categories only (CI logs).
    pub compact: bool,
}

impl TableStyle {
    fn paint(self, text: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn mark(self, trusted: bool) -> String {
        if trusted {
            self.paint("✓", "32")
        } else {
            self.paint("✗", "31")
        }
    }

    fn grade(self, grade: &str) -> String {
        let code = match grade {
            "A" | "B" => "1;32",
            "C" | "D" => "1;33",
            _ => "1;31",
        };
        self.paint(grade, code)
    }
}

/// Writes the human-readable report.
pub fn write(report: &Report, style: TableStyle, out: &mut dyn Write) -> io::Result<()> {
    if report.organisations.len() > 1 {
        write_ranking(report, out)?;
    }
    for org in &report.organisations {
        write_org(org, style, out)?;
    }
    let s = &report.stats;
    writeln!(
        out,
        "Scanned {} text file(s), {}; {} binary file(s), {} archive(s) with {} member(s), {}; \
         {} skipped (size cap), {} other binary; {} error(s).",
        s.files_scanned,
        human_bytes(s.bytes_scanned),
        s.binaries_scanned,
        s.archives_scanned,
        s.archive_members,
        human_bytes(s.binary_bytes),
        s.files_skipped,
        s.files_binary,
        report.errors.len()
    )?;
    if let Some(b) = &report.baseline {
        writeln!(
            out,
            "Baseline {}: {} new finding(s), {} fixed.",
            b.file,
            b.new.len(),
            b.fixed.len()
        )?;
    }
    if let Some(g) = &report.gate {
        if g.passed {
            writeln!(out, "Gate: passed.")?;
        } else {
            writeln!(out, "Gate: FAILED")?;
            for f in &g.failures {
                writeln!(out, "  - {f}")?;
            }
        }
    }
    if !report.errors.is_empty() {
        writeln!(out, "\nErrors (the scan went on):")?;
        for e in report.errors.iter().take(MAX_ERRORS) {
            writeln!(out, "  {:<12} {}: {}", e.kind.as_str(), e.path, e.message)?;
        }
        if report.errors.len() > MAX_ERRORS {
            writeln!(
                out,
                "  ... and {} more (see --format json)",
                report.errors.len() - MAX_ERRORS
            )?;
        }
    }
    Ok(())
}

fn write_org(org: &OrganisationReport, style: TableStyle, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", org.name)?;
    writeln!(out, "{}", "=".repeat(org.name.chars().count().max(20)))?;
    writeln!(
        out,
        "Sovereignty score: {}/100 (grade {}, estimated SEAL {})  ·  {} finding(s), {} vendor(s)",
        score_text(org.score),
        style.grade(org.grade),
        org.seal.map_or_else(|| "-".to_owned(), |s| s.to_string()),
        org.findings.len(),
        org.vendors.len()
    )?;
    writeln!(out, "{}", org.explanation.summary)?;
    let cats = &org.assessed.categories;
    writeln!(
        out,
        "Assessed {} of {} categories from {}.\n",
        cats.len(),
        cats.len() + org.assessed.not_assessed.len(),
        if org.assessed.sources.is_empty() {
            "nothing".to_owned()
        } else {
            org.assessed
                .sources
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" and ")
        }
    )?;
    if org.findings.is_empty() {
        writeln!(out, "No vendor dependency found.\n")?;
        write_domains(org, out)?;
        write_not_assessed(org, out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<36} {:>5} {:>4}  VENDORS (✗ not trusted, ✓ trusted)",
        "CATEGORY", "SCORE", "SEAL"
    )?;
    for cat in &org.categories {
        let vendors: Vec<String> = cat
            .vendors
            .iter()
            .filter_map(|id| org.vendors.iter().find(|v| &v.id == id))
            .map(|v| {
                let mark = style.mark(v.trusted);
                format!("{mark} {} ({})", v.name, v.jurisdiction)
            })
            .collect();
        writeln!(
            out,
            "{:<36} {:>5} {:>4}  {}",
            cat.name,
            cat.score,
            cat.seal,
            vendors.join(", ")
        )?;
    }
    writeln!(out)?;
    if style.compact {
        return Ok(());
    }
    write_domains(org, out)?;
    write_not_assessed(org, out)?;
    writeln!(
        out,
        "  {:<28} {:<4} {:<8} {:>8}  SERVICES",
        "VENDOR", "JUR.", "STRENGTH", "FINDINGS"
    )?;
    for v in &org.vendors {
        let mark = style.mark(v.trusted);
        writeln!(
            out,
            "{mark} {:<28} {:<4} {:<8} {:>8}  {}",
            v.name,
            v.jurisdiction,
            v.strength.as_str(),
            v.findings,
            v.services.join(", ")
        )?;
    }
    writeln!(out)?;
    let top = top_evidence(org);
    writeln!(
        out,
        "Top evidence ({} of {}):",
        top.len(),
        org.findings.len()
    )?;
    for f in top {
        let loc = match &f.location {
            crate::finding::Location::File { path, line, column } => {
                format!("{path}:{line}:{column}")
            }
            crate::finding::Location::Binary {
                path,
                feature,
                offset,
            } => match offset {
                Some(o) => format!("{path} ({feature} at {o:#x})"),
                None => format!("{path} ({feature})"),
            },
            crate::finding::Location::Dns { name, record, .. } => {
                format!("{name} {}", record.to_ascii_uppercase())
            }
        };
        writeln!(out, "  {:<8} {:<34} {loc}", f.strength.as_str(), f.rule)?;
        writeln!(out, "           {}", f.evidence)?;
        if let Some(s) = &f.suppressed {
            writeln!(out, "           (suppressed by {}: {})", s.source, s.reason)?;
        }
    }
    writeln!(out)
}

/// Non-trusted and strongest first, then in report order; one per rule and path.
fn top_evidence(org: &OrganisationReport) -> Vec<&Finding> {
    let trusted = |f: &Finding| org.vendors.iter().any(|v| v.id == f.vendor && v.trusted);
    let mut all: Vec<&Finding> = org.findings.iter().collect();
    all.sort_by_key(|f| (trusted(f), std::cmp::Reverse(f.strength)));
    let mut seen = std::collections::BTreeSet::new();
    all.into_iter()
        .filter(|f| seen.insert((f.rule.as_str(), f.location.path())))
        .take(TOP_EVIDENCE)
        .collect()
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// Several organisations: one line each, best first.
fn write_ranking(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut orgs: Vec<&OrganisationReport> = report.organisations.iter().collect();
    orgs.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    writeln!(out, "Ranking")?;
    writeln!(out, "=======")?;
    writeln!(
        out,
        "{:>4}  {:<30} {:>5} {:>5} {:>4}  WEAKEST CATEGORY",
        "RANK", "ORGANISATION", "SCORE", "GRADE", "SEAL"
    )?;
    for (i, org) in orgs.iter().enumerate() {
        let weakest = org
            .categories
            .iter()
            .min_by_key(|c| (c.score, std::cmp::Reverse(c.weight)))
            .map_or_else(|| "-".to_owned(), |c| format!("{} ({})", c.name, c.score));
        writeln!(
            out,
            "{:>4}  {:<30} {:>5} {:>5} {:>4}  {weakest}",
            i + 1,
            org.name,
            score_text(org.score),
            org.grade,
            org.seal.map_or_else(|| "-".to_owned(), |s| s.to_string()),
        )?;
    }
    writeln!(out)
}

fn write_not_assessed(org: &OrganisationReport, out: &mut dyn Write) -> io::Result<()> {
    if org.assessed.not_assessed.is_empty() {
        return Ok(());
    }
    writeln!(out, "Not assessed (not counted in the score):")?;
    for n in &org.assessed.not_assessed {
        let seen = if n.vendors.is_empty() {
            String::new()
        } else {
            format!("; seen anyway: {}", n.vendors.join(", "))
        };
        writeln!(out, "  {:<34} {}{seen}", n.name, n.reason)?;
    }
    writeln!(out)
}

fn score_text(score: Option<u32>) -> String {
    score.map_or_else(|| "-".to_owned(), |s| s.to_string())
}

/// One line per scanned domain: who runs its mail, DNS and web.
fn write_domains(org: &OrganisationReport, out: &mut dyn Write) -> io::Result<()> {
    if org.domains.is_empty() {
        return Ok(());
    }
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            v.join(", ")
        }
    };
    writeln!(out, "Domains:")?;
    for d in &org.domains {
        let answered = if d.answered {
            ""
        } else {
            "  (no answer: mail not assessed)"
        };
        writeln!(out, "  {}{answered}", d.domain)?;
        writeln!(out, "    mail provider: {}", list(&d.mail_provider))?;
        if !d.mail_gateway.is_empty() {
            writeln!(out, "    mail gateway:  {}", list(&d.mail_gateway))?;
        }
        writeln!(out, "    senders:       {}", list(&d.senders))?;
        writeln!(out, "    DNS hosting:   {}", list(&d.dns_hosting))?;
        writeln!(out, "    web hosting:   {}", list(&d.web_hosting))?;
    }
    writeln!(out)
}
