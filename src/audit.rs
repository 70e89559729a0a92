//! Runs the pipeline for organisations: scanners -> findings -> scorer -> report.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::config::OrgConfig;
use crate::dns::{self, Backend, DomainResult};
use crate::error::Error;
use crate::finding::ErrorKind;
use crate::report::{OrganisationReport, Report};
use crate::rules::{EvidenceSource, RuleSet};
use crate::scan::Stats;
use crate::scan::files::{FileScanOptions, scan_paths};
use crate::score::{Policy, Scope, assess};
use crate::suppress::Suppressions;

/// What a run reads besides the organisations themselves.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub files: &'a FileScanOptions,
    /// The DNS answer source and how many domains to scan at once.
    pub dns: Option<(&'a Backend, usize)>,
    /// `.sovscanignore` entries, applied to every organisation.
    pub suppressions: Option<&'a Suppressions>,
}

/// Scans one organisation's paths and domains as a single organisation named `name`.
pub fn scan_one(
    name: &str,
    paths: &[PathBuf],
    domains: &[String],
    inputs: Inputs,
    rules: &RuleSet,
    policy: &Policy,
) -> Result<Report, Error> {
    let org = OrgConfig {
        name: name.to_owned(),
        paths: paths.to_vec(),
        domains: domains.to_vec(),
        exclude: Vec::new(),
        policy: policy.clone(),
    };
    audit(std::slice::from_ref(&org), inputs, rules)
}

/// Scans and scores every organisation under its own policy; fails only when no input at all
/// could be read.
pub fn audit(orgs: &[OrgConfig], inputs: Inputs, rules: &RuleSet) -> Result<Report, Error> {
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    let mut stats = Stats::default();
    let mut missing = Vec::new();
    let mut path_inputs = 0usize;

    // Every domain of every organisation in one run: one cache, shared SPF includes asked once.
    let mut all_domains: Vec<String> = orgs
        .iter()
        .flat_map(|o| o.domains.iter().cloned())
        .collect();
    all_domains.sort();
    all_domains.dedup();
    let mut by_domain: BTreeMap<String, DomainResult> = BTreeMap::new();
    if let (Some((backend, concurrency)), false) = (inputs.dns, all_domains.is_empty()) {
        let scan = dns::scan_domains(&all_domains, rules, backend, concurrency)
            .map_err(|e| Error::Dns(e.to_string()))?;
        stats.domains_scanned += scan.domains.len() as u64;
        stats.dns_queries += scan.queries;
        for d in scan.domains {
            by_domain.insert(d.summary.domain.clone(), d);
        }
    }

    for org in orgs {
        let mut org_opts = inputs.files.clone();
        org_opts.exclude.extend(org.exclude.iter().cloned());
        let mut scan = scan_paths(&org.paths, &org_opts, rules)?;
        path_inputs += org.paths.len();
        missing.extend(
            scan.errors
                .iter()
                .filter(|e| e.kind == ErrorKind::NotFound)
                .map(|e| e.path.clone()),
        );
        let mut summaries = Vec::new();
        let mut dns_answered = false;
        for domain in &org.domains {
            let Some(d) = by_domain.get(domain) else {
                continue;
            };
            dns_answered |= d.summary.answered;
            summaries.push(d.summary.clone());
            scan.findings.extend(d.findings.iter().cloned());
            errors.extend(d.errors.iter().cloned());
        }
        scan.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        if let Some(sup) = inputs.suppressions {
            errors.extend(sup.apply(&mut scan.findings, &crate::suppress::today()));
        }
        // DNS is in scope only when at least one domain got real answers: a dead resolver must
        // not make mail look sovereign.
        let scope = Scope::of(
            [
                (!org.paths.is_empty()).then_some(EvidenceSource::Files),
                dns_answered.then_some(EvidenceSource::Dns),
            ]
            .into_iter()
            .flatten(),
        );
        // Suppressed findings stay in the report; the scorer does not count them.
        let assessment = assess(&scan.findings, rules, &org.policy, &scope);
        let mut report = OrganisationReport::new(org.name.clone(), assessment, scan.findings);
        report.domains = summaries;
        reports.push(report);
        errors.extend(scan.errors);
        stats.add(&scan.stats);
    }
    let domain_inputs: usize = orgs.iter().map(|o| o.domains.len()).sum();
    if path_inputs > 0 && missing.len() == path_inputs && domain_inputs == 0 {
        return Err(Error::NoInput(missing.join(", ")));
    }
    Ok(Report::new(reports, errors, stats))
}
