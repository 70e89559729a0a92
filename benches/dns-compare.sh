#!/usr/bin/env bash
# DNS benchmark: sovscan against dnsperf, both asking one local authoritative server (knotd).
#
# 10,000 generated domains (one zone, bench.test.) are scanned with
#   sovscan scan --domains-file ... --resolver 127.0.0.1:PORT --format json
# and the exact set of distinct queries sovscan sent is replayed with dnsperf against the same
# knotd in the same run. The script reports domains/s, queries/s and peak RSS of sovscan, the
# query rate of dnsperf, and checks the targets: sovscan >= 50 % of dnsperf's query rate, and
# peak RSS < 200 MB.
#
# Usage: benches/dns-compare.sh [--quick] [--domains N] [--rounds R] [--concurrency "16 64"]
#                               [--port P] [--sovscan PATH] [--keep] [--strict]
#   --quick        1,000 domains, 1 round (smoke test)
#   --domains N    number of generated domains (default 10000)
#   --rounds R     alternations of sovscan and dnsperf (default 3; medians are reported)
#   --concurrency  sovscan --dns-concurrency values to try (default "16 64")
#   --port P       port for knotd on 127.0.0.1 (default: a free one)
#   --sovscan PATH binary to test (default: target/release/sovscan of this repository)
#   --keep         keep the work directory (zone, snapshot, query file, outputs, logs)
#   --strict       exit with status 1 when a target is not met
#
# Everything runs on 127.0.0.1: knotd listens there only, sovscan is given --resolver and never
# uses the system resolver, and names outside bench.test. are answered REFUSED by knotd.
# Needs root (or the packages already installed): knot, dnsperf and time from Debian.
# Exit status: 0 when the run completed (whether or not the targets hold, unless --strict),
# 1 with --strict when a target is not met, 2 on failure.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="$REPO/benches/dns-zone-gen.py"

DOMAINS=10000
ROUNDS=3
CONCURRENCY="16 64"
PORT=""
SOVSCAN="$REPO/target/release/sovscan"
KEEP=0
STRICT=0
ZONE=bench.test
DNS_TIMEOUT=2
# dnsperf: 4 clients (sockets) and the default 100 queries outstanding, one pass over the file
# (-n 1), no rate limit (-Q): it measures the most the server answers on this machine. A 2 s
# timeout keeps a lost packet from stretching the pass.
DNSPERF_ARGS=(-c 4 -q 100 -n 1 -t 2)
# Targets from the issue.
TARGET_RATIO=0.5
TARGET_RSS_MB=200

die() { echo "dns-compare: $*" >&2; exit 2; }
log() { echo "== $*" >&2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --quick) DOMAINS=1000; ROUNDS=1; shift ;;
        --domains) DOMAINS="${2:?--domains needs a number}"; shift 2 ;;
        --rounds) ROUNDS="${2:?--rounds needs a number}"; shift 2 ;;
        --concurrency) CONCURRENCY="${2:?--concurrency needs values}"; shift 2 ;;
        --port) PORT="${2:?--port needs a number}"; shift 2 ;;
        --sovscan) SOVSCAN="${2:?--sovscan needs a path}"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --strict) STRICT=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
[[ "$DOMAINS" =~ ^[1-9][0-9]*$ ]] || die "--domains must be a positive number"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive number"
read -r -a CONCS <<<"$CONCURRENCY"
[ "${#CONCS[@]}" -gt 0 ] || die "--concurrency needs at least one value"

START_TS=$EPOCHREALTIME
# Other work on the machine skews every number: note the load before starting.
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)

# --- Step 1: tools --------------------------------------------------------------------------
# knotd/knotc (authoritative server), dnsperf, and GNU time for the peak RSS.
KNOTD=/usr/sbin/knotd
KNOTC=/usr/sbin/knotc
if [ ! -x "$KNOTD" ] || [ ! -x "$KNOTC" ] || ! command -v dnsperf >/dev/null || [ ! -x /usr/bin/time ]; then
    log "installing knot, dnsperf and time"
    apt-get update
    apt-get install -y --no-install-recommends knot dnsperf time
fi
command -v python3 >/dev/null || die "python3 is needed (zone generator and report)"
[ -x "$SOVSCAN" ] || die "no sovscan binary at $SOVSCAN (build it with: cargo build --release)"

# --- Step 2: work directory, and knotd stopped on every exit ---------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sovscan-dns-bench.XXXXXX")"
KNOT_PID=""
cleanup() {
    if [ -n "$KNOT_PID" ] && kill -0 "$KNOT_PID" 2>/dev/null; then
        kill "$KNOT_PID" 2>/dev/null || true
        wait "$KNOT_PID" 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ]; then
        echo "dns-compare: work directory kept: $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

# A port free for both UDP and TCP on 127.0.0.1, unless one was given.
if [ -z "$PORT" ]; then
    PORT="$(python3 - <<'PY'
import socket
for _ in range(50):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        t.close()
        u.close()
    print(port)
    break
PY
)"
    [ -n "$PORT" ] || die "found no free port on 127.0.0.1"
fi

# --- Step 3: the zone and the domain list ------------------------------------------------------
log "generating $DOMAINS domains in $ZONE."
python3 "$GEN" --domains "$DOMAINS" --origin "$ZONE" \
    --zone-out "$WORK/$ZONE.zone" --domains-out "$WORK/domains.txt"

# --- Step 4: knotd on 127.0.0.1:PORT -----------------------------------------------------------
# The configuration of /work/shared/reference/stack.md §1 (1 UDP worker), plus mod-stats, whose
# counters (read with knotc) tell how many packets the server received during each run.
mkdir -p "$WORK/knot"
cat >"$WORK/knot.conf" <<EOF
server:
    rundir: "$WORK/knot"
    listen: 127.0.0.1@$PORT
    background-workers: 1
    udp-workers: 1
    tcp-workers: 1
database:
    storage: "$WORK/knot"
log:
  - target: stderr
    any: info
mod-stats:
  - id: bench
    request-protocol: on
    server-operation: off
    request-bytes: off
    response-bytes: off
    edns-presence: off
    flag-presence: off
    response-code: on
template:
  - id: default
    storage: "$WORK"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    global-module: mod-stats/bench
zone:
  - domain: $ZONE
EOF
"$KNOTC" -c "$WORK/knot.conf" conf-check >/dev/null
"$KNOTD" -c "$WORK/knot.conf" >"$WORK/knotd.log" 2>&1 &
KNOT_PID=$!
# Ready when the zone is loaded: knotc can read its SOA (up to 10 s).
for _ in $(seq 100); do
    if "$KNOTC" -c "$WORK/knot.conf" zone-read "$ZONE." @ SOA >/dev/null 2>&1; then break; fi
    kill -0 "$KNOT_PID" 2>/dev/null || { cat "$WORK/knotd.log" >&2; die "knotd exited"; }
    sleep 0.1
done
"$KNOTC" -c "$WORK/knot.conf" zone-read "$ZONE." @ SOA >/dev/null || die "knotd did not load $ZONE."
log "knotd (pid $KNOT_PID) serves $ZONE. on 127.0.0.1@$PORT"

# Packets knotd has received so far (UDP and TCP, every answer code).
server_packets() {
    "$KNOTC" -c "$WORK/knot.conf" stats mod-stats.request-protocol 2>/dev/null \
        | awk -F' = ' '{ n += $2 } END { print n + 0 }'
}

# One sovscan scan under GNU time. Appends a row to results.tsv:
#   sovscan CONC ROUND WALL_S RSS_KB DOMAINS QUERIES ERRORS TIMEOUTS PACKETS CPU_S
# Extra arguments (after the first three) go to sovscan.
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
run_sovscan() {
    local conc=$1 round=$2 out=$3
    shift 3
    local before after t0 t1 rc=0
    before=$(server_packets)
    t0=$EPOCHREALTIME
    /usr/bin/time -v -o "$WORK/time.txt" "$SOVSCAN" scan --domains-file "$WORK/domains.txt" \
        --resolver "127.0.0.1:$PORT" --dns-concurrency "$conc" --dns-timeout "$DNS_TIMEOUT" \
        --format json -o "$out" "$@" 2>"$WORK/sovscan.stderr" || rc=$?
    t1=$EPOCHREALTIME
    after=$(server_packets)
    if [ "$rc" -ne 0 ]; then
        cat "$WORK/sovscan.stderr" "$WORK/time.txt" >&2
        die "sovscan exited with status $rc (concurrency $conc, round $round)"
    fi
    local rss cpu
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time.txt")
    cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$WORK/time.txt")
    # domains_scanned, dns_queries, errors, and errors that are timeouts (lost packets).
    local stats
    stats=$(python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["stats"]
errors = d.get("errors", [])
timeouts = sum(1 for e in errors if "TIMEOUT" in e.get("message", "").upper())
print(s["domains_scanned"], s["dns_queries"], len(errors), timeouts)
PY
)
    printf 'sovscan\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$conc" "$round" \
        "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" "$rss" \
        "$(tr ' ' '\t' <<<"$stats")" "$((after - before))" "$cpu" >>"$RESULTS"
    rm -f "$out"
}

# --- Step 5: first sovscan run: snapshot, warm-up, and the dnsperf query file ------------------
# The snapshot lists every distinct (name, type) sovscan asked; dnsperf replays exactly those.
log "sovscan warm-up run with --dns-snapshot-out"
run_sovscan 64 0 "$WORK/warmup.json" --dns-snapshot-out "$WORK/snap.json"
python3 - "$WORK/snap.json" "$WORK/queries.txt" <<'PY'
import json, sys
snap = json.load(open(sys.argv[1]))
with open(sys.argv[2], "w") as f:
    for a in snap["answers"]:
        f.write(f"{a['name']} {a['type']}\n")
PY
QUERIES_IN_FILE=$(wc -l <"$WORK/queries.txt")
WARM_QUERIES=$(awk -F'\t' '$3 == 0 { print $7 }' "$RESULTS")
log "query file: $QUERIES_IN_FILE queries (sovscan reported dns_queries = $WARM_QUERIES)"
[ "$QUERIES_IN_FILE" -eq "$WARM_QUERIES" ] \
    || echo "dns-compare: WARNING: the snapshot has $QUERIES_IN_FILE entries, stats.dns_queries says $WARM_QUERIES" >&2

# One dnsperf pass over the query file. Appends: dnsperf CLIENTS ROUND QPS SENT LOST PACKETS
run_dnsperf() {
    local round=$1 before after
    before=$(server_packets)
    dnsperf -s 127.0.0.1 -p "$PORT" -d "$WORK/queries.txt" "${DNSPERF_ARGS[@]}" >"$WORK/dnsperf.out" 2>&1 \
        || { cat "$WORK/dnsperf.out" >&2; die "dnsperf failed (round $round)"; }
    after=$(server_packets)
    awk -v round="$round" -v pk="$((after - before))" '
        /Queries sent:/        { sent = $3 }
        /Queries lost:/        { lost = $3 }
        /Queries per second:/  { qps = $4 }
        END { if (qps == "") exit 1
              printf "dnsperf\t4\t%s\t%s\t%s\t%s\t%s\n", round, qps, sent, lost, pk }' \
        "$WORK/dnsperf.out" >>"$RESULTS" \
        || { cat "$WORK/dnsperf.out" >&2; die "no 'Queries per second' in dnsperf's output"; }
}

# --- Step 6: alternate sovscan (each concurrency) and dnsperf, ROUNDS times --------------------
for round in $(seq "$ROUNDS"); do
    for conc in "${CONCS[@]}"; do
        log "round $round/$ROUNDS: sovscan --dns-concurrency $conc"
        run_sovscan "$conc" "$round" "$WORK/out.json"
    done
    log "round $round/$ROUNDS: dnsperf ${DNSPERF_ARGS[*]}"
    run_dnsperf "$round"
done

# --- Step 7: report ----------------------------------------------------------------------------
END_TS=$EPOCHREALTIME
# The report exits 3 when a target is not met.
TARGETS_MET=0
if python3 - "$RESULTS" "$TARGET_RATIO" "$TARGET_RSS_MB" <<'PY'
import statistics, sys

path, target_ratio, target_rss = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
sov = [r for r in rows if r[0] == "sovscan" and r[2] != "0"]
perf = [r for r in rows if r[0] == "dnsperf"]
warm = [r for r in rows if r[0] == "sovscan" and r[2] == "0"][0]

dnsperf_qps = statistics.median(float(r[3]) for r in perf)
lost = sum(int(r[5]) for r in perf)
print()
print(f"dnsperf {'-c 4 -q 100 -n 1'}: {len(perf)} pass(es), queries/s "
      + ", ".join(f"{float(r[3]):,.0f}" for r in perf)
      + f"; median {dnsperf_qps:,.0f}; lost {lost}; server saw {int(perf[0][6]):,} packets per pass")
print(f"warm-up sovscan (with --dns-snapshot-out): {float(warm[3]):.2f} s, "
      f"peak RSS {int(warm[4]) / 1024:.1f} MB")
print()
hdr = ("conc", "domains", "queries", "wall s (median)", "domains/s", "queries/s", "peak RSS MB",
       "dnsperf q/s", "ratio", ">=0.5x", "<200MB")
table = []
verdicts = []
for conc in sorted({int(r[1]) for r in sov}):
    rs = [r for r in sov if int(r[1]) == conc]
    wall = statistics.median(float(r[3]) for r in rs)
    domains = int(rs[0][5])
    queries = int(rs[0][6])
    rss_mb = max(int(r[4]) for r in rs) / 1024
    qps = queries / wall
    ratio = qps / dnsperf_qps
    ok_ratio, ok_rss = ratio >= target_ratio, rss_mb < target_rss
    verdicts.append(ok_ratio and ok_rss)
    table.append((str(conc), f"{domains:,}", f"{queries:,}", f"{wall:.2f}", f"{domains / wall:,.0f}",
                  f"{qps:,.0f}", f"{rss_mb:.1f}", f"{dnsperf_qps:,.0f}", f"{ratio:.2f}",
                  "yes" if ok_ratio else "NO", "yes" if ok_rss else "NO"))
    errs = sorted({(int(r[7]), int(r[8])) for r in rs})
    pk = sorted({int(r[9]) for r in rs})
    extra = [f"conc {conc}: walls " + ", ".join(f"{float(r[3]):.2f}" for r in rs)
             + " s (CPU " + ", ".join(f"{float(r[10]):.2f}" for r in rs) + " s)",
             "errors/timeouts per run " + ", ".join(f"{e}/{t}" for e, t in errs),
             "server saw " + ", ".join(f"{p:,}" for p in pk) + " packets per run"]
    table[-1] = table[-1] + ("; ".join(extra),)
widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(hdr)]
fmt = "  ".join("{:>%d}" % w for w in widths)
print("sovscan " + fmt.format(*hdr))
for row in table:
    print("sovscan " + fmt.format(*row[:-1]))
print()
for row in table:
    print("  " + row[-1])
print()
print("targets (every concurrency):", "HOLD" if all(verdicts) else "NOT MET",
      f"(sovscan >= {target_ratio:g}x dnsperf's queries/s, peak RSS < {target_rss:g} MB)")
sys.exit(0 if all(verdicts) else 3)
PY
then
    TARGETS_MET=1
else
    rc=$?
    [ "$rc" -eq 3 ] || die "the report failed (status $rc)"
fi
echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo);" \
    "$DOMAINS domains, $ROUNDS round(s), knotd 1 UDP worker on 127.0.0.1@$PORT;" \
    "script took $(awk -v a="$START_TS" -v b="$END_TS" 'BEGIN { printf "%.0f", b - a }') s;" \
    "load average $LOAD_START at start, $(cut -d' ' -f1 /proc/loadavg) at end"
if [ "$STRICT" = 1 ] && [ "$TARGETS_MET" = 0 ]; then exit 1; fi
