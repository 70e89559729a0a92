//! The one [`Finding`] type every scanner produces, and the per-input problems ([`ScanError`]).

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::rules::{BinaryFeature, Rule, RuleSet, Strength};

/// Where a finding was seen.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Location {
    /// A text file, by path relative to the scanned root; line and column are 1-based
    /// (column counts bytes, as ripgrep's `--column` does).
    File {
        path: String,
        line: u64,
        column: u64,
    },
    /// A feature of a binary. The path may lead into archives: `app.war!/WEB-INF/lib/x.jar!/a/B.class`.
    Binary {
        path: String,
        /// Which extracted feature matched (library, signer, string, ...).
        feature: BinaryFeature,
        /// Byte offset of an embedded string in the binary.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offset: Option<u64>,
    },
    /// A DNS record of one of the organisation's domains.
    Dns {
        domain: String,
        /// The owner name queried (`_dmarc.example.org.`).
        name: String,
        /// The record kind the rule matched (`mx`, `spf`, `cname`, ...), or `a` for an address.
        record: String,
        value: String,
    },
}

impl Location {
    /// The path or name a person looks for.
    pub fn path(&self) -> &str {
        match self {
            Self::File { path, .. } | Self::Binary { path, .. } => path,
            Self::Dns { domain, .. } => domain,
        }
    }
}

/// One piece of evidence that an organisation depends on a vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// Hash of rule, path and normalised evidence: stable when lines move.
    pub fingerprint: String,
    pub rule: String,
    pub vendor: String,
    pub service: String,
    pub category: String,
    /// ISO country of the vendor's ultimate parent.
    pub jurisdiction: String,
    pub strength: Strength,
    pub location: Location,
    /// The matched line (or a window of it), with secrets redacted.
    pub evidence: String,
    /// Set when a `.sovscanignore` entry or an inline `sovscan:ignore` comment suppresses the
    /// finding: it stays in the report, but no longer counts in scores and gates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

/// Why a finding is suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Suppression {
    /// `.sovscanignore` (with its line) or `inline`.
    pub source: String,
    pub reason: String,
    /// `YYYY-MM-DD` after which the entry stops suppressing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl Finding {
    /// Builds a finding for `rule` with its fingerprint; `occurrence` tells apart identical
    /// evidence repeated in one file (0 for the first).
    pub fn new(
        rules: &RuleSet,
        rule: &Rule,
        location: Location,
        evidence: String,
        occurrence: u32,
    ) -> Self {
        let vendor = &rules.vendors[rule.vendor];
        let fingerprint = fingerprint(&rule.id, location.path(), &evidence, occurrence);
        Self {
            fingerprint,
            rule: rule.id.clone(),
            vendor: vendor.id.clone(),
            service: rule.service.clone(),
            category: rule.category.clone(),
            jurisdiction: vendor.jurisdiction().to_owned(),
            strength: rule.strength,
            location,
            evidence,
            suppressed: None,
        }
    }

    /// The order findings are reported in: by location, then rule.
    pub fn sort_key(&self) -> (&Location, &str, &str) {
        (&self.location, &self.rule, &self.fingerprint)
    }
}

/// SHA-256 over rule id, path and whitespace-normalised evidence, first 16 bytes in hex.
pub fn fingerprint(rule: &str, path: &str, evidence: &str, occurrence: u32) -> String {
    let normalised = evidence.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut h = Sha256::new();
    for part in [rule, path, normalised.as_str()] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    if occurrence > 0 {
        h.update(occurrence.to_le_bytes());
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What went wrong with one input; the scan goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// A path given on the command line or in the config does not exist.
    NotFound,
    /// The file could not be read (permissions, vanished, I/O error).
    Io,
    /// The walker could not follow an entry (broken symlink, symlink loop, unreadable dir).
    Walk,
    /// The file is larger than the size cap and was skipped.
    TooLarge,
    /// The input asks for a scanner this version does not have yet, or uses a feature sovscan
    /// cannot read (an encrypted archive member).
    Unsupported,
    /// A binary or archive could not be parsed (truncated, corrupt, hostile).
    Malformed,
    /// An archive limit was hit (nesting depth, total size, entry count, compression ratio).
    Limit,
    /// A DNS query failed (SERVFAIL, timeout, refused), or a DNS limit was hit (SPF lookups,
    /// SPF loops, CNAME chains). The path is the domain.
    Dns,
    /// A suppression entry expired and no longer suppresses.
    Suppression,
}

impl ErrorKind {
    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not-found",
            Self::Io => "io",
            Self::Walk => "walk",
            Self::TooLarge => "too-large",
            Self::Unsupported => "unsupported",
            Self::Malformed => "malformed",
            Self::Limit => "limit",
            Self::Dns => "dns",
            Self::Suppression => "suppression",
        }
    }
}

/// One problem with one input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct ScanError {
    pub kind: ErrorKind,
    pub path: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_whitespace_but_not_rule_path_or_occurrence() {
        let a = fingerprint("r", "p", "provider  \"aws\" {", 0);
        assert_eq!(a, fingerprint("r", "p", " provider \"aws\"\t{ ", 0));
        assert_ne!(a, fingerprint("r2", "p", "provider \"aws\" {", 0));
        assert_ne!(a, fingerprint("r", "q", "provider \"aws\" {", 0));
        assert_ne!(a, fingerprint("r", "p", "provider \"aws\" {", 1));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn error_kind_names_match_the_json() {
        for k in [
            ErrorKind::NotFound,
            ErrorKind::Io,
            ErrorKind::Walk,
            ErrorKind::TooLarge,
            ErrorKind::Unsupported,
            ErrorKind::Malformed,
            ErrorKind::Limit,
            ErrorKind::Dns,
            ErrorKind::Suppression,
        ] {
            assert_eq!(serde_json::to_value(k).expect("serialise"), k.as_str());
        }
    }
}
