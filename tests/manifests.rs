//! The manifest and IaC fixtures (`fixtures/manifests/<kind>/`): one small project per format,
//! each with an `EXPECTED.md` written from what the project really depends on, not from the
//! scanner's output. Its tables are the test data:
//!
//! - "Vendors expected in this directory": the exact vendor set a scan must report;
//! - "Traps": lines that must not be reported as the named vendors (look-alike words, multi-cloud
//!   libraries, EU S3 endpoints, self-hosted instances, marketing links);
//! - "Real dependencies": lines that should be reported as their vendor; rows marked "reporting
//!   optional" (transitive packages, alias uses) are not counted.

mod common;

use std::path::Path;

use common::{fixture, scan_json};

struct Expected {
    vendors: Vec<String>,
    /// (file, line text, vendors it must not be reported as)
    traps: Vec<(String, String, Vec<String>)>,
    /// (vendor, file, line text)
    dependencies: Vec<(String, String, String)>,
}

fn table_rows(section: &str) -> Vec<Vec<String>> {
    section
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
        .skip(1)
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect()
        })
        .collect()
}

fn section<'a>(md: &'a str, title: &str) -> &'a str {
    md.split_once(&format!("## {title}"))
        .map_or("", |(_, rest)| rest.split("\n## ").next().unwrap_or(""))
}

fn parse_expected(dir: &Path) -> Expected {
    let md = std::fs::read_to_string(dir.join("EXPECTED.md")).expect("EXPECTED.md");
    let vendors = section(&md, "Vendors expected in this directory")
        .lines()
        .find(|l| !l.trim().is_empty())
        .expect("vendor list")
        .split(',')
        .map(|v| v.trim().to_owned())
        .collect();
    let traps = table_rows(section(&md, "Traps"))
        .into_iter()
        .map(|r| {
            let nots = r[2]
                .split('(')
                .next()
                .unwrap_or_default()
                .split(',')
                .map(|v| v.trim().to_owned())
                .collect();
            (r[0].clone(), r[1].clone(), nots)
        })
        .collect();
    let dependencies = table_rows(section(&md, "Real dependencies"))
        .into_iter()
        .filter(|r| {
            !r.get(3)
                .is_some_and(|note| note.contains("reporting optional"))
        })
        .map(|r| (r[0].clone(), r[1].clone(), r[2].clone()))
        .collect();
    Expected {
        vendors,
        traps,
        dependencies,
    }
}

/// (vendor, file, text of the reported line) of every finding.
fn findings(dir: &Path) -> Vec<(String, String, String)> {
    let report = scan_json(dir, &["--exclude", "EXPECTED.md"]);
    assert!(report["errors"].as_array().expect("errors").is_empty());
    report["organisations"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let path = f["location"]["path"].as_str().expect("path").to_owned();
            let line = f["location"]["line"].as_u64().expect("line") as usize;
            let text = std::fs::read_to_string(dir.join(&path)).expect("scanned file");
            let line_text = text.lines().nth(line - 1).unwrap_or_default().to_owned();
            (
                f["vendor"].as_str().expect("vendor").to_owned(),
                path,
                line_text,
            )
        })
        .collect()
}

#[test]
fn each_manifest_fixture_yields_exactly_its_vendors_and_no_trap_fires() {
    let root = fixture("manifests");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures/manifests")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 15, "only {} manifest fixtures", dirs.len());
    let (mut wanted, mut missed) = (0, Vec::new());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let expected = parse_expected(dir);
        let found = findings(dir);
        let mut vendors: Vec<String> = found.iter().map(|f| f.0.clone()).collect();
        vendors.sort();
        vendors.dedup();
        let mut want = expected.vendors.clone();
        want.sort();
        if vendors != want {
            failures.push(format!("{name}: vendors {vendors:?}, expected {want:?}"));
        }
        for (file, text, nots) in &expected.traps {
            for (vendor, path, line) in &found {
                if path == file && line.contains(text.as_str()) && nots.contains(vendor) {
                    failures.push(format!("{name}: trap fired as {vendor}: {file}: {line}"));
                }
            }
        }
        for (vendor, file, text) in &expected.dependencies {
            wanted += 1;
            if !found
                .iter()
                .any(|(v, p, l)| v == vendor && p == file && l.contains(text.as_str()))
            {
                missed.push(format!("{name}: {vendor} in {file}: {text}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Line-level recall over the planted dependencies: each miss is listed on failure.
    let recall = 1.0 - missed.len() as f64 / wanted as f64;
    assert!(
        recall >= 0.9,
        "recall {recall:.2} over {wanted} planted dependencies; missed:\n{}",
        missed.join("\n")
    );
}
