#!/usr/bin/env python3
"""Generate the zone and domain list for the DNS benchmark (benches/dns-compare.sh).

One zone (default `bench.test.`) holds N organisations' domains as subdomains
`dNNNNN.bench.test.`, with a mix of mail set-ups like a real population:

    40 %  Microsoft 365   MX <label>.mail.protection.outlook.com, SPF include:spf.protection.outlook.com,
                          autodiscover CNAME, selector1/selector2 DKIM CNAMEs into contoso.onmicrosoft.com
    20 %  Google Workspace MX aspmx.l.google.com (+ alt1), SPF include:_spf.google.com, google DKIM key
    20 %  self-hosted     MX mail.<domain> with an A record in 192.0.2.0/24 or 198.51.100.0/24, SPF mx
    10 %  gateway         MX eu-smtp-inbound-{1,2}.mimecast.com, SPF of Microsoft 365, M365 DKIM CNAMEs
    10 %  no mail         no MX, SPF "v=spf1 -all"

Every domain has an apex A record, `www` as a CNAME to the apex or an A record of its own, and a
`_dmarc` TXT. Names outside the zone (outlook.com, google.com, mimecast.com, ...) are not served:
the authoritative server refuses them, which sovscan records as errors; they are still queries.

The output is deterministic for a given --seed and --domains. Only the standard library is used.
"""

import argparse
import random
import sys

# Share of each mail set-up, in per cent; the rounding remainder goes to "nomx".
MIX = [("m365", 40), ("google", 20), ("self", 20), ("gateway", 10), ("nomx", 10)]

M365_SPF = "v=spf1 include:spf.protection.outlook.com -all"
GOOGLE_SPF = "v=spf1 include:_spf.google.com ~all"
DMARC_POLICIES = ["none", "quarantine", "reject"]
# Documentation ranges (RFC 5737): they match no vendor's published ranges.
WEB_NETS = ["192.0.2.", "198.51.100.", "203.0.113."]
MAIL_NETS = ["192.0.2.", "198.51.100."]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--domains", type=int, default=10000, help="number of domains (default 10000)")
    p.add_argument("--origin", default="bench.test", help="zone origin (default bench.test)")
    p.add_argument("--seed", type=int, default=20261122, help="random seed (default 20261122)")
    p.add_argument("--zone-out", required=True, help="zone file to write")
    p.add_argument("--domains-out", required=True, help="domain list to write (one per line)")
    args = p.parse_args(argv)
    if args.domains < 1:
        p.error("--domains must be at least 1")
    args.origin = args.origin.strip(".").lower()
    return args


def categories(n, rng):
    """Exactly the MIX proportions (rounded), shuffled deterministically."""
    cats = []
    for name, pct in MIX[:-1]:
        cats += [name] * (n * pct // 100)
    cats += [MIX[-1][0]] * (n - len(cats))
    rng.shuffle(cats)
    return cats


def txt(value):
    """A TXT RDATA: one quoted string (all values here are under 255 bytes)."""
    assert len(value) < 255 and '"' not in value
    return f'"{value}"'


def domain_records(label, fqdn, cat, rng):
    """Zone lines for one domain; owner names are relative to the zone origin."""
    dashed = fqdn.replace(".", "-")
    lines = []

    def rr(owner, rtype, data):
        lines.append(f"{owner:<34} IN {rtype:<5} {data}")

    if cat == "m365":
        rr(label, "MX", f"0 {dashed}.mail.protection.outlook.com.")
        rr(label, "TXT", txt(M365_SPF))
        rr(label, "TXT", txt(f"MS=ms{rng.randrange(10**7, 10**8)}"))
        rr(f"autodiscover.{label}", "CNAME", "autodiscover.outlook.com.")
    elif cat == "google":
        rr(label, "MX", "1 aspmx.l.google.com.")
        rr(label, "MX", "5 alt1.aspmx.l.google.com.")
        rr(label, "TXT", txt(GOOGLE_SPF))
        rr(label, "TXT", txt(f"google-site-verification={rng.getrandbits(64):016x}"))
        rr(f"google._domainkey.{label}", "TXT", txt("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"))
    elif cat == "self":
        rr(label, "MX", f"10 mail.{label}.{ORIGIN_PLACEHOLDER}")
        rr(label, "TXT", txt("v=spf1 mx -all"))
        rr(f"mail.{label}", "A", f"{rng.choice(MAIL_NETS)}{rng.randrange(1, 255)}")
    elif cat == "gateway":
        rr(label, "MX", "10 eu-smtp-inbound-1.mimecast.com.")
        rr(label, "MX", "20 eu-smtp-inbound-2.mimecast.com.")
        rr(label, "TXT", txt(M365_SPF))
    else:  # nomx: a domain that sends and receives no mail
        rr(label, "TXT", txt("v=spf1 -all"))

    if cat in ("m365", "gateway"):
        for sel in ("selector1", "selector2"):
            rr(f"{sel}._domainkey.{label}", "CNAME",
               f"{sel}-{dashed}._domainkey.contoso.onmicrosoft.com.")

    # Web and DMARC, for every domain.
    rr(label, "A", f"{rng.choice(WEB_NETS)}{rng.randrange(1, 255)}")
    if rng.random() < 0.5:
        rr(f"www.{label}", "CNAME", f"{label}.{ORIGIN_PLACEHOLDER}")
    else:
        rr(f"www.{label}", "A", f"{rng.choice(WEB_NETS)}{rng.randrange(1, 255)}")
    policy = "reject" if cat == "nomx" else rng.choice(DMARC_POLICIES)
    rr(f"_dmarc.{label}", "TXT", txt(f"v=DMARC1; p={policy}; rua=mailto:dmarc@{fqdn}"))
    return lines


# Absolute names inside the zone are written with this and filled in at the end.
ORIGIN_PLACEHOLDER = "@ORIGIN@"


def main(argv):
    args = parse_args(argv)
    rng = random.Random(args.seed)
    n = args.domains
    width = max(5, len(str(n - 1)))
    origin = args.origin
    cats = categories(n, rng)

    out = [
        f"; Generated by benches/dns-zone-gen.py --domains {n} --seed {args.seed}",
        f"$ORIGIN {origin}.",
        "$TTL 300",
        f"@ IN SOA ns1.{origin}. hostmaster.{origin}. 1 3600 600 604800 300",
        f"@ IN NS ns1.{origin}.",
        "ns1 IN A 192.0.2.53",
    ]
    domains = []
    for i, cat in enumerate(cats):
        label = f"d{i:0{width}d}"
        fqdn = f"{label}.{origin}"
        domains.append(fqdn)
        out.append(f"; {fqdn}: {cat}")
        out += domain_records(label, fqdn, cat, rng)

    text = "\n".join(out).replace(ORIGIN_PLACEHOLDER, origin + ".") + "\n"
    with open(args.zone_out, "w", encoding="ascii") as f:
        f.write(text)
    with open(args.domains_out, "w", encoding="ascii") as f:
        f.write("\n".join(domains) + "\n")
    counts = {name: cats.count(name) for name, _ in MIX}
    print(f"dns-zone-gen: {n} domains in {origin}. "
          + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
