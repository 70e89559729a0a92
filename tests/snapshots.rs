//! What a person sees: the terminal report of the demo organisation and a rule explanation,
//! compared with committed snapshots. Set SOVSCAN_BLESS=1 to rewrite them after a deliberate
//! change, then review the diff.

mod common;

use common::sovscan;

fn check(name: &str, args: &[&str]) {
    let out = sovscan(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = redact(&String::from_utf8(out.stdout).expect("utf-8 output"));
    common::assert_matches_committed(&format!("tests/snapshots/{name}"), &text);
}

/// The tool version and absolute paths change between machines and releases: replace them.
fn redact(text: &str) -> String {
    let root = common::root().display().to_string();
    text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
        .replace(&root, "[ROOT]")
}

#[test]
fn demo_city_json_csv_explain_and_compact_table() {
    check(
        "demo-city.json",
        &["scan", "fixtures/demo-city", "--format", "json"],
    );
    check(
        "demo-city.csv",
        &["scan", "fixtures/demo-city", "--format", "csv"],
    );
    check(
        "demo-city.sarif",
        &["scan", "fixtures/demo-city", "--format", "sarif"],
    );
    check(
        "demo-city.html",
        &["scan", "fixtures/demo-city", "--format", "html"],
    );
    check(
        "demo-city.explain.txt",
        &["scan", "fixtures/demo-city", "--format", "explain"],
    );
    check(
        "demo-city.compact.txt",
        &[
            "scan",
            "fixtures/demo-city",
            "--compact",
            "--color",
            "always",
        ],
    );
}

#[test]
fn two_cities_audit_ranking() {
    check(
        "two-cities.table.txt",
        &["audit", "--config", "fixtures/configs/two-cities.toml"],
    );
}

#[test]
fn domain_scan_from_a_zone_file() {
    check(
        "m365-gateway.table.txt",
        &[
            "scan",
            "--domain",
            "m365-gateway.test",
            "--zone",
            "fixtures/dns/m365-gateway.test.zone",
            "--org",
            "Gateway City",
        ],
    );
}

#[test]
fn demo_city_table() {
    check("demo-city.table.txt", &["scan", "fixtures/demo-city"]);
}

#[test]
fn rules_explain_s3_backend() {
    check(
        "explain-aws-terraform-s3-backend.txt",
        &["rules", "explain", "aws-terraform-s3-backend"],
    );
}
