//! The rule packs shipped inside the binary (generated list from `build.rs`).

use std::path::Path;

use super::{PackSource, SourceKind};

/// `(path under rules/, text)` of every built-in pack and range list.
const PACKS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_packs.rs"));

/// The built-in packs as sources, in path order.
pub fn sources() -> Vec<PackSource> {
    PACKS
        .iter()
        .map(|(rel, text)| {
            let file = rel.rsplit('/').next().unwrap_or(rel);
            let stem = file.rsplit_once('.').map_or(file, |(s, _)| s).to_owned();
            PackSource {
                origin: format!("builtin:{rel}"),
                kind: SourceKind::of(Path::new(rel)).unwrap_or(SourceKind::Vendor),
                stem,
                text: (*text).to_owned(),
            }
        })
        .collect()
}
