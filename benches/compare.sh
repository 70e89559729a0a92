#!/usr/bin/env bash
# Scan benchmark: sovscan against ripgrep on one generated corpus, plus peak memory as the corpus
# grows and start-up time.
#
# One command from a fresh clone:   bash benches/compare.sh
#
# What it does:
#   1. builds sovscan in release mode; installs GNU time, gcc and python3 from Debian when
#      missing, and ripgrep >= 14 (Debian's package when new enough, else `cargo install
#      ripgrep --locked` into target/bench-tools; ripgrep 13 rejects escapes such as \' that the
#      packs use and lets one pattern's flags leak into the next);
#   2. writes the built-in file rules as a ripgrep pattern file (`sovscan rules export --format
#      rg`) and their prefilter keywords (`--format keywords`);
#   3. generates the corpus with benches/corpus-gen.py (deterministic for a seed; kept under
#      target/bench-corpus/ and reused when the manifest matches);
#   4. throughput: on the largest corpus, after a warm-up pass of each command (warm page
#      cache), runs in alternation, RUNS times each:
#        sovscan scan CORPUS --format json --max-file-size 4G -o OUT
#        rg --multiline -f patterns.rg   (the same regexes; --multiline because a few rules
#                                         match across lines, as sovscan does)
#        rg -F -i -f keywords.txt        (only the literal keywords: a floor no regex scanner
#                                         can beat, shown for scale)
#      and prints each command's median and minimum wall time, MB/s, median peak RSS (from
#      /usr/bin/time -v) and its ratio to ripgrep with the same patterns;
#   5. memory: sovscan's peak RSS on each corpus size (default 0.5, 1 and 2 GB), RUNS_RSS runs;
#   6. start-up: median wall time of `sovscan scan EMPTY_DIR` over STARTUP_RUNS runs.
#
# Both tools search every file: ripgrep gets --hidden --no-ignore (the corpus has no ignore
# files anyway). ripgrep skips files it detects as binary and does not open archives; sovscan
# parses ELF files and reads inside zips and tarballs, so it does more work on the same bytes.
#
# Usage: benches/compare.sh [--quick] [--sizes "500M 1G 2G"] [--compare-size SIZE] [--runs N]
#                           [--rss-runs N] [--seed S] [--no-rg-regex] [--strict] [--keep]
#   --quick        sizes "50M 100M 200M", 3 runs: a smoke test in a few minutes
#   --sizes        corpus sizes for the memory series; the largest is used for throughput
#   --compare-size the corpus size for the throughput runs instead (e.g. 1G: rg -f with the
#                  rule regexes takes minutes per pass at 2G)
#   --runs N       alternated throughput runs of each command (default 5)
#   --rss-runs N   sovscan runs per size in the memory series (default 3)
#   --seed S       corpus seed (default 1)
#   --no-rg-regex  skip `rg -f` with the rule regexes (it is very slow on large corpora)
#   --strict       exit with status 1 when a target is not met
#   --keep         keep the work directory (patterns, outputs, time logs)
#
# Targets (issue 8): sovscan wall time <= 1.2x ripgrep's with the same patterns; peak RSS
# <= 200 MB at every size and flat as the corpus grows; start-up <= 50 ms.
# Exit status: 0 when the run completed (targets met or not, unless --strict), 1 with --strict
# when a target is not met, 2 on failure.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="500M 1G 2G"
RUNS=5
RSS_RUNS=3
SEED=1
COMPARE_SIZE=""
RG_REGEX=1
STRICT=0
KEEP=0
STARTUP_RUNS=30
TARGET_RATIO=1.2
TARGET_RSS_MB=200
TARGET_STARTUP_MS=50

die() { echo "compare: $*" >&2; exit 2; }
log() { echo "== $*" >&2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --quick) SIZES="50M 100M 200M"; RUNS=3; RSS_RUNS=1; STARTUP_RUNS=10; shift ;;
        --sizes) SIZES="${2:?--sizes needs values}"; shift 2 ;;
        --compare-size) COMPARE_SIZE="${2:?--compare-size needs a size}"; shift 2 ;;
        --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
        --rss-runs) RSS_RUNS="${2:?--rss-runs needs a number}"; shift 2 ;;
        --seed) SEED="${2:?--seed needs a number}"; shift 2 ;;
        --no-rg-regex) RG_REGEX=0; shift ;;
        --strict) STRICT=1; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive number"
[[ "$RSS_RUNS" =~ ^[1-9][0-9]*$ ]] || die "--rss-runs must be a positive number"
read -r -a SIZE_LIST <<<"$SIZES"
[ "${#SIZE_LIST[@]}" -gt 0 ] || die "--sizes needs at least one size"

# --- Step 1: tools ----------------------------------------------------------------------------
need_apt=()
[ -x /usr/bin/time ] || need_apt+=(time)
command -v gcc >/dev/null || need_apt+=(gcc)
command -v readelf >/dev/null || need_apt+=(binutils)
command -v python3 >/dev/null || need_apt+=(python3)
if [ "${#need_apt[@]}" -gt 0 ]; then
    log "installing ${need_apt[*]}"
    apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null \
        || die "cannot install ${need_apt[*]} (run as root, or install them)"
fi
command -v cargo >/dev/null || die "cargo not found (install Rust first)"

rg_major() { "$1" --version 2>/dev/null | awk 'NR==1 { split($2, v, "."); print v[1] + 0 }'; }
RG=""
for candidate in "$REPO/target/bench-tools/bin/rg" "$(command -v rg || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && [ "$(rg_major "$candidate")" -ge 14 ]; then
        RG="$candidate"; break
    fi
done
if [ -z "$RG" ] && ! command -v rg >/dev/null; then
    log "installing ripgrep from Debian"
    { apt-get update -qq && apt-get install -y -qq ripgrep; } >/dev/null 2>&1 || true
    if command -v rg >/dev/null && [ "$(rg_major rg)" -ge 14 ]; then RG="$(command -v rg)"; fi
fi
if [ -z "$RG" ]; then
    log "installing ripgrep >= 14 with cargo into target/bench-tools (Debian's is older)"
    cargo install ripgrep --locked --quiet --root "$REPO/target/bench-tools" \
        || die "cargo install ripgrep failed"
    RG="$REPO/target/bench-tools/bin/rg"
fi

log "building sovscan (release)"
(cd "$REPO" && cargo build --release --quiet) || die "cargo build --release failed"
SOVSCAN="$REPO/target/release/sovscan"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/sovscan-compare.XXXXXX")"
if [ "$KEEP" = 1 ]; then
    log "work directory: $WORK"
else
    trap 'rm -rf "$WORK"' EXIT
fi
RESULTS="$WORK/results.tsv"
: >"$RESULTS"

# --- Step 2: patterns -------------------------------------------------------------------------
"$SOVSCAN" rules export --format rg >"$WORK/patterns.rg"
"$SOVSCAN" rules export --format keywords >"$WORK/keywords.txt"
log "$(wc -l <"$WORK/patterns.rg") regexes and $(wc -l <"$WORK/keywords.txt") keywords exported; ripgrep: $("$RG" --version | head -1)"

# --- Step 3: corpora --------------------------------------------------------------------------
CORPUS_ROOT="$REPO/target/bench-corpus"
mkdir -p "$CORPUS_ROOT"
corpus_dir() { echo "$CORPUS_ROOT/$1-seed$SEED"; }
make_corpus() {
    local size="$1" dir
    dir="$(corpus_dir "$size")"
    if [ -f "$dir.manifest.json" ] && [ -d "$dir" ]; then
        log "corpus $size: reusing $dir"
    else
        log "corpus $size: generating $dir"
        python3 "$REPO/benches/corpus-gen.py" "$dir" --size "$size" --seed "$SEED" --force >&2 \
            || die "corpus generation failed"
    fi
}
for size in "${SIZE_LIST[@]}"; do make_corpus "$size"; done
LARGEST="${COMPARE_SIZE:-${SIZE_LIST[${#SIZE_LIST[@]}-1]}}"
[ -n "$COMPARE_SIZE" ] && make_corpus "$COMPARE_SIZE"
BIG="$(corpus_dir "$LARGEST")"
# Bytes of file content, from the generator's manifest (du would add directory sizes).
corpus_bytes() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["total_bytes"])' "$1.manifest.json"; }

# --- Measuring --------------------------------------------------------------------------------
# timed LABEL SIZE ROUND CMD...: runs CMD under GNU time, appends
#   LABEL SIZE ROUND WALL_S RSS_KB EXIT
# Exit status 1 is normal for a search with matches or findings; anything else aborts.
timed() {
    local label="$1" size="$2" round="$3"; shift 3
    local rc=0
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt" || rc=$?
    if [ "$rc" -gt 1 ]; then
        tail -5 "$WORK/stderr.txt" >&2
        die "$label exited with status $rc: $*"
    fi
    awk -v l="$label" -v s="$size" -v r="$round" -v rc="$rc" '
        /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
        /Maximum resident set size/ { rss = $NF }
        END { printf "%s\t%s\t%s\t%.3f\t%d\t%s\n", l, s, r, w, rss, rc }' "$WORK/time.txt" >>"$RESULTS"
}
# sovscan skips text files over 10 MiB by default; the cap is raised so both tools read the
# corpus's large files (sovscan reads them in 8 MiB windows).
SOVSCAN_ARGS=(--format json --max-file-size 4294967296)
run_sovscan() { timed sovscan "$1" "$2" "$SOVSCAN" scan "$3" "${SOVSCAN_ARGS[@]}" -o "$WORK/sovscan.json"; }
run_rg_regex() { timed rg-regex "$1" "$2" "$RG" --no-config --hidden --no-ignore --multiline --count -f "$WORK/patterns.rg" "$3"; }
run_rg_keywords() { timed rg-keywords "$1" "$2" "$RG" --no-config --hidden --no-ignore --fixed-strings --ignore-case --count -f "$WORK/keywords.txt" "$3"; }

# --- Step 4: throughput on the largest corpus ---------------------------------------------------
log "throughput on $LARGEST: warm-up"
run_sovscan "$LARGEST" 0 "$BIG"
run_rg_keywords "$LARGEST" 0 "$BIG"
[ "$RG_REGEX" = 1 ] && run_rg_regex "$LARGEST" 0 "$BIG"
for round in $(seq 1 "$RUNS"); do
    log "throughput round $round/$RUNS"
    run_sovscan "$LARGEST" "$round" "$BIG"
    [ "$RG_REGEX" = 1 ] && run_rg_regex "$LARGEST" "$round" "$BIG"
    run_rg_keywords "$LARGEST" "$round" "$BIG"
done

# --- Step 5: memory as the corpus grows ---------------------------------------------------------
for size in "${SIZE_LIST[@]}"; do
    dir="$(corpus_dir "$size")"
    for round in $(seq 1 "$RSS_RUNS"); do
        log "memory: sovscan on $size, run $round/$RSS_RUNS"
        timed rss "$size" "$round" "$SOVSCAN" scan "$dir" "${SOVSCAN_ARGS[@]}" -o "$WORK/rss.json"
    done
    printf 'bytes\t%s\t%s\n' "$size" "$(corpus_bytes "$dir")" >>"$RESULTS"
done

# --- Step 6: start-up ---------------------------------------------------------------------------
mkdir -p "$WORK/empty"
log "start-up: $STARTUP_RUNS runs on an empty directory"
python3 - "$SOVSCAN" "$WORK/empty" "$STARTUP_RUNS" >>"$RESULTS" <<'EOF'
import statistics, subprocess, sys, time
exe, empty, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
cmd = [exe, "scan", empty, "--format", "json", "-o", "/dev/null"]
subprocess.run(cmd, check=True)  # warm-up
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    times.append(time.perf_counter() - t)
print(f"startup\t-\t-\t{statistics.median(times):.4f}\t{min(times):.4f}\t0")
EOF

# --- Report -------------------------------------------------------------------------------------
python3 - "$RESULTS" "$LARGEST" "$(corpus_bytes "$BIG")" "$BIG.manifest.json" "$RUNS" \
    "$TARGET_RATIO" "$TARGET_RSS_MB" "$TARGET_STARTUP_MS" "$STRICT" "$RG" <<'EOF'
import json, os, statistics, subprocess, sys
path, largest, big_bytes, manifest, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
t_ratio, t_rss, t_start, strict, rg = float(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]), sys.argv[9] == "1", sys.argv[10]
rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
def runs_of(label, size=None):
    return [r for r in rows if r[0] == label and (size is None or r[1] == size) and r[2] != "0"]
try:
    m = json.load(open(manifest))
    files = m.get("total_files") or m.get("files") or "?"
except Exception:
    files = "?"
cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p' | head -1"], capture_output=True, text=True).stdout.strip()
print()
print(f"Machine: {os.cpu_count()} CPUs ({cpu}), {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM")
print(f"ripgrep: {subprocess.run([rg, '--version'], capture_output=True, text=True).stdout.splitlines()[0]}")
print(f"Corpus {largest}: {big_bytes / 1e9:.2f} GB, {files} files; {runs} alternated runs, warm cache")
print()
labels = {
    "sovscan": "sovscan scan",
    "rg-regex": "rg --multiline -f patterns.rg (same regexes)",
    "rg-keywords": "rg -F -i -f keywords.txt (literals only)",
}
med = {label: statistics.median(float(r[3]) for r in runs_of(label, largest))
       for label in labels if runs_of(label, largest)}
print(f"| {'command':<46} | median s | min s |  MB/s | peak RSS MB | vs rg same patterns |")
print(f"|{'-' * 48}|---------:|------:|------:|------------:|--------------------:|")
for label in [l for l in labels if l in med]:
    rs = runs_of(label, largest)
    walls = [float(r[3]) for r in rs]
    rss = statistics.median(int(r[4]) for r in rs) / 1024
    mbs = big_bytes / 1e6 / med[label]
    ratio = f"{med[label] / med['rg-regex']:.3f}x" if "rg-regex" in med else "-"
    print(f"| {labels[label]:<46} | {med[label]:8.2f} | {min(walls):5.2f} | {mbs:5.0f} | {rss:11.1f} | {ratio:>19} |")
print()
print("| corpus | bytes | sovscan median s | peak RSS MB (max of runs) |")
print("|-------:|------:|-----------------:|--------------------------:|")
rss_by_size = {}
sizes = []
for r in rows:
    if r[0] == "bytes":
        sizes.append((r[1], int(r[2])))
for size, nbytes in sizes:
    rs = runs_of("rss", size)
    rss_by_size[size] = max(int(r[4]) for r in rs) / 1024
    wall = statistics.median(float(r[3]) for r in rs)
    print(f"| {size:>6} | {nbytes / 1e9:.2f} GB | {wall:16.2f} | {rss_by_size[size]:25.1f} |")
start = [r for r in rows if r[0] == "startup"][0]
start_ms, start_min = float(start[3]) * 1000, float(start[4]) * 1000
print()
print(f"Start-up (sovscan scan EMPTY_DIR): median {start_ms:.1f} ms, min {start_min:.1f} ms")
print()
ok = True
def check(name, passed, detail):
    global ok
    ok &= passed
    print(f"[{'PASS' if passed else 'FAIL'}] {name}: {detail}")
if "rg-regex" in med:
    ratio = med["sovscan"] / med["rg-regex"]
    check("wall time vs ripgrep, same patterns", ratio <= t_ratio, f"{ratio:.3f}x (target <= {t_ratio}x)")
peak = max(rss_by_size.values())
check("peak RSS", peak <= t_rss, f"{peak:.1f} MB at most (target <= {t_rss:.0f} MB)")
if len(rss_by_size) > 1:
    vals = list(rss_by_size.values())
    growth = vals[-1] / vals[0]
    first, last = sizes[0], sizes[-1]
    corpus_growth = last[1] / first[1]
    check("RSS flat as the corpus grows", growth <= 1.25,
          f"x{growth:.2f} while the corpus grew x{corpus_growth:.1f} (target: within 25 %)")
check("start-up", start_ms <= t_start, f"{start_ms:.1f} ms median (target <= {t_start:.0f} ms)")
sys.exit(1 if strict and not ok else 0)
EOF
