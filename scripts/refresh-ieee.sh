#!/usr/bin/env bash
# Refreshes the IEEE registration snapshot in data/ieee/ from Debian's ieee-data package:
# assignments.csv, snapshot.toml and README.md (scripts/ieee_snapshot.py), then name-index.tsv
# with tvcheck's own normalisation (examples/ieee_index.rs), then the matcher's background word
# list data/company-words.csv (scripts/company_words.py).
# Deterministic: the same package files give the same output, byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d /usr/share/ieee-data ]; then
  echo "refresh-ieee: /usr/share/ieee-data is missing; installing ieee-data" >&2
  apt-get install -y ieee-data || { apt-get update && apt-get install -y ieee-data; }
fi

python3 scripts/ieee_snapshot.py "$@"

# src/matcher/ieee.rs embeds name-index.tsv; it must exist for the generator to compile.
[ -f data/ieee/name-index.tsv ] || : > data/ieee/name-index.tsv
cargo run --quiet --example ieee_index -- data/ieee/name-index.tsv
python3 scripts/company_words.py data/company-words.csv

echo "refresh-ieee: done; review 'git diff --stat data/ieee' and commit data/ieee/ as a whole" >&2
