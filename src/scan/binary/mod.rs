//! Binaries: executables (ELF, PE, Mach-O), Java class files and .NET assemblies.
//!
//! Extraction ([`extract`]) turns bytes into [`Extracted`] feature values: linked libraries,
//! VERSIONINFO strings, the Authenticode signer, Go modules, Rust crates, Java packages, .NET
//! assembly references and dotted-name strings. Matching ([`findings`]) runs the `kind = "binary"`
//! rules on those values and the host-name fingerprints of the file rules on the strings, then
//! judges strength from the context of the whole binary.

pub mod buildinfo;
mod dotnet;
mod exe;
pub mod java;
mod sign;
pub mod strings;

use std::collections::{BTreeMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::finding::{Finding, Location};
use crate::redact::redact;
use crate::rules::{BinaryFeature, RuleSet, Strength};
use crate::scan::text::mention_only;

/// Most dotted strings kept from one binary.
const MAX_STRINGS: usize = 20_000;
/// Most values listed in one finding's evidence after the first.
const MORE_LISTED: usize = 3;
/// Vendors of one category reached from one binary at which the binary is a multi-backend tool:
/// its references are a capability (`present`), not a dependency on each backend.
pub const CAPABILITY_VENDORS: usize = 3;

/// A binary format sovscan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Elf,
    Pe,
    MachO,
    JavaClass,
}

impl Format {
    /// The name used in errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Elf => "ELF",
            Self::Pe => "PE",
            Self::MachO => "Mach-O",
            Self::JavaClass => "Java class",
        }
    }
}

/// Recognises a binary by its first bytes (at least 64 are needed for PE).
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    let magic = bytes.get(..4)?;
    match magic {
        b"\x7fELF" => Some(Format::Elf),
        [0xfe, 0xed, 0xfa, 0xce | 0xcf] | [0xce | 0xcf, 0xfa, 0xed, 0xfe] => Some(Format::MachO),
        [0xca, 0xfe, 0xba, 0xbe] => {
            // Fat Mach-O and Java share the magic. The next word is the slice count in a fat
            // file and the class-file version (45 and up) in a class.
            let next = u32::from_be_bytes(bytes.get(4..8)?.try_into().ok()?);
            Some(if next < 45 {
                Format::MachO
            } else {
                Format::JavaClass
            })
        }
        [b'M', b'Z', ..] => {
            let lfanew = u32::from_le_bytes(bytes.get(0x3c..0x40)?.try_into().ok()?) as usize;
            let sig = bytes.get(lfanew..lfanew.checked_add(4)?);
            // The PE signature may lie beyond the sniffed head; a DOS stub alone is not a PE.
            (sig.is_none() || sig == Some(b"PE\0\0")).then_some(Format::Pe)
        }
        _ => None,
    }
}

/// One extracted feature value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub feature: BinaryFeature,
    pub text: String,
    /// Byte offset in the binary, for embedded strings.
    pub offset: Option<u64>,
    /// The archive member the value came from, when one unit gathers several (a jar's classes).
    pub at: Option<String>,
}

/// What extraction found in one binary (or one jar's classes).
#[derive(Debug, Default)]
pub struct Extracted {
    pub values: Vec<Value>,
    /// The Authenticode signer's issuer (a CA): shown in the signer finding, never matched.
    pub issuer: Option<String>,
    /// Parts that could not be read while the rest could (a bad signature, bad .NET metadata).
    pub warnings: Vec<String>,
    want_symbols: bool,
    seen: HashSet<(BinaryFeature, String)>,
}

impl Extracted {
    /// An empty set of values; symbols are only collected when some rule matches them.
    pub fn new(rules: &RuleSet) -> Self {
        Self {
            want_symbols: rules.binary_matcher().wants(BinaryFeature::Symbol),
            ..Self::default()
        }
    }

    fn wants(&self, feature: BinaryFeature) -> bool {
        feature != BinaryFeature::Symbol || self.want_symbols
    }

    /// Adds a value unless the same feature already has it.
    pub fn push(&mut self, feature: BinaryFeature, text: &str, offset: Option<u64>) {
        self.push_at(feature, text, offset, None);
    }

    fn push_at(
        &mut self,
        feature: BinaryFeature,
        text: &str,
        offset: Option<u64>,
        at: Option<&str>,
    ) {
        if text.is_empty() || !self.seen.insert((feature, text.to_owned())) {
            return;
        }
        self.values.push(Value {
            feature,
            text: text.to_owned(),
            offset,
            at: at.map(str::to_owned),
        });
    }

    /// Moves `other`'s values in, marking each with the member path `at`.
    pub fn absorb(&mut self, other: Extracted, at: &str) {
        for v in other.values {
            let at = v.at.as_deref().unwrap_or(at).to_owned();
            self.push_at(v.feature, &v.text, v.offset, Some(&at));
        }
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// Extracts the features of a binary of the given format. `Err` when the binary is malformed;
/// a panic inside a parser is caught and reported the same way, so no input stops a scan.
pub fn extract(rules: &RuleSet, format: Format, bytes: &[u8]) -> Result<Extracted, String> {
    let mut out = Extracted::new(rules);
    let parsed = catch_unwind(AssertUnwindSafe(|| match format {
        Format::Elf => exe::elf(bytes, &mut out),
        Format::Pe => exe::pe(bytes, &mut out),
        Format::MachO => exe::mach(bytes, &mut out),
        Format::JavaClass => java_class(bytes, &mut out),
    }));
    match parsed {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e),
        Err(_) => return Err(format!("{} parser failed on this input", format.as_str())),
    }
    if format != Format::JavaClass {
        for module in buildinfo::go_modules(bytes) {
            out.push(BinaryFeature::Module, &module, None);
        }
        let mut found = Vec::new();
        strings::dotted_strings(bytes, MAX_STRINGS, &mut found);
        for s in found {
            out.push(BinaryFeature::String, &s.text, Some(s.offset));
        }
    }
    Ok(out)
}

fn java_class(bytes: &[u8], out: &mut Extracted) -> Result<(), String> {
    let class = java::parse(bytes)?;
    for name in &class.classes {
        if let Some(pkg) = java::package_of(name) {
            out.push(BinaryFeature::Package, pkg, None);
        }
        out.push(BinaryFeature::Package, name, None);
    }
    for s in &class.strings {
        out.push(BinaryFeature::String, s, None);
    }
    Ok(())
}

/// A value that fired a rule.
struct Hit<'a> {
    value: &'a Value,
    /// The value, or for strings the match (with its URL scheme when it has one).
    shown: String,
    /// A host name in a string with no URL scheme before it: a mention (a suffix list, a help
    /// text, a fragment of packed data) more often than a call.
    bare: bool,
}

/// Matches the values of one unit (a binary, or a jar's classes) found at `path`.
///
/// One finding per rule and unit: the first value (by member, offset, text) is the evidence, and
/// up to three more are listed after it. Strength:
/// - signer, company and product rules keep the rule's strength (`used`); a product rule whose
///   vendor also signed or published the binary is the vendor's own product: `primary`;
/// - libraries, modules, packages and URLs keep the rule's strength; host names without a URL
///   scheme are mentions (`present`): suffix lists, help texts and packed data hold many;
/// - any of those is capped at `present` when the unit reaches
///   [`CAPABILITY_VENDORS`] or more vendors of the same category: then it is a tool that can talk
///   to many backends, and those findings are capped at `present`;
/// - anything in documentation, tests or third-party directories is capped at `present`.
pub fn findings(rules: &RuleSet, path: &str, ex: &Extracted) -> Vec<Finding> {
    let mut hits: BTreeMap<usize, Vec<Hit>> = BTreeMap::new();
    let matcher = rules.binary_matcher();
    for v in &ex.values {
        for idx in matcher.matches(v.feature, v.text.as_bytes()) {
            let rule = &rules.rules[idx];
            if rule.vetoed(v.text.as_bytes()) {
                continue;
            }
            hits.entry(idx).or_default().push(Hit {
                value: v,
                shown: v.text.clone(),
                bare: false,
            });
        }
    }
    host_hits(rules, ex, &mut hits);

    let publisher_of = |idx: usize| {
        rules.rules[idx]
            .features
            .iter()
            .any(|f| matches!(f, BinaryFeature::Signer | BinaryFeature::Company))
    };
    let published_by: HashSet<usize> = hits
        .iter()
        .filter(|(idx, hs)| {
            publisher_of(**idx)
                && hs.iter().any(|h| {
                    matches!(
                        h.value.feature,
                        BinaryFeature::Signer | BinaryFeature::Company
                    )
                })
        })
        .map(|(idx, _)| rules.rules[*idx].vendor)
        .collect();
    let is_publisher_hit = |hs: &[Hit]| {
        hs.iter().all(|h| {
            matches!(
                h.value.feature,
                BinaryFeature::Signer | BinaryFeature::Company | BinaryFeature::Product
            )
        })
    };
    // Vendors per category among the dependency-like hits.
    let mut reach: BTreeMap<&str, HashSet<usize>> = BTreeMap::new();
    for (idx, hs) in &hits {
        if !is_publisher_hit(hs) {
            let rule = &rules.rules[*idx];
            reach.entry(&rule.category).or_default().insert(rule.vendor);
        }
    }

    let mut out = Vec::new();
    for (idx, mut hs) in hits {
        let rule = &rules.rules[idx];
        hs.sort_by(|a, b| {
            (&a.value.at, a.value.offset, &a.shown).cmp(&(&b.value.at, b.value.offset, &b.shown))
        });
        hs.dedup_by(|a, b| a.shown == b.shown);
        let first = &hs[0];
        let at = first.value.at.as_deref().unwrap_or(path);
        let mut strength = rule.strength;
        let mut note = String::new();
        if is_publisher_hit(&hs) {
            if hs.iter().any(|h| h.value.feature == BinaryFeature::Product)
                && published_by.contains(&rule.vendor)
            {
                strength = Strength::Primary;
            }
        } else {
            let vendors = reach.get(rule.category.as_str()).map_or(0, HashSet::len);
            if hs.iter().all(|h| h.bare) {
                strength = strength.min(Strength::Present);
            }
            if vendors >= CAPABILITY_VENDORS {
                strength = strength.min(Strength::Present);
                note = format!(
                    " [capability: this binary reaches {vendors} {} vendors]",
                    rule.category
                );
            }
        }
        if mention_only(at) {
            strength = strength.min(Strength::Present);
        }
        let mut evidence = format!("{}: {}", first.value.feature.as_str(), first.shown);
        let rest: Vec<&str> = hs[1..].iter().map(|h| h.shown.as_str()).collect();
        if !rest.is_empty() {
            let listed = rest[..rest.len().min(MORE_LISTED)].join(", ");
            let more = if rest.len() > MORE_LISTED {
                ", …"
            } else {
                ""
            };
            evidence.push_str(&format!(" (+{} more: {listed}{more})", rest.len()));
        }
        evidence.push_str(&note);
        if first.value.feature == BinaryFeature::Signer
            && let Some(issuer) = &ex.issuer
        {
            evidence.push_str(&format!(" [issued by {issuer}]"));
        }
        let location = Location::Binary {
            path: at.to_owned(),
            feature: first.value.feature,
            offset: first.value.offset,
        };
        let mut finding = Finding::new(rules, rule, location, redact(&evidence).into_owned(), 0);
        finding.strength = strength;
        out.push(finding);
    }
    out
}

/// Runs the file rules that apply everywhere (host names, URLs, key shapes) over the unit's
/// strings, through the same keyword prefilter the text scanner uses.
fn host_hits<'a>(rules: &RuleSet, ex: &'a Extracted, hits: &mut BTreeMap<usize, Vec<Hit<'a>>>) {
    let strings: Vec<&Value> = ex
        .values
        .iter()
        .filter(|v| v.feature == BinaryFeature::String)
        .collect();
    if strings.is_empty() {
        return;
    }
    let mut text = Vec::new();
    let mut starts = Vec::with_capacity(strings.len());
    for v in &strings {
        starts.push(text.len());
        text.extend_from_slice(v.text.as_bytes());
        text.push(b'\n');
    }
    let matcher = rules.file_matcher();
    let mut mask = Vec::new();
    matcher.everywhere(&mut mask);
    for (idx, keywords) in matcher.keyword_hits(&text, &mask) {
        let rule = &rules.rules[idx];
        let Some(regex) = rule.regex() else { continue };
        // A private cache, dropped after this binary (see `scan::text`).
        let regex = &regex.get().clone();
        let regions = crate::scan::text::search_regions(&text, &keywords);
        for m in crate::scan::text::find_in_regions(regex, &text, &regions) {
            // Some rules match a delimiter before the host (here the '\n' that ends the previous
            // string): place the match by its first letter or digit.
            let first = m.as_bytes().iter().position(u8::is_ascii_alphanumeric);
            let Some(first) = first.map(|p| m.start() + p) else {
                continue;
            };
            let i = starts.partition_point(|s| *s <= first).saturating_sub(1);
            let v = strings[i];
            if rule.vetoed(v.text.as_bytes()) {
                continue;
            }
            let s = starts[i];
            let (shown, bare) = shown_match(&v.text, first - s, (m.end() - s).min(v.text.len()));
            hits.entry(idx).or_default().push(Hit {
                value: v,
                shown,
                bare,
            });
        }
    }
}

/// The matched part of an embedded string, trimmed of the delimiters some rules match, with the
/// URL scheme in front when there is one; and whether it was a bare host name (no scheme).
///
/// Compilers pack string literals back to back (Go does, without NULs), so the whole printable
/// run is often several strings glued together; the match is what the rule recognised.
fn shown_match(text: &str, start: usize, end: usize) -> (String, bool) {
    let t = text.as_bytes();
    let mut from = start;
    let mut to = end.max(start);
    while from < to && !t[from].is_ascii_alphanumeric() {
        from += 1;
    }
    while to > from && !(t[to - 1].is_ascii_alphanumeric() || t[to - 1] == b'/') {
        to -= 1;
    }
    let before = text.get(..from).unwrap_or_default();
    let scheme = ["https://", "http://", "wss://", "ftp://"]
        .into_iter()
        .find(|s| before.ends_with(s));
    if let Some(s) = scheme {
        from -= s.len();
    }
    let matched = text.get(from..to).unwrap_or(text);
    let has_scheme = scheme.is_some() || matched.contains("://");
    (matched.to_owned(), !has_scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_match_trims_delimiters_and_keeps_the_scheme() {
        let t = "\nhttps://sts.amazonaws.com/\"x";
        let start = t.find("sts").expect("host") - 1;
        assert_eq!(
            shown_match(t, start, start + 19),
            ("https://sts.amazonaws.com/".to_owned(), false)
        );
        // Go packs literals back to back: only the match is shown.
        let go = "443https://monitoring.googleapis.com/google.protobuf.Value";
        let s = go.find("monitoring").expect("host");
        assert_eq!(
            shown_match(go, s, s + "monitoring.googleapis.com".len()),
            ("https://monitoring.googleapis.com".to_owned(), false)
        );
        let bare = "west-1.eb.amazonaws.com.";
        assert_eq!(
            shown_match(bare, 0, bare.len()),
            ("west-1.eb.amazonaws.com".to_owned(), true)
        );
    }

    #[test]
    fn sniffs_formats_by_magic() {
        assert_eq!(sniff(b"\x7fELF\x02\x01"), Some(Format::Elf));
        assert_eq!(sniff(&[0xcf, 0xfa, 0xed, 0xfe, 7, 0]), Some(Format::MachO));
        assert_eq!(
            sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]),
            Some(Format::MachO)
        );
        assert_eq!(
            sniff(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52]),
            Some(Format::JavaClass)
        );
        let mut dos = vec![0u8; 0x80];
        dos[..2].copy_from_slice(b"MZ");
        dos[0x3c] = 0x40;
        assert_eq!(sniff(&dos), None, "a DOS stub without a PE header");
        dos[0x40..0x44].copy_from_slice(b"PE\0\0");
        assert_eq!(sniff(&dos), Some(Format::Pe));
        assert_eq!(sniff(b"plain"), None);
    }
}
