//! Matching one text against the file rules: globs, keyword prefilter, then regexes.
//!
//! This is the hot path and the fuzzing entry point: it takes bytes, never touches the disk,
//! and must not panic on any input.

use std::collections::HashMap;
use std::io::{self, Read};
use std::ops::Range;

use crate::finding::{Finding, Location};
use crate::redact::redact;
use crate::rules::{KeywordHits, RuleSet, Strength};

/// Longest evidence snippet kept, in bytes, before redaction.
const MAX_EVIDENCE: usize = 200;
/// Bytes of context kept either side of a match on a long line.
const CONTEXT: usize = 60;

/// True when the first 8 KiB hold a NUL byte: the heuristic git and ripgrep use.
pub fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// Text files larger than this are read and matched a window at a time, so memory stays flat
/// whatever the file size.
pub const WINDOW: usize = 8 << 20;
/// At least this much of a window's end is matched again at the start of the next one, so a
/// match across the seam is found whole (rule regexes are bounded well below this).
const OVERLAP: usize = 64 << 10;

/// Runs every applicable file rule over `text`, found at `rel_path` (forward slashes).
pub fn scan_text(rules: &RuleSet, rel_path: &str, text: &[u8]) -> Vec<Finding> {
    let Some(mut scan) = TextScan::new(rules, rel_path) else {
        return Vec::new();
    };
    scan.window(text, &Position::start(), 0..text.len(), false);
    scan.finish()
}

/// Like [`scan_text`] for text read from `reader`, a window of [`WINDOW`] bytes at a time;
/// `text` holds what was read already. Reads at most `max` bytes in all. Returns the findings
/// and the number of bytes matched.
pub fn scan_text_reader(
    rules: &RuleSet,
    rel_path: &str,
    text: Vec<u8>,
    reader: impl Read,
    max: u64,
) -> io::Result<(Vec<Finding>, u64)> {
    scan_windows(rules, rel_path, text, reader, max, WINDOW, OVERLAP)
}

fn scan_windows(
    rules: &RuleSet,
    rel_path: &str,
    mut text: Vec<u8>,
    reader: impl Read,
    max: u64,
    window: usize,
    overlap: usize,
) -> io::Result<(Vec<Finding>, u64)> {
    debug_assert!(window > 4 * overlap);
    let mut reader = reader.take(max.saturating_sub(text.len() as u64));
    let mut total = text.len() as u64;
    let mut scan = TextScan::new(rules, rel_path);
    let mut at = Position::start();
    loop {
        let want = window.saturating_sub(text.len());
        let got = (&mut reader).take(want as u64).read_to_end(&mut text)?;
        total += got as u64;
        let last = got < want;
        let Some(scanning) = scan.as_mut() else {
            // No rule applies to this path: read it through only to count it.
            if last {
                return Ok((Vec::new(), total));
            }
            text.clear();
            continue;
        };
        if last {
            scanning.window(&text, &at, at.report_from..text.len(), true);
            return Ok((scan.map(TextScan::finish).unwrap_or_default(), total));
        }
        // Report up to the start of the line holding the seam (or the seam itself inside a
        // very long line); carry the previous line too into the next window, so a match's
        // line and the one before it (inline suppressions) stay whole.
        let seam = text.len() - overlap;
        let report_to = line_start(&text, seam, overlap)
            .unwrap_or(seam)
            .max(at.report_from);
        scanning.window(&text, &at, at.report_from..report_to, true);
        let keep_from = match report_to.checked_sub(1) {
            Some(before) => line_start(&text, before, overlap)
                .unwrap_or_else(|| report_to.saturating_sub(overlap / 2)),
            None => 0,
        };
        at.advance(&text, keep_from, report_to);
        text.drain(..keep_from);
    }
}

/// The start of the line holding `at`, looking back at most `limit` bytes; `None` when the line
/// starts further back.
fn line_start(text: &[u8], at: usize, limit: usize) -> Option<usize> {
    let floor = at.saturating_sub(limit);
    match memchr::memrchr(b'\n', &text[floor..at]) {
        Some(i) => Some(floor + i + 1),
        None if floor == 0 => Some(0),
        None => None,
    }
}

/// Where a window's first byte sits in the file.
#[derive(Debug)]
struct Position {
    /// Absolute offset of the window's first byte.
    offset: u64,
    /// Line number of the window's first byte.
    line: u64,
    /// Bytes of the window's first line that lie before the window (0 at a line start).
    column_base: usize,
    /// When the window starts inside a line: whether that line is a comment, and the line
    /// before it (both seen in an earlier window).
    comment: Option<bool>,
    previous: Option<Vec<u8>>,
    /// Matches starting before this offset in the window were reported by the previous one.
    report_from: usize,
}

impl Position {
    /// The first window: the file's first byte, line 1.
    fn start() -> Self {
        Self {
            offset: 0,
            line: 1,
            column_base: 0,
            comment: None,
            previous: None,
            report_from: 0,
        }
    }

    /// Moves the window start to `text[keep_from]`; `report_to` ended the last report range.
    fn advance(&mut self, text: &[u8], keep_from: usize, report_to: usize) {
        let dropped = &text[..keep_from];
        self.line += memchr::memchr_iter(b'\n', dropped).count() as u64;
        self.offset += keep_from as u64;
        self.report_from = report_to - keep_from;
        match memchr::memrchr(b'\n', dropped) {
            Some(nl) if nl + 1 == keep_from => {
                (self.column_base, self.comment, self.previous) = (0, None, None);
            }
            Some(nl) => {
                // The kept line starts in this window.
                let start = nl + 1;
                let before = memchr::memrchr(b'\n', &text[..nl]).map_or(0, |p| p + 1);
                self.column_base = keep_from - start;
                self.comment = Some(is_comment(&text[start..]));
                self.previous = Some(text[before.max(nl.saturating_sub(4096))..nl].to_vec());
            }
            None => {
                // The kept line started before this window, or at its first byte.
                if self.comment.is_none() {
                    self.comment = Some(is_comment(text));
                }
                self.column_base += keep_from;
            }
        }
    }
}

/// Bytes either side of a keyword hit in which its rule's regex runs. A rule's match contains
/// one of its keywords, and spans a line or a few: it is found whole within this distance.
const NEAR: usize = 8 << 10;
/// How much further a search region may reach to start and end on a line boundary.
const SNAP: usize = 1 << 10;

/// The parts of `text` worth searching for a rule whose keywords occur at `hits`: around each
/// hit, widened to whole lines (and the newline before, which some patterns match as a
/// delimiter), merged where they meet. Running the regex only there, not over the whole text,
/// keeps large files with a few keyword hits cheap.
pub(crate) fn search_regions(text: &[u8], hits: &KeywordHits) -> Vec<Range<usize>> {
    let KeywordHits::At(at) = hits else {
        return std::iter::once(0..text.len()).collect();
    };
    let mut out: Vec<Range<usize>> = Vec::new();
    for &p in at {
        let lo = p.saturating_sub(NEAR);
        let start = if lo == 0 {
            0
        } else {
            let floor = lo.saturating_sub(SNAP);
            memchr::memrchr(b'\n', &text[floor..lo]).map_or(lo, |i| floor + i)
        };
        let hi = (p + NEAR).min(text.len());
        let reach = (hi + SNAP).min(text.len());
        let end = memchr::memchr(b'\n', &text[hi..reach]).map_or(hi, |i| hi + i + 1);
        match out.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => out.push(start..end),
        }
    }
    out
}

/// Every match of `regex` inside `regions` (ascending, disjoint), leftmost first as `find_iter`
/// gives them; what lies before a region still counts as context for `\b` and `^`.
pub(crate) fn find_in_regions<'t>(
    regex: &regex::bytes::Regex,
    text: &'t [u8],
    regions: &[Range<usize>],
) -> Vec<regex::bytes::Match<'t>> {
    let mut out = Vec::new();
    for r in regions {
        let haystack = &text[..r.end];
        let mut pos = r.start;
        while pos <= r.end {
            let Some(m) = regex.find_at(haystack, pos) else {
                break;
            };
            pos = if m.end() > m.start() {
                m.end()
            } else {
                m.end() + 1
            };
            out.push(m);
        }
    }
    out
}

/// The state of matching one file, window after window.
struct TextScan<'r> {
    rules: &'r RuleSet,
    rel_path: &'r str,
    mask: Vec<bool>,
    /// Findings are mentions at most (`mention_only`).
    cap: bool,
    /// Rules whose `unless` pattern was seen: they report nothing in this file.
    unless_seen: Vec<usize>,
    /// Per (rule, evidence), how often it was found: the finding's occurrence number.
    seen: HashMap<(usize, String), u32>,
    /// Per rule, the absolute end of its last match: a match is never reported twice where
    /// windows overlap.
    next_start: HashMap<usize, u64>,
    findings: Vec<(usize, Finding)>,
}

impl<'r> TextScan<'r> {
    /// `None` when no file rule applies to the path.
    fn new(rules: &'r RuleSet, rel_path: &'r str) -> Option<Self> {
        let mut mask = Vec::new();
        if !rules.file_matcher().applicable(rel_path, &mut mask) {
            return None;
        }
        Some(Self {
            rules,
            rel_path,
            mask,
            cap: mention_only(rel_path),
            unless_seen: Vec::new(),
            seen: HashMap::new(),
            next_start: HashMap::new(),
            findings: Vec::new(),
        })
    }

    /// Matches one window, which starts at `at` in the file; only matches starting in `report`
    /// are reported. With `streamed`, the `unless` patterns of every applicable rule are looked
    /// for, since a later window may need them.
    fn window(&mut self, text: &[u8], at: &Position, report: Range<usize>, streamed: bool) {
        let rules = self.rules;
        if streamed {
            for (idx, _) in self.mask.iter().enumerate().filter(|(_, m)| **m) {
                if !self.unless_seen.contains(&idx) && rules.rules[idx].vetoed(text) {
                    self.unless_seen.push(idx);
                }
            }
        }
        let candidates = rules.file_matcher().keyword_hits(text, &self.mask);
        if candidates.is_empty() {
            return;
        }
        let inline_ignores = memchr::memmem::find(text, b"sovscan:ignore").is_some();
        let lines = LineIndex::new(text);
        for (idx, hits) in candidates {
            let rule = &rules.rules[idx];
            let Some(regex) = rule.regex() else { continue };
            if self.unless_seen.contains(&idx) {
                continue;
            }
            if !streamed && rule.vetoed(text) {
                self.unless_seen.push(idx);
                continue;
            }
            // A clone shares the compiled regex but not its lazy-DFA cache, which is dropped
            // with it. Kept for the whole run, the caches of the hundreds of regexes a large
            // tree wakes grew to over 100 MB at 1 GB scanned; fresh ones cost little, since a
            // regex only runs near its keyword hits.
            let regex = &regex.get().clone();
            for m in find_in_regions(regex, text, &search_regions(text, &hits)) {
                if m.start() < report.start {
                    continue;
                }
                if m.start() >= report.end {
                    break;
                }
                let next = self.next_start.entry(idx).or_insert(0);
                if at.offset + (m.start() as u64) < *next {
                    continue;
                }
                *next = at.offset + m.end() as u64;
                let (line, line_start, line_end) = lines.locate(m.start());
                let evidence = evidence(text, line_start, line_end, m.start(), m.end());
                let occurrence = self.seen.entry((idx, evidence.clone())).or_insert(0);
                // The window's first line may have begun in an earlier window.
                let first = line == 1;
                let column_base = if first { at.column_base } else { 0 };
                let location = Location::File {
                    path: self.rel_path.to_owned(),
                    line: at.line + line - 1,
                    column: (column_base + m.start() - line_start + 1) as u64,
                };
                let mut finding = Finding::new(rules, rule, location, evidence, *occurrence);
                let comment = match at.comment {
                    Some(c) if first => c,
                    _ => is_comment(&text[line_start..line_end]),
                };
                if self.cap || comment {
                    finding.strength = finding.strength.min(Strength::Present);
                }
                if inline_ignores || at.previous.is_some() {
                    let previous = if line > 1 {
                        let (_, ps, pe) = lines.locate(line_start.saturating_sub(1));
                        Some(&text[ps..pe])
                    } else {
                        at.previous.as_deref()
                    };
                    crate::suppress::inline(&mut finding, &text[line_start..line_end], previous);
                }
                self.findings.push((idx, finding));
                *occurrence += 1;
            }
        }
    }

    /// The findings, less those of rules whose `unless` pattern the file holds.
    fn finish(self) -> Vec<Finding> {
        let unless = self.unless_seen;
        self.findings
            .into_iter()
            .filter(|(idx, _)| !unless.contains(idx))
            .map(|(_, f)| f)
            .collect()
    }
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

    static RULES: std::sync::LazyLock<RuleSet> =
        std::sync::LazyLock::new(|| RuleSet::builtin().expect("built-in packs"));

    /// A Terraform-like text of about `lines` lines from seed `seed`: filler, vendor lines
    /// (some repeated, so occurrence numbers matter), comments, a suppression, and now and then
    /// a line longer than the test windows.
    fn generated_text(seed: u64, lines: usize) -> Vec<u8> {
        const VENDOR: &[&str] = &[
            "provider \"aws\" {",
            "  url = \"https://bucket.s3.amazonaws.com/key\"",
            "# provider \"aws\" is gone",
            "resource \"azurerm_storage_account\" \"x\" {",
            "  image = \"gcr.io/acme/api:1.0\"",
            "provider \"aws\" {} # sovscan:ignore aws-terraform-provider moved in 2027",
            "# sovscan:ignore azure-endpoint-hostname a test account",
            "  endpoint = \"https://storage.googleapis.com/b\"",
        ];
        let mut n = seed;
        let mut next = || {
            n = n
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            n >> 33
        };
        let mut text = Vec::new();
        for i in 0..lines {
            match next() % 23 {
                0 | 1 => text.extend_from_slice(VENDOR[next() as usize % VENDOR.len()].as_bytes()),
                2 if i % 7 == 0 => {
                    // A long line with a match far inside it.
                    text.extend(std::iter::repeat_n(b'x', 1500 + next() as usize % 3000));
                    text.extend_from_slice(b" https://x.blob.core.windows.net/c ");
                    text.extend(std::iter::repeat_n(b'y', next() as usize % 900));
                }
                _ => text.extend_from_slice(
                    format!("value_{:x} = compute(item, {}) # region storage", next(), i)
                        .as_bytes(),
                ),
            }
            text.push(b'\n');
        }
        text
    }

    fn sorted(mut v: Vec<Finding>) -> Vec<Finding> {
        v.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        v
    }

    fn windowed(text: &[u8], path: &str, window: usize, overlap: usize) -> Vec<Finding> {
        let head = text[..text.len().min(100)].to_vec();
        let (found, bytes) = scan_windows(
            &RULES,
            path,
            head,
            &text[text.len().min(100)..],
            u64::MAX,
            window,
            overlap,
        )
        .expect("in memory");
        assert_eq!(bytes, text.len() as u64);
        sorted(found)
    }

    #[test]
    fn windows_find_exactly_what_one_pass_finds() {
        for seed in 0..24 {
            let text = generated_text(seed, 600 + seed as usize * 40);
            let whole = sorted(scan_text(&RULES, "infra/main.tf", &text));
            assert!(whole.len() > 10, "seed {seed}: {}", whole.len());
            // The text exercises what windows could get wrong: suppressions, comments and
            // matches deep inside lines longer than a window's overlap.
            assert!(whole.iter().any(|f| f.suppressed.is_some()), "seed {seed}");
            assert!(
                whole.iter().any(|f| f.strength == Strength::Present),
                "seed {seed}"
            );
            assert!(
                whole
                    .iter()
                    .any(|f| matches!(f.location, Location::File { column, .. } if column > 1024)),
                "seed {seed}"
            );
            for (window, overlap) in [(4096, 512), (6000, 1000), (20_000, 4096)] {
                let w = windowed(&text, "infra/main.tf", window, overlap);
                assert_eq!(w, whole, "seed {seed}, window {window}, overlap {overlap}");
            }
        }
    }

    #[test]
    fn searching_near_keywords_finds_what_searching_everything_finds() {
        let matcher = RULES.file_matcher();
        for (seed, path) in [(1, "infra/main.tf"), (2, "app/settings.py"), (3, "ci.yml")] {
            // Vendor lines at both ends, 200 KB of plain code between them.
            let mut text = generated_text(seed, 400);
            text.extend(
                "value = compute(item) # region storage\n"
                    .repeat(5000)
                    .into_bytes(),
            );
            text.extend(generated_text(seed + 100, 400));
            let mut mask = Vec::new();
            matcher.applicable(path, &mut mask);
            let hits = matcher.keyword_hits(&text, &mask);
            assert!(hits.len() >= 3, "{path}: {}", hits.len());
            for (idx, at) in hits {
                let re = RULES.rules[idx].regex().expect("file rules have a regex");
                let regions = search_regions(&text, &at);
                let near: Vec<_> = find_in_regions(re, &text, &regions)
                    .iter()
                    .map(|m| m.range())
                    .collect();
                let all: Vec<_> = re.find_iter(&text).map(|m| m.range()).collect();
                assert_eq!(near, all, "{}", RULES.rules[idx].id);
                // The regions are a small part of this text: that is the point.
                let covered: usize = regions.iter().map(|r| r.len()).sum();
                assert!(covered < text.len(), "{}", RULES.rules[idx].id);
            }
        }
    }

    #[test]
    fn a_hostname_at_a_line_start_deep_in_a_file_is_found_on_its_line() {
        let mut text = "filler line\n".repeat(2000).into_bytes();
        text.extend_from_slice(b"bucket.s3.amazonaws.com is the store\n");
        text.extend("filler line\n".repeat(2000).into_bytes());
        let whole = scan_text(&RULES, "notes.conf", &text);
        assert!(
            whole.iter().any(|f| f.rule == "aws-endpoint-hostname"
                && matches!(f.location, Location::File { line: 2001, .. })),
            "{whole:?}"
        );
    }

    #[test]
    fn an_unless_pattern_in_an_early_window_silences_matches_in_later_ones() {
        let mut text = b"provider \"aws\" {\n  endpoints {\n    s3 = \"https://s3.fr-par.scw.cloud\"\n  }\n}\n".to_vec();
        for i in 0..2000 {
            text.extend_from_slice(format!("value_{i} = compute(item)\n").as_bytes());
        }
        text.extend_from_slice(b"provider \"aws\" {\n}\n");
        let found = windowed(&text, "main.tf", 4096, 512);
        assert!(
            !found.iter().any(|f| f.rule == "aws-terraform-provider"),
            "{found:?}"
        );
        assert_eq!(found, sorted(scan_text(&RULES, "main.tf", &text)));
        // Without the S3-compatible endpoint block, the last line is found, on its own line.
        let plain = &text[text.iter().position(|b| *b == b'}').expect("brace") + 2..];
        let found = windowed(plain, "main.tf", 4096, 512);
        let aws: Vec<_> = found
            .iter()
            .filter(|f| f.rule == "aws-terraform-provider")
            .collect();
        assert_eq!(aws.len(), 1, "{found:?}");
        assert!(
            matches!(aws[0].location, Location::File { line, .. } if line as usize == plain.iter().filter(|b| **b == b'\n').count() - 1)
        );
    }

    #[test]
    fn a_text_without_newlines_is_still_read_window_by_window() {
        let mut text = vec![b'a'; 50_000];
        text.extend_from_slice(b" https://x.blob.core.windows.net/c ");
        text.extend(vec![b'b'; 50_000]);
        let found = windowed(&text, "notes.conf", 4096, 512);
        assert_eq!(found, sorted(scan_text(&RULES, "notes.conf", &text)));
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn the_reader_stops_at_max_bytes() {
        let text = generated_text(3, 2000);
        let (_, bytes) = scan_windows(&RULES, "main.tf", Vec::new(), &text[..], 10_000, 4096, 512)
            .expect("read");
        assert_eq!(bytes, 10_000);
    }

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
