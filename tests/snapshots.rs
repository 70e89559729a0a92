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
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    common::assert_matches_committed(&format!("tests/snapshots/{name}"), &text);
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
