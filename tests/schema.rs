//! The committed JSON Schema matches the Rust types, and real reports validate against it.

mod common;

use common::{assert_matches_committed, fixture, sovscan};

fn schema() -> serde_json::Value {
    sovscan::report::schema()
}

#[test]
fn committed_schema_is_generated_from_the_types() {
    let text = serde_json::to_string_pretty(&schema()).expect("serialise") + "\n";
    assert_matches_committed("schemas/report.schema.json", &text);
}

fn validate(args: &[&str]) {
    let out = sovscan(args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let validator = jsonschema::validator_for(&schema()).expect("valid schema");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{args:?}:\n{}", errors.join("\n"));
}

#[test]
fn real_reports_validate_against_the_schema() {
    let demo = fixture("demo-city");
    let bins = fixture("binaries");
    let zone = fixture("dns/m365-gateway.test.zone");
    let two = fixture("configs/two-cities.toml");
    validate(&[
        "scan",
        demo.to_str().expect("utf-8"),
        "--format",
        "json",
        "--fail-on",
        "primary:US",
    ]);
    validate(&["scan", bins.to_str().expect("utf-8"), "--format", "json"]);
    validate(&[
        "scan",
        "--domain",
        "m365-gateway.test",
        "--domain",
        "nosuch.m365-gateway.test",
        "--zone",
        zone.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    validate(&[
        "audit",
        "--config",
        two.to_str().expect("utf-8"),
        "--format",
        "json",
        "--fail-under",
        "50",
    ]);
    // Nothing assessed: score null.
    validate(&[
        "scan",
        "--domain",
        "x.invalid",
        "--zone",
        zone.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
}
