//! The self-contained HTML report, for people: one file that opens offline in any browser and
//! prints on A4. Per organisation a score gauge, the category bars, domains, vendors,
//! dependencies with their alternatives, how the score was reached and every piece of evidence;
//! with several organisations a comparison chart first.
//!
//! The file carries its CSS and SVG inline and no script at all; its Content-Security-Policy
//! (`default-src 'none'`) forbids scripts and loads of any kind, so even a hostile string that
//! escaped [`escape`] could neither run nor call out. Every text from the report is escaped.
//! The output depends only on the report (no timestamps), so two runs give the same bytes.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::{self, Write};

mod chart;

use super::{Gate, OrganisationReport, Report};
use crate::dns::DomainSummary;
use crate::finding::{Finding, Location, ScanError};
use crate::gate::BaselineDiff;
use crate::rules::Strength;
use crate::score::{AlternativeOption, CategoryScore, Deduction, Dependency};

use chart::{Bar, bar_chart, gauge};

/// Inline style sheet: screen first, then `@media print` for A4.
const CSS: &str = include_str!("style.css");

/// Writes `report` as one self-contained HTML5 document.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    write_head(report, out)?;
    write_masthead(report, out)?;
    writeln!(out, "<main>")?;
    let several = report.organisations.len() > 1;
    if several {
        write_comparison(report, out)?;
    }
    let new: BTreeSet<&str> = report
        .baseline
        .iter()
        .flat_map(|b| b.new.iter().map(String::as_str))
        .collect();
    for (i, org) in report.organisations.iter().enumerate() {
        write_org(i + 1, several || i > 0, org, &new, out)?;
    }
    write_run(report, out)?;
    writeln!(out, "</main>")?;
    writeln!(
        out,
        "<footer>Written by {} {} (report schema {}). This file is self-contained: it runs no \
         script and loads nothing from the network.</footer>\n</body>\n</html>",
        escape(report.tool.name),
        escape(report.tool.version),
        escape(report.schema_version)
    )
}

/// Escapes `s` for HTML text and quoted attribute values (`& < > " '`). Control characters
/// other than tab and line breaks, which HTML forbids, become U+FFFD.
pub fn escape(s: &str) -> Cow<'_, str> {
    let special = |c: char| {
        matches!(c, '&' | '<' | '>' | '"' | '\'')
            || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    };
    if !s.contains(special) {
        return Cow::Borrowed(s);
    }
    let mut e = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => e.push_str("&amp;"),
            '<' => e.push_str("&lt;"),
            '>' => e.push_str("&gt;"),
            '"' => e.push_str("&quot;"),
            '\'' => e.push_str("&#39;"),
            c if special(c) => e.push('\u{FFFD}'),
            c => e.push(c),
        }
    }
    Cow::Owned(e)
}

fn write_head(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let title = match report.organisations.as_slice() {
        [one] => format!("Digital sovereignty report: {}", one.name),
        orgs => format!("Digital sovereignty report: {} organisations", orgs.len()),
    };
    writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n<title>{}</title>",
        escape(report.tool.name),
        escape(report.tool.version),
        escape(&title)
    )?;
    writeln!(out, "<style>{CSS}</style>\n</head>\n<body>")
}

fn write_masthead(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let subject = match report.organisations.as_slice() {
        [one] => format!("{}: how far it depends", escape(&one.name)),
        orgs => format!(
            "{} organisations compared: how far each depends",
            orgs.len()
        ),
    };
    let gate = match &report.gate {
        Some(g) if g.passed => " · CI gate passed",
        Some(_) => " · CI gate failed",
        None => "",
    };
    writeln!(
        out,
        "<header class=\"masthead\"><div class=\"wrap\">\n<h1>Digital sovereignty report</h1>\n\
         <p>{subject} on vendors outside the trusted jurisdictions.</p>\n\
         <p class=\"meta\">{} {} · report schema {}{gate}</p>\n</div></header>",
        escape(report.tool.name),
        escape(report.tool.version),
        escape(report.schema_version)
    )?;
    writeln!(
        out,
        "<div class=\"wrap\"><p class=\"legend\"><b>How to read it.</b> The score runs from 0 to \
         100: 100 means no dependency on a vendor outside the trusted jurisdictions was found. \
         Grades: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E ≥ 20, F below. SEAL is the estimated \
         assurance level of the EU Cloud Sovereignty Framework, from 0 (no sovereignty) to 4 \
         (full digital sovereignty). Every point can be traced to the evidence listed below.</p></div>"
    )
}

/// Several organisations: a bar per organisation, best first, and the same as a table.
fn write_comparison(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut orgs: Vec<(usize, &OrganisationReport)> =
        report.organisations.iter().enumerate().collect();
    orgs.sort_by(|(_, a), (_, b)| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    writeln!(
        out,
        "<section aria-labelledby=\"comparison\">\n<h2 id=\"comparison\">Comparison</h2>\n\
         <p class=\"note\">{} organisations, best score first. Select a name to jump to its section.</p>",
        orgs.len()
    )?;
    let bars: Vec<Bar<'_>> = orgs
        .iter()
        .map(|(i, o)| Bar {
            label: &o.name,
            score: o.score,
            seal: o.seal,
            grade: Some(o.grade),
            href: Some(format!("#org-{}", i + 1)),
        })
        .collect();
    bar_chart("Sovereignty score per organisation", &bars, out)?;
    open_table(
        &[
            ("Rank", 8, NUM),
            ("Organisation", 38, TEXT),
            ("Score", 10, NUM),
            ("Grade", 9, TEXT),
            ("SEAL", 8, NUM),
            ("Weakest category", 27, TEXT),
        ],
        out,
    )?;
    writeln!(out, "<tbody>")?;
    for (rank, (i, o)) in orgs.iter().enumerate() {
        let weakest = o
            .categories
            .iter()
            .filter(|c| c.score < 100)
            .min_by_key(|c| (c.score, std::cmp::Reverse(c.weight)))
            .map_or_else(|| "–".to_owned(), |c| format!("{} ({})", c.name, c.score));
        writeln!(
            out,
            "<tr><td class=\"num\">{}</td><th scope=\"row\"><a href=\"#org-{}\">{}</a></th>\
             <td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            rank + 1,
            i + 1,
            escape(&o.name),
            number(o.score),
            escape(o.grade),
            number(o.seal),
            escape(&weakest)
        )?;
    }
    writeln!(out, "</tbody>\n</table>\n</section>")
}

/// One organisation; `new` holds the fingerprints a baseline did not have.
fn write_org(
    n: usize,
    page_break: bool,
    org: &OrganisationReport,
    new: &BTreeSet<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let class = if page_break { "org break" } else { "org" };
    writeln!(
        out,
        "<article class=\"{class}\" id=\"org-{n}\" aria-labelledby=\"org-{n}-name\">\n\
         <h2 id=\"org-{n}-name\">{}</h2>",
        escape(&org.name)
    )?;
    write_glance(n, org, out)?;
    write_categories(org, out)?;
    write_domains(org, out)?;
    write_vendors(org, out)?;
    write_dependencies(org, out)?;
    write_explanation(org, out)?;
    write_evidence(org, new, out)?;
    writeln!(out, "</article>")
}

/// The score gauge and the key figures.
fn write_glance(n: usize, org: &OrganisationReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<div class=\"glance\">")?;
    gauge(n, org.score, org.grade, out)?;
    let suppressed = org
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .count();
    let untrusted = org.vendors.iter().filter(|v| !v.trusted).count();
    let total = org.assessed.categories.len() + org.assessed.not_assessed.len();
    let sources: Vec<&str> = org.assessed.sources.iter().map(|s| s.as_str()).collect();
    let grade_colour = org.score.map_or("#5b6573", score_colour);
    writeln!(
        out,
        "<dl class=\"facts\">\n<div><dt>Grade</dt><dd><span class=\"grade\" style=\"background:{grade_colour}\">{}</span></dd></div>",
        escape(org.grade)
    )?;
    let seal = match org.seal {
        Some(s) => format!("{s}<small>{}</small>", seal_name(s)),
        None => "–<small>nothing assessed</small>".to_owned(),
    };
    writeln!(out, "<div><dt>Estimated SEAL</dt><dd>{seal}</dd></div>")?;
    writeln!(
        out,
        "<div><dt>Vendors</dt><dd>{}<small>{untrusted} outside the trusted jurisdictions</small></dd></div>",
        org.vendors.len()
    )?;
    writeln!(
        out,
        "<div><dt>Findings</dt><dd>{}<small>{suppressed} suppressed</small></dd></div>",
        org.findings.len()
    )?;
    writeln!(
        out,
        "<div><dt>Categories assessed</dt><dd>{} of {total}<small>from {}</small></dd></div>\n</dl>\n</div>",
        org.assessed.categories.len(),
        escape(&list_or(&sources, " and ", "nothing"))
    )?;
    writeln!(
        out,
        "<p class=\"summary\">{}</p>",
        escape(&org.explanation.summary)
    )
}

/// The scored categories as bars (worst first), then the clean and the not-assessed ones.
fn write_categories(org: &OrganisationReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<section>\n<h3>Categories</h3>")?;
    let mut cats: Vec<&CategoryScore> = org.categories.iter().collect();
    cats.sort_by_key(|c| c.score);
    if cats.is_empty() {
        writeln!(
            out,
            "<p>No category has evidence of a vendor dependency.</p>"
        )?;
    } else {
        let bars: Vec<Bar<'_>> = cats
            .iter()
            .map(|c| Bar {
                label: &c.name,
                score: Some(c.score),
                seal: Some(c.seal),
                grade: None,
                href: None,
            })
            .collect();
        bar_chart(&format!("Score per category of {}", org.name), &bars, out)?;
    }
    let clean: Vec<&str> = org
        .assessed
        .categories
        .iter()
        .filter(|id| !org.categories.iter().any(|c| &c.id == *id))
        .map(String::as_str)
        .collect();
    if !clean.is_empty() {
        writeln!(
            out,
            "<p class=\"note\">No dependency found in the {} other assessed categories (each counts \
             as 100): {}.</p>",
            clean.len(),
            escape(&clean.join(", "))
        )?;
    }
    write_not_assessed(org, out)?;
    writeln!(out, "</section>")
}

fn write_not_assessed(org: &OrganisationReport, out: &mut dyn Write) -> io::Result<()> {
    if org.assessed.not_assessed.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<h4>Not assessed</h4>\n<p class=\"note\">Nothing scanned could show these categories, so they do not count in the score.</p>"
    )?;
    open_table(
        &[
            ("Category", 28, TEXT),
            ("Why", 47, TEXT),
            ("Vendors seen anyway", 25, TEXT),
        ],
        out,
    )?;
    writeln!(out, "<tbody>")?;
    for na in &org.assessed.not_assessed {
        let vendors: Vec<&str> = na.vendors.iter().map(|v| vendor_name(org, v)).collect();
        writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>",
            escape(&na.name),
            escape(&na.reason),
            escape(&list_or(&vendors, ", ", "–"))
        )?;
    }
    writeln!(out, "</tbody>\n</table>")
}

/// Who runs each domain's mail, DNS and web.
fn write_domains(org: &OrganisationReport, out: &mut dyn Write) -> io::Result<()> {
    if org.domains.is_empty() {
        return Ok(());
    }
    writeln!(out, "<section>\n<h3>Domains</h3>")?;
    open_table(
        &[
            ("Domain", 19, TEXT),
            ("Mail provider", 17, TEXT),
            ("Mail gateway", 15, TEXT),
            ("Senders", 19, TEXT),
            ("DNS hosting", 15, TEXT),
            ("Web hosting", 15, TEXT),
        ],
        out,
    )?;
    writeln!(out, "<tbody>")?;
    for d in &org.domains {
        write_domain(org, d, out)?;
    }
    writeln!(out, "</tbody>\n</table>\n</section>")
}

fn write_domain(
    org: &OrganisationReport,
    d: &DomainSummary,
    out: &mut dyn Write,
) -> io::Result<()> {
    let cell = |ids: &[String]| {
        let names: Vec<&str> = ids.iter().map(|v| vendor_name(org, v)).collect();
        escape(&list_or(&names, ", ", "–")).into_owned()
    };
    let answered = if d.answered {
        ""
    } else {
        "<span class=\"why\"><span class=\"badge warn\">no answer</span> mail not assessed</span>"
    };
    writeln!(
        out,
        "<tr><th scope=\"row\">{}{answered}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        escape(&d.domain),
        cell(&d.mail_provider),
        cell(&d.mail_gateway),
        cell(&d.senders),
        cell(&d.dns_hosting),
        cell(&d.web_hosting)
    )
}

fn write_vendors(org: &OrganisationReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<section>\n<h3>Vendors</h3>")?;
    if org.vendors.is_empty() {
        return writeln!(out, "<p>No vendor dependency found.</p>\n</section>");
    }
    open_table(
        &[
            ("Vendor", 25, TEXT),
            ("Jurisdiction", 13, TEXT),
            ("Trusted", 14, TEXT),
            ("Strength", 10, TEXT),
            ("Services", 29, TEXT),
            ("Findings", 9, NUM),
        ],
        out,
    )?;
    writeln!(out, "<tbody>")?;
    for v in &org.vendors {
        let parent = if v.parent == v.name {
            String::new()
        } else {
            format!("<span class=\"sub\">{}</span>", escape(&v.parent))
        };
        writeln!(
            out,
            "<tr><th scope=\"row\">{}{parent}</th><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            escape(&v.name),
            escape(&v.jurisdiction),
            trust_badge(v.trusted),
            strength(v.strength),
            escape(&v.services.join(", ")),
            v.findings
        )?;
    }
    writeln!(out, "</tbody>\n</table>\n</section>")
}

/// Dependencies grouped by category (worst category first), each group followed by the
/// category's alternatives.
fn write_dependencies(org: &OrganisationReport, out: &mut dyn Write) -> io::Result<()> {
    if org.dependencies.is_empty() {
        return Ok(());
    }
    let mut groups: Vec<(&str, Vec<&Dependency>)> = Vec::new();
    for d in &org.dependencies {
        match groups.iter_mut().find(|(c, _)| *c == d.category) {
            Some((_, deps)) => deps.push(d),
            None => groups.push((&d.category, vec![d])),
        }
    }
    let score = |id: &str| org.categories.iter().find(|c| c.id == id).map(|c| c.score);
    groups.sort_by_key(|(id, _)| score(id).unwrap_or(u32::MAX));
    writeln!(out, "<section>\n<h3>Dependencies and alternatives</h3>")?;
    for (category, deps) in groups {
        write_dependency_group(org, category, &deps, out)?;
    }
    writeln!(out, "</section>")
}

/// One category's dependencies, one row group per vendor, then its alternatives.
fn write_dependency_group(
    org: &OrganisationReport,
    category: &str,
    deps: &[&Dependency],
    out: &mut dyn Write,
) -> io::Result<()> {
    let name = category_name(org, category);
    writeln!(out, "<h4>{}</h4>", escape(name))?;
    open_table(
        &[
            ("Vendor", 22, TEXT),
            ("Service", 31, TEXT),
            ("Strength", 11, TEXT),
            ("Status", 22, TEXT),
            ("Seen in", 14, TEXT),
        ],
        out,
    )?;
    for run in deps.chunk_by(|a, b| a.vendor == b.vendor) {
        writeln!(out, "<tbody>")?;
        for (i, d) in run.iter().enumerate() {
            let head = (i == 0).then_some(run.len());
            write_dependency(org, d, head, out)?;
        }
        writeln!(out, "</tbody>")?;
    }
    writeln!(out, "</table>")?;
    let mut lists: Vec<&[AlternativeOption]> = Vec::new();
    for d in deps {
        if !d.alternatives.is_empty() && !lists.contains(&d.alternatives.as_slice()) {
            lists.push(&d.alternatives);
        }
    }
    for list in lists {
        writeln!(out, "<p class=\"alt-h\">Alternatives</p>")?;
        write_alternatives(list, out)?;
    }
    Ok(())
}

/// One dependency; `head` is the number of rows of the vendor's group on its first row.
fn write_dependency(
    org: &OrganisationReport,
    d: &Dependency,
    head: Option<usize>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let status = match (&d.accepted, d.trusted) {
        (Some(reason), _) => format!(
            "<span class=\"badge warn\">accepted risk</span><span class=\"why\">{}</span>",
            escape(reason)
        ),
        (None, trusted) => trust_badge(trusted).to_owned(),
    };
    write!(out, "<tr>")?;
    if let Some(rows) = head {
        write!(
            out,
            "<th scope=\"rowgroup\" rowspan=\"{rows}\">{}<span class=\"sub\">{}</span></th>",
            escape(vendor_name(org, &d.vendor)),
            escape(&d.jurisdiction)
        )?;
    }
    writeln!(
        out,
        "<td>{}</td><td>{}</td><td>{status}</td><td>{}<span class=\"sub\">{} finding(s)</span></td></tr>",
        escape(&d.service),
        strength(d.strength),
        escape(&d.sources.join(", ")),
        d.findings.len()
    )
}

fn write_alternatives(list: &[AlternativeOption], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<ul class=\"alts\">")?;
    for a in list {
        let class = if a.trusted {
            ""
        } else {
            " class=\"untrusted\""
        };
        let flag = if a.trusted {
            ""
        } else {
            " <span class=\"badge bad\">not trusted</span>"
        };
        let caveat = a
            .caveat
            .as_ref()
            .map(|c| format!("<span class=\"sub\">{}</span>", escape(c)))
            .unwrap_or_default();
        writeln!(
            out,
            "<li{class}><strong>{}</strong><span class=\"seat\">{}</span>{flag}{caveat}</li>",
            escape(&a.name),
            escape(&a.seat)
        )?;
    }
    writeln!(out, "</ul>")
}

/// The overall formula, each category's product of exposures, and the framework objectives.
fn write_explanation(org: &OrganisationReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<section>\n<div class=\"keep\">\n<h3>How the score was reached</h3>\n<p><strong>{}</strong></p>\n\
         <p class=\"note\">The weakest category caps the score at 100 − weight/10 × (100 − category \
         score); the weighted mean of the assessed categories (those without evidence count as 100) \
         scales that cap.</p>\n</div>",
        escape(&org.explanation.summary)
    )?;
    for c in &org.categories {
        writeln!(
            out,
            "<h4>{} — {} of 100, SEAL {}, weight {}</h4>\n<code class=\"formula\">{}</code>\n<ul class=\"deductions\">",
            escape(&c.name),
            c.score,
            c.seal,
            c.weight,
            escape(&c.explanation.formula)
        )?;
        for d in &c.explanation.deductions {
            write_deduction(org, d, out)?;
        }
        writeln!(out, "</ul>")?;
    }
    write_objectives(org, out)?;
    writeln!(out, "</section>")
}

fn write_deduction(org: &OrganisationReport, d: &Deduction, out: &mut dyn Write) -> io::Result<()> {
    let cost = match &d.exempt {
        Some(why) => format!("no cost: {why}"),
        None => {
            let shared = d.strength == Strength::Primary
                && d.exposure < crate::score::exposure(Strength::Primary);
            format!(
                "−{:.0} % of the category{}",
                d.exposure * 100.0,
                if shared {
                    " (the category also runs on trusted platforms: the primary exposure is shared)"
                } else {
                    ""
                }
            )
        }
    };
    writeln!(
        out,
        "<li><strong>{}</strong> ({}), {}: {} · {} finding(s)</li>",
        escape(vendor_name(org, &d.vendor)),
        escape(&d.jurisdiction),
        escape(d.strength.as_str()),
        escape(&cost),
        d.findings.len()
    )
}

fn write_objectives(org: &OrganisationReport, out: &mut dyn Write) -> io::Result<()> {
    if org.objectives.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h4>EU Cloud Sovereignty Framework objectives</h4>")?;
    open_table(
        &[
            ("Id", 9, TEXT),
            ("Objective", 33, TEXT),
            ("Score", 9, NUM),
            ("SEAL", 8, NUM),
            ("Categories", 41, TEXT),
        ],
        out,
    )?;
    writeln!(out, "<tbody>")?;
    for o in &org.objectives {
        let cats: Vec<&str> = o.categories.iter().map(String::as_str).collect();
        writeln!(
            out,
            "<tr><td>{}</td><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(o.id),
            escape(o.name),
            o.score,
            o.seal,
            escape(&cats.join(", "))
        )?;
    }
    writeln!(out, "</tbody>\n</table>")
}

/// Every finding, in report order; suppressed ones stay listed, marked with their reason, and
/// those a baseline did not have are marked new.
fn write_evidence(
    org: &OrganisationReport,
    new: &BTreeSet<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "<section>\n<h3>Evidence</h3>")?;
    if org.findings.is_empty() {
        return writeln!(out, "<p>No finding.</p>\n</section>");
    }
    open_table(
        &[
            ("Rule", 23, TEXT),
            ("Strength", 10, TEXT),
            ("Location", 25, TEXT),
            ("Evidence", 42, TEXT),
        ],
        out,
    )?;
    writeln!(out, "<tbody>")?;
    for f in &org.findings {
        write_finding(org, f, new.contains(f.fingerprint.as_str()), out)?;
    }
    writeln!(out, "</tbody>\n</table>\n</section>")
}

fn write_finding(
    org: &OrganisationReport,
    f: &Finding,
    new: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (class, badge, why) = match &f.suppressed {
        Some(s) => {
            let until = s
                .expires
                .as_ref()
                .map(|e| format!(", until {e}"))
                .unwrap_or_default();
            (
                " class=\"suppressed\"",
                " <span class=\"badge off\">suppressed</span>",
                format!(
                    "<span class=\"why\">Suppressed ({}{}): {}</span>",
                    escape(&s.source),
                    escape(&until),
                    escape(&s.reason)
                ),
            )
        }
        None => ("", "", String::new()),
    };
    let new = if new {
        " <span class=\"badge warn\">new</span>"
    } else {
        ""
    };
    writeln!(
        out,
        "<tr{class}><th scope=\"row\"><code>{}</code>{new}{badge}<span class=\"sub\">{}</span></th>\
         <td>{}</td><td><code>{}</code></td><td><code>{}</code>{why}</td></tr>",
        escape(&f.rule),
        escape(vendor_name(org, &f.vendor)),
        strength(f.strength),
        escape(&location(&f.location)),
        escape(&f.evidence)
    )
}

/// The gate's verdict, the baseline comparison, the input problems (the scan went on past
/// them) and the counters.
fn write_run(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<section class=\"break\" aria-labelledby=\"run\">\n<h2 id=\"run\">About this scan</h2>"
    )?;
    if let Some(gate) = &report.gate {
        write_gate(gate, out)?;
    }
    if let Some(b) = &report.baseline {
        write_baseline(b, out)?;
    }
    writeln!(out, "<h3>Errors</h3>")?;
    write_errors(&report.errors, out)?;
    let s = &report.stats;
    let rows: [(&str, u64); 10] = [
        ("Text files scanned", s.files_scanned),
        ("Bytes of text scanned", s.bytes_scanned),
        ("Binaries scanned", s.binaries_scanned),
        ("Archives opened", s.archives_scanned),
        ("Archive members read", s.archive_members),
        ("Bytes of binaries and archives read", s.binary_bytes),
        ("Files skipped (size cap)", s.files_skipped),
        ("Other binary files skipped", s.files_binary),
        ("Domains scanned", s.domains_scanned),
        ("DNS queries", s.dns_queries),
    ];
    writeln!(
        out,
        "<h3>Statistics</h3>\n<table class=\"stats\">\n<colgroup><col style=\"width:75%\">\
         <col style=\"width:25%\"></colgroup>\n<tbody>"
    )?;
    for (name, value) in rows {
        writeln!(
            out,
            "<tr><th scope=\"row\">{name}</th><td class=\"num\">{value}</td></tr>"
        )?;
    }
    writeln!(out, "</tbody>\n</table>\n</section>")
}

fn write_gate(gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
    if gate.passed {
        return writeln!(
            out,
            "<h3>CI gate</h3>\n<p><span class=\"badge ok\">passed</span> Every condition of the gate holds.</p>"
        );
    }
    writeln!(
        out,
        "<h3>CI gate</h3>\n<p><span class=\"badge bad\">failed</span> These conditions do not hold:</p>\n<ul>"
    )?;
    for f in &gate.failures {
        writeln!(out, "<li>{}</li>", escape(f))?;
    }
    writeln!(out, "</ul>")
}

fn write_baseline(b: &BaselineDiff, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<h3>Baseline</h3>\n<p>Compared with <code>{}</code>: {} new finding(s) (marked \
         <span class=\"badge warn\">new</span> in the evidence), {} fixed.</p>",
        escape(&b.file),
        b.new.len(),
        b.fixed.len()
    )
}

fn write_errors(errors: &[ScanError], out: &mut dyn Write) -> io::Result<()> {
    if errors.is_empty() {
        return writeln!(out, "<p>None: every input could be read.</p>");
    }
    writeln!(
        out,
        "<p class=\"note\">{} problem(s); the scan went on past each.</p>",
        errors.len()
    )?;
    open_table(
        &[
            ("Kind", 14, TEXT),
            ("Input", 36, TEXT),
            ("Problem", 50, TEXT),
        ],
        out,
    )?;
    writeln!(out, "<tbody>")?;
    for e in errors {
        writeln!(
            out,
            "<tr><td>{}</td><th scope=\"row\"><code>{}</code></th><td>{}</td></tr>",
            escape(e.kind.as_str()),
            escape(&e.path),
            escape(&e.message)
        )?;
    }
    writeln!(out, "</tbody>\n</table>")
}

/// A table column: heading, width in percent, and whether it holds numbers (right-aligned).
type Col<'a> = (&'a str, u8, bool);
const NUM: bool = true;
const TEXT: bool = false;

/// Opens a table and writes its header row. Fixed column widths keep long paths and evidence
/// wrapping inside the page instead of running off an A4 sheet.
fn open_table(cols: &[Col<'_>], out: &mut dyn Write) -> io::Result<()> {
    write!(out, "<table>\n<colgroup>")?;
    for (_, width, _) in cols {
        write!(out, "<col style=\"width:{width}%\">")?;
    }
    write!(out, "</colgroup>\n<thead><tr>")?;
    for (heading, _, num) in cols {
        let class = if *num { " class=\"num\"" } else { "" };
        write!(out, "<th scope=\"col\"{class}>{}</th>", escape(heading))?;
    }
    writeln!(out, "</tr></thead>")
}

/// Where a finding was seen: `path:line:col`, `path (feature)` or `name RECORD value`.
fn location(l: &Location) -> String {
    match l {
        Location::File { path, line, column } => format!("{path}:{line}:{column}"),
        Location::Binary {
            path,
            feature,
            offset: Some(o),
        } => format!("{path} ({feature} at {o:#x})"),
        Location::Binary { path, feature, .. } => format!("{path} ({feature})"),
        Location::Dns {
            name,
            record,
            value,
            ..
        } => format!("{name} {} {value}", record.to_ascii_uppercase()),
    }
}

/// A vendor's display name, or its id when the report does not list it.
fn vendor_name<'a>(org: &'a OrganisationReport, id: &'a str) -> &'a str {
    org.vendors
        .iter()
        .find(|v| v.id == id)
        .map_or(id, |v| v.name.as_str())
}

/// A category's display name, or its id when the report does not name it.
fn category_name<'a>(org: &'a OrganisationReport, id: &'a str) -> &'a str {
    let scored = org.categories.iter().find(|c| c.id == id).map(|c| &c.name);
    let skipped = || {
        org.assessed
            .not_assessed
            .iter()
            .find(|n| n.id == id)
            .map(|n| &n.name)
    };
    scored.or_else(skipped).map_or(id, String::as_str)
}

/// The colour of a score: one per grade, green to red, each readable as text on white.
fn score_colour(score: u32) -> &'static str {
    match crate::score::grade(score) {
        "A" => "#1a7f37",
        "B" => "#4d7c0f",
        "C" => "#9a6700",
        "D" => "#bc4c00",
        "E" => "#cf222e",
        _ => "#8c0d1f",
    }
}

/// The colour of a SEAL level, on the same scale as the scores.
fn seal_colour(seal: u8) -> &'static str {
    match seal {
        4.. => "#1a7f37",
        3 => "#4d7c0f",
        2 => "#9a6700",
        1 => "#bc4c00",
        0 => "#cf222e",
    }
}

/// The EU Cloud Sovereignty Framework's name of a SEAL level.
fn seal_name(seal: u8) -> &'static str {
    match seal {
        4.. => "Full Digital Sovereignty",
        3 => "Digital Resilience",
        2 => "Data Sovereignty",
        1 => "Jurisdictional Sovereignty",
        0 => "No Sovereignty",
    }
}

fn trust_badge(trusted: bool) -> &'static str {
    if trusted {
        "<span class=\"badge ok\">✓ trusted</span>"
    } else {
        "<span class=\"badge bad\">✗ not trusted</span>"
    }
}

fn strength(s: Strength) -> String {
    format!(
        "<span class=\"strength-{0}\">{0}</span>",
        escape(s.as_str())
    )
}

fn number<T: std::fmt::Display>(n: Option<T>) -> String {
    n.map_or_else(|| "–".to_owned(), |n| n.to_string())
}

/// `items` joined with `sep`, or `empty` when there are none.
fn list_or(items: &[&str], sep: &str, empty: &str) -> String {
    if items.is_empty() {
        empty.to_owned()
    } else {
        items.join(sep)
    }
}

/// `s` cut to `max` characters, with an ellipsis when cut.
fn shorten(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max.saturating_sub(1)) {
        Some((i, _)) if s.chars().count() > max => Cow::Owned(format!("{}…", &s[..i])),
        _ => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests;
