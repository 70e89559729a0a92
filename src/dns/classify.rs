//! From observed DNS values to findings, and per domain to a verdict: who runs the mail, which
//! gateway is in front, who sends on the domain's behalf, who hosts its DNS and its web.

use std::collections::BTreeSet;

use serde::Serialize;

use super::collect::{AddressOf, Observation};
use crate::finding::{Finding, Location};
use crate::rules::{DnsRecord, RuleSet, Strength};

/// The verdict on one domain. Vendor ids, or a description when no rule recognised the hosts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DomainSummary {
    pub domain: String,
    /// Whether the MX query got an authoritative answer (else mail was not assessed).
    pub answered: bool,
    pub mail_provider: Vec<String>,
    /// A filtering gateway in front of the provider (the MX), when the provider shows behind it.
    pub mail_gateway: Vec<String>,
    /// Services allowed to send mail for the domain (SPF includes, sending DKIM keys).
    pub senders: Vec<String>,
    pub dns_hosting: Vec<String>,
    pub web_hosting: Vec<String>,
}

/// The findings of one domain's observations.
pub fn findings(rules: &RuleSet, obs: &Observation) -> Vec<Finding> {
    let matcher = rules.dns_matcher();
    let mut out = Vec::new();
    for v in &obs.values {
        for idx in matcher.matches(v.record, v.value.as_bytes()) {
            let rule = &rules.rules[idx];
            if rule.vetoed(v.value.as_bytes()) {
                continue;
            }
            let location = Location::Dns {
                domain: obs.domain.clone(),
                name: v.name.clone(),
                record: v.record.as_str().to_owned(),
                value: v.value.clone(),
            };
            let evidence = format!(
                "{} {} {}",
                v.name,
                v.record.as_str().to_ascii_uppercase(),
                v.value
            );
            out.push(Finding::new(rules, rule, location, evidence, 0));
        }
    }
    for a in &obs.addresses {
        for rule in rules.ip_rules(a.addr) {
            let record = if a.addr.is_ipv4() { "a" } else { "aaaa" };
            let location = Location::Dns {
                domain: obs.domain.clone(),
                name: a.name.clone(),
                record: record.to_owned(),
                value: a.addr.to_string(),
            };
            let what = match a.of {
                AddressOf::Mx => "mail exchanger",
                AddressOf::Web => "web address",
            };
            let evidence = format!(
                "{} {} {} ({what} in {}'s published ranges)",
                a.name,
                record.to_ascii_uppercase(),
                a.addr,
                rules.vendors[rule.vendor].name
            );
            let mut f = Finding::new(rules, rule, location, evidence, 0);
            if a.of == AddressOf::Mx {
                // The organisation's own MX name on a cloud address: its mail runs there.
                f.category = "email".to_owned();
                f.service = format!("{} (mail server)", rule.service);
                f.strength = Strength::Primary;
            }
            out.push(f);
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    out
}

fn record_of(f: &Finding) -> Option<&str> {
    match &f.location {
        Location::Dns { record, .. } => Some(record.as_str()),
        _ => None,
    }
}

fn name_of(f: &Finding) -> &str {
    match &f.location {
        Location::Dns { name, .. } => name.as_str(),
        _ => "",
    }
}

/// Judges a domain from its findings; raises the mail provider found behind a gateway to
/// `primary` (its mailboxes are there even though the MX is the gateway's).
pub fn summarise(obs: &Observation, findings: &mut [Finding]) -> DomainSummary {
    let mailbox_record = |f: &Finding| {
        matches!(record_of(f), Some("cname" | "dkim" | "txt" | "srv"))
            && matches!(f.category.as_str(), "email" | "office")
    };
    // Addresses are re-categorised as email only for MX hosts (web addresses keep the range's
    // category), so an email address finding is an MX host on that vendor's network.
    let mx = vendors(findings, |f: &Finding| {
        f.category == "email" && matches!(record_of(f), Some("mx" | "a" | "aaaa"))
    });
    let mailbox = vendors(findings, |f: &Finding| {
        mailbox_record(f) && (f.category == "email" || record_of(f) == Some("txt"))
    });
    let (provider, gateway) = if mailbox.iter().any(|m| !mx.contains(m)) && !mx.is_empty() {
        let provider: Vec<String> = mailbox
            .iter()
            .filter(|m| !mx.contains(m))
            .cloned()
            .collect();
        (provider, mx)
    } else if !mx.is_empty() {
        (mx, Vec::new())
    } else if !mailbox.is_empty() {
        (mailbox, Vec::new())
    } else if obs.mx_hosts.is_empty() {
        (vec!["no MX record".to_owned()], Vec::new())
    } else {
        (
            vec![format!(
                "self-hosted or not recognised ({})",
                obs.mx_hosts.join(", ")
            )],
            Vec::new(),
        )
    };
    if !gateway.is_empty() {
        for f in findings.iter_mut() {
            if provider.contains(&f.vendor) && mailbox_record(f) {
                f.strength = Strength::Primary;
            }
        }
    }
    let named: BTreeSet<&String> = provider.iter().chain(&gateway).collect();
    let senders: Vec<String> = vendors(findings, |f: &Finding| {
        record_of(f) == Some("spf")
            || (f.category == "messaging-payments" && record_of(f) != Some("mx"))
    })
    .into_iter()
    .filter(|v| !named.contains(v))
    .collect();
    let mut dns_hosting = vendors(findings, |f: &Finding| record_of(f) == Some("ns"));
    if dns_hosting.is_empty() && !obs.ns_hosts.is_empty() {
        dns_hosting.push(format!("not recognised ({})", obs.ns_hosts.join(", ")));
    }
    let apex = obs_apex(obs);
    let www = format!("www.{apex}");
    let mut web_hosting = vendors(findings, |f: &Finding| {
        let n = name_of(f);
        (n == apex || n == www || is_chain_of_web(obs, n))
            && matches!(record_of(f), Some("cname" | "a" | "aaaa"))
            && f.category != "email"
    });
    if web_hosting.is_empty() {
        let addrs: Vec<String> = obs
            .addresses
            .iter()
            .filter(|a| a.of == AddressOf::Web)
            .map(|a| a.addr.to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !addrs.is_empty() {
            web_hosting.push(format!("not recognised ({})", addrs.join(", ")));
        }
    }
    DomainSummary {
        domain: obs.domain.clone(),
        answered: obs.mail_answered,
        mail_provider: provider,
        mail_gateway: gateway,
        senders,
        dns_hosting,
        web_hosting,
    }
}

/// The vendors of the findings `pred` accepts, sorted and unique.
fn vendors(findings: &[Finding], pred: impl Fn(&Finding) -> bool) -> Vec<String> {
    findings
        .iter()
        .filter(|f| pred(f))
        .map(|f| f.vendor.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

fn obs_apex(obs: &Observation) -> String {
    format!("{}.", obs.domain)
}

/// True when `name` is a CNAME target in the chain of the apex or www (the chain's owners).
fn is_chain_of_web(obs: &Observation, name: &str) -> bool {
    obs.values
        .iter()
        .any(|v| v.record == DnsRecord::Cname && v.value == name)
}
