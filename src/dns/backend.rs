//! Where answers come from: a live resolver, a recorded snapshot, or zone files; behind one
//! cache shared by every domain of a run, so an SPF include used by a thousand domains is asked
//! once. The cache is also what `--dns-snapshot-out` writes.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use super::answer::{Answer, Rr, Status, fqdn, rr};
use super::live::Live;

/// Version of the snapshot file format.
pub const SNAPSHOT_VERSION: u32 = 1;

/// Every answer of a run, for replay with `--dns-snapshot`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub version: u32,
    pub answers: Vec<SnapshotEntry>,
}

/// One recorded query and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotEntry {
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: String,
    #[serde(flatten)]
    pub answer: Answer,
}

/// How to reach DNS servers.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// Servers to ask; empty means the system configuration (/etc/resolv.conf).
    pub servers: Vec<SocketAddr>,
    pub timeout: Duration,
    /// Tries per server.
    pub attempts: usize,
    /// Ask servers to recurse (off for an authoritative server).
    pub recursion: bool,
}

/// Zone-file records, by owner name.
#[derive(Debug, Default)]
pub struct Zones {
    origins: Vec<String>,
    names: BTreeMap<String, Vec<Rr>>,
    /// Every proper ancestor of an owner name (empty non-terminals answer NODATA, not NXDOMAIN).
    interior: std::collections::HashSet<String>,
}

impl Zones {
    /// Parses RFC 1035 zone files. `Err` names the file and what is wrong.
    pub fn load(files: &[std::path::PathBuf]) -> Result<Self, String> {
        let mut zones = Self::default();
        for path in files {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{}: cannot read zone file: {e}", path.display()))?;
            zones
                .add(&text, Some(path.clone()))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(zones)
    }

    /// Adds one zone's text.
    pub fn add(&mut self, text: &str, path: Option<std::path::PathBuf>) -> Result<(), String> {
        let parser = hickory_proto::serialize::txt::Parser::new(text, path, None);
        let (origin, sets) = parser.parse().map_err(|e| format!("bad zone: {e}"))?;
        self.origins.push(fqdn(&origin.to_ascii()));
        for set in sets.values() {
            for record in set.records_without_rrsigs() {
                if let Some(r) = rr(record) {
                    let mut parent = r.name.as_str();
                    while let Some((_, rest)) = parent.split_once('.') {
                        if rest.is_empty() || !self.interior.insert(rest.to_owned()) {
                            break;
                        }
                        parent = rest;
                    }
                    self.names.entry(r.name.clone()).or_default().push(r);
                }
            }
        }
        Ok(())
    }

    fn lookup(&self, name: &str, rtype: &str) -> Answer {
        let mut chain = Vec::new();
        let mut current = fqdn(name);
        for _ in 0..MAX_CNAME_CHAIN {
            let Some(records) = self.names.get(&current) else {
                let inside = self.origins.iter().any(|o| is_within(&current, o));
                let has_children = self.interior.contains(&current);
                return match (inside, has_children) {
                    (_, true) => Answer::records(chain),
                    (true, false) if chain.is_empty() => {
                        Answer::failed(Status::NxDomain, "no such name in the zone")
                    }
                    (true, false) => Answer::records(chain),
                    // A chain that leaves the zones: what was followed is the answer.
                    (false, _) if !chain.is_empty() => Answer::records(chain),
                    (false, _) => Answer::failed(
                        Status::Refused,
                        format!("{current} is outside the zone files given"),
                    ),
                };
            };
            let wanted: Vec<Rr> = records
                .iter()
                .filter(|r| r.rtype == rtype)
                .cloned()
                .collect();
            if !wanted.is_empty() || rtype == "CNAME" {
                chain.extend(wanted);
                return Answer::records(chain);
            }
            match records.iter().find(|r| r.rtype == "CNAME") {
                Some(c) => {
                    chain.push(c.clone());
                    current = c.value.clone();
                }
                None => return Answer::records(chain),
            }
        }
        Answer::failed(
            Status::Error,
            format!("CNAME chain longer than {MAX_CNAME_CHAIN}"),
        )
    }
}

/// Longest CNAME chain followed before it is called a loop.
pub const MAX_CNAME_CHAIN: usize = 8;

fn is_within(name: &str, zone: &str) -> bool {
    zone == "."
        || name == zone
        || name
            .strip_suffix(zone)
            .is_some_and(|head| head.ends_with('.'))
}

/// (name, type) of a query.
type QueryKey = (String, String);

enum Source {
    Live(Live),
    Replay(HashMap<(String, String), Answer>),
    Zones(Zones),
}

/// Answers queries from one source, each (name, type) at most once per run.
pub struct Backend {
    source: Source,
    cache: Mutex<HashMap<QueryKey, Arc<OnceCell<Answer>>>>,
    queries: AtomicU64,
    /// Keep every answer (for `--dns-snapshot-out`); otherwise only names shared between
    /// domains (SPF includes, MX hosts) are cached, and memory stays flat as domains grow.
    keep_all: bool,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("queries", &self.queries.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Backend {
    /// A live resolver: the given servers over UDP with TCP fallback, or the system's.
    pub fn live(opts: &LiveOptions) -> Result<Self, String> {
        Live::new(opts).map(|live| Self::with(Source::Live(live)))
    }

    /// Replays a snapshot; queries it lacks fail without touching the network.
    pub fn replay(snapshot: Snapshot) -> Self {
        let map = snapshot
            .answers
            .into_iter()
            .map(|e| ((e.name, e.rtype), e.answer))
            .collect();
        Self::with(Source::Replay(map))
    }

    /// Answers from zone files.
    pub fn zones(zones: Zones) -> Self {
        Self::with(Source::Zones(zones))
    }

    fn with(source: Source) -> Self {
        Self {
            source,
            cache: Mutex::new(HashMap::new()),
            queries: AtomicU64::new(0),
            keep_all: true,
        }
    }

    /// Whether to keep every answer (needed for [`Backend::snapshot`]); on by default.
    pub fn keep_all(mut self, keep: bool) -> Self {
        self.keep_all = keep;
        self
    }

    /// A query for a name of the domain being scanned: asked once, and kept only when every
    /// answer is kept.
    pub async fn query_own(&self, name: &str, rtype: &str) -> Answer {
        if self.keep_all {
            return self.query(name, rtype).await;
        }
        self.queries.fetch_add(1, Ordering::Relaxed);
        self.ask(&fqdn(name), rtype).await
    }

    /// Queries sent to the source (each (name, type) once).
    pub fn queries(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// The answer for `name` and `rtype` (`"MX"`, `"TXT"`, ...), from the cache when asked before.
    pub async fn query(&self, name: &str, rtype: &str) -> Answer {
        let key = (fqdn(name), rtype.to_owned());
        let cell = {
            let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(cache.entry(key.clone()).or_default())
        };
        cell.get_or_init(|| async {
            self.queries.fetch_add(1, Ordering::Relaxed);
            self.ask(&key.0, &key.1).await
        })
        .await
        .clone()
    }

    async fn ask(&self, name: &str, rtype: &str) -> Answer {
        match &self.source {
            Source::Zones(z) => z.lookup(name, rtype),
            Source::Replay(map) => map
                .get(&(name.to_owned(), rtype.to_owned()))
                .cloned()
                .unwrap_or_else(|| {
                    Answer::failed(
                        Status::Error,
                        "not in the DNS snapshot (recorded without this query)",
                    )
                }),
            Source::Live(live) => live.lookup(name, rtype).await,
        }
    }

    /// Every answer so far, sorted: the snapshot `--dns-snapshot-out` writes.
    pub fn snapshot(&self) -> Snapshot {
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        let mut answers: Vec<SnapshotEntry> = cache
            .iter()
            .filter_map(|((name, rtype), cell)| {
                cell.get().map(|a| SnapshotEntry {
                    name: name.clone(),
                    rtype: rtype.clone(),
                    answer: a.clone(),
                })
            })
            .collect();
        answers.sort_by(|a, b| (&a.name, &a.rtype).cmp(&(&b.name, &b.rtype)));
        Snapshot {
            version: SNAPSHOT_VERSION,
            answers,
        }
    }
}
