//! The compiled matcher for `kind = "file"` rules: path globs, one keyword automaton, regexes.
//!
//! Per file: the globs say which rules may apply to the path, one Aho-Corasick pass over all
//! keywords says which of those have a chance, and only those run their regex.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::{BinaryFeature, DnsRecord, LazyRegex, Problem, Rule, RuleKind};

/// Finds which file rules apply to a path and which are worth running on a text.
#[derive(Debug)]
pub struct FileMatcher {
    /// Indices (into `RuleSet::rules`) of the file rules.
    file_rules: Vec<usize>,
    /// Rules with no path globs: they apply to every file.
    everywhere: Vec<usize>,
    /// Globs without '/' match the file name; the rest match the relative path.
    name_globs: GlobSet,
    /// For each glob of `name_globs`, the rules that listed it.
    name_owner: Vec<Vec<usize>>,
    path_globs: GlobSet,
    path_owner: Vec<Vec<usize>>,
    keywords: AhoCorasick,
    /// For each keyword pattern, the rules that listed it.
    keyword_owner: Vec<Vec<usize>>,
    rule_count: usize,
}

impl FileMatcher {
    pub(super) fn build(rules: &[Rule]) -> Result<Self, Problem> {
        let (mut everywhere, mut file_rules) = (Vec::new(), Vec::new());
        // Each distinct glob once, with the rules that listed it: the packs repeat a few
        // hundred globs (`package.json`, `*.tf`) thousands of times.
        let mut name_globs: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut path_globs: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut keyword_ids: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, rule) in rules.iter().enumerate() {
            if rule.kind != RuleKind::File {
                continue;
            }
            file_rules.push(i);
            if rule.paths.is_empty() {
                everywhere.push(i);
            }
            for glob in &rule.paths {
                let set = if glob.contains('/') {
                    &mut path_globs
                } else {
                    &mut name_globs
                };
                add_owner(set, glob.to_ascii_lowercase(), i);
            }
            for k in &rule.keywords {
                add_owner(&mut keyword_ids, k.to_ascii_lowercase(), i);
            }
        }
        let (name_globs, name_owner) = glob_set(name_globs, rules)?;
        let (path_globs, path_owner) = glob_set(path_globs, rules)?;
        let (patterns, keyword_owner): (Vec<String>, Vec<Vec<usize>>) =
            keyword_ids.into_iter().unzip();
        let keywords = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|e| {
                Problem::structure(
                    "rules",
                    None,
                    format!("keyword automaton: {e}"),
                    "use fewer or shorter keywords",
                )
            })?;
        Ok(Self {
            file_rules,
            everywhere,
            name_globs,
            name_owner,
            path_globs,
            path_owner,
            keywords,
            keyword_owner,
            rule_count: rules.len(),
        })
    }

    /// Number of file rules.
    pub fn len(&self) -> usize {
        self.file_rules.len()
    }

    /// True when no file rule is loaded.
    pub fn is_empty(&self) -> bool {
        self.file_rules.is_empty()
    }

    /// Marks the rules without path globs (host names, URLs, key shapes): those that apply to
    /// any text, the strings of a binary included.
    pub fn everywhere(&self, mask: &mut Vec<bool>) {
        mask.clear();
        mask.resize(self.rule_count, false);
        for &i in &self.everywhere {
            mask[i] = true;
        }
    }

    /// Marks the rules whose path globs accept `rel_path` (forward slashes); returns whether any did.
    pub fn applicable(&self, rel_path: &str, mask: &mut Vec<bool>) -> bool {
        mask.clear();
        mask.resize(self.rule_count, false);
        let mut any = false;
        for &i in &self.everywhere {
            mask[i] = true;
            any = true;
        }
        // Globs are matched in lower case (see `glob_set`).
        let lower = if rel_path.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(rel_path.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(rel_path)
        };
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        for (set, owners, text) in [
            (&self.name_globs, &self.name_owner, name),
            (&self.path_globs, &self.path_owner, &*lower),
        ] {
            for g in set.matches(text) {
                for &r in &owners[g] {
                    mask[r] = true;
                    any = true;
                }
            }
        }
        any
    }

    /// The rules of `mask` one of whose keywords occurs in `text`, in rule order, each with
    /// where its keywords occur: a regex then only needs to run near those places.
    pub fn keyword_hits(&self, text: &[u8], mask: &[bool]) -> Vec<(usize, KeywordHits)> {
        // (rule, offset) pairs, grouped after sorting: a file touches few rules, so this stays
        // small where one slot per rule would be cleared and dropped for every file.
        let mut counts: Vec<u32> = vec![0; self.rule_count];
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for m in self.keywords.find_overlapping_iter(text) {
            for &r in &self.keyword_owner[m.pattern().as_usize()] {
                if !mask[r] {
                    continue;
                }
                counts[r] = counts[r].saturating_add(1);
                // Past this many, the hits cover the text: the regex runs over all of it.
                if counts[r] as usize <= MAX_HIT_OFFSETS {
                    pairs.push((r, m.start()));
                }
            }
        }
        // Overlapping matches come in order of their ends.
        pairs.sort_unstable();
        pairs.dedup();
        let mut out: Vec<(usize, KeywordHits)> = Vec::new();
        for (rule, at) in pairs {
            match out.last_mut() {
                Some((r, KeywordHits::At(offsets))) if *r == rule => offsets.push(at),
                Some((r, KeywordHits::Everywhere)) if *r == rule => {}
                _ if counts[rule] as usize > MAX_HIT_OFFSETS => {
                    out.push((rule, KeywordHits::Everywhere));
                }
                _ => out.push((rule, KeywordHits::At(vec![at]))),
            }
        }
        out
    }
}

/// Where a rule's keywords occur in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeywordHits {
    /// Start offsets, ascending.
    At(Vec<usize>),
    /// So often that the whole text is worth searching.
    Everywhere,
}

/// Keyword offsets kept per rule and text before the whole text is searched instead.
const MAX_HIT_OFFSETS: usize = 4096;

fn add_owner(map: &mut BTreeMap<String, Vec<usize>>, key: String, rule: usize) {
    let owners = map.entry(key).or_default();
    if !owners.contains(&rule) {
        owners.push(rule);
    }
}

/// Builds one glob set from lower-cased globs, matched case-sensitively against lower-cased
/// paths: the same result as case-insensitive globs, but literal and extension globs then take
/// globset's hash-lookup paths instead of all becoming one large regex set.
fn glob_set(
    globs: BTreeMap<String, Vec<usize>>,
    rules: &[Rule],
) -> Result<(GlobSet, Vec<Vec<usize>>), Problem> {
    let mut builder = GlobSetBuilder::new();
    let mut owners = Vec::with_capacity(globs.len());
    for (glob, rule_ids) in globs {
        let g = GlobBuilder::new(&glob)
            .literal_separator(true)
            .build()
            .map_err(|e| glob_problem(&rules[rule_ids[0]], &e))?;
        builder.add(g);
        owners.push(rule_ids);
    }
    Ok((builder.build().map_err(|e| set_problem(&e))?, owners))
}

fn glob_problem(rule: &Rule, e: &globset::Error) -> Problem {
    Problem::structure(
        "rules",
        Some(&rule.id),
        format!("bad path glob: {e}"),
        "use gitignore-style globs such as `*.tf`",
    )
}

fn set_problem(e: &globset::Error) -> Problem {
    Problem::structure(
        "rules",
        None,
        format!("cannot build glob set: {e}"),
        "check the path globs",
    )
}

/// One regex set per key (a binary feature or a DNS record kind), with the rule index of each
/// pattern; shared by [`BinaryMatcher`] and [`DnsMatcher`]. Should a set exceed the regex size
/// limit, its rules are tried one by one instead: slower, never wrong.
#[derive(Debug)]
struct KeyedSets {
    sets: Vec<(Matcher, Vec<usize>)>,
}

#[derive(Debug)]
enum Matcher {
    Set(regex::bytes::RegexSet),
    Each(Vec<LazyRegex>),
}

impl KeyedSets {
    /// Builds a set per name in `names`; `applies(rule, name)` says whether a rule belongs in it.
    fn build(rules: &[Rule], names: &[&str], applies: impl Fn(&Rule, &str) -> bool) -> Self {
        let mut sets = Vec::new();
        for name in names {
            let (mut regexes, mut owners) = (Vec::new(), Vec::new());
            for (i, rule) in rules.iter().enumerate() {
                if let (true, Some(re)) = (applies(rule, name), rule.regex()) {
                    regexes.push(re.clone());
                    owners.push(i);
                }
            }
            // The same syntax as each rule's own regex (bytes, ASCII classes).
            let matcher = regex::bytes::RegexSetBuilder::new(regexes.iter().map(|r| r.as_str()))
                .unicode(false)
                .build()
                .map_or_else(|_| Matcher::Each(regexes), Matcher::Set);
            sets.push((matcher, owners));
        }
        Self { sets }
    }

    fn has(&self, key: usize) -> bool {
        !self.sets[key].1.is_empty()
    }

    fn matches(&self, key: usize, value: &[u8]) -> Vec<usize> {
        let (matcher, owners) = &self.sets[key];
        match matcher {
            Matcher::Set(set) if !owners.is_empty() => {
                set.matches(value).iter().map(|p| owners[p]).collect()
            }
            Matcher::Set(_) => Vec::new(),
            Matcher::Each(res) => res
                .iter()
                .zip(owners)
                .filter(|(re, _)| re.is_match(value))
                .map(|(_, o)| *o)
                .collect(),
        }
    }
}

/// Finds which `kind = "binary"` rules match a feature value: one regex set per feature.
#[derive(Debug)]
pub struct BinaryMatcher(KeyedSets);

impl BinaryMatcher {
    pub(super) fn build(rules: &[Rule]) -> Self {
        Self(KeyedSets::build(
            rules,
            BinaryFeature::NAMES,
            |rule, name| {
                rule.kind == RuleKind::Binary
                    && BinaryFeature::parse(name).is_some_and(|f| rule.features.contains(&f))
            },
        ))
    }

    /// True when some rule matches this feature.
    pub fn wants(&self, feature: BinaryFeature) -> bool {
        self.0.has(feature as usize)
    }

    /// Indices of the rules that match `value` as `feature`, in rule order.
    pub fn matches(&self, feature: BinaryFeature, value: &[u8]) -> Vec<usize> {
        self.0.matches(feature as usize, value)
    }
}

/// Finds which `kind = "dns"` rules match a record value: one regex set per record kind.
#[derive(Debug)]
pub struct DnsMatcher(KeyedSets);

impl DnsMatcher {
    pub(super) fn build(rules: &[Rule]) -> Self {
        Self(KeyedSets::build(rules, DnsRecord::NAMES, |rule, name| {
            rule.kind == RuleKind::Dns
                && DnsRecord::parse(name).is_some_and(|r| rule.records.contains(&r))
        }))
    }

    /// Indices of the rules that match `value` as a `record` value, in rule order.
    pub fn matches(&self, record: DnsRecord, value: &[u8]) -> Vec<usize> {
        self.0.matches(record as usize, value)
    }
}

#[cfg(test)]
mod tests {
    use crate::RuleSet;

    fn applicable_ids(set: &RuleSet, path: &str) -> Vec<String> {
        let mut mask = Vec::new();
        set.file_matcher().applicable(path, &mut mask);
        let everywhere = {
            let mut m = Vec::new();
            set.file_matcher().everywhere(&mut m);
            m
        };
        (0..mask.len())
            .filter(|&i| mask[i] && !everywhere[i])
            .map(|i| set.rules[i].id.clone())
            .collect()
    }

    #[test]
    fn globs_match_whatever_the_case_and_every_owner_is_kept() {
        let set = RuleSet::builtin().expect("built-in packs");
        let lower = applicable_ids(&set, "web/package.json");
        // `package.json` is listed by many rules: each of them applies.
        let listed = set
            .rules
            .iter()
            .filter(|r| r.paths.iter().any(|p| p == "package.json"))
            .count();
        assert!(listed > 50, "{listed}");
        assert!(lower.len() >= listed);
        assert_eq!(applicable_ids(&set, "Web/PACKAGE.JSON"), lower);
        assert_eq!(
            applicable_ids(&set, "infra/Main.TF"),
            applicable_ids(&set, "infra/main.tf")
        );
        let workflows = applicable_ids(&set, "repo/.GitHub/Workflows/CI.YML");
        assert!(
            workflows.iter().any(|id| set
                .rule(id)
                .is_some_and(|r| r.paths.iter().any(|p| p.contains(".github/workflows")))),
            "{workflows:?}"
        );
        assert!(applicable_ids(&set, "notes/readme.txt").is_empty());
    }
}
