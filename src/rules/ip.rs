//! Published cloud IP ranges: `rules/ip-ranges/<name>.txt`, one CIDR prefix per line.
//!
//! A file starts with `# key: value` header lines (`as_of` and `source` are required) and then
//! lists prefixes; blank lines and other `#` lines are ignored. `kind = "ip"` rules name a file
//! with `ranges = "<name>"`. Lookups are a binary search over merged, sorted intervals.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::Problem;

/// The ranges of one provider, merged into sorted, disjoint intervals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRanges {
    /// File stem: the name `ranges = "..."` refers to.
    pub name: String,
    /// Date of the snapshot (YYYY-MM-DD).
    pub as_of: String,
    /// Where the list comes from.
    pub source: String,
    /// Where the file came from (`builtin:ip-ranges/amazon.txt` or a path).
    pub origin: String,
    /// IPv4 intervals, widened to `u128` so one merge and lookup serve both families.
    v4: Vec<(u128, u128)>,
    v6: Vec<(u128, u128)>,
}

impl IpRanges {
    /// Parses one ranges file; every bad line becomes a problem.
    pub fn parse(name: &str, origin: &str, text: &str) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        let (mut as_of, mut source) = (None, None);
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if let Some(comment) = line.strip_prefix('#') {
                if let Some((key, value)) = comment.split_once(':') {
                    match key.trim() {
                        "as_of" => as_of = Some(value.trim().to_owned()),
                        "source" => source = Some(value.trim().to_owned()),
                        _ => {}
                    }
                }
                continue;
            }
            if line.is_empty() {
                continue;
            }
            match parse_cidr(line) {
                Some(c) if special_purpose(&c).is_some() => problems.push(Problem::structure(
                    origin,
                    None,
                    format!(
                        "line {}: `{line}` overlaps the special-purpose range {} (RFC 6890): no provider hosts it",
                        n + 1,
                        special_purpose(&c).unwrap_or_default()
                    ),
                    "remove the line (documentation, private and reserved ranges are dropped by scripts/refresh-ip-ranges.py)",
                )),
                Some(Cidr::V4(lo, hi)) => v4.push((u128::from(lo), u128::from(hi))),
                Some(Cidr::V6(lo, hi)) => v6.push((lo, hi)),
                None => problems.push(Problem::structure(
                    origin,
                    None,
                    format!("line {}: `{line}` is not a CIDR prefix", n + 1),
                    "write one prefix per line, e.g. 3.5.140.0/22 or 2600:1f00::/24",
                )),
            }
        }
        if as_of
            .as_deref()
            .is_none_or(|d| !super::validate::is_date(d))
        {
            problems.push(Problem::structure(
                origin,
                None,
                "missing or malformed `# as_of: YYYY-MM-DD` header",
                "date the snapshot in a header line: # as_of: 2026-08-22",
            ));
        }
        if source.as_deref().is_none_or(|s| !s.starts_with("http")) {
            problems.push(Problem::structure(
                origin,
                None,
                "missing `# source: URL` header",
                "name the provider's publication in a header line: # source: https://...",
            ));
        }
        if v4.is_empty() && v6.is_empty() {
            problems.push(Problem::structure(
                origin,
                None,
                "the file lists no prefixes",
                "add one CIDR prefix per line",
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            name: name.to_owned(),
            as_of: as_of.unwrap_or_default(),
            source: source.unwrap_or_default(),
            origin: origin.to_owned(),
            v4: merge(v4),
            v6: merge(v6),
        })
    }

    /// True when `addr` lies inside one of the ranges.
    pub fn contains(&self, addr: IpAddr) -> bool {
        match addr {
            IpAddr::V4(a) => lookup(&self.v4, u128::from(u32::from(a))),
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => lookup(&self.v4, u128::from(u32::from(v4))),
                None => lookup(&self.v6, u128::from(a)),
            },
        }
    }

    /// Number of merged intervals (IPv4, IPv6).
    pub fn len(&self) -> (usize, usize) {
        (self.v4.len(), self.v6.len())
    }
}

enum Cidr {
    V4(u32, u32),
    V6(u128, u128),
}

/// Special-purpose ranges (RFC 6890 registries) that no cloud provider hosts: documentation,
/// private, loopback, link-local, benchmarking, multicast, reserved.
const SPECIAL_V4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/3",
];
const SPECIAL_V6: &[&str] = &[
    "::/8",
    "100::/64",
    "2001::/23",
    "2001:db8::/32",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
];

/// The special-purpose range `c` overlaps, if any.
fn special_purpose(c: &Cidr) -> Option<&'static str> {
    let overlaps = |(a, b): (u128, u128), (x, y): (u128, u128)| a <= y && x <= b;
    match c {
        Cidr::V4(lo, hi) => SPECIAL_V4.iter().copied().find(|r| match parse_cidr(r) {
            Some(Cidr::V4(x, y)) => overlaps(
                (u128::from(*lo), u128::from(*hi)),
                (u128::from(x), u128::from(y)),
            ),
            _ => false,
        }),
        Cidr::V6(lo, hi) => SPECIAL_V6.iter().copied().find(|r| match parse_cidr(r) {
            Some(Cidr::V6(x, y)) => overlaps((*lo, *hi), (x, y)),
            _ => false,
        }),
    }
}

/// Parses `addr/len` (or a bare address) into its first and last address.
fn parse_cidr(s: &str) -> Option<Cidr> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u32>().ok()?)),
        None => (s, None),
    };
    if let Ok(a) = addr.parse::<Ipv4Addr>() {
        let len = len.unwrap_or(32);
        if len > 32 {
            return None;
        }
        let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
        let lo = u32::from(a) & mask;
        return Some(Cidr::V4(lo, lo | !mask));
    }
    let a = addr.parse::<Ipv6Addr>().ok()?;
    let len = len.unwrap_or(128);
    if len > 128 {
        return None;
    }
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - len)
    };
    let lo = u128::from(a) & mask;
    Some(Cidr::V6(lo, lo | !mask))
}

/// Sorts intervals and joins those that overlap or touch.
fn merge(mut v: Vec<(u128, u128)>) -> Vec<(u128, u128)> {
    v.sort_unstable();
    let mut out: Vec<(u128, u128)> = Vec::with_capacity(v.len());
    for (lo, hi) in v {
        match out.last_mut() {
            Some(last) if last.1.checked_add(1).is_none_or(|next| lo <= next) => {
                last.1 = last.1.max(hi);
            }
            _ => out.push((lo, hi)),
        }
    }
    out
}

fn lookup(ranges: &[(u128, u128)], x: u128) -> bool {
    let i = ranges.partition_point(|&(lo, _)| lo <= x);
    i > 0 && ranges[i - 1].1 >= x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(body: &str) -> IpRanges {
        let text = format!("# as_of: 2026-08-22\n# source: https://example.org/ranges\n{body}");
        IpRanges::parse("t", "t.txt", &text).expect("valid ranges")
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn finds_addresses_at_the_edges_of_a_prefix() {
        let r = ranges("3.5.140.0/22\n2600:1f00::/24\n");
        assert!(r.contains(ip("3.5.140.0")));
        assert!(r.contains(ip("3.5.143.255")));
        assert!(!r.contains(ip("3.5.144.0")));
        assert!(!r.contains(ip("3.5.139.255")));
        assert!(r.contains(ip("2600:1fff:ffff::1")));
        assert!(!r.contains(ip("2601::1")));
        assert!(r.contains(ip("::ffff:3.5.141.7")));
    }

    #[test]
    fn merges_overlapping_and_adjacent_prefixes() {
        let r = ranges("20.0.0.0/24\n20.0.1.0/24\n20.0.0.128/25\n20.0.2.0/23\n");
        assert_eq!(r.len(), (1, 0));
        assert!(r.contains(ip("20.0.3.255")));
        assert!(!r.contains(ip("20.0.4.0")));
    }

    #[test]
    fn special_purpose_ranges_are_rejected() {
        for bad in [
            "192.0.2.0/24",
            "10.1.0.0/16",
            "2001:db8::/32",
            "2001:10::/28",
            "0.0.0.0/0",
        ] {
            let text = format!("# as_of: 2026-08-22\n# source: https://example.org/r\n{bad}\n");
            let problems = IpRanges::parse("t", "t.txt", &text).expect_err(bad);
            assert!(problems[0].message.contains("special-purpose"), "{bad}");
        }
    }

    #[test]
    fn every_bad_line_and_missing_header_is_reported() {
        let problems = IpRanges::parse("t", "t.txt", "10.0.0.0/33\nnot-an-ip\n1.2.3.0/24\n")
            .expect_err("bad file");
        let text: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
        assert_eq!(problems.len(), 4, "{text:?}");
        assert!(text[0].starts_with("line 1:"));
        assert!(text[1].starts_with("line 2:"));
    }
}
