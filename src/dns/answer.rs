//! DNS answers in the text form the rules match and snapshots store, whatever produced them (a
//! live resolver, a snapshot or zone files).

use hickory_proto::rr::{RData, Record, RecordType};
use serde::{Deserialize, Serialize};

/// The record types sovscan asks for.
pub const TYPES: &[RecordType] = &[
    RecordType::A,
    RecordType::AAAA,
    RecordType::CNAME,
    RecordType::MX,
    RecordType::NS,
    RecordType::SRV,
    RecordType::TXT,
];

/// How a query ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING-KEBAB-CASE")]
pub enum Status {
    /// An answer, possibly empty (NODATA).
    NoError,
    /// The name does not exist.
    NxDomain,
    ServFail,
    Refused,
    /// No answer within the timeout, after every retry.
    Timeout,
    /// Anything else: a transport error, a malformed or oversized answer.
    Error,
}

impl Status {
    /// True when the server gave an authoritative verdict (records, NODATA or NXDOMAIN).
    pub fn answered(self) -> bool {
        matches!(self, Self::NoError | Self::NxDomain)
    }

    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoError => "NOERROR",
            Self::NxDomain => "NXDOMAIN",
            Self::ServFail => "SERVFAIL",
            Self::Refused => "REFUSED",
            Self::Timeout => "TIMEOUT",
            Self::Error => "ERROR",
        }
    }
}

/// One resource record as text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rr {
    /// Owner name, lower case with a trailing dot.
    pub name: String,
    /// `A`, `AAAA`, `CNAME`, `MX`, `NS`, `SRV`, `TXT`.
    #[serde(rename = "type")]
    pub rtype: String,
    /// The data: an address; a host (`target.`); `10 mx.example.` for MX;
    /// `prio weight port target.` for SRV; the concatenated strings of a TXT record.
    pub value: String,
}

/// The answer to one query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub status: Status,
    /// The answer section (CNAMEs of a chain first, in order), empty for NODATA and errors.
    #[serde(default)]
    pub records: Vec<Rr>,
    /// What went wrong, for statuses other than NOERROR and NXDOMAIN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Answer {
    /// An answer with records.
    pub fn records(records: Vec<Rr>) -> Self {
        Self {
            status: Status::NoError,
            records,
            message: None,
        }
    }

    /// A failed or negative answer.
    pub fn failed(status: Status, message: impl Into<String>) -> Self {
        Self {
            status,
            records: Vec::new(),
            message: Some(message.into()),
        }
    }

    /// The values of the records of type `rtype` (CNAMEs of a chain excluded unless asked for).
    pub fn values<'a>(&'a self, rtype: &'a str) -> impl Iterator<Item = &'a str> {
        self.records
            .iter()
            .filter(move |r| r.rtype == rtype)
            .map(|r| r.value.as_str())
    }
}

/// A name in the form rules match: lower case with a trailing dot.
pub fn fqdn(name: &str) -> String {
    let mut n = name.trim().to_ascii_lowercase();
    if !n.ends_with('.') {
        n.push('.');
    }
    n
}

/// The record as text, or `None` for a type sovscan does not use.
pub fn rr(record: &Record) -> Option<Rr> {
    let value = match &record.data {
        RData::A(a) => a.0.to_string(),
        RData::AAAA(a) => a.0.to_string(),
        RData::CNAME(c) => fqdn(&c.0.to_ascii()),
        RData::NS(n) => fqdn(&n.0.to_ascii()),
        RData::MX(mx) => format!("{} {}", mx.preference, fqdn(&mx.exchange.to_ascii())),
        RData::SRV(s) => format!(
            "{} {} {} {}",
            s.priority,
            s.weight,
            s.port,
            fqdn(&s.target.to_ascii())
        ),
        RData::TXT(t) => t
            .txt_data
            .iter()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect::<String>(),
        _ => return None,
    };
    Some(Rr {
        name: fqdn(&record.name.to_ascii()),
        rtype: record.record_type().to_string(),
        value,
    })
}
