#!/usr/bin/env bash
# Self-check of benches/corpus-gen.py: determinism and well-formedness of a small corpus.
#
#   1. generates 20M with --seed 1 twice (--jobs 1 and the default, two PYTHONHASHSEEDs) into
#      temporary directories and compares the trees (diff -r), the manifests and the plant lists:
#      they must be byte-identical;
#   2. generates 20M with --seed 2 and checks that it differs;
#   3. checks the first tree: every ELF on disk passes `readelf -h` (and there are some), every
#      zip/jar/tar/tar.gz opens and its members read back, at least one zip sits inside a
#      tar.gz, node_modules nest at least 8 deep, no ignore file or .git exists anywhere, the
#      only hidden paths are .github/ and .gitlab-ci.yml, and the manifest's counts agree with
#      the tree and the plant list.
#
# Usage: benches/corpus-gen-test.sh [--size 20M] [--keep]
# Exit status: 0 when every check passes, 1 otherwise. Needs python3, gcc, binutils.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="$REPO/benches/corpus-gen.py"
SIZE=20M
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--size 20M] [--keep]" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d /tmp/corpus-gen-test.XXXXXX)"
if [ "$KEEP" = 1 ]; then
  echo "keeping $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi
FAIL=0
ok() { echo "ok:   $*"; }
bad() { echo "FAIL: $*"; FAIL=1; }

# Different --jobs and hash seeds: neither may change a byte.
PYTHONHASHSEED=1 python3 "$GEN" "$WORK/a" --size "$SIZE" --seed 1 --jobs 1
PYTHONHASHSEED=2 python3 "$GEN" "$WORK/b" --size "$SIZE" --seed 1
python3 "$GEN" "$WORK/c" --size "$SIZE" --seed 2

# 1. Same seed and size: identical trees, manifests and plant lists (whatever --jobs).
if diff -r "$WORK/a" "$WORK/b" >/dev/null; then ok "same seed: trees identical (diff -r)"; else bad "same seed: trees differ"; fi
if cmp -s "$WORK/a.manifest.json" "$WORK/b.manifest.json" && cmp -s "$WORK/a.plants.tsv" "$WORK/b.plants.tsv"; then
  ok "same seed: manifest and plant list identical"
else
  bad "same seed: manifest or plant list differ"
fi
hash_tree() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16); }
echo "      tree hash seed 1: $(hash_tree "$WORK/a")  seed 2: $(hash_tree "$WORK/c")"

# 2. Another seed: another tree.
if diff -rq "$WORK/a" "$WORK/c" >/dev/null; then bad "seed 2 gives the same tree as seed 1"; else ok "different seed: trees differ"; fi

# 3. The tree of seed 1.
A="$WORK/a"
elves=0
while IFS= read -r -d '' f; do
  if [ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" = "7f454c46" ]; then
    elves=$((elves + 1))
    readelf -h "$f" >/dev/null 2>&1 || bad "readelf -h fails on ${f#$A/}"
  fi
done < <(find "$A" -type f -print0)
if [ "$elves" -gt 0 ]; then ok "$elves ELF files, each passes readelf -h"; else bad "no ELF file"; fi

python3 - "$A" <<'EOF' || FAIL=1
import io, json, os, sys, tarfile, zipfile, subprocess, tempfile
root = sys.argv[1]
fail = False
def bad(msg):
    global fail
    fail = True
    print("FAIL: " + msg)

# Archives: open each, read every member, count nested zips and ELF members.
nested = elf_members = archives = 0
def walk_zip(data, where):
    global nested, elf_members
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if z.testzip() is not None:
            bad(f"{where}: bad zip member")
        for n in z.namelist():
            d = z.read(n)
            if d[:4] == b"\x7fELF":
                elf_members += 1
def walk_tar(path):
    global nested, elf_members
    with tarfile.open(path) as t:
        for m in t.getmembers():
            d = t.extractfile(m).read()
            if d[:4] == b"PK\x03\x04":
                nested += 1
                walk_zip(d, f"{path}!/{m.name}")
            if d[:4] == b"\x7fELF":
                elf_members += 1
for dp, dn, fn in os.walk(os.path.join(root, "archives")):
    for f in sorted(fn):
        p = os.path.join(dp, f)
        archives += 1
        try:
            if f.endswith((".zip", ".jar")):
                walk_zip(open(p, "rb").read(), p)
            else:
                walk_tar(p)
        except Exception as e:
            bad(f"{p}: {e}")
print(f"ok:   {archives} archives open and read back; {nested} zip(s) nested in tarballs; {elf_members} ELF members")
if nested < 1:
    bad("no zip nested in a tarball")
if elf_members < 1:
    bad("no ELF inside an archive")

# Forbidden names, hidden paths, node_modules depth.
hidden, depth = set(), 0
for dp, dn, fn in os.walk(root):
    for name in dn + fn:
        if name in (".gitignore", ".ignore", ".rgignore", ".sovscanignore", ".git", ".gitattributes"):
            bad(f"forbidden {os.path.join(dp, name)}")
        if name.startswith("."):
            hidden.add(name)
    depth = max(depth, dp.count("/node_modules"))
if hidden - {".github", ".gitlab-ci.yml"}:
    bad(f"unexpected hidden paths: {sorted(hidden - {'.github', '.gitlab-ci.yml'})}")
else:
    print(f"ok:   no ignore file or .git; hidden names only {sorted(hidden)}")
if depth >= 8:
    print(f"ok:   node_modules nest {depth} deep")
else:
    bad(f"node_modules nest only {depth} deep")

# The manifest agrees with the tree and the plant list.
m = json.load(open(root + ".manifest.json"))
files = sum(len(fn) for _, _, fn in os.walk(root))
size = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fn in os.walk(root) for f in fn)
plants = open(root + ".plants.tsv").read().splitlines()[1:]
if m["total_files"] != files or m["total_bytes"] != size:
    bad(f"manifest says {m['total_files']} files / {m['total_bytes']} bytes, tree has {files} / {size}")
elif m["planted_foreign"]["total"] + m["planted_eu"]["total"] != len(plants):
    bad("manifest mention totals do not match the plant list")
elif len(set(tuple(l.split("\t")[:2]) for l in plants)) != len(plants):
    bad("a rule is planted twice in one file")
else:
    print(f"ok:   manifest agrees with the tree ({files} files, {size} bytes) and the {len(plants)} plants")
for kind, share in (("repos", .45), ("node_modules", .15), ("elf", .10), ("archives", .15), ("large", .15)):
    got = m["kinds"][kind]["share"]
    if abs(got - share) > 0.05:
        bad(f"{kind} share {got:.2f}, expected about {share}")
sys.exit(1 if fail else 0)
EOF

if [ "$FAIL" = 0 ]; then echo "corpus-gen-test: all checks passed"; else echo "corpus-gen-test: FAILED"; fi
exit "$FAIL"
