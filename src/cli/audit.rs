//! `sovscan audit [--config sovscan.toml]`: every organisation of a manifest.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::ReportArgs;
use crate::config::Config;
use crate::error::{Error, ExitStatus};
use crate::rules::RuleSet;

/// Arguments of `sovscan audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The manifest listing the organisations ([[org]] with name, paths, domains).
    #[arg(long, value_name = "FILE", default_value = "sovscan.toml")]
    pub config: PathBuf,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Runs `audit`.
pub fn run(args: &AuditArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let config = Config::load(&args.config)?;
    let rules = RuleSet::load(&args.report.rules)?;
    config.check(&rules)?;
    let dir = args.config.parent().unwrap_or(std::path::Path::new("."));
    args.report.run_orgs(&config.orgs, &rules, Some(dir), out)
}
