//! Matching one text against the file rules: globs, keyword prefilter, then regexes.
//!
//! This is the hot path and the fuzzing entry point: it takes bytes, never touches the disk,
//! and must not panic on any input.

use std::collections::HashMap;

use crate::finding::{Finding, Location};
use crate::redact::redact;
use crate::rules::{RuleSet, Strength};

/// Longest evidence snippet kept, in bytes, before redaction.
const MAX_EVIDENCE: usize = 200;
/// Bytes of context kept either side of a match on a long line.
const CONTEXT: usize = 60;

/// True when the first 8 KiB hold a NUL byte: the heuristic git and ripgrep use.
pub fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// Runs every applicable file rule over `text`, found at `rel_path` (forward slashes).
pub fn scan_text(rules: &RuleSet, rel_path: &str, text: &[u8]) -> Vec<Finding> {
    let matcher = rules.file_matcher();
    let mut mask = Vec::new();
    if !matcher.applicable(rel_path, &mut mask) {
        return Vec::new();
    }
    let candidates = matcher.candidates(text, &mask);
    if candidates.is_empty() {
        return Vec::new();
    }
    let cap = mention_only(rel_path);
    let inline_ignores = memchr::memmem::find(text, b"sovscan:ignore").is_some();
    let lines = LineIndex::new(text);
    let mut seen: HashMap<(usize, String), u32> = HashMap::new();
    let mut findings = Vec::new();
    for idx in candidates {
        let rule = &rules.rules[idx];
        let Some(regex) = rule.regex() else { continue };
        if rule.unless.as_ref().is_some_and(|u| u.is_match(text)) {
            continue;
        }
        for m in regex.find_iter(text) {
            let (line, line_start, line_end) = lines.locate(m.start());
            let evidence = evidence(text, line_start, line_end, m.start(), m.end());
            let occurrence = seen.entry((idx, evidence.clone())).or_insert(0);
            let location = Location::File {
                path: rel_path.to_owned(),
                line,
                column: (m.start() - line_start + 1) as u64,
            };
            let mut finding = Finding::new(rules, rule, location, evidence, *occurrence);
            if cap || is_comment(&text[line_start..line_end]) {
                finding.strength = finding.strength.min(Strength::Present);
            }
            if inline_ignores {
                let previous = (line > 1).then(|| {
                    let (_, ps, pe) = lines.locate(line_start.saturating_sub(1));
                    &text[ps..pe]
                });
                crate::suppress::inline(&mut finding, &text[line_start..line_end], previous);
            }
            findings.push(finding);
            *occurrence += 1;
        }
    }
    findings
}

/// Directories that hold other people's software: a vendor string there is a capability of a
/// dependency, not the organisation's own use.
const THIRD_PARTY_DIRS: &[&str] = &[
    "node_modules",
    "bower_components",
    "vendor",
    "third_party",
    "third-party",
    "site-packages",
    "dist-packages",
    ".venv",
    "venv",
    "Pods",
];
/// Directories of tests and their data: a vendor string there exercises code, it is not how the
/// organisation runs.
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "__tests__",
    "spec",
    "specs",
    "testdata",
    "test-data",
    "test_data",
    "fixtures",
    "__fixtures__",
    "__mocks__",
    "mocks",
];
/// File names (upper-cased stems) that are prose about a project, not its configuration.
const PROSE_STEMS: &[&str] = &[
    "README",
    "CHANGELOG",
    "CHANGES",
    "HISTORY",
    "NEWS",
    "RELEASE_NOTES",
    "RELEASENOTES",
    "AUTHORS",
    "CONTRIBUTORS",
    "CONTRIBUTING",
    "LICENSE",
    "COPYING",
    "NOTICE",
    "SECURITY",
];

/// True when findings at `rel_path` are mentions at most (strength capped at `present`):
/// documentation (`*.md`, `*.rst`, `*.adoc`, prose `*.txt`, README/CHANGELOG/...) and files
/// inside third-party directories (`node_modules/`, `vendor/`, `site-packages/`, ...).
///
/// A hostname in a README badge or in a vendored library says nothing about what the
/// organisation runs; the issue's definition of `present` is "a mention, a capability, or a
/// string in third-party software".
pub fn mention_only(rel_path: &str) -> bool {
    let mut parts = rel_path.split('/');
    let name = parts.next_back().unwrap_or(rel_path);
    if parts.any(|dir| {
        THIRD_PARTY_DIRS.contains(&dir)
            || TEST_DIRS.contains(&dir)
            // Installed Python packages' metadata: their README text and project links.
            || dir.ends_with(".dist-info")
            || dir.ends_with(".egg-info")
    }) {
        return true;
    }
    if is_test_file(name) {
        return true;
    }
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let ext = ext.to_ascii_lowercase();
    let stem_upper = stem.to_ascii_uppercase();
    match ext.as_str() {
        "md" | "markdown" | "rst" | "adoc" | "asciidoc" => true,
        // requirements.txt, constraints.txt and the like are manifests.
        "txt" => !(stem_upper.starts_with("REQUIREMENTS") || stem_upper.starts_with("CONSTRAINTS")),
        _ => PROSE_STEMS
            .iter()
            .any(|p| stem_upper == *p || name.eq_ignore_ascii_case(p)),
    }
}

/// Test sources by naming convention: `*_test.go`, `test_*.py`, `*_test.py`, `*.test.ts`,
/// `*.spec.js`, `*Test.java`, `*Tests.cs` and the like.
fn is_test_file(name: &str) -> bool {
    let Some((stem, _ext)) = name.rsplit_once('.') else {
        return false;
    };
    stem.ends_with("_test")
        || stem.starts_with("test_")
        || stem.ends_with(".test")
        || stem.ends_with(".spec")
        || stem.ends_with("_spec")
        || (stem.len() > 4 && (stem.ends_with("Test") || stem.ends_with("Tests")))
}

/// True when the line is a comment in the common syntaxes (`#`, `//`, `/*`, `*`, `-- `, `;`,
/// `<!--`, `REM`): commented-out configuration is a mention, not live use. A line starting with
/// `--flag` is a continued command line, not an SQL comment.
pub fn is_comment(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    [
        &b"#"[..],
        b"//",
        b"/*",
        b"* ",
        b"-- ",
        b"--\t",
        b";",
        b"<!--",
    ]
    .iter()
    .any(|m| t.starts_with(m))
        || t == b"*"
        || t == b"--"
        || (t.len() >= 4 && t[..4].eq_ignore_ascii_case(b"rem "))
}

/// The matched line, cut to a window around the match when long, then redacted.
fn evidence(text: &[u8], line_start: usize, line_end: usize, start: usize, end: usize) -> String {
    let (mut from, mut to) = (line_start, line_end);
    if to - from > MAX_EVIDENCE {
        from = start.saturating_sub(CONTEXT).max(line_start);
        to = (end + CONTEXT)
            .min(line_end)
            .min(from + MAX_EVIDENCE.max(end - from));
    }
    let raw = String::from_utf8_lossy(&text[from..to]);
    let trimmed = raw.trim();
    let mut out = redact(trimmed).into_owned();
    if from > line_start {
        out.insert(0, '…');
    }
    if to < line_end {
        out.push('…');
    }
    out
}

/// Start offsets of lines, built once per file that has a match.
struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    fn new(text: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.iter()
                .enumerate()
                .filter_map(|(i, b)| (*b == b'\n').then_some(i + 1)),
        );
        Self {
            starts,
            len: text.len(),
        }
    }

    /// 1-based line number, and the line's start and end (without its `\n`), for `offset`.
    fn locate(&self, offset: usize) -> (u64, usize, usize) {
        let i = self
            .starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        let start = self.starts[i];
        // The next line starts after this line's '\n'; a trailing '\r' is trimmed later.
        let end = self.starts.get(i + 1).map_or(self.len, |n| n - 1);
        (i as u64 + 1, start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_lines_are_recognised() {
        for l in [
            "# provider \"aws\" {}",
            "  // const s3 = new S3Client()",
            " * uses the AWS SDK",
            "-- on AWS RDS",
            "; endpoint = s3.amazonaws.com",
            "<!-- azure -->",
            "REM set AWS_REGION",
            "*",
        ] {
            assert!(is_comment(l.as_bytes()), "{l}");
        }
        for l in [
            "provider \"aws\" {}",
            "image: gcr.io/x #pinned",
            "*.amazonaws.com",
            "remote = \"x\"",
            "  --image gcr.io/city/app:1.0 \\",
            "--endpoint-url https://s3.fr-par.scw.cloud",
        ] {
            assert!(!is_comment(l.as_bytes()), "{l}");
        }
    }

    #[test]
    fn line_index_locates_lines() {
        let idx = LineIndex::new(b"a\nbb\n\nccc");
        assert_eq!(idx.locate(0), (1, 0, 1));
        assert_eq!(idx.locate(3), (2, 2, 4));
        assert_eq!(idx.locate(5), (3, 5, 5));
        assert_eq!(idx.locate(8), (4, 6, 9));
    }

    #[test]
    fn docs_and_third_party_code_are_mentions_only() {
        for p in [
            "README.md",
            "docs/setup.rst",
            "NOTES.txt",
            "CHANGELOG",
            "app/node_modules/x/index.js",
            "vendor/a/b.go",
            "LICENSE",
            "tests/fixtures/main.tf",
            "src/__tests__/upload.js",
            "pkg/store/s3_test.go",
            "app/test_storage.py",
            "web/upload.spec.ts",
            "src/test/java/StorageTest.java",
            "oauthlib-3.2.2.egg-info/PKG-INFO",
            "distro-1.8.0.dist-info/METADATA",
        ] {
            assert!(mention_only(p), "{p}");
        }
        for p in [
            "main.tf",
            "src/latest.py",
            "contest/app.py",
            "Test.java",
            "requirements-test.txt",
        ] {
            assert!(!mention_only(p), "{p}");
        }
        for p in [
            "requirements.txt",
            "requirements-dev.txt",
            "main.tf",
            "src/app.py",
            "index.html",
            "vendored.go",
            ".env",
        ] {
            assert!(!mention_only(p), "{p}");
        }
    }

    #[test]
    fn evidence_windows_long_lines() {
        let mut line = "x".repeat(500);
        line.push_str("needle");
        line.push_str(&"y".repeat(500));
        let start = 500;
        let ev = evidence(line.as_bytes(), 0, line.len(), start, start + 6);
        assert!(ev.contains("needle"));
        assert!(ev.starts_with('…') && ev.ends_with('…'));
        assert!(ev.len() < 300);
    }
}
