//! Errors that stop a run (exit status 2). Problems with single inputs are not errors: they
//! go into the report's `errors` and the scan goes on.

use crate::config::ConfigError;
use crate::rules::RulePackError;
use crate::scan::files::FileScanError;

/// Why a run could not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule pack is invalid; every problem is listed.
    #[error("{0}")]
    RulePack(#[from] RulePackError),
    /// The config file is invalid; every problem is listed.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// Scan options are invalid (e.g. a bad `--exclude` glob).
    #[error("{0}")]
    Options(#[from] FileScanError),
    /// None of the given inputs exists or could be read.
    #[error(
        "no readable input: {0}\n  hint: check the paths; `sovscan scan --help` shows the usage"
    )]
    NoInput(String),
    /// A rule id asked for does not exist.
    #[error("unknown rule `{0}`\n  hint: `sovscan rules list` shows every rule id")]
    UnknownRule(String),
    /// Neither a path nor a domain was given.
    #[error(
        "nothing to scan\n  hint: give paths, --domain DOMAIN or --domains-file FILE; `sovscan scan --help` shows the usage"
    )]
    NothingToScan,
    /// Some domains given are not domain names.
    #[error(
        "not a domain name: {0}\n  hint: write bare domains such as example.org (no scheme, path or spaces)"
    )]
    BadDomains(String),
    /// The domains file cannot be read.
    #[error(
        "cannot read domains file {path}: {message}\n  hint: one domain per line, or CSV with org and domain columns"
    )]
    BadDomainsFile { path: String, message: String },
    /// The suppressions file is invalid; every problem is listed.
    #[error("{0}")]
    Suppressions(String),
    /// The baseline report cannot be read.
    #[error(
        "cannot use baseline {path}: {message}\n  hint: pass a report written by `sovscan ... --format json -o report.json`"
    )]
    BadBaseline { path: String, message: String },
    /// A --fail-on condition names something that does not exist.
    #[error(
        "{0}\n  hint: conditions join a strength (present, used, primary), a country code, `untrusted` or a category id with ':'"
    )]
    BadFailOn(String),
    /// The DNS source cannot be opened (bad snapshot, bad zone file, no resolver).
    #[error("{0}")]
    Dns(String),
    /// A report given to `explain` cannot be read.
    #[error(
        "cannot explain {path}: {message}\n  hint: write a report with `sovscan scan ... --format json -o report.json`"
    )]
    BadReport { path: String, message: String },
    /// Writing the report failed.
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// True when the error is a closed pipe on stdout (`sovscan ... | head`): exit quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Write { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// How a run ended, mapped to the process exit code by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the run finished and no policy failed.
    Success,
    /// 1: the run finished but a policy failed (`--fail-under`, failing rule examples).
    PolicyFailed,
    /// 2: the run could not finish (bad arguments, rule pack or config, no input).
    Error,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> i32 {
        match self {
            Self::Success => 0,
            Self::PolicyFailed => 1,
            Self::Error => 2,
        }
    }
}
