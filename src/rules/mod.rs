//! Rule packs: the on-disk form ([`raw`]), its validation ([`validate`]) and the compiled
//! [`RuleSet`] the scanners run.
//!
//! A pack is data, never code: one TOML file per vendor plus `categories.toml`. The built-in packs
//! are embedded in the binary by `build.rs`; `--rules DIR` adds user packs on top.

mod builtin;
mod compile;
mod ip;
mod lazy;
mod raw;
mod validate;

use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

pub use builtin::sources as builtin_sources;
pub use compile::{BinaryMatcher, DnsMatcher, FileMatcher, KeywordHits};
pub use ip::IpRanges;
pub use lazy::LazyRegex;
pub(crate) use validate::is_date;
pub use validate::{Problem, ProblemKind, RulePackError};

/// Declares a closed set of lower-case names parsed from rule packs.
macro_rules! named_set {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// The names of every value, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// Parses the name used in rule packs.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The name used in rule packs and reports.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }
    };
}

named_set! {
    /// How strongly a finding ties the organisation to a vendor.
    ///
    /// Ordered from weakest to strongest, so `max()` picks the strongest evidence.
    Strength {
        /// A mention, or a capability the code could use among several.
        Present = "present",
        /// The organisation calls or depends on the service (an SDK, an endpoint, a token).
        Used = "used",
        /// The organisation runs on the service (deployed infrastructure, mail, identity).
        Primary = "primary",
    }
}

impl fmt::Display for BinaryFeature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

named_set! {
    /// Which scanner a rule feeds.
    ///
    /// Only `file` rules run today; the other kinds are validated now so packs can already carry
    /// them for the binary, DNS and IP-range scanners.
    RuleKind {
        /// Text files: IaC, manifests, CI definitions, configs, code.
        File = "file",
        /// Strings, imports and signers of executables and archives.
        Binary = "binary",
        /// DNS record values (MX, SPF, TXT, CNAME, NS, DKIM, DMARC).
        Dns = "dns",
        /// IP addresses matched against published cloud ranges.
        Ip = "ip",
    }
}

named_set! {
    /// Which DNS record value a `kind = "dns"` rule is matched against.
    DnsRecord {
        /// An MX exchange host (lower case, trailing dot).
        Mx = "mx",
        /// A whole SPF TXT string, one per record of the include chain.
        Spf = "spf",
        /// An apex TXT string other than SPF (verification tokens).
        Txt = "txt",
        /// The `_dmarc` TXT string.
        Dmarc = "dmarc",
        /// The CNAME target of a DKIM selector.
        Dkim = "dkim",
        /// A CNAME target host.
        Cname = "cname",
        /// An NS host.
        Ns = "ns",
        /// An SRV value: `priority weight port target.`
        Srv = "srv",
    }
}

named_set! {
    /// Which extracted feature of a binary a `kind = "binary"` rule is matched against.
    BinaryFeature {
        /// A linked library: ELF DT_NEEDED, PE import, Mach-O dylib.
        Library = "library",
        /// PE VERSIONINFO CompanyName.
        Company = "company",
        /// PE ProductName or FileDescription.
        Product = "product",
        /// Authenticode signer subject or issuer.
        Signer = "signer",
        /// A Go module path or Rust crate from build info.
        Module = "module",
        /// A Java package/class or .NET assembly reference.
        Package = "package",
        /// An exported or imported symbol.
        Symbol = "symbol",
        /// Any other embedded string.
        String = "string",
    }
}

named_set! {
    /// A scanner whose evidence a category can be assessed from.
    EvidenceSource {
        /// Repositories, configs, binaries and archives under the scanned paths.
        Files = "files",
        /// The organisation's domains (MX, SPF, TXT, CNAME, NS, addresses).
        Dns = "dns",
    }
}

/// What a rule matches: a regex over text, or an address list.
#[derive(Debug, Clone)]
pub enum Pattern {
    Regex(LazyRegex),
    Ranges(Arc<IpRanges>),
}

/// A vendor and the jurisdiction it answers to.
#[derive(Debug, Clone, Serialize)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    pub legal_seat: String,
    pub parent: String,
    pub parent_country: String,
    pub as_of: String,
    pub source: String,
    pub notes: Option<String>,
    /// Dated ownership changes, oldest first.
    pub history: Vec<OwnershipChange>,
    /// The pack file the vendor came from (`builtin:aws.toml` or a user path).
    pub origin: String,
}

impl Vendor {
    /// The jurisdiction that can compel the vendor: the ultimate parent's country.
    pub fn jurisdiction(&self) -> &str {
        &self.parent_country
    }
}

/// A dated change of a vendor's ownership or seat.
#[derive(Debug, Clone, Serialize)]
pub struct OwnershipChange {
    pub date: String,
    pub event: String,
}

/// An EU or open-source alternative for a category.
#[derive(Debug, Clone, Serialize)]
pub struct Alternative {
    pub name: String,
    pub seat: String,
    pub caveat: Option<String>,
}

/// A service category with its weight in the overall score.
#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub id: String,
    pub name: String,
    pub weight: u32,
    pub weight_reason: String,
    pub objectives: Vec<String>,
    /// The scanners that can see the category; with none of them in scope it is not assessed.
    pub sources: Vec<EvidenceSource>,
    pub alternatives: Vec<Alternative>,
}

/// A validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    /// Index into [`RuleSet::vendors`].
    pub vendor: usize,
    pub service: String,
    pub category: String,
    pub kind: RuleKind,
    pub paths: Vec<String>,
    pub keywords: Vec<String>,
    pub pattern: Pattern,
    /// `kind = "dns"`: the record values the rule applies to.
    pub records: Vec<DnsRecord>,
    /// `kind = "binary"`: the features the rule applies to.
    pub features: Vec<BinaryFeature>,
    /// When the whole file matches this, the rule reports nothing in that file.
    pub unless: Option<LazyRegex>,
    pub strength: Strength,
    pub description: String,
    pub rationale: String,
    pub remediation: String,
    pub references: Vec<String>,
    pub examples_match: Vec<String>,
    pub examples_no_match: Vec<String>,
}

impl Rule {
    /// True when the rule's `unless` pattern is found in `text`: the rule then reports nothing
    /// there.
    pub fn vetoed(&self, text: &[u8]) -> bool {
        self.unless.as_ref().is_some_and(|u| u.is_match(text))
    }

    /// The rule's regex; `None` for `kind = "ip"` rules.
    pub fn regex(&self) -> Option<&LazyRegex> {
        match &self.pattern {
            Pattern::Regex(re) => Some(re),
            Pattern::Ranges(_) => None,
        }
    }
}

/// Every vendor, category and rule in force for a run, validated and compiled.
#[derive(Debug)]
pub struct RuleSet {
    pub vendors: Vec<Vendor>,
    pub categories: Vec<Category>,
    pub rules: Vec<Rule>,
    /// The IP-range lists, by name.
    pub ip_ranges: Vec<Arc<IpRanges>>,
    files: FileMatcher,
    /// Built on first use: a scan of text files never pays for them.
    binaries: std::sync::OnceLock<BinaryMatcher>,
    dns: std::sync::OnceLock<DnsMatcher>,
}

/// One pack source: where it came from and its text.
#[derive(Debug, Clone)]
pub struct PackSource {
    /// Shown in errors: `builtin:aws.toml` or the file path.
    pub origin: String,
    /// File name without extension, which must equal the vendor id.
    pub stem: String,
    pub text: String,
    pub kind: SourceKind,
}

/// Whose examples a load runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Examples {
    All,
    /// Only packs that do not come from `builtin:`.
    UserPacks,
}

/// What a pack source holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// `categories.toml`.
    Categories,
    /// `vendors/<vendor-id>.toml`.
    Vendor,
    /// `ip-ranges/<name>.txt`.
    IpRanges,
}

impl SourceKind {
    /// Classifies a file under a rules directory by its relative path.
    pub fn of(rel: &Path) -> Option<Self> {
        let ext = rel.extension()?.to_str()?;
        let in_ranges = rel
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "ip-ranges");
        match ext {
            "txt" if in_ranges => Some(Self::IpRanges),
            "toml" if rel.file_stem().is_some_and(|s| s == "categories") => Some(Self::Categories),
            "toml" => Some(Self::Vendor),
            _ => None,
        }
    }
}

impl RuleSet {
    /// Loads the built-in packs and, for each `dir`, the user packs in it.
    ///
    /// Every problem in every pack is collected before returning. The examples of user packs are
    /// run; those of the built-in packs were run when they were tested (`sovscan rules test`,
    /// `cargo test`), so a scan does not pay for them again.
    pub fn load(user_dirs: &[impl AsRef<Path>]) -> Result<Self, RulePackError> {
        let mut sources = builtin::sources();
        let mut problems = Vec::new();
        for dir in user_dirs {
            match read_dir_sources(dir.as_ref()) {
                Ok(found) => sources.extend(found),
                Err(p) => problems.extend(p),
            }
        }
        Self::compile(&sources, problems, Examples::UserPacks)
    }

    /// Loads only the built-in packs, running all their examples.
    pub fn builtin() -> Result<Self, RulePackError> {
        Self::from_sources(&builtin::sources(), Vec::new())
    }

    /// Validates and compiles the given sources, running every example; `problems` carries
    /// earlier I/O problems.
    pub fn from_sources(
        sources: &[PackSource],
        problems: Vec<Problem>,
    ) -> Result<Self, RulePackError> {
        Self::compile(sources, problems, Examples::All)
    }

    fn compile(
        sources: &[PackSource],
        problems: Vec<Problem>,
        examples: Examples,
    ) -> Result<Self, RulePackError> {
        let v = validate::validate(sources, problems, examples)?;
        let files = FileMatcher::build(&v.rules).map_err(|p| RulePackError::new(vec![p]))?;

        Ok(Self {
            vendors: v.vendors,
            categories: v.categories,
            rules: v.rules,
            ip_ranges: v.ip_ranges,
            files,
            binaries: std::sync::OnceLock::new(),
            dns: std::sync::OnceLock::new(),
        })
    }

    /// The matcher for `kind = "file"` rules.
    pub fn file_matcher(&self) -> &FileMatcher {
        &self.files
    }

    /// The matcher for `kind = "binary"` rules.
    pub fn binary_matcher(&self) -> &BinaryMatcher {
        self.binaries
            .get_or_init(|| BinaryMatcher::build(&self.rules))
    }

    /// The matcher for `kind = "dns"` rules.
    pub fn dns_matcher(&self) -> &DnsMatcher {
        self.dns.get_or_init(|| DnsMatcher::build(&self.rules))
    }

    /// Looks up a rule by id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Looks up a category by id.
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Looks up a vendor by id.
    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.id == id)
    }

    /// True when `text` would produce at least one finding for `rule` (examples use this).
    ///
    /// For `kind = "ip"` rules the text is an address, looked up in the rule's ranges.
    pub fn rule_fires(rule: &Rule, text: &[u8]) -> bool {
        match &rule.pattern {
            Pattern::Regex(re) => re.is_match(text) && !rule.vetoed(text),
            Pattern::Ranges(r) => std::str::from_utf8(text)
                .ok()
                .and_then(|s| s.trim().parse::<IpAddr>().ok())
                .is_some_and(|a| r.contains(a)),
        }
    }

    /// The `kind = "ip"` rules whose ranges hold `addr`.
    pub fn ip_rules(&self, addr: IpAddr) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |r| match &r.pattern {
            Pattern::Ranges(ranges) => ranges.contains(addr),
            Pattern::Regex(_) => false,
        })
    }

    /// Counts the examples carried by all rules.
    pub fn example_count(&self) -> usize {
        self.rules
            .iter()
            .map(|r| r.examples_match.len() + r.examples_no_match.len())
            .sum()
    }
}

/// Reads every `*.toml` under `dir` (`categories.toml` is a category file, the rest vendor packs)
/// and every `ip-ranges/*.txt` range list.
pub fn read_dir_sources(dir: &Path) -> Result<Vec<PackSource>, Vec<Problem>> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    collect_packs(dir, &mut files, &mut problems, 0);
    if files.is_empty() && problems.is_empty() {
        problems.push(Problem::structure(
            dir.display().to_string(),
            None,
            "no *.toml rule pack found in this directory",
            "point --rules at a directory holding vendors/<vendor-id>.toml files",
        ));
    }
    files.sort();
    let mut sources = Vec::new();
    for path in files {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let kind = SourceKind::of(path.strip_prefix(dir).unwrap_or(&path))
                    .unwrap_or(SourceKind::Vendor);
                sources.push(PackSource {
                    origin: path.display().to_string(),
                    kind,
                    stem,
                    text,
                });
            }
            Err(e) => problems.push(Problem::structure(
                path.display().to_string(),
                None,
                format!("cannot read rule pack: {e}"),
                "check the file exists and is readable UTF-8 text",
            )),
        }
    }
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(problems)
    }
}

fn collect_packs(
    dir: &Path,
    out: &mut Vec<std::path::PathBuf>,
    problems: &mut Vec<Problem>,
    depth: u32,
) {
    const MAX_DEPTH: u32 = 8;
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            problems.push(Problem::structure(
                dir.display().to_string(),
                None,
                format!("cannot read rule directory: {e}"),
                "pass an existing directory to --rules",
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() && depth < MAX_DEPTH {
            collect_packs(&path, out, problems, depth + 1);
        } else if ft.is_file() && SourceKind::of(&path).is_some() {
            out.push(path);
        }
    }
}
