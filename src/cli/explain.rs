//! `sovscan explain REPORT.json [--org NAME]`: how the scores of a saved report were reached.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::error::{Error, ExitStatus};
use crate::report::explain;

/// Arguments of `sovscan explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A report written by `--format json`.
    #[arg(value_name = "REPORT")]
    pub report: PathBuf,
    /// Explain only this organisation.
    #[arg(long, value_name = "NAME")]
    pub org: Option<String>,
}

/// Runs `explain`.
pub fn run(args: &ExplainArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let name = args.report.display().to_string();
    let text = std::fs::read_to_string(&args.report).map_err(|e| Error::BadReport {
        path: name.clone(),
        message: e.to_string(),
    })?;
    let report: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::BadReport {
        path: name.clone(),
        message: format!("not JSON: {e}"),
    })?;
    if report["organisations"][0]["explanation"].is_null() {
        return Err(Error::BadReport {
            path: name,
            message: "no score explanations in it (written by sovscan before schema 1.2.0?)"
                .to_owned(),
        });
    }
    if let Some(org) = &args.org
        && !report["organisations"]
            .as_array()
            .is_some_and(|o| o.iter().any(|x| x["name"] == org.as_str()))
    {
        return Err(Error::BadReport {
            path: name,
            message: format!("no organisation named `{org}`"),
        });
    }
    super::emit(None, out, |w| {
        explain::write(&report, args.org.as_deref(), w)
    })?;
    Ok(ExitStatus::Success)
}
