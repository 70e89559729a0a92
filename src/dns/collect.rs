//! The queries made for one domain, and what they observed: record values in the form the
//! `kind = "dns"` rules match, addresses for the IP ranges, and failed queries.

use std::collections::BTreeSet;

use super::answer::{Answer, Status, fqdn};
use super::backend::Backend;
use crate::rules::DnsRecord;

/// DKIM selectors tried at `<selector>._domainkey.<domain>`: those of Microsoft 365, Google,
/// Mailchimp/Mandrill, SendGrid, Amazon SES custom, Brevo, Mailjet, Zoho, Fastmail, Proton,
/// iCloud, and the common defaults.
pub const DKIM_SELECTORS: &[&str] = &[
    "selector1",
    "selector2",
    "google",
    "k1",
    "k2",
    "k3",
    "s1",
    "s2",
    "mandrill",
    "mte1",
    "mailjet",
    "zmail",
    "fm1",
    "fm2",
    "fm3",
    "protonmail",
    "protonmail2",
    "protonmail3",
    "sig1",
    "dkim",
    "default",
    "mail",
    "smtp",
    "mxvault",
];

/// Host names whose CNAME reveals mail, chat and device-management services.
pub const SERVICE_CNAMES: &[&str] = &[
    "autodiscover",
    "lyncdiscover",
    "sip",
    "enterpriseregistration",
    "enterpriseenrollment",
];

/// SRV names of Teams/Skype federation and Exchange autodiscover.
pub const SERVICE_SRVS: &[&str] = &["_sip._tls", "_autodiscover._tcp"];

/// RFC 7208 §4.6.4: at most 10 mechanisms and modifiers that cause DNS lookups.
pub const SPF_MAX_LOOKUPS: usize = 10;
/// RFC 7208 §4.6.4: at most 2 lookups that return no records.
pub const SPF_MAX_VOID: usize = 2;

/// A value seen in DNS.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Observed {
    /// The owner name queried (lower case, trailing dot).
    pub name: String,
    /// Which rule record kind the value feeds.
    pub record: DnsRecord,
    pub value: String,
}

/// Why an address was looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AddressOf {
    /// A mail exchanger the rules did not recognise by name.
    Mx,
    /// The apex or www: web hosting.
    Web,
}

/// An address one of the domain's names resolves to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Address {
    pub name: String,
    pub addr: std::net::IpAddr,
    pub of: AddressOf,
}

/// A query that failed, or a limit that was hit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// `MX example.org.` or `SPF example.org.`.
    pub query: String,
    pub message: String,
}

/// Everything observed for one domain.
#[derive(Debug, Clone, Default)]
pub struct Observation {
    pub domain: String,
    pub values: Vec<Observed>,
    pub addresses: Vec<Address>,
    pub problems: Vec<Problem>,
    /// MX exchange hosts, in preference order.
    pub mx_hosts: Vec<String>,
    pub ns_hosts: Vec<String>,
    /// True when the MX query got an authoritative verdict: mail could be assessed.
    pub mail_answered: bool,
}

impl Observation {
    fn note(&mut self, rtype: &str, name: &str, a: &Answer) -> bool {
        if a.status.answered() {
            return true;
        }
        self.problems.push(Problem {
            query: format!("{rtype} {name}"),
            message: format!(
                "{}: {}",
                a.status.as_str(),
                a.message.as_deref().unwrap_or("no answer")
            ),
        });
        false
    }

    fn push(&mut self, name: &str, record: DnsRecord, value: &str) {
        self.values.push(Observed {
            name: name.to_owned(),
            record,
            value: value.to_owned(),
        });
    }
}

/// Runs every query for `domain`; `recognised_mx` says whether the rules know an MX host, in
/// which case its addresses are not looked up.
pub async fn collect(
    dns: &Backend,
    domain: &str,
    recognised_mx: &(dyn Fn(&str) -> bool + Sync),
) -> Observation {
    let apex = fqdn(domain);
    let mut obs = Observation {
        domain: apex.trim_end_matches('.').to_owned(),
        ..Observation::default()
    };
    let www = format!("www.{apex}");
    let dmarc = format!("_dmarc.{apex}");
    let (mx, txt, ns, dmarc_txt) = tokio::join!(
        dns.query_own(&apex, "MX"),
        dns.query_own(&apex, "TXT"),
        dns.query_own(&apex, "NS"),
        dns.query_own(&dmarc, "TXT"),
    );

    obs.mail_answered = obs.note("MX", &apex, &mx) && mx.status == Status::NoError;
    if mx.status == Status::NxDomain {
        obs.problems.push(Problem {
            query: format!("MX {apex}"),
            message: "NXDOMAIN: the domain does not exist".to_owned(),
        });
    }
    let mut mx_hosts: Vec<(u16, String)> = mx
        .values("MX")
        .filter_map(|v| {
            let (pref, host) = v.split_once(' ')?;
            Some((pref.parse().unwrap_or(u16::MAX), host.to_owned()))
        })
        .collect();
    mx_hosts.sort();
    for (_, host) in &mx_hosts {
        obs.push(&apex, DnsRecord::Mx, host);
    }
    obs.mx_hosts = mx_hosts.into_iter().map(|(_, h)| h).collect();

    if obs.note("TXT", &apex, &txt) {
        for v in txt.values("TXT") {
            if is_spf(v) {
                obs.push(&apex, DnsRecord::Spf, v);
            } else {
                obs.push(&apex, DnsRecord::Txt, v);
            }
        }
        let spf: Vec<String> = txt
            .values("TXT")
            .filter(|v| is_spf(v))
            .map(str::to_owned)
            .collect();
        if spf.len() > 1 {
            obs.problems.push(Problem {
                query: format!("SPF {apex}"),
                message: "more than one v=spf1 record (RFC 7208 §3.2: a permanent error)"
                    .to_owned(),
            });
        }
        if let Some(record) = spf.first() {
            expand_spf(dns, &apex, record, &mut obs).await;
        }
    }
    if obs.note("NS", &apex, &ns) {
        for v in ns.values("NS") {
            obs.push(&apex, DnsRecord::Ns, v);
            obs.ns_hosts.push(v.to_owned());
        }
    }
    if dmarc_txt.status != Status::NxDomain && obs.note("TXT", &dmarc, &dmarc_txt) {
        for v in dmarc_txt
            .values("TXT")
            .filter(|v| v.to_ascii_lowercase().starts_with("v=dmarc1"))
        {
            obs.push(&dmarc, DnsRecord::Dmarc, v);
        }
    }

    // DKIM selectors, service CNAMEs and SRVs: NXDOMAIN is the usual answer and not a problem.
    let dkim_names: Vec<String> = DKIM_SELECTORS
        .iter()
        .map(|s| format!("{s}._domainkey.{apex}"))
        .collect();
    let cname_names: Vec<String> = SERVICE_CNAMES
        .iter()
        .map(|s| format!("{s}.{apex}"))
        .collect();
    let srv_names: Vec<String> = SERVICE_SRVS.iter().map(|s| format!("{s}.{apex}")).collect();
    let dkim = futures_join(dns, &dkim_names, "CNAME").await;
    for (name, a) in dkim_names.iter().zip(&dkim) {
        if optional(&mut obs, "CNAME", name, a) {
            for v in a.values("CNAME") {
                obs.push(name, DnsRecord::Dkim, v);
            }
        }
    }
    let cnames = futures_join(dns, &cname_names, "CNAME").await;
    for (name, a) in cname_names.iter().zip(&cnames) {
        if optional(&mut obs, "CNAME", name, a) {
            for v in a.values("CNAME") {
                obs.push(name, DnsRecord::Cname, v);
            }
        }
    }
    let srvs = futures_join(dns, &srv_names, "SRV").await;
    for (name, a) in srv_names.iter().zip(&srvs) {
        if optional(&mut obs, "SRV", name, a) {
            for v in a.values("SRV") {
                obs.push(name, DnsRecord::Srv, v);
            }
        }
    }

    // Web: the A/AAAA (and CNAME chain) of the apex and www.
    for name in [&apex, &www] {
        // The CNAME first: a chain into a name the server cannot answer still shows its first
        // hop (the hosting provider), even when the address lookup through it fails.
        let cname = dns.query_own(name, "CNAME").await;
        let aliased = cname.status == Status::NoError && cname.values("CNAME").next().is_some();
        for v in cname.values("CNAME") {
            obs.push(name, DnsRecord::Cname, v);
        }
        let (a4, a6) = tokio::join!(dns.query_own(name, "A"), dns.query_own(name, "AAAA"));
        for a in [&a4, &a6] {
            let required = name == &apex && !aliased;
            let ok = if required {
                obs.note("A/AAAA", name, a)
            } else {
                optional(&mut obs, "A/AAAA", name, a)
            };
            if !ok {
                continue;
            }
            for r in &a.records {
                match r.rtype.as_str() {
                    "CNAME" => {
                        let v = Observed {
                            name: r.name.clone(),
                            record: DnsRecord::Cname,
                            value: r.value.clone(),
                        };
                        if !obs.values.contains(&v) {
                            obs.values.push(v);
                        }
                    }
                    "A" | "AAAA" => {
                        if let Ok(addr) = r.value.parse() {
                            obs.addresses.push(Address {
                                name: name.clone(),
                                addr,
                                of: AddressOf::Web,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    // Addresses of mail exchangers the rules do not know by name: an own MX on a US cloud.
    let unknown: Vec<String> = obs
        .mx_hosts
        .iter()
        .filter(|h| !recognised_mx(h))
        .cloned()
        .collect();
    for host in unknown {
        let (a4, a6) = tokio::join!(dns.query(&host, "A"), dns.query(&host, "AAAA"));
        for a in [&a4, &a6] {
            if !optional(&mut obs, "A/AAAA", &host, a) {
                continue;
            }
            for v in a.values("A").chain(a.values("AAAA")) {
                if let Ok(addr) = v.parse() {
                    obs.addresses.push(Address {
                        name: host.clone(),
                        addr,
                        of: AddressOf::Mx,
                    });
                }
            }
        }
    }
    obs.values.sort();
    obs.values.dedup();
    obs.addresses.sort();
    obs.addresses.dedup();
    obs.problems.sort();
    obs.problems.dedup();
    obs
}

/// A query whose negative answer is normal: only server failures are problems.
fn optional(obs: &mut Observation, rtype: &str, name: &str, a: &Answer) -> bool {
    match a.status {
        Status::NoError => true,
        Status::NxDomain => false,
        _ => {
            obs.note(rtype, name, a);
            false
        }
    }
}

async fn futures_join(dns: &Backend, names: &[String], rtype: &str) -> Vec<Answer> {
    futures_util::future::join_all(names.iter().map(|n| dns.query_own(n, rtype))).await
}

fn is_spf(txt: &str) -> bool {
    let t = txt.trim_start().to_ascii_lowercase();
    t == "v=spf1" || t.starts_with("v=spf1 ")
}

/// Follows `include:` and `redirect=` through the SPF records, observing each one, within the
/// RFC 7208 limits: 10 lookups, 2 void lookups, no loops.
async fn expand_spf(dns: &Backend, apex: &str, record: &str, obs: &mut Observation) {
    let mut lookups = 0usize;
    let mut voids = 0usize;
    let mut seen: BTreeSet<String> = BTreeSet::from([apex.to_owned()]);
    // Record texts still to read, depth-first in record order.
    let mut stack: Vec<String> = vec![record.to_owned()];
    let problem = |obs: &mut Observation, message: String| {
        obs.problems.push(Problem {
            query: format!("SPF {apex}"),
            message,
        });
    };
    while let Some(text) = stack.pop() {
        let mut targets = Vec::new();
        for term in text.split_ascii_whitespace().skip(1) {
            let t = term
                .trim_start_matches(['+', '-', '~', '?'])
                .to_ascii_lowercase();
            let (mech, arg) = match t.split_once([':', '=']) {
                Some((m, a)) => (m.to_owned(), Some(a.to_owned())),
                None => (t.split('/').next().unwrap_or("").to_owned(), None),
            };
            match mech.as_str() {
                "include" | "redirect" => {
                    lookups += 1;
                    if let Some(a) = arg {
                        targets.push(a);
                    }
                }
                "a" | "mx" | "ptr" | "exists" => lookups += 1,
                _ => {}
            }
        }
        if lookups > SPF_MAX_LOOKUPS {
            problem(
                obs,
                format!(
                    "more than {SPF_MAX_LOOKUPS} DNS lookups in the SPF record and its includes (RFC 7208 §4.6.4: a permanent error); stopped expanding"
                ),
            );
            return;
        }
        // Depth-first in record order: push in reverse.
        for target in targets.into_iter().rev() {
            let name = fqdn(&target);
            if target.contains('%') {
                continue; // a macro: resolved per message, not here
            }
            if !seen.insert(name.clone()) {
                problem(obs, format!("SPF include loop: {name} is included again"));
                continue;
            }
            let a = dns.query(&name, "TXT").await;
            let spf: Vec<&str> = if a.status == Status::NoError {
                a.values("TXT").filter(|v| is_spf(v)).collect()
            } else {
                Vec::new()
            };
            match (a.status, spf.first()) {
                (Status::NoError, Some(rec)) => {
                    obs.push(&name, DnsRecord::Spf, rec);
                    stack.push((*rec).to_owned());
                }
                (Status::NoError | Status::NxDomain, _) => {
                    voids += 1;
                    if voids > SPF_MAX_VOID {
                        problem(
                            obs,
                            format!(
                                "more than {SPF_MAX_VOID} void lookups (RFC 7208 §4.6.4), the last {name}"
                            ),
                        );
                        return;
                    }
                }
                _ => {
                    obs.note("TXT", &name, &a);
                }
            }
        }
    }
}
