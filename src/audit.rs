//! Runs the pipeline for organisations: scanners -> findings -> scorer -> report.

use std::path::PathBuf;

use crate::config::OrgConfig;
use crate::error::Error;
use crate::finding::{ErrorKind, ScanError};
use crate::report::{OrganisationReport, Report};
use crate::rules::EvidenceSource;
use crate::rules::RuleSet;
use crate::scan::Stats;
use crate::scan::files::{FileScanOptions, scan_paths};
use crate::score::{Policy, Scope, assess};

/// Scans one organisation's paths as a single organisation named `name`.
pub fn scan_one(
    name: &str,
    paths: &[PathBuf],
    opts: &FileScanOptions,
    rules: &RuleSet,
    policy: &Policy,
) -> Result<Report, Error> {
    let org = OrgConfig {
        name: name.to_owned(),
        paths: paths.to_vec(),
        domains: Vec::new(),
        exclude: Vec::new(),
        policy: policy.clone(),
    };
    audit(std::slice::from_ref(&org), opts, rules)
}

/// Scans and scores every organisation under its own policy; fails only when no input at all
/// could be read.
pub fn audit(orgs: &[OrgConfig], opts: &FileScanOptions, rules: &RuleSet) -> Result<Report, Error> {
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    let mut stats = Stats::default();
    let mut missing = Vec::new();
    let mut inputs = 0usize;
    for org in orgs {
        let mut org_opts = opts.clone();
        org_opts.exclude.extend(org.exclude.iter().cloned());
        let scan = scan_paths(&org.paths, &org_opts, rules)?;
        inputs += org.paths.len();
        missing.extend(
            scan.errors
                .iter()
                .filter(|e| e.kind == ErrorKind::NotFound)
                .map(|e| e.path.clone()),
        );
        for domain in &org.domains {
            errors.push(ScanError {
                kind: ErrorKind::Unsupported,
                path: domain.clone(),
                message: format!(
                    "domain scanning is not available in this version; {}'s mail and DNS are not assessed",
                    org.name
                ),
            });
        }
        // Domains are not scanned in this version, so DNS is never in scope: categories seen
        // only through DNS (email) are reported as not assessed.
        let scope = Scope::of((!org.paths.is_empty()).then_some(EvidenceSource::Files));
        let assessment = assess(&scan.findings, rules, &org.policy, &scope);
        reports.push(OrganisationReport::new(
            org.name.clone(),
            assessment,
            scan.findings,
        ));
        errors.extend(scan.errors);
        stats.add(&scan.stats);
    }
    if inputs > 0 && missing.len() == inputs {
        return Err(Error::NoInput(missing.join(", ")));
    }
    Ok(Report::new(reports, errors, stats))
}
