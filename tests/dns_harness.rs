//! The DNS test servers themselves: the fixture zones are served, big answers reach a resolver
//! over TCP, and the silent and SERVFAIL endpoints fail the way the scanner's tests expect.

mod common;

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::dns_server::{ServFail, Silent, TestDns};
use hickory_proto::op::{Edns, Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::{Resolver, TokioResolver};

fn zones() -> TestDns {
    TestDns::start(&common::fixture("dns"))
}

/// A non-recursive, non-caching resolver that asks only `addr`, over UDP then TCP.
fn resolver(addr: SocketAddr, timeout: Duration) -> TokioResolver {
    let mut udp = ConnectionConfig::udp();
    udp.port = addr.port();
    let mut tcp = ConnectionConfig::tcp();
    tcp.port = addr.port();
    let server = NameServerConfig::new(addr.ip(), true, vec![udp, tcp]);
    let mut builder = Resolver::builder_with_config(
        ResolverConfig::from_name_servers(vec![server]),
        TokioRuntimeProvider::default(),
    );
    let opts = builder.options_mut();
    opts.recursion_desired = false;
    opts.timeout = timeout;
    opts.attempts = 1;
    opts.cache_size = 0;
    builder.build().expect("build resolver")
}

/// The answer of `addr` to one TXT query over UDP, with `edns_payload` advertised if given.
fn udp_txt_query(addr: SocketAddr, name: &str, edns_payload: Option<u16>) -> (usize, Message) {
    let mut query = Message::query();
    query.add_query(Query::query(
        Name::from_ascii(name).expect("query name"),
        RecordType::TXT,
    ));
    if let Some(payload) = edns_payload {
        let mut edns = Edns::new();
        edns.set_max_payload(payload);
        query.set_edns(edns);
    }
    let socket = UdpSocket::bind((addr.ip(), 0)).expect("bind client socket");
    socket
        .set_read_timeout(Some(Duration::from_secs(2)))
        .expect("set read timeout");
    let bytes = query.to_vec().expect("encode query");
    socket.send_to(&bytes, addr).expect("send query");
    let mut buf = [0_u8; 65_535];
    let (len, _) = socket.recv_from(&mut buf).expect("receive answer");
    let answer = Message::from_vec(&buf[..len]).expect("decode answer");
    assert_eq!(answer.metadata.id, query.metadata.id);
    (len, answer)
}

#[tokio::test]
async fn every_fixture_zone_is_served() {
    let dns = zones();
    let resolver = resolver(dns.addr(), Duration::from_secs(2));
    let mut served = 0;
    for entry in std::fs::read_dir(common::fixture("dns")).expect("read fixtures/dns") {
        let file = entry.expect("directory entry").file_name();
        let Some(zone) = file.to_str().and_then(|f| f.strip_suffix(".zone")) else {
            continue;
        };
        let lookup = resolver
            .soa_lookup(format!("{zone}."))
            .await
            .unwrap_or_else(|e| panic!("SOA of {zone}: {e}"));
        assert!(matches!(lookup.answers()[0].data, RData::SOA(_)), "{zone}");
        served += 1;
    }
    assert_eq!(served, 8);
}

#[tokio::test]
async fn mx_of_the_gateway_zone() {
    let dns = zones();
    let lookup = resolver(dns.addr(), Duration::from_secs(2))
        .mx_lookup("m365-gateway.test.")
        .await
        .expect("MX lookup");
    let mut mx: Vec<(u16, String)> = lookup
        .answers()
        .iter()
        .filter_map(|r| match &r.data {
            RData::MX(mx) => Some((mx.preference, mx.exchange.to_ascii())),
            _ => None,
        })
        .collect();
    mx.sort();
    assert_eq!(
        mx,
        [
            (10, "eu-smtp-inbound-1.mimecast.com.".to_owned()),
            (20, "eu-smtp-inbound-2.mimecast.com.".to_owned()),
        ]
    );
}

#[tokio::test]
async fn srv_and_cname_data() {
    let dns = zones();
    let resolver = resolver(dns.addr(), Duration::from_secs(2));
    let srv = resolver
        .srv_lookup("_sip._tls.m365-gateway.test.")
        .await
        .expect("SRV lookup");
    let RData::SRV(srv) = &srv.answers()[0].data else {
        panic!("not SRV: {:?}", srv.answers());
    };
    assert_eq!((srv.priority, srv.weight, srv.port), (100, 1, 443));
    assert_eq!(srv.target.to_ascii(), "sipdir.online.lync.com.");
    // The target is not in any served zone, so the chase stops at the CNAME itself.
    let cname = resolver
        .lookup("autodiscover.m365-gateway.test.", RecordType::CNAME)
        .await
        .expect("CNAME lookup");
    let RData::CNAME(target) = &cname.answers()[0].data else {
        panic!("not CNAME: {:?}", cname.answers());
    };
    assert_eq!(target.0.to_ascii(), "autodiscover.outlook.com.");
}

/// hickory-server sets TC when the RRset does not fit the client's UDP payload size: 512 bytes
/// without EDNS (RFC 1035 section 4.2.1), the advertised size with it.
#[test]
fn udp_answer_too_big_is_truncated() {
    let dns = zones();
    for payload in [None, Some(1232)] {
        let (len, answer) = udp_txt_query(dns.addr(), "big.spf-trouble.test.", payload);
        assert!(
            answer.metadata.truncation,
            "TC not set, payload {payload:?}"
        );
        assert!(len <= usize::from(payload.unwrap_or(512)), "{len} bytes");
    }
    let (_, small) = udp_txt_query(dns.addr(), "i1.spf-trouble.test.", Some(1232));
    assert!(!small.metadata.truncation);
    assert_eq!(small.answers.len(), 1);
}

#[tokio::test]
async fn big_txt_comes_back_whole_over_tcp() {
    let dns = zones();
    let lookup = resolver(dns.addr(), Duration::from_secs(2))
        .txt_lookup("big.spf-trouble.test.")
        .await
        .expect("TXT lookup");
    let [record] = lookup.answers() else {
        panic!("expected one TXT record: {:?}", lookup.answers());
    };
    let RData::TXT(txt) = &record.data else {
        panic!("not TXT: {record:?}");
    };
    assert_eq!(txt.txt_data.len(), 12);
    for (i, s) in txt.txt_data.iter().enumerate() {
        assert_eq!(s.len(), 250);
        assert!(s.starts_with(format!("part{:02}-", i + 1).as_bytes()));
    }
}

#[tokio::test]
async fn long_spf_record_is_split_in_two_strings() {
    let dns = zones();
    let lookup = resolver(dns.addr(), Duration::from_secs(2))
        .txt_lookup("many.spf-trouble.test.")
        .await
        .expect("TXT lookup");
    let RData::TXT(txt) = &lookup.answers()[0].data else {
        panic!("not TXT: {:?}", lookup.answers());
    };
    assert_eq!(txt.txt_data.len(), 2);
    let joined: Vec<u8> = txt.txt_data.concat();
    let includes: Vec<String> = (1..=12)
        .map(|i| format!("include:i{i}.spf-trouble.test"))
        .collect();
    let expected = format!("v=spf1 {} -all", includes.join(" "));
    assert_eq!(String::from_utf8_lossy(&joined), expected);
}

#[tokio::test]
async fn missing_name_is_nxdomain() {
    let dns = zones();
    let err = resolver(dns.addr(), Duration::from_secs(2))
        .txt_lookup("nx1.spf-trouble.test.")
        .await
        .expect_err("nx1 does not exist");
    assert!(err.is_nx_domain(), "{err:?}");
}

#[tokio::test]
async fn silent_server_times_out() {
    let silent = Silent::start();
    let started = Instant::now();
    let err = resolver(silent.addr(), Duration::from_secs(1))
        .mx_lookup("m365-gateway.test.")
        .await
        .expect_err("no answer expected");
    let took = started.elapsed();
    assert!(matches!(err, NetError::Timeout), "{err:?}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[tokio::test]
async fn servfail_server_gives_servfail() {
    let servfail = ServFail::start();
    assert!(matches!(servfail.addr().ip(), IpAddr::V4(ip) if ip.is_loopback()));
    let err = resolver(servfail.addr(), Duration::from_secs(2))
        .mx_lookup("m365-gateway.test.")
        .await
        .expect_err("SERVFAIL expected");
    assert!(
        matches!(
            err,
            NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail))
        ),
        "{err:?}"
    );
}
