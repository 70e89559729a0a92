//! Helpers shared by the integration tests: run the real binary, parse its JSON.

#![allow(dead_code)]

pub mod dns_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture path under `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    root().join("fixtures").join(rel)
}

/// Runs the sovscan binary with `args` in `cwd`.
pub fn sovscan_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sovscan"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run sovscan")
}

/// Runs the sovscan binary with `args` in the repository root.
pub fn sovscan(args: &[&str]) -> Output {
    sovscan_in(&root(), args)
}

/// Runs `scan PATH --format json` and parses the report; panics unless it exits 0.
pub fn scan_json(path: &Path, extra: &[&str]) -> serde_json::Value {
    let p = path.to_str().expect("utf-8 path");
    let mut args = vec!["scan", p, "--format", "json"];
    args.extend_from_slice(extra);
    json_report(&args)
}

/// Runs sovscan with `args` (which ask for `--format json`) and parses what it writes; panics
/// unless it exits 0.
pub fn json_report(args: &[&str]) -> serde_json::Value {
    let out = sovscan(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// The sorted, de-duplicated values of `key` over the first organisation's findings.
pub fn finding_values(report: &serde_json::Value, key: &str) -> Vec<String> {
    let mut v: Vec<String> = report["organisations"][0]["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f[key].as_str().expect("string field").to_owned())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The errors of a report as `(kind, path)` pairs.
pub fn error_pairs(report: &serde_json::Value) -> Vec<(String, String)> {
    report["errors"]
        .as_array()
        .expect("errors array")
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().expect("kind").to_owned(),
                e["path"].as_str().expect("path").to_owned(),
            )
        })
        .collect()
}

/// Compares `actual` with the committed file at `rel` (from the repository root); with
/// SOVSCAN_BLESS set, rewrites the file first. Review the diff after blessing.
pub fn assert_matches_committed(rel: &str, actual: &str) {
    let path = root().join(rel);
    if std::env::var_os("SOVSCAN_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write committed file");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == actual,
        "{rel} is stale: run `SOVSCAN_BLESS=1 cargo test` and review the diff. Current output:\n{actual}"
    );
}
