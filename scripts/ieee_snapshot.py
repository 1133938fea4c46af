#!/usr/bin/env python3
"""Writes the IEEE registration snapshot in data/ieee/ from Debian's ieee-data package.

Reads the four public listings (MA-L oui.txt, MA-M mam.txt, MA-S oui36.txt, IAB iab.txt), checks
each against its .csv form, and writes, deterministically (same package files, same output):

  data/ieee/assignments.csv    one row per assignment, sorted by prefix
  data/ieee/snapshot.toml      provenance and row counts, read by src/ieee.rs
  data/ieee/README.md          provenance, format, how to refresh, licence

Standard library only. Run through scripts/refresh-ieee.sh, which also regenerates the name
index (data/ieee/name-index.tsv) with tvcheck's own normalisation.

Usage: ieee_snapshot.py [--src DIR] [--out DIR] [--countries FILE]
"""

import argparse
import collections
import csv
import datetime
import hashlib
import io
import os
import re
import subprocess
import sys
import unicodedata

# (file stem, registry, prefix bits)
LISTINGS = [
    ("oui", "MA-L", 24),
    ("mam", "MA-M", 28),
    ("oui36", "MA-S", 36),
    ("iab", "IAB", 36),
]
REGISTRY_ORDER = [r for _, r, _ in LISTINGS]

IEEE_RA = "IEEE Registration Authority"
PRIVATE = "private"  # compared case-insensitively

# "70-B3-D5   (hex)   Organisation" (tabs in most files, padded spaces in iab.txt).
HEX_LINE = re.compile(r"^([0-9A-F]{2})-([0-9A-F]{2})-([0-9A-F]{2})\s+\(hex\)(.*)$")
# "F2F000-F2FFFF   (base 16)   Organisation" or, for MA-L, "002272   (base 16)   Organisation".
BASE16_LINE = re.compile(r"^([0-9A-F]{6})(?:-([0-9A-F]{6}))?\s+\(base 16\)(.*)$")
TOKEN = re.compile(r"[^\W_]+")  # runs of Unicode letters/digits; everything else separates


def fail(msg):
    print(f"ieee_snapshot: {msg}", file=sys.stderr)
    sys.exit(1)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def read_countries(path):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows or rows[0] != ["code", "name"]:
        fail(f"{path}: expected a `code,name` header")
    return {r[0] for r in rows[1:]}


def parse_txt(path, registry, bits, countries, stats):
    """Parses one .txt listing into (registry, prefix, bits, organization, country) tuples."""
    digits = bits // 4
    records = []
    cur = None  # [prefix, org, address lines]
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [l.rstrip("\r\n") for l in fh]
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        m = HEX_LINE.match(line)
        if m:
            if cur:
                records.append(cur)
            i += 1
            n = BASE16_LINE.match(lines[i].strip()) if i < len(lines) else None
            if not n:
                fail(f"{path}:{i + 1}: expected a `(base 16)` line after the `(hex)` line")
            oui = "".join(m.groups()[:3])
            if registry == "MA-L":
                if n.group(1) != oui or n.group(2):
                    fail(f"{path}:{i + 1}: base-16 line does not repeat the OUI {oui}")
                prefix = oui
            else:
                lo, hi = n.group(1), n.group(2) or ""
                sub = digits - 6
                if not hi or lo[sub:] != "0" * (6 - sub) or hi[sub:] != "F" * (6 - sub) or lo[:sub] != hi[:sub]:
                    fail(f"{path}:{i + 1}: range {lo}-{hi} is not a {bits}-bit block")
                prefix = oui + lo[:sub]
            org = m.group(4).strip()
            if not org:
                fail(f"{path}:{i}: no organisation name")
            if n.group(3).strip() != org:
                fail(f"{path}:{i + 1}: organisation differs between the (hex) and (base 16) lines")
            cur = [prefix, org, []]
        elif cur is not None and line:
            cur[2].append(line)
        i += 1
    if cur:
        records.append(cur)

    out = []
    for prefix, org, address in records:
        country = ""
        last = address[-1] if address else ""
        if re.fullmatch(r"[A-Z]{2}", last):
            if last in countries:
                country = last
            else:
                stats["unknown_codes"][last] += 1
        elif address:
            stats["no_country_line"][registry] += 1
        out.append((registry, prefix, bits, org, country))
    return out


def parse_csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows or rows[0][:3] != ["Registry", "Assignment", "Organization Name"]:
        fail(f"{path}: unexpected header {rows[:1]}")
    return [(r[0], r[1].upper(), r[2].strip()) for r in rows[1:]]


def merge_names(recs, csv_rows, stem):
    """Pairs each .txt record with its .csv row (same registry and prefix, and the same name
    once double quotes are dropped) and takes the organisation name from the .csv row."""
    by_key = collections.defaultdict(list)
    for reg, pfx, name in csv_rows:
        by_key[(reg, pfx, name.replace('"', ""))].append(name)
    out = []
    for reg, pfx, bits, org, cc in recs:
        names = by_key.get((reg, pfx, org.replace('"', "")))
        if not names:
            fail(f"{stem}.csv has no row for {reg} {pfx} {org!r} listed in {stem}.txt")
        name = names.pop(0)
        if any(c in name for c in "\r\n\t"):
            fail(f"{stem}.csv: {reg} {pfx}: line break or tab in the organisation name")
        out.append((reg, pfx, bits, name, cc))
    left = [(k, v) for k, v in by_key.items() if v]
    if left:
        fail(f"{stem}.csv has rows missing from {stem}.txt, e.g. {left[:3]}")
    return out


def placeholder(org):
    if org == IEEE_RA:
        return "ieee-ra"
    if org.lower() == PRIVATE:
        return "private"
    return ""


def dpkg_field(field):
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${" + field + "}", "ieee-data"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        fail("ieee-data is not installed (dpkg-query failed); run scripts/refresh-ieee.sh")
    return out


def licence_text(path):
    """The License paragraph of the copyright stanza that covers oui.* (the listing files)."""
    with open(path, encoding="utf-8") as fh:
        stanzas = re.split(r"\n\s*\n", fh.read())
    for st in stanzas:
        m = re.search(r"^Files:(.*?)(?=^\S)", st, re.S | re.M)
        if not m or "oui.*" not in m.group(1).split():
            continue
        lic = re.search(r"^License:[^\n]*\n((?: [^\n]*\n?)*)", st, re.M)
        if lic:
            lines = [l[1:] for l in lic.group(1).rstrip("\n").split("\n")]
            return "\n".join("" if l == "." else l for l in lines)
    fail(f"{path}: no licence stanza for oui.*")


def csv_text(rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for r in rows:
        w.writerow(r)
    return buf.getvalue()


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default="/usr/share/ieee-data")
    ap.add_argument("--out", default=os.path.join(root, "data", "ieee"))
    ap.add_argument("--countries", default=os.path.join(root, "data", "countries", "iso3166.csv"))
    ap.add_argument("--copyright", default="/usr/share/doc/ieee-data/copyright")
    args = ap.parse_args()

    countries = read_countries(args.countries)
    stats = {"unknown_codes": collections.Counter(), "no_country_line": collections.Counter()}
    rows, sources = [], []
    for stem, registry, bits in LISTINGS:
        txt = os.path.join(args.src, stem + ".txt")
        csvp = os.path.join(args.src, stem + ".csv")
        recs = parse_txt(txt, registry, bits, countries, stats)
        # The .csv form lists the same assignments. It keeps double quotes in names (the .txt
        # form drops them), so the name is taken from it; the country from the .txt form.
        recs = merge_names(recs, parse_csv(csvp), stem)
        rows.extend(recs)
        for p in (txt, csvp):
            sources.append((os.path.basename(p), sha256(p)))

    # Private blocks carry no address: their country is always empty.
    rows = [(reg, pfx, bits, org, "" if placeholder(org) == "private" else cc)
            for reg, pfx, bits, org, cc in rows]
    rows.sort(key=lambda r: (r[1], REGISTRY_ORDER.index(r[0]), r[3], r[4]))
    counts = collections.Counter(r[0] for r in rows)
    ph_counts = collections.Counter((r[0], placeholder(r[3])) for r in rows if placeholder(r[3]))
    no_country = collections.Counter(r[0] for r in rows if not r[4] and not placeholder(r[3]))

    os.makedirs(args.out, exist_ok=True)
    assignments = csv_text(
        [["registry", "prefix", "bits", "organization", "country", "placeholder"]]
        + [[reg, pfx, bits, org, cc, placeholder(org)] for reg, pfx, bits, org, cc in rows]
    )
    write(os.path.join(args.out, "assignments.csv"), assignments)


    version = dpkg_field("Version")
    with open(os.path.join(args.src, ".lastupdate"), encoding="ascii") as fh:
        epoch = int(fh.read().strip())
    stamp = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    date = stamp.date().isoformat()

    toml = [
        "# Generated by scripts/ieee_snapshot.py; read by src/ieee.rs. Do not edit.",
        'package = "ieee-data"',
        f'package_version = "{version}"',
        f"listing_date = {date}",
        f"lastupdate = {epoch}",
        "",
        "[rows]",
    ]
    toml += [f'"{reg}" = {counts[reg]}' for reg in REGISTRY_ORDER]
    toml += ["", "[sha256]"] + [f'"{name}" = "{digest}"' for name, digest in sources]
    write(os.path.join(args.out, "snapshot.toml"), "\n".join(toml) + "\n")

    licence = licence_text(args.copyright)
    total = sum(counts.values())
    asg_size = len(assignments.encode("utf-8"))
    unknown = (
        "among them, ending in a code that is no longer assigned: "
        + ", ".join(f"`{c}` {n}" for c, n in sorted(stats["unknown_codes"].items()))
        if stats["unknown_codes"] else "none ends in an unassigned two-letter code"
    )
    readme = f"""# IEEE registration snapshot

Every public assignment of the IEEE Registration Authority (MA-L, MA-M, MA-S and IAB) with the
country of its registered address, for looking MAC addresses up by prefix and for knowing which
organisations hold IEEE registrations. Read by `src/ieee.rs` (compiled in with `include_str!`).

**Generated files: do not edit by hand.** Refresh with `scripts/refresh-ieee.sh` (see below).

## Provenance

- Debian package `ieee-data`, version `{version}` (`dpkg -s ieee-data`; the package's
  `Homepage` is the IEEE Registration Authority).
- Listing date **{date}**: `/usr/share/ieee-data/.lastupdate` = `{epoch}` =
  {stamp.strftime("%Y-%m-%d %H:%M:%S")} UTC, when the package's files were downloaded from IEEE.
- Source files (`/usr/share/ieee-data/`), SHA-256:

| file | SHA-256 |
| --- | --- |
""" + "".join(f"| `{n}` | `{d}` |\n" for n, d in sources) + f"""
Both forms of each listing are read. The `.txt` form gives the address lines apart (the country
is the last one); the `.csv` form gives the organisation name, because the `.txt` form drops
double quotes (`JSC "MASSA-K"` is `JSC MASSA-K` there). Each `.txt` record is paired with the
`.csv` row of the same registry, prefix and name (double quotes ignored); the script stops
when a record or a row is left unpaired.

## Rows

| registry | prefix bits | rows | of which IEEE RA blocks | of which `Private` | no country |
| --- | --- | --- | --- | --- | --- |
""" + "".join(
        f"| {reg} | {bits} | {counts[reg]:,} | {ph_counts[(reg, 'ieee-ra')]:,} | "
        f"{ph_counts[(reg, 'private')]:,} | {no_country[reg]:,} |\n"
        for _, reg, bits in LISTINGS
    ) + f"""| **all** | | **{total:,}** | | | |

"no country" counts real (non-placeholder) assignments whose address does not end in a code of
`data/countries/iso3166.csv`; {unknown}.

## `assignments.csv`

Header `registry,prefix,bits,organization,country,placeholder`, then one row per assignment,
sorted by `prefix` (code-point order, so an MA-L block comes right before the MA-M/MA-S/IAB
blocks carved out of it), then registry, organisation, country. RFC 4180 quoting (a field with
a comma or a double quote is quoted, `"` doubled), `\\n` line ends, UTF-8, no comment lines.
{asg_size:,} bytes.

- `registry`: `MA-L`, `MA-M`, `MA-S` or `IAB`.
- `prefix`: upper-case hex, no separators: 6 (MA-L), 7 (MA-M) or 9 (MA-S, IAB) digits.
- `bits`: 24, 28 or 36.
- `organization`: the name as registered, surrounding whitespace removed.
- `country`: ISO 3166-1 alpha-2 code taken from the last line of the registered address when
  that line is a code listed in `data/countries/iso3166.csv`; empty when the address has no
  such line and for `Private` blocks.
- `placeholder`: empty for a real assignment. `ieee-ra` for a block registered to
  "{IEEE_RA}" (MA-L blocks the RA carves into MA-M, MA-S and IAB blocks, so the holder
  of an address in them is found under the longer prefix); `private` for an assignment whose
  holder asked not to be listed (name `Private`, no address). A lookup skips both and tries the
  next longer prefix; only when none matches does it report the placeholder.

Some MA-L prefixes are listed more than once (historic double assignments, e.g. `080030`):
all rows are kept.

## `name-index.tsv`

`key<TAB>org` per line, sorted by key, then by the organisation's number of assignments
(descending), then `org`. `key` is the organisation name normalised by
`tvcheck::matcher::normalize::normalize`, and also its compact form (the normalised tokens
concatenated, `normalize::tokens(name).concat()`) when that differs. `org` is the index into
`tvcheck::ieee::orgs()`: organisations deduplicated by exact (name, country), numbered in order
of first appearance in `assignments.csv`. The `Private` placeholder is not indexed. It is
generated by `examples/ieee_index.rs` (run by `scripts/refresh-ieee.sh`) so that the program
never normalises the names at start-up; a unit test in `src/ieee.rs` regenerates it in memory
and fails when the committed file differs (after a change to normalisation: run the script).

## Refreshing

```
scripts/refresh-ieee.sh
```

It installs `ieee-data` when `/usr/share/ieee-data` is missing (`apt-get install -y
ieee-data`), runs `scripts/ieee_snapshot.py` (Python 3, standard library only) to write
`assignments.csv`, `snapshot.toml` and this README, then
`cargo run --example ieee_index` to write `name-index.tsv`, and `scripts/company_words.py`
to write the matcher's background word list `data/company-words.csv` from the same files. Same package files, same output
byte for byte. A newer listing comes with a newer `ieee-data` package (Debian updates it from
IEEE); commit the regenerated files together.

## Licence

From the Debian package's `/usr/share/doc/ieee-data/copyright`, the stanza for the listing files
(`Files: iab.* mam.* oui36.* oui.*`, `Copyright: 2014, IEEE`, `License: other`):

""" + "".join(f"> {l}\n" if l else ">\n" for l in licence.split("\n")) + """
The package's own packaging (GPL-2+) and helper files (WTFPL-2) are not used here; the files in
this folder are derived from the IEEE listing only.
"""
    write(os.path.join(args.out, "README.md"), readme)

    print(
        "ieee_snapshot: " + ", ".join(f"{reg} {counts[reg]}" for reg in REGISTRY_ORDER)
        + f"; total {total}; "
        + f"unknown country codes {dict(stats['unknown_codes'])}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
