//! Scanners: one module per input kind. Each turns inputs into [`Finding`]s and
//! [`ScanError`]s; none of them scores.
//!
//! [`Finding`]: crate::Finding
//! [`ScanError`]: crate::ScanError

pub mod archive;
pub mod binary;
pub mod content;
pub mod files;
pub mod text;

use serde::Serialize;

/// Counters of what a scan read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Stats {
    /// Text files whose content was matched.
    pub files_scanned: u64,
    /// Bytes of those files.
    pub bytes_scanned: u64,
    /// Files skipped for being over the size cap (each is also in `errors`).
    pub files_skipped: u64,
    /// Files skipped because their content is binary in a format sovscan does not read.
    pub files_binary: u64,
    /// Executables, libraries and class files whose features were extracted.
    pub binaries_scanned: u64,
    /// Archives opened (nested ones included).
    pub archives_scanned: u64,
    /// Archive members read.
    pub archive_members: u64,
    /// Bytes of binaries and archives read (compressed size for archives on disk).
    pub binary_bytes: u64,
    /// Domains scanned.
    pub domains_scanned: u64,
    /// DNS queries sent (each name and type once per run).
    pub dns_queries: u64,
}

impl Stats {
    /// Adds another scan's counters to these.
    pub fn add(&mut self, other: &Stats) {
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.files_skipped += other.files_skipped;
        self.files_binary += other.files_binary;
        self.binaries_scanned += other.binaries_scanned;
        self.archives_scanned += other.archives_scanned;
        self.archive_members += other.archive_members;
        self.binary_bytes += other.binary_bytes;
        self.domains_scanned += other.domains_scanned;
        self.dns_queries += other.dns_queries;
    }
}

/// What a scanner produced: findings, per-input errors and counters.
#[derive(Debug, Default)]
pub struct Output {
    pub findings: Vec<crate::Finding>,
    pub errors: Vec<crate::ScanError>,
    pub stats: Stats,
}

impl Output {
    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty() && self.errors.is_empty() && self.stats == Stats::default()
    }

    /// Moves `other`'s contents into this one.
    pub fn append(&mut self, other: &mut Output) {
        self.findings.append(&mut other.findings);
        self.errors.append(&mut other.errors);
        self.stats.add(&other.stats);
        other.stats = Stats::default();
    }
}
