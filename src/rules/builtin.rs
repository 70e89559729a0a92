//! The rule packs shipped inside the binary (generated list from `build.rs`).

use super::PackSource;

/// `(path under rules/, text)` of every built-in pack.
const PACKS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// The built-in packs as sources, in path order.
pub fn sources() -> Vec<PackSource> {
    PACKS
        .iter()
        .map(|(rel, text)| {
            let file = rel.rsplit('/').next().unwrap_or(rel);
            let stem = file.strip_suffix(".toml").unwrap_or(file).to_owned();
            PackSource {
                origin: format!("builtin:{rel}"),
                is_categories: stem == "categories",
                stem,
                text: (*text).to_owned(),
            }
        })
        .collect()
}
