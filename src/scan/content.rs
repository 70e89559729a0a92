//! Routes bytes to the scanner that reads them: archives are opened, binaries have their
//! features extracted, text is matched against the file rules.

use std::fs::File;
use std::io::{self, Read};

use super::Output;
use super::archive::{self, ArchiveLimits, Budget};
use super::binary::{self, Extracted, Format};
use super::text::{looks_binary, scan_text, scan_text_reader};
use crate::finding::{ErrorKind, ScanError};
use crate::rules::{RuleSet, Strength};

/// Bytes read first from every file to tell text, binaries and archives apart.
const HEAD: usize = 8192;
/// Files at least this large are memory-mapped rather than read.
const MAP_THRESHOLD: u64 = 1 << 20;

/// What every scanner of one run shares.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub rules: &'a RuleSet,
    pub limits: &'a ArchiveLimits,
    /// Text files (and text members) larger than this are skipped.
    pub max_file_size: u64,
}

/// Scans one file from disk, shown as `rel`.
pub fn scan_file(cx: &Context, file: File, len: u64, rel: &str, out: &mut Output) {
    let mut head = Vec::with_capacity(HEAD);
    if let Err(e) = (&file).take(HEAD as u64).read_to_end(&mut head) {
        return io_error(out, rel, &e);
    }
    if let Some(kind) = archive::sniff(&head) {
        let mut budget = Budget::new(cx.limits);
        return match kind {
            archive::Kind::Zip | archive::Kind::Ar => match load(&file, head, len) {
                Ok(bytes) => {
                    out.stats.binary_bytes += bytes.len() as u64;
                    archive::scan_slice(cx, rel, kind, &bytes, 0, &mut budget, out);
                }
                Err(e) => io_error(out, rel, &e),
            },
            _ => {
                out.stats.binary_bytes += len;
                let reader =
                    io::Cursor::new(head).chain(io::BufReader::with_capacity(1 << 16, file));
                archive::scan_stream(cx, rel, kind, reader, 0, &mut budget, out);
            }
        };
    }
    if let Some(format) = binary::sniff(&head) {
        return match load(&file, head, len) {
            Ok(bytes) => scan_binary(cx, rel, format, &bytes, out),
            Err(e) => io_error(out, rel, &e),
        };
    }
    if looks_binary(&head) {
        out.stats.files_binary += 1;
        return;
    }
    if len > cx.max_file_size {
        return too_large(cx, rel, len, out);
    }
    // Read a window at a time, and at most the cap, even if the file grew since its length was
    // taken.
    match scan_text_reader(cx.rules, rel, head, &file, cx.max_file_size) {
        Ok((found, bytes)) => record_text(rel, found, bytes, out),
        Err(e) => io_error(out, rel, &e),
    }
}

/// Scans bytes that came from `path` as if they were a file on disk: archives are opened,
/// binaries read, text matched. The fuzzing and library entry point; it never panics.
pub fn scan_bytes(cx: &Context, path: &str, bytes: &[u8]) -> Output {
    let mut out = Output::default();
    let mut budget = Budget::new(cx.limits);
    scan_member(cx, path, bytes, 0, &mut budget, None, &mut out);
    out
}

/// Scans one archive member at nesting `depth`. Java classes go into `classes` when the caller
/// gathers them (a jar is judged as one unit), else they are matched on their own.
pub fn scan_member(
    cx: &Context,
    path: &str,
    bytes: &[u8],
    depth: u32,
    budget: &mut Budget,
    classes: Option<&mut Extracted>,
    out: &mut Output,
) {
    if let Some(kind) = archive::sniff(bytes) {
        return archive::scan_slice(cx, path, kind, bytes, depth, budget, out);
    }
    match (binary::sniff(bytes), classes) {
        (Some(Format::JavaClass), Some(classes)) => {
            out.stats.binaries_scanned += 1;
            match binary::extract(cx.rules, Format::JavaClass, bytes) {
                Ok(ex) => classes.absorb(ex, path),
                Err(e) => malformed(out, path, e),
            }
        }
        (Some(format), _) => scan_binary(cx, path, format, bytes, out),
        (None, _) if looks_binary(bytes) => out.stats.files_binary += 1,
        (None, _) if bytes.len() as u64 > cx.max_file_size => {
            too_large(cx, path, bytes.len() as u64, out);
        }
        (None, _) => scan_text_bytes(cx, path, bytes, out),
    }
}

/// Matches the Java classes an archive gathered, as one unit named by the archive.
pub fn finish_classes(cx: &Context, path: &str, classes: &Extracted, out: &mut Output) {
    if !classes.is_empty() {
        out.findings
            .extend(binary::findings(cx.rules, path, classes));
    }
}

fn scan_binary(cx: &Context, path: &str, format: Format, bytes: &[u8], out: &mut Output) {
    out.stats.binaries_scanned += 1;
    out.stats.binary_bytes += bytes.len() as u64;
    match binary::extract(cx.rules, format, bytes) {
        Ok(ex) => {
            for w in &ex.warnings {
                malformed(out, path, w.clone());
            }
            out.findings.extend(binary::findings(cx.rules, path, &ex));
        }
        Err(e) => malformed(out, path, e),
    }
}

/// Matches a text file. Inside an archive the text is the packager's (its CI files, docs,
/// sample configs), not the organisation's deployment: such findings are mentions (`present`).
fn scan_text_bytes(cx: &Context, path: &str, bytes: &[u8], out: &mut Output) {
    let found = scan_text(cx.rules, path, bytes);
    record_text(path, found, bytes.len() as u64, out);
}

fn record_text(path: &str, mut found: Vec<crate::finding::Finding>, bytes: u64, out: &mut Output) {
    out.stats.files_scanned += 1;
    out.stats.bytes_scanned += bytes;
    if path.contains("!/") {
        for f in &mut found {
            f.strength = f.strength.min(Strength::Present);
        }
    }
    out.findings.extend(found);
}

fn malformed(out: &mut Output, path: &str, message: String) {
    out.errors.push(ScanError {
        kind: ErrorKind::Malformed,
        path: path.to_owned(),
        message,
    });
}

fn too_large(cx: &Context, path: &str, len: u64, out: &mut Output) {
    out.stats.files_skipped += 1;
    out.errors.push(ScanError {
        kind: ErrorKind::TooLarge,
        path: path.to_owned(),
        message: format!(
            "file is {len} bytes, over the {} byte cap (raise it with --max-file-size)",
            cx.max_file_size
        ),
    });
}

fn io_error(out: &mut Output, path: &str, e: &io::Error) {
    out.errors.push(ScanError {
        kind: ErrorKind::Io,
        path: path.to_owned(),
        message: e.to_string(),
    });
}

/// A whole file's bytes: read when small, memory-mapped when large.
enum Loaded {
    Read(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl std::ops::Deref for Loaded {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Self::Read(v) => v,
            Self::Mapped(m) => m,
        }
    }
}

fn load(file: &File, mut head: Vec<u8>, len: u64) -> io::Result<Loaded> {
    if len < MAP_THRESHOLD {
        let mut f = file;
        f.read_to_end(&mut head)?;
        return Ok(Loaded::Read(head));
    }
    map(file).map(Loaded::Mapped)
}

/// The one use of `unsafe` in sovscan.
#[allow(unsafe_code)]
fn map(file: &File) -> io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this scan. If another process truncates the
    // file while it is mapped, reads past the new end raise SIGBUS, the risk every mmap-based
    // scanner (ripgrep included) accepts for large files; sovscan never writes through the map.
    unsafe { memmap2::Mmap::map(file) }
}
