//! A small DNS client: queries over UDP with a TCP retry for truncated answers (RFC 1035
//! §4.2, RFC 7766). hickory-resolver opened a socket per query; this client keeps a few
//! long-lived UDP sockets per server, each connected to it, read by one task that hands every
//! answer to the query waiting for its id and question (RFC 5452 §9.1), and written by one
//! task that sends whatever queries queued up meanwhile in one system call (`batch.rs`).
//! Messages are decoded with hickory-proto.

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hickory_proto::op::{Message, ResponseCode};
use hickory_proto::rr::{Name, RecordType};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::sync::{Notify, Semaphore, oneshot};
use tokio::task::JoinHandle;

use super::batch;

/// UDP sockets per server: more than one spreads the answers over several receive buffers.
const SOCKETS_PER_SERVER: usize = 4;
/// Queries over UDP awaiting an answer from one server. More at once overflow the receive
/// buffer of a server on the same machine (knotd's default 208 KiB holds ~160 queries) and
/// cost a timeout each; dnsperf's default is 100.
const MAX_OUTSTANDING: usize = 128;
/// The UDP payload size advertised with EDNS (RFC 6891), the DNS Flag Day 2020 value that
/// hickory-resolver also sends.
const EDNS_PAYLOAD: u16 = 1232;
/// Bytes received per datagram: more than [`EDNS_PAYLOAD`], for servers that ignore it (a
/// longer datagram is cut, fails to decode and counts as a failed try).
const RECV_BUFFER: usize = 4096;
/// Bytes of the DNS header (RFC 1035 §4.1.1).
const HEADER: usize = 12;

/// Why an exchange got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No answer within the timeout, on every try.
    Timeout,
    /// The server answered with an error code (SERVFAIL, REFUSED, FORMERR...).
    Rcode(ResponseCode),
    /// Still truncated over TCP.
    Truncated,
    /// A transport error or an answer that does not decode.
    Other(String),
}

impl Failure {
    /// How much the failure says about the servers: an answer beats a broken transport,
    /// which beats silence. The most telling failure of all tries is reported.
    fn weight(&self) -> u8 {
        match self {
            Self::Timeout => 0,
            Self::Other(_) => 1,
            Self::Truncated => 2,
            Self::Rcode(_) => 3,
        }
    }
}

/// How to reach the servers.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub servers: Vec<SocketAddr>,
    /// Wait for one answer before the next try.
    pub timeout: Duration,
    /// Tries per server.
    pub attempts: usize,
    /// The RD bit.
    pub recursion: bool,
    /// Advertise a UDP payload size with EDNS (RFC 6891); without it answers over 512 bytes
    /// come truncated and are asked again over TCP.
    pub edns: bool,
}

/// Queries waiting for an answer on one socket, by message id.
type Waiting = HashMap<u16, Waiter>;

/// One query waiting on a socket.
struct Waiter {
    /// The question section sent (name, type, class), to check the answer against.
    question: Box<[u8]>,
    answer: oneshot::Sender<Vec<u8>>,
}

/// One connected UDP socket, the queries waiting on it and the datagrams to send on it.
struct Channel {
    socket: UdpSocket,
    waiting: Mutex<Waiting>,
    /// Queries not sent yet: the send task sends all that queued up in one call.
    outbox: Mutex<Vec<Vec<u8>>>,
    queued: Notify,
}

/// A server and its sockets.
struct Server {
    addr: SocketAddr,
    channels: Vec<Arc<Channel>>,
    next: AtomicUsize,
    /// Queries sent over UDP and not yet answered or given up.
    outstanding: Semaphore,
}

/// A DNS client for a fixed list of servers; it must be used within the tokio runtime that
/// created it.
pub struct Client {
    servers: Vec<Server>,
    timeout: Duration,
    attempts: usize,
    recursion: bool,
    edns: bool,
    /// State of the message-id generator.
    ids: AtomicU64,
    /// Each socket's receive and send tasks.
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field(
                "servers",
                &self.servers.iter().map(|s| s.addr).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl Client {
    /// Opens the sockets and starts their receive tasks on the current tokio runtime.
    pub async fn connect(opts: &ClientOptions) -> io::Result<Self> {
        let mut servers = Vec::with_capacity(opts.servers.len());
        let mut tasks = Vec::new();
        for &addr in &opts.servers {
            let mut channels = Vec::with_capacity(SOCKETS_PER_SERVER);
            for _ in 0..SOCKETS_PER_SERVER {
                let local: SocketAddr = if addr.is_ipv4() {
                    (Ipv4Addr::UNSPECIFIED, 0).into()
                } else {
                    (Ipv6Addr::UNSPECIFIED, 0).into()
                };
                let socket = UdpSocket::bind(local).await?;
                socket.connect(addr).await?;
                let channel = Arc::new(Channel {
                    socket,
                    waiting: Mutex::new(HashMap::new()),
                    outbox: Mutex::new(Vec::new()),
                    queued: Notify::new(),
                });
                tasks.push(tokio::spawn(receive(Arc::clone(&channel))));
                tasks.push(tokio::spawn(transmit(Arc::clone(&channel))));
                channels.push(channel);
            }
            servers.push(Server {
                addr,
                channels,
                next: AtomicUsize::new(0),
                outstanding: Semaphore::new(MAX_OUTSTANDING),
            });
        }
        Ok(Self {
            servers,
            timeout: opts.timeout,
            attempts: opts.attempts.max(1),
            recursion: opts.recursion,
            edns: opts.edns,
            ids: AtomicU64::new(seed()),
            tasks,
        })
    }

    /// Asks `name`/`rtype` (class IN): each server in turn, `attempts` rounds. An answer with
    /// NOERROR, NXDOMAIN or an unknown code is returned as is; an error code moves on to the
    /// next server and that server is not asked again.
    pub async fn query(&self, name: &Name, rtype: RecordType) -> Result<Message, Failure> {
        let (mut wire, question_end) = encode_query(name, rtype, self.recursion, self.edns);
        let mut worst = Failure::Timeout;
        let mut gave_error = vec![false; self.servers.len()];
        for _ in 0..self.attempts {
            for (i, server) in self.servers.iter().enumerate() {
                if gave_error[i] {
                    continue;
                }
                let failure = match self.ask(server, &mut wire, question_end).await {
                    Ok(message) => return Ok(message),
                    Err(f) => f,
                };
                gave_error[i] = matches!(failure, Failure::Rcode(_) | Failure::Truncated);
                if failure.weight() >= worst.weight() {
                    worst = failure;
                }
            }
            if gave_error.iter().all(|&e| e) {
                break;
            }
        }
        Err(worst)
    }

    /// One try at one server: UDP, then TCP if the answer is truncated.
    async fn ask(
        &self,
        server: &Server,
        wire: &mut [u8],
        question_end: usize,
    ) -> Result<Message, Failure> {
        let message = self.ask_udp(server, wire, question_end).await?;
        let message = checked(message)?;
        if !message.metadata.truncation {
            return Ok(message);
        }
        // Boxed: the TCP path is rare, and keeping its state out of every query future keeps
        // those small.
        let tcp = Box::pin(self.ask_tcp(server.addr, wire, question_end));
        let message = checked(tcp.await?)?;
        if message.metadata.truncation {
            return Err(Failure::Truncated);
        }
        Ok(message)
    }

    async fn ask_udp(
        &self,
        server: &Server,
        wire: &mut [u8],
        question_end: usize,
    ) -> Result<Message, Failure> {
        let _permit = server
            .outstanding
            .acquire()
            .await
            .map_err(|_| Failure::Other("the client was closed".to_owned()))?;
        let n = server.next.fetch_add(1, Ordering::Relaxed);
        let channel = &server.channels[n % server.channels.len()];
        let question = &wire[HEADER..question_end];
        let (id, answer) = channel.register(question, || self.next_id());
        let mut pending = Pending {
            channel,
            id,
            done: false,
        };
        wire[..2].copy_from_slice(&id.to_be_bytes());
        channel.post(wire.to_vec());
        let bytes = match tokio::time::timeout(self.timeout, answer).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(_)) => return Err(Failure::Other("the receive task ended".to_owned())),
            Err(_) => return Err(Failure::Timeout),
        };
        pending.done = true;
        decode(&bytes)
    }

    /// The query again over TCP, with the 2-byte length prefix of RFC 1035 §4.2.2.
    async fn ask_tcp(
        &self,
        addr: SocketAddr,
        wire: &[u8],
        question_end: usize,
    ) -> Result<Message, Failure> {
        let exchange = async {
            let mut stream = TcpStream::connect(addr).await?;
            let len = u16::try_from(wire.len()).map_err(|_| io::ErrorKind::InvalidInput)?;
            let mut framed = Vec::with_capacity(wire.len() + 2);
            framed.extend_from_slice(&len.to_be_bytes());
            framed.extend_from_slice(wire);
            stream.write_all(&framed).await?;
            let mut prefix = [0_u8; 2];
            stream.read_exact(&mut prefix).await?;
            let mut answer = vec![0_u8; usize::from(u16::from_be_bytes(prefix))];
            stream.read_exact(&mut answer).await?;
            Ok::<_, io::Error>(answer)
        };
        let answer = match tokio::time::timeout(self.timeout, exchange).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(e)) => return Err(Failure::Other(format!("io error: {e}"))),
            Err(_) => return Err(Failure::Timeout),
        };
        if !matches_query(
            &answer,
            wire[..2].try_into().unwrap_or([0; 2]),
            &wire[HEADER..question_end],
        ) {
            return Err(Failure::Other(
                "the TCP answer does not match the query".to_owned(),
            ));
        }
        decode(&answer)
    }

    /// A message id (splitmix64 over a counter with a random start).
    fn next_id(&self) -> u16 {
        let mut z = self
            .ids
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as u16
    }
}

impl Channel {
    /// Registers a query under an id not in use on this socket.
    fn register(
        &self,
        question: &[u8],
        mut next_id: impl FnMut() -> u16,
    ) -> (u16, oneshot::Receiver<Vec<u8>>) {
        let (tx, rx) = oneshot::channel();
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        let mut id = next_id();
        while waiting.contains_key(&id) {
            id = next_id();
        }
        waiting.insert(
            id,
            Waiter {
                question: question.into(),
                answer: tx,
            },
        );
        (id, rx)
    }

    /// Queues a datagram for the send task.
    fn post(&self, datagram: Vec<u8>) {
        let mut outbox = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        outbox.push(datagram);
        if outbox.len() == 1 {
            self.queued.notify_one();
        }
    }

    /// Hands a datagram to the query it answers; anything else is dropped.
    fn deliver(&self, datagram: &[u8]) {
        let Some(id) = datagram.get(..2) else { return };
        let id = u16::from_be_bytes([id[0], id[1]]);
        let mut waiting = self.waiting.lock().unwrap_or_else(|p| p.into_inner());
        let Some(waiter) = waiting.get(&id) else {
            return;
        };
        if !matches_query(datagram, id.to_be_bytes(), &waiter.question) {
            return;
        }
        if let Some(waiter) = waiting.remove(&id) {
            drop(waiting);
            // The query may have given up meanwhile.
            let _ = waiter.answer.send(datagram.to_vec());
        }
    }
}

/// Removes a query's registration when it ends without an answer (timeout, cancellation).
struct Pending<'a> {
    channel: &'a Channel,
    id: u16,
    done: bool,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if !self.done {
            let mut waiting = self
                .channel
                .waiting
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            waiting.remove(&self.id);
        }
    }
}

/// Reads one socket until the client is dropped, many datagrams per system call.
async fn receive(channel: Arc<Channel>) {
    let mut buffers = vec![vec![0_u8; RECV_BUFFER]; batch::MAX_BATCH];
    let mut lens = vec![0_usize; batch::MAX_BATCH];
    loop {
        match batch::recv(&channel.socket, &mut buffers, &mut lens) {
            Ok(n) => {
                for (buf, &len) in buffers.iter().zip(&lens).take(n) {
                    channel.deliver(&buf[..len]);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if channel.socket.readable().await.is_err() {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
            // ICMP errors for earlier datagrams: the queries concerned time out.
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {}
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// Sends what queries post, all that queued up since the last call at once.
async fn transmit(channel: Arc<Channel>) {
    let mut sending: Vec<Vec<u8>> = Vec::new();
    loop {
        channel.queued.notified().await;
        std::mem::swap(
            &mut sending,
            &mut *channel.outbox.lock().unwrap_or_else(|p| p.into_inner()),
        );
        let mut sent = 0;
        while sent < sending.len() {
            match batch::send(&channel.socket, &sending[sent..]) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if channel.socket.writable().await.is_err() {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
                // The first datagram could not go (an ICMP error for an earlier one, or no
                // route): it is lost, and its query times out.
                Err(_) => sent += 1,
            }
        }
        sending.clear();
    }
}

/// A response (QR set) with `id` and one question equal to `question` (the name compared
/// without regard to ASCII case, RFC 4343).
fn matches_query(message: &[u8], id: [u8; 2], question: &[u8]) -> bool {
    let Some(header) = message.get(..HEADER) else {
        return false;
    };
    let Some(echoed) = message.get(HEADER..HEADER + question.len()) else {
        return false;
    };
    let (name, rest) = question.split_at(question.len().saturating_sub(4));
    header[..2] == id
        && header[2] & 0x80 != 0
        && header[4..6] == [0, 1]
        && echoed[..name.len()].eq_ignore_ascii_case(name)
        && &echoed[name.len()..] == rest
}

fn decode(bytes: &[u8]) -> Result<Message, Failure> {
    Message::from_vec(bytes).map_err(|e| Failure::Other(format!("malformed answer: {e}")))
}

/// An answer, or the failure its response code means (the codes hickory-resolver treats as
/// errors; NOERROR, NXDOMAIN and codes it does not know are answers).
fn checked(message: Message) -> Result<Message, Failure> {
    match message.metadata.response_code {
        ResponseCode::NoError | ResponseCode::NXDomain | ResponseCode::Unknown(_) => Ok(message),
        code => Err(Failure::Rcode(code)),
    }
}

/// The query message with id 0, and where its question section ends: header, question (class
/// IN) and, with `edns`, an OPT record advertising [`EDNS_PAYLOAD`] (RFC 1035 §4.1, RFC 6891
/// §6.1.2).
fn encode_query(name: &Name, rtype: RecordType, recursion: bool, edns: bool) -> (Vec<u8>, usize) {
    let mut wire = Vec::with_capacity(HEADER + 256 + 4 + 11);
    let rd = if recursion { 0x01 } else { 0x00 };
    wire.extend_from_slice(&[0, 0, rd, 0, 0, 1, 0, 0, 0, 0, 0, u8::from(edns)]);
    for label in name.iter() {
        // Name guarantees labels of at most 63 bytes.
        wire.push(label.len() as u8);
        wire.extend_from_slice(label);
    }
    wire.push(0);
    wire.extend_from_slice(&u16::from(rtype).to_be_bytes());
    wire.extend_from_slice(&1_u16.to_be_bytes());
    let question_end = wire.len();
    if edns {
        // OPT: root owner, type 41, class = payload size, TTL 0 (no extended rcode, version
        // 0, DO clear), no options.
        wire.extend_from_slice(&[0, 0, 41]);
        wire.extend_from_slice(&EDNS_PAYLOAD.to_be_bytes());
        wire.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    }
    (wire, question_end)
}

/// A seed for the id generator that differs between runs.
fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
}
