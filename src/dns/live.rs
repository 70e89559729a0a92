//! Live lookups: sovscan's own DNS client ([`super::udp`]) with the answer semantics that
//! hickory-resolver 0.26 gave the scanner before it, so reports do not change: the hosts file
//! for A and AAAA, the special-use names of RFC 6761 and RFC 7686, CNAME chains chased with
//! new queries while the answer lacks the type asked for (intermediate CNAMEs kept), and the
//! same mapping of response codes to [`Status`].

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use hickory_proto::op::{Message, Query, ResponseCode};
use hickory_proto::rr::domain::usage::{
    self, DEFAULT, IN_ADDR_ARPA_127, INVALID, IP6_ARPA_1, LOCAL, LOCALHOST, ONION, ResolverUsage,
};
use hickory_proto::rr::rdata::{A, AAAA, PTR};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};
use hickory_resolver::{Hosts, MAX_TTL};
use tokio::runtime::{Handle, Id};

use super::answer::{Answer, Rr, Status, rr};
use super::backend::LiveOptions;
use super::udp::{Client, ClientOptions, Failure};

/// Queries in one CNAME chase, the first included (hickory-resolver's query depth).
const MAX_QUERY_DEPTH: usize = 8;

/// Why a lookup has no records.
enum Miss {
    /// A NOERROR or NXDOMAIN answer without the records asked for.
    NoRecords(ResponseCode),
    Failed(Failure),
}

/// Live DNS: the servers, the hosts file, and one client per tokio runtime.
pub struct Live {
    client_opts: ClientOptions,
    hosts: Hosts,
    /// The client of the runtime that last asked: sockets belong to one runtime.
    client: Mutex<Option<(Id, Arc<Client>)>>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("servers", &self.client_opts.servers)
            .finish_non_exhaustive()
    }
}

impl Live {
    /// The given servers, or those of /etc/resolv.conf when there are none.
    pub fn new(opts: &LiveOptions) -> Result<Self, String> {
        // EDNS as hickory-resolver had it: on for given servers, as resolv.conf says otherwise.
        let (servers, edns) = if opts.servers.is_empty() {
            system_servers()?
        } else {
            (opts.servers.clone(), true)
        };
        Ok(Self {
            client_opts: ClientOptions {
                servers,
                timeout: opts.timeout,
                attempts: opts.attempts,
                recursion: opts.recursion,
                edns,
            },
            hosts: Hosts::from_system().unwrap_or_default(),
            client: Mutex::new(None),
        })
    }

    /// The answer to `name` (absolute) and `rtype`: CNAMEs of the chain first, in order, then
    /// the other records sorted.
    pub async fn lookup(&self, name: &str, rtype: &str) -> Answer {
        let Ok(qname) = Name::from_ascii(name) else {
            return Answer::failed(Status::Error, format!("`{name}` is not a valid DNS name"));
        };
        let Ok(qtype) = rtype.parse::<RecordType>() else {
            return Answer::failed(Status::Error, format!("unknown record type {rtype}"));
        };
        let query = Query::query(qname, qtype);
        let records = match self.hosts.lookup_static_host(&query) {
            Some(lookup) => Ok(lookup.answers().to_vec()),
            None => self.resolve(query).await,
        };
        match records {
            Ok(records) => answer(&records, rtype),
            Err(miss) => failed(miss),
        }
    }

    /// hickory-resolver's CachingClient lookup (without its cache): one query per link of a
    /// CNAME chain until an answer holds the type asked for.
    async fn resolve(&self, mut query: Query) -> Result<Vec<Record>, Miss> {
        let mut chain: Vec<Record> = Vec::new();
        for depth in 0..MAX_QUERY_DEPTH {
            if let Some(special) = special_use(&query) {
                return special;
            }
            let client = match self.client().await {
                Ok(c) => c,
                Err(e) => return Err(Miss::Failed(Failure::Other(format!("io error: {e}")))),
            };
            let message = client
                .query(query.name(), query.query_type())
                .await
                .map_err(Miss::Failed)?;
            let message = usable(message, &query)?;
            match step(message, &query, &mut chain) {
                Step::Done(records) => return Ok(records),
                Step::Chase(target, _) if depth + 1 < MAX_QUERY_DEPTH => {
                    query = Query::query(target, query.query_type());
                }
                Step::Chase(_, code) | Step::NoRecords(code) => {
                    return Err(Miss::NoRecords(code));
                }
            }
        }
        Err(Miss::NoRecords(ResponseCode::NoError))
    }

    /// This runtime's client, opened on first use.
    async fn client(&self) -> std::io::Result<Arc<Client>> {
        let runtime = Handle::current().id();
        if let Some((id, client)) = &*self.client.lock().unwrap_or_else(|p| p.into_inner())
            && *id == runtime
        {
            return Ok(Arc::clone(client));
        }
        let client = Arc::new(Client::connect(&self.client_opts).await?);
        let mut slot = self.client.lock().unwrap_or_else(|p| p.into_inner());
        match &*slot {
            // Another query of this runtime got there first: use its client.
            Some((id, existing)) if *id == runtime => Ok(Arc::clone(existing)),
            _ => {
                *slot = Some((runtime, Arc::clone(&client)));
                Ok(client)
            }
        }
    }
}

/// The name servers of /etc/resolv.conf and whether it asks for EDNS (`options edns0`), as
/// hickory-resolver reads them.
fn system_servers() -> Result<(Vec<SocketAddr>, bool), String> {
    let (config, opts) = hickory_resolver::system_conf::read_system_conf()
        .map_err(|e| format!("system resolver configuration: {e}"))?;
    let mut servers: Vec<SocketAddr> = Vec::new();
    for ns in config.name_servers() {
        let port = ns.connections.first().map_or(53, |c| c.port);
        let addr = SocketAddr::new(ns.ip, port);
        if !servers.contains(&addr) {
            servers.push(addr);
        }
    }
    Ok((servers, opts.edns0))
}

/// What one answer of a chase leads to.
enum Step {
    /// The records of the lookup.
    Done(Vec<Record>),
    /// Ask the same type for this name (the end of a CNAME chain, or an SRV target); the
    /// answer's response code is the verdict when the chase may go no further.
    Chase(Name, ResponseCode),
    /// No records, with the answer's response code.
    NoRecords(ResponseCode),
}

/// hickory-resolver's reading of one answer (`handle_noerror`, with intermediates preserved):
/// an answer holding the type asked for ends the lookup, with the CNAMEs gathered so far
/// first; otherwise its CNAMEs join `chain` and the chain's end is asked next.
fn step(message: Message, query: &Query, chain: &mut Vec<Record>) -> Step {
    let (target, aliased) = search_name(&message, query);
    let wanted = |r: &Record| {
        r.record_type() == query.query_type() && (r.name == target || r.name == *query.name())
    };
    let found = message.all_sections().any(wanted);
    if found && chain.is_empty() {
        return Step::Done(message.answers);
    }
    if found && !aliased {
        chain.extend(
            message
                .all_sections()
                .filter(|r| wanted(r) || r.record_type() == RecordType::CNAME)
                .cloned(),
        );
        return Step::Done(std::mem::take(chain));
    }
    chain.extend(
        message
            .all_sections()
            .filter(|r| r.record_type() == RecordType::CNAME)
            .cloned(),
    );
    if aliased {
        Step::Chase(target, message.metadata.response_code)
    } else {
        Step::NoRecords(message.metadata.response_code)
    }
}

/// The special-use names hickory-resolver answers itself: `localhost.` (and its reverse
/// zones) with the loopback address, `invalid.` and `onion.` with NXDOMAIN.
fn special_use(query: &Query) -> Option<Result<Vec<Record>, Miss>> {
    let name = query.name();
    let zone: &usage::ZoneUsage = match name {
        n if LOCALHOST.zone_of(n) => &LOCALHOST,
        n if IN_ADDR_ARPA_127.zone_of(n) => &LOCALHOST,
        n if IP6_ARPA_1.zone_of(n) => &LOCALHOST,
        n if INVALID.zone_of(n) => &INVALID,
        n if LOCAL.zone_of(n) => &LOCAL,
        n if ONION.zone_of(n) => &ONION,
        _ => &DEFAULT,
    };
    match zone.resolver() {
        ResolverUsage::Loopback => {
            let data = match query.query_type() {
                RecordType::A => RData::A(A(Ipv4Addr::LOCALHOST)),
                RecordType::AAAA => RData::AAAA(AAAA(Ipv6Addr::LOCALHOST)),
                RecordType::PTR => RData::PTR(PTR(Name::from_ascii("localhost.").ok()?)),
                _ => return Some(Err(Miss::NoRecords(ResponseCode::NoError))),
            };
            Some(Ok(vec![Record::from_rdata(name.clone(), MAX_TTL, data)]))
        }
        ResolverUsage::NxDomain => Some(Err(Miss::NoRecords(ResponseCode::NXDomain))),
        _ => None,
    }
}

/// The checks hickory-resolver makes before looking at the records: a record of another class
/// is an error, and an answer without a record for the question is "no records".
fn usable(message: Message, query: &Query) -> Result<Message, Miss> {
    if let Some(r) = message.all_sections().find(|r| r.dns_class != DNSClass::IN) {
        return Err(Miss::Failed(Failure::Other(format!(
            "foreign class record in response: {} {} {}",
            r.name,
            r.dns_class,
            r.record_type()
        ))));
    }
    let has_answer = !message.answers.is_empty()
        || message
            .all_sections()
            .any(|r| r.record_type() == query.query_type() && r.name == *query.name());
    let code = message.metadata.response_code;
    let negative = matches!(code, ResponseCode::NoError | ResponseCode::NXDomain);
    if negative && !has_answer {
        return Err(Miss::NoRecords(code));
    }
    Ok(message)
}

/// The name to look for next: the end of the CNAME chain in the answer section (or an SRV
/// target), and whether there was one. A CNAME query is not chased.
fn search_name(message: &Message, query: &Query) -> (Name, bool) {
    let mut name = query.name().clone();
    let mut aliased = false;
    if query.query_type() == RecordType::CNAME {
        return (name, false);
    }
    for r in &message.answers {
        match &r.data {
            RData::CNAME(target) if r.name == name => {
                name = target.0.clone();
                aliased = true;
            }
            RData::SRV(srv) => {
                name = srv.target.clone();
                aliased = true;
            }
            _ => {}
        }
    }
    (name, aliased)
}

/// The records as sovscan keeps them: CNAMEs of the chain first, in order; then the records
/// asked for, sorted and without duplicates.
fn answer(records: &[Record], rtype: &str) -> Answer {
    let (mut chain, mut rest): (Vec<Rr>, Vec<Rr>) = records
        .iter()
        .filter_map(rr)
        .partition(|r| r.rtype == "CNAME" && rtype != "CNAME");
    rest.sort();
    rest.dedup();
    chain.dedup();
    chain.extend(rest);
    Answer::records(chain)
}

fn failed(miss: Miss) -> Answer {
    match miss {
        Miss::NoRecords(ResponseCode::NXDomain) => Answer::failed(Status::NxDomain, "no such name"),
        Miss::NoRecords(_) => Answer::records(Vec::new()),
        Miss::Failed(Failure::Rcode(ResponseCode::ServFail)) => {
            Answer::failed(Status::ServFail, "the server answered SERVFAIL")
        }
        Miss::Failed(Failure::Rcode(ResponseCode::Refused)) => Answer::failed(
            Status::Refused,
            "the server refused the query (lame delegation?)",
        ),
        Miss::Failed(Failure::Timeout) => {
            Answer::failed(Status::Timeout, "no answer before the timeout")
        }
        Miss::Failed(Failure::Rcode(code)) => {
            Answer::failed(Status::Error, format!("DNS error: error response: {code}"))
        }
        Miss::Failed(Failure::Truncated) => Answer::failed(
            Status::Error,
            "response was truncated; TCP already tried or no other transport available",
        ),
        Miss::Failed(Failure::Other(message)) => Answer::failed(Status::Error, message),
    }
}

#[cfg(test)]
mod tests {
    use hickory_proto::op::{Message, OpCode, Query, ResponseCode};
    use hickory_proto::rr::rdata::{A, CNAME};
    use hickory_proto::rr::{Name, RData, Record, RecordType};

    use super::{Miss, Step, step, usable};

    fn name(n: &str) -> Name {
        Name::from_ascii(n).expect("name")
    }

    fn cname(from: &str, to: &str) -> Record {
        Record::from_rdata(name(from), 60, RData::CNAME(CNAME(name(to))))
    }

    fn a(owner: &str) -> Record {
        Record::from_rdata(name(owner), 60, RData::A(A::new(192, 0, 2, 1)))
    }

    fn answer(code: ResponseCode, records: Vec<Record>) -> Message {
        let mut m = Message::response(1, OpCode::Query);
        m.metadata.response_code = code;
        m.answers = records;
        m
    }

    fn owners(records: &[Record]) -> Vec<String> {
        records
            .iter()
            .map(|r| format!("{} {}", r.name, r.record_type()))
            .collect()
    }

    #[test]
    fn a_chain_is_chased_to_its_end_and_kept_in_front() {
        let q = Query::query(name("www.x.test."), RecordType::A);
        let mut chain = Vec::new();
        let first = answer(
            ResponseCode::NoError,
            vec![cname("www.x.test.", "x.cdn.test.")],
        );
        let Step::Chase(target, _) = step(first, &q, &mut chain) else {
            panic!("a CNAME without the address must be chased");
        };
        assert_eq!(target, name("x.cdn.test."));
        let q = Query::query(target, RecordType::A);
        let second = answer(ResponseCode::NoError, vec![a("x.cdn.test.")]);
        let Step::Done(records) = step(second, &q, &mut chain) else {
            panic!("the address ends the chase");
        };
        assert_eq!(owners(&records), ["www.x.test. CNAME", "x.cdn.test. A"]);
    }

    #[test]
    fn an_answer_with_the_chain_and_the_type_asked_for_is_taken_whole() {
        let q = Query::query(name("www.x.test."), RecordType::A);
        let m = answer(
            ResponseCode::NoError,
            vec![cname("www.x.test.", "x.test."), a("x.test.")],
        );
        let Step::Done(records) = step(m, &q, &mut Vec::new()) else {
            panic!("nothing to chase");
        };
        assert_eq!(owners(&records), ["www.x.test. CNAME", "x.test. A"]);
    }

    #[test]
    fn a_cname_query_is_not_chased_and_the_code_ends_a_dead_chain() {
        let q = Query::query(name("www.x.test."), RecordType::CNAME);
        let m = answer(
            ResponseCode::NoError,
            vec![cname("www.x.test.", "gone.x.test.")],
        );
        assert!(matches!(step(m, &q, &mut Vec::new()), Step::Done(r) if r.len() == 1));
        let q = Query::query(name("www.x.test."), RecordType::A);
        let m = answer(
            ResponseCode::NXDomain,
            vec![cname("www.x.test.", "gone.x.test.")],
        );
        assert!(matches!(
            step(m, &q, &mut Vec::new()),
            Step::Chase(_, ResponseCode::NXDomain)
        ));
    }

    #[test]
    fn negative_answers_without_records_are_no_records_with_their_code() {
        let q = Query::query(name("x.test."), RecordType::MX);
        for code in [ResponseCode::NoError, ResponseCode::NXDomain] {
            let got = usable(answer(code, Vec::new()), &q);
            assert!(matches!(got, Err(Miss::NoRecords(c)) if c == code));
        }
        // NXDOMAIN with a CNAME is an answer to read, not a verdict yet.
        let m = answer(ResponseCode::NXDomain, vec![cname("x.test.", "gone.test.")]);
        assert!(usable(m, &q).is_ok());
    }
}
