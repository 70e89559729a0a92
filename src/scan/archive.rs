//! Archives, read in memory and never extracted to disk: zip (jar, war, apk, whl, nupkg, vsix),
//! tar, gzip, xz, zstd and ar (`.deb`, static libraries), nested in any order.
//!
//! Members are named `outer.whl!/pkg/lib.so`. Tarballs and compressed streams are read as
//! streams, one member at a time; zip files need their central directory and are read from a
//! memory map (or, when nested, from the member's bytes). Every limit is reported when hit.

use std::cell::Cell;
use std::io::{self, Cursor, Read};
use std::rc::Rc;

use super::Output;
use super::binary::Extracted;
use super::content::{self, Context};
use crate::finding::{ErrorKind, ScanError};

/// Limits on what one archive (with everything nested in it) may make sovscan read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveLimits {
    /// Archives nested deeper than this are not opened (a file on disk is depth 0).
    pub max_depth: u32,
    /// Uncompressed bytes read from one top-level archive, nested members included.
    pub max_total_bytes: u64,
    /// Members read from one top-level archive, nested members included.
    pub max_entries: u64,
    /// Uncompressed-to-compressed ratio above which a member (or stream) over 1 MiB is a bomb.
    pub max_ratio: u64,
    /// Largest single member held in memory.
    pub max_member_bytes: u64,
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        Self {
            max_depth: 5,
            max_total_bytes: 4 << 30,
            max_entries: 100_000,
            max_ratio: 100,
            max_member_bytes: 256 << 20,
        }
    }
}

/// Below this many uncompressed bytes the ratio is not checked: small repetitive files compress
/// very well and are harmless.
const RATIO_FLOOR: u64 = 1 << 20;

/// An archive or compression format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Zip,
    Tar,
    Gzip,
    Xz,
    Zstd,
    Ar,
}

/// Recognises an archive by its first bytes (512 are needed for tar).
pub fn sniff(head: &[u8]) -> Option<Kind> {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Some(Kind::Zip)
    } else if head.starts_with(&[0x1f, 0x8b]) {
        Some(Kind::Gzip)
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Some(Kind::Xz)
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some(Kind::Zstd)
    } else if head.starts_with(b"!<arch>\n") {
        Some(Kind::Ar)
    } else if is_tar_header(head) {
        Some(Kind::Tar)
    } else {
        None
    }
}

/// A POSIX/GNU tar header (`ustar` magic), or an old one whose checksum adds up.
fn is_tar_header(head: &[u8]) -> bool {
    let Some(h) = head.get(..512) else {
        return false;
    };
    if &h[257..262] == b"ustar" {
        return true;
    }
    if h.iter().all(|b| *b == 0) {
        return false;
    }
    let field = String::from_utf8_lossy(&h[148..156]);
    let Ok(stored) = u32::from_str_radix(field.trim_matches(|c: char| c == '\0' || c == ' '), 8)
    else {
        return false;
    };
    let sum: u32 = h
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(*b)
            }
        })
        .sum();
    sum == stored
}

/// What one top-level archive may still read; each limit is reported once.
#[derive(Debug)]
pub struct Budget {
    bytes_left: u64,
    entries_left: u64,
    stopped: bool,
}

impl Budget {
    pub fn new(limits: &ArchiveLimits) -> Self {
        Self {
            bytes_left: limits.max_total_bytes,
            entries_left: limits.max_entries,
            stopped: false,
        }
    }
}

/// The error a guarded reader returns when a limit is hit, told apart from corrupt data.
#[derive(Debug)]
struct LimitHit(String);

impl std::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LimitHit {}

fn error(out: &mut Output, kind: ErrorKind, path: &str, message: impl Into<String>) {
    out.errors.push(ScanError {
        kind,
        path: path.to_owned(),
        message: message.into(),
    });
}

/// Reports an I/O error from an archive reader as a limit or as malformed data.
fn io_error(out: &mut Output, path: &str, what: &str, e: &io::Error) {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<LimitHit>())
    {
        Some(hit) => error(out, ErrorKind::Limit, path, hit.0.clone()),
        None => error(out, ErrorKind::Malformed, path, format!("{what}: {e}")),
    }
}

/// Takes one member from the budget; false (and reported once) when a limit is exhausted.
fn admit(cx: &Context, budget: &mut Budget, path: &str, size: u64, out: &mut Output) -> bool {
    if budget.stopped {
        return false;
    }
    if budget.entries_left == 0 {
        budget.stopped = true;
        error(
            out,
            ErrorKind::Limit,
            path,
            format!(
                "entry limit of {} reached: the rest of the archive was not read (raise it with --max-archive-entries)",
                cx.limits.max_entries
            ),
        );
        return false;
    }
    if size > budget.bytes_left {
        budget.stopped = true;
        error(
            out,
            ErrorKind::Limit,
            path,
            format!(
                "total size limit of {} bytes reached: the rest of the archive was not read (raise it with --max-archive-bytes)",
                cx.limits.max_total_bytes
            ),
        );
        return false;
    }
    if size > cx.limits.max_member_bytes {
        error(
            out,
            ErrorKind::Limit,
            path,
            format!(
                "member is {size} bytes, over the {} byte member limit; skipped",
                cx.limits.max_member_bytes
            ),
        );
        return false;
    }
    budget.entries_left -= 1;
    budget.bytes_left -= size;
    true
}

/// True when the archive at `depth` may be opened; reports the depth limit otherwise.
fn may_open(cx: &Context, path: &str, depth: u32, out: &mut Output) -> bool {
    if depth >= cx.limits.max_depth {
        error(
            out,
            ErrorKind::Limit,
            path,
            format!(
                "archive nested {depth} levels deep, at the depth limit of {}; not opened (raise it with --max-archive-depth)",
                cx.limits.max_depth
            ),
        );
        return false;
    }
    true
}

/// Scans an archive held in memory (a mapped file or a member's bytes) at nesting `depth`.
pub fn scan_slice(
    cx: &Context,
    path: &str,
    kind: Kind,
    bytes: &[u8],
    depth: u32,
    budget: &mut Budget,
    out: &mut Output,
) {
    match kind {
        Kind::Zip => {
            if may_open(cx, path, depth, out) {
                zip(cx, path, bytes, depth, budget, out);
            }
        }
        Kind::Ar => {
            if may_open(cx, path, depth, out) {
                ar(cx, path, bytes, depth, budget, out);
            }
        }
        _ => scan_stream(cx, path, kind, bytes, depth, budget, out),
    }
}

/// Scans a tar or compressed stream without holding more than one member in memory.
pub fn scan_stream(
    cx: &Context,
    path: &str,
    kind: Kind,
    reader: impl Read,
    depth: u32,
    budget: &mut Budget,
    out: &mut Output,
) {
    if !may_open(cx, path, depth, out) {
        return;
    }
    out.stats.archives_scanned += 1;
    let compressed = Rc::new(Cell::new(0u64));
    let counted = Counting {
        inner: reader,
        count: Rc::clone(&compressed),
    };
    let decoded: Box<dyn Read> = match kind {
        Kind::Tar => return tar(cx, path, counted, depth, budget, out),
        Kind::Gzip => Box::new(flate2::read::MultiGzDecoder::new(counted)),
        Kind::Xz => Box::new(lzma_rust2::XzReader::new(counted, true)),
        Kind::Zstd => match ruzstd::decoding::StreamingDecoder::new(counted) {
            Ok(d) => Box::new(d),
            Err(e) => return error(out, ErrorKind::Malformed, path, format!("zstd: {e}")),
        },
        Kind::Zip | Kind::Ar => {
            return error(
                out,
                ErrorKind::Malformed,
                path,
                "zip and ar need random access",
            );
        }
    };
    let mut guarded = Guarded {
        inner: decoded,
        compressed,
        produced: 0,
        max_ratio: cx.limits.max_ratio,
        max_total: budget.bytes_left.min(cx.limits.max_total_bytes),
    };
    // A compressed tarball is one archive: its members are named directly under `path`.
    let mut head = Vec::with_capacity(512);
    if let Err(e) = (&mut guarded).take(512).read_to_end(&mut head) {
        return io_error(out, path, "decompression", &e);
    }
    if is_tar_header(&head) {
        let chained = Cursor::new(head).chain(guarded);
        return tar(cx, path, chained, depth, budget, out);
    }
    // A single compressed file: its content is one member, named without the extension.
    let inner = format!("{path}!/{}", strip_compression_ext(path));
    let mut bytes = head;
    let cap = cx.limits.max_member_bytes.saturating_add(1);
    if let Err(e) = (&mut guarded).take(cap).read_to_end(&mut bytes) {
        return io_error(out, &inner, "decompression", &e);
    }
    if !admit(cx, budget, &inner, bytes.len() as u64, out) {
        return;
    }
    out.stats.archive_members += 1;
    content::scan_member(cx, &inner, &bytes, depth + 1, budget, None, out);
}

fn strip_compression_ext(path: &str) -> &str {
    let name = path.rsplit(['/', '!']).next().unwrap_or(path);
    for ext in [".gz", ".xz", ".zst", ".tgz", ".txz"] {
        if let Some(stem) = name.strip_suffix(ext) {
            return stem;
        }
    }
    name
}

fn tar(
    cx: &Context,
    path: &str,
    reader: impl Read,
    depth: u32,
    budget: &mut Budget,
    out: &mut Output,
) {
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => return io_error(out, path, "tar", &e),
    };
    let mut classes = Extracted::default();
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                io_error(out, path, "tar", &e);
                break;
            }
        };
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry.path_bytes();
        let member = format!(
            "{path}!/{}",
            printable(String::from_utf8_lossy(&name).trim_start_matches("./"))
        );
        let size = entry.size();
        if !admit(cx, budget, &member, size, out) {
            if budget.stopped {
                break;
            }
            continue;
        }
        let mut bytes = Vec::with_capacity(size.min(1 << 24) as usize);
        if let Err(e) = (&mut entry).take(size).read_to_end(&mut bytes) {
            io_error(out, &member, "tar member", &e);
            break;
        }
        member_found(cx, &member, &bytes, depth, budget, &mut classes, out);
    }
    content::finish_classes(cx, path, &classes, out);
}

fn zip(cx: &Context, path: &str, bytes: &[u8], depth: u32, budget: &mut Budget, out: &mut Output) {
    out.stats.archives_scanned += 1;
    let mut archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => return error(out, ErrorKind::Malformed, path, format!("zip: {e}")),
    };
    let mut classes = Extracted::default();
    for i in 0..archive.len() {
        let mut file = match archive.by_index(i) {
            Ok(f) => f,
            Err(zip::result::ZipError::UnsupportedArchive(msg)) => {
                error(
                    out,
                    ErrorKind::Unsupported,
                    &format!("{path}!/#{i}"),
                    format!("zip member: {msg}"),
                );
                continue;
            }
            Err(e) => {
                error(
                    out,
                    ErrorKind::Malformed,
                    &format!("{path}!/#{i}"),
                    format!("zip member: {e}"),
                );
                continue;
            }
        };
        if !file.is_file() {
            continue;
        }
        let name = file
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{i}"));
        let member = format!("{path}!/{}", printable(&name));
        let (size, packed) = (file.size(), file.compressed_size());
        if size > RATIO_FLOOR && size / packed.max(1) > cx.limits.max_ratio {
            error(
                out,
                ErrorKind::Limit,
                &member,
                format!(
                    "compression ratio {}:1 is over the limit of {}:1 (a zip bomb?); skipped (raise it with --max-compression-ratio)",
                    size / packed.max(1),
                    cx.limits.max_ratio
                ),
            );
            continue;
        }
        if !admit(cx, budget, &member, size, out) {
            if budget.stopped {
                break;
            }
            continue;
        }
        // The header may lie: never read more than it declared, nor past the ratio.
        let cap = size.min(
            packed
                .max(1)
                .saturating_mul(cx.limits.max_ratio)
                .max(RATIO_FLOOR),
        );
        let mut data = Vec::with_capacity(cap.min(1 << 24) as usize);
        if let Err(e) = (&mut file).take(cap).read_to_end(&mut data) {
            error(
                out,
                ErrorKind::Malformed,
                &member,
                format!("zip member: {e}"),
            );
            continue;
        }
        drop(file);
        member_found(cx, &member, &data, depth, budget, &mut classes, out);
    }
    content::finish_classes(cx, path, &classes, out);
}

/// Scans one member read from an archive at `depth`; its classes join the archive's.
fn member_found(
    cx: &Context,
    member: &str,
    data: &[u8],
    depth: u32,
    budget: &mut Budget,
    classes: &mut Extracted,
    out: &mut Output,
) {
    out.stats.archive_members += 1;
    content::scan_member(cx, member, data, depth + 1, budget, Some(classes), out);
}

/// Unix ar archives: Debian packages and static libraries.
fn ar(cx: &Context, path: &str, bytes: &[u8], depth: u32, budget: &mut Budget, out: &mut Output) {
    out.stats.archives_scanned += 1;
    let mut pos = 8;
    let mut long_names: &[u8] = &[];
    let mut classes = Extracted::default();
    while pos + 60 <= bytes.len() {
        let header = &bytes[pos..pos + 60];
        if &header[58..60] != b"`\n" {
            return error(
                out,
                ErrorKind::Malformed,
                path,
                format!("ar: bad member header at byte {pos}"),
            );
        }
        let field =
            |r: std::ops::Range<usize>| String::from_utf8_lossy(&header[r]).trim().to_owned();
        let Ok(size) = field(48..58).parse::<usize>() else {
            return error(
                out,
                ErrorKind::Malformed,
                path,
                format!("ar: bad member size at byte {pos}"),
            );
        };
        let start = pos + 60;
        let Some(data) = start
            .checked_add(size)
            .and_then(|end| bytes.get(start..end))
        else {
            return error(
                out,
                ErrorKind::Malformed,
                path,
                "ar: member runs past the end of the file",
            );
        };
        pos = start + size + (size & 1);
        let raw = field(0..16);
        let (name, data) = match raw.as_str() {
            "/" | "/SYM64/" | "__.SYMDEF" | "__.SYMDEF SORTED" => continue,
            "//" => {
                long_names = data;
                continue;
            }
            n if n.starts_with("#1/") => {
                let len = n[3..].parse::<usize>().unwrap_or(0).min(data.len());
                (
                    String::from_utf8_lossy(&data[..len])
                        .trim_end_matches('\0')
                        .to_owned(),
                    &data[len..],
                )
            }
            n if n.starts_with('/') => {
                let off = n[1..].parse::<usize>().unwrap_or(usize::MAX);
                let name = long_names.get(off..).map(|t| {
                    let end = t.iter().position(|b| *b == b'\n').unwrap_or(t.len());
                    String::from_utf8_lossy(&t[..end])
                        .trim_end_matches('/')
                        .to_owned()
                });
                (name.unwrap_or_else(|| n.to_owned()), data)
            }
            n => (n.trim_end_matches('/').to_owned(), data),
        };
        let member = format!("{path}!/{}", printable(&name));
        if !admit(cx, budget, &member, data.len() as u64, out) {
            if budget.stopped {
                break;
            }
            continue;
        }
        member_found(cx, &member, data, depth, budget, &mut classes, out);
    }
    content::finish_classes(cx, path, &classes, out);
}

/// A member name as reports show it: control characters (hostile or corrupt names) replaced.
fn printable(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// Counts the bytes read through it (the compressed side of a stream).
struct Counting<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Stops a decompressor that produces too much: over the ratio, or over the total budget.
struct Guarded<R> {
    inner: R,
    compressed: Rc<Cell<u64>>,
    produced: u64,
    max_ratio: u64,
    max_total: u64,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.produced += n as u64;
        let packed = self.compressed.get().max(1);
        if self.produced > RATIO_FLOOR && self.produced / packed > self.max_ratio {
            return Err(io::Error::other(LimitHit(format!(
                "compression ratio over {}:1 after {} bytes (a decompression bomb?); stopped (raise it with --max-compression-ratio)",
                self.max_ratio, self.produced
            ))));
        }
        if self.produced > self.max_total {
            return Err(io::Error::other(LimitHit(format!(
                "total size limit of {} bytes reached while decompressing; stopped (raise it with --max-archive-bytes)",
                self.max_total
            ))));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_archive_magic() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Some(Kind::Zip));
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Some(Kind::Gzip));
        assert_eq!(sniff(b"!<arch>\ndebian-binary"), Some(Kind::Ar));
        assert_eq!(sniff(b"plain text"), None);
        assert_eq!(sniff(&[0u8; 512]), None);
    }

    #[test]
    fn old_tar_headers_need_a_valid_checksum() {
        let mut h = vec![0u8; 512];
        h[..5].copy_from_slice(b"a.txt");
        let sum: u32 = h.iter().map(|b| u32::from(*b)).sum::<u32>() + 8 * 32;
        let field = format!("{sum:06o}\0 ");
        h[148..156].copy_from_slice(field.as_bytes());
        assert!(is_tar_header(&h));
        h[0] = b'b';
        assert!(!is_tar_header(&h));
    }

    #[test]
    fn compression_extensions_are_stripped_from_single_files() {
        assert_eq!(strip_compression_ext("dir/lib.so.gz"), "lib.so");
        assert_eq!(strip_compression_ext("a.zip!/x.xz"), "x");
        assert_eq!(strip_compression_ext("blob"), "blob");
    }
}
