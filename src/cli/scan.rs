//! `sovscan scan [PATH...] [--domain D]... [--org NAME]`: the given paths and domains are one
//! organisation (a `--domains-file` with an org column adds one organisation per org).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::ReportArgs;
use crate::config::{Config, OrgConfig};
use crate::dns::normalise_domain;
use crate::error::{Error, ExitStatus};
use crate::rules::RuleSet;
use crate::score::Policy;

/// Arguments of `sovscan scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// A domain of the organisation: its MX, SPF, DKIM, DMARC, NS, CNAME and addresses are
    /// checked (repeatable).
    #[arg(long = "domain", value_name = "DOMAIN")]
    pub domains: Vec<String>,
    /// Domains from a file: one per line, or CSV with `org` and `domain` columns (one
    /// organisation per org).
    #[arg(long, value_name = "FILE")]
    pub domains_file: Option<PathBuf>,
    /// Name of the organisation in the report (default: the first path's directory name, or
    /// the first domain).
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
    let mut domains = Vec::new();
    let mut bad = Vec::new();
    for d in &args.domains {
        match normalise_domain(d) {
            Some(n) => domains.push(n),
            None => bad.push(d.clone()),
        }
    }
    let mut extra_orgs: Vec<(String, Vec<String>)> = Vec::new();
    if let Some(file) = &args.domains_file {
        let (plain, by_org, wrong) = read_domains_file(file)?;
        domains.extend(plain);
        extra_orgs = by_org;
        bad.extend(wrong);
    }
    if !bad.is_empty() {
        return Err(Error::BadDomains(bad.join(", ")));
    }
    let mut orgs = Vec::new();
    if !args.paths.is_empty() || !domains.is_empty() {
        let name = args
            .org
            .clone()
            .unwrap_or_else(|| default_name(&args.paths, &domains));
        orgs.push(OrgConfig {
            name,
            paths: args.paths.clone(),
            domains,
            exclude: Vec::new(),
            policy: policy.clone(),
        });
    }
    for (name, domains) in extra_orgs {
        orgs.push(OrgConfig {
            name,
            paths: Vec::new(),
            domains,
            exclude: Vec::new(),
            policy: policy.clone(),
        });
    }
    if orgs.is_empty() {
        return Err(Error::NothingToScan);
    }
    let dir = args.paths.first().map(|p| {
        if p.is_dir() {
            p.as_path()
        } else {
            p.parent().unwrap_or(Path::new("."))
        }
    });
    args.report.run_orgs(&orgs, &rules, dir, out)
}

type DomainLists = (Vec<String>, Vec<(String, Vec<String>)>, Vec<String>);

/// Reads a domains file: plain lines, or CSV whose header names `org` and `domain` columns.
/// Blank lines and `#` comments are skipped. Returns (plain domains, per-org domains, invalid).
fn read_domains_file(path: &Path) -> Result<DomainLists, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::BadDomainsFile {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .peekable();
    let header: Vec<String> = lines
        .peek()
        .map(|h| {
            h.split(',')
                .map(|c| c.trim().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let org_col = header
        .iter()
        .position(|c| c == "org" || c == "organisation" || c == "organization");
    let domain_col = header.iter().position(|c| c == "domain");
    let (mut plain, mut bad) = (Vec::new(), Vec::new());
    let mut by_org: Vec<(String, Vec<String>)> = Vec::new();
    match (org_col, domain_col) {
        (Some(oc), Some(dc)) => {
            lines.next();
            for line in lines {
                let cols: Vec<&str> = line.split(',').map(str::trim).collect();
                let (Some(org), Some(d)) = (cols.get(oc), cols.get(dc)) else {
                    bad.push(line.to_owned());
                    continue;
                };
                match normalise_domain(d) {
                    Some(n) => match by_org.iter_mut().find(|(o, _)| o == org) {
                        Some((_, list)) => list.push(n),
                        None => by_org.push(((*org).to_owned(), vec![n])),
                    },
                    None => bad.push((*d).to_owned()),
                }
            }
        }
        (None, Some(dc)) => {
            lines.next();
            for line in lines {
                let d = line.split(',').nth(dc).unwrap_or("").trim();
                match normalise_domain(d) {
                    Some(n) => plain.push(n),
                    None => bad.push(d.to_owned()),
                }
            }
        }
        _ => {
            for line in lines {
                match normalise_domain(line) {
                    Some(n) => plain.push(n),
                    None => bad.push(line.to_owned()),
                }
            }
        }
    }
    Ok((plain, by_org, bad))
}

/// The first path's last component (resolved, so `.` gives the directory's real name), or the
/// first domain.
fn default_name(paths: &[PathBuf], domains: &[String]) -> String {
    paths
        .first()
        .and_then(|p| std::fs::canonicalize(p).ok().or_else(|| Some(p.clone())))
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| domains.first().cloned())
        .unwrap_or_else(|| "organisation".to_owned())
}
