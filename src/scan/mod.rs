//! Scanners: one module per input kind. Each turns inputs into [`Finding`]s and
//! [`ScanError`]s; none of them scores.
//!
//! [`Finding`]: crate::Finding
//! [`ScanError`]: crate::ScanError

pub mod files;
pub mod text;

use serde::Serialize;

/// Counters of what a scan read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Text files whose content was matched.
    pub files_scanned: u64,
    /// Bytes of those files.
    pub bytes_scanned: u64,
    /// Files skipped for being over the size cap (each is also in `errors`).
    pub files_skipped: u64,
    /// Files skipped because their content is binary (the binary scanner will take them).
    pub files_binary: u64,
}

impl Stats {
    /// Adds another scan's counters to these.
    pub fn add(&mut self, other: &Stats) {
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.files_skipped += other.files_skipped;
        self.files_binary += other.files_binary;
    }
}
