//! `sovscan scan PATH... [--org NAME]`: the given paths are one organisation.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::ReportArgs;
use crate::audit::scan_one;
use crate::config::Config;
use crate::error::{Error, ExitStatus};
use crate::rules::RuleSet;
use crate::score::Policy;

/// Arguments of `sovscan scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Name of the organisation in the report (default: the first path's directory name).
    #[arg(long, value_name = "NAME")]
    pub org: Option<String>,
    /// Take the policy (trusted_jurisdictions, weights, allow) from this sovscan.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Runs `scan`.
pub fn run(args: &ScanArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let rules = RuleSet::load(&args.report.rules)?;
    let policy = match &args.config {
        Some(path) => Config::load_policy(path, &rules)?,
        None => Policy::default(),
    };
    let name = args
        .org
        .clone()
        .unwrap_or_else(|| default_name(&args.paths));
    let report = scan_one(
        &name,
        &args.paths,
        &args.report.scan_options(),
        &rules,
        &policy,
    )?;
    args.report.finish(&report, out)
}

/// The first path's last component (resolved, so `.` gives the directory's real name).
fn default_name(paths: &[PathBuf]) -> String {
    paths
        .first()
        .and_then(|p| std::fs::canonicalize(p).ok().or_else(|| Some(p.clone())))
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "organisation".to_owned())
}
