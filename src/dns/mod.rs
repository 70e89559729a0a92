//! Domain scanning: where an organisation's mail really goes and who hosts its names.
//!
//! Per domain, [`collect`] asks MX (and the addresses of MX hosts no rule recognises), apex TXT
//! with SPF expansion, `_dmarc`, DKIM selectors, service CNAMEs and SRVs, NS, and the apex and
//! www chains; [`classify`] matches the values against the `kind = "dns"` rules and the
//! addresses against the published cloud ranges, then names the mail provider, gateway,
//! senders, DNS and web hosting. Answers come from a live resolver ([`live`] on sovscan's own
//! client, [`udp`]), a snapshot or zone files ([`backend`]), through one cache shared by every
//! domain of the run.

pub mod answer;
pub mod backend;
mod batch;
pub mod classify;
pub mod collect;
pub mod live;
pub mod udp;

use std::path::PathBuf;

use futures_util::StreamExt;

pub use backend::{Backend, LiveOptions, Snapshot, Zones};
pub use classify::DomainSummary;

use crate::finding::{ErrorKind, Finding, ScanError};
use crate::rules::{DnsRecord, RuleSet};

/// Where answers come from.
#[derive(Debug, Clone)]
pub enum Source {
    Live(LiveOptions),
    /// Replay a file written by `--dns-snapshot-out`.
    Snapshot(PathBuf),
    /// Read RFC 1035 zone files.
    Zones(Vec<PathBuf>),
}

/// How to scan domains.
#[derive(Debug, Clone)]
pub struct DnsOptions {
    pub source: Source,
    /// Domains in flight at once.
    pub concurrency: usize,
}

/// Problems that stop a domain scan before it starts (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum DnsSetupError {
    #[error(
        "cannot read DNS snapshot {path}: {message}\n  hint: pass a file written by --dns-snapshot-out"
    )]
    Snapshot { path: String, message: String },
    #[error("{0}\n  hint: --zone takes RFC 1035 zone files with $ORIGIN or an SOA record")]
    Zone(String),
    #[error("{0}\n  hint: give servers with --resolver IP[:PORT]")]
    Resolver(String),
    #[error("cannot start the DNS runtime: {0}")]
    Runtime(String),
}

/// One domain's result.
#[derive(Debug, Clone)]
pub struct DomainResult {
    pub summary: DomainSummary,
    pub findings: Vec<Finding>,
    pub errors: Vec<ScanError>,
}

/// The result of scanning every domain of a run.
#[derive(Debug)]
pub struct DnsScan {
    /// In the order the domains were given.
    pub domains: Vec<DomainResult>,
    /// Queries sent to the source (each name and type once).
    pub queries: u64,
}

/// Opens the answer source.
pub fn backend(opts: &DnsOptions) -> Result<Backend, DnsSetupError> {
    match &opts.source {
        Source::Live(live) => Backend::live(live).map_err(DnsSetupError::Resolver),
        Source::Snapshot(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| DnsSetupError::Snapshot {
                path: shown.clone(),
                message: e.to_string(),
            })?;
            let snapshot: Snapshot =
                serde_json::from_str(&text).map_err(|e| DnsSetupError::Snapshot {
                    path: shown.clone(),
                    message: e.to_string(),
                })?;
            if snapshot.version != backend::SNAPSHOT_VERSION {
                return Err(DnsSetupError::Snapshot {
                    path: shown,
                    message: format!(
                        "version {} (this sovscan reads version {})",
                        snapshot.version,
                        backend::SNAPSHOT_VERSION
                    ),
                });
            }
            Ok(Backend::replay(snapshot))
        }
        Source::Zones(files) => Zones::load(files)
            .map(Backend::zones)
            .map_err(DnsSetupError::Zone),
    }
}

/// Scans `domains` with answers from `dns`, `concurrency` domains at a time.
pub fn scan_domains(
    domains: &[String],
    rules: &RuleSet,
    dns: &Backend,
    concurrency: usize,
) -> Result<DnsScan, DnsSetupError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| DnsSetupError::Runtime(e.to_string()))?;
    let recognised = |host: &str| {
        !rules
            .dns_matcher()
            .matches(DnsRecord::Mx, host.as_bytes())
            .is_empty()
    };
    let results = runtime.block_on(async {
        futures_util::stream::iter(domains.iter().enumerate())
            .map(|(i, d)| async move { (i, collect::collect(dns, d, &recognised).await) })
            .buffer_unordered(concurrency.max(1))
            .collect::<Vec<_>>()
            .await
    });
    let mut ordered = results;
    ordered.sort_by_key(|(i, _)| *i);
    let domains = ordered
        .into_iter()
        .map(|(_, obs)| {
            let mut findings = classify::findings(rules, &obs);
            let summary = classify::summarise(&obs, &mut findings);
            let errors = obs
                .problems
                .iter()
                .map(|p| ScanError {
                    kind: ErrorKind::Dns,
                    path: obs.domain.clone(),
                    message: format!("{}: {}", p.query, p.message),
                })
                .collect();
            DomainResult {
                summary,
                findings,
                errors,
            }
        })
        .collect();
    Ok(DnsScan {
        domains,
        queries: dns.queries(),
    })
}

/// Normalises a domain given by a user: trimmed, lower case, no trailing dot; `None` when it is
/// not a plausible domain name.
pub fn normalise_domain(d: &str) -> Option<String> {
    let d = d.trim().trim_end_matches('.').to_ascii_lowercase();
    let ok = d.contains('.')
        && d.len() <= 253
        && d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    ok.then_some(d)
}
