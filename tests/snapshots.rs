//! What a person sees: the terminal report of the demo organisation and a rule explanation,
//! compared with committed snapshots. Set SOVSCAN_BLESS=1 to rewrite them after a deliberate
//! change, then review the diff.

mod common;

use common::{root, sovscan};

fn check(name: &str, args: &[&str]) {
    let out = sovscan(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    let path = root().join("tests/snapshots").join(name);
    if std::env::var_os("SOVSCAN_BLESS").is_some() {
        std::fs::write(&path, &text).expect("write snapshot");
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        want == text,
        "{name} differs from the snapshot (SOVSCAN_BLESS=1 cargo test --test snapshots to accept):\n{text}"
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
