//! The file scanner on trees built in the test: ignore rules, excludes, fingerprints,
//! determinism.

mod common;

use std::fs;
use std::path::Path;

use common::{finding_values, scan_json, sovscan};

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, text).expect("write");
}

fn paths(report: &serde_json::Value) -> Vec<String> {
    let mut v: Vec<String> = report["organisations"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["location"]["path"].as_str().expect("path").to_owned())
        .collect();
    v.dedup();
    v
}

#[test]
fn gitignore_excludes_and_dot_git_are_honoured_hidden_files_are_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let hit = "endpoint = \"https://bucket.s3.eu-west-1.amazonaws.com\"\n";
    write(d, ".gitignore", "build/\n");
    write(d, "build/out.env", hit);
    write(d, ".git/config", hit);
    write(d, "vendor/lib.env", hit);
    write(d, ".env", hit);
    write(d, "src/app.env", hit);
    let report = scan_json(d, &["--exclude", "vendor/"]);
    assert_eq!(paths(&report), [".env", "src/app.env"]);
}

#[test]
fn line_and_column_are_reported_and_fingerprints_survive_moved_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(
        d,
        "main.tf",
        "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n",
    );
    let before = scan_json(d, &[]);
    write(
        d,
        "main.tf",
        "# added header\n\n  provider   \"aws\" {\n  region = \"eu-west-1\"\n}\n",
    );
    let after = scan_json(d, &[]);
    let f0 = &before["organisations"][0]["findings"][0];
    let f1 = &after["organisations"][0]["findings"][0];
    assert_eq!(
        f0["location"],
        serde_json::json!({"kind": "file", "path": "main.tf", "line": 1, "column": 1})
    );
    assert_eq!(f1["location"]["line"], 3);
    assert_eq!(f1["location"]["column"], 3);
    assert_eq!(f0["fingerprint"], f1["fingerprint"]);
    // Editing the matched line itself changes the fingerprint.
    write(d, "main.tf", "provider \"aws\" { alias = \"eu\" }\n");
    let edited = scan_json(d, &[]);
    assert_ne!(
        edited["organisations"][0]["findings"][0]["fingerprint"],
        f0["fingerprint"]
    );
}

#[test]
fn secrets_never_reach_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "settings.env",
        "DATABASE_URL=postgres://app:Tr0ub4dor@prod.abc.eu-west-1.rds.amazonaws.com/app\n\
         AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
    );
    let out = sovscan(&[
        "scan",
        dir.path().to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("Tr0ub4dor") && !text.contains("AKIAIOSFODNN7EXAMPLE"),
        "{text}"
    );
    assert!(text.contains("prod.abc.eu-west-1.rds.amazonaws.com"));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        finding_values(&report, "rule"),
        [
            "aws-access-key-id",
            "aws-credentials-config",
            "aws-endpoint-hostname"
        ]
    );
}

#[test]
fn the_same_inputs_give_byte_identical_json_whatever_the_thread_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for i in 0..60 {
        write(
            d,
            &format!("m{i}/main.tf"),
            "provider \"aws\" {}\nresource \"aws_s3_bucket\" \"b\" {}\n",
        );
        write(
            d,
            &format!("m{i}/.env"),
            "S3=https://b.s3.amazonaws.com\nS3=https://b.s3.amazonaws.com\n",
        );
    }
    let p = d.to_str().expect("utf-8");
    let runs: Vec<Vec<u8>> = [["--threads", "1"], ["--threads", "2"], ["--threads", "2"]]
        .iter()
        .map(|t| sovscan(&["scan", p, "--org", "x", "--format", "json", t[0], t[1]]).stdout)
        .collect();
    assert!(runs[0].len() > 1000);
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[1], runs[2]);
    // Repeated identical lines keep distinct fingerprints.
    let report: serde_json::Value = serde_json::from_slice(&runs[0]).expect("json");
    let fps = finding_values(&report, "fingerprint");
    assert_eq!(
        fps.len(),
        report["organisations"][0]["findings"]
            .as_array()
            .expect("array")
            .len()
    );
}

#[test]
fn json_follows_the_contract() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "main.tf", "provider \"aws\" {}\n");
    let r = scan_json(dir.path(), &["--org", "Acme"]);
    assert_eq!(r["schema_version"], "1.4.0");
    assert_eq!(r["tool"]["name"], "sovscan");
    assert!(r["tool"]["version"].is_string());
    let org = &r["organisations"][0];
    assert_eq!(org["name"], "Acme");
    // One primary AWS dependency: IaaS/PaaS scores 100 × (1 − 0.80) = 20 and, at weight 10,
    // caps the overall score at 20; the weighted mean of the 14 assessed categories is 90.
    assert_eq!(org["score"], 18);
    assert_eq!(org["grade"], "F");
    assert_eq!(org["seal"], 0);
    assert_eq!(org["explanation"]["mean"], 90);
    assert_eq!(org["explanation"]["weakest_link"]["category"], "iaas-paas");
    assert_eq!(org["categories"][0]["id"], "iaas-paas");
    assert_eq!(org["categories"][0]["score"], 20);
    assert_eq!(org["categories"][0]["seal"], 0);
    assert_eq!(
        org["categories"][0]["explanation"]["formula"],
        "100 × (1 − 0.80 aws primary) = 20"
    );
    assert_eq!(org["categories"][0]["vendors"], serde_json::json!(["aws"]));
    // No domain was given: email is not assessed, and says why.
    assert_eq!(org["assessed"]["sources"], serde_json::json!(["files"]));
    assert_eq!(org["assessed"]["not_assessed"][0]["id"], "email");
    assert!(org["objectives"].as_array().is_some_and(|o| !o.is_empty()));
    let dep = &org["dependencies"][0];
    assert_eq!(dep["vendor"], "aws");
    assert_eq!(dep["sources"], serde_json::json!(["file"]));
    assert!(
        dep["alternatives"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
    let v = &org["vendors"][0];
    for (k, want) in [
        ("id", "aws"),
        ("name", "Amazon Web Services"),
        ("jurisdiction", "US"),
        ("parent", "Amazon.com, Inc."),
        ("strength", "primary"),
    ] {
        assert_eq!(v[k], want, "{k}");
    }
    assert_eq!(v["findings"], 1);
    assert!(v["services"].is_array());
    let f = &org["findings"][0];
    for k in [
        "fingerprint",
        "rule",
        "vendor",
        "service",
        "category",
        "jurisdiction",
        "strength",
        "location",
        "evidence",
    ] {
        assert!(!f[k].is_null(), "finding lacks {k}");
    }
    for k in ["files_scanned", "bytes_scanned", "files_skipped"] {
        assert!(r["stats"][k].is_u64(), "stats lacks {k}");
    }
    assert!(r["errors"].is_array());
}

#[test]
fn fail_under_exits_1_below_the_threshold_and_0_at_or_above() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "main.tf", "provider \"aws\" {}\n");
    let p = dir.path().to_str().expect("utf-8");
    assert_eq!(
        sovscan(&["scan", p, "--fail-under", "19"]).status.code(),
        Some(1)
    );
    assert_eq!(
        sovscan(&["scan", p, "--fail-under", "18"]).status.code(),
        Some(0)
    );
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "main.tf", "provider \"aws\" {}\n");
    let out_file = dir.path().join("report.json");
    let p = dir.path().join("main.tf");
    let out = sovscan(&[
        "scan",
        p.to_str().expect("utf-8"),
        "--format",
        "json",
        "-o",
        out_file.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let r: serde_json::Value =
        serde_json::from_slice(&fs::read(out_file).expect("read")).expect("json");
    assert_eq!(
        r["organisations"][0]["findings"][0]["location"]["path"],
        "main.tf"
    );
}

#[test]
fn mentions_in_docs_and_vendored_code_are_present_not_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let hit = "url = https://bucket.s3.eu-west-1.amazonaws.com/x\n";
    write(d, "README.md", hit);
    write(d, "node_modules/lib/index.js", hit);
    write(d, "config/app.env", hit);
    let report = scan_json(d, &[]);
    let strengths: Vec<(String, String)> = report["organisations"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["location"]["path"].as_str().expect("path").to_owned(),
                f["strength"].as_str().expect("strength").to_owned(),
            )
        })
        .collect();
    let want = [
        ("README.md", "present"),
        ("config/app.env", "used"),
        ("node_modules/lib/index.js", "present"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(strengths, want);
}

#[test]
fn explain_reads_a_saved_report_and_traces_every_deduction() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "main.tf", "provider \"aws\" {}\n");
    let p = dir.path().to_str().expect("utf-8");
    let json = dir.path().join("report.json");
    let j = json.to_str().expect("utf-8");
    assert_eq!(
        sovscan(&["scan", p, "--org", "Acme", "--format", "json", "-o", j])
            .status
            .code(),
        Some(0)
    );
    let out = sovscan(&["explain", j]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "Acme: score 18/100 (grade F, estimated SEAL 0)",
        "score 18 = weakest link 20 (iaas-paas) × weighted mean 90 %",
        "IaaS/PaaS hosting — 20/100, SEAL 0, weight 10",
        "100 × (1 − 0.80 aws primary) = 20",
        "aws-terraform-provider",
        "main.tf:1",
        "alternatives: OVHcloud (FR)",
        "Email and mail security — not assessed",
        "SOV-2",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    // The same text straight from a scan.
    let direct = sovscan(&["scan", p, "--org", "Acme", "--format", "explain"]);
    assert_eq!(String::from_utf8_lossy(&direct.stdout), text);
    // A file that is not a report is an error with a hint.
    let bad = sovscan(&["explain", "Cargo.toml"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("hint:"));
    let missing_org = sovscan(&["explain", j, "--org", "Nobody"]);
    assert_eq!(missing_org.status.code(), Some(2));
}

#[test]
fn scan_takes_its_policy_from_a_config_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "main.tf", "provider \"aws\" {}\n");
    write(
        dir.path(),
        "policy.toml",
        "[[allow]]\nvendor = \"aws\"\nreason = \"archive of public minutes only\"\n",
    );
    let cfg = dir.path().join("policy.toml");
    let r = scan_json(dir.path(), &["--config", cfg.to_str().expect("utf-8")]);
    let org = &r["organisations"][0];
    assert_eq!(org["score"], 100);
    let d = &org["categories"][0]["explanation"]["deductions"][0];
    assert_eq!(
        d["exempt"],
        "accepted by policy: archive of public minutes only"
    );
    // A policy naming a vendor the packs do not know is an error listing the problem.
    write(
        dir.path(),
        "bad.toml",
        "[[allow]]\nvendor = \"acme\"\nreason = \"x\"\n",
    );
    let bad = dir.path().join("bad.toml");
    let out = sovscan(&[
        "scan",
        dir.path().to_str().expect("utf-8"),
        "--config",
        bad.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`acme`"));
}
