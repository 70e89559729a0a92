//! Walks directories in parallel and matches every text file against the file rules.
//!
//! The walk streams: each worker reads one file (at most the size cap), matches it and keeps
//! only the findings, so memory does not grow with the tree. `.git` is skipped, `.gitignore`
//! is honoured even outside a repository, and hidden files (`.env`, `.github/`) are scanned.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState, overrides::OverrideBuilder};

use super::archive::ArchiveLimits;
use super::content::{Context, scan_file};
use super::{Output, Stats};
use crate::finding::{ErrorKind, Finding, ScanError};
use crate::rules::RuleSet;

/// Default size cap: larger files are skipped and reported.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// How to walk.
#[derive(Debug, Clone)]
pub struct FileScanOptions {
    /// Gitignore-style globs of paths to leave out.
    pub exclude: Vec<String>,
    /// Files larger than this many bytes are skipped.
    pub max_file_size: u64,
    /// Worker threads; 0 picks the number of cores.
    pub threads: usize,
    /// Limits on archives.
    pub archives: ArchiveLimits,
    /// Counts the files visited, for a progress display.
    pub progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

impl Default for FileScanOptions {
    fn default() -> Self {
        Self {
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            threads: 0,
            archives: ArchiveLimits::default(),
            progress: None,
        }
    }
}

/// Problems with the options themselves (not with the scanned files).
#[derive(Debug, thiserror::Error)]
pub enum FileScanError {
    /// An `--exclude` glob does not parse.
    #[error("invalid --exclude glob `{glob}`: {message}")]
    BadExclude { glob: String, message: String },
}

/// What a file scan produced.
#[derive(Debug, Default)]
pub struct FileScan {
    pub findings: Vec<Finding>,
    pub errors: Vec<ScanError>,
    pub stats: Stats,
}

/// Scans every root; a missing root becomes an error entry, never a failure.
pub fn scan_paths(
    roots: &[PathBuf],
    opts: &FileScanOptions,
    rules: &RuleSet,
) -> Result<FileScan, FileScanError> {
    let mut out = FileScan::default();
    let prefix_roots = roots.len() > 1;
    for root in roots {
        if std::fs::metadata(root).is_err() && std::fs::symlink_metadata(root).is_err() {
            out.errors.push(ScanError {
                kind: ErrorKind::NotFound,
                path: root.display().to_string(),
                message: "path does not exist".to_owned(),
            });
            continue;
        }
        let part = scan_root(root, prefix_roots, opts, rules)?;
        out.findings.extend(part.findings);
        out.errors.extend(part.errors);
        out.stats.add(&part.stats);
    }
    out.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.errors.sort();
    Ok(out)
}

fn scan_root(
    root: &Path,
    prefix: bool,
    opts: &FileScanOptions,
    rules: &RuleSet,
) -> Result<FileScan, FileScanError> {
    let walker = build_walker(root, opts)?;
    let sink = Mutex::new(Output::default());
    let cx = Context {
        rules,
        limits: &opts.archives,
        max_file_size: opts.max_file_size,
    };
    // Stat the root once here, not once per file.
    let display_root = (prefix && root.is_dir()).then_some(root);
    walker.run(|| {
        Box::new(|entry| {
            let mut local = Output::default();
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    if let Some(p) = &opts.progress {
                        p.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    visit_file(
                        &cx,
                        e.path(),
                        &rel_path(root, display_root, e.path()),
                        &mut local,
                    );
                }
                Ok(_) => {}
                Err(err) => local.errors.push(walk_error(root, &err)),
            }
            if !local.is_empty() {
                let mut s = sink.lock().unwrap_or_else(|p| p.into_inner());
                s.append(&mut local);
            }
            WalkState::Continue
        })
    });
    let sink = sink.into_inner().unwrap_or_else(|p| p.into_inner());
    Ok(FileScan {
        findings: sink.findings,
        errors: sink.errors,
        stats: sink.stats,
    })
}

fn build_walker(
    root: &Path,
    opts: &FileScanOptions,
) -> Result<ignore::WalkParallel, FileScanError> {
    let mut b = WalkBuilder::new(root);
    b.hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .follow_links(true)
        .threads(opts.threads)
        .filter_entry(|e| e.file_name() != ".git");
    if !opts.exclude.is_empty() {
        let mut ob = OverrideBuilder::new(root);
        for glob in &opts.exclude {
            ob.add(&format!("!{glob}"))
                .map_err(|e| FileScanError::BadExclude {
                    glob: glob.clone(),
                    message: e.to_string(),
                })?;
        }
        let ov = ob.build().map_err(|e| FileScanError::BadExclude {
            glob: opts.exclude.join(", "),
            message: e.to_string(),
        })?;
        b.overrides(ov);
    }
    Ok(b.build_parallel())
}

/// Opens one file and hands it to the content router, recording what happened in `out`.
fn visit_file(cx: &Context, path: &Path, rel: &str, out: &mut Output) {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return out.errors.push(ScanError {
                kind: ErrorKind::Io,
                path: rel.to_owned(),
                message: e.to_string(),
            });
        }
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    scan_file(cx, file, len, rel, out);
}

/// The path as reports show it: relative to the root, with '/' separators; when several roots
/// were given, prefixed by the directory root as the user wrote it.
fn rel_path(root: &Path, display_root: Option<&Path>, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel = if rel.as_os_str().is_empty() {
        path.file_name()
            .map_or_else(|| path.to_path_buf(), PathBuf::from)
    } else {
        rel.to_path_buf()
    };
    let joined = match display_root {
        Some(r) => r.join(&rel),
        _ => rel,
    };
    joined.to_string_lossy().replace('\\', "/")
}

fn walk_error(root: &Path, err: &ignore::Error) -> ScanError {
    let path = error_path(err).map_or_else(
        || root.display().to_string(),
        |p| {
            p.strip_prefix(root)
                .unwrap_or(p)
                .to_string_lossy()
                .replace('\\', "/")
        },
    );
    ScanError {
        kind: ErrorKind::Walk,
        path,
        message: error_message(err),
    }
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}

/// The message without the path (the path has its own field).
fn error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            error_message(err)
        }
        ignore::Error::Loop { ancestor, .. } => {
            format!("symlink loop back to {}", ancestor.display())
        }
        other => other.to_string(),
    }
}
