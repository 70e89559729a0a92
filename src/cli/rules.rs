//! `sovscan rules list | explain ID | test [DIR]`.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use crate::error::{Error, ExitStatus};
use crate::rules::{PackSource, Pattern, Rule, RuleKind, RuleSet, SourceKind};

/// The `rules` subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule (built-in and --rules DIR).
    List(ListArgs),
    /// Show what a rule detects, why it matters and what to do about it.
    Explain(ExplainArgs),
    /// Run every rule's match/no_match examples (built-in packs, or the packs in DIR).
    Test(TestArgs),
    /// Write the file rules' regexes for another tool, e.g. a ripgrep pattern file for
    /// `rg -f` (one pattern per line).
    Export(ExportArgs),
}

/// Arguments of `rules list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Add the rule packs in DIR (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

/// Formats of `rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
    /// The rule reference kept in docs/rules.md.
    Markdown,
}

/// Arguments of `rules explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, e.g. aws-terraform-provider.
    pub id: String,
    /// Add the rule packs in DIR (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

/// Arguments of `rules export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Add the rule packs in DIR (repeatable).
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Rg)]
    pub format: ExportFormat,
}

/// Formats of `rules export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// A ripgrep pattern file: each distinct file-rule regex on one line, in ASCII mode.
    Rg,
    /// The file rules' prefilter keywords, lower case, one per line (for `rg -F -i -f`).
    Keywords,
}

/// Arguments of `rules test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// A directory of rule packs to test instead of the built-in ones.
    pub dir: Option<PathBuf>,
}

/// Runs a `rules` subcommand.
pub fn run(cmd: RulesCommand, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    match cmd {
        RulesCommand::List(args) => list(&args, out),
        RulesCommand::Explain(args) => explain(&args, out),
        RulesCommand::Test(args) => test(&args, out),
        RulesCommand::Export(args) => export(&args, out),
    }
}

#[derive(Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    vendor: &'a str,
    jurisdiction: &'a str,
    service: &'a str,
    category: &'a str,
    kind: &'a str,
    strength: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    paths: &'a [String],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    records: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    features: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regex: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ranges: Option<&'a str>,
    description: &'a str,
    references: &'a [String],
}

#[derive(Serialize)]
struct VendorRow<'a> {
    id: &'a str,
    name: &'a str,
    /// ISO country of the ultimate parent's seat.
    jurisdiction: &'a str,
    legal_seat: &'a str,
    parent: &'a str,
    as_of: &'a str,
    source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    history: &'a [crate::rules::OwnershipChange],
    rules: usize,
}

#[derive(Serialize)]
struct RangesRow<'a> {
    name: &'a str,
    as_of: &'a str,
    source: &'a str,
    ipv4_intervals: usize,
    ipv6_intervals: usize,
}

#[derive(Serialize)]
struct Listing<'a> {
    vendors: Vec<VendorRow<'a>>,
    categories: &'a [crate::rules::Category],
    rules: Vec<RuleRow<'a>>,
    ip_ranges: Vec<RangesRow<'a>>,
}

fn listing(set: &RuleSet) -> Listing<'_> {
    let mut rules: Vec<RuleRow<'_>> = set
        .rules
        .iter()
        .map(|r| {
            let v = &set.vendors[r.vendor];
            RuleRow {
                id: &r.id,
                vendor: &v.id,
                jurisdiction: v.jurisdiction(),
                service: &r.service,
                category: &r.category,
                kind: r.kind.as_str(),
                strength: r.strength.as_str(),
                paths: &r.paths,
                records: r.records.iter().map(|x| x.as_str()).collect(),
                features: r.features.iter().map(|x| x.as_str()).collect(),
                regex: r.regex().map(|re| re.as_str()),
                ranges: match &r.pattern {
                    Pattern::Ranges(x) => Some(x.name.as_str()),
                    Pattern::Regex(_) => None,
                },
                description: &r.description,
                references: &r.references,
            }
        })
        .collect();
    rules.sort_by(|a, b| a.id.cmp(b.id));
    let mut vendors: Vec<VendorRow<'_>> = set
        .vendors
        .iter()
        .enumerate()
        .map(|(i, v)| VendorRow {
            id: &v.id,
            name: &v.name,
            jurisdiction: v.jurisdiction(),
            legal_seat: &v.legal_seat,
            parent: &v.parent,
            as_of: &v.as_of,
            source: &v.source,
            notes: v.notes.as_deref(),
            history: &v.history,
            rules: set.rules.iter().filter(|r| r.vendor == i).count(),
        })
        .collect();
    vendors.sort_by(|a, b| a.id.cmp(b.id));
    let mut ip_ranges: Vec<RangesRow<'_>> = set
        .ip_ranges
        .iter()
        .map(|r| {
            let (v4, v6) = r.len();
            RangesRow {
                name: &r.name,
                as_of: &r.as_of,
                source: &r.source,
                ipv4_intervals: v4,
                ipv6_intervals: v6,
            }
        })
        .collect();
    ip_ranges.sort_by(|a, b| a.name.cmp(b.name));
    Listing {
        vendors,
        categories: &set.categories,
        rules,
        ip_ranges,
    }
}

fn list(args: &ListArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let set = RuleSet::load(&args.rules)?;
    let listing = listing(&set);
    super::emit(None, out, |w| match args.format {
        ListFormat::Markdown => w.write_all(reference_markdown(&set).as_bytes()),
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &listing)?;
            writeln!(w)
        }
        ListFormat::Table => {
            writeln!(
                w,
                "{:<40} {:<14} {:<4} {:<7} {:<8} {:<22}",
                "RULE", "VENDOR", "JUR.", "KIND", "STRENGTH", "CATEGORY"
            )?;
            for r in &listing.rules {
                writeln!(
                    w,
                    "{:<40} {:<14} {:<4} {:<7} {:<8} {:<22}",
                    r.id, r.vendor, r.jurisdiction, r.kind, r.strength, r.category
                )?;
            }
            writeln!(
                w,
                "\n{} rules from {} vendors in {} categories.",
                listing.rules.len(),
                listing.vendors.len(),
                listing.categories.len()
            )
        }
    })?;
    Ok(ExitStatus::Success)
}

fn explain(args: &ExplainArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let set = RuleSet::load(&args.rules)?;
    let rule = set
        .rule(&args.id)
        .ok_or_else(|| Error::UnknownRule(args.id.clone()))?;
    super::emit(None, out, |w| write_explanation(&set, rule, w))?;
    Ok(ExitStatus::Success)
}

/// The `rules explain` text for one rule.
pub fn write_explanation(set: &RuleSet, rule: &Rule, w: &mut dyn Write) -> std::io::Result<()> {
    let v = &set.vendors[rule.vendor];
    let cat = set.category(&rule.category);
    writeln!(w, "{}", rule.id)?;
    writeln!(w, "{}\n", "-".repeat(rule.id.len()))?;
    writeln!(w, "{}\n", rule.description)?;
    writeln!(
        w,
        "Vendor:      {} ({}), parent {} ({}), facts as of {}",
        v.name, v.legal_seat, v.parent, v.parent_country, v.as_of
    )?;
    writeln!(w, "             source: {}", v.source)?;
    for h in &v.history {
        writeln!(w, "             {}: {}", h.date, h.event)?;
    }
    writeln!(w, "Service:     {}", rule.service)?;
    writeln!(
        w,
        "Category:    {}",
        cat.map_or(rule.category.as_str(), |c| c.name.as_str())
    )?;
    writeln!(w, "Kind:        {}", rule.kind.as_str())?;
    writeln!(w, "Strength:    {}", rule.strength)?;
    if !rule.paths.is_empty() {
        writeln!(w, "Paths:       {}", rule.paths.join(", "))?;
    }
    if !rule.keywords.is_empty() {
        writeln!(w, "Keywords:    {}", rule.keywords.join(", "))?;
    }
    if !rule.records.is_empty() {
        let names: Vec<&str> = rule.records.iter().map(|r| r.as_str()).collect();
        writeln!(w, "Records:     {}", names.join(", "))?;
    }
    if !rule.features.is_empty() {
        let names: Vec<&str> = rule.features.iter().map(|f| f.as_str()).collect();
        writeln!(w, "Features:    {}", names.join(", "))?;
    }
    match &rule.pattern {
        Pattern::Regex(re) => writeln!(w, "Regex:       {}", re.as_str())?,
        Pattern::Ranges(r) => {
            let (v4, v6) = r.len();
            writeln!(
                w,
                "Ranges:      {} ({v4} IPv4 and {v6} IPv6 intervals, as of {}, from {})",
                r.name, r.as_of, r.source
            )?;
        }
    }
    if let Some(u) = &rule.unless {
        writeln!(w, "Unless:      {}", u.as_str())?;
    }
    writeln!(w, "\nWhy it matters\n  {}", rule.rationale)?;
    writeln!(w, "\nWhat to do\n  {}", rule.remediation)?;
    if let Some(c) = cat.filter(|c| !c.alternatives.is_empty()) {
        writeln!(w, "\nAlternatives ({})", c.name)?;
        for a in &c.alternatives {
            match &a.caveat {
                Some(cv) => writeln!(w, "  - {} [{}]: {cv}", a.name, a.seat)?,
                None => writeln!(w, "  - {} [{}]", a.name, a.seat)?,
            }
        }
    }
    writeln!(w, "\nExamples found")?;
    for e in &rule.examples_match {
        writeln!(w, "  + {}", one_line(e))?;
    }
    writeln!(w, "Examples left alone")?;
    for e in &rule.examples_no_match {
        writeln!(w, "  - {}", one_line(e))?;
    }
    writeln!(w, "\nReferences")?;
    for r in &rule.references {
        writeln!(w, "  {r}")?;
    }
    Ok(())
}

fn one_line(s: &str) -> String {
    s.trim().replace('\n', " ⏎ ")
}

fn test(args: &TestArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let sources: Vec<PackSource> =
        match &args.dir {
            None => crate::rules::builtin_sources(),
            Some(dir) => {
                let mut found = crate::rules::read_dir_sources(dir)
                    .map_err(crate::rules::RulePackError::new)?;
                // Categories and IP ranges the directory does not define come from the built-ins,
                // so a directory of vendor packs can be tested on its own.
                let has_categories = found.iter().any(|s| s.kind == SourceKind::Categories);
                let own_ranges: Vec<String> = found
                    .iter()
                    .filter(|s| s.kind == SourceKind::IpRanges)
                    .map(|s| s.stem.clone())
                    .collect();
                found.extend(crate::rules::builtin_sources().into_iter().filter(
                    |s| match s.kind {
                        SourceKind::Categories => !has_categories,
                        SourceKind::IpRanges => !own_ranges.contains(&s.stem),
                        SourceKind::Vendor => false,
                    },
                ));
                found
            }
        };
    match RuleSet::from_sources(&sources, Vec::new()) {
        Ok(set) => {
            super::emit(None, out, |w| {
                writeln!(
                    w,
                    "ok: {} rules from {} vendors, {} examples behave as stated",
                    set.rules.len(),
                    set.vendors.len(),
                    set.example_count()
                )
            })?;
            Ok(ExitStatus::Success)
        }
        Err(e) if e.only_examples() => {
            super::emit(None, out, |w| write!(w, "{e}"))?;
            Ok(ExitStatus::PolicyFailed)
        }
        Err(e) => Err(e.into()),
    }
}

/// The rule reference (docs/rules.md): every vendor and its rules, generated from the packs.
pub fn reference_markdown(set: &RuleSet) -> String {
    use std::fmt::Write as _;
    let listing = listing(set);
    let mut s = String::from(
        "# Rule reference\n\nGenerated by `sovscan rules list --format markdown` from the built-in \
         packs in `rules/`; a test keeps it in step. `sovscan rules explain ID` shows one rule in full.\n",
    );
    let _ = writeln!(
        s,
        "\n{} vendors, {} rules, {} categories, {} IP-range lists.\n",
        listing.vendors.len(),
        listing.rules.len(),
        listing.categories.len(),
        listing.ip_ranges.len()
    );
    s.push_str("| vendor | id | jurisdiction | rules |\n|---|---|---|---|\n");
    for v in &listing.vendors {
        let _ = writeln!(
            s,
            "| [{}](#{}) | `{}` | {} | {} |",
            v.name.replace('|', "\\|"),
            v.id,
            v.id,
            v.jurisdiction,
            v.rules
        );
    }
    for v in &listing.vendors {
        let _ = write!(
            s,
            "\n<a id=\"{}\"></a>\n## {} (`{}`)\n\nSeat {}, ultimate parent {} ({}), as of {}. Source: <{}>\n",
            v.id, v.name, v.id, v.legal_seat, v.parent, v.jurisdiction, v.as_of, v.source
        );
        for h in v.history {
            let _ = writeln!(s, "- {}: {}", h.date, h.event);
        }
        s.push_str("\n| rule | kind | strength | category | detects |\n|---|---|---|---|---|\n");
        for r in listing.rules.iter().filter(|r| r.vendor == v.id) {
            let on: Vec<&str> = r
                .records
                .iter()
                .chain(&r.features)
                .copied()
                .chain(r.ranges)
                .collect();
            let kind = if on.is_empty() {
                r.kind.to_owned()
            } else {
                format!("{} ({})", r.kind, on.join(", "))
            };
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {} |",
                r.id,
                kind,
                r.strength,
                r.category,
                r.description.replace('|', "\\|")
            );
        }
    }
    s.push_str("\n## IP-range lists\n\n| list | as of | intervals (IPv4 / IPv6) | source |\n|---|---|---|---|\n");
    for r in &listing.ip_ranges {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} / {} | <{}> |",
            r.name, r.as_of, r.ipv4_intervals, r.ipv6_intervals, r.source
        );
    }
    s
}

/// `rules export`: the file rules' regexes (deduplicated, in rule order) or their keywords
/// (sorted).
///
/// Each regex is prefixed with `(?-u)` so ripgrep runs it in the ASCII mode sovscan uses. A
/// pattern spanning lines (an explicit `\n`) is written as it is: ripgrep needs `--multiline`
/// for those, as `benches/compare.sh` explains.
fn export(args: &ExportArgs, out: &mut dyn Write) -> Result<ExitStatus, Error> {
    let set = RuleSet::load(&args.rules)?;
    let file_rules = || set.rules.iter().filter(|r| r.kind == RuleKind::File);
    super::emit(None, out, |w| match args.format {
        ExportFormat::Rg => {
            let mut seen = std::collections::BTreeSet::new();
            for re in file_rules().filter_map(Rule::regex) {
                if seen.insert(re.as_str()) {
                    writeln!(w, "(?-u){}", re.as_str())?;
                }
            }
            Ok(())
        }
        ExportFormat::Keywords => {
            let keywords: std::collections::BTreeSet<String> = file_rules()
                .flat_map(|r| r.keywords.iter().map(|k| k.to_ascii_lowercase()))
                .collect();
            keywords.iter().try_for_each(|k| writeln!(w, "{k}"))
        }
    })?;
    Ok(ExitStatus::Success)
}
