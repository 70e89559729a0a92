//! `sovscan audit [--config sovscan.toml]`: every organisation of a manifest.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::ReportArgs;
use crate::audit::Inputs;
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
    let started = std::time::Instant::now();
    let mut files = args.report.scan_options();
    let progress = args.report.progress(&mut files);
    let suppressions = args.report.suppressions(Some(
        args.config.parent().unwrap_or(std::path::Path::new(".")),
    ))?;
    let has_domains = config.orgs.iter().any(|o| !o.domains.is_empty());
    let report = args.report.with_dns(has_domains, |dns| {
        crate::audit::audit(
            &config.orgs,
            Inputs {
                files: &files,
                dns,
                suppressions: suppressions.as_ref(),
            },
            &rules,
        )
    })?;
    drop(progress);
    args.report.report_timing(&report, started);
    args.report.finish(report, &rules, out)
}
