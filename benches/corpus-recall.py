#!/usr/bin/env python3
"""Compares a sovscan JSON report of a generated corpus with the corpus's plant list.

Usage: benches/corpus-recall.py REPORT.json OUT_DIR.plants.tsv [--misses]

A plant is one rule's example placed in one file (benches/corpus-gen.py), so the check is per
(path, rule): recalled when the report has a finding of that rule at that path (archive members
as `a.tar.gz!/dir/file`, binaries by their path). It prints the recall, the findings that are
not planted split into those in planted files (an example that also fires another rule) and
those in unplanted files (false positives on the neutral content), and the report's errors.
sovscan reports one finding per regex match in a text file (one per rule in a binary), so there
are more findings than (path, rule) pairs. Exit status 1 when a plant is missed or a finding
lands in an unplanted file. Standard library only.
"""
import collections
import json
import sys


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    report = json.load(open(args[0]))
    findings = [f for o in report["organisations"] for f in o["findings"]]
    rows = [line.rstrip("\n").split("\t") for line in open(args[1])][1:]
    plants = {(r[0], r[1]) for r in rows}
    planted_files = {r[0] for r in rows}
    found = collections.Counter((f["location"].get("path"), f["rule"]) for f in findings)
    missed = sorted(k for k in plants if k not in found)
    extra = [k for k in found if k not in plants]
    cross = [k for k in extra if k[0] in planted_files]
    stray = sorted(k for k in extra if k[0] not in planted_files)
    print(f"findings {len(findings)} at {len(found)} (path, rule) pairs; plants {len(plants)}; "
          f"recalled {len(plants) - len(missed)} ({100 * (len(plants) - len(missed)) / max(1, len(plants)):.1f} %)")
    print(f"not planted: {len(cross)} in planted files (cross-matches), {len(stray)} in unplanted files")
    by_path = collections.Counter(p for p, _ in missed)
    for path, n in by_path.most_common(10):
        print(f"  missed {n} in {path}")
    for path, rule in stray[:20]:
        ev = next(f["evidence"] for f in findings if f["location"].get("path") == path and f["rule"] == rule)
        print(f"  unplanted: {rule} at {path}: {ev[:100]}")
    if "--misses" in argv:
        for path, rule in missed:
            print(f"  miss: {rule} at {path}")
    errors = collections.Counter(e.get("kind") for e in report.get("errors", []))
    print("errors: " + (", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none"))
    return 1 if missed or stray else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
