//! Binaries and archives end to end: real ELF files built with gcc, archives built here with
//! the zip, tar and flate2 crates (and dpkg-deb), the committed PE, .NET, Java and Go fixtures
//! of fixtures/binaries, and every archive limit.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use common::{error_pairs, fixture, scan_json};
use serde_json::Value;

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("run build tool");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Builds `libaws-cpp-sdk-sqs.so` and an executable linked to it, embedding endpoint strings in
/// ASCII and (with 16-bit wchar_t) UTF-16LE. Returns the executable's path.
fn build_elf(dir: &Path) -> std::path::PathBuf {
    fs::write(
        dir.join("sqs.c"),
        "int aws_sqs_send(const char *q) { return q[0]; }\n",
    )
    .expect("write");
    fs::write(
        dir.join("main.c"),
        r#"#include <stdio.h>
#include <wchar.h>
int aws_sqs_send(const char *q);
static const char *hosts[] = {"https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", "https://api.openai.com/v1/responses"};
static const wchar_t *wide = L"https://login.microsoftonline.com/common/oauth2/v2.0/token";
int main(int argc, char **argv) { (void)argv; puts(hosts[argc % 2]); printf("%d\n", (int)wide[argc]); return aws_sqs_send(hosts[0]); }
"#,
    )
    .expect("write");
    run(Command::new("gcc")
        .current_dir(dir)
        .args(["-shared", "-fPIC", "-o", "libaws-cpp-sdk-sqs.so", "sqs.c"])
        .arg("-Wl,-soname,libaws-cpp-sdk-sqs.so"));
    run(Command::new("gcc").current_dir(dir).args([
        "-fshort-wchar",
        "-o",
        "uploader",
        "main.c",
        "-L.",
        "-laws-cpp-sdk-sqs",
    ]));
    dir.join("uploader")
}

fn findings(report: &Value) -> &Vec<Value> {
    report["organisations"][0]["findings"]
        .as_array()
        .expect("findings")
}

/// (rule, strength, location path, feature) of every binary finding, sorted.
fn binary_hits(report: &Value) -> Vec<(String, String, String, String)> {
    let mut v: Vec<_> = findings(report)
        .iter()
        .filter(|f| f["location"]["kind"] == "binary")
        .map(|f| {
            (
                f["rule"].as_str().expect("rule").to_owned(),
                f["strength"].as_str().expect("strength").to_owned(),
                f["location"]["path"].as_str().expect("path").to_owned(),
                f["location"]["feature"]
                    .as_str()
                    .expect("feature")
                    .to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}

fn vendors(report: &Value) -> Vec<String> {
    common::finding_values(report, "vendor")
}

fn only(dir: &Path, keep: &[&str]) {
    for e in fs::read_dir(dir).expect("read dir") {
        let p = e.expect("entry").path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !keep.contains(&name) {
            fs::remove_file(&p).expect("remove");
        }
    }
}

#[test]
fn elf_libraries_and_ascii_and_utf16_endpoints() {
    let dir = tempfile::tempdir().expect("tempdir");
    build_elf(dir.path());
    only(dir.path(), &["uploader"]);
    let report = scan_json(dir.path(), &[]);
    assert_eq!(vendors(&report), ["aws", "microsoft", "openai"]);
    assert_eq!(
        binary_hits(&report),
        [
            (
                "aws-binary-sdk-service".into(),
                "used".into(),
                "uploader".into(),
                "library".into()
            ),
            (
                "aws-endpoint-hostname".into(),
                "used".into(),
                "uploader".into(),
                "string".into()
            ),
            (
                "entra-id-login-endpoint".into(),
                "used".into(),
                "uploader".into(),
                "string".into()
            ),
            (
                "openai-api-endpoint".into(),
                "used".into(),
                "uploader".into(),
                "string".into()
            ),
        ]
    );
    let stats = &report["stats"];
    assert_eq!(stats["binaries_scanned"], 1);
    assert_eq!(stats["files_scanned"], 0);
}

#[test]
fn rust_auditable_section_names_crates() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("m.c"), "int main(void) { return 0; }\n").expect("write");
    run(Command::new("gcc")
        .current_dir(dir.path())
        .args(["-o", "app", "m.c"]));
    let json = br#"{"packages":[{"name":"app","version":"0.1.0","source":"local","root":true},{"name":"aws-sdk-dynamodb","version":"1.50.0","source":"crates.io"},{"name":"cc","version":"1.2.0","source":"crates.io","kind":"build"}]}"#;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(json).expect("compress");
    fs::write(dir.path().join("deps.z"), z.finish().expect("compress")).expect("write");
    run(Command::new("objcopy").current_dir(dir.path()).args([
        "--add-section",
        ".dep-v0=deps.z",
        "app",
        "app-audited",
    ]));
    only(dir.path(), &["app-audited"]);
    let report = scan_json(dir.path(), &[]);
    assert_eq!(
        binary_hits(&report),
        [(
            "aws-binary-sdk-service".into(),
            "used".into(),
            "app-audited".into(),
            "module".into()
        )]
    );
}

#[test]
fn a_binary_reaching_many_storage_backends_is_a_capability() {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("backup.c"),
        r#"#include <stdio.h>
static const char *backends[] = {"s3.amazonaws.com", "%s.blob.core.windows.net", "s3.%s.backblazeb2.com", "s3.fr-par.scw.cloud"};
int main(int argc, char **argv) { (void)argv; puts(backends[argc % 4]); return 0; }
"#,
    )
    .expect("write");
    run(Command::new("gcc")
        .current_dir(dir.path())
        .args(["-o", "backup", "backup.c"]));
    only(dir.path(), &["backup"]);
    let report = scan_json(dir.path(), &[]);
    assert_eq!(
        vendors(&report),
        ["aws", "backblaze", "microsoft", "scaleway"]
    );
    for f in findings(&report) {
        assert_eq!(f["strength"], "present", "{f}");
        assert!(
            f["evidence"]
                .as_str()
                .expect("evidence")
                .contains("capability"),
            "{f}"
        );
    }
}

#[test]
fn bare_host_names_in_binaries_are_mentions() {
    // A list of domain names (as libpsl embeds the public suffix list): no URL, no call.
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("suffixes.c"),
        r#"#include <stdio.h>
static const char *suffixes[] = {"us-west-1.eb.amazonaws.com", "blogspot.com", "github.io"};
int main(int argc, char **argv) { (void)argv; puts(suffixes[argc % 3]); return 0; }
"#,
    )
    .expect("write");
    run(Command::new("gcc")
        .current_dir(dir.path())
        .args(["-o", "suffixes", "suffixes.c"]));
    only(dir.path(), &["suffixes"]);
    let report = scan_json(dir.path(), &[]);
    assert_eq!(
        binary_hits(&report),
        [(
            "aws-endpoint-hostname".into(),
            "present".into(),
            "suffixes".into(),
            "string".into()
        )]
    );
}

/// A thin Mach-O with one LC_LOAD_DYLIB, written byte by byte (no Mach-O linker on Debian).
fn macho_thin(dylib: &str) -> Vec<u8> {
    let mut name = dylib.as_bytes().to_vec();
    name.push(0);
    while !(24 + name.len()).is_multiple_of(8) {
        name.push(0);
    }
    let cmdsize = 24 + name.len() as u32;
    let mut b = Vec::new();
    for v in [0xfeed_facf_u32, 0x0100_0007, 3, 2, 1, cmdsize, 0, 0] {
        b.extend(v.to_le_bytes()); // header: magic, x86_64, subtype, MH_EXECUTE, 1 command
    }
    for v in [0xc_u32, cmdsize, 24, 2, 0x1_0000, 0x1_0000] {
        b.extend(v.to_le_bytes()); // LC_LOAD_DYLIB: name at offset 24, timestamp, versions
    }
    b.extend(name);
    b
}

#[test]
fn macho_thin_and_fat_dylibs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let thin = macho_thin("@rpath/libaws-cpp-sdk-sqs.dylib");
    fs::write(dir.path().join("thin"), &thin).expect("write");
    // Fat: one x86_64 slice at offset 4096.
    let slice = macho_thin("/opt/oracle/instantclient/libclntsh.so.21.1");
    let mut fat = Vec::new();
    for v in [
        0xcafe_babe_u32,
        1,
        0x0100_0007,
        3,
        4096,
        slice.len() as u32,
        12,
    ] {
        fat.extend(v.to_be_bytes());
    }
    fat.resize(4096, 0);
    fat.extend(slice);
    fs::write(dir.path().join("fat"), &fat).expect("write");
    let report = scan_json(dir.path(), &[]);
    assert_eq!(
        binary_hits(&report),
        [
            (
                "aws-binary-sdk-service".into(),
                "used".into(),
                "thin".into(),
                "library".into()
            ),
            (
                "oracle-client-library-binary".into(),
                "used".into(),
                "fat".into(),
                "library".into()
            ),
        ]
    );
}

fn zip_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        w.start_file(*name, opts).expect("zip entry");
        w.write_all(data).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

fn tar_gz_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut t = tar::Builder::new(gz);
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o755);
        h.set_cksum();
        t.append_data(&mut h, name, *data).expect("tar entry");
    }
    t.into_inner().expect("tar").finish().expect("gzip")
}

#[test]
fn nested_archives_report_evidence_paths_through_every_level() {
    let dir = tempfile::tempdir().expect("tempdir");
    let elf = fs::read(build_elf(dir.path())).expect("read elf");
    only(dir.path(), &[]);
    let whl = zip_bytes(&[
        ("acme/_native.so", &elf),
        (
            "acme-1.0.dist-info/METADATA",
            b"Name: acme\nHome-page: https://acme.s3.amazonaws.com/\n",
        ),
    ]);
    fs::write(dir.path().join("acme-1.0-py3-none-any.whl"), &whl).expect("write");
    let tgz = tar_gz_bytes(&[
        ("bundle/wheels/acme.whl", &whl),
        ("bundle/run.sh", b"#!/bin/sh\n"),
    ]);
    let outer = zip_bytes(&[("delivery/bundle.tar.gz", &tgz)]);
    fs::write(dir.path().join("delivery.zip"), &outer).expect("write");
    let report = scan_json(dir.path(), &[]);
    let paths: Vec<String> = binary_hits(&report).into_iter().map(|h| h.2).collect();
    assert!(
        paths.contains(&"acme-1.0-py3-none-any.whl!/acme/_native.so".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(
            &"delivery.zip!/delivery/bundle.tar.gz!/bundle/wheels/acme.whl!/acme/_native.so"
                .to_owned()
        ),
        "{paths:?}"
    );
    // Text inside an archive is the packager's: a mention at most.
    let meta = findings(&report)
        .iter()
        .find(|f| f["location"]["path"] == "acme-1.0-py3-none-any.whl!/acme-1.0.dist-info/METADATA")
        .expect("METADATA finding");
    assert_eq!(meta["strength"], "present");
    assert!(error_pairs(&report).is_empty(), "{:?}", report["errors"]);
    // The wheel, the outer zip, the tarball and the wheel inside it.
    assert_eq!(report["stats"]["archives_scanned"], 4);
}

#[test]
fn debian_package_members_are_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let elf = fs::read(build_elf(dir.path())).expect("read elf");
    only(dir.path(), &[]);
    let pkg = dir.path().join("pkg");
    fs::create_dir_all(pkg.join("DEBIAN")).expect("mkdir");
    fs::create_dir_all(pkg.join("usr/bin")).expect("mkdir");
    fs::write(
        pkg.join("DEBIAN/control"),
        "Package: uploader\nVersion: 1.0\nArchitecture: amd64\nMaintainer: Nordlicht <ops@example.eu>\nDescription: test\n",
    )
    .expect("write");
    fs::write(pkg.join("usr/bin/uploader"), &elf).expect("write");
    let out_dir = tempfile::tempdir().expect("tempdir");
    let deb = out_dir.path().join("uploader_1.0_amd64.deb");
    run(Command::new("dpkg-deb")
        .args(["--root-owner-group", "-Zxz", "--build"])
        .arg(&pkg)
        .arg(&deb));
    let report = scan_json(out_dir.path(), &[]);
    let paths: Vec<String> = binary_hits(&report).into_iter().map(|h| h.2).collect();
    assert!(
        paths
            .iter()
            .all(|p| p == "uploader_1.0_amd64.deb!/data.tar.xz!/usr/bin/uploader"),
        "{paths:?}"
    );
    assert_eq!(vendors(&report), ["aws", "microsoft", "openai"]);
}

#[test]
fn corrupt_and_truncated_inputs_become_errors_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let elf = fs::read(build_elf(dir.path())).expect("read elf");
    only(dir.path(), &["uploader"]);
    fs::write(dir.path().join("truncated.so"), &elf[..200]).expect("write");
    let mut zip = zip_bytes(&[("a.txt", b"hello"), ("b.so", &elf)]);
    let n = zip.len();
    zip.truncate(n - 30); // cut into the central directory
    fs::write(dir.path().join("broken.zip"), &zip).expect("write");
    let tgz = tar_gz_bytes(&[("x/lib.so", &elf)]);
    fs::write(dir.path().join("short.tar.gz"), &tgz[..tgz.len() / 2]).expect("write");
    let report = scan_json(dir.path(), &[]);
    let errors = error_pairs(&report);
    for (kind, path) in [
        ("malformed", "truncated.so"),
        ("malformed", "broken.zip"),
        // The stream ends inside the member, so the error names the member.
        ("malformed", "short.tar.gz!/x/lib.so"),
    ] {
        assert!(errors.contains(&(kind.into(), path.into())), "{errors:?}");
    }
    // The good binary beside them is still reported.
    assert!(binary_hits(&report).iter().any(|h| h.2 == "uploader"));
}

fn limit_errors(report: &Value) -> Vec<(String, String)> {
    error_pairs(report)
        .into_iter()
        .filter(|(k, _)| k == "limit")
        .collect()
}

#[test]
fn zip_bomb_entries_are_skipped_and_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let zeros = vec![0u8; 64 << 20];
    let bomb = zip_bytes(&[
        ("zeros.bin", &zeros),
        ("conf/app.env", b"S3=https://x.s3.amazonaws.com\n"),
    ]);
    assert!(
        bomb.len() < 200_000,
        "deflate squeezes 64 MiB of zeros to {} bytes",
        bomb.len()
    );
    fs::write(dir.path().join("bomb.zip"), &bomb).expect("write");
    let gz_bomb = {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&zeros).expect("gzip");
        gz.finish().expect("gzip")
    };
    fs::write(dir.path().join("zeros.gz"), &gz_bomb).expect("write");
    let report = scan_json(dir.path(), &[]);
    let limits = limit_errors(&report);
    assert_eq!(
        limits,
        [
            ("limit".into(), "bomb.zip!/zeros.bin".into()),
            ("limit".into(), "zeros.gz!/zeros".into()),
        ]
    );
    // The harmless member of the bomb zip is still read.
    assert!(
        findings(&report)
            .iter()
            .any(|f| f["location"]["path"] == "bomb.zip!/conf/app.env")
    );
}

#[test]
fn depth_entry_and_size_limits_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inner = zip_bytes(&[("deep/app.env", b"S3=https://x.s3.amazonaws.com\n")]);
    let middle = zip_bytes(&[("inner.zip", &inner)]);
    let outer = zip_bytes(&[("middle.zip", &middle)]);
    fs::write(dir.path().join("nested.zip"), &outer).expect("write");
    let report = scan_json(dir.path(), &["--max-archive-depth", "2"]);
    assert_eq!(
        limit_errors(&report),
        [("limit".into(), "nested.zip!/middle.zip!/inner.zip".into())]
    );
    assert!(findings(&report).is_empty());
    let report = scan_json(dir.path(), &["--max-archive-depth", "3"]);
    assert!(limit_errors(&report).is_empty());
    assert_eq!(findings(&report).len(), 1);

    let many: Vec<(String, Vec<u8>)> = (0..20)
        .map(|i| (format!("f{i:02}.txt"), b"x".to_vec()))
        .collect();
    let refs: Vec<(&str, &[u8])> = many
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let dir2 = tempfile::tempdir().expect("tempdir");
    fs::write(dir2.path().join("many.zip"), zip_bytes(&refs)).expect("write");
    let report = scan_json(dir2.path(), &["--max-archive-entries", "5"]);
    assert_eq!(
        limit_errors(&report),
        [("limit".into(), "many.zip!/f05.txt".into())]
    );
    assert_eq!(report["stats"]["archive_members"], 5);
    let report = scan_json(dir2.path(), &["--max-archive-bytes", "10"]);
    assert_eq!(
        limit_errors(&report),
        [("limit".into(), "many.zip!/f10.txt".into())]
    );
}

/// Copies committed fixtures into a fresh directory (outside `fixtures/`, whose findings are
/// capped as test data) under their file names.
fn copy_fixtures(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for rel in names {
        let src = fixture(&format!("binaries/{rel}"));
        let name = Path::new(rel).file_name().expect("file name");
        fs::copy(&src, dir.path().join(name)).expect("copy fixture");
    }
    dir
}

fn evidence_of<'a>(report: &'a Value, rule: &str) -> Vec<&'a str> {
    findings(report)
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["evidence"].as_str().expect("evidence"))
        .collect()
}

#[test]
fn signed_pe_with_version_info_delay_imports_and_strings() {
    let dir = copy_fixtures(&["pe/nordlicht-agent.exe"]);
    let pack = fixture("rules/binary-publisher");
    let report = scan_json(dir.path(), &["--rules", pack.to_str().expect("utf-8")]);
    let exe = "nordlicht-agent.exe".to_owned();
    assert_eq!(vendors(&report), ["aws", "microsoft", "nordlicht"]);
    assert_eq!(
        binary_hits(&report),
        [
            (
                "aws-endpoint-hostname".into(),
                "used".into(),
                exe.clone(),
                "string".into()
            ),
            (
                "entra-id-login-endpoint".into(),
                "used".into(),
                exe.clone(),
                "string".into()
            ),
            // The vendor's own product, signed by the vendor: the organisation runs it.
            (
                "nordlicht-agent-product".into(),
                "primary".into(),
                exe.clone(),
                "product".into()
            ),
            (
                "nordlicht-publisher".into(),
                "used".into(),
                exe,
                "signer".into()
            ),
        ]
    );
    // The Authenticode subject as Windows shows it (last RDN first: make.sh's openssl -subj
    // stored CN first, so C comes first here), then the VERSIONINFO company, then the issuer
    // (self-signed here).
    assert_eq!(
        evidence_of(&report, "nordlicht-publisher"),
        [
            "signer: C=DE, L=Kiel, O=Nordlicht Software GmbH, CN=Nordlicht Software GmbH (+1 more: Nordlicht Software GmbH) [issued by C=DE, L=Kiel, O=Nordlicht Software GmbH, CN=Nordlicht Software GmbH]"
        ]
    );
    assert_eq!(
        evidence_of(&report, "entra-id-login-endpoint"),
        // The match, with its scheme: the path after the host is not part of the fingerprint.
        ["string: https://login.microsoftonline.com"]
    );
    assert!(error_pairs(&report).is_empty(), "{:?}", report["errors"]);
}

#[test]
fn pe_delay_imports_are_libraries() {
    // No built-in rule names crypt32.dll: a user pack can, and the delay import must reach it.
    let dir = copy_fixtures(&["pe/nordlicht-agent.exe"]);
    let pack = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(pack.path().join("vendors")).expect("mkdir");
    let text = fs::read_to_string(fixture("rules/binary-publisher/vendors/nordlicht.toml"))
        .expect("read pack")
        .replace(
            "features = [\"product\"]\nregex = '^Nordlicht Agent$'",
            "features = [\"library\"]\nregex = '(?i)^crypt32\\.dll$'",
        )
        .replace(
            "match = ['Nordlicht Agent']",
            "match = ['crypt32.dll', 'CRYPT32.DLL']",
        )
        .replace(
            "no_match = ['Nordlicht Agent Helper', 'Nordlicht sync agent']",
            "no_match = ['crypt32.dll.bak', 'kernel32.dll']",
        );
    fs::write(pack.path().join("vendors/nordlicht.toml"), text).expect("write pack");
    let report = scan_json(
        dir.path(),
        &["--rules", pack.path().to_str().expect("utf-8")],
    );
    assert_eq!(
        evidence_of(&report, "nordlicht-agent-product"),
        ["library: crypt32.dll"]
    );
}

#[test]
fn dotnet_assembly_references() {
    let dir = copy_fixtures(&["dotnet/Uploader.exe"]);
    let report = scan_json(dir.path(), &[]);
    assert_eq!(vendors(&report), ["aws", "microsoft"]);
    assert_eq!(
        evidence_of(&report, "aws-binary-sdk-core"),
        ["package: AWSSDK.Core (+1 more: AWSSDK.S3)"]
    );
    assert_eq!(
        evidence_of(&report, "azure-binary-sdk"),
        ["package: Azure.Storage.Blobs"]
    );
}

#[test]
fn go_build_info_modules() {
    let dir = copy_fixtures(&["go/uploader"]);
    let report = scan_json(dir.path(), &[]);
    assert_eq!(
        binary_hits(&report),
        [(
            "aws-binary-sdk-core".into(),
            "present".into(),
            "uploader".into(),
            "module".into()
        )]
    );
    assert_eq!(
        evidence_of(&report, "aws-binary-sdk-core"),
        ["module: github.com/aws/aws-sdk-go-v2/service/s3"]
    );
}

#[test]
fn jar_classes_are_judged_as_one_unit() {
    let class = fs::read(fixture("binaries/java/Upload.class")).expect("read class");
    let dir = tempfile::tempdir().expect("tempdir");
    let jar = zip_bytes(&[
        ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n"),
        ("eu/nordlicht/upload/Upload.class", &class),
        ("eu/nordlicht/upload/Copy.class", &class),
    ]);
    let war = zip_bytes(&[("WEB-INF/lib/upload.jar", &jar)]);
    fs::write(dir.path().join("app.war"), &war).expect("write");
    let report = scan_json(dir.path(), &[]);
    assert_eq!(vendors(&report), ["aws", "google"]);
    // Values are gathered in archive order; the first class that names a package is the evidence.
    let jar_path = "app.war!/WEB-INF/lib/upload.jar!/eu/nordlicht/upload/Upload.class".to_owned();
    assert_eq!(
        binary_hits(&report),
        [
            (
                "aws-binary-sdk-core".into(),
                "present".into(),
                jar_path.clone(),
                "package".into()
            ),
            (
                "google-binary-sdk".into(),
                "used".into(),
                jar_path.clone(),
                "package".into()
            ),
            (
                "google-cloud-endpoint-hostname".into(),
                "used".into(),
                jar_path,
                "string".into()
            ),
        ]
    );
}

#[test]
fn fuzzing_regressions_are_reported_not_fatal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut n = 0;
    for e in fs::read_dir(fixture("binaries/fuzz-regressions")).expect("read dir") {
        let p = e.expect("entry").path();
        let bytes = fs::read(&p).expect("read");
        // Each input is scanned as the format sovscan would sniff, and as a Mach-O file.
        let name = p.file_name().expect("name").to_owned();
        fs::write(dir.path().join(&name), &bytes).expect("write");
        let mut macho = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 1];
        macho.extend(&bytes);
        fs::write(dir.path().join(name).with_extension("macho"), macho).expect("write");
        n += 1;
    }
    assert!(n > 0);
    let report = scan_json(dir.path(), &[]);
    assert!(findings(&report).is_empty());
}

#[test]
fn fat_header_claiming_millions_of_slices_is_malformed() {
    let bytes = fs::read(fixture("binaries/fuzz-regressions/fat-slice-count.bin")).expect("read");
    let rules = sovscan::RuleSet::builtin().expect("rules");
    let err = sovscan::scan::binary::extract(&rules, sovscan::scan::binary::Format::MachO, &bytes)
        .expect_err("malformed");
    assert!(err.contains("Mach-O"), "{err}");
}
