//! The HTML report in a real browser. Headless Chromium loads the report of a scan whose
//! evidence carries a script and the report of a two-organisation audit; each must show the
//! script as text, log nothing to the console and paint a page that is not blank.
//!
//! Needs Debian's `chromium` on PATH. Without it the browser checks are skipped with a message,
//! unless SOVSCAN_REQUIRE_BROWSER is set (CI), where the test fails instead. Chromium runs with
//! its background services off and every host name resolving to nothing, so it never leaves
//! the machine.

mod common;

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{fixture, sovscan};

/// A configuration line the aws-endpoint-hostname rule matches, with a script after the host.
const HOSTILE_LINE: &str = r#"endpoint = "https://x.s3.amazonaws.com" <script>document.title="PWNED";document.body.setAttribute("data-pwned","1")</script>"#;

/// How long one Chromium run may take.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(90);

#[test]
fn scan_report_shows_a_hostile_line_as_text_in_a_browser() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = write_project(dir.path());
    let report = dir.path().join("report.html");
    let zones = ["dns/gworkspace.test.zone", "dns/_spf.google.com.zone"].map(fixture);
    let args = [
        "scan",
        path_str(&project),
        "--domain",
        "gworkspace.test",
        "--zone",
        path_str(&zones[0]),
        "--zone",
        path_str(&zones[1]),
        "--fail-under",
        "10",
        "--format",
        "html",
        "-o",
        path_str(&report),
    ];
    run_sovscan(&args, 0);
    let html = std::fs::read_to_string(&report).expect("read the report");
    assert!(
        html.contains("&lt;script&gt;document.title=&quot;PWNED&quot;"),
        "the hostile line is not in the report, escaped"
    );
    assert!(
        !html.contains("<script"),
        "the report contains a script element"
    );

    let Some(browser) = Browser::find(dir.path()) else {
        return;
    };
    browser.assert_console_is_captured();
    let (dom, log) = browser.dump_dom(&report);
    assert_no_console_messages(&log);
    assert_eq!(
        title(&dom),
        "Digital sovereignty report: project",
        "the title was changed"
    );
    let body = start_tag(&dom, "<body");
    assert!(!body.contains("data-pwned"), "the script ran: {body}");
    assert!(!dom.contains("<script"), "a script element is in the DOM");
    assert!(
        dom.contains(r#"&lt;script&gt;document.title="PWNED";"#),
        "the hostile line is not shown as text"
    );
    assert_eq!(dom.matches("<article").count(), 1);
    assert!(
        dom.contains("gworkspace.test"),
        "the domain table is missing"
    );
    assert!(
        dom.contains("<tr class=\"suppressed\">") && dom.contains("): builds of public code only"),
        "the suppressed finding is not marked"
    );
    assert!(dom.contains("CI gate passed"));

    let shot = browser.screenshot(&report, "scan");
    assert_painted(&shot, "sovscan-html-shot.png");
}

#[test]
fn audit_report_compares_two_organisations_in_a_browser() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("audit.html");
    let config = fixture("configs/two-cities.toml");
    let args = [
        "audit",
        "--config",
        path_str(&config),
        "--fail-under",
        "50",
        "--format",
        "html",
        "-o",
        path_str(&report),
    ];
    run_sovscan(&args, 1);
    let html = std::fs::read_to_string(&report).expect("read the report");
    assert!(html.contains("<h2 id=\"comparison\">Comparison</h2>"));

    let Some(browser) = Browser::find(dir.path()) else {
        return;
    };
    let (dom, log) = browser.dump_dom(&report);
    assert_no_console_messages(&log);
    assert_eq!(title(&dom), "Digital sovereignty report: 2 organisations");
    assert_eq!(dom.matches("<article").count(), 2);
    for name in ["AWS Town", "EU Village"] {
        assert!(dom.contains(name), "{name} is missing");
    }
    assert!(dom.contains("CI gate failed"));
    let shot = browser.screenshot(&report, "audit");
    assert_painted(&shot, "sovscan-html-audit.png");
}

/// A small project: the hostile line, Terraform for AWS and OVHcloud, a GitHub workflow with a
/// suppressed finding and a web page with an analytics tag (itself a script, in evidence).
fn write_project(dir: &Path) -> PathBuf {
    let project = dir.join("project");
    let files = [
        ("config/storage.conf", format!("{HOSTILE_LINE}\n")),
        (
            "infra/main.tf",
            "provider \"aws\" {\n  region = \"eu-central-1\"\n}\n".to_owned(),
        ),
        (
            "infra/ovh.tf",
            "provider \"ovh\" {\n  endpoint = \"ovh-eu\"\n}\n".to_owned(),
        ),
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  build:\n    # sovscan:ignore github-actions-hosted-runner builds of \
             public code only\n    runs-on: ubuntu-latest\n"
                .to_owned(),
        ),
        (
            "web/index.html",
            "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-TEST1\"></script>\n"
                .to_owned(),
        ),
    ];
    for (rel, text) in files {
        let path = project.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    project
}

/// Runs sovscan and checks its exit status (1: the gate failed).
fn run_sovscan(args: &[&str], status: i32) {
    let out = sovscan(args);
    assert_eq!(
        out.status.code(),
        Some(status),
        "sovscan {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// Headless Chromium with a throw-away profile in the test's directory.
struct Browser {
    exe: PathBuf,
    dir: PathBuf,
    /// Run inside `unshare --net` (no network but loopback).
    isolated: bool,
}

impl Browser {
    /// Chromium from PATH; `None` (the browser checks are skipped) when it is missing and
    /// SOVSCAN_REQUIRE_BROWSER is unset.
    fn find(dir: &Path) -> Option<Self> {
        let exe = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("chromium"))
                .find(|c| c.is_file())
        });
        let Some(exe) = exe else {
            assert!(
                std::env::var_os("SOVSCAN_REQUIRE_BROWSER").is_none(),
                "SOVSCAN_REQUIRE_BROWSER is set but `chromium` is not on PATH \
                 (apt-get install chromium)"
            );
            skip("`chromium` is not on PATH (apt-get install chromium)");
            return None;
        };
        // Where the kernel allows it, Chromium runs in a network namespace of its own with no
        // interface but loopback: nothing it does can reach another host.
        let isolated = Command::new("unshare")
            .args(["--net", "--map-root-user", "true"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        Some(Self {
            exe,
            dir: dir.to_owned(),
            isolated,
        })
    }

    /// Runs Chromium on `page` with `extra` flags; returns its standard output and error.
    fn run(&self, name: &str, extra: &[String], page: &Path) -> (String, String) {
        let (stdout, stderr) = (
            self.dir.join(format!("{name}.out")),
            self.dir.join(format!("{name}.err")),
        );
        let mut command = if self.isolated {
            let mut c = Command::new("unshare");
            c.args(["--net", "--map-root-user"]).arg(&self.exe);
            c
        } else {
            Command::new(&self.exe)
        };
        let mut child = command
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--disable-domain-reliability",
                "--disable-breakpad",
                "--no-pings",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--hide-scrollbars",
            ])
            .arg(format!(
                "--user-data-dir={}",
                self.dir.join("profile").display()
            ))
            .args(extra)
            .arg(file_url(page))
            .stdin(Stdio::null())
            .stdout(File::create(&stdout).expect("create stdout file"))
            .stderr(File::create(&stderr).expect("create stderr file"))
            .spawn()
            .expect("start chromium");
        let deadline = Instant::now() + BROWSER_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for chromium") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "chromium took more than {BROWSER_TIMEOUT:?} on {}",
                    page.display()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let read =
            |p: &Path| String::from_utf8_lossy(&std::fs::read(p).expect("read")).into_owned();
        let (out, err) = (read(&stdout), read(&stderr));
        assert!(status.success(), "chromium failed ({status}):\n{err}");
        (out, err)
    }

    /// The DOM after loading `page`, and the browser's log with console messages in it.
    fn dump_dom(&self, page: &Path) -> (String, String) {
        let flags = ["--enable-logging=stderr", "--dump-dom"].map(String::from);
        self.run("dom", &flags, page)
    }

    /// A 1280×2000 screenshot of `page`.
    fn screenshot(&self, page: &Path, name: &str) -> PathBuf {
        let shot = self.dir.join(format!("{name}.png"));
        let flags = [
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_owned(),
        ];
        self.run("shot", &flags, page);
        assert!(shot.is_file(), "no screenshot at {}", shot.display());
        shot
    }

    /// Checks that a console message does reach the log this Chromium writes, so that an
    /// empty log means a quiet page rather than a changed log format.
    fn assert_console_is_captured(&self) {
        let page = self.dir.join("canary.html");
        std::fs::write(
            &page,
            "<!DOCTYPE html><title>canary</title><script>console.error(\"sovscan-canary\")</script>",
        )
        .expect("write canary");
        let (_, log) = self.dump_dom(&page);
        assert!(
            console_lines(&log).any(|l| l.contains("sovscan-canary")),
            "chromium's log does not show console messages; the console check would see nothing:\n{log}"
        );
    }
}

/// Console messages in Chromium's log: `[pid:tid:time:INFO:CONSOLE:line] "message", source: ...`
/// (Chromium 156 logs every level as INFO) and uncaught exceptions.
fn console_lines(log: &str) -> impl Iterator<Item = &str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
}

/// The report has no script, so any console message (an error, a blocked load, a CSP
/// violation) is a fault.
fn assert_no_console_messages(log: &str) {
    let lines: Vec<&str> = console_lines(log).collect();
    assert!(lines.is_empty(), "console messages:\n{}", lines.join("\n"));
}

/// `file://` URL of an absolute path, percent-encoding what a URL path cannot hold.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for b in path_str(path).bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// The text of the first `<title>` element.
fn title(dom: &str) -> &str {
    let start = dom.find("<title>").expect("a <title>") + "<title>".len();
    let end = dom[start..].find("</title>").expect("</title>");
    &dom[start..start + end]
}

/// The first start tag beginning with `open` (`<body ...>`).
fn start_tag<'a>(dom: &'a str, open: &str) -> &'a str {
    let start = dom.find(open).expect("the tag");
    let end = dom[start..].find('>').expect("end of tag");
    &dom[start..=start + end]
}

/// Decodes the screenshot and checks that it shows text and coloured charts, not a blank
/// page; keeps a copy in the target directory to look at.
fn assert_painted(shot: &Path, keep_as: &str) {
    let bytes = std::fs::read(shot).expect("read screenshot");
    let (width, height, pixels) = decode_png(&bytes);
    assert_eq!((width, height), (1280, 2000));
    let colours: HashSet<[u8; 3]> = pixels.iter().copied().collect();
    let painted = pixels.iter().filter(|p| **p != [255, 255, 255]).count();
    let saturated = pixels
        .iter()
        .filter(|p| p.iter().max().unwrap_or(&0) - p.iter().min().unwrap_or(&0) > 80)
        .count();
    assert!(colours.len() > 200, "only {} colours", colours.len());
    assert!(
        painted > pixels.len() / 20,
        "only {painted} non-white pixels"
    );
    assert!(
        saturated > 2_000,
        "only {saturated} coloured pixels: no charts?"
    );
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join(keep_as);
    std::fs::copy(shot, &keep).expect("keep a copy of the screenshot");
}

/// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes) to RGB pixels,
/// after the PNG specification (RFC 2083): chunks, zlib, then per-row filters.
fn decode_png(bytes: &[u8]) -> (usize, usize, Vec<[u8; 3]>) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let be32 = |b: &[u8]| u32::from_be_bytes(b[..4].try_into().expect("4 bytes")) as usize;
    let (mut width, mut height, mut channels) = (0, 0, 0);
    let mut idat = Vec::new();
    let mut pos = 8;
    while pos + 8 <= bytes.len() {
        let len = be32(&bytes[pos..]);
        let data = &bytes[pos + 8..pos + 8 + len];
        match &bytes[pos + 4..pos + 8] {
            b"IHDR" => {
                (width, height) = (be32(data), be32(&data[4..]));
                assert_eq!((data[8], data[12]), (8, 0), "8-bit, not interlaced");
                channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("PNG colour type {other}"),
                };
            }
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .expect("inflate the image data");
    let stride = width * channels;
    assert_eq!(raw.len(), height * (stride + 1), "image data size");
    let mut prev = vec![0u8; stride];
    let mut pixels = Vec::with_capacity(width * height);
    for row in raw.chunks_exact(stride + 1) {
        let mut cur = vec![0u8; stride];
        for i in 0..stride {
            let left = if i >= channels { cur[i - channels] } else { 0 };
            let up_left = if i >= channels { prev[i - channels] } else { 0 };
            let predicted = match row[0] {
                0 => 0,
                1 => left,
                2 => prev[i],
                3 => ((u16::from(left) + u16::from(prev[i])) / 2) as u8,
                4 => paeth(left, prev[i], up_left),
                other => panic!("PNG filter {other}"),
            };
            cur[i] = row[1 + i].wrapping_add(predicted);
        }
        pixels.extend(cur.chunks_exact(channels).map(|p| [p[0], p[1], p[2]]));
        prev = cur;
    }
    (width, height, pixels)
}

/// The Paeth predictor: whichever of left, up and up-left is closest to left + up - up-left.
fn paeth(left: u8, up: u8, up_left: u8) -> u8 {
    let p = i16::from(left) + i16::from(up) - i16::from(up_left);
    let (pa, pb, pc) = (
        (p - i16::from(left)).abs(),
        (p - i16::from(up)).abs(),
        (p - i16::from(up_left)).abs(),
    );
    if pa <= pb && pa <= pc {
        left
    } else if pb <= pc {
        up
    } else {
        up_left
    }
}

#[allow(
    clippy::print_stderr,
    reason = "a skipped test must say so; the test harness shows it with --nocapture"
)]
fn skip(why: &str) {
    eprintln!("report_html: browser checks skipped: {why}");
}
