//! Build metadata that compilers leave in executables: Go's module list and the dependency list
//! `cargo auditable` embeds in Rust binaries.

use std::io::Read;

use serde::Deserialize;

/// Go wraps the module information string in these 16-byte sentinels (runtime/debug, `modinfo`),
/// in every Go version with modules, whether the build info is inline or behind pointers.
const GO_MODINFO_START: [u8; 16] = [
    0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
];
const GO_MODINFO_END: [u8; 16] = [
    0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2,
];
/// The module list of a large Go program is a few tens of KiB.
const GO_MODINFO_MAX: usize = 4 << 20;

/// Module paths from Go build info: the main module (`path`/`mod`), then each `dep`, in the
/// order the linker wrote them. Replacements (`=>`) are reported as the module they replace.
pub fn go_modules(bytes: &[u8]) -> Vec<String> {
    let Some(start) = memchr::memmem::find(bytes, &GO_MODINFO_START) else {
        return Vec::new();
    };
    let body = &bytes[start + GO_MODINFO_START.len()..];
    let window = &body[..body.len().min(GO_MODINFO_MAX)];
    let Some(end) = memchr::memmem::find(window, &GO_MODINFO_END) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&window[..end]);
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut cols = line.split('\t');
        let (Some(kind), Some(path)) = (cols.next(), cols.next()) else {
            continue;
        };
        if matches!(kind, "path" | "mod" | "dep")
            && !path.is_empty()
            && !out.iter().any(|p| p == path)
        {
            out.push(path.to_owned());
        }
    }
    out
}

/// The section `cargo auditable` writes: zlib-compressed JSON.
pub const AUDITABLE_SECTION: &str = ".dep-v0";
/// cargo-auditable's own cap on the decompressed size.
const AUDITABLE_MAX: u64 = 8 << 20;

#[derive(Deserialize)]
struct AuditInfo {
    packages: Vec<AuditPackage>,
}

#[derive(Deserialize)]
struct AuditPackage {
    name: String,
    #[serde(default)]
    kind: Option<String>,
}

/// Crate names from a `.dep-v0` section, build-time-only dependencies left out.
pub fn auditable_crates(section: &[u8]) -> Result<Vec<String>, String> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(section)
        .take(AUDITABLE_MAX + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("cargo auditable data: {e}"))?;
    if json.len() as u64 > AUDITABLE_MAX {
        return Err("cargo auditable data is over 8 MiB decompressed".to_owned());
    }
    let info: AuditInfo =
        serde_json::from_slice(&json).map_err(|e| format!("cargo auditable data: {e}"))?;
    let mut names: Vec<String> = info
        .packages
        .into_iter()
        .filter(|p| p.kind.as_deref() != Some("build"))
        .map(|p| p.name)
        .collect();
    names.dedup();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn reads_go_modinfo_between_sentinels() {
        let mut b = b"\x00junk".to_vec();
        b.extend(GO_MODINFO_START);
        b.extend(
            b"path\texample.eu/app\nmod\texample.eu/app\t(devel)\t\n\
              dep\tgithub.com/aws/aws-sdk-go-v2/service/s3\tv1.0.0\th1:x=\n\
              =>\t./stub/s3\t(devel)\t\nbuild\t-trimpath=true\n",
        );
        b.extend(GO_MODINFO_END);
        assert_eq!(
            go_modules(&b),
            ["example.eu/app", "github.com/aws/aws-sdk-go-v2/service/s3"]
        );
        assert!(go_modules(&b[..b.len() - 4]).is_empty());
        assert!(go_modules(b"no go here").is_empty());
    }

    #[test]
    fn reads_auditable_json_and_skips_build_deps() {
        let json = br#"{"packages":[{"name":"app","version":"0.1.0","source":"local","root":true},
            {"name":"aws-sdk-s3","version":"1.0.0","source":"crates.io"},
            {"name":"cc","version":"1.0.0","source":"crates.io","kind":"build"}]}"#;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(json).expect("compress");
        let section = z.finish().expect("compress");
        assert_eq!(
            auditable_crates(&section).expect("parse"),
            ["app", "aws-sdk-s3"]
        );
        assert!(auditable_crates(b"not zlib").is_err());
    }
}
