//! Raw packs -> validated vendors, categories and rules, collecting every problem at once.
//!
//! Checks follow cargo-deny's habit: each problem names its file, the rule id where there is one,
//! and a hint that says how to fix it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use super::lazy::LazyRegex;
use super::raw::{RawCategories, RawCategory, RawRule, RawVendor, RawVendorPack};
use super::{
    Alternative, BinaryFeature, Category, DnsRecord, EvidenceSource, Examples, IpRanges,
    OwnershipChange, PackSource, Pattern, Rule, RuleKind, SourceKind, Strength, Vendor,
};

/// What sort of problem a pack has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The pack cannot be used: bad TOML, a missing field, a bad regex, a duplicate id.
    Structure,
    /// The pack is well formed but an example does not behave as it says.
    Example,
}

/// One problem found in a rule pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub file: String,
    pub rule: Option<String>,
    pub message: String,
    pub hint: String,
}

impl Problem {
    pub(crate) fn structure(
        file: impl Into<String>,
        rule: Option<&str>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            kind: ProblemKind::Structure,
            file: file.into(),
            rule: rule.map(str::to_owned),
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(rule) = &self.rule {
            write!(f, " [{rule}]")?;
        }
        write!(f, ": {}\n  hint: {}", self.message, self.hint)
    }
}

/// Every problem found while loading rule packs.
#[derive(Debug, Clone, thiserror::Error)]
pub struct RulePackError {
    pub problems: Vec<Problem>,
}

impl RulePackError {
    /// Wraps a list of problems.
    pub fn new(problems: Vec<Problem>) -> Self {
        Self { problems }
    }

    /// True when every problem is a failing example, not a broken pack.
    pub fn only_examples(&self) -> bool {
        self.problems.iter().all(|p| p.kind == ProblemKind::Example)
    }
}

impl fmt::Display for RulePackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} problem(s) in the rule packs:", self.problems.len())?;
        for p in &self.problems {
            writeln!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Bare words that name a vendor or product but mean something else too.
///
/// A rule that matches one of these on its own would flag every README that says "teams" or
/// "oracle": the loader rejects it.
const COMMON_WORDS: &[&str] = &[
    "teams",
    "zoom",
    "oracle",
    "box",
    "azure",
    "aws",
    "amazon",
    "google",
    "gcp",
    "microsoft",
    "office",
    "outlook",
    "windows",
    "slack",
    "github",
    "cloud",
    "cloudflare",
    "s3",
    "drive",
    "apple",
    "meta",
    "okta",
    "stripe",
    "docker",
    "bucket",
    "storage",
    "mail",
    "exchange",
    "dropbox",
    "notion",
    "ovh",
    "scaleway",
    "hetzner",
    "gitlab",
    "sentry",
    "datadog",
    "atlas",
    "lambda",
    "gemini",
    "copilot",
    "workspace",
    "sharepoint",
    "onedrive",
    "firebase",
    "heroku",
];

const OBJECTIVES: &[&str] = &[
    "SOV-1", "SOV-2", "SOV-3", "SOV-4", "SOV-5", "SOV-6", "SOV-7", "SOV-8",
];

/// The validated parts of a rule set.
pub(super) struct Validated {
    pub vendors: Vec<Vendor>,
    pub categories: Vec<Category>,
    pub rules: Vec<Rule>,
    pub ip_ranges: Vec<Arc<IpRanges>>,
}

/// Validates all sources; returns the compiled parts or every problem found.
pub(super) fn validate(
    sources: &[PackSource],
    mut problems: Vec<Problem>,
    examples: Examples,
) -> Result<Validated, RulePackError> {
    let mut categories = Vec::new();
    for src in sources.iter().filter(|s| s.kind == SourceKind::Categories) {
        categories.extend(load_categories(src, &mut problems));
    }
    let ip_ranges = load_ip_ranges(sources, &mut problems);
    check_unique_categories(&categories, sources, &mut problems);
    if categories.is_empty() && !problems.iter().any(|p| p.file.contains("categories")) {
        problems.push(Problem::structure(
            "categories.toml",
            None,
            "no service categories are defined",
            "add a categories.toml with [[category]] entries",
        ));
    }
    let category_ids: BTreeSet<&str> = categories.iter().map(|c| c.id.as_str()).collect();

    let mut vendors: Vec<Vendor> = Vec::new();
    let mut rules: Vec<Rule> = Vec::new();
    let mut rule_origin: BTreeMap<String, String> = BTreeMap::new();
    for src in sources.iter().filter(|s| s.kind == SourceKind::Vendor) {
        let pack: RawVendorPack = match toml::from_str(&src.text) {
            Ok(p) => p,
            Err(e) => {
                problems.push(toml_problem(&src.origin, &src.text, &e));
                continue;
            }
        };
        // An invalid vendor still has its rules checked, so every problem shows at once;
        // nothing is returned when any problem exists, so the placeholder index is never used.
        let vendor_idx = match check_vendor(pack.vendor, src, &vendors, &mut problems) {
            Some(vendor) => {
                vendors.push(vendor);
                vendors.len() - 1
            }
            None => usize::MAX,
        };
        if pack.rules.is_empty() {
            problems.push(Problem::structure(
                &src.origin,
                None,
                "the pack has no [[rule]] entries",
                "add at least one [[rule]] that recognises this vendor",
            ));
        }
        for raw in pack.rules {
            if let Some(prev) = rule_origin.get(&raw.id) {
                problems.push(Problem::structure(
                    &src.origin,
                    Some(&raw.id),
                    format!("rule id is already used in {prev}"),
                    "rule ids are global and never reused: pick a new kebab-case id",
                ));
                continue;
            }
            rule_origin.insert(raw.id.clone(), src.origin.clone());
            let known = Known {
                categories: &category_ids,
                ip_ranges: &ip_ranges,
                run_examples: examples == Examples::All || !src.origin.starts_with("builtin:"),
            };
            if let Some(rule) = check_rule(raw, vendor_idx, &src.origin, &known, &mut problems) {
                rules.push(rule);
            }
        }
    }
    if problems.is_empty() {
        Ok(Validated {
            vendors,
            categories,
            rules,
            ip_ranges,
        })
    } else {
        Err(RulePackError::new(problems))
    }
}

fn toml_problem(origin: &str, text: &str, e: &toml::de::Error) -> Problem {
    let msg = e.message().trim().to_owned();
    let at = e
        .span()
        .map(|s| {
            let before = &text.as_bytes()[..s.start.min(text.len())];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let col = before.len()
                - before
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |p| p + 1)
                + 1;
            format!(" (line {line}, column {col})")
        })
        .unwrap_or_default();
    Problem::structure(
        origin,
        None,
        format!("invalid TOML: {msg}{at}"),
        "fix the syntax or field name; see the rule format in README.md",
    )
}

fn load_categories(src: &PackSource, problems: &mut Vec<Problem>) -> Vec<Category> {
    let raw: RawCategories = match toml::from_str(&src.text) {
        Ok(r) => r,
        Err(e) => {
            problems.push(toml_problem(&src.origin, &src.text, &e));
            return Vec::new();
        }
    };
    raw.categories
        .into_iter()
        .filter_map(|c| check_category(c, &src.origin, problems))
        .collect()
}

fn check_category(c: RawCategory, origin: &str, problems: &mut Vec<Problem>) -> Option<Category> {
    let before = problems.len();
    let id = Some(c.id.as_str());
    if !is_kebab(&c.id) {
        problems.push(Problem::structure(
            origin,
            id,
            format!("category id `{}` is not kebab-case", c.id),
            "use lower-case words joined by '-', e.g. `iaas-paas`",
        ));
    }
    if !(1..=10).contains(&c.weight) {
        problems.push(Problem::structure(
            origin,
            id,
            format!("weight {} is outside 1..=10", c.weight),
            "give the category a weight from 1 (minor) to 10 (critical)",
        ));
    }
    if c.weight_reason.trim().is_empty() {
        problems.push(Problem::structure(
            origin,
            id,
            "weight_reason is empty",
            "say in one sentence why the category weighs what it does",
        ));
    }
    for o in &c.objectives {
        if !OBJECTIVES.contains(&o.as_str()) {
            problems.push(Problem::structure(
                origin,
                id,
                format!("unknown objective `{o}`"),
                "use the EU Cloud Sovereignty Framework ids SOV-1 .. SOV-8",
            ));
        }
    }
    if c.sources.is_empty() {
        problems.push(Problem::structure(
            origin,
            id,
            "sources is empty",
            "list the scanners that can see the category: sources = [\"files\", \"dns\"]",
        ));
    }
    for src in &c.sources {
        if EvidenceSource::parse(src).is_none() {
            problems.push(Problem::structure(
                origin,
                id,
                format!("unknown source `{src}`"),
                format!("use {}", EvidenceSource::NAMES.join(", ")),
            ));
        }
    }
    for a in &c.alternatives {
        if !is_country(&a.seat) && a.seat != "OSS" {
            problems.push(Problem::structure(
                origin,
                id,
                format!("alternative `{}` has seat `{}`", a.name, a.seat),
                "use an ISO 3166-1 alpha-2 code (DE, FR, ...) or OSS for a community project",
            ));
        }
    }
    (problems.len() == before).then(|| Category {
        id: c.id,
        name: c.name,
        weight: c.weight,
        weight_reason: c.weight_reason,
        objectives: c.objectives,
        sources: c
            .sources
            .iter()
            .filter_map(|s| EvidenceSource::parse(s))
            .collect(),
        alternatives: c
            .alternatives
            .into_iter()
            .map(|a| Alternative {
                name: a.name,
                seat: a.seat,
                caveat: a.caveat,
            })
            .collect(),
    })
}

fn load_ip_ranges(sources: &[PackSource], problems: &mut Vec<Problem>) -> Vec<Arc<IpRanges>> {
    let mut out: Vec<Arc<IpRanges>> = Vec::new();
    for src in sources.iter().filter(|s| s.kind == SourceKind::IpRanges) {
        if out.iter().any(|r| r.name == src.stem) {
            problems.push(Problem::structure(
                &src.origin,
                None,
                format!("IP-range list `{}` is defined twice", src.stem),
                "give the list a new file name; user lists may not replace built-in ones",
            ));
            continue;
        }
        match IpRanges::parse(&src.stem, &src.origin, &src.text) {
            Ok(r) => out.push(Arc::new(r)),
            Err(p) => problems.extend(p),
        }
    }
    out
}

fn check_unique_categories(cats: &[Category], sources: &[PackSource], problems: &mut Vec<Problem>) {
    let origin = sources
        .iter()
        .find(|s| s.kind == SourceKind::Categories)
        .map_or("categories.toml", |s| s.origin.as_str());
    let mut seen = BTreeSet::new();
    for c in cats {
        if !seen.insert(&c.id) {
            problems.push(Problem::structure(
                origin,
                Some(&c.id),
                "category id is defined twice",
                "keep one [[category]] per id; user packs may not redefine built-in categories",
            ));
        }
    }
}

fn check_vendor(
    v: RawVendor,
    src: &PackSource,
    known: &[Vendor],
    problems: &mut Vec<Problem>,
) -> Option<Vendor> {
    let before = problems.len();
    let origin = src.origin.as_str();
    let mut bad = |message: String, hint: &str| {
        problems.push(Problem::structure(origin, None, message, hint));
    };
    if !is_kebab(&v.id) {
        bad(
            format!("vendor id `{}` is not kebab-case", v.id),
            "use lower-case words joined by '-', e.g. `open-telekom-cloud`",
        );
    } else if v.id != src.stem {
        bad(
            format!(
                "vendor id `{}` does not match the file name `{}.toml`",
                v.id, src.stem
            ),
            "name the file after the vendor id: vendors/<vendor-id>.toml",
        );
    }
    if known.iter().any(|k| k.id == v.id) {
        bad(
            format!("vendor `{}` is defined twice", v.id),
            "a user pack may not redefine a built-in vendor: add rules under a new vendor id",
        );
    }
    for (field, value) in [
        ("legal_seat", &v.legal_seat),
        ("parent_country", &v.parent_country),
    ] {
        if !is_country(value) {
            bad(
                format!("{field} `{value}` is not an ISO 3166-1 alpha-2 code"),
                "use two upper-case letters, e.g. US, DE, FR, CH",
            );
        }
    }
    if !is_date(&v.as_of) {
        bad(
            format!("as_of `{}` is not a YYYY-MM-DD date", v.as_of),
            "date the ownership facts, e.g. as_of = \"2026-11-22\"",
        );
    }
    if !v.source.starts_with("https://") && !v.source.starts_with("http://") {
        bad(
            format!("source `{}` is not a URL", v.source),
            "cite the page that states the vendor's seat and owner",
        );
    }
    for h in &v.history {
        if !is_month(&h.date) && !is_date(&h.date) {
            bad(
                format!("history date `{}` is not YYYY-MM or YYYY-MM-DD", h.date),
                "date the ownership change, e.g. date = \"2025-12\"",
            );
        }
        if h.event.trim().is_empty() {
            bad(
                "history event is empty".to_owned(),
                "say what changed, e.g. \"Acquired by Proofpoint, Inc. (US)\"",
            );
        }
    }
    if v.name.trim().is_empty() || v.parent.trim().is_empty() {
        bad(
            "name and parent must not be empty".to_owned(),
            "give the display name and the ultimate parent (the vendor itself if independent)",
        );
    }
    (problems.len() == before).then(|| Vendor {
        id: v.id,
        name: v.name,
        legal_seat: v.legal_seat,
        parent: v.parent,
        parent_country: v.parent_country,
        as_of: v.as_of,
        source: v.source,
        notes: v.notes,
        history: v
            .history
            .into_iter()
            .map(|h| OwnershipChange {
                date: h.date,
                event: h.event,
            })
            .collect(),
        origin: src.origin.clone(),
    })
}

/// What a rule may refer to.
struct Known<'a> {
    categories: &'a BTreeSet<&'a str>,
    ip_ranges: &'a [Arc<IpRanges>],
    run_examples: bool,
}

fn check_rule(
    r: RawRule,
    vendor: usize,
    origin: &str,
    known: &Known<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Rule> {
    let before = problems.len();
    let id = r.id.clone();
    let mut bad = |message: String, hint: &str| {
        problems.push(Problem::structure(origin, Some(&id), message, hint));
    };
    if !is_kebab(&r.id) {
        bad(
            "rule id is not kebab-case".to_owned(),
            "name it after what it detects, e.g. `aws-terraform-provider`",
        );
    }
    if !known.categories.contains(r.category.as_str()) {
        bad(
            format!("unknown category `{}`", r.category),
            "use an id from rules/categories.toml (`sovscan rules list` shows them)",
        );
    }
    let kind = RuleKind::parse(&r.kind);
    if kind.is_none() {
        bad(
            format!("unknown kind `{}`", r.kind),
            "use one of: file, binary, dns, ip",
        );
    }
    let strength = Strength::parse(&r.strength);
    if strength.is_none() {
        bad(
            format!("unknown strength `{}`", r.strength),
            "use primary (runs on it), used (calls it) or present (mentions it)",
        );
    }
    for (field, value) in [
        ("service", &r.service),
        ("description", &r.description),
        ("rationale", &r.rationale),
        ("remediation", &r.remediation),
    ] {
        if value.trim().is_empty() {
            bad(
                format!("{field} is empty"),
                "every rule documents itself: fill it in",
            );
        }
    }
    if r.references.is_empty() {
        bad(
            "no references".to_owned(),
            "cite at least one vendor or standards page the pattern comes from",
        );
    }
    for glob in &r.paths {
        if let Err(e) = globset::Glob::new(glob) {
            bad(
                format!("bad path glob `{glob}`: {e}"),
                "use gitignore-style globs such as `*.tf`",
            );
        }
    }
    let records = parse_names(
        &r.records,
        "records",
        DnsRecord::parse,
        DnsRecord::NAMES,
        &mut bad,
    );
    let features = parse_names(
        &r.features,
        "features",
        BinaryFeature::parse,
        BinaryFeature::NAMES,
        &mut bad,
    );
    if let Some(kind) = kind {
        check_kind_fields(kind, &r, &mut bad);
    }
    for k in &r.keywords {
        if k.len() < 3 || !k.is_ascii() {
            bad(
                format!("keyword `{k}` is shorter than 3 bytes or not ASCII"),
                "use a distinctive ASCII literal taken from the pattern",
            );
        }
    }
    // Built-in packs loaded for a scan keep their patterns uncompiled (see `lazy.rs`); every
    // other load compiles and checks them here.
    let defer = !known.run_examples;
    let regex = match r.regex.as_deref() {
        Some(pattern) if defer => Some(LazyRegex::deferred(pattern.to_owned())),
        Some(pattern) => compile_regex(pattern, &mut bad).map(LazyRegex::compiled),
        None => None,
    };
    let ranges = r.ranges.as_deref().and_then(|name| {
        let found = known.ip_ranges.iter().find(|x| x.name == name).cloned();
        if found.is_none() {
            bad(
                format!("unknown IP-range list `{name}`"),
                "name a file of rules/ip-ranges/ (without .txt), e.g. ranges = \"amazon\"",
            );
        }
        found
    });
    let unless = match r.unless.as_deref() {
        Some(pattern) if defer => Some(Ok(LazyRegex::deferred(pattern.to_owned()))),
        Some(pattern) => Some(build_regex(pattern).map(LazyRegex::compiled)),
        None => None,
    };
    let unless = match unless {
        None => None,
        Some(Ok(re)) => Some(re),
        Some(Err(e)) => {
            let first = e.to_string().lines().last().unwrap_or_default().to_owned();
            bad(
                format!("`unless` regex does not compile: {first}"),
                "use Rust regex syntax in ASCII mode",
            );
            None
        }
    };
    if let Some(re) = regex.as_ref().filter(|_| !defer) {
        check_common_words(re, &mut bad);
    }
    let (matches, no_matches) = match r.examples {
        Some(ex) => (ex.matches, ex.no_match),
        None => (Vec::new(), Vec::new()),
    };
    if matches.is_empty() || no_matches.is_empty() {
        bad(
            "a rule needs examples.match and examples.no_match".to_owned(),
            "add at least one text it must find and one look-alike it must not",
        );
    }
    if problems.len() != before {
        return None;
    }
    let pattern = match (regex, ranges) {
        (Some(re), _) => Pattern::Regex(re),
        (None, Some(r)) => Pattern::Ranges(r),
        (None, None) => return None,
    };
    let rule = Rule {
        id: r.id,
        vendor,
        service: r.service,
        category: r.category,
        kind: kind?,
        paths: r.paths,
        keywords: r.keywords,
        pattern,
        records,
        features,
        unless,
        strength: strength?,
        description: r.description,
        rationale: r.rationale,
        remediation: r.remediation,
        references: r.references,
        examples_match: matches,
        examples_no_match: no_matches,
    };
    if known.run_examples {
        check_examples(&rule, origin, problems);
    }
    Some(rule)
}

/// Parses a list of names from a closed set, reporting unknown and repeated ones.
fn parse_names<T: PartialEq>(
    names: &[String],
    field: &str,
    parse: fn(&str) -> Option<T>,
    choices: &[&str],
    bad: &mut impl FnMut(String, &str),
) -> Vec<T> {
    let mut out = Vec::new();
    for n in names {
        match parse(n) {
            Some(v) if out.contains(&v) => bad(
                format!("`{n}` is listed twice in {field}"),
                "list each value once",
            ),
            Some(v) => out.push(v),
            None => bad(
                format!("unknown {field} value `{n}`"),
                &format!("use some of: {}", choices.join(", ")),
            ),
        }
    }
    out
}

/// Checks that a rule carries the fields its kind needs and none that belong to other kinds.
fn check_kind_fields(kind: RuleKind, r: &RawRule, bad: &mut impl FnMut(String, &str)) {
    use RuleKind::{Binary, Dns, File, Ip};
    // (field, set in this rule, the kinds it belongs to)
    let fields: [(&str, bool, &[RuleKind]); 7] = [
        ("paths", !r.paths.is_empty(), &[File]),
        ("keywords", !r.keywords.is_empty(), &[File]),
        ("records", !r.records.is_empty(), &[Dns]),
        ("features", !r.features.is_empty(), &[Binary]),
        ("ranges", r.ranges.is_some(), &[Ip]),
        ("regex", r.regex.is_some(), &[File, Dns, Binary]),
        ("unless", r.unless.is_some(), &[File, Dns, Binary]),
    ];
    for (field, set, kinds) in fields {
        if set && !kinds.contains(&kind) {
            bad(
                format!("`{field}` does not apply to kind = \"{}\"", kind.as_str()),
                "remove the field, or change the rule's kind",
            );
        }
    }
    let missing = match kind {
        File if r.keywords.is_empty() => Some((
            "a file rule needs keywords",
            "list the literal strings every match contains; they drive the fast prefilter",
        )),
        Dns if r.records.is_empty() => Some((
            "a dns rule needs records",
            "say which record values it matches, e.g. records = [\"mx\"]",
        )),
        Binary if r.features.is_empty() => Some((
            "a binary rule needs features",
            "say which extracted features it matches, e.g. features = [\"signer\", \"company\"]",
        )),
        Ip if r.ranges.is_none() => Some((
            "an ip rule needs ranges",
            "name a file of rules/ip-ranges/, e.g. ranges = \"amazon\"",
        )),
        _ => None,
    };
    if let Some((message, hint)) = missing {
        bad(message.to_owned(), hint);
    }
    if kind != Ip && r.regex.is_none() {
        bad(
            "the rule has no regex".to_owned(),
            "add regex = '...': the pattern the rule looks for",
        );
    }
}

/// Compiles a rule regex the way the scanner runs it: bytes, ASCII classes, bounded size.
pub(crate) fn build_regex(pattern: &str) -> Result<regex::bytes::Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(1 << 20)
        .dfa_size_limit(4 << 20)
        .build()
}

fn compile_regex(pattern: &str, bad: &mut impl FnMut(String, &str)) -> Option<regex::bytes::Regex> {
    match build_regex(pattern) {
        Ok(re) if re.is_match(b"") => {
            bad(
                "regex matches the empty string".to_owned(),
                "anchor the pattern on a literal vendor token",
            );
            None
        }
        Ok(re) => Some(re),
        Err(e) => {
            let first = e.to_string().lines().last().unwrap_or_default().to_owned();
            bad(
                format!("regex does not compile: {first}"),
                "patterns use Rust regex syntax in ASCII mode; escape '.' as '\\.'",
            );
            None
        }
    }
}

fn check_common_words(re: &regex::bytes::Regex, bad: &mut impl FnMut(String, &str)) {
    for word in COMMON_WORDS {
        let upper = word.to_uppercase();
        let title = format!("{}{}", &upper[..1], &word[1..]);
        for text in [word.to_string(), upper, format!("we use {title} here.")] {
            if re.is_match(text.as_bytes()) {
                bad(
                    format!("regex matches the bare word `{word}`"),
                    "a common word is never a finding: require a vendor-specific token \
                     (hostname, package name, resource type)",
                );
                return;
            }
        }
    }
}

/// Checks that each `match` example is found (prefilter and regex) and each `no_match` is not.
fn check_examples(rule: &Rule, origin: &str, problems: &mut Vec<Problem>) {
    let mut fail = |message: String, hint: &str| {
        problems.push(Problem {
            kind: ProblemKind::Example,
            file: origin.to_owned(),
            rule: Some(rule.id.clone()),
            message,
            hint: hint.to_owned(),
        });
    };
    for ex in &rule.examples_match {
        if !super::RuleSet::rule_fires(rule, ex.as_bytes()) {
            fail(
                format!("match example is not matched (regex, or vetoed by `unless`): {ex:?}"),
                "widen the regex or correct the example",
            );
        } else if rule.kind == RuleKind::File && !contains_keyword(rule, ex) {
            fail(
                format!("match example contains none of the keywords: {ex:?}"),
                "the prefilter would skip this text: add a keyword it contains",
            );
        }
    }
    for ex in &rule.examples_no_match {
        let found = super::RuleSet::rule_fires(rule, ex.as_bytes())
            && (rule.kind != RuleKind::File || contains_keyword(rule, ex));
        if found {
            fail(
                format!("no_match example is matched: {ex:?}"),
                "tighten the regex so this look-alike is left alone",
            );
        }
    }
}

fn contains_keyword(rule: &Rule, text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    rule.keywords
        .iter()
        .any(|k| lower.contains(&k.to_ascii_lowercase()))
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_country(s: &str) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// True for `YYYY-MM`.
fn is_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit())
        && matches!(s[5..7].parse::<u8>(), Ok(1..=12))
}

/// True for `YYYY-MM-DD`.
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && matches!(s[5..7].parse::<u8>(), Ok(1..=12))
        && matches!(s[8..10].parse::<u8>(), Ok(1..=31))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_and_dates() {
        assert!(is_kebab("aws-sdk-npm"));
        assert!(!is_kebab("AWS_sdk"));
        assert!(!is_kebab("a--b"));
        assert!(is_date("2026-11-22"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("22/11/2026"));
    }
}
