//! Domain scanning end to end against a real authoritative DNS server on 127.0.0.1 (hickory-server
//! in-process, UDP and TCP), serving the zones of fixtures/dns; plus servers that never answer,
//! answer SERVFAIL or send decoys, snapshots replayed byte for byte, and zone files read
//! directly.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::dns_server::{Decoy, ServFail, Silent, TestDns};
use common::{fixture, sovscan};
use serde_json::Value;
use sovscan::dns::answer::{Answer, Status};
use sovscan::dns::{Backend, LiveOptions};

fn server() -> TestDns {
    TestDns::start(&fixture("dns"))
}

/// `scan --domain D... --resolver ADDR --format json` with extra args; exits 0.
fn scan(addr: &str, domains: &[&str], extra: &[&str]) -> Value {
    let mut args = vec!["scan", "--format", "json", "--resolver", addr];
    if !extra.contains(&"--dns-timeout") {
        args.extend(["--dns-timeout", "1"]);
    }
    for d in domains {
        args.extend(["--domain", d]);
    }
    args.extend_from_slice(extra);
    common::json_report(&args)
}

fn org(r: &Value) -> &Value {
    &r["organisations"][0]
}

fn rules(r: &Value) -> BTreeSet<String> {
    org(r)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_owned())
        .collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").to_owned())
        .collect()
}

fn errors(r: &Value) -> Vec<String> {
    r["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            format!(
                "{} {}: {}",
                e["kind"].as_str().unwrap_or(""),
                e["path"].as_str().unwrap_or(""),
                e["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn category_score(r: &Value, id: &str) -> Option<u64> {
    org(r)["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .find(|c| c["id"] == id)
        .and_then(|c| c["score"].as_u64())
}

#[test]
fn microsoft_365_behind_a_gateway_still_shows_microsoft() {
    let dns = server();
    let r = scan(&dns.addr().to_string(), &["m365-gateway.test"], &[]);
    let d = &org(&r)["domains"][0];
    assert_eq!(d["domain"], "m365-gateway.test");
    assert_eq!(strs(&d["mail_provider"]), ["microsoft"]);
    assert_eq!(strs(&d["mail_gateway"]), ["mimecast"]);
    let found = rules(&r);
    for rule in [
        "mimecast-mx",
        "mimecast-spf",
        "mimecast-dmarc-analyzer",
        "microsoft-365-spf",
        "microsoft-365-domain-verification",
        "microsoft-365-dkim",
        "microsoft-365-autodiscover",
        "microsoft-teams-sip",
        "entra-id-device-registration",
        "microsoft-intune-enrollment",
    ] {
        assert!(found.contains(rule), "{rule} missing from {found:?}");
    }
    // The provider behind the gateway runs the mailboxes: primary, like the MX.
    let autodiscover = org(&r)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == "microsoft-365-autodiscover")
        .expect("autodiscover");
    assert_eq!(autodiscover["strength"], "primary");
    assert_eq!(autodiscover["location"]["kind"], "dns");
    assert_eq!(
        autodiscover["location"]["name"],
        "autodiscover.m365-gateway.test."
    );
    assert_eq!(autodiscover["location"]["record"], "cname");
    assert_eq!(
        autodiscover["location"]["value"],
        "autodiscover.outlook.com."
    );
    // Email is assessed from DNS now, and Microsoft plus Mimecast leave little of it.
    assert!(category_score(&r, "email").is_some_and(|s| s < 10));
    assert!(errors(&r).is_empty(), "{:?}", errors(&r));
}

#[test]
fn google_workspace_domain() {
    let dns = server();
    let r = scan(&dns.addr().to_string(), &["gworkspace.test"], &[]);
    let d = &org(&r)["domains"][0];
    assert_eq!(strs(&d["mail_provider"]), ["google"]);
    assert!(d["mail_gateway"].as_array().is_some_and(Vec::is_empty));
    assert_eq!(strs(&d["web_hosting"]), ["google"]);
    let found = rules(&r);
    for rule in [
        "google-workspace-mx",
        "google-workspace-spf",
        "google-site-verification",
        "google-hosting-cname",
    ] {
        assert!(found.contains(rule), "{rule} missing from {found:?}");
    }
}

#[test]
fn self_hosted_mail_at_a_european_provider_is_sovereign() {
    let dns = server();
    let r = scan(&dns.addr().to_string(), &["selfhosted-eu.test"], &[]);
    let d = &org(&r)["domains"][0];
    assert_eq!(
        strs(&d["mail_provider"]),
        ["self-hosted or not recognised (mail.selfhosted-eu.test.)"]
    );
    assert!(org(&r)["findings"].as_array().is_some_and(Vec::is_empty));
    // Assessed (the domain answered) and clean: 100, not "not assessed".
    assert_eq!(org(&r)["score"], 100);
    let not_assessed: Vec<String> = org(&r)["assessed"]["not_assessed"]
        .as_array()
        .expect("list")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect();
    assert!(
        !not_assessed.contains(&"email".to_owned()),
        "{not_assessed:?}"
    );
}

#[test]
fn own_mx_name_on_a_us_cloud_address_is_a_us_mail_dependency() {
    let dns = server();
    let r = scan(&dns.addr().to_string(), &["selfhosted-aws.test"], &[]);
    let d = &org(&r)["domains"][0];
    assert_eq!(strs(&d["mail_provider"]), ["aws"]);
    let ip = org(&r)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["location"]["name"] == "mx.selfhosted-aws.test.")
        .expect("MX address finding");
    assert_eq!(ip["vendor"], "aws");
    assert_eq!(ip["category"], "email");
    assert_eq!(ip["strength"], "primary");
    assert_eq!(ip["location"]["value"], "3.5.140.10");
    assert_eq!(category_score(&r, "email"), Some(20));
    assert!(rules(&r).contains("aws-cloudfront-cname"));
}

#[test]
fn spf_loops_lookup_limits_and_void_lookups_are_errors() {
    let dns = server();
    let r = scan(
        &dns.addr().to_string(),
        &[
            "spf-trouble.test",
            "many.spf-trouble.test",
            "void.spf-trouble.test",
            "nosuch.m365-gateway.test",
        ],
        &[],
    );
    let e = errors(&r).join("\n");
    assert!(
        e.contains("dns spf-trouble.test: SPF spf-trouble.test.: SPF include loop"),
        "{e}"
    );
    assert!(
        e.contains(
            "dns many.spf-trouble.test: SPF many.spf-trouble.test.: more than 10 DNS lookups"
        ),
        "{e}"
    );
    assert!(
        e.contains(
            "dns void.spf-trouble.test: SPF void.spf-trouble.test.: more than 2 void lookups"
        ),
        "{e}"
    );
    assert!(
        e.contains("dns nosuch.m365-gateway.test: MX nosuch.m365-gateway.test.: NXDOMAIN"),
        "{e}"
    );
    // Every domain is reported, none dropped.
    assert_eq!(org(&r)["domains"].as_array().map(Vec::len), Some(4));
}

#[test]
fn large_answers_fall_back_to_tcp() {
    let dns = server();
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("snap.json");
    let s = snap.to_str().expect("utf-8");
    scan(
        &dns.addr().to_string(),
        &["big.spf-trouble.test"],
        &["--dns-snapshot-out", s],
    );
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&snap).expect("read")).expect("json");
    let txt: usize = snapshot["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .filter(|a| a["name"] == "big.spf-trouble.test." && a["type"] == "TXT")
        .flat_map(|a| a["records"].as_array().cloned().unwrap_or_default())
        .map(|r| r["value"].as_str().map_or(0, str::len))
        .sum();
    assert!(
        txt > 2_900,
        "only {txt} bytes of TXT came back: the TCP retry did not happen"
    );
}

#[test]
fn a_server_that_never_answers_times_out_and_mail_is_not_assessed() {
    let silent = Silent::start();
    let r = scan(
        &silent.addr().to_string(),
        &["m365-gateway.test"],
        &["--dns-timeout", "0.3"],
    );
    let e = errors(&r).join("\n");
    assert!(
        e.contains("dns m365-gateway.test: MX m365-gateway.test.: TIMEOUT"),
        "{e}"
    );
    let na: Vec<&str> = org(&r)["assessed"]["not_assessed"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert!(
        na.contains(&"email"),
        "a dead resolver must not make mail look sovereign: {na:?}"
    );
    assert_eq!(org(&r)["domains"][0]["answered"], false);
}

#[test]
fn servfail_is_an_error_naming_the_domain_and_query() {
    let sf = ServFail::start();
    let r = scan(&sf.addr().to_string(), &["gworkspace.test"], &[]);
    let e = errors(&r).join("\n");
    assert!(
        e.contains("dns gworkspace.test: MX gworkspace.test.: SERVFAIL"),
        "{e}"
    );
}

#[test]
fn a_snapshot_replays_the_audit_byte_for_byte_without_the_network() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("snap.json");
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    let domains = [
        "m365-gateway.test",
        "gworkspace.test",
        "selfhosted-aws.test",
    ];
    {
        let dns = server();
        let mut args = vec![
            "scan",
            "--org",
            "City",
            "--format",
            "json",
            "-o",
            a.to_str().expect("utf-8"),
        ];
        let addr = dns.addr().to_string();
        args.extend([
            "--resolver",
            &addr,
            "--dns-snapshot-out",
            snap.to_str().expect("utf-8"),
        ]);
        for d in domains {
            args.extend(["--domain", d]);
        }
        assert_eq!(sovscan(&args).status.code(), Some(0));
    } // the server is gone now
    let mut args = vec![
        "scan",
        "--org",
        "City",
        "--format",
        "json",
        "-o",
        b.to_str().expect("utf-8"),
    ];
    args.extend(["--dns-snapshot", snap.to_str().expect("utf-8")]);
    for d in domains {
        args.extend(["--domain", d]);
    }
    let out = sovscan(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (ja, jb) = (std::fs::read(&a).expect("a"), std::fs::read(&b).expect("b"));
    assert!(ja.len() > 1000);
    assert!(ja == jb, "the replay differs from the live run");
}

#[test]
fn zone_files_are_read_directly() {
    let zone = fixture("dns/gworkspace.test.zone");
    let out = sovscan(&[
        "scan",
        "--domain",
        "gworkspace.test",
        "--zone",
        zone.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let r: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(strs(&org(&r)["domains"][0]["mail_provider"]), ["google"]);
    // A broken zone file stops the run with a hint.
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.zone");
    std::fs::write(&bad, "$ORIGIN x.test.\n@ IN MX not-a-number\n").expect("write");
    let out = sovscan(&[
        "scan",
        "--domain",
        "x.test",
        "--zone",
        bad.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hint:"));
}

#[test]
fn audit_scans_the_domains_of_each_organisation_and_a_domains_csv_names_organisations() {
    let dns = server();
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("sovscan.toml");
    std::fs::write(
        &cfg,
        "[[org]]\nname = \"Gateway City\"\ndomains = [\"m365-gateway.test\"]\n\n[[org]]\nname = \"EU Village\"\ndomains = [\"selfhosted-eu.test\"]\n",
    )
    .expect("write");
    let addr = dns.addr().to_string();
    let out = sovscan(&[
        "audit",
        "--config",
        cfg.to_str().expect("utf-8"),
        "--resolver",
        &addr,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let ranking = text.split("\n\n").next().unwrap_or("");
    let eu = ranking.find("EU Village").expect("EU Village ranked");
    let gw = ranking.find("Gateway City").expect("Gateway City ranked");
    assert!(eu < gw, "{ranking}");

    let csv = dir.path().join("domains.csv");
    std::fs::write(
        &csv,
        "org,domain\nGateway City,m365-gateway.test\nGoogle Town,gworkspace.test\n",
    )
    .expect("write");
    let r = scan(
        &addr,
        &[],
        &["--domains-file", csv.to_str().expect("utf-8")],
    );
    let names: Vec<&str> = r["organisations"]
        .as_array()
        .expect("orgs")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert_eq!(names, ["Gateway City", "Google Town"]);
}

/// A live backend asking only `addr`, without recursion, keeping no answers.
fn live(addr: std::net::SocketAddr, timeout: Duration) -> Backend {
    live_servers(vec![addr], timeout)
}

/// A live backend asking `servers` in turn.
fn live_servers(servers: Vec<std::net::SocketAddr>, timeout: Duration) -> Backend {
    Backend::live(&LiveOptions {
        servers,
        timeout,
        attempts: 2,
        recursion: false,
    })
    .expect("live backend")
    .keep_all(false)
}

fn txt(answer: &Answer) -> Vec<&str> {
    answer.values("TXT").collect()
}

#[tokio::test]
async fn concurrent_queries_on_shared_sockets_get_their_own_answers_despite_decoys() {
    let decoy = Decoy::start();
    let dns = live(decoy.addr(), Duration::from_secs(2));
    let names: Vec<String> = (0..600).map(|i| format!("q{i}.Decoy.test.")).collect();
    let answers =
        futures_util::future::join_all(names.iter().map(|n| dns.query_own(n, "TXT"))).await;
    for (name, answer) in names.iter().zip(&answers) {
        assert_eq!(answer.status, Status::NoError, "{name}: {answer:?}");
        let expected = format!("answer for {}", name.to_lowercase());
        assert_eq!(txt(answer), [expected.as_str()], "{name}");
    }
    assert_eq!(dns.queries(), 600);
    assert_eq!(decoy.tcp_queries(), 0);
}

#[tokio::test]
async fn a_truncated_udp_answer_is_asked_again_over_tcp_and_a_lost_one_again_over_udp() {
    let decoy = Decoy::start();
    let dns = live(decoy.addr(), Duration::from_millis(300));
    let (big, lost) = tokio::join!(
        dns.query_own("big.decoy.test", "TXT"),
        dns.query_own("drop-once.decoy.test", "TXT"),
    );
    assert_eq!(big.status, Status::NoError, "{big:?}");
    let text = txt(&big).concat();
    assert_eq!(text.len(), 12 * 200, "the TCP answer was not used: {big:?}");
    assert!(text.starts_with("00x") && text.contains("11x"), "{text}");
    assert_eq!(decoy.tcp_queries(), 1);
    assert_eq!(
        txt(&lost),
        ["answer for drop-once.decoy.test."],
        "no second try after the timeout: {lost:?}"
    );
}

#[tokio::test]
async fn a_silent_or_failing_server_gives_way_to_the_next_one() {
    let (silent, servfail, decoy) = (Silent::start(), ServFail::start(), Decoy::start());
    let timeout = Duration::from_millis(200);
    let dns = live_servers(vec![silent.addr(), servfail.addr(), decoy.addr()], timeout);
    let started = std::time::Instant::now();
    let answer = dns.query_own("next.decoy.test.", "TXT").await;
    assert_eq!(txt(&answer), ["answer for next.decoy.test."], "{answer:?}");
    // One timeout (the silent server), not two tries of it.
    assert!(
        started.elapsed() < Duration::from_millis(390),
        "{:?}",
        started.elapsed()
    );
    // Alone, the failing server's answer is the verdict; the silent one times out.
    let answer = live(servfail.addr(), timeout)
        .query_own("x.test.", "MX")
        .await;
    assert_eq!(answer.status, Status::ServFail, "{answer:?}");
    let answer = live(silent.addr(), timeout)
        .query_own("x.test.", "MX")
        .await;
    assert_eq!(answer.status, Status::Timeout, "{answer:?}");
}
