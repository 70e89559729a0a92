//! Host names and URLs among a binary's embedded strings, ASCII and UTF-16LE.
//!
//! Rather than listing every printable run (most are code and data), the scan starts at each `.`
//! and grows the printable run around it. Runs that hold a dotted name (`label.tld`) are kept for
//! the host-name fingerprints of the rule packs, which decide what they mean.

/// Shortest run kept: `a.b.io` is the smallest useful host name.
const MIN_LEN: usize = 6;
/// Longest run kept, in characters; longer runs are cut around the dot that found them.
const MAX_LEN: usize = 1024;

/// One embedded string and its byte offset in the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    pub text: String,
    pub offset: u64,
}

/// Appends the dotted-name strings of `bytes` to `out`, ASCII first, then UTF-16LE, stopping at
/// `max` strings in all. Deterministic: by encoding, then offset.
pub fn dotted_strings(bytes: &[u8], max: usize, out: &mut Vec<Embedded>) {
    ascii(bytes, max, out);
    utf16le(bytes, max, out);
}

fn printable(b: u8) -> bool {
    (0x20..0x7f).contains(&b)
}

fn ascii(bytes: &[u8], max: usize, out: &mut Vec<Embedded>) {
    let mut covered = 0usize;
    for dot in memchr::memchr_iter(b'.', bytes) {
        if out.len() >= max {
            return;
        }
        if dot < covered || !dotted_at(bytes, dot, 1) {
            continue;
        }
        let mut start = dot;
        while start > 0 && dot - start < MAX_LEN / 2 && printable(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = dot + 1;
        while end < bytes.len() && end - start < MAX_LEN && printable(bytes[end]) {
            end += 1;
        }
        covered = end;
        if end - start >= MIN_LEN {
            out.push(Embedded {
                // Printable ASCII only, so this is valid UTF-8.
                text: String::from_utf8_lossy(&bytes[start..end]).into_owned(),
                offset: start as u64,
            });
        }
    }
}

fn utf16le(bytes: &[u8], max: usize, out: &mut Vec<Embedded>) {
    let mut covered = 0usize;
    for dot in memchr::memmem::find_iter(bytes, b".\0") {
        if out.len() >= max {
            return;
        }
        if dot < covered || !dotted_at(bytes, dot, 2) {
            continue;
        }
        let unit =
            |i: usize| -> bool { i + 1 < bytes.len() && printable(bytes[i]) && bytes[i + 1] == 0 };
        let mut start = dot;
        while start >= 2 && (dot - start) / 2 < MAX_LEN / 2 && unit(start - 2) {
            start -= 2;
        }
        let mut end = dot + 2;
        while (end - start) / 2 < MAX_LEN && unit(end) {
            end += 2;
        }
        covered = end;
        if (end - start) / 2 >= MIN_LEN {
            let text: String = bytes[start..end]
                .iter()
                .step_by(2)
                .map(|b| *b as char)
                .collect();
            out.push(Embedded {
                text,
                offset: start as u64,
            });
        }
    }
}

/// True when the character before the dot at `dot` is a letter or digit and the one after is
/// a letter, with characters `step` bytes wide (1 for ASCII, 2 for UTF-16LE).
fn dotted_at(bytes: &[u8], dot: usize, step: usize) -> bool {
    let before = dot.checked_sub(step).and_then(|i| bytes.get(i));
    let after = bytes.get(dot + step);
    let zero_high = |i: usize| step == 1 || bytes.get(i + 1) == Some(&0);
    matches!(before, Some(b) if b.is_ascii_alphanumeric() || *b == b'-')
        && zero_high(dot - step)
        && matches!(after, Some(b) if b.is_ascii_alphabetic())
        && zero_high(dot + step)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        dotted_strings(bytes, 100, &mut out);
        out.into_iter().map(|e| e.text).collect()
    }

    #[test]
    fn finds_ascii_and_utf16_hosts() {
        let mut b = b"\x00\x01https://sts.amazonaws.com/\x00\x7f1.5\x00\x00\x00".to_vec();
        for c in "login.microsoftonline.com".chars() {
            b.extend([c as u8, 0]);
        }
        b.extend([0, 0]);
        assert_eq!(
            texts(&b),
            ["https://sts.amazonaws.com/", "login.microsoftonline.com"]
        );
    }

    #[test]
    fn skips_numbers_short_runs_and_respects_the_cap() {
        assert!(texts(b"\x00v1.2.3\x00a.b\x00").is_empty());
        let many = b"\x00host.example.org\x00".repeat(50);
        let mut out = Vec::new();
        dotted_strings(&many, 10, &mut out);
        assert_eq!(out.len(), 10);
    }

    #[test]
    fn long_runs_are_cut() {
        let mut b = vec![b'x'; 5000];
        b.extend(b".example.com");
        b.extend(vec![b'y'; 5000]);
        let t = texts(&b);
        assert_eq!(t.len(), 1);
        assert!(t[0].len() <= MAX_LEN && t[0].contains(".example.com"));
    }
}
