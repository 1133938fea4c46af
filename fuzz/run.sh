#!/usr/bin/env bash
# Runs one fuzz target for a set time with the settings used for the recorded runs:
#   fuzz/run.sh TARGET [SECONDS]       (default 600)
# The grown corpus goes to fuzz/runs/TARGET/corpus (not in git; the seeds in
# fuzz/corpus/TARGET are read, never written), crash reproducers to
# fuzz/runs/TARGET/artifacts/, the log to fuzz/runs/TARGET/run.log. libFuzzer's fork mode
# keeps going after a crash, so one run collects every crash it can find.
# Build first: RUSTC_BOOTSTRAP=1 cargo fuzz build -a (from fuzz/).
set -euo pipefail
cd "$(dirname "$0")"
t=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
secs=${2:-600}
bin=target/x86_64-unknown-linux-gnu/release/$t
[ -x "$bin" ] || { echo "no $bin: build with RUSTC_BOOTSTRAP=1 cargo fuzz build -a" >&2; exit 2; }
mkdir -p "runs/$t/corpus" "runs/$t/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0}
exec nice -n 10 "$bin" "runs/$t/corpus" "corpus/$t" \
  -artifact_prefix="runs/$t/artifacts/" \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
  -timeout=10 -rss_limit_mb=2048 \
  -max_total_time="$secs" -print_final_stats=1 \
  > "runs/$t/run.log" 2>&1
