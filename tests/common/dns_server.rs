//! DNS servers on 127.0.0.1 for the DNS scanner's tests: an authoritative server for the zone
//! files in `fixtures/dns/`, an endpoint that never answers, one that answers SERVFAIL, and
//! one that sends decoys before each answer, truncates and drops on request.
//!
//! Each runs on its own thread with its own current-thread tokio runtime, so tests need no
//! runtime of their own to host it, and binds UDP and TCP on one ephemeral port of 127.0.0.1.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs;
use std::future::Future;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use hickory_proto::op::{Edns, Message, OpCode, ResponseCode};
use hickory_proto::rr::rdata::TXT;
use hickory_proto::rr::{LowerName, Name, RData, Record};
use hickory_proto::serialize::txt::Parser;
use hickory_server::Server;
use hickory_server::net::runtime::TokioRuntimeProvider;
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneHandler, ZoneType};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

/// How long the authoritative server keeps an idle TCP connection open.
const TCP_IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// An authoritative DNS server for fixture zones on 127.0.0.1 (UDP and TCP on the same
/// ephemeral port), running on its own thread and tokio runtime until dropped.
#[derive(Debug)]
pub struct TestDns {
    background: Background,
}

impl TestDns {
    /// Serves every `*.zone` file in `dir`; the origin of each is its file name without
    /// `.zone` plus a trailing dot (`m365-gateway.test.zone` -> `m365-gateway.test.`).
    ///
    /// Panics, naming the file, if a zone does not parse or has no SOA at its origin.
    pub fn start(dir: &Path) -> TestDns {
        let catalog = load_catalog(dir);
        let background = Background::spawn("test-dns", move |udp, tcp, stop| async move {
            let mut server = Server::new(catalog);
            server.register_socket(udp);
            server.register_listener(tcp, TCP_IDLE_TIMEOUT, 4096);
            // Either a stop request or a dropped sender means: shut down.
            let _ = stop.await;
            // A failed shutdown only means a task had already ended: nothing to report.
            let _ = server.shutdown_gracefully().await;
        });
        TestDns { background }
    }

    /// The server's address (127.0.0.1:port).
    pub fn addr(&self) -> SocketAddr {
        self.background.addr
    }
}

/// A UDP+TCP endpoint on 127.0.0.1 that accepts queries and never answers (for timeouts).
///
/// It reads and drops every datagram, and accepts TCP connections and holds them open without
/// ever writing, until dropped.
#[derive(Debug)]
pub struct Silent {
    background: Background,
}

impl Silent {
    /// Starts the endpoint; it is listening when this returns.
    pub fn start() -> Silent {
        let background = Background::spawn("silent-dns", |udp, tcp, mut stop| async move {
            let mut held = Vec::new();
            let mut buf = vec![0_u8; 65_535];
            loop {
                tokio::select! {
                    _ = &mut stop => break,
                    _ = udp.recv_from(&mut buf) => {}
                    accepted = tcp.accept() => {
                        if let Ok((stream, _)) = accepted {
                            held.push(stream);
                        }
                    }
                }
            }
        });
        Silent { background }
    }

    /// The endpoint's address (127.0.0.1:port).
    pub fn addr(&self) -> SocketAddr {
        self.background.addr
    }
}

/// A UDP+TCP endpoint on 127.0.0.1 that answers every query with SERVFAIL (same id, question
/// echoed), built with hickory-proto's `Message` types. Input that is not a DNS message gets
/// no answer.
#[derive(Debug)]
pub struct ServFail {
    background: Background,
}

impl ServFail {
    /// Starts the endpoint; it is listening when this returns.
    pub fn start() -> ServFail {
        let background = Background::spawn("servfail-dns", |udp, tcp, mut stop| async move {
            let mut connections = JoinSet::new();
            let mut buf = vec![0_u8; 65_535];
            loop {
                tokio::select! {
                    _ = &mut stop => break,
                    received = udp.recv_from(&mut buf) => {
                        let Ok((len, peer)) = received else { continue };
                        if let Some(answer) = servfail_answer(&buf[..len]) {
                            // UDP is best effort: a lost answer is the client's timeout.
                            let _ = udp.send_to(&answer, peer).await;
                        }
                    }
                    accepted = tcp.accept() => {
                        if let Ok((stream, _)) = accepted {
                            let answered = Arc::new(AtomicUsize::new(0));
                            connections.spawn(serve_tcp(stream, answered, servfail_answer));
                        }
                        while connections.try_join_next().is_some() {}
                    }
                }
            }
            // Dropping the JoinSet aborts the connections still open.
        });
        ServFail { background }
    }

    /// The endpoint's address (127.0.0.1:port).
    pub fn addr(&self) -> SocketAddr {
        self.background.addr
    }
}

/// A UDP+TCP endpoint on 127.0.0.1 that answers every query with one TXT record,
/// `answer for NAME` (NAME as asked, lower case). Over UDP each answer comes after two decoys:
/// the same answer under another message id (which may be that of another query waiting), and
/// one with the right id that asks and answers another name. Names
/// starting with `big.` get a truncated (TC) UDP answer and 12 strings of 200 bytes over TCP;
/// names starting with `drop-once.` have their first UDP query ignored.
#[derive(Debug)]
pub struct Decoy {
    background: Background,
    tcp_queries: Arc<AtomicUsize>,
}

impl Decoy {
    /// Starts the endpoint; it is listening when this returns.
    pub fn start() -> Decoy {
        let tcp_queries = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&tcp_queries);
        let background = Background::spawn("decoy-dns", |udp, tcp, mut stop| async move {
            let mut connections = JoinSet::new();
            let mut dropped: HashSet<String> = HashSet::new();
            let mut buf = vec![0_u8; 65_535];
            loop {
                tokio::select! {
                    _ = &mut stop => break,
                    received = udp.recv_from(&mut buf) => {
                        let Ok((len, peer)) = received else { continue };
                        for datagram in decoy_udp_answers(&buf[..len], &mut dropped) {
                            let _ = udp.send_to(&datagram, peer).await;
                        }
                    }
                    accepted = tcp.accept() => {
                        if let Ok((stream, _)) = accepted {
                            connections.spawn(serve_tcp(stream, Arc::clone(&counter), decoy_answer));
                        }
                        while connections.try_join_next().is_some() {}
                    }
                }
            }
        });
        Decoy {
            background,
            tcp_queries,
        }
    }

    /// The endpoint's address (127.0.0.1:port).
    pub fn addr(&self) -> SocketAddr {
        self.background.addr
    }

    /// Queries answered over TCP so far.
    pub fn tcp_queries(&self) -> usize {
        self.tcp_queries.load(Ordering::SeqCst)
    }
}

/// What the decoy sends over UDP for `query`, in order.
fn decoy_udp_answers(query: &[u8], dropped: &mut HashSet<String>) -> Vec<Vec<u8>> {
    let Ok(parsed) = Message::from_vec(query) else {
        return Vec::new();
    };
    let Some(name) = parsed
        .queries
        .first()
        .map(|q| q.name().to_ascii().to_lowercase())
    else {
        return Vec::new();
    };
    if name.starts_with("drop-once.") && dropped.insert(name.clone()) {
        return Vec::new();
    }
    let Some(mut answer) = decoy_message(query) else {
        return Vec::new();
    };
    if name.starts_with("big.") {
        answer.answers.clear();
        answer.metadata.truncation = true;
    }
    let mut other_id = answer.clone();
    other_id.metadata.id = answer.metadata.id.wrapping_add(1);
    let mut other_name = parsed;
    if let Some(q) = other_name.queries.first_mut() {
        q.set_name(Name::from_ascii("someone-else.test.").expect("name"));
    }
    let other_name = other_name
        .to_vec()
        .ok()
        .and_then(|q| decoy_message(&q))
        .unwrap_or_else(|| answer.clone());
    [other_id, other_name, answer]
        .iter()
        .filter_map(|m| m.to_vec().ok())
        .collect()
}

/// The decoy's whole answer to `query`, encoded (what TCP gets).
fn decoy_answer(query: &[u8]) -> Option<Vec<u8>> {
    decoy_message(query)?.to_vec().ok()
}

fn decoy_message(query: &[u8]) -> Option<Message> {
    let query = Message::from_vec(query).ok()?;
    let question = query.queries.first()?.clone();
    let name = question.name().to_ascii().to_lowercase();
    let strings = if name.starts_with("big.") {
        (0..12)
            .map(|i| format!("{i:02}{}", "x".repeat(198)))
            .collect()
    } else {
        vec![format!("answer for {name}")]
    };
    let mut answer = Message::response(query.metadata.id, OpCode::Query);
    answer.metadata.authoritative = true;
    answer.metadata.recursion_desired = query.metadata.recursion_desired;
    answer.add_query(question.clone());
    answer.add_answer(Record::from_rdata(
        question.name().clone(),
        60,
        RData::TXT(TXT::new(strings)),
    ));
    if query.edns.is_some() {
        answer.set_edns(Edns::new());
    }
    Some(answer)
}

/// The SERVFAIL answer to the DNS message `query`, encoded; `None` if `query` does not parse.
fn servfail_answer(query: &[u8]) -> Option<Vec<u8>> {
    let query = Message::from_vec(query).ok()?;
    let mut answer = Message::error_msg(
        query.metadata.id,
        query.metadata.op_code,
        ResponseCode::ServFail,
    );
    answer.metadata.recursion_desired = query.metadata.recursion_desired;
    answer.queries = query.queries;
    // RFC 6891 section 6.1.1: a query with an OPT record gets an OPT record back.
    if query.edns.is_some() {
        answer.set_edns(Edns::new());
    }
    answer.to_vec().ok()
}

/// Answers the length-prefixed queries of one TCP connection (RFC 1035 section 4.2.2) with
/// `answer` until the client closes it, counting them in `answered`.
async fn serve_tcp(
    stream: TcpStream,
    answered: Arc<AtomicUsize>,
    answer: fn(&[u8]) -> Option<Vec<u8>>,
) {
    let mut prefix = [0_u8; 2];
    loop {
        if read_exact(&stream, &mut prefix).await.is_err() {
            return;
        }
        let mut query = vec![0_u8; usize::from(u16::from_be_bytes(prefix))];
        if read_exact(&stream, &mut query).await.is_err() {
            return;
        }
        let Some(answer) = answer(&query) else {
            return;
        };
        answered.fetch_add(1, Ordering::SeqCst);
        let Ok(len) = u16::try_from(answer.len()) else {
            return;
        };
        let mut framed = Vec::with_capacity(answer.len() + 2);
        framed.extend_from_slice(&len.to_be_bytes());
        framed.extend_from_slice(&answer);
        if write_all(&stream, &framed).await.is_err() {
            return;
        }
    }
}

/// Fills `buf` from `stream`; an early end of stream is `UnexpectedEof`. (Written against
/// `readable`/`try_read` because the crate's tokio has no `io-util` feature.)
async fn read_exact(stream: &TcpStream, buf: &mut [u8]) -> io::Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        stream.readable().await?;
        match stream.try_read(&mut buf[filled..]) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Writes all of `buf` to `stream`.
async fn write_all(stream: &TcpStream, buf: &[u8]) -> io::Result<()> {
    let mut written = 0;
    while written < buf.len() {
        stream.writable().await?;
        match stream.try_write(&buf[written..]) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads every `*.zone` file of `dir` into a catalog of in-memory primary zones.
fn load_catalog(dir: &Path) -> Catalog {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read zone directory {}: {e}", dir.display()))
        .map(|entry| entry.expect("read zone directory entry").path())
        .filter(|path| path.extension() == Some(OsStr::new("zone")))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no *.zone files in {}", dir.display());
    let mut catalog = Catalog::new();
    for path in &paths {
        let (origin, zone) = load_zone(path);
        catalog.upsert(LowerName::from(&origin), vec![zone]);
    }
    catalog
}

/// Parses one zone file; its origin is its file name without `.zone`.
fn load_zone(path: &Path) -> (Name, Arc<dyn ZoneHandler>) {
    let shown = path.display();
    let stem = path
        .file_name()
        .and_then(OsStr::to_str)
        .and_then(|name| name.strip_suffix(".zone"))
        .unwrap_or_else(|| panic!("{shown}: not a UTF-8 *.zone file name"));
    let origin = Name::from_ascii(format!("{stem}."))
        .unwrap_or_else(|e| panic!("{shown}: file name is not a domain name: {e}"));
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("read {shown}: {e}"));
    let (_, records) = Parser::new(text, Some(path.to_path_buf()), Some(origin.clone()))
        .parse()
        .unwrap_or_else(|e| panic!("parse {shown}: {e}"));
    let zone = InMemoryZoneHandler::<TokioRuntimeProvider>::new(
        origin.clone(),
        records,
        ZoneType::Primary,
        AxfrPolicy::Deny,
    )
    .unwrap_or_else(|e| panic!("load {shown}: {e}"));
    (origin, Arc::new(zone))
}

/// A server thread with its own tokio runtime and sockets; stopped and joined on drop.
#[derive(Debug)]
struct Background {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    /// Binds UDP and TCP on one ephemeral port of 127.0.0.1 and runs `serve` with them on a new
    /// thread. Returns once the sockets are bound and listening (the kernel queues what arrives
    /// before `serve` first polls them) and the runtime is up. `serve` must return soon after
    /// its stop receiver resolves.
    fn spawn<F, Fut>(name: &str, serve: F) -> Background
    where
        F: FnOnce(UdpSocket, TcpListener, oneshot::Receiver<()>) -> Fut + Send + 'static,
        Fut: Future<Output = ()>,
    {
        let (udp, tcp) = bind_pair();
        let addr = udp.local_addr().expect("local address of the UDP socket");
        let (stop_tx, stop_rx) = oneshot::channel();
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
        let thread = thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("build tokio runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let sockets = UdpSocket::from_std(udp)
                        .and_then(|udp| Ok((udp, TcpListener::from_std(tcp)?)));
                    match sockets {
                        Ok((udp, tcp)) => {
                            let _ = ready_tx.send(Ok(()));
                            serve(udp, tcp, stop_rx).await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(format!("register sockets: {e}")));
                        }
                    }
                });
            })
            .expect("spawn DNS server thread");
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{name} on {addr}: {e}"),
            Err(_) => panic!("{name} on {addr}: server thread ended before it was ready"),
        }
        Background {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The thread may already be gone; then there is nothing to stop.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic on the server thread was already reported by the panic hook; re-raising
            // it here could abort a test that is itself unwinding.
            let _ = thread.join();
        }
    }
}

/// A UDP socket and a TCP listener on the same ephemeral port of 127.0.0.1, non-blocking so
/// that tokio can take them over.
fn bind_pair() -> (std::net::UdpSocket, std::net::TcpListener) {
    const TRIES: usize = 50;
    for _ in 0..TRIES {
        let udp =
            std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind UDP 127.0.0.1:0");
        let port = udp
            .local_addr()
            .expect("local address of the UDP socket")
            .port();
        match std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)) {
            Ok(tcp) => {
                udp.set_nonblocking(true)
                    .expect("make the UDP socket non-blocking");
                tcp.set_nonblocking(true)
                    .expect("make the TCP listener non-blocking");
                return (udp, tcp);
            }
            // Another program has this port's TCP side: try another port.
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => {}
            Err(e) => panic!("bind TCP 127.0.0.1:{port}: {e}"),
        }
    }
    panic!("found no port of 127.0.0.1 free for both UDP and TCP in {TRIES} tries");
}
