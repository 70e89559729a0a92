//! CSV for spreadsheets: one row per organisation × vendor × service, with the columns
//! procurement filters on. RFC 4180 quoting; a header row; deterministic order.

use std::io::{self, Write};

use super::Report;

/// The header row.
pub const COLUMNS: &[&str] = &[
    "organisation",
    "organisation_score",
    "vendor",
    "vendor_name",
    "jurisdiction",
    "trusted",
    "accepted",
    "service",
    "category",
    "category_score",
    "strength",
    "evidence_count",
    "sources",
];

/// Writes the report as CSV.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    row(out, COLUMNS.iter().map(|c| (*c).to_owned()))?;
    for org in &report.organisations {
        let org_score = org.score.map_or_else(String::new, |s| s.to_string());
        for d in &org.dependencies {
            let name = org
                .vendors
                .iter()
                .find(|v| v.id == d.vendor)
                .map_or_else(|| d.vendor.clone(), |v| v.name.clone());
            let category_score = org
                .categories
                .iter()
                .find(|c| c.id == d.category)
                .map_or_else(String::new, |c| c.score.to_string());
            row(
                out,
                [
                    org.name.clone(),
                    org_score.clone(),
                    d.vendor.clone(),
                    name,
                    d.jurisdiction.clone(),
                    d.trusted.to_string(),
                    d.accepted.clone().unwrap_or_default(),
                    d.service.clone(),
                    d.category.clone(),
                    category_score,
                    d.strength.as_str().to_owned(),
                    d.findings.len().to_string(),
                    d.sources.join(" "),
                ]
                .into_iter(),
            )?;
        }
    }
    Ok(())
}

fn row(out: &mut dyn Write, cells: impl Iterator<Item = String>) -> io::Result<()> {
    let line: Vec<String> = cells.map(|c| quote(&c)).collect();
    write!(out, "{}\r\n", line.join(","))
}

/// Quotes a cell when it holds a comma, quote or line break (RFC 4180), and defuses cells a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) by prefixing a quote mark.
fn quote(cell: &str) -> String {
    let defused = if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(quote("-1"), "'-1");
    }
}
