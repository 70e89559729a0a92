//! The command line: one module per subcommand, each an `Args` struct and a `run()`.
//!
//! `run` writes to the writer it is given and returns an [`ExitStatus`]; it never prints on
//! its own and never exits the process.

pub mod audit;
pub mod explain;
pub mod rules;
pub mod scan;

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::dns::{Backend, DnsOptions, LiveOptions, Source as DnsSource};
use crate::error::{Error, ExitStatus};
use crate::gate::{self, FailOn};
use crate::report::Gate;
use crate::report::table::TableStyle;
use crate::report::{self, Format, Report};
use crate::scan::archive::ArchiveLimits;
use crate::scan::files::{DEFAULT_MAX_FILE_SIZE, FileScanOptions};
use crate::suppress::Suppressions;

/// Measure how far an organisation depends on vendors outside its trusted jurisdictions.
#[derive(Debug, Parser)]
#[command(name = "sovscan", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan paths as one organisation and report its vendor dependencies and score.
    Scan(scan::ScanArgs),
    /// Scan every organisation listed in a sovscan.toml manifest.
    Audit(audit::AuditArgs),
    /// Explain how the scores of a JSON report were reached.
    Explain(explain::ExplainArgs),
    /// List, explain and test the rule packs.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) for `man -l -`.
    Man,
}

/// Options shared by `scan` and `audit`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Add the rule packs in DIR to the built-in ones (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Leave out paths matching this gitignore-style glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Skip (and report) files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Archives nested deeper than N are not opened (a file on disk is depth 0).
    #[arg(long, value_name = "N", default_value_t = ArchiveLimits::default().max_depth)]
    pub max_archive_depth: u32,
    /// Stop reading an archive after this many uncompressed bytes, nested members included.
    #[arg(long, value_name = "BYTES", default_value_t = ArchiveLimits::default().max_total_bytes)]
    pub max_archive_bytes: u64,
    /// Stop reading an archive after this many members, nested members included.
    #[arg(long, value_name = "N", default_value_t = ArchiveLimits::default().max_entries)]
    pub max_archive_entries: u64,
    /// Skip archive members (and stop streams) over 1 MiB that expand more than N times.
    #[arg(long, value_name = "N", default_value_t = ArchiveLimits::default().max_ratio)]
    pub max_compression_ratio: u64,
    /// DNS server to ask, IP or IP:PORT (repeatable; default: the system's resolvers).
    #[arg(long = "resolver", value_name = "IP[:PORT]", value_parser = parse_resolver)]
    pub resolvers: Vec<std::net::SocketAddr>,
    /// Seconds to wait for one DNS answer before retrying.
    #[arg(long, value_name = "SECONDS", default_value_t = 3.0)]
    pub dns_timeout: f64,
    /// Domains scanned at once.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub dns_concurrency: usize,
    /// Answer DNS queries from a snapshot written by --dns-snapshot-out, with no network.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["zones", "resolvers"])]
    pub dns_snapshot: Option<PathBuf>,
    /// Record every DNS answer of this run to FILE, to rerun the audit with --dns-snapshot.
    #[arg(long, value_name = "FILE")]
    pub dns_snapshot_out: Option<PathBuf>,
    /// Answer DNS queries from RFC 1035 zone files instead of the network (repeatable).
    #[arg(long = "zone", value_name = "FILE", conflicts_with = "resolvers")]
    pub zones: Vec<PathBuf>,
    /// Worker threads (0: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Colours in the table: auto (when standard output is a terminal and NO_COLOR is unset).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Table with scores and categories only (for CI logs).
    #[arg(long)]
    pub compact: bool,
    /// No progress display on standard error.
    #[arg(short, long)]
    pub quiet: bool,
    /// Counters and timings on standard error after the run.
    #[arg(short, long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with status 1 when an organisation scores below SCORE (0-100).
    #[arg(long, value_name = "SCORE", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub fail_under: Option<u32>,
    /// Exit with status 1 when a finding matches STRENGTH, COUNTRY, `untrusted` or a category,
    /// joined with ':' (e.g. `primary:US`, `used:email`, `untrusted`); repeatable.
    #[arg(long, value_name = "CONDITION", value_parser = FailOn::parse)]
    pub fail_on: Vec<FailOn>,
    /// A previous JSON report: only findings whose fingerprint is new count for --fail-on;
    /// the report lists new and fixed fingerprints.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// Suppressions file (default: .sovscanignore in the scanned directory or the config's).
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,
}

impl ReportArgs {
    fn scan_options(&self) -> FileScanOptions {
        FileScanOptions {
            exclude: self.exclude.clone(),
            max_file_size: self.max_file_size,
            threads: self.threads,
            progress: None,
            archives: ArchiveLimits {
                max_depth: self.max_archive_depth,
                max_total_bytes: self.max_archive_bytes,
                max_entries: self.max_archive_entries,
                max_ratio: self.max_compression_ratio,
                ..ArchiveLimits::default()
            },
        }
    }

    /// The DNS source these options name.
    fn dns_options(&self) -> DnsOptions {
        let source = if let Some(snap) = &self.dns_snapshot {
            DnsSource::Snapshot(snap.clone())
        } else if !self.zones.is_empty() {
            DnsSource::Zones(self.zones.clone())
        } else {
            DnsSource::Live(LiveOptions {
                servers: self.resolvers.clone(),
                timeout: std::time::Duration::from_secs_f64(self.dns_timeout.clamp(0.05, 60.0)),
                attempts: 2,
                // An explicit server may be authoritative; the system's resolver recurses.
                recursion: true,
            })
        };
        DnsOptions {
            source,
            concurrency: self.dns_concurrency.max(1),
        }
    }

    /// Runs `f` with the DNS backend (opened only when there are domains), then writes
    /// `--dns-snapshot-out`.
    fn with_dns<T>(
        &self,
        has_domains: bool,
        f: impl FnOnce(Option<(&Backend, usize)>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if !has_domains {
            return f(None);
        }
        let opts = self.dns_options();
        let backend = crate::dns::backend(&opts)
            .map_err(|e| Error::Dns(e.to_string()))?
            .keep_all(self.dns_snapshot_out.is_some());
        let out = f(Some((&backend, opts.concurrency)))?;
        if let Some(path) = &self.dns_snapshot_out {
            let snapshot = backend.snapshot();
            emit(Some(path), &mut std::io::sink(), |w| {
                serde_json::to_writer_pretty(&mut *w, &snapshot)?;
                w.write_all(b"\n")
            })?;
        }
        Ok(out)
    }

    /// The suppressions: `--ignore-file`, else `.sovscanignore` in `default_dir` if present.
    fn suppressions(
        &self,
        default_dir: Option<&std::path::Path>,
    ) -> Result<Option<Suppressions>, Error> {
        let path = match (&self.ignore_file, default_dir) {
            (Some(p), _) => p.clone(),
            (None, Some(dir)) => dir.join(crate::suppress::FILE_NAME),
            (None, None) => return Ok(None),
        };
        if self.ignore_file.is_none() && !path.is_file() {
            return Ok(None);
        }
        Suppressions::load(&path)
            .map(Some)
            .map_err(|e| Error::Suppressions(e.to_string()))
    }

    /// Checks the gate options against the rule packs (a category in --fail-on must exist).
    fn check_gate(&self, rules: &crate::rules::RuleSet) -> Result<(), Error> {
        for f in &self.fail_on {
            if let Some(cat) = f.unknown_category(rules) {
                return Err(Error::BadFailOn(format!(
                    "`{cat}` in --fail-on `{}` is not a category (`sovscan rules list` shows them)",
                    f.spec
                )));
            }
        }
        Ok(())
    }

    /// A spinner on standard error while the scan runs, when it is a terminal and not --quiet.
    pub(crate) fn progress(&self, opts: &mut FileScanOptions) -> Option<Progress> {
        use std::io::IsTerminal;
        if self.quiet || !std::io::stderr().is_terminal() {
            return None;
        }
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        opts.progress = Some(std::sync::Arc::clone(&counter));
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        let (stop_tx, stop_rx) = std::sync::mpsc::channel::<()>();
        let shown = bar.clone();
        let handle = std::thread::spawn(move || {
            while stop_rx
                .recv_timeout(std::time::Duration::from_millis(200))
                .is_err_and(|e| e == std::sync::mpsc::RecvTimeoutError::Timeout)
            {
                let n = counter.load(std::sync::atomic::Ordering::Relaxed);
                shown.set_message(format!(
                    "{n} files scanned (domains are checked after the files)"
                ));
            }
        });
        Some(Progress {
            bar,
            stop: Some(stop_tx),
            handle: Some(handle),
        })
    }

    /// With --verbose: counters and the wall time on standard error.
    pub(crate) fn report_timing(&self, report: &Report, started: std::time::Instant) {
        if !self.verbose {
            return;
        }
        let s = &report.stats;
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "sovscan: {} text files, {} binaries, {} archives, {} domains ({} DNS queries), {} errors in {:.2} s",
                s.files_scanned,
                s.binaries_scanned,
                s.archives_scanned,
                s.domains_scanned,
                s.dns_queries,
                report.errors.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }

    fn table_style(&self) -> TableStyle {
        use std::io::IsTerminal;
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                self.output.is_none()
                    && std::env::var_os("NO_COLOR").is_none()
                    && std::io::stdout().is_terminal()
            }
        };
        TableStyle {
            color,
            compact: self.compact,
        }
    }

    /// Scans `orgs` (files, then domains) with progress, suppressions from `.sovscanignore` in
    /// `default_dir`, and writes the report: the shared tail of `scan` and `audit`.
    pub(crate) fn run_orgs(
        &self,
        orgs: &[crate::config::OrgConfig],
        rules: &crate::rules::RuleSet,
        default_dir: Option<&std::path::Path>,
        out: &mut dyn Write,
    ) -> Result<ExitStatus, Error> {
        let started = std::time::Instant::now();
        let mut files = self.scan_options();
        let progress = self.progress(&mut files);
        let suppressions = self.suppressions(default_dir)?;
        let has_domains = orgs.iter().any(|o| !o.domains.is_empty());
        let report = self.with_dns(has_domains, |dns| {
            crate::audit::audit(
                orgs,
                crate::audit::Inputs {
                    files: &files,
                    dns,
                    suppressions: suppressions.as_ref(),
                },
                rules,
            )
        })?;
        drop(progress);
        self.report_timing(&report, started);
        self.finish(report, rules, out)
    }

    /// Compares with `--baseline`, applies the gates, writes the report where asked.
    fn finish(
        &self,
        mut report: Report,
        rules: &crate::rules::RuleSet,
        out: &mut dyn Write,
    ) -> Result<ExitStatus, Error> {
        self.check_gate(rules)?;
        if let Some(path) = &self.baseline {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| Error::BadBaseline {
                path: shown.clone(),
                message: e.to_string(),
            })?;
            let fps = gate::baseline_fingerprints(&text).map_err(|message| Error::BadBaseline {
                path: shown.clone(),
                message,
            })?;
            // Suppressed findings are still there: neither new nor fixed.
            let current = report.organisations.iter().flat_map(|o| o.findings.iter());
            report.baseline = Some(gate::diff(&shown, &fps, current));
        }
        if self.fail_under.is_some() || !self.fail_on.is_empty() {
            report.gate = Some(self.gate(&report));
        }
        emit(self.output.as_deref(), out, |w| {
            report::write(&report, rules, self.format, self.table_style(), w)
        })?;
        Ok(match &report.gate {
            Some(g) if !g.passed => ExitStatus::PolicyFailed,
            _ => ExitStatus::Success,
        })
    }

    fn gate(&self, report: &Report) -> Gate {
        let mut failures = Vec::new();
        if let Some(min) = self.fail_under {
            for org in &report.organisations {
                match org.score {
                    Some(s) if s < min => {
                        failures.push(format!("{} scores {s}, under {min}", org.name))
                    }
                    None => failures.push(format!("{} could not be assessed (no score)", org.name)),
                    _ => {}
                }
            }
        }
        let new: Option<std::collections::BTreeSet<&str>> = report
            .baseline
            .as_ref()
            .map(|b| b.new.iter().map(String::as_str).collect());
        for cond in &self.fail_on {
            for org in &report.organisations {
                let untrusted =
                    |v: &str| org.dependencies.iter().any(|d| d.vendor == v && d.counts());
                let hits = org
                    .findings
                    .iter()
                    .filter(|f| f.suppressed.is_none())
                    .filter(|f| {
                        new.as_ref()
                            .is_none_or(|n| n.contains(f.fingerprint.as_str()))
                    })
                    .filter(|f| cond.matches(f, untrusted(&f.vendor)))
                    .count();
                if hits > 0 {
                    let which = if new.is_some() { " new" } else { "" };
                    failures.push(format!(
                        "{}: {hits}{which} finding(s) match --fail-on {}",
                        org.name, cond.spec
                    ));
                }
            }
        }
        Gate {
            passed: failures.is_empty(),
            failures,
        }
    }
}

/// Runs a parsed command line, writing output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match cli.command {
        Command::Scan(args) => scan::run(&args, out),
        Command::Audit(args) => audit::run(&args, out),
        Command::Explain(args) => explain::run(&args, out),
        Command::Rules(cmd) => rules::run(cmd, out),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            emit(None, out, |w| {
                clap_complete::generate(shell, &mut cmd, "sovscan", w);
                Ok(())
            })?;
            Ok(ExitStatus::Success)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            emit(None, out, |w| clap_mangen::Man::new(cmd).render(w))?;
            Ok(ExitStatus::Success)
        }
    }
}

/// Writes through `f` to `path` when given, else to `out`.
pub(crate) fn emit(
    path: Option<&std::path::Path>,
    out: &mut dyn Write,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let wrap = |name: String| move |source| Error::Write { path: name, source };
    match path {
        Some(p) => {
            let name = p.display().to_string();
            let file = std::fs::File::create(p).map_err(wrap(name.clone()))?;
            let mut w = std::io::BufWriter::new(file);
            f(&mut w).map_err(wrap(name.clone()))?;
            w.flush().map_err(wrap(name))
        }
        None => {
            f(out).map_err(wrap("standard output".to_owned()))?;
            out.flush().map_err(wrap("standard output".to_owned()))
        }
    }
}

/// `IP` or `IP:PORT` (port 53 by default); IPv6 with a port as `[::1]:53`.
fn parse_resolver(s: &str) -> Result<std::net::SocketAddr, String> {
    if let Ok(addr) = s.parse::<std::net::SocketAddr>() {
        return Ok(addr);
    }
    s.parse::<std::net::IpAddr>()
        .map(|ip| std::net::SocketAddr::new(ip, 53))
        .map_err(|_| format!("`{s}` is not an IP address or IP:PORT (e.g. 127.0.0.1:5300)"))
}

/// When to colour the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// A running progress display; cleared when dropped.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: indicatif::ProgressBar,
    stop: Option<std::sync::mpsc::Sender<()>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Progress {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        self.bar.finish_and_clear();
    }
}
