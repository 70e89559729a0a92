#!/usr/bin/env python3
"""Deterministic, seeded benchmark corpus for `sovscan scan DIR` (and `rg -f patterns DIR`).

Usage:
    benches/corpus-gen.py OUT_DIR [--size 2G] [--seed 1] [--force] [--jobs N] [--rules DIR] [-v]

    --size   total size to generate, with a K, M or G suffix (powers of 1024; default 2G).
             Every kind keeps its share of the bytes as the size scales (50M, 500M, 2G ...).
    --seed   random seed (default 1).
    --force  wipe OUT_DIR first when it is not empty (without it, a non-empty OUT_DIR is refused).
    --jobs   worker processes (default: one per core); the output does not depend on it.
    --rules  the rule packs to follow (default: rules/ of this repository).

What it generates under OUT_DIR (byte shares of --size):

    repos/        45 %  realistic repositories: Terraform, Kubernetes and compose YAML, CI files
                        (.github/workflows, .gitlab-ci.yml), manifests and lock files (package.json,
                        package-lock.json, requirements.txt, pyproject.toml, go.mod/go.sum,
                        Cargo.toml/Cargo.lock, pom.xml), Dockerfiles, Makefiles, docs, and source
                        code in Python, JavaScript, TypeScript, Go, Java and Rust
    webapps/      15 %  node_modules trees: tens of thousands of small files (package.json, index.js,
                        README.md, LICENSE, index.d.ts), nested node_modules at least 10 deep
    bin/          10 %  ELF executables, 100 KB to 20 MB, copies of 8 small C programs compiled once
                        per run with gcc, grown with a payload section (objcopy --add-section)
    archives/     15 %  .tar.gz, .tgz, .tar, .zip and .jar-like zips holding small repositories and
                        an ELF or two; some .tar.gz hold a .zip (nested archives)
    data/         15 %  large files (tens to hundreds of MB at 2G): logs, an SQL dump, CSV exports,
                        a minified JavaScript bundle

Vendor mentions are planted at a known density: one foreign (non-EU/EEA) mention per ~50 KB of
text and one EU/EEA-provider mention per ~200 KB, taken from the `examples.match` lists of the
`kind = "file"` rules in rules/vendors/*.toml (read with tomllib at generation time, so the corpus
follows the packs), each placed in a file whose name fits the rule's `paths` globs, at most once
per rule and file (in large files, at most one per rule). Of the 8 ELF templates, 4 embed vendor
endpoint strings, 1 links a library named like the AWS C++ SDK, 3 carry no vendor evidence.
Everything else is neutral: each block is checked against the keywords and regex (translated to
Python `re`) of every file rule that applies where the block is written, and dropped when one
could fire. So plain words ("teams", "zoom", "oracle", "box"), near-misses from the rules'
`no_match` examples, self-hosted EU registries and endpoints are not mentions and should produce
no findings. Mentions of EU/EEA providers (OVHcloud, Hetzner, Scaleway, IONOS, S3-compatible
endpoints at European providers ...) are planted and counted apart from the foreign ones.

sovscan skips text files over 10 MiB by default (--max-file-size): from about 300M on, some
data/ files are larger; the manifest lists them under "large_files".

Outputs next to OUT_DIR, outside the scanned tree:
    OUT_DIR.manifest.json  seed, size requested, total bytes, files and bytes per kind, planted
                           mentions per kind / vendor / rule ("known density"), rules digest
    OUT_DIR.plants.tsv     one planted mention per line: path (archive members as sovscan names
                           them: `a.tar.gz!/dir/file`), rule id, vendor, jurisdiction

Determinism: the same --seed, --size, rules/ state and toolchain (gcc, binutils) give a
byte-identical tree, manifest and plant list, whatever --jobs is. Every unit of work (a repository, an app, a binary, an archive,
a large file) draws from its own random generator seeded from (seed, kind, index); orders are
fixed; tar and zip members have fixed mtimes (2026-01-01), owners and modes; gzip headers carry
no name and mtime 0; no time, pid, hostname or temporary path goes into any output. (File mtimes
on disk are those of the run.) No .gitignore, .ignore, .rgignore, .sovscanignore or .git is ever
written (sovscan and ripgrep honour ignore files; the tree must be scanned whole), and the only
hidden paths are .github/ and .gitlab-ci.yml in repositories.

Needs Python 3.11+ (standard library only), gcc and objcopy (binutils).
"""

import argparse
import bisect
import gzip
import hashlib
import io
import json
import math
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import warnings
import zipfile
from pathlib import Path
import random

# ---------------------------------------------------------------------------------------------
# Constants

SHARES = [("repos", 0.45), ("node_modules", 0.15), ("elf", 0.10), ("archives", 0.15), ("large", 0.15)]
FOREIGN_DENSITY = 50_000  # text bytes per planted foreign (non-EU/EEA) mention
EU_DENSITY = 200_000  # text bytes per planted EU/EEA mention
VENDOR_WEIGHT = {"aws": 8, "microsoft": 8, "google": 8}
FIXED_MTIME = 1767225600  # 2026-01-01T00:00:00Z, for tar members
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
EU_EEA = set(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split()
)
# Never written: both scanners honour ignore files, and .git is skipped.
FORBIDDEN_NAMES = {".gitignore", ".ignore", ".rgignore", ".sovscanignore", ".git", ".gitattributes"}
ALLOWED_HIDDEN = {".github", ".gitlab-ci.yml"}
NEW_FILE_P = 0.12  # chance a plant gets a new file even when a fitting one exists

NOUNS = """account address agent alert archive asset audit badge balance batch beacon billing
block branch budget buffer bulletin cache calendar campaign canal capacity catalog cell channel
chart checkpoint citizen city claim clinic column comment contract counter coupon course credit
cursor customer dataset deadline delivery deposit desk device digest district document draft
election entry event export feed field filter fleet folder forecast form grant graph harbour
health history holiday hospital household index inspection invoice journal kiosk label lane
ledger library licence limit listing locker loan lot manifest map market measure member meter
metric migration notice office order outage package page parcel parking patch payment period
permit plan policy pool post price profile project quota rate reading receipt record region
release report request reservation resident review road roster route sample schedule school
season sector sensor session shelf shipment signal slot snapshot source station status stock
street summary supplier survey table tariff task tax tenant ticket timetable token topic tracker
traffic transfer trip unit upload usage vehicle venue version visit voucher ward warehouse water
weather window zone""".split()
VERBS = """add apply assign check clean close collect compute convert count create decode delete
encode export fetch filter find flush format group handle import index init list load lock merge
move normalize open parse patch poll publish push read refresh register reload remove render
rename replace reset resolve restore retry rotate save scan send serialize sort split start stop
store sync track transform trim update validate verify watch write""".split()
ADJS = """active archived blank cached closed current daily default draft empty expired external
final hidden inactive internal last local main manual monthly new next open pending primary
private public queued raw recent remote secondary shared stale static temporary total valid
weekly""".split()
CITIES = """amsterdam antwerp athens barcelona berlin bilbao bologna bordeaux bratislava brno
brussels bucharest budapest copenhagen cork dresden dublin eindhoven espoo florence frankfurt
gdansk geneva genoa ghent gothenburg graz groningen hamburg helsinki krakow leipzig lille linz
lisbon ljubljana lyon madrid malmo marseille milan munich nantes naples porto prague riga
rotterdam salzburg seville sofia stockholm strasbourg tallinn tartu toulouse turin utrecht
valencia vienna vilnius warsaw wroclaw zagreb zaragoza""".split()
ORGS = """city-platform mobility finance-it health-data open-data water-board transit-lab
permits-office energy-grid school-services housing library-systems parks-dept""".split()

# ---------------------------------------------------------------------------------------------
# Small helpers


def rng_for(seed, *parts):
    """A generator of its own for one unit of work: independent of order and of --jobs."""
    h = hashlib.sha256(repr((seed,) + parts).encode()).digest()
    return random.Random(int.from_bytes(h[:16], "big"))


def logu(r, lo, hi):
    """Log-uniform integer in [lo, hi]."""
    return int(math.exp(r.uniform(math.log(lo), math.log(hi))))


def parse_size(text):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KkMmGg]?)(?:i?[Bb])?\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {text!r}: use e.g. 50M, 500M, 2G")
    mult = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2).lower()]
    return int(float(m.group(1)) * mult)


def human(n):
    for unit, div in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div:
            return f"{n / div:.2f} {unit}"
    return f"{n} B"


FILL_RE = re.compile(r"\{\{(\w+)\}\}")


def _g_nouns(r):
    n = r.sample(NOUNS, 4)
    d = {f"n{i + 1}": w for i, w in enumerate(n)}
    d.update({f"N{i + 1}": w.capitalize() for i, w in enumerate(n)})
    d["U1"], d["U2"] = n[0].upper(), n[1].upper()
    return d


def _g_verbs(r):
    v = r.sample(VERBS, 3)
    return {"v1": v[0], "v2": v[1], "v3": v[2], "V1": v[0].capitalize(), "V2": v[1].capitalize()}


def _g_adjs(r):
    a = r.sample(ADJS, 2)
    return {"a1": a[0], "a2": a[1], "A1": a[0].capitalize()}


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SINGLE = {
    "i1": lambda r: str(r.randint(1, 99)), "i2": lambda r: str(r.randint(100, 9999)),
    "i3": lambda r: str(r.randint(2, 64)), "i4": lambda r: str(r.randint(10000, 999999)),
    "city": lambda r: r.choice(CITIES), "city2": lambda r: r.choice(CITIES),
    "ver": lambda r: f"{r.randint(0, 9)}.{r.randint(0, 30)}.{r.randint(0, 20)}",
    "hex8": lambda r: "%08x" % r.getrandbits(32), "hex40": lambda r: "%040x" % r.getrandbits(160),
    "hex64": lambda r: "%064x" % r.getrandbits(256),
    "b64": lambda r: "".join(r.choices(B64, k=43)), "b64b": lambda r: "".join(r.choices(B64, k=43)), "b64l": lambda r: "".join(r.choices(B64, k=86)),
    "f1": lambda r: f"{r.uniform(0, 100):.3f}", "f2": lambda r: f"{r.uniform(40, 60):.5f}",
    "f3": lambda r: f"{r.uniform(-5, 25):.5f}",
    "mm": lambda r: "%02d" % r.randint(1, 12), "dd": lambda r: "%02d" % r.randint(1, 28),
    "pkg": lambda r: npm_name(r), "pkg2": lambda r: npm_name(r), "pypkg": lambda r: py_name(r),
    "gomod": lambda r: f"github.com/{r.choice(NOUNS)}-{r.choice(NOUNS)}/{r.choice(NOUNS)}",
    "crate": lambda r: f"{r.choice(NOUNS)}-{r.choice(NOUNS)}",
    "group": lambda r: f"eu.{r.choice(NOUNS)}.{r.choice(NOUNS)}",
}
_GROUPS = {}
for _k in ("n1", "n2", "n3", "n4", "N1", "N2", "N3", "N4", "U1", "U2"):
    _GROUPS[_k] = _g_nouns
for _k in ("v1", "v2", "v3", "V1", "V2"):
    _GROUPS[_k] = _g_verbs
for _k in ("a1", "a2", "A1"):
    _GROUPS[_k] = _g_adjs


class Fills(dict):
    """Placeholder values of one template instance, drawn on first use (same name, same value)."""

    def __init__(self, r):
        super().__init__()
        self.r = r

    def __missing__(self, key):
        g = _GROUPS.get(key)
        if g is not None:
            self.update(g(self.r))
            return self[key]
        f = _SINGLE.get(key)
        if f is None:
            return "{{" + key + "}}"
        v = self[key] = f(self.r)
        return v


def closed(text):
    """`text` ending in a newline, with a closing brace line for each unclosed `{` (a fragment
    such as `provider "aws" {` reads as a block of its own)."""
    text = text.rstrip("\n") + "\n"
    return text + "}\n" * max(0, text.count("{") - text.count("}"))


def fill(r, tmpl):
    d = Fills(r)
    return FILL_RE.sub(lambda m: d[m.group(1)], tmpl)


def npm_name(r):
    k = r.randrange(5)
    if k == 0:
        return f"@{r.choice(NOUNS)}/{r.choice(NOUNS)}-{r.choice(VERBS)}"
    if k == 1:
        return f"{r.choice(ADJS)}-{r.choice(NOUNS)}"
    if k == 2:
        return f"{r.choice(NOUNS)}-{r.choice(VERBS)}"
    if k == 3:
        return f"{r.choice(NOUNS)}js"
    return f"{r.choice(VERBS)}-{r.choice(NOUNS)}s"


def py_name(r):
    k = r.randrange(3)
    if k == 0:
        return f"{r.choice(NOUNS)}-{r.choice(NOUNS)}"
    if k == 1:
        return f"py{r.choice(NOUNS)}"
    return f"{r.choice(NOUNS)}lib"


# ---------------------------------------------------------------------------------------------
# Rules: loading, Rust-regex-to-Python translation, globs


CLASS_AND_NOT = re.compile(r"\[((?:\\.|[^\]\[&])+)&&\[\^((?:\\.|[^\]])+)\]\]")


def rust_to_py(p):
    """Translates a Rust `regex` pattern to Python `re`, or returns None.

    Handles what the packs use: flag groups in the middle of a pattern (`a|(?i)b`), which
    Python only accepts at the start, become scoped groups, re-opened after each `|` of their
    level; a class intersection `[a-z&&[^xy]]` becomes `(?:(?![xy])[a-z])`; `(?<name>` becomes
    `(?P<name>`; `\\z` becomes `\\Z`."""
    out = []
    wraps = [[]]  # per open group: the flag strings wrapped since its start
    i, n = 0, len(p)
    in_class = False
    while i < n:
        c = p[i]
        if c == "\\":
            nxt = p[i + 1:i + 2]
            out.append("\\Z" if nxt == "z" else p[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "[":
                return None  # nested classes: not in Python
            if c == "]":
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            m = CLASS_AND_NOT.match(p, i)
            if m:
                out.append(f"(?:(?![{m.group(2)}])[{m.group(1)}])")
                i = m.end()
                continue
            in_class = True
            out.append(c)
            i += 1
            if p[i:i + 1] == "^":
                out.append("^")
                i += 1
            if p[i:i + 1] == "]":
                out.append("]")
                i += 1
            continue
        if c == "(":
            m = re.match(r"\(\?([a-zA-Z-]+)\)", p[i:])
            if m:
                flags = m.group(1)
                if any(f not in "imsx-" for f in flags):
                    return None
                if not out:
                    out.append(m.group(0))  # global flags at the very start: fine in Python
                else:
                    out.append(f"(?{flags}:")
                    wraps[-1].append(flags)
                i += m.end()
                continue
            if p.startswith("(?<", i) and not p.startswith(("(?<=", "(?<!"), i):
                out.append("(?P<")
                i += 3
                wraps.append([])
                continue
            wraps.append([])
            out.append("(")
            i += 1
            continue
        if c == ")":
            if len(wraps) < 2:
                return None
            out.append(")" * len(wraps.pop()))
            out.append(")")
            i += 1
            continue
        if c == "|" and wraps[-1]:
            w = wraps[-1]
            out.append(")" * len(w) + "|" + "".join(f"(?{f}:" for f in w))
            i += 1
            continue
        out.append(c)
        i += 1
    out.append(")" * len(wraps[-1]))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile("".join(out))
    except re.error:
        return None


def glob_re(g):
    """gitignore-style glob as sovscan builds it (literal separator, case-insensitive)."""
    out, i = [], 0
    while i < len(g):
        if g.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif g.startswith("/**", i) and i + 3 == len(g):
            out.append("/.*")
            i += 3
        elif g[i] == "*":
            out.append("[^/]*")
            i += 1
        elif g[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(g[i]))
            i += 1
    return re.compile("".join(out) + r"\Z", re.I)


class Rule:
    def __init__(self, raw, vendor, eu):
        self.id = raw["id"]
        self.vendor = vendor
        self.eu = eu
        self.kind = raw["kind"]
        self.paths = list(raw.get("paths", []))
        self.keywords = [k.lower() for k in raw.get("keywords", [])]
        self.features = list(raw.get("features", []))
        self.regex_src = raw.get("regex")
        self.unless_src = raw.get("unless")
        self._rx = self._unless = False  # compiled on first use
        ex = raw.get("examples", {})
        self.match = list(ex.get("match", []))
        self.no_match = list(ex.get("no_match", []))
        self.name_globs = [glob_re(g) for g in self.paths if "/" not in g]
        self.path_globs = [glob_re(g) for g in self.paths if "/" in g]
        self.templates = []  # realisable relative paths, `{w}` for each `*`
        self.examples = []  # match examples that fire in context (checked in Python)

    @property
    def rx(self):
        """The regex in Python syntax; None when it cannot be translated (or there is none)."""
        if self._rx is False:
            self._rx = rust_to_py(self.regex_src) if self.regex_src else None
        return self._rx

    @property
    def unless(self):
        if self._unless is False:
            self._unless = rust_to_py(self.unless_src) if self.unless_src else None
        return self._unless

    def applies(self, path):
        if not self.paths:
            return True
        name = path.rsplit("/", 1)[-1]
        return any(g.match(name) for g in self.name_globs) or any(g.match(path) for g in self.path_globs)

    def fires(self, text):
        if self.rx is None:
            return True  # untranslatable: assume it could
        if not self.rx.search(text):
            return False
        return not (self.unless is not None and self.unless.search(text))


def realise_glob(g):
    """A path template for a glob (`{w}` where a word goes), or None when it needs a hidden
    directory, a forbidden name or glob syntax we do not fill."""
    if any(c in g for c in "[]{}"):
        return None
    g = g.replace("?", "x")
    while g.startswith("**/"):
        g = g[3:]
    g = g.replace("/**/", "/")
    if "**" in g:
        return None
    parts = g.split("/")
    for part in parts:
        if part.startswith(".") and part not in ALLOWED_HIDDEN:
            return None
    if parts[-1] in FORBIDDEN_NAMES:
        return None
    return g.replace("*", "{w}")


def instantiate(tmpl, r):
    out = []
    pieces = tmpl.split("{w}")
    for i, piece in enumerate(pieces):
        out.append(piece)
        if i < len(pieces) - 1:
            w = r.choice(NOUNS)
            if out[-1] and out[-1][-1].isalnum():
                w = "-" + w
            if pieces[i + 1] and pieces[i + 1][0].isalnum():
                w = w + "-"
            out.append(w)
    return "".join(out)


def load_rules(rules_dir):
    files = sorted(Path(rules_dir, "vendors").glob("*.toml"))
    if not files:
        sys.exit(f"corpus-gen: no rule packs in {rules_dir}/vendors")
    digest = hashlib.sha256()
    rules, vendors = [], {}
    for f in files:
        raw = f.read_bytes()
        digest.update(f.name.encode() + b"\0" + raw + b"\0")
        d = tomllib.loads(raw.decode("utf-8"))
        v = d["vendor"]
        eu = v.get("parent_country", "") in EU_EEA
        vendors[v["id"]] = {"name": v.get("name", v["id"]), "jurisdiction": v.get("parent_country", ""), "eu": eu}
        for raw_rule in d.get("rule", []):
            rules.append(Rule(raw_rule, v["id"], eu))
    return rules, vendors, digest.hexdigest()


def prepare_rules(rules):
    """Fills each file rule's realisable path templates and the examples that fire in context."""
    probe = random.Random(0)
    for rule in rules:
        if rule.kind != "file":
            continue
        for g in rule.paths:
            t = realise_glob(g)
            if t is None:
                continue
            # The instantiated path must be one the glob accepts (checked at the root and deeper).
            p = instantiate(t, probe)
            if rule.applies(p) and rule.applies("repos/x/y/" + p):
                rule.templates.append(t)
        for ex in rule.match:
            if "\0" in ex or "\r" in ex or "sovscan:ignore" in ex:
                continue
            text = "x = 1\n" + ex.rstrip("\n") + "\ny = 2\n"
            if rule.rx is None or rule.fires(text):
                rule.examples.append(closed(ex))


# ---------------------------------------------------------------------------------------------
# Neutrality: what no file rule can fire on


class NeutralFilter:
    """Decides which texts no rule of a set of file rules fires on."""

    def __init__(self, rules):
        self.rules = [r for r in rules if r.kind == "file"]
        owners = {}
        for i, r in enumerate(self.rules):
            for k in r.keywords:
                owners.setdefault(k, []).append(i)
        self.keywords = sorted(owners.items())

    def keep(self, entries):
        """The entries on which no file rule fires (order kept), and the dropped count."""
        if not entries:
            return [], 0
        offsets, pos = [], 0
        for e in entries:
            offsets.append(pos)
            pos += len(e) + 1
        big = "\0".join(e.lower() for e in entries)
        cands = {}
        for kw, owners in self.keywords:
            start = 0
            while True:
                j = big.find(kw, start)
                if j < 0:
                    break
                e = bisect.bisect_right(offsets, j) - 1
                cands.setdefault(e, set()).update(owners)
                start = offsets[e + 1] if e + 1 < len(offsets) else len(big)
        kept = []
        for idx, e in enumerate(entries):
            if "sovscan:ignore" in e:
                continue
            cs = cands.get(idx)
            if cs and any(self._may_fire(self.rules[i], e) for i in sorted(cs)):
                continue
            kept.append(e)
        return kept, len(entries) - len(kept)

    @staticmethod
    def _may_fire(rule, text):
        return rule.rx is None or rule.rx.search(text) is not None

    def fires_any(self, text):
        low = text.lower()
        return any(any(k in low for k in r.keywords) and self._may_fire(r, text) for r in self.rules)

    def firing(self, text):
        """The rules whose regex finds `text` (for attributing binary strings)."""
        low = text.lower()
        out = []
        for r in self.rules:
            if r.paths or not any(k in low for k in r.keywords):
                continue
            if r.rx is not None and r.rx.search(text):
                out.append(r)
        return out


class Applicability:
    """Which path-scoped file rules apply to a path (cached by file name)."""

    def __init__(self, rules):
        self.scoped = [r for r in rules if r.kind == "file" and r.paths]
        self.everywhere = [r for r in rules if r.kind == "file" and not r.paths]
        self.with_path_globs = [r for r in self.scoped if r.path_globs]
        # A glob `**/a/b/*.yml` only looks at the last components of a path: cache on those.
        path_globs = [g for r in self.with_path_globs for g in r.paths if "/" in g]
        self.anchored = any(not g.startswith("**/") or "**" in g[3:] for g in path_globs)
        self.tail = max([g.count("/") for g in path_globs] + [1])
        self._by_name, self._by_tail = {}, {}
        # Path globs: a literal directory part (`/.github/workflows/`) must occur before the regex runs.
        self.path_checks = []
        for r in self.with_path_globs:
            for g in r.paths:
                if "/" in g:
                    d = g[3:] if g.startswith("**/") else g
                    d = d.rsplit("/", 1)[0]
                    needle = None if any(c in d for c in "*?[]{}") else "/" + d.lower() + "/"
                    self.path_checks.append((needle, glob_re(g), r))
        # Name globs: literal names and `*.ext` suffixes by dictionary, the rest by regex.
        self.order = {r.id: i for i, r in enumerate(self.scoped)}
        self.literal, self.suffix, self.other = {}, {}, []
        for r in self.scoped:
            for g in r.paths:
                if "/" in g:
                    continue
                if not any(c in g for c in "*?[]{}"):
                    self.literal.setdefault(g.lower(), []).append(r)
                elif g.startswith("*.") and not any(c in g[2:] for c in "*?[]{}"):
                    self.suffix.setdefault(g[1:].lower(), []).append(r)
                else:
                    self.other.append((glob_re(g), r))

    def _name_rules(self, name):
        low = name.lower()
        found = list(self.literal.get(low, ()))
        i = low.find(".")
        while i >= 0:
            found.extend(self.suffix.get(low[i:], ()))
            i = low.find(".", i + 1)
        found.extend(r for g, r in self.other if g.match(name))
        uniq = {r.id: r for r in found}
        return tuple(sorted(uniq.values(), key=lambda r: self.order[r.id]))

    def scoped_for(self, path):
        name = path.rsplit("/", 1)[-1]
        key = path if self.anchored else "/".join(path.rsplit("/", self.tail)[-self.tail:])
        got = self._by_tail.get(key)
        if got is not None:
            return got
        hit = self._by_name.get(name)
        if hit is None:
            hit = self._name_rules(name)
            self._by_name[name] = hit
        low = "/" + key.lower()
        extra = []
        for needle, g, r in self.path_checks:
            if (needle is None or needle in low) and r not in hit and r not in extra and g.match(key):
                extra.append(r)
        got = hit + tuple(extra) if extra else hit
        if not self.anchored:
            self._by_tail[key] = got
        return got


# ---------------------------------------------------------------------------------------------
# Text pools: blocks of neutral content per file type

PY_HEAD = [
    '"""{{N1}} {{n2}} helpers for the {{n3}} service."""\n\nfrom __future__ import annotations\n\nimport json\nimport logging\nimport os\nfrom dataclasses import dataclass, field\nfrom typing import Iterable, Optional\n\nlog = logging.getLogger(__name__)\n\n',
    '"""{{V1}} {{n1}} records and keep the {{n2}} index in step."""\n\nimport csv\nimport datetime as dt\nimport pathlib\nimport sys\n\n',
]
PY_BLOCKS = [
    'def {{v1}}_{{n1}}({{n1}}s: Iterable[dict], {{n2}}: Optional[str] = None) -> list[dict]:\n    """{{V1}} every {{n1}} that belongs to the given {{n2}}."""\n    result = []\n    for item in {{n1}}s:\n        if {{n2}} is None or item.get("{{n2}}") == {{n2}}:\n            result.append(item)\n    log.debug("{{v1}}_{{n1}}: %d kept", len(result))\n    return result\n\n\n',
    '@dataclass\nclass {{N1}}{{N2}}:\n    """A {{n1}} {{n2}} as stored in the {{n3}} table."""\n\n    id: int\n    name: str\n    {{n3}}: str = "{{a1}}"\n    {{n4}}_count: int = {{i1}}\n    tags: list[str] = field(default_factory=list)\n\n    def to_dict(self) -> dict:\n        return {"id": self.id, "name": self.name, "{{n3}}": self.{{n3}}}\n\n\n',
    'class {{N1}}Error(Exception):\n    """Raised when a {{n1}} cannot be {{v1}}ed."""\n\n\ndef {{v2}}_{{n2}}(path: str) -> dict:\n    with open(path, encoding="utf-8") as fh:\n        data = json.load(fh)\n    if "{{n1}}" not in data:\n        raise {{N1}}Error(f"missing {{n1}} in {path}")\n    return data\n\n\n',
    'def {{v1}}_{{n1}}_{{n2}}(rows, limit={{i2}}):\n    total = 0\n    for row in rows[:limit]:\n        total += int(row.get("{{n3}}", 0))\n        if total > {{i4}}:\n            break\n    return total\n\n\n',
    '{{U1}}_{{U2}}_TIMEOUT = int(os.environ.get("{{U1}}_{{U2}}_TIMEOUT", "{{i1}}"))\n{{U1}}_{{U2}}_DIR = os.environ.get("{{U1}}_{{U2}}_DIR", "/var/lib/{{n1}}/{{n2}}")\n\n\n',
    'class {{N1}}{{N3}}Store:\n    def __init__(self, root):\n        self.root = root\n        self._{{n2}} = {}\n\n    def get(self, key, default=None):\n        return self._{{n2}}.get(key, default)\n\n    def put(self, key, value):\n        self._{{n2}}[key] = value\n        return value\n\n    def __len__(self):\n        return len(self._{{n2}})\n\n\n',
    'def test_{{v1}}_{{n1}}_keeps_{{n2}}():\n    rows = [{"{{n2}}": "{{city}}", "{{n3}}": {{i1}}}, {"{{n2}}": "{{city2}}", "{{n3}}": {{i3}}}]\n    assert len(rows) == 2\n    assert rows[0]["{{n3}}"] == {{i1}}\n\n\n',
]
JS_HEAD = [
    "'use strict';\n\nconst path = require('path');\nconst fs = require('fs');\n\n",
    "import { {{v1}}{{N1}} } from './{{n1}}.js';\nimport { {{v2}}{{N2}} } from '../{{n2}}/index.js';\n\n",
]
JS_BLOCKS = [
    "export function {{v1}}{{N1}}({{n1}}s, options = {}) {\n  const limit = options.limit ?? {{i2}};\n  return {{n1}}s\n    .filter((item) => item.{{n2}} !== undefined)\n    .slice(0, limit)\n    .map((item) => ({ id: item.id, {{n2}}: item.{{n2}} }));\n}\n\n",
    "const {{n1}}Cache = new Map();\n\nexport async function {{v1}}{{N2}}(id) {\n  if ({{n1}}Cache.has(id)) {\n    return {{n1}}Cache.get(id);\n  }\n  const response = await fetch(`/api/{{n2}}s/${id}`);\n  if (!response.ok) {\n    throw new Error(`{{v1}} {{n2}} ${id} failed: ${response.status}`);\n  }\n  const body = await response.json();\n  {{n1}}Cache.set(id, body);\n  return body;\n}\n\n",
    "class {{N1}}{{N2}} {\n  constructor(options) {\n    this.{{n3}} = options.{{n3}} || '{{a1}}';\n    this.items = [];\n  }\n\n  add(item) {\n    this.items.push(item);\n    return this;\n  }\n\n  get size() {\n    return this.items.length;\n  }\n}\n\n",
    "function {{v1}}{{N1}}(a, b) {\n  if (a.{{n2}} < b.{{n2}}) return -1;\n  if (a.{{n2}} > b.{{n2}}) return 1;\n  return a.id - b.id;\n}\n\n",
    "const {{U1}}_{{U2}}_LIMIT = {{i2}};\nconst {{n1}}{{N2}}Labels = ['{{a1}}', '{{a2}}', '{{n3}}', '{{n4}}'];\n\n",
    "describe('{{v1}}{{N1}}', () => {\n  it('keeps the {{n2}} order', () => {\n    const rows = [{ {{n2}}: {{i1}} }, { {{n2}}: {{i2}} }];\n    expect(rows.map((r) => r.{{n2}})).toEqual([{{i1}}, {{i2}}]);\n  });\n});\n\n",
]
TS_BLOCKS = [
    "export interface {{N1}}{{N2}} {\n  id: string;\n  {{n3}}: number;\n  {{n4}}?: string;\n  createdAt: Date;\n}\n\n",
    "export async function {{v1}}{{N1}}(client: HttpClient, id: string): Promise<{{N1}}> {\n  const res = await client.get<{{N1}}>(`/{{n1}}s/${id}`);\n  if (res.status !== 200) {\n    throw new {{N1}}Error(`cannot {{v1}} {{n1}} ${id}`);\n  }\n  return res.data;\n}\n\n",
    "export class {{N1}}Service {\n  private readonly cache = new Map<string, {{N1}}>();\n\n  constructor(private readonly repo: {{N1}}Repository) {}\n\n  async {{v1}}(id: string): Promise<{{N1}} | undefined> {\n    const hit = this.cache.get(id);\n    if (hit) return hit;\n    const row = await this.repo.find(id);\n    if (row) this.cache.set(id, row);\n    return row;\n  }\n}\n\n",
    "export type {{N1}}State = '{{a1}}' | '{{a2}}' | 'unknown';\n\nexport const {{U1}}_DEFAULTS: Readonly<Record<string, number>> = {\n  {{n2}}: {{i1}},\n  {{n3}}: {{i2}},\n};\n\n",
]
DTS_BLOCKS = [
    "export declare function {{v1}}{{N1}}(input: {{N1}}Input, options?: {{N1}}Options): Promise<{{N1}}>;\n",
    "export interface {{N1}}Options {\n    {{n2}}?: number;\n    {{n3}}?: string;\n    {{v1}}?: boolean;\n}\n",
    "export declare class {{N1}}{{N2}} {\n    constructor(options?: {{N1}}Options);\n    {{v1}}(): void;\n    readonly {{n3}}: string;\n}\n",
    "export type {{N1}}Input = string | Buffer | {{N2}}Like;\n",
]
GO_HEAD = ["package {{n1}}\n\nimport (\n\t\"context\"\n\t\"errors\"\n\t\"fmt\"\n\t\"time\"\n)\n\n"]
GO_BLOCKS = [
    "// {{N1}} is a {{n1}} as kept in the {{n2}} table.\ntype {{N1}} struct {\n\tID        string    `json:\"id\"`\n\t{{N2}}     string    `json:\"{{n2}}\"`\n\tCount     int       `json:\"count\"`\n\tUpdatedAt time.Time `json:\"updated_at\"`\n}\n\n",
    "func (s *{{N1}}Service) {{V1}}{{N2}}(ctx context.Context, id string) (*{{N2}}, error) {\n\tif id == \"\" {\n\t\treturn nil, errors.New(\"{{n2}}: empty id\")\n\t}\n\tctx, cancel := context.WithTimeout(ctx, {{i1}}*time.Second)\n\tdefer cancel()\n\trow, err := s.store.Get(ctx, id)\n\tif err != nil {\n\t\treturn nil, fmt.Errorf(\"{{v1}} {{n2}} %s: %w\", id, err)\n\t}\n\treturn row, nil\n}\n\n",
    "var err{{N1}}{{N2}} = errors.New(\"{{n1}} {{n2}} not found\")\n\nconst default{{N1}}Limit = {{i2}}\n\n",
    "func {{v1}}{{N1}}s(items []{{N1}}, limit int) []{{N1}} {\n\tout := make([]{{N1}}, 0, len(items))\n\tfor _, it := range items {\n\t\tif len(out) >= limit {\n\t\t\tbreak\n\t\t}\n\t\tif it.Count > {{i1}} {\n\t\t\tout = append(out, it)\n\t\t}\n\t}\n\treturn out\n}\n\n",
]
JAVA_HEAD = ["package eu.{{n1}}.{{n2}};\n\nimport java.time.Instant;\nimport java.util.ArrayList;\nimport java.util.List;\nimport java.util.Map;\nimport java.util.Optional;\n\npublic class {{N1}}{{N2}}Service {\n\n"]
JAVA_FOOT = ["}\n"]
JAVA_BLOCKS = [
    "    private final Map<String, {{N1}}> {{n1}}ById;\n    private final int {{n2}}Limit = {{i2}};\n\n",
    "    public Optional<{{N1}}> {{v1}}{{N1}}(String id) {\n        if (id == null || id.isEmpty()) {\n            return Optional.empty();\n        }\n        return Optional.ofNullable({{n1}}ById.get(id));\n    }\n\n",
    "    public List<{{N2}}> {{v1}}{{N2}}s(List<{{N2}}> input) {\n        List<{{N2}}> out = new ArrayList<>();\n        for ({{N2}} item : input) {\n            if (item.get{{N3}}() > {{i1}}) {\n                out.add(item);\n            }\n        }\n        return out;\n    }\n\n",
    "    /** {{V1}}s the {{n1}} and records when it happened. */\n    public Instant {{v1}}(String {{n1}}) {\n        Instant now = Instant.EPOCH.plusSeconds({{i4}});\n        log(\"{{v1}} \" + {{n1}} + \" at \" + now);\n        return now;\n    }\n\n",
]
RS_BLOCKS = [
    "/// A {{n1}} as read from the {{n2}} feed.\n#[derive(Debug, Clone, PartialEq)]\npub struct {{N1}} {\n    pub id: u64,\n    pub {{n2}}: String,\n    pub {{n3}}: Option<u32>,\n}\n\n",
    "impl {{N1}} {\n    pub fn {{v1}}(&self, limit: usize) -> Vec<&str> {\n        self.{{n2}}.split(',').take(limit).collect()\n    }\n\n    pub fn is_{{a1}}(&self) -> bool {\n        self.{{n3}}.unwrap_or(0) > {{i1}}\n    }\n}\n\n",
    "pub fn {{v1}}_{{n1}}s(items: &[{{N1}}]) -> usize {\n    items.iter().filter(|i| i.{{n3}}.is_some()).count()\n}\n\n",
    "const {{U1}}_{{U2}}_MAX: usize = {{i2}};\n\n#[cfg(test)]\nmod {{n1}}_tests {\n    #[test]\n    fn {{v1}}_keeps_order() {\n        let v = vec![{{i1}}, {{i2}}];\n        assert_eq!(v.len(), 2);\n    }\n}\n\n",
]
TF_BLOCKS = [
    'variable "{{n1}}_{{n2}}" {\n  type        = string\n  description = "The {{n1}} {{n2}} used by the {{n3}} module."\n  default     = "{{a1}}"\n}\n\n',
    'resource "random_password" "{{n1}}" {\n  length  = {{i3}}\n  special = true\n}\n\n',
    'resource "kubernetes_config_map" "{{n1}}" {\n  metadata {\n    name      = "{{n1}}-{{n2}}"\n    namespace = var.namespace\n  }\n\n  data = {\n    {{U1}}_LIMIT = "{{i2}}"\n    {{U2}}_MODE  = "{{a1}}"\n  }\n}\n\n',
    'locals {\n  {{n1}}_name = "${var.prefix}-{{n1}}"\n  {{n2}}_tags = {\n    team    = "{{n3}}"\n    city    = "{{city}}"\n    managed = "terraform"\n  }\n}\n\n',
    'output "{{n1}}_{{n2}}" {\n  value       = local.{{n1}}_name\n  description = "Name of the {{n1}} {{n2}}."\n}\n\n',
    'module "{{n1}}" {\n  source    = "./modules/{{n1}}"\n  name      = "{{n1}}-{{n2}}"\n  replicas  = {{i3}}\n  namespace = var.namespace\n}\n\n',
    'resource "null_resource" "{{v1}}_{{n1}}" {\n  triggers = {\n    version = "{{ver}}"\n  }\n}\n\n',
    'resource "local_file" "{{n1}}_config" {\n  filename = "${path.module}/generated/{{n1}}.json"\n  content  = jsonencode({ {{n2}} = {{i2}}, {{n3}} = "{{a1}}" })\n}\n\n',
    'resource "tls_private_key" "{{n1}}" {\n  algorithm   = "ECDSA"\n  ecdsa_curve = "P384"\n}\n\n',
]
YAML_BLOCKS = [
    "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{n1}}-{{n2}}\n  labels:\n    app.kubernetes.io/name: {{n1}}-{{n2}}\nspec:\n  replicas: {{i3}}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {{n1}}-{{n2}}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {{n1}}-{{n2}}\n    spec:\n      containers:\n        - name: {{n1}}\n          image: registry.{{city}}.example.eu/{{n1}}/{{n2}}:{{ver}}\n          ports:\n            - containerPort: 8080\n          resources:\n            limits:\n              memory: {{i2}}Mi\n",
    "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{n1}}\nspec:\n  selector:\n    app.kubernetes.io/name: {{n1}}-{{n2}}\n  ports:\n    - port: 80\n      targetPort: 8080\n",
    "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{n1}}-settings\ndata:\n  {{U1}}_LIMIT: \"{{i2}}\"\n  {{U2}}_MODE: {{a1}}\n  LOG_LEVEL: info\n",
    "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {{n1}}\nspec:\n  rules:\n    - host: {{n1}}.{{city}}.example.eu\n      http:\n        paths:\n          - path: /{{n2}}\n            pathType: Prefix\n            backend:\n              service:\n                name: {{n1}}\n                port:\n                  number: 80\n",
    "{{n1}}:\n  {{n2}}: {{i2}}\n  {{n3}}: {{a1}}\n  {{n4}}_enabled: true\n",
]
COMPOSE_BLOCKS = [
    "  {{n1}}:\n    image: registry.{{city}}.example.eu/{{n1}}/{{n2}}:{{ver}}\n    environment:\n      {{U1}}_URL: http://{{n2}}:8080\n      LOG_LEVEL: info\n    ports:\n      - \"{{i2}}:8080\"\n    depends_on:\n      - {{n2}}\n",
    "  {{n2}}:\n    build: ./{{n2}}\n    restart: unless-stopped\n    volumes:\n      - ./data/{{n2}}:/var/lib/{{n2}}\n",
]
WORKFLOW_BLOCKS = [
    "      - name: {{V1}} {{n1}}\n        run: make {{v1}}-{{n1}}\n",
    "      - name: Check {{n2}}\n        run: ./scripts/check-{{n2}}.sh --strict\n",
    "      - name: Report {{n3}}\n        run: python3 tools/report.py --{{n3}} {{i1}}\n",
]
GITLAB_BLOCKS = [
    "{{v1}}-{{n1}}:\n  stage: test\n  variables:\n    {{U1}}_LIMIT: \"{{i2}}\"\n  before_script:\n    - make deps\n",
    "variables:\n  {{U2}}_MODE: {{a1}}\n  GIT_DEPTH: \"{{i3}}\"\n",
]
SENTENCES = [
    "The {{n1}} {{n2}} is {{v1}}ed every night and kept for {{i1}} days.",
    "Run `make {{v1}}` before opening a merge request; it checks the {{n2}} schema.",
    "Each {{n1}} belongs to exactly one {{n2}}, and a {{n2}} has at most {{i2}} of them.",
    "The {{a1}} {{n3}} is read from `config/{{n3}}.yaml` when the service starts.",
    "Schedule the weekly sync with the teams in {{city}} and {{city2}} before the release.",
    "Use the zoom slider to inspect the {{n1}} chart at full resolution.",
    "The test oracle compares the {{n1}} output with the golden files in the fixtures folder.",
    "Tick the box to accept the terms, then press Continue to {{v1}} the {{n2}}.",
    "Packages are stored in a cardboard box at the {{city}} depot until pickup.",
    "The oracle of the old tale answered every {{n1}} with another question.",
    "Our teams meet on Tuesdays; bring the {{n2}} numbers and the open {{n3}} items.",
    "Cut the parser some slack: the {{n1}} files come from many different systems.",
    "The sky over {{city}} was azure blue on the day of the {{n2}} launch.",
    "Backups go to the S3-compatible object store in our own data centre in {{city}}.",
    "We moved the {{n1}} servers to a European provider; see the runbook for details.",
    "Pass `--{{n1}}-limit {{i2}}` to {{v1}} fewer {{n2}}s per batch.",
]
MD_BLOCKS = [
    "## {{V1}} the {{n1}}\n\n{{s1}} {{s2}}\n\n",
    "### {{N2}}\n\n{{s1}}\n\n```sh\nmake {{v1}}-{{n2}} LIMIT={{i2}}\n```\n\n",
    "- {{s1}}\n- {{s2}}\n- {{s3}}\n\n",
    "{{s1}} {{s2}} {{s3}}\n\n",
    "| {{n1}} | {{n2}} | {{n3}} |\n|---|---|---|\n| {{i1}} | {{a1}} | {{city}} |\n| {{i2}} | {{a2}} | {{city2}} |\n\n",
]
SH_BLOCKS = [
    "{{v1}}_{{n1}}() {\n  local target=\"$1\"\n  if [ -z \"$target\" ]; then\n    echo \"usage: {{v1}}_{{n1}} TARGET\" >&2\n    return 2\n  fi\n  mkdir -p \"/var/lib/{{n1}}/$target\"\n}\n\n",
    "echo \"{{V1}} {{n2}} ({{i1}} of {{i2}})\"\n{{U1}}_DIR=\"${{{U1}}_DIR:-/srv/{{n1}}}\"\n\n",
    "for f in data/{{n1}}/*.csv; do\n  ./bin/{{v1}}-{{n2}} --input \"$f\" --limit {{i2}}\ndone\n\n",
]
MAKE_BLOCKS = [
    "{{v1}}-{{n1}}:\n\t./scripts/{{v1}}-{{n1}}.sh --limit {{i2}}\n\n",
    ".PHONY: {{v1}}\n{{v1}}: {{v2}}\n\t@echo \"{{v1}} {{n1}}\"\n\n",
    "{{U1}}_DIR ?= build/{{n1}}\n\n",
]
DOCKER_BLOCKS = [
    "RUN mkdir -p /srv/{{n1}} && chown 1000:1000 /srv/{{n1}}\n",
    "COPY {{n1}}/ /srv/{{n1}}/\n",
    "ENV {{U1}}_LIMIT={{i2}} {{U2}}_MODE={{a1}}\n",
    "EXPOSE 8080\n",
    "WORKDIR /srv/{{n1}}\n",
]
DOCKER_HEAD = ["FROM registry.{{city}}.example.eu/base/runtime:{{ver}}\n\n", "FROM harbor.{{city}}.example.eu/platform/base:{{ver}} AS build\n\n"]
NPM_DEP = ['    "{{pkg}}": "^{{ver}}",\n', '    "{{pkg}}": "~{{ver}}",\n', '    "{{pkg}}": "{{ver}}",\n']
PKGLOCK_BLOCKS = [
    '    "node_modules/{{pkg}}": {\n      "version": "{{ver}}",\n      "resolved": "https://registry.npmjs.org/{{pkg}}/-/{{n1}}-{{ver}}.tgz",\n      "integrity": "sha512-{{b64l}}==",\n      "license": "MIT",\n      "dependencies": {\n        "{{pkg2}}": "^{{ver}}"\n      }\n    },\n',
    '    "node_modules/{{pkg}}": {\n      "version": "{{ver}}",\n      "resolved": "https://registry.npmjs.org/{{pkg}}/-/{{n2}}-{{ver}}.tgz",\n      "integrity": "sha512-{{b64l}}==",\n      "dev": true,\n      "engines": {\n        "node": ">=18"\n      }\n    },\n',
]
REQ_LINES = ["{{pypkg}}=={{ver}}\n", "{{pypkg}}>={{ver}}\n", "{{pypkg}}~={{ver}}\n"]
PYPROJECT_DEP = ['    "{{pypkg}}>={{ver}}",\n']
GOMOD_LINES = ["\t{{gomod}} v{{ver}}\n", "\t{{gomod}} v{{ver}} // indirect\n"]
GOSUM_LINES = ["{{gomod}} v{{ver}} h1:{{b64}}=\n{{gomod}} v{{ver}}/go.mod h1:{{b64b}}=\n"]
CARGO_DEP = ['{{crate}} = "{{ver}}"\n', '{{crate}} = { version = "{{ver}}", features = ["{{n1}}"] }\n']
CARGOLOCK_BLOCKS = ['[[package]]\nname = "{{crate}}"\nversion = "{{ver}}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "{{hex64}}"\n\n']
POM_BLOCKS = ["        <dependency>\n            <groupId>{{group}}</groupId>\n            <artifactId>{{n1}}-{{n2}}</artifactId>\n            <version>{{ver}}</version>\n        </dependency>\n"]
XML_BLOCKS = ['    <PackageReference Include="{{N1}}.{{N2}}" Version="{{ver}}" />\n', "    <{{n1}}>{{i2}}</{{n1}}>\n"]
CONF_BLOCKS = ["{{n1}}.{{n2}}.{{n3}} = {{i2}}\n", "[{{n1}}]\n{{n2}} = \"{{a1}}\"\n{{n3}}_limit = {{i2}}\n\n", "{{U1}}_{{U2}}={{a1}}\n", "{{n1}}_{{n2}} = \"/srv/{{n1}}/{{n2}}\"\n"]
JSON_BLOCKS = ['  "{{n1}}{{N2}}": {{i2}},\n', '  "{{n1}}": { "{{n2}}": "{{a1}}", "{{n3}}": {{i1}} },\n', '  "{{n2}}Path": "/srv/{{n2}}/{{n3}}",\n']
LOGMSG = [
    "INFO  [{{n1}}-worker] {{v1}} {{n2}} id={{i4}} took {{i2}}ms",
    "WARN  [{{n1}}-client] retrying {{n2}} fetch from http://{{n2}}.{{city}}.internal:8080/api/{{n3}} (attempt {{i1}})",
    "INFO  [http] GET /api/v1/{{n1}}s/{{i4}} 200 {{i2}}ms",
    "INFO  [http] POST /api/v1/{{n2}}s 201 {{i2}}ms bytes={{i4}}",
    "DEBUG [{{n3}}] cache hit {{n1}}:{{i4}} ttl={{i2}}s",
    "ERROR [{{n1}}-job] {{v1}} failed for {{n2}} {{i4}}: timeout after {{i1}}s",
    "INFO  [scheduler] {{n1}} batch {{i4}} queued ({{i2}} items)",
]
MINJS = [
    "function {{v1}}{{N1}}(e,t){if(!e)return t;var n=e.{{n2}}||{};return n.{{n3}}=t.{{n3}},n}",
    "var {{n1}}={{i2}},{{n2}}=\"{{a1}}\",{{n3}}=[{{i1}},{{i3}},{{i2}}];",
    "Object.defineProperty(exports,\"{{n1}}{{N2}}\",{enumerable:!0,get:function(){return {{n3}}}});",
    "e.exports=function(e){return e&&e.__esModule?e:{default:e}};",
    "for(var r=0;r<{{i2}};r++){{{n1}}[r]=r*{{i3}}%{{i1}}};",
    "var {{N1}}=function(){function e(t){this.{{n2}}=t||{{i1}}}return e.prototype.{{v1}}=function(){return this.{{n2}}+{{i3}}},e}();",
]
SQL_ROWS = ["'{{n1}} {{n2}}','{{city}}',{{i2}},'2025-{{mm}}-{{dd}}','{{a1}}'"]
CSV_ROWS = ["{{city}},{{n1}}-{{i2}},{{f1}},{{f2}},{{f3}},{{a1}}"]
LICENSE_MIT = (
    "MIT License\n\nCopyright (c) 2024 {{N1}} {{N2}} contributors\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n"
    "of this software and associated documentation files (the \"Software\"), to deal\nin the Software without restriction, including without limitation the rights\n"
    "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\ncopies of the Software, and to permit persons to whom the Software is\n"
    "furnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all\n"
    "copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\n"
    "IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\nFITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\n"
    "AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\n"
    "OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\nSOFTWARE.\n"
)
LICENSE_ISC = (
    "ISC License\n\nCopyright (c) 2023 {{N1}} {{N2}} contributors\n\nPermission to use, copy, modify, and/or distribute this software for any\n"
    "purpose with or without fee is hereby granted, provided that the above\ncopyright notice and this permission notice appear in all copies.\n\n"
    "THE SOFTWARE IS PROVIDED \"AS IS\" AND THE AUTHOR DISCLAIMS ALL WARRANTIES\nWITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF\n"
    "MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR\nANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES\n"
    "WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN\nACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF\n"
    "OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.\n"
)

# ftype: (head templates, body pool, foot templates, comment prefix for plain-word lines or None)
FTYPES = {
    "py": (PY_HEAD, "py", [""], "# "),
    "js": (JS_HEAD, "js", [""], "// "),
    "ts": (JS_HEAD, "ts", [""], "// "),
    "dts": ([""], "dts", [""], "// "),
    "go": (GO_HEAD, "go", [""], "// "),
    "java": (JAVA_HEAD, "java", JAVA_FOOT, "    // "),
    "rs": (["use std::collections::HashMap;\n\n"], "rs", [""], "// "),
    "tf": ([""], "tf", [""], "# "),
    "yaml": ([""], "yaml", [""], "# "),
    "compose": (["services:\n"], "compose", ["volumes:\n  data: {}\n"], "# "),
    "workflow": (["name: {{v1}}-{{n1}}\non:\n  push:\n    branches: [main]\n  pull_request:\n"], "workflow", [""], "# "),
    "gitlab": ([""], "gitlab", [""], "# "),
    "md": (["# {{N1}} {{N2}}\n\n{{s1}}\n\n"], "md", [""], ""),
    "sh": (["#!/usr/bin/env bash\nset -euo pipefail\n\n"], "sh", [""], "# "),
    "makefile": (["SHELL := /bin/bash\n\n"], "makefile", [""], "# "),
    "dockerfile": (DOCKER_HEAD, "dockerfile", ['CMD ["/srv/bin/{{n1}}"]\n'], "# "),
    "pkgjson": (['{\n  "name": "{{pkg}}",\n  "version": "{{ver}}",\n  "description": "{{V1}} {{n1}} {{n2}}s",\n  "main": "index.js",\n  "license": "MIT",\n  "dependencies": {\n'], "npm_dep", ['    "{{pkg2}}": "{{ver}}"\n  }\n}\n'], None),
    "pkglock": (['{\n  "name": "{{pkg}}",\n  "version": "{{ver}}",\n  "lockfileVersion": 3,\n  "requires": true,\n  "packages": {\n'], "pkglock", ['    "": {\n      "name": "{{pkg}}",\n      "version": "{{ver}}"\n    }\n  }\n}\n'], None),
    "req": (["# pinned by the {{n1}} team\n"], "req", [""], "# "),
    "pyproject": (['[project]\nname = "{{n1}}-{{n2}}"\nversion = "{{ver}}"\nrequires-python = ">=3.10"\ndependencies = [\n'], "pyproject", ["]\n\n[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n"], None),
    "gomod": (["module example.eu/{{n1}}/{{n2}}\n\ngo 1.22\n\nrequire (\n"], "gomod", [")\n"], None),
    "gosum": ([""], "gosum", [""], None),
    "cargo": (['[package]\nname = "{{n1}}-{{n2}}"\nversion = "{{ver}}"\nedition = "2021"\n\n[dependencies]\n'], "cargo", [""], "# "),
    "cargolock": (["# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 3\n\n"], "cargolock", [""], None),
    "pom": (['<?xml version="1.0" encoding="UTF-8"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n    <modelVersion>4.0.0</modelVersion>\n    <groupId>eu.{{n1}}</groupId>\n    <artifactId>{{n2}}-service</artifactId>\n    <version>{{ver}}</version>\n    <dependencies>\n'], "pom", ["    </dependencies>\n</project>\n"], None),
    "xml": (['<Project Sdk="Microsoft.NET.Sdk">\n  <ItemGroup>\n'], "xml", ["  </ItemGroup>\n</Project>\n"], None),
    "conf": ([""], "conf", [""], "# "),
    "json": (["{\n"], "json", ['  "version": {{i1}}\n}\n'], None),
    "license": ([""], None, [""], None),
}

# Where each file type is written: its blocks must be neutral for the rules of these paths.
# Files elsewhere (created for a plant, e.g. vercel.json) get a check of their own at render.
REPRESENTATIVE = {
    "py": ["src/pkg/ledger.py", "tests/test_ledger.py", "src/setup.py"],
    "js": ["src/ledger.js", "test/ledger.test.js", "node_modules/p/index.js", "node_modules/p/lib/ledger.js"],
    "ts": ["src/ledger.ts", "test/ledger.test.ts"],
    "dts": ["node_modules/p/index.d.ts"],
    "go": ["internal/ledger/ledger.go", "cmd/ledger/main.go", "internal/ledger/ledger_test.go"],
    "java": ["src/main/java/eu/x/Ledger.java", "src/test/java/eu/x/LedgerTest.java"],
    "rs": ["src/ledger.rs", "src/ledger/mod.rs", "tests/ledger.rs"],
    "tf": ["infra/terraform/main.tf", "infra/terraform/modules/ledger/variables.tf"],
    "yaml": ["deploy/k8s/ledger.yaml", "config/ledger.yaml", "src/main/resources/application.yaml"],
    "compose": ["docker-compose.yml"],
    "workflow": [".github/workflows/ledger.yml"],
    "gitlab": [".gitlab-ci.yml"],
    "md": ["README.md", "docs/ledger.md", "node_modules/p/CHANGELOG.md"],
    "sh": ["scripts/ledger-sync.sh"],
    "makefile": ["Makefile"],
    "dockerfile": ["Dockerfile"],
    "pkgjson": ["package.json"],
    "pkglock": ["package-lock.json"],
    "req": ["requirements.txt", "requirements-dev.txt"],
    "pyproject": ["pyproject.toml"],
    "gomod": ["go.mod"],
    "gosum": ["go.sum"],
    "cargo": ["Cargo.toml"],
    "cargolock": ["Cargo.lock"],
    "pom": ["pom.xml"],
    "xml": ["ledger.csproj"],
    "conf": ["config/ledger.toml", "config/ledger.properties", "META-INF/maven/g/a/pom.properties"],
    "json": ["config/ledger.json", "tsconfig.json"],
    "license": ["LICENSE"],
    "logmsg": ["data/logs/ledger.log"],
    "minjs": ["data/web/static/app.bundle.min.js"],
    "sql": ["data/dumps/ledger.sql"],
    "csv": ["data/exports/ledger.csv"],
}

POOL_SPECS = {
    "py": (PY_BLOCKS, 600), "js": (JS_BLOCKS, 600), "ts": (TS_BLOCKS, 400), "dts": (DTS_BLOCKS, 400),
    "go": (GO_BLOCKS, 400), "java": (JAVA_BLOCKS, 400), "rs": (RS_BLOCKS, 400), "tf": (TF_BLOCKS, 500),
    "yaml": (YAML_BLOCKS, 500), "compose": (COMPOSE_BLOCKS, 200), "workflow": (WORKFLOW_BLOCKS, 150),
    "gitlab": (GITLAB_BLOCKS, 150), "md": (MD_BLOCKS, 800), "sh": (SH_BLOCKS, 200),
    "makefile": (MAKE_BLOCKS, 150), "dockerfile": (DOCKER_BLOCKS, 150), "npm_dep": (NPM_DEP, 1500),
    "pkglock": (PKGLOCK_BLOCKS, 1500), "req": (REQ_LINES, 800), "pyproject": (PYPROJECT_DEP, 400),
    "gomod": (GOMOD_LINES, 800), "gosum": (GOSUM_LINES, 1000), "cargo": (CARGO_DEP, 500),
    "cargolock": (CARGOLOCK_BLOCKS, 1000), "pom": (POM_BLOCKS, 500), "xml": (XML_BLOCKS, 300),
    "conf": (CONF_BLOCKS, 400), "json": (JSON_BLOCKS, 400), "logmsg": (LOGMSG, 2000),
    "minjs": (MINJS, 2000), "sql": (SQL_ROWS, 3000), "csv": (CSV_ROWS, 3000),
}


def ftype_for(path):
    name = path.rsplit("/", 1)[-1]
    low = name.lower()
    exact = {
        "package.json": "pkgjson", "package-lock.json": "pkglock", "go.mod": "gomod", "go.sum": "gosum",
        "cargo.toml": "cargo", "cargo.lock": "cargolock", "pom.xml": "pom", "pyproject.toml": "pyproject",
        "dockerfile": "dockerfile", "containerfile": "dockerfile", "makefile": "makefile",
        "justfile": "makefile", "jenkinsfile": "sh", ".gitlab-ci.yml": "gitlab", "license": "license",
        "docker-compose.yml": "compose", "compose.yaml": "compose", "docker-compose.yaml": "compose",
    }
    if low in exact:
        return exact[low]
    if "/.github/workflows/" in "/" + path:
        return "workflow"
    if low.startswith("requirements") and low.endswith(".txt"):
        return "req"
    if low.endswith(".dockerfile") or low.startswith("dockerfile."):
        return "dockerfile"
    if low.endswith(".d.ts"):
        return "dts"
    ext = low.rsplit(".", 1)[-1] if "." in low else ""
    return {
        "py": "py", "js": "js", "mjs": "js", "cjs": "js", "ts": "ts", "go": "go", "java": "java",
        "rs": "rs", "tf": "tf", "tofu": "tf", "hcl": "tf", "yml": "yaml", "yaml": "yaml", "md": "md",
        "txt": "md", "rst": "md", "sh": "sh", "bash": "sh", "ps1": "sh", "mk": "makefile",
        "json": "json", "jsonc": "json", "template": "json", "xml": "xml", "csproj": "xml",
        "fsproj": "xml", "vbproj": "xml", "props": "xml", "config": "xml",
    }.get(ext, "conf")


def build_pools(seed, filt, rules, app, verbose):
    """Neutral text pools, and the per-ftype near-miss and plain-word lines.

    `filt` holds every file rule (for text that may go anywhere); a pool is checked against the
    rules without paths plus those of the paths where its file types are written."""
    r = rng_for(seed, "pools")
    pools, dropped = {}, {}
    sent = [fill(r, r.choice(SENTENCES)) for _ in range(600)]
    sent, dropped["sentences"] = filt.keep(sent)
    covered = {}
    for ft, paths in REPRESENTATIVE.items():
        scoped = []
        for p in paths:
            for rl in app.scoped_for("repos/o/r/" + p):
                if rl not in scoped:
                    scoped.append(rl)
        covered[ft] = app.everywhere + scoped
    users = {}
    for ft, (_h, pool, _f, _c) in FTYPES.items():
        if pool:
            users.setdefault(pool, []).append(ft)
    pool_filter = {}
    for name in POOL_SPECS:
        rs = []
        for ft in users.get(name, [name]):
            for rl in covered[ft]:
                if rl not in rs:
                    rs.append(rl)
        pool_filter[name] = NeutralFilter(rs)

    def expand(t):
        d = Fills(r)
        d["s1"], d["s2"], d["s3"] = r.choice(sent), r.choice(sent), r.choice(sent)
        return FILL_RE.sub(lambda m: d[m.group(1)], t)

    for name, (templates, count) in POOL_SPECS.items():
        entries = [expand(templates[i % len(templates)]) for i in range(count)]
        kept, dropped[name] = pool_filter[name].keep(entries)
        if not kept:
            sys.exit(f"corpus-gen: every {name} block fires some rule; fix the pool")
        pools[name] = kept
    heads = {}
    for ft, (head, _pool, foot, _c) in FTYPES.items():
        hs = [expand(h) for h in head for _ in range(8)]
        fs = [expand(f) for f in foot for _ in range(8)]
        hf = NeutralFilter(covered[ft])
        hs, d1 = hf.keep(hs)
        fs, d2 = hf.keep(fs)
        dropped[ft + ":head/foot"] = d1 + d2
        heads[ft] = (hs or [""], fs or [""])
    # Near-misses: `no_match` examples on which no rule at all fires, by the ftype of the rule's
    # paths ("any" for rules without paths); plain-word sentences as comments.
    near = {}
    cand = []
    for rule in rules:
        if rule.kind != "file":
            continue
        fts = sorted({ftype_for(instantiate(t, r)) for t in rule.templates}) if rule.paths else ["any"]
        for ex in rule.no_match:
            if "\0" in ex or "\r" in ex or "sovscan:ignore" in ex or not ex.strip():
                continue
            cand.append((fts, closed(ex)))
    kept, dropped["near-miss"] = filt.keep([c[1] for c in cand])
    kept_set = set(kept)
    for fts, ex in cand:
        if ex in kept_set:
            for ft in fts:
                near.setdefault(ft, []).append(ex)
    for ft, (_h, _p, _f, comment) in FTYPES.items():
        if comment is not None:
            near.setdefault(ft, []).extend(comment + s + "\n" for s in sent[:200])
    if verbose:
        print("pools: dropped as not neutral: " + ", ".join(f"{k} {v}" for k, v in dropped.items() if v), file=sys.stderr)
        print(f"pools: near-miss lines kept {len(kept)} of {len(cand)}", file=sys.stderr)
    avg = {k: sum(map(len, v)) / len(v) for k, v in pools.items()}
    licenses = [expand(LICENSE_MIT) for _ in range(6)] + [expand(LICENSE_ISC) for _ in range(4)]
    licenses, dropped["license"] = NeutralFilter(covered["license"]).keep(licenses)
    if not licenses:
        sys.exit("corpus-gen: every licence text fires some rule")
    covered_ids = {ft: frozenset(rl.id for rl in rs) for ft, rs in covered.items()}
    return {"pools": pools, "avg": avg, "heads": heads, "near": near, "sent": sent, "licenses": licenses,
            "covered": covered_ids}


# ---------------------------------------------------------------------------------------------
# Units of text files and planting


class FileSpec:
    __slots__ = ("path", "ftype", "size", "plants", "exclusive")

    def __init__(self, path, ftype, size):
        self.path, self.ftype, self.size = path, ftype, size
        self.plants = []  # (rule, example)
        self.exclusive = False


class Unit:
    """The text files of one repository or app, planned before any is rendered."""

    def __init__(self, prefix, kind):
        self.prefix = prefix  # scan path of the unit's root, ending in "/"
        self.kind = kind
        self.specs = []
        self.paths = {}
        self.by_name = {}
        self._cache = {}  # rule id -> specs its paths accept
        self._bytes = 0
        self.generic_new = ["config/{w}.yaml", "config/{w}.json", "src/{w}.py", "scripts/{w}.sh"]

    def add(self, path, ftype, size):
        while path in self.paths:
            stem, dot, ext = path.rpartition(".")
            path = f"{stem}-2.{ext}" if dot and "/" not in ext else path + "-2"
        spec = FileSpec(path, ftype, size)
        self.paths[path] = spec
        self.specs.append(spec)
        self.by_name.setdefault(path.rsplit("/", 1)[-1], []).append(spec)
        self._bytes += size
        if self._cache and spec.ftype != "license":
            for rule, c in self._cache.values():
                if rule.applies(self.prefix + path):
                    c.append(spec)
        return spec

    def text_bytes(self):
        return self._bytes

    def candidates(self, rule):
        """The files `rule` may be planted in (licences never)."""
        if not rule.paths:
            return self.specs
        got = self._cache.get(rule.id)
        if got is None:
            c = []
            for name, specs in self.by_name.items():
                if any(g.match(name) for g in rule.name_globs):
                    c.extend(specs)
            if rule.path_globs:
                seen = {id(s) for s in c}
                c.extend(s for s in self.specs if id(s) not in seen and any(g.match(self.prefix + s.path) for g in rule.path_globs))
            got = self._cache[rule.id] = (rule, [s for s in c if s.ftype != "license"])
        return got[1]


class Planter:
    """Chooses rules by weight and places their examples in fitting files of a unit."""

    def __init__(self, rules):
        self.by_ctx = {}
        fit = {
            "repo": lambda rule: bool(rule.templates) or not rule.paths,
            "node": lambda rule: not rule.paths or any(
                rule.applies("webapps/a/node_modules/p/" + n) for n in ("package.json", "index.js", "index.d.ts")),
            "plain": lambda rule: not rule.paths and not rule.unless_src,
        }
        for ctx, ok in fit.items():
            for eu in (False, True):
                chosen = [rl for rl in rules if rl.kind == "file" and rl.eu == eu and rl.examples and ok(rl)]
                per_vendor = {}
                for rl in chosen:
                    per_vendor[rl.vendor] = per_vendor.get(rl.vendor, 0) + 1
                weights = [VENDOR_WEIGHT.get(rl.vendor, 1) / per_vendor[rl.vendor] for rl in chosen]
                cum, acc = [], 0.0
                for w in weights:
                    acc += w
                    cum.append(acc)
                self.by_ctx[(ctx, eu)] = (chosen, cum)

    def choose(self, r, ctx, eu):
        chosen, cum = self.by_ctx[(ctx, eu)]
        if not chosen:
            return None
        return r.choices(chosen, cum_weights=cum, k=1)[0]

    def plant(self, r, unit, rule, new_size=(600, 6000)):
        """Places one example of `rule` in `unit`; False when no file could take it."""
        ex = r.choice(rule.examples)
        if rule.unless_src is None and r.random() > NEW_FILE_P:
            cands = unit.candidates(rule)
            for _ in range(8 if cands else 0):
                s = r.choice(cands)
                if s.ftype != "license" and not s.exclusive and all(p[0] is not rule for p in s.plants):
                    s.plants.append((rule, ex))
                    return True
        templates = rule.templates if rule.paths else unit.generic_new
        if not templates:
            return False
        for attempt in range(16):
            t = r.choice(templates)
            path = instantiate(t, r)
            if attempt and "{w}" not in t:
                path = f"{r.choice(('services', 'packages', 'modules', 'tools', 'deploy'))}/{r.choice(NOUNS)}/{path}"
            if path in unit.paths or not rule.applies(unit.prefix + path):
                continue
            if any(part.startswith(".") and part not in ALLOWED_HIDDEN for part in path.split("/")):
                continue
            spec = unit.add(path, ftype_for(path), logu(r, *new_size))
            spec.plants.append((rule, ex))
            spec.exclusive = rule.unless_src is not None
            return True
        return False

    def plant_density(self, r, unit, ctx, forced=()):
        text = unit.text_bytes()
        done = 0
        for rule in forced:
            if rule is not None and rule.examples and self.plant(r, unit, rule):
                done += 1
        for eu, density in ((False, FOREIGN_DENSITY), (True, EU_DENSITY)):
            x = text / density
            n = int(x) + (1 if r.random() < x - int(x) else 0)
            if not eu:
                n -= done
            for _ in range(max(0, n)):
                rule = self.choose(r, ctx, eu)
                if rule is not None:
                    self.plant(r, unit, rule)


def render(r, spec, P, scan_path, app):
    """The bytes of one planned text file, and the (rule, example) plants that went in."""
    if spec.ftype == "license":
        return r.choice(P["licenses"]).encode(), []
    head_t, pool_name, _foot, _comment = FTYPES[spec.ftype]
    heads, foots = P["heads"][spec.ftype]
    head, foot = r.choice(heads), r.choice(foots)
    pool, avg = P["pools"][pool_name], P["avg"][pool_name]
    need = spec.size - len(head) - len(foot)
    k = max(1, round(need / avg)) if need > 0 else 1
    blocks = r.choices(pool, k=k)
    near = P["near"].get(spec.ftype)
    if near and k >= 6:
        for _ in range(max(1, k // 40)):
            blocks[r.randrange(k)] = r.choice(near)
    covered = P["covered"][spec.ftype]
    extra = [rl for rl in app.scoped_for(scan_path) if rl.id not in covered]
    if extra:  # a path the pools were not checked for (e.g. vercel.json): check this file
        f = NeutralFilter(extra)
        head = "" if f.fires_any(head) else head
        foot = "" if f.fires_any(foot) else foot
        blocks = f.keep(blocks)[0]
    planted = []
    for rule, ex in spec.plants:
        if rule.unless is not None and rule.unless.search(head + "".join(blocks) + ex + foot):
            continue  # the file would veto it: not a mention
        # CI definitions open with the planted header (`jobs:` ...); the neutral steps follow.
        at = len(planted) if spec.ftype in ("workflow", "gitlab") else r.randint(0, len(blocks))
        blocks.insert(at, ex)
        planted.append(rule)
    return (head + "".join(blocks) + foot).encode("utf-8"), planted


def emit_unit(r, unit, P, sink):
    """Renders every file of `unit` in path order; returns plants as (scan path, rule)."""
    plants = []
    for spec in sorted(unit.specs, key=lambda s: s.path):
        data, planted = render(r, spec, P, unit.prefix + spec.path, C["app"])
        sink(spec.path, data)
        plants.extend((unit.prefix + spec.path, rule) for rule in planted)
    return plants


# ---------------------------------------------------------------------------------------------
# Repositories

LANGS = ["python", "node", "typescript", "go", "java", "rust"]


def plan_repo(r, prefix, target, P, planter, rules_by_id):
    unit = Unit(prefix, "repo")
    lang = r.choice(LANGS)
    w = lambda: r.choice(NOUNS)  # noqa: E731
    unit.add("README.md", "md", logu(r, 1500, 15000))
    unit.add("LICENSE", "license", 0)
    unit.add("Makefile", "makefile", logu(r, 400, 4000))
    if r.random() < 0.7:
        unit.add("Dockerfile", "dockerfile", logu(r, 300, 1500))
    lock_cap = max(20_000, int(target * 0.25))
    pkg = w()
    if lang == "python":
        unit.add("requirements.txt", "req", logu(r, 300, 3000))
        if r.random() < 0.5:
            unit.add("requirements-dev.txt", "req", logu(r, 200, 1200))
        unit.add("pyproject.toml", "pyproject", logu(r, 500, 2500))
        src = lambda: f"src/{pkg}/{w()}.py" if r.random() < 0.6 else f"src/{pkg}/{w()}/{w()}.py"  # noqa: E731
        test = lambda: f"tests/test_{w()}_{r.choice(VERBS)}.py"  # noqa: E731
        unit.generic_new = ["src/" + pkg + "/{w}.py", "config/{w}.yaml", "config/{w}.toml", "scripts/{w}.sh"]
    elif lang in ("node", "typescript"):
        unit.add("package.json", "pkgjson", logu(r, 800, 4000))
        unit.add("package-lock.json", "pkglock", min(lock_cap, logu(r, 30_000, 600_000)))
        ext = "js" if lang == "node" else "ts"
        src = lambda: f"src/{w()}.{ext}" if r.random() < 0.5 else f"src/{w()}/{w()}.{ext}"  # noqa: E731
        test = lambda: f"test/{w()}.test.{ext}"  # noqa: E731
        if lang == "typescript":
            unit.add("tsconfig.json", "json", logu(r, 300, 900))
        unit.generic_new = ["src/{w}." + ext, "config/{w}.json", "config/{w}.yaml", "scripts/{w}.sh"]
    elif lang == "go":
        unit.add("go.mod", "gomod", logu(r, 400, 4000))
        unit.add("go.sum", "gosum", min(lock_cap, logu(r, 10_000, 200_000)))
        unit.add(f"cmd/{pkg}/main.go", "go", logu(r, 1000, 6000))
        src = lambda: f"internal/{w()}/{w()}.go"  # noqa: E731
        test = lambda: f"internal/{w()}/{w()}_test.go"  # noqa: E731
        unit.generic_new = ["internal/{w}/{w}.go", "config/{w}.yaml", "deploy/{w}.yaml", "scripts/{w}.sh"]
    elif lang == "java":
        unit.add("pom.xml", "pom", logu(r, 3000, 25000))
        base = f"src/main/java/eu/{w()}/{pkg}"
        src = lambda: f"{base}/{w()}/{w().capitalize()}{w().capitalize()}.java"  # noqa: E731
        test = lambda: f"src/test/java/eu/{pkg}/{w().capitalize()}{w().capitalize()}Test.java"  # noqa: E731
        unit.add("src/main/resources/application.yaml", "yaml", logu(r, 500, 4000))
        unit.generic_new = ["src/main/resources/{w}.yaml", base + "/{w}/Config.java", "config/{w}.properties", "scripts/{w}.sh"]
    else:
        unit.add("Cargo.toml", "cargo", logu(r, 400, 2500))
        unit.add("Cargo.lock", "cargolock", min(lock_cap, logu(r, 20_000, 250_000)))
        src = lambda: f"src/{w()}.rs" if r.random() < 0.6 else f"src/{w()}/mod.rs"  # noqa: E731
        test = lambda: f"tests/{w()}.rs"  # noqa: E731
        unit.generic_new = ["src/{w}.rs", "config/{w}.toml", "config/{w}.yaml", "scripts/{w}.sh"]
    if r.random() < 0.55:
        tf = "infra/terraform"
        for name in ("main", "variables", "outputs", w()):
            unit.add(f"{tf}/{name}.tf", "tf", logu(r, 800, 20000))
        for _ in range(r.randint(0, 3)):
            m = w()
            unit.add(f"{tf}/modules/{m}/main.tf", "tf", logu(r, 800, 12000))
            unit.add(f"{tf}/modules/{m}/variables.tf", "tf", logu(r, 400, 4000))
    if r.random() < 0.6:
        for _ in range(r.randint(2, 6)):
            unit.add(f"deploy/k8s/{w()}.yaml", "yaml", logu(r, 800, 12000))
    if r.random() < 0.35:
        unit.add("docker-compose.yml", "compose", logu(r, 500, 5000))
    for _ in range(r.randint(0, 4)):
        unit.add(f"docs/{w()}.md", "md", logu(r, 1000, 15000))
    for _ in range(r.randint(0, 3)):
        unit.add(f"scripts/{w()}-{r.choice(VERBS)}.sh", "sh", logu(r, 300, 4000))
    for _ in range(r.randint(1, 4)):
        ext = r.choice(("yaml", "json", "toml", "properties"))
        unit.add(f"config/{w()}.{ext}", ftype_for("x." + ext), logu(r, 200, 4000))
    ftype = {"python": "py", "node": "js", "typescript": "ts", "go": "go", "java": "java", "rust": "rs"}[lang]
    while unit.text_bytes() < target:
        path = test() if r.random() < 0.2 else src()
        unit.add(path, ftype, logu(r, 800, 40000))
    forced = []
    if r.random() < 0.6:
        forced.append(rules_by_id.get("github-actions-workflow"))
    if r.random() < 0.25:
        forced.append(rules_by_id.get("gitlab-ci-config"))
    planter.plant_density(r, unit, "repo", forced)
    return unit


def disk_sink(root, stats):
    made = set()

    def sink(rel, data, mode=None):
        full = os.path.join(root, rel)
        d = os.path.dirname(full)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        with open(full, "wb") as fh:
            fh.write(data)
        if mode is not None:
            os.chmod(full, mode)
        stats[0] += len(data)
        stats[1] += 1

    return sink


def task_repo(C, idx, rel, target):
    r = rng_for(C["seed"], "repo", idx)
    unit = plan_repo(r, rel + "/", target, C["P"], C["planter"], C["rules_by_id"])
    stats = [0, 0]
    sink = disk_sink(os.path.join(C["out"], rel), stats)
    plants = emit_unit(r, unit, C["P"], sink)
    return stats[0], stats[1], plants


# ---------------------------------------------------------------------------------------------
# node_modules apps


def plan_app(r, rel, target, P, planter):
    unit = Unit(rel + "/", "node")
    unit.generic_new = ["src/{w}.js", "config/{w}.json"]
    unit.add("package.json", "pkgjson", logu(r, 800, 3000))
    unit.add("package-lock.json", "pkglock", max(20_000, min(1_000_000, int(target * 0.03))))
    unit.add("README.md", "md", logu(r, 1000, 6000))
    for _ in range(r.randint(5, 15)):
        unit.add(f"src/{r.choice(NOUNS)}.js", "js", logu(r, 1000, 20000))
    names_in = {}
    dirs = []  # (dir, depth)

    def add_package(parent, depth):
        taken = names_in.setdefault(parent, set())
        for _ in range(20):
            name = npm_name(r)
            if name not in taken:
                break
        else:
            return None
        taken.add(name)
        d = f"{parent}node_modules/{name}/"
        unit.add(d + "package.json", "pkgjson", logu(r, 400, 1500))
        unit.add(d + "index.js", "js", logu(r, 500, 25000))
        unit.add(d + "README.md", "md", logu(r, 400, 6000))
        unit.add(d + "LICENSE", "license", 0)
        if r.random() < 0.6:
            unit.add(d + "index.d.ts", "dts", logu(r, 300, 5000))
        for _ in range(r.choice((0, 0, 1, 2, 3))):
            unit.add(d + f"lib/{r.choice(NOUNS)}.js", "js", logu(r, 800, 15000))
        if r.random() < 0.25:
            unit.add(d + "CHANGELOG.md", "md", logu(r, 800, 10000))
        dirs.append((d, depth))
        return d

    parent = ""
    for depth in range(1, 11):  # one chain of nested node_modules, 10 deep
        parent = add_package(parent, depth) or parent
    while unit.text_bytes() < target:
        if r.random() < 0.7:
            add_package("", 1)
        else:
            d, depth = r.choice(dirs)
            if depth < 12:
                add_package(d, depth + 1)
    planter.plant_density(r, unit, "node")
    return unit


def task_app(C, idx, rel, target):
    r = rng_for(C["seed"], "app", idx)
    unit = plan_app(r, rel, target, C["P"], C["planter"])
    stats = [0, 0]
    sink = disk_sink(os.path.join(C["out"], rel), stats)
    plants = emit_unit(r, unit, C["P"], sink)
    return stats[0], stats[1], plants


# ---------------------------------------------------------------------------------------------
# ELF binaries

# name, vendor strings, library (linked as lib<name>.so), neutral messages
ELF_TEMPLATES = [
    ("tally", [], None),
    ("s3sync", ["https://s3.amazonaws.com", "https://sts.eu-central-1.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com"], None),
    ("gcsfetch", ["https://storage.googleapis.com", "https://oauth2.googleapis.com/token"], None),
    ("meterd", [], None),
    ("blobput", ["https://login.microsoftonline.com/common/oauth2/v2.0/token", "https://management.azure.com", "https://citydata.blob.core.windows.net"], None),
    ("objstore", [], "aws-cpp-sdk-core"),
    ("multisync", ["https://s3.amazonaws.com", "https://storage.googleapis.com", "https://api.cloudflare.com/client/v4"], None),
    ("ledgerd", [], None),
]
ELF_MESSAGES = [
    "usage: %s [--config FILE] [--verbose] [--list]", "/etc/%s/%s.conf", "config.yaml", "state.json",
    "cannot open %s: %s", "reading %s (%zu bytes)", "http://localhost:8080/health", "https://mirror.example.eu/releases",
    "libc.so.6", "%s: done in %.2f s", "unknown option: %s", "sync.%s.internal",
]
ELF_C = r"""#include <stdio.h>
#include <string.h>
%(decl)s
static const char *const endpoints[] = { %(endpoints)s 0 };
static const char *const messages[] = { %(messages)s 0 };
static unsigned long fold(const char *s) { unsigned long h = %(salt)su; while (*s) h = h * 33u + (unsigned char)*s++; return h; }
int main(int argc, char **argv) {
    unsigned long h = 0;
    for (int i = 0; endpoints[i]; i++) h ^= fold(endpoints[i]);
    for (int i = 0; messages[i]; i++) h ^= fold(messages[i]);
    if (argc > 1 && strcmp(argv[1], "--list") == 0)
        for (int i = 0; endpoints[i]; i++) puts(endpoints[i]);
    printf(messages[0], argv[0]);
    printf("\n%%lx\n", h%(call)s);
    return 0;
}
"""


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '",'


def build_elf_templates(tmp, filt, rules):
    """Compiles the templates once; returns [(name, path, [(rule)])] with their planted rules."""
    for tool in ("gcc", "objcopy"):
        if shutil.which(tool) is None:
            sys.exit(f"corpus-gen: {tool} not found (apt-get install -y gcc binutils)")
    kept, dropped = filt.keep(ELF_MESSAGES)
    if dropped:
        sys.exit("corpus-gen: an ELF message string fires a rule; fix ELF_MESSAGES")
    binary_lib_rules = [rl for rl in rules if rl.kind == "binary" and "library" in rl.features and rl.rx is not None]
    out = []
    for i, (name, endpoints, lib) in enumerate(ELF_TEMPLATES):
        decl, call, link = "", "", []
        mentioned = []
        for e in endpoints:
            for rl in filt.firing(e):
                if rl not in mentioned:
                    mentioned.append(rl)
        if lib:
            stub = os.path.join(tmp, f"{lib}.c")
            with open(stub, "w") as fh:
                fh.write("int %s_version(void) { return 3; }\n" % lib.replace("-", "_"))
            subprocess.run(["gcc", "-O2", "-shared", "-fPIC", f"-Wl,-soname,lib{lib}.so", "-o", f"lib{lib}.so", f"{lib}.c"],
                           cwd=tmp, check=True)
            decl = "int %s_version(void);" % lib.replace("-", "_")
            call = " + (unsigned long)%s_version()" % lib.replace("-", "_")
            link = ["-L.", f"-l{lib}", "-Wl,--no-as-needed"]
            for rl in binary_lib_rules:
                if rl.rx.search(f"lib{lib}.so") and rl not in mentioned:
                    mentioned.append(rl)
        src = ELF_C % {
            "decl": decl, "call": call, "salt": 5381 + i,
            "endpoints": " ".join(c_str(e) for e in endpoints),
            "messages": " ".join(c_str(m) for m in ELF_MESSAGES[i % 3:]),
        }
        with open(os.path.join(tmp, f"{name}.c"), "w") as fh:
            fh.write(src)
        cmd = ["gcc", "-O2", "-ffile-prefix-map=" + tmp + "=.", "-o", name, f"{name}.c"]
        if link:
            cmd = ["gcc", "-O2", "-ffile-prefix-map=" + tmp + "=.", "-o", name, f"{name}.c", "-Wl,--no-as-needed"] + link
        subprocess.run(cmd, cwd=tmp, check=True)
        out.append((name, os.path.join(tmp, name), mentioned))
    return out


def elf_payload(r, n, strings):
    parts, size = [], 0
    while size < n:
        k = r.random()
        if k < 0.55:
            chunk = r.randbytes(r.randint(4096, 65536))
        elif k < 0.96:
            chunk = bytes(r.randint(512, 16384))
        else:
            chunk = ("\0".join(r.choices(strings, k=r.randint(20, 200))) + "\0").encode()
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts)[:n]


def make_elf(C, r, size, out_path, tag):
    """Writes an ELF of about `size` bytes at out_path; returns the template's planted rules."""
    name, path, mentioned = r.choice(C["elf_templates"])
    base = os.path.getsize(path)
    payload = os.path.join(C["tmp"], f"payload-{tag}.bin")
    with open(payload, "wb") as fh:
        fh.write(elf_payload(r, max(0, size - base - 1024), C["elf_strings"]))
    subprocess.run(["objcopy", "--add-section", f".payload={payload}", path, out_path], check=True)
    os.unlink(payload)
    return name, mentioned


def task_elf(C, idx, rel, size):
    r = rng_for(C["seed"], "elf", idx)
    full = os.path.join(C["out"], rel)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    _name, mentioned = make_elf(C, r, size, full, f"elf{idx}")
    os.chmod(full, 0o755)
    return os.path.getsize(full), 1, [(rel, rl) for rl in mentioned]


def elf_bytes(C, r, size, tag):
    tmp = os.path.join(C["tmp"], f"member-{tag}")
    _name, mentioned = make_elf(C, r, size, tmp, tag)
    with open(tmp, "rb") as fh:
        data = fh.read()
    os.unlink(tmp)
    return data, mentioned


# ---------------------------------------------------------------------------------------------
# Archives


class ArchiveOut:
    """Adds members to a tar, tar.gz or zip written to `fileobj`, with fixed metadata."""

    def __init__(self, fileobj, fmt):
        self.raw, self.fmt = fileobj, fmt
        if fmt == "zip":
            self.zf = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        else:
            self.gz = None
            target = fileobj
            if fmt == "tar.gz":
                self.gz = gzip.GzipFile(filename="", mode="wb", fileobj=fileobj, compresslevel=1, mtime=0)
                target = self.gz
            self.tf = tarfile.open(fileobj=target, mode="w", format=tarfile.PAX_FORMAT)
        self.members = 0

    def add(self, name, data, mode=0o644):
        self.members += 1
        if self.fmt == "zip":
            zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.create_system = 3
            zi.external_attr = (0o100000 | mode) << 16
            self.zf.writestr(zi, data, compresslevel=1)
        else:
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime, ti.mode = len(data), FIXED_MTIME, mode
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = ""
            self.tf.addfile(ti, io.BytesIO(data))

    def size(self):
        return self.raw.tell()

    def close(self):
        if self.fmt == "zip":
            self.zf.close()
        else:
            self.tf.close()
            if self.gz is not None:
                self.gz.close()


ARCHIVE_KINDS = ["tar.gz", "zip", "jar", "tar", "nested", "tgz"]


def fill_archive(C, r, arc, scan_prefix, target, kind, tag, elf_max):
    """Adds repositories and an ELF or two until `arc` reaches `target` bytes; returns plants."""
    plants = []
    compressed = kind != "tar"
    elves = 1 if kind == "jar" else 2
    step = 0
    while arc.size() < target and step < 64:
        left = target - arc.size()
        if elves and step % 2 == 1:
            size = max(100_000, min(elf_max, int(left * r.uniform(0.3, 0.6))))
            data, mentioned = elf_bytes(C, r, size, f"{tag}-{step}")
            name = (f"META-INF/native/lib{r.choice(NOUNS)}_native_x86_64.so" if kind == "jar"
                    else f"{r.choice(NOUNS)}-{r.choice(NOUNS)}/bin/{r.choice(NOUNS)}d")
            arc.add(name, data, 0o755)
            plants.extend((scan_prefix + name, rl) for rl in mentioned)
            elves -= 1
        else:
            raw = int(left * (2.5 if compressed else 1.0) * r.uniform(0.4, 0.8))
            raw = max(60_000, min(raw, 6_000_000))
            root = ("BOOT-INF/classes/" if kind == "jar" else "") + f"{r.choice(NOUNS)}-{r.choice(NOUNS)}-{step}/"
            unit = plan_repo(r, scan_prefix + root, raw, C["P"], C["planter"], C["rules_by_id"])
            members = []
            plants.extend(emit_unit(r, unit, C["P"], lambda p, d: members.append((root + p, d))))
            for name, data in members:
                arc.add(name, data)
        step += 1
    return plants


def task_archive(C, idx, rel, target, kind):
    r = rng_for(C["seed"], "archive", idx)
    full = os.path.join(C["out"], rel)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    elf_max = max(100_000, min(20 << 20, int(target * 0.4)))
    nested_members = 0
    with open(full, "wb") as fh:
        fmt = {"tar.gz": "tar.gz", "tgz": "tar.gz", "nested": "tar.gz", "zip": "zip", "jar": "zip", "tar": "tar"}[kind]
        arc = ArchiveOut(fh, fmt)
        plants = []
        if kind == "jar":
            g, a = f"eu.{r.choice(NOUNS)}", f"{r.choice(NOUNS)}-{r.choice(NOUNS)}"
            arc.add("META-INF/MANIFEST.MF", f"Manifest-Version: 1.0\nCreated-By: Maven JAR Plugin 3.3.0\nImplementation-Title: {a}\nImplementation-Version: 1.{idx}.0\n".encode())
            unit = Unit(rel + "!/", "repo")
            unit.add(f"META-INF/maven/{g}/{a}/pom.xml", "pom", logu(r, 2000, 12000))
            unit.add(f"META-INF/maven/{g}/{a}/pom.properties", "conf", 200)
            C["planter"].plant_density(r, unit, "repo")
            plants.extend(emit_unit(r, unit, C["P"], arc.add))
        if kind == "nested":
            # A plugin zip (a repository and an ELF) inside the tarball.
            buf = io.BytesIO()
            inner = ArchiveOut(buf, "zip")
            zname = f"plugins/{r.choice(NOUNS)}-plugin.zip"
            plants.extend(fill_archive(C, r, inner, f"{rel}!/{zname}!/", max(150_000, target // 3), "zip", f"a{idx}z", elf_max // 2))
            inner.close()
            nested_members = inner.members
            arc.add(zname, buf.getvalue())
        plants.extend(fill_archive(C, r, arc, rel + "!/", target, kind, f"a{idx}", elf_max))
        members = arc.members + nested_members
        arc.close()
    return os.path.getsize(full), 1, plants, members


# ---------------------------------------------------------------------------------------------
# Large files

LARGE_FILES = [
    ("data/logs/gateway-access.log", "log", 0.36),
    ("data/dumps/registry.sql", "sql", 0.20),
    ("data/exports/meter-readings.csv", "csv", 0.16),
    ("data/web/static/app.bundle.min.js", "minjs", 0.10),
    ("data/logs/worker.log", "log", 0.10),
    ("data/exports/trips.csv", "csv", 0.08),
]
CHUNK = 4 << 20


def large_chunks(r, kind, size, P):
    pool = P["pools"]
    written = 0
    if kind == "log":
        msgs = pool["logmsg"]
        t = 1735689600  # 2025-01-01T00:00:00Z, a fixed start
        while written < size:
            lines = []
            n = 0
            want = min(CHUNK, size - written)
            while n < want:
                t += r.choice((0, 0, 0, 1, 1, 2))
                ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t))
                for m in r.choices(msgs, k=8):
                    s = f"{ts}.{r.randrange(1000):03d}Z {m}\n"
                    lines.append(s)
                    n += len(s)
            chunk = "".join(lines)
            written += len(chunk)
            yield chunk
    elif kind in ("sql", "csv"):
        rows = pool[kind]
        i = 0
        if kind == "sql":
            head = "-- Dump of the registry database\nSET NAMES utf8mb4;\n\nCREATE TABLE permits (\n  id bigint PRIMARY KEY,\n  holder varchar(200),\n  city varchar(80),\n  fee integer,\n  issued date,\n  state varchar(20)\n);\n\n"
        else:
            head = "id,city,sensor,value,lat,lon,state\n"
        written += len(head)
        yield head
        while written < size:
            out, n = [], 0
            want = min(CHUNK, size - written)
            while n < want:
                if kind == "sql":
                    vals = ",".join(f"({i + j},{row})" for j, row in enumerate(r.choices(rows, k=100)))
                    s = f"INSERT INTO permits VALUES {vals};\n"
                    i += 100
                else:
                    s = "".join(f"{i + j},{row}\n" for j, row in enumerate(r.choices(rows, k=100)))
                    i += 100
                out.append(s)
                n += len(s)
            chunk = "".join(out)
            written += len(chunk)
            yield chunk
    else:  # minified JS: one long line per ~1 MB
        frags = pool["minjs"]
        avg = P["avg"]["minjs"]
        while written < size:
            parts = []
            want = min(CHUNK, size - written)
            while want > 0:
                line = min(1 << 20, want)
                parts.append("".join(r.choices(frags, k=max(1, int(line / avg)))) + "\n")
                want -= line
            chunk = "".join(parts)
            written += len(chunk)
            yield chunk


def task_large(C, idx, rel, size, kind):
    r = rng_for(C["seed"], "large", idx)
    full = os.path.join(C["out"], rel)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    planter = C["planter"]
    # Distinct rules, chosen by weight (at most one mention per rule and file).
    plan = []
    for eu, density in ((False, FOREIGN_DENSITY), (True, EU_DENSITY)):
        chosen, cum = planter.by_ctx[("plain", eu)]
        n = min(len(chosen), size // density)
        weights = [b - a for a, b in zip([0.0] + cum[:-1], cum)]
        keyed = sorted(range(len(chosen)), key=lambda i: -(r.random() ** (1.0 / weights[i])))
        plan.extend(chosen[i] for i in keyed[:n])
    nchunks = max(1, size // CHUNK)
    at = {}
    for rule in plan:
        at.setdefault(r.randrange(nchunks), []).append(rule)
    plants = []
    total = 0
    with open(full, "wb") as fh:
        for ci, chunk in enumerate(large_chunks(r, kind, size, C["P"])):
            extra = at.get(ci, [])
            if extra:
                ins = []
                for rule in extra:
                    ins.append(r.choice(rule.examples))
                    plants.append((rel, rule))
                cut = chunk.rfind("\n", 0, len(chunk) // 2) + 1
                chunk = chunk[:cut] + "".join(ins) + chunk[cut:]
            data = chunk.encode()
            fh.write(data)
            total += len(data)
    return total, 1, plants


# ---------------------------------------------------------------------------------------------
# Driver

C = {}  # the run's context, set before the workers fork


large_sizes = {}  # in the worker: path -> bytes of the large file it wrote


def run_task(task):
    tid, kind, args = task
    t0 = time.monotonic()
    if kind == "repos":
        res = task_repo(C, *args)
    elif kind == "node_modules":
        res = task_app(C, *args)
    elif kind == "elf":
        res = task_elf(C, *args)
    elif kind == "archives":
        res = task_archive(C, *args)
    else:
        res = task_large(C, *args)
    nbytes, nfiles, plants = res[0], res[1], res[2]
    if kind == "large":
        large_sizes[args[1]] = nbytes
    members = res[3] if len(res) > 3 else 0
    return (tid, kind, nbytes, nfiles, [(p, rl.id) for p, rl in plants], members, time.monotonic() - t0,
            dict(large_sizes) if kind == "large" else {})


def plan_tasks(seed, size):
    budgets = {k: int(size * s) for k, s in SHARES}
    tasks = []
    # Repositories: log-uniform 300 KB .. 6 MB each, under repos/<org>/<name>.
    r = rng_for(seed, "plan", "repos")
    left, i, used = budgets["repos"], 0, set()
    while left > 0:
        t = min(left, logu(r, 300_000, 6_000_000))
        if left - t < 150_000:
            t = left
        name = f"{r.choice(NOUNS)}-{r.choice(('service', 'api', 'infra', 'worker', 'portal', 'tools', r.choice(NOUNS)))}"
        rel = f"repos/{r.choice(ORGS)}/{name}"
        while rel in used:
            rel += "-2"
        used.add(rel)
        tasks.append(("repos", (i, rel, t)))
        left -= t
        i += 1
    # node_modules apps of ~32 MiB each.
    r = rng_for(seed, "plan", "node")
    n = max(1, round(budgets["node_modules"] / (32 << 20)))
    for i in range(n):
        rel = f"webapps/{r.choice(NOUNS)}-{r.choice(NOUNS)}-web-{i}"
        tasks.append(("node_modules", (i, rel, budgets["node_modules"] // n)))
    # ELF binaries: log-uniform 100 KB .. min(20 MB, budget/5).
    r = rng_for(seed, "plan", "elf")
    left, i = budgets["elf"], 0
    top = max(200_000, min(20 << 20, budgets["elf"] // 5))
    while left >= 100_000:
        s = min(left, logu(r, 100_000, top))
        if left - s < 100_000:
            s = left
        rel = f"bin/{r.choice(('tools', 'agents', 'daemons', 'cli'))}/{r.choice(NOUNS)}-{r.choice(VERBS)}-{i}"
        tasks.append(("elf", (i, rel, s)))
        left -= s
        i += 1
    # Archives: at least 6, ~24 MiB each at 2G.
    r = rng_for(seed, "plan", "archives")
    n = max(6, round(budgets["archives"] / (24 << 20)))
    for i in range(n):
        kind = ARCHIVE_KINDS[i % len(ARCHIVE_KINDS)]
        stem = f"{r.choice(NOUNS)}-{r.choice(NOUNS)}-1.{i}.0"
        ext = {"tar.gz": "tar.gz", "tgz": "tgz", "tar": "tar", "zip": "zip", "jar": "jar", "nested": "bundle.tar.gz"}[kind]
        sub = {"jar": "lib", "nested": "bundles"}.get(kind, "releases")
        tasks.append(("archives", (i, f"archives/{sub}/{stem}.{ext}", budgets["archives"] // n, kind)))
    # Large files.
    for i, (rel, kind, share) in enumerate(LARGE_FILES):
        tasks.append(("large", (i, rel, int(budgets["large"] * share), kind)))
    # Biggest first, for the workers' balance; results are ordered by task id anyway.
    weight = lambda t: t[1][2]  # noqa: E731
    ordered = sorted(range(len(tasks)), key=lambda k: -weight(tasks[k]))
    return [(k, tasks[k][0], tasks[k][1]) for k in ordered]


def main(argv=None):
    ap = argparse.ArgumentParser(description="Deterministic, seeded benchmark corpus for sovscan.")
    ap.add_argument("out", metavar="OUT_DIR")
    ap.add_argument("--size", type=parse_size, default=parse_size("2G"), help="total size, e.g. 50M, 500M, 2G (default 2G)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--force", action="store_true", help="wipe a non-empty OUT_DIR first")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)")
    ap.add_argument("--rules", default=str(Path(__file__).resolve().parent.parent / "rules"), help="rule packs to follow")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    if a.size < (4 << 20):
        ap.error("--size must be at least 4M")
    started = time.monotonic()
    out = os.path.abspath(a.out)
    if out in ("/", os.path.expanduser("~")) or os.path.exists(os.path.join(out, "Cargo.toml")):
        sys.exit(f"corpus-gen: refusing to use {out}")
    if os.path.isdir(out) and os.listdir(out):
        if not a.force:
            sys.exit(f"corpus-gen: {out} is not empty (use --force to wipe it)")
        shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)

    rules, vendors, digest = load_rules(a.rules)
    prepare_rules(rules)
    filt = NeutralFilter(rules)
    app = Applicability(rules)
    P = build_pools(a.seed, filt, rules, app, a.verbose)
    elf_strings = [s for s in P["pools"]["logmsg"][:400]] + ["config.%d.yaml" % i for i in range(50)]
    tmp = tempfile.mkdtemp(prefix="corpus-gen-")
    try:
        templates = build_elf_templates(tmp, filt, rules)
        C.update(seed=a.seed, out=out, P=P, planter=Planter(rules), tmp=tmp, elf_templates=templates, app=app,
                 elf_strings=elf_strings, rules_by_id={rl.id: rl for rl in rules})
        tasks = plan_tasks(a.seed, a.size)
        setup_secs = time.monotonic() - started
        results = {}
        if a.jobs > 1:
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(a.jobs) as pool:
                for res in pool.imap_unordered(run_task, tasks, chunksize=1):
                    results[res[0]] = res
        else:
            for t in tasks:
                res = run_task(t)
                results[res[0]] = res
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    rule_info = {rl.id: rl for rl in rules}
    kinds = {k: {"bytes": 0, "files": 0} for k, _ in SHARES}
    members = 0
    plants = []
    busy, large = {}, {}
    for tid in sorted(results):
        _tid, kind, nbytes, nfiles, pl, mem, secs, big = results[tid]
        large.update(big)
        busy[kind] = busy.get(kind, 0.0) + secs
        kinds[kind]["bytes"] += nbytes
        kinds[kind]["files"] += nfiles
        members += mem
        plants.extend((p, rid, kind) for p, rid in pl)
    plants.sort()
    total = sum(k["bytes"] for k in kinds.values())
    files = sum(k["files"] for k in kinds.values())
    for k in kinds.values():
        k["share"] = round(k["bytes"] / total, 4) if total else 0

    def tally(select):
        by_kind, by_vendor, by_rule, by_juris = {}, {}, {}, {}
        n = 0
        for p, rid, kind in plants:
            rl = rule_info[rid]
            if not select(rl):
                continue
            n += 1
            v = rl.vendor
            by_kind.setdefault(kind, {}).setdefault(v, 0)
            by_kind[kind][v] += 1
            by_vendor[v] = by_vendor.get(v, 0) + 1
            by_rule[rid] = by_rule.get(rid, 0) + 1
            j = vendors[v]["jurisdiction"]
            by_juris[j] = by_juris.get(j, 0) + 1
        srt = lambda d: dict(sorted(d.items()))  # noqa: E731
        return {"total": n, "by_kind": {k: srt(v) for k, v in sorted(by_kind.items())},
                "by_vendor": srt(by_vendor), "by_jurisdiction": srt(by_juris), "by_rule": srt(by_rule)}

    planted_file_rules = sorted({rl.id for rl in rules if rl.kind == "file" and rl.examples})
    manifest = {
        "generator": "benches/corpus-gen.py",
        "seed": a.seed,
        "size_requested": a.size,
        "total_bytes": total,
        "total_files": files,
        "archive_members": members,
        "kinds": kinds,
        "layout": {"repos": "repos/", "node_modules": "webapps/", "elf": "bin/", "archives": "archives/", "large": "data/"},
        "density": {"foreign_text_bytes_per_mention": FOREIGN_DENSITY, "eu_text_bytes_per_mention": EU_DENSITY},
        "large_files": {p: {"bytes": n, "over_sovscan_default_max_file_size": n > 10485760} for p, n in sorted(large.items())},
        "mention": "one planted rule example in one file (at most one per rule and file); for an ELF, one rule fired by its embedded strings or linked library",
        "planted_foreign": tally(lambda rl: not rl.eu),
        "planted_eu": tally(lambda rl: rl.eu),
        "rules": {
            "digest": digest,
            "file_rules": sum(1 for rl in rules if rl.kind == "file"),
            "plantable_file_rules": len(planted_file_rules),
            "untranslated_regexes": sorted(rl.id for rl in rules if rl.kind == "file" and rl.regex_src and rl.rx is None),
        },
        "elf_templates": {name: sorted(rl.id for rl in m) for name, _p, m in templates},
    }
    mpath = out.rstrip("/") + ".manifest.json"
    with open(mpath, "w") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    with open(out.rstrip("/") + ".plants.tsv", "w") as fh:
        fh.write("path\trule\tvendor\tjurisdiction\tkind\n")
        for p, rid, kind in plants:
            rl = rule_info[rid]
            fh.write(f"{p}\t{rid}\t{rl.vendor}\t{vendors[rl.vendor]['jurisdiction']}\t{kind}\n")
    if a.verbose:
        print("worker seconds by kind: " + ", ".join(f"{k} {v:.1f}" for k, v in busy.items())
              + f"; set-up {setup_secs:.1f}", file=sys.stderr)
    shares = " ".join(f"{k} {v['share'] * 100:.0f}%" for k, v in kinds.items())
    print(f"corpus-gen: {out}: {human(total)} ({total} bytes), {files} files ({shares}), "
          f"{manifest['planted_foreign']['total']} foreign + {manifest['planted_eu']['total']} EU mentions planted, "
          f"seed {a.seed}, {time.monotonic() - started:.1f} s; manifest {mpath}")


if __name__ == "__main__":
    main()
