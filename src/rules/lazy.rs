//! A rule regex compiled on first use.
//!
//! Compiling the ~1,000 built-in regexes took most of sovscan's start-up (about 0.2 s of 0.26 s),
//! while a typical scan runs only the few rules whose keywords occur. The built-in packs are
//! checked whole by `cargo test` and `sovscan rules test`, so a scan keeps only their pattern text
//! and compiles a regex the first time a rule is tried. User packs are compiled while they are
//! validated, as before, so a bad pattern is still a load error.

use std::ops::Deref;
use std::sync::OnceLock;

use regex::bytes::Regex;

/// A regex kept as its pattern until it is first needed.
#[derive(Debug, Clone)]
pub struct LazyRegex {
    source: String,
    compiled: OnceLock<Regex>,
}

impl LazyRegex {
    /// A pattern that has not been compiled yet. It must have compiled with
    /// [`super::validate::build_regex`] before (the built-in packs are tested that way).
    pub(super) fn deferred(source: String) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// A regex compiled already.
    pub(super) fn compiled(re: Regex) -> Self {
        Self {
            source: re.as_str().to_owned(),
            compiled: OnceLock::from(re),
        }
    }

    /// The pattern text, without compiling it.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The compiled regex.
    pub fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            // The built-in patterns are compiled by the test suite; a pattern that stopped
            // compiling matches nothing rather than failing a scan half-way.
            super::validate::build_regex(&self.source).unwrap_or_else(|_| {
                debug_assert!(false, "deferred regex does not compile: {}", self.source);
                never_matches()
            })
        })
    }
}

impl Deref for LazyRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.get()
    }
}

fn never_matches() -> Regex {
    // An empty class (the intersection of two disjoint ones) matches no byte.
    static NEVER: OnceLock<Regex> = OnceLock::new();
    NEVER
        .get_or_init(|| {
            super::validate::build_regex("[a&&b]").unwrap_or_else(|e| unreachable!("{e}"))
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferred_compiles_on_first_use() {
        let re = LazyRegex::deferred(r"s3\.amazonaws\.com".to_owned());
        assert!(re.compiled.get().is_none());
        assert_eq!(re.as_str(), r"s3\.amazonaws\.com");
        assert!(re.compiled.get().is_none(), "as_str must not compile");
        assert!(re.is_match(b"https://s3.amazonaws.com/x"));
        assert!(re.compiled.get().is_some());
        assert!(!re.is_match(b"s3.example.com"));
    }

    #[test]
    fn a_broken_deferred_pattern_matches_nothing_in_release() {
        if cfg!(debug_assertions) {
            return; // debug builds assert instead
        }
        let re = LazyRegex::deferred("(".to_owned());
        assert!(!re.is_match(b"("));
        assert!(!never_matches().is_match(b"ab a b \xff"));
    }
}
