//! CI gating and suppressions end to end: --fail-on, --baseline, .sovscanignore, inline
//! `sovscan:ignore`, CSV output, shell completions and the man page.

mod common;

use std::fs;

use common::sovscan;
use serde_json::Value;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(dir.path().join("infra")).expect("mkdir");
    fs::write(dir.path().join("infra/main.tf"), "provider \"aws\" {}\n").expect("write");
    fs::write(
        dir.path().join("app.env"),
        "# sovscan:ignore aws-endpoint-hostname bucket of public minutes, migrating in Q1\nS3=https://minutes.s3.amazonaws.com\nAI=https://api.openai.com/v1/chat\n",
    )
    .expect("write");
    dir
}

fn run(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, Value) {
    let mut all = vec!["scan", dir.to_str().expect("utf-8"), "--format", "json"];
    all.extend_from_slice(args);
    let out = sovscan(&all);
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), v)
}

fn findings(r: &Value) -> &Vec<Value> {
    r["organisations"][0]["findings"]
        .as_array()
        .expect("findings")
}

#[test]
fn fail_on_conditions_gate_by_strength_jurisdiction_and_category() {
    let dir = setup();
    let (code, r) = run(dir.path(), &["--fail-on", "primary:US"]);
    assert_eq!(code, Some(1));
    assert_eq!(r["gate"]["passed"], false);
    assert!(
        r["gate"]["failures"][0]
            .as_str()
            .is_some_and(|f| f.contains("primary:US"))
    );
    assert_eq!(run(dir.path(), &["--fail-on", "primary:CN"]).0, Some(0));
    assert_eq!(run(dir.path(), &["--fail-on", "used:ai-ml"]).0, Some(1));
    assert_eq!(run(dir.path(), &["--fail-on", "primary:ai-ml"]).0, Some(0));
    // A category that does not exist, or a malformed condition, is an error (exit 2).
    assert_eq!(run(dir.path(), &["--fail-on", "mail"]).0, Some(2));
    assert_eq!(run(dir.path(), &["--fail-on", "Primary"]).0, Some(2));
}

#[test]
fn inline_and_file_suppressions_stay_visible_and_stop_counting() {
    let dir = setup();
    let (_, before) = run(dir.path(), &[]);
    let inline = findings(&before)
        .iter()
        .find(|f| f["rule"] == "aws-endpoint-hostname")
        .expect("endpoint finding");
    assert_eq!(inline["suppressed"]["source"], "inline");
    assert_eq!(
        inline["suppressed"]["reason"],
        "bucket of public minutes, migrating in Q1"
    );
    let provider_fp = findings(&before)
        .iter()
        .find(|f| f["rule"] == "aws-terraform-provider")
        .and_then(|f| f["fingerprint"].as_str())
        .expect("provider")
        .to_owned();
    fs::write(
        dir.path().join(".sovscanignore"),
        format!(
            "[[ignore]]\nfingerprint = \"{provider_fp}\"\nreason = \"archive account, closing 2027\"\nexpires = \"2099-12-31\"\n\n[[ignore]]\nrule = \"openai-api-endpoint\"\npath = \"*.env\"\nreason = \"pilot\"\nexpires = \"2000-01-01\"\n"
        ),
    )
    .expect("write");
    let (code, after) = run(dir.path(), &["--fail-on", "primary:US"]);
    assert_eq!(code, Some(0), "the only primary finding is suppressed");
    let all = findings(&after);
    assert_eq!(
        all.len(),
        findings(&before).len(),
        "suppressed findings do not vanish"
    );
    let provider = all
        .iter()
        .find(|f| f["rule"] == "aws-terraform-provider")
        .expect("provider");
    assert_eq!(
        provider["suppressed"]["reason"],
        "archive account, closing 2027"
    );
    // The expired entry warns and stops suppressing.
    let openai = all
        .iter()
        .find(|f| f["rule"] == "openai-api-endpoint")
        .expect("openai");
    assert!(openai["suppressed"].is_null());
    let errors = after["errors"].as_array().expect("errors");
    assert!(errors.iter().any(|e| {
        e["kind"] == "suppression"
            && e["message"]
                .as_str()
                .is_some_and(|m| m.contains("expired on 2000-01-01"))
    }));
    // Suppressed findings do not count in the score: AWS is gone from IaaS/PaaS.
    assert!(
        after["organisations"][0]["score"].as_u64() > before["organisations"][0]["score"].as_u64()
    );
    // A broken suppressions file lists every problem and exits 2.
    fs::write(
        dir.path().join(".sovscanignore"),
        "[[ignore]]\nfingerprint = \"nope\"\n",
    )
    .expect("write");
    let (code, _) = run(dir.path(), &[]);
    assert_eq!(code, Some(2));
}

#[test]
fn a_baseline_gates_only_new_findings_and_reports_fixed_ones() {
    let dir = setup();
    let base = dir.path().join("baseline.json");
    let (_, r) = run(dir.path(), &["-o", base.to_str().expect("utf-8")]);
    assert!(r.is_null(), "the report went to the file");
    // Nothing new: the gate passes although a primary US finding is there.
    let (code, r) = run(
        dir.path(),
        &[
            "--baseline",
            base.to_str().expect("utf-8"),
            "--fail-on",
            "primary:US",
            "--exclude",
            "baseline.json",
        ],
    );
    assert_eq!(code, Some(0), "{}", r["gate"]);
    assert_eq!(r["baseline"]["new"].as_array().map(Vec::len), Some(0));
    // A new primary finding fails it; removing one shows as fixed.
    fs::write(
        dir.path().join("infra/azure.tf"),
        "provider \"azurerm\" {\n  features {}\n}\n",
    )
    .expect("write");
    fs::remove_file(dir.path().join("app.env")).expect("remove");
    let (code, r) = run(
        dir.path(),
        &[
            "--baseline",
            base.to_str().expect("utf-8"),
            "--fail-on",
            "primary:US",
            "--exclude",
            "baseline.json",
        ],
    );
    assert_eq!(code, Some(1));
    assert!(
        r["baseline"]["new"]
            .as_array()
            .is_some_and(|n| !n.is_empty())
    );
    assert!(
        r["baseline"]["fixed"]
            .as_array()
            .is_some_and(|n| n.len() >= 2)
    );
    assert!(
        r["gate"]["failures"][0]
            .as_str()
            .is_some_and(|f| f.contains("new finding"))
    );
}

#[test]
fn csv_has_one_row_per_organisation_vendor_and_service() {
    let dir = setup();
    let out = sovscan(&[
        "scan",
        dir.path().to_str().expect("utf-8"),
        "--org",
        "Acme, Inc.",
        "--format",
        "csv",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "organisation,organisation_score,vendor,vendor_name,jurisdiction,trusted,accepted,service,category,category_score,strength,evidence_count,sources"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter().all(|r| r.starts_with("\"Acme, Inc.\",")),
        "{rows:?}"
    );
    assert!(rows.iter().any(|r| {
        r.contains(",aws,Amazon Web Services,US,false,,AWS (Terraform provider),iaas-paas,")
    }));
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = sovscan(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains("sovscan"));
    }
    let man = sovscan(&["man"]);
    assert!(String::from_utf8_lossy(&man.stdout).contains(".TH sovscan 1"));
}
