//! How each score was reached, in words: the overall formula, then per category the product of
//! exposures with the findings behind every factor and the alternatives to each untrusted
//! vendor, then the framework objectives.
//!
//! It renders the JSON report (a `serde_json::Value`), so `sovscan explain report.json` can
//! explain a report written earlier, on another machine, with the same text as
//! `--format explain`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::Value;

/// Findings listed per deduction before the rest is counted.
const FINDINGS_SHOWN: usize = 5;

/// Writes the explanation of every organisation in `report` (or only of `org`).
pub fn write(report: &Value, org: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    let orgs = report["organisations"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    for o in orgs {
        if org.is_some_and(|name| o["name"] != name) {
            continue;
        }
        write_org(o, out)?;
    }
    Ok(())
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "-".to_owned(),
        other => other.to_string(),
    }
}

fn write_org(o: &Value, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{}: score {}/100 (grade {}, estimated SEAL {})",
        text(&o["name"]),
        text(&o["score"]),
        text(&o["grade"]),
        text(&o["seal"])
    )?;
    writeln!(out, "  {}", text(&o["explanation"]["summary"]))?;
    writeln!(
        out,
        "  The weakest link caps the score at 100 − weight/10 × (100 − category score); the mean \
         counts assessed categories without evidence as 100.\n"
    )?;
    let findings: BTreeMap<&str, &Value> = o["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["fingerprint"].as_str().map(|fp| (fp, f)))
        .collect();
    let deps = o["dependencies"].as_array().map_or(&[][..], Vec::as_slice);
    for c in o["categories"].as_array().into_iter().flatten() {
        writeln!(
            out,
            "{} — {}/100, SEAL {}, weight {}",
            text(&c["name"]),
            text(&c["score"]),
            text(&c["seal"]),
            text(&c["weight"])
        )?;
        writeln!(out, "  {}", text(&c["explanation"]["formula"]))?;
        for d in c["explanation"]["deductions"]
            .as_array()
            .into_iter()
            .flatten()
        {
            write_deduction(c, d, deps, &findings, out)?;
        }
        writeln!(out)?;
    }
    let not_assessed = o["assessed"]["not_assessed"].as_array();
    for n in not_assessed.into_iter().flatten() {
        writeln!(
            out,
            "{} — not assessed: {}",
            text(&n["name"]),
            text(&n["reason"])
        )?;
    }
    writeln!(out, "\nEU Cloud Sovereignty Framework objectives:")?;
    for ob in o["objectives"].as_array().into_iter().flatten() {
        let cats: Vec<String> = ob["categories"]
            .as_array()
            .into_iter()
            .flatten()
            .map(text)
            .collect();
        writeln!(
            out,
            "  {:<6} {:<36} {:>3}  SEAL {}  ({})",
            text(&ob["id"]),
            text(&ob["name"]),
            text(&ob["score"]),
            text(&ob["seal"]),
            cats.join(", ")
        )?;
    }
    writeln!(out)
}

fn write_deduction(
    category: &Value,
    d: &Value,
    deps: &[Value],
    findings: &BTreeMap<&str, &Value>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let vendor = text(&d["vendor"]);
    let cost = match d["exempt"].as_str() {
        Some(why) => format!("no cost: {why}"),
        None => {
            let e = d["exposure"].as_f64().unwrap_or(0.0);
            let shared = if d["strength"] == "primary" && e < 0.8 {
                " (the category also runs on trusted platforms: the primary exposure is shared)"
            } else {
                ""
            };
            format!("−{:.0} % of the category{shared}", e * 100.0)
        }
    };
    writeln!(
        out,
        "  - {vendor} ({}), {}: {cost}",
        text(&d["jurisdiction"]),
        text(&d["strength"])
    )?;
    let fps = d["findings"].as_array().map_or(&[][..], Vec::as_slice);
    // In report order (by location), not fingerprint order.
    let mut shown: Vec<&Value> = fps
        .iter()
        .filter_map(|fp| fp.as_str().and_then(|fp| findings.get(fp)).copied())
        .collect();
    let rank = |f: &Value| match f["strength"].as_str() {
        Some("primary") => 0,
        Some("used") => 1,
        _ => 2,
    };
    shown.sort_by_key(|f| {
        (
            rank(f),
            f["location"]["path"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            f["location"]["line"].as_u64().unwrap_or(0),
        )
    });
    for f in shown.into_iter().take(FINDINGS_SHOWN) {
        writeln!(
            out,
            "      {:<8} {:<34} {}  {}",
            text(&f["strength"]),
            text(&f["rule"]),
            location(&f["location"]),
            text(&f["evidence"])
        )?;
    }
    if fps.len() > FINDINGS_SHOWN {
        writeln!(out, "      … and {} more", fps.len() - FINDINGS_SHOWN)?;
    }
    if d["exempt"].is_null() {
        let alternatives: Vec<String> = deps
            .iter()
            .filter(|dep| dep["vendor"] == d["vendor"] && dep["category"] == category["id"])
            .take(1)
            .flat_map(|dep| dep["alternatives"].as_array().into_iter().flatten())
            .map(|a| {
                let flag = if a["trusted"] == true {
                    ""
                } else {
                    " [not trusted]"
                };
                format!("{} ({}){flag}", text(&a["name"]), text(&a["seat"]))
            })
            .collect();
        if !alternatives.is_empty() {
            writeln!(out, "      alternatives: {}", alternatives.join(", "))?;
        }
    }
    Ok(())
}

fn location(l: &Value) -> String {
    match l["kind"].as_str() {
        Some("file") => format!("{}:{}", text(&l["path"]), text(&l["line"])),
        Some("binary") => format!("{} ({})", text(&l["path"]), text(&l["feature"])),
        Some("dns") => format!(
            "{} {}",
            text(&l["name"]),
            text(&l["record"]).to_ascii_uppercase()
        ),
        _ => text(&l["path"]),
    }
}
