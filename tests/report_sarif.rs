//! `--format sarif`: every log validates against the OASIS SARIF 2.1.0 schema (Errata 01, kept in
//! schemas/third_party, so no network is needed) and carries what GitHub code scanning needs to
//! ingest it: a rule for every result, our fingerprint, one physical location with a start line,
//! levels from the finding's strength. Each case also runs `--format json` and checks that every
//! finding became a result at the right place.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::LazyLock;

use serde_json::Value;

/// The schema as published (draft-04), and read as draft-07, under which its `uri-reference`
/// format checks every artifact URI (draft-04 has no such format).
static VALIDATORS: LazyLock<[jsonschema::Validator; 2]> = LazyLock::new(|| {
    let path = common::root().join("schemas/third_party/sarif-schema-2.1.0.json");
    let text = fs::read_to_string(path).expect("read the SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    let build = |draft: Option<jsonschema::Draft>| {
        let mut options = jsonschema::options().should_validate_formats(true);
        if let Some(draft) = draft {
            options = options.with_draft(draft);
        }
        options.build(&schema).expect("compile the SARIF schema")
    };
    [build(None), build(Some(jsonschema::Draft::Draft7))]
});

/// Runs sovscan with `args` and `--format FORMAT` from the repository root; it must exit 0.
fn run(args: &[&str], format: &str) -> (Value, Vec<u8>) {
    let mut all = args.to_vec();
    all.extend(["--format", format]);
    let out = common::sovscan(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "sovscan {all:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value = serde_json::from_slice(&out.stdout).expect("output is JSON");
    (value, out.stdout)
}

/// Runs `args` as SARIF and as JSON, and checks the SARIF log against the schema, GitHub's needs
/// and the JSON report's findings. Returns the log.
fn check(args: &[&str]) -> Value {
    let (log, bytes) = run(args, "sarif");
    assert_valid(&log);
    assert_github_ready(&log);
    let (report, _) = run(args, "json");
    assert_matches_findings(&log, &report);
    let (_, again) = run(args, "sarif");
    assert!(bytes == again, "two runs gave different SARIF");
    log
}

fn assert_valid(log: &Value) {
    for (validator, name) in VALIDATORS.iter().zip(["draft-04", "draft-07"]) {
        let errors: Vec<String> = validator
            .iter_errors(log)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "SARIF log fails the schema ({name}):\n{}",
            errors.join("\n")
        );
    }
}

fn level_of(strength: &str) -> &'static str {
    match strength {
        "primary" => "error",
        "used" => "warning",
        "present" => "note",
        other => panic!("unknown strength {other}"),
    }
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("results")
}

/// What GitHub rejects or cannot show: results without a known rule, a fingerprint or a
/// physical location with a start line; rules without descriptions and help.
fn assert_github_ready(log: &Value) {
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().map(Vec::len), Some(1), "one run");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    for rule in rules {
        for key in ["shortDescription", "fullDescription", "help"] {
            let text = rule[key]["text"].as_str().unwrap_or_default();
            assert!(!text.is_empty(), "rule {} lacks {key}", rule["id"]);
        }
        let strength = rule["properties"]["strength"].as_str().expect("strength");
        assert_eq!(rule["defaultConfiguration"]["level"], level_of(strength));
    }
    for r in results(log) {
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rules[index]["id"], r["ruleId"],
            "ruleIndex points at ruleId"
        );
        let fp = r["partialFingerprints"]["sovscanFingerprint/v1"]
            .as_str()
            .expect("fingerprint");
        assert_eq!(fp.len(), 32, "fingerprint {fp}");
        let strength = r["properties"]["strength"].as_str().expect("strength");
        assert_eq!(r["level"], level_of(strength));
        assert!(!r["message"]["text"].as_str().unwrap_or_default().is_empty());
        let locations = r["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1, "one location: {r}");
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or_default();
        assert!(!uri.is_empty(), "artifact URI: {r}");
        assert!(
            physical["region"]["startLine"].as_u64() >= Some(1),
            "startLine: {r}"
        );
    }
}

/// Every finding of the JSON report has one result with its fingerprint, level and location.
fn assert_matches_findings(log: &Value, report: &Value) {
    let mut by_fp: BTreeMap<&str, &Value> = BTreeMap::new();
    for r in results(log) {
        let fp = r["partialFingerprints"]["sovscanFingerprint/v1"].as_str();
        assert!(
            by_fp.insert(fp.expect("fingerprint"), r).is_none(),
            "one result per finding"
        );
    }
    let orgs = report["organisations"].as_array().expect("organisations");
    let findings: Vec<(&Value, &Value)> = orgs
        .iter()
        .flat_map(|o| {
            o["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .map(move |f| (o, f))
        })
        .collect();
    assert_eq!(findings.len(), by_fp.len(), "one result per finding");
    for (org, f) in findings {
        let r = by_fp[f["fingerprint"].as_str().expect("fingerprint")];
        assert_eq!(r["ruleId"], f["rule"]);
        assert_eq!(
            r["level"],
            level_of(f["strength"].as_str().expect("strength"))
        );
        assert_eq!(r["properties"]["organisation"], org["name"]);
        assert_location(&r["locations"][0], &f["location"], &f["evidence"]);
        assert_eq!(
            r.get("suppressions").is_some(),
            f.get("suppressed").is_some(),
            "suppressions follow the finding: {r}"
        );
    }
}

fn assert_location(sarif: &Value, loc: &Value, evidence: &Value) {
    let physical = &sarif["physicalLocation"];
    let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
    let region = &physical["region"];
    let path = loc["path"].as_str().unwrap_or_default();
    match loc["kind"].as_str() {
        Some("file") => {
            assert_eq!(percent_decode(uri), path);
            assert_eq!(region["startLine"], loc["line"]);
            assert_eq!(region["startColumn"], loc["column"]);
            assert_eq!(&region["snippet"]["text"], evidence);
        }
        Some("binary") => {
            let (file, member) = path
                .split_once("!/")
                .map_or((path, false), |(f, _)| (f, true));
            assert_eq!(percent_decode(uri), file);
            assert_eq!(region["startLine"], 1);
            if member {
                assert_eq!(sarif["logicalLocations"][0]["fullyQualifiedName"], path);
                assert!(
                    region.get("byteOffset").is_none(),
                    "member offsets: {sarif}"
                );
            } else {
                assert_eq!(region.get("byteOffset"), loc.get("offset"), "{sarif}");
            }
        }
        Some("dns") => {
            let domain = loc["domain"].as_str().expect("domain");
            assert_eq!(uri, format!("dns/{domain}"));
            assert_eq!(region["startLine"], 1);
            let logical = &sarif["logicalLocations"][0];
            assert_eq!(logical["name"], domain);
            let record = loc["record"].as_str().expect("record").to_ascii_uppercase();
            let name = loc["name"].as_str().expect("name");
            assert_eq!(logical["fullyQualifiedName"], format!("{name} {record}"));
        }
        other => panic!("unknown location kind {other:?}"),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("percent escape"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 path")
}

fn uris(log: &Value) -> Vec<&str> {
    results(log)
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect()
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

#[test]
fn file_findings_validate_and_escape_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "infra/main.tf",
        "provider \"aws\" {\n  region = \"eu-central-1\"\n}\n\nresource \"aws_s3_bucket\" \"logs\" {}\n",
    );
    write(
        dir.path(),
        "notes file.txt",
        "archive: https://dynamodb.eu-central-1.amazonaws.com\n",
    );
    write(
        dir.path(),
        "données/mail.yaml",
        "smtp_host: smtp.office365.com\n",
    );
    let root = dir.path().to_str().expect("utf-8 path");
    let log = check(&["scan", root]);
    let uris = uris(&log);
    for expected in [
        "infra/main.tf",
        "notes%20file.txt",
        "donn%C3%A9es/mail.yaml",
    ] {
        assert!(uris.contains(&expected), "{expected} not in {uris:?}");
    }
    let levels: Vec<&str> = results(&log)
        .iter()
        .filter_map(|r| r["level"].as_str())
        .collect();
    assert!(
        levels.contains(&"error"),
        "the AWS provider is primary: {levels:?}"
    );
}

#[test]
fn binary_findings_validate_with_offsets_and_archive_members() {
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = fs::read(common::fixture("binaries/pe/nordlicht-agent.exe")).expect("fixture");
    fs::write(dir.path().join("nordlicht-agent.exe"), &exe).expect("copy");
    let mut zip = zip::ZipWriter::new(fs::File::create(dir.path().join("agent.zip")).expect("zip"));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("bin/agent.exe", stored).expect("member");
    zip.write_all(&exe).expect("member bytes");
    zip.finish().expect("finish zip");

    let log = check(&["scan", dir.path().to_str().expect("utf-8 path")]);
    let regions: Vec<(&str, &Value)> = results(&log)
        .iter()
        .map(|r| {
            let p = &r["locations"][0]["physicalLocation"];
            (
                p["artifactLocation"]["uri"].as_str().unwrap_or(""),
                &p["region"],
            )
        })
        .collect();
    assert!(
        regions
            .iter()
            .any(|(uri, region)| *uri == "nordlicht-agent.exe" && region["byteOffset"].is_u64()),
        "an embedded string of the PE has its offset: {regions:?}"
    );
    let member = results(&log)
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "agent.zip")
        .expect("a finding inside the zip");
    assert_eq!(
        member["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "agent.zip!/bin/agent.exe"
    );
}

#[test]
fn dns_findings_validate_with_pseudo_paths_and_notifications() {
    let log = check(&[
        "scan",
        "--domain",
        "m365-gateway.test",
        "--zone",
        "fixtures/dns/m365-gateway.test.zone",
    ]);
    assert!(!results(&log).is_empty());
    assert!(uris(&log).iter().all(|u| *u == "dns/m365-gateway.test"));
    // Includes outside the zone files are DNS errors: notifications naming the domain.
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert!(notes.iter().any(|n| n["descriptor"]["id"] == "dns"
        && n["locations"][0]["logicalLocations"][0]["name"] == "m365-gateway.test"));
}

#[test]
fn several_organisations_share_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "domains.csv",
        "org,domain\nGateway City,m365-gateway.test\nWorkspace Town,gworkspace.test\n",
    );
    let list = dir.path().join("domains.csv");
    let log = check(&[
        "scan",
        "--domains-file",
        list.to_str().expect("utf-8 path"),
        "--zone",
        "fixtures/dns/m365-gateway.test.zone",
        "--zone",
        "fixtures/dns/gworkspace.test.zone",
    ]);
    let mut orgs: Vec<&str> = results(&log)
        .iter()
        .filter_map(|r| r["properties"]["organisation"].as_str())
        .collect();
    orgs.sort_unstable();
    orgs.dedup();
    assert_eq!(orgs, ["Gateway City", "Workspace Town"]);
}

#[test]
fn suppressed_findings_carry_suppressions() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "main.tf",
        "# sovscan:ignore aws-terraform-provider moving to STACKIT in Q3\nprovider \"aws\" {}\n",
    );
    write(
        dir.path(),
        "ci.yml",
        "url: https://sqs.eu-west-1.amazonaws.com\n",
    );
    write(
        dir.path(),
        ".sovscanignore",
        "[[ignore]]\nrule = \"aws-endpoint-hostname\"\npath = \"ci.yml\"\nreason = \"legacy queue, removed with the CI move\"\nexpires = \"2099-12-31\"\n",
    );
    let log = check(&["scan", dir.path().to_str().expect("utf-8 path")]);
    let kinds: BTreeMap<&str, (&str, &str)> = results(&log)
        .iter()
        .filter_map(|r| {
            let s = &r["suppressions"][0];
            Some((
                r["ruleId"].as_str()?,
                (s["kind"].as_str()?, s["justification"].as_str()?),
            ))
        })
        .collect();
    assert_eq!(
        kinds.get("aws-terraform-provider"),
        Some(&("inSource", "moving to STACKIT in Q3"))
    );
    assert_eq!(
        kinds.get("aws-endpoint-hostname"),
        Some(&("external", "legacy queue, removed with the CI move"))
    );
}

/// The validators are live: a bad URI, a line 0 and a missing message are each caught.
#[test]
fn the_schema_rejects_broken_logs() {
    let valid = serde_json::json!({
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "sovscan"}},
            "results": [{
                "message": {"text": "m"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": "a%20b.tf"},
                    "region": {"startLine": 1}
                }}]
            }]
        }]
    });
    assert_valid(&valid);
    let location = "/runs/0/results/0/locations/0/physicalLocation";
    let broken: [(&str, Value); 3] = [
        ("/artifactLocation/uri", Value::from("a b.tf")),
        ("/region/startLine", Value::from(0)),
        ("", Value::Null),
    ];
    for (pointer, bad) in broken {
        let mut log = valid.clone();
        if pointer.is_empty() {
            log["runs"][0]["results"][0]
                .as_object_mut()
                .expect("result")
                .remove("message");
        } else {
            *log.pointer_mut(&format!("{location}{pointer}"))
                .expect("pointer") = bad;
        }
        assert!(
            VALIDATORS.iter().any(|v| !v.is_valid(&log)),
            "{pointer} went unnoticed"
        );
    }
}
