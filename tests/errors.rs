//! Every error path: bad inputs never crash a scan, and bad packs or configs list every problem.

mod common;

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};

use common::{error_pairs, fixture, scan_json, sovscan};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn missing_path_alone_exits_2() {
    let out = sovscan(&["scan", "does/not/exist"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no readable input") && err.contains("does/not/exist"),
        "{err}"
    );
}

#[test]
fn missing_path_beside_a_real_one_is_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("main.tf"), "provider \"aws\" {}\n").expect("write");
    let missing = dir.path().join("gone");
    let report = scan_json(dir.path(), &[missing.to_str().expect("utf-8")]);
    let errors = error_pairs(&report);
    assert!(
        errors
            .iter()
            .any(|(k, p)| k == "not-found" && p.ends_with("gone")),
        "{errors:?}"
    );
    assert_eq!(
        common::finding_values(&report, "rule"),
        ["aws-terraform-provider"]
    );
}

#[test]
fn unreadable_files_broken_symlinks_and_loops_become_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    fs::write(d.join("ok.tf"), "provider \"aws\" {}\n").expect("write");
    // A file whose read fails even for root: /proc/self/mem at offset 0 gives EIO.
    symlink("/proc/self/mem", d.join("mem.txt")).expect("symlink");
    symlink(d.join("nowhere"), d.join("broken-link")).expect("symlink");
    fs::create_dir(d.join("loop")).expect("mkdir");
    symlink(d.join("loop"), d.join("loop").join("again")).expect("symlink");
    let locked = d.join("locked.tf");
    fs::write(&locked, "provider \"aws\" {}\n").expect("write");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    let running_as_root = fs::read(&locked).is_ok();

    let report = scan_json(d, &[]);
    let errors = error_pairs(&report);
    let has = |kind: &str, path: &str| errors.iter().any(|(k, p)| k == kind && p.contains(path));
    assert!(has("io", "mem.txt"), "{errors:?}");
    assert!(has("walk", "broken-link"), "{errors:?}");
    assert!(has("walk", "again"), "{errors:?}");
    if !running_as_root {
        assert!(has("io", "locked.tf"), "{errors:?}");
    }
    // The readable file was still scanned.
    let paths = common::finding_values(&report, "fingerprint");
    assert!(!paths.is_empty());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).expect("chmod back");
}

#[test]
fn oversized_files_are_skipped_and_reported_binary_files_counted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    fs::write(
        d.join("big.tf"),
        format!("provider \"aws\" {{}}\n{}", "#".repeat(4096)),
    )
    .expect("write");
    // A binary in a format sovscan does not read (PNG): counted, not matched.
    fs::write(
        d.join("blob.bin"),
        b"\x89PNG\r\n\x1a\n\0\0arn:aws:s3:::bucket",
    )
    .expect("write");
    // A file that claims to be ELF but is not: a `malformed` error, not a crash.
    fs::write(d.join("fake.so"), b"\x7fELF\0\0\0arn:aws:s3:::bucket").expect("write");
    // Invalid UTF-8 around a match: scanned, evidence made lossy, no crash.
    fs::write(
        d.join("latin1.env"),
        b"HOST=caf\xe9.s3.eu-west-1.amazonaws.com\n",
    )
    .expect("write");
    let report = scan_json(d, &["--max-file-size", "1024"]);
    assert_eq!(
        error_pairs(&report),
        [
            ("too-large".to_owned(), "big.tf".to_owned()),
            ("malformed".to_owned(), "fake.so".to_owned())
        ]
    );
    assert_eq!(report["stats"]["files_skipped"], 1);
    assert_eq!(report["stats"]["files_binary"], 1);
    assert_eq!(report["stats"]["files_scanned"], 1);
    assert_eq!(
        common::finding_values(&report, "rule"),
        ["aws-endpoint-hostname"]
    );
}

#[test]
fn invalid_rule_pack_lists_every_problem_and_exits_2() {
    let dir = fixture("rules/invalid");
    let out = sovscan(&[
        "scan",
        "fixtures/projects",
        "--rules",
        dir.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for needle in [
        "legal_seat `USA`",
        "as_of `last year`",
        "source `see wikipedia`",
        "[Acme_Endpoint]: rule id is not kebab-case",
        "unknown category `hosting`",
        "unknown strength `strong`",
        "regex does not compile",
        "[acme-bare-word]: regex matches the bare word `teams`",
        "[acme-bare-word]: no references",
        "[acme-bare-word]: a rule needs examples.match and examples.no_match",
        "[acme-mx-without-records]: `keywords` does not apply to kind = \"dns\"",
        "[acme-mx-without-records]: a dns rule needs records",
        "[acme-agent-signer]: unknown features value `certificate`",
        "[acme-ip]: `regex` does not apply to kind = \"ip\"",
        "[acme-ip]: unknown IP-range list `acme-nowhere`",
        "acme.txt: line 4: `198.51.100.0/33` is not a CIDR prefix",
        "acme.txt: missing `# source: URL` header",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert!(err.matches("hint:").count() >= 10, "{err}");
}

#[test]
fn rules_test_fails_with_1_on_bad_examples_and_2_on_broken_packs() {
    let out = sovscan(&["rules", "test", "fixtures/rules/failing-examples"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("match example is not matched"), "{text}");
    assert!(text.contains("no_match example is matched"), "{text}");
    let out = sovscan(&["rules", "test", "fixtures/rules/invalid"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn invalid_config_lists_every_problem_and_exits_2() {
    let out = sovscan(&["audit", "--config", "fixtures/configs/invalid.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for needle in [
        "`Switzerland`",
        "neither paths nor domains",
        "defined twice",
        "not a domain name",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    let out = sovscan(&["audit", "--config", "fixtures/configs/missing.toml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_arguments_exit_2() {
    assert_eq!(sovscan(&["scan"]).status.code(), Some(2));
    assert_eq!(
        sovscan(&["scan", ".", "--format", "xml"]).status.code(),
        Some(2)
    );
    assert_eq!(
        sovscan(&["scan", ".", "--fail-under", "101"]).status.code(),
        Some(2)
    );
    assert_eq!(
        sovscan(&["scan", ".", "--exclude", "a{b"]).status.code(),
        Some(2)
    );
    assert_eq!(
        sovscan(&["rules", "explain", "no-such-rule"]).status.code(),
        Some(2)
    );
}
