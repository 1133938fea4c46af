#!/usr/bin/env python3
"""Build data/company-words.csv: how common each word of company names is, over every
organisation name of the IEEE Registration Authority's public listings (MA-L, MA-M, MA-S, IAB)
as shipped by Debian's `ieee-data` package (/usr/share/ieee-data).

Columns: word, count (in how many distinct organisation names the word occurs), spread (how
many distinct first words the names that contain it *not as their first word* have: how many
different companies use it). "technology" is used by 1,700 differently named companies; "nokia"
occurs in ten Nokia names but always first, so its spread is 0: a company's own many
registrations do not make its name common.
Usage: python3 scripts/company_words.py data/company-words.csv
"""
import collections
import csv
import re
import sys
import unicodedata

SRC = "/usr/share/ieee-data"
FILES = ["oui.txt", "mam.txt", "oui36.txt", "iab.txt"]
OUT = sys.argv[1] if len(sys.argv) > 1 else "company-words.csv"
HEX_LINE = re.compile(r"^[0-9A-F]{2}-[0-9A-F]{2}-[0-9A-F]{2}\s+\(hex\)\s+(.*?)\s*$")
TOKEN = re.compile(r"[^\W_]+")

names = set()
for f in FILES:
    with open(f"{SRC}/{f}", encoding="utf-8", errors="replace", newline="") as fh:
        for line in fh:
            m = HEX_LINE.match(line.rstrip("\r\n"))
            if m and m.group(1):
                names.add(m.group(1))
count = collections.Counter()
firsts = collections.defaultdict(set)
for name in names:
    words = TOKEN.findall(unicodedata.normalize("NFKC", name).lower())
    if not words:
        continue
    for w in set(words):
        count[w] += 1
        if words[0] != w:
            firsts[w].add(words[0])
rows = sorted(((w, c, len(firsts[w])) for w, c in count.items()), key=lambda r: (-r[1], r[0]))
with open(OUT, "w", encoding="utf-8", newline="") as fh:
    out = csv.writer(fh, lineterminator="\n")
    out.writerow(["word", "count", "spread"])
    out.writerows(rows)
print(f"{len(names)} organisation names, {len(rows)} words", file=sys.stderr)
