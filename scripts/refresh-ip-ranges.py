#!/usr/bin/env python3
"""Rebuild rules/ip-ranges/*.txt from published cloud IP-range lists.

Usage:
  scripts/refresh-ip-ranges.py SNAPSHOT_DIR AS_OF [--out rules/ip-ranges]

SNAPSHOT_DIR holds one folder per provider with ipv4_merged.txt / ipv6_merged.txt (the layout of
the lord-alfred/ipranges data repository, which rebuilds them daily from each provider's own
publication), or a provider's official file saved as <provider>.json / <provider>.txt:
  amazon.json        https://ip-ranges.amazonaws.com/ip-ranges.json
  google.json        https://www.gstatic.com/ipranges/cloud.json
  oracle.json        https://docs.oracle.com/en-us/iaas/tools/public_ip_ranges.json
  microsoft.json     ServiceTags_Public_YYYYMMDD.json (Microsoft Download id 56519)
  cloudflare.txt     https://www.cloudflare.com/ips-v4 and ips-v6, concatenated
AS_OF is the snapshot date (YYYY-MM-DD) written into each file's header.
The script never downloads anything: fetch the files first, then run it.
"""

import ipaddress
import json
import pathlib
import sys

# provider -> (official source named in the header, extra note)
PROVIDERS = {
    "amazon": "https://ip-ranges.amazonaws.com/ip-ranges.json",
    "microsoft": "https://www.microsoft.com/en-us/download/details.aspx?id=56519",
    "google": "https://www.gstatic.com/ipranges/goog.json",
    "oracle": "https://docs.oracle.com/en-us/iaas/tools/public_ip_ranges.json",
    "cloudflare": "https://www.cloudflare.com/ips/",
    "digitalocean": "https://www.digitalocean.com/geo/google.csv",
    "linode": "https://geoip.linode.com/",
    "vultr": "https://geofeed.constant.com/?text",
}


def from_json(provider, data):
    if provider == "amazon":
        yield from (p["ip_prefix"] for p in data.get("prefixes", []))
        yield from (p["ipv6_prefix"] for p in data.get("ipv6_prefixes", []))
    elif provider == "google":
        for p in data.get("prefixes", []):
            yield p.get("ipv4Prefix") or p.get("ipv6Prefix")
    elif provider == "oracle":
        for region in data.get("regions", []):
            yield from (c["cidr"] for c in region.get("cidrs", []))
    elif provider == "microsoft":
        for value in data.get("values", []):
            if value.get("name") == "AzureCloud":
                yield from value["properties"]["addressPrefixes"]
    else:
        raise SystemExit(f"no JSON reader for {provider}")


def prefixes(snapshot, provider):
    folder = snapshot / provider
    if folder.is_dir():
        for name in ("ipv4_merged.txt", "ipv6_merged.txt"):
            f = folder / name
            if f.exists():
                yield from f.read_text().split()
    elif (snapshot / f"{provider}.json").exists():
        yield from from_json(provider, json.loads((snapshot / f"{provider}.json").read_text()))
    elif (snapshot / f"{provider}.txt").exists():
        yield from (snapshot / f"{provider}.txt").read_text().split()
    else:
        raise FileNotFoundError(f"nothing for {provider} in {snapshot}")


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    snapshot, as_of = pathlib.Path(argv[1]), argv[2]
    out = pathlib.Path(argv[argv.index("--out") + 1]) if "--out" in argv else pathlib.Path("rules/ip-ranges")
    out.mkdir(parents=True, exist_ok=True)
    via_file = snapshot / "SOURCE.md"
    via = ""
    if via_file.exists():
        # First line naming a commit, e.g. "lord-alfred/ipranges at commit 14dd971b... (2026-08-22)".
        via = next((l.strip() for l in via_file.read_text().splitlines() if "commit" in l), "")
    for provider, source in PROVIDERS.items():
        nets = {4: [], 6: []}
        for p in prefixes(snapshot, provider):
            net = ipaddress.ip_network(p.strip(), strict=False)
            # Some publications (Vultr's geofeed) list documentation, private or reserved
            # ranges; no provider hosts them, and sovscan rejects them (RFC 6890).
            if not net.is_global or (net.version == 6 and net.subnet_of(ipaddress.ip_network("2001::/23"))):
                print(f"{provider}: dropping special-purpose {net}", file=sys.stderr)
                continue
            nets[net.version].append(net)
        lines = [
            f"# {provider}: published IP ranges, merged into the fewest prefixes.",
            f"# as_of: {as_of}",
            f"# source: {source}",
            f"# via: {via}" if via else "# via: the provider's own file",
            "# Regenerate with scripts/refresh-ip-ranges.py (see rules/README.md).",
        ]
        for version in (4, 6):
            lines += [str(n) for n in ipaddress.collapse_addresses(nets[version])]
        (out / f"{provider}.txt").write_text("\n".join(lines) + "\n")
        print(f"{provider}: {len(nets[4])} IPv4 and {len(nets[6])} IPv6 prefixes", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
