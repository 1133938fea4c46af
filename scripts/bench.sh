#!/usr/bin/env bash
# Benchmarks of issue 18 (national scale; issue 7 before it): tvcheck against a "parse floor",
# the sqlite3 CLI and DuckDB on two generated inventories, with paired, interleaved runs and
# medians, a peak-memory pass over every report format, and a final block that checks issue
# 18's targets (PASS/FAIL with the figures). See BENCHMARKS.md.
#
#   scripts/bench.sh [ROWS]          # default 1000000; e.g. 10000 for a quick look
#
# Inventories (examples/gen_inventory.rs, same rows and seed):
#   default    the generator's default output (about 99,000 distinct models in 1M rows)
#   distinct   the same with --distinct-models (about 566,000 distinct models in 1M rows)
# Contenders, run once each per round on each inventory, in this order (paired: every round
# runs them all, inventory after inventory):
#   floor                 examples/parse_floor.rs: csv ByteRecord reuse + one HashMap lookup a row
#   tvcheck               tvcheck check INV --format json --output FILE   (embedded registry)
#   tvcheck-lt-5g         the same with --policy lt-5g
#   tvcheck-shipped-db    the same as tvcheck with --db (the shipped registry imported into SQLite)
#   tvcheck-big-registry  the same with --db (shipped registry + a generated one, 5,000 entries
#                         and 20,000 aliases by default)
#   write-json            writing as many bytes as tvcheck's JSON report (head -c N /dev/zero),
#   write-json-lt-5g      and as the lt-5g one: the cost of the output alone, a lower bound for
#                         any tool that writes that report
#   sqlite3               sqlite3 :memory: .import of the CSV + join on lower(trim(vendor)) with
#                         the floor's listed names (skipped when sqlite3 is not installed)
#   duckdb                DuckDB's read_csv of the CSV + the same exact join on
#                         lower(trim(vendor)), through the duckdb Python package (skipped when
#                         `$BENCH_PYTHON -c 'import duckdb'` fails: the bench installs nothing)
# then a memory pass (one run per report format that tvcheck supports, with --policy
# BENCH_RSS_POLICY, on each inventory; formats it does not write yet are skipped with a
# note), the startup time (check of a 10-row file), for ROWS > 1000000 when the 1M results
# of the same seed exist the scaling factor, and last the targets of issue 18 with PASS,
# FAIL or skipped.
#
# Environment:
#   BENCH_ROUNDS=5         rounds of the timed contenders
#   BENCH_SEED=42          generator seed (data is cached per rows, seed and inventory)
#   BENCH_PROFILE=release  cargo profile of the binaries (debug: quick, for the smoke test)
#   BENCH_QUICK=0          1: 5 startup runs instead of 20, a 500-entry/2,000-alias big
#                          registry, no scaling report
#   BENCH_DIR=target/bench where data, databases and results go
#   BENCH_AS_OF=2026-06-01 the --as-of date of every check (results do not depend on today)
#   BENCH_REG_ENTRIES, BENCH_REG_ALIASES   size of the generated registry
#   BENCH_INVENTORIES="default distinct"   the inventories to run on (at least one)
#   BENCH_SQLITE=1         0: leave out sqlite3 (it is left out anyway when not installed)
#   BENCH_DUCKDB=1         0: leave out DuckDB (it is left out anyway when not importable)
#   BENCH_PYTHON=python3   the Python that runs DuckDB (e.g. a virtualenv's bin/python)
#   BENCH_CONTENDERS="..."  run only these contenders (floor always runs: it is the reference)
#   BENCH_FORMATS="json jsonl sarif csv markdown html table junit"   formats of the memory
#                          pass ("" to skip it); each is tried on the 10-row file first
#   BENCH_RSS_POLICY=lt-5g the --policy of the memory pass ("" for none)
#   BENCH_RSS_CAP_MIB=4096 address-space cap (ulimit -v) of each memory-pass run, so that a
#                          format that holds everything cannot exhaust the machine (0: none);
#                          a run stopped by it is reported as over the cap
#   BENCH_RSS_TIMEOUT=900  seconds before a memory-pass run is stopped (0: none)
#   TVCHECK_BIN=PATH       use this tvcheck binary instead of building one
#   CARGO=cargo            the cargo to build with
#
# Targets (issue 18, stated for 1,000,000 rows; checked at any ROWS, on every inventory run):
#   tvcheck json -o FILE <= 1.5 x the floor, with --policy lt-5g <= 2.5 x (paired medians);
#   sqlite3 / tvcheck >= 6; duckdb / tvcheck > 1; peak RSS <= 64 MiB for the timed runs and
#   every format of the memory pass; 10-row check <= 20 ms; time at ROWS > 1M within 10 % of
#   ROWS / 1M times the 1M time (10M = 10x).
#
# Peak memory is GNU time's "Maximum resident set size" (/usr/bin/time -v), and cpu_s its user +
# system time (less disturbed than wall time when the machine is shared); without GNU time
# (Debian: apt-get install -y time) neither is measured, nor is the memory pass run. All data
# stays under BENCH_DIR.
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
}

ROWS=${1:-1000000}
ROWS=${ROWS//_/}
case "$ROWS" in
    -h | --help) usage; exit 0 ;;
    '' | *[!0-9]*) echo "error: ROWS must be a whole number, not '$ROWS'" >&2; usage; exit 2 ;;
esac
if [ "$ROWS" -lt 1 ]; then
    echo "error: ROWS must be at least 1" >&2
    exit 2
fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

SEED=${BENCH_SEED:-42}
ROUNDS=${BENCH_ROUNDS:-5}
QUICK=${BENCH_QUICK:-0}
PROFILE=${BENCH_PROFILE:-release}
AS_OF=${BENCH_AS_OF:-2026-06-01}
CARGO=${CARGO:-cargo}
PYTHON=${BENCH_PYTHON:-python3}
INVENTORIES=${BENCH_INVENTORIES-default distinct}
FORMATS=${BENCH_FORMATS-json jsonl sarif csv markdown html table junit}
RSS_POLICY=${BENCH_RSS_POLICY-lt-5g}
RSS_CAP_MIB=${BENCH_RSS_CAP_MIB:-4096}
RSS_TIMEOUT=${BENCH_RSS_TIMEOUT:-900}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BENCH_DIR=${BENCH_DIR:-$TARGET_DIR/bench}
if [ "$QUICK" = 1 ]; then
    STARTUP_RUNS=5
    REG_ENTRIES=${BENCH_REG_ENTRIES:-500}
    REG_ALIASES=${BENCH_REG_ALIASES:-2000}
else
    STARTUP_RUNS=20
    REG_ENTRIES=${BENCH_REG_ENTRIES:-5000}
    REG_ALIASES=${BENCH_REG_ALIASES:-20000}
fi
case "$ROUNDS" in '' | *[!0-9]* | 0) echo "error: BENCH_ROUNDS must be >= 1" >&2; exit 2 ;; esac
case "$SEED" in '' | *[!0-9]*) echo "error: BENCH_SEED must be a whole number" >&2; exit 2 ;; esac
case "$RSS_CAP_MIB" in '' | *[!0-9]*) echo "error: BENCH_RSS_CAP_MIB must be a whole number" >&2; exit 2 ;; esac
case "$RSS_TIMEOUT" in '' | *[!0-9]*) echo "error: BENCH_RSS_TIMEOUT must be a whole number" >&2; exit 2 ;; esac
for inv in $INVENTORIES; do
    case "$inv" in
        default | distinct) ;;
        *) echo "error: BENCH_INVENTORIES: unknown inventory '$inv' (known: default distinct)" >&2; exit 2 ;;
    esac
done
if [ -z "${INVENTORIES// /}" ]; then
    echo "error: BENCH_INVENTORIES names no inventory (known: default distinct)" >&2
    exit 2
fi

# The targets of issue 18.
T_FLOOR=1.5        # tvcheck json -o FILE / floor
T_FLOOR_LT5G=2.5   # the same with --policy lt-5g
T_SQLITE=6         # sqlite3 / tvcheck, at least
T_DUCKDB=1         # duckdb / tvcheck, more than
T_RSS_MIB=64       # peak RSS of every format
T_STARTUP_MS=20    # check of a 10-row file
T_SCALING=1.1      # time at ROWS / time at 1M, at most this times ROWS / 1M

# The checks must use the embedded registry unless --db is given.
unset TVCHECK_DB

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)

note() { printf '%s\n' "$*" >&2; }

# --- build -----------------------------------------------------------------------------------
case "$PROFILE" in
    debug | dev) profile_args=(); profile_dir=debug ;;
    *) profile_args=(--profile "$PROFILE"); profile_dir=$PROFILE ;;
esac
build_args=(--example gen_inventory --example gen_registry --example parse_floor)
if [ -z "${TVCHECK_BIN:-}" ]; then
    build_args+=(--bin tvcheck)
fi
note "== building ($PROFILE): $CARGO build ${profile_args[*]} ${build_args[*]}"
"$CARGO" build --quiet "${profile_args[@]}" "${build_args[@]}"
EX="$TARGET_DIR/$profile_dir/examples"
GEN="$EX/gen_inventory"
GENREG="$EX/gen_registry"
FLOOR="$EX/parse_floor"
TV=${TVCHECK_BIN:-$TARGET_DIR/$profile_dir/tvcheck}
for b in "$GEN" "$GENREG" "$FLOOR" "$TV"; do
    [ -x "$b" ] || { echo "error: $b was not built" >&2; exit 1; }
done

# --- tools -----------------------------------------------------------------------------------
HAVE_TIME=0
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
    HAVE_TIME=1
else
    note "note: GNU time not found: peak memory is not measured (Debian: apt-get install -y time)"
fi
HAVE_SQLITE=0
SQLITE_WHY="left out (BENCH_SQLITE=0)"
if [ "${BENCH_SQLITE:-1}" != 0 ]; then
    if command -v sqlite3 >/dev/null 2>&1; then
        HAVE_SQLITE=1
    else
        SQLITE_WHY="sqlite3 is not installed"
        note "note: sqlite3 not found: the sqlite3 baseline is skipped (Debian: apt-get install -y sqlite3)"
    fi
fi
HAVE_DUCKDB=0
DUCKDB_VERSION=
DUCKDB_WHY="left out (BENCH_DUCKDB=0)"
if [ "${BENCH_DUCKDB:-1}" != 0 ]; then
    if DUCKDB_VERSION=$("$PYTHON" -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null); then
        HAVE_DUCKDB=1
    else
        DUCKDB_WHY="the duckdb Python package is not importable by $PYTHON"
        note "note: $DUCKDB_WHY: the DuckDB contender is skipped (the bench installs nothing;" \
            "e.g. python3 -m venv V && V/bin/pip install duckdb, then BENCH_PYTHON=V/bin/python)"
    fi
fi

# Microseconds since the epoch (bash 5's EPOCHREALTIME, else GNU date).
now_us() {
    if [ -n "${EPOCHREALTIME:-}" ]; then
        local t=${EPOCHREALTIME/[.,]/}
        printf '%s' "$t"
    else
        date +%s%6N
    fi
}

# --- data ------------------------------------------------------------------------------------
# Regenerated when missing or older than the generator's source.
stale() {
    [ ! -s "$1" ] || [ examples/bench_common/mod.rs -nt "$1" ] || [ "$2" -nt "$1" ]
}

# inv_file KEY: the inventory file of KEY (the default one keeps its name of issue 7).
inv_file() {
    case "$1" in
        default) printf '%s' "$BENCH_DIR/inventory-$ROWS-s$SEED.csv" ;;
        distinct) printf '%s' "$BENCH_DIR/inventory-$ROWS-s$SEED-distinct-models.csv" ;;
    esac
}
gen_flags() { case "$1" in distinct) printf '%s' --distinct-models ;; esac; }

for inv in $INVENTORIES; do
    f=$(inv_file "$inv")
    if stale "$f" examples/gen_inventory.rs; then
        note "== generating $ROWS rows (seed $SEED, inventory $inv) -> $f"
        # shellcheck disable=SC2046 # no flag, or one
        "$GEN" --rows "$ROWS" --seed "$SEED" $(gen_flags "$inv") --out "$f.tmp"
        mv "$f.tmp" "$f"
    fi
done
SMALL="$BENCH_DIR/inventory-10-s$SEED.csv"
if stale "$SMALL" examples/gen_inventory.rs; then
    "$GEN" --rows 10 --seed "$SEED" --out "$SMALL.tmp"
    mv "$SMALL.tmp" "$SMALL"
fi
REG="$BENCH_DIR/registry-$REG_ENTRIES-$REG_ALIASES-s$SEED.toml"
if stale "$REG" examples/gen_registry.rs; then
    note "== generating a registry of $REG_ENTRIES entries and $REG_ALIASES aliases -> $REG"
    "$GENREG" --entries "$REG_ENTRIES" --aliases "$REG_ALIASES" --seed "$SEED" --out "$REG.tmp"
    mv "$REG.tmp" "$REG"
fi
# The databases are rebuilt on every run: the schema may change with the code.
SHIPPED_DB="$BENCH_DIR/shipped.db"
BIG_DB="$BENCH_DIR/big-registry.db"
rm -f "$SHIPPED_DB" "$SHIPPED_DB"-* "$BIG_DB" "$BIG_DB"-*
note "== importing the registries into $SHIPPED_DB and $BIG_DB"
"$TV" registry import data/registry/*.toml --db "$SHIPPED_DB" --actor bench >/dev/null
t0=$(now_us)
"$TV" registry import data/registry/*.toml "$REG" --db "$BIG_DB" --actor bench >/dev/null
t1=$(now_us)
IMPORT_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')

# The names sqlite3 and DuckDB join against: the floor's (lowercased, trimmed) listed names.
LISTED="$BENCH_DIR/listed-names.csv"
"$FLOOR" --print-names >"$LISTED"
if [ "$HAVE_SQLITE" = 1 ]; then
    for inv in $INVENTORIES; do
        cat >"$BENCH_DIR/sqlite-join-$inv.sql" <<SQL
.bail on
.import --csv '$(inv_file "$inv")' inv
.import --csv '$LISTED' listed
CREATE UNIQUE INDEX listed_name ON listed(name);
SELECT 'rows=' || (SELECT count(*) FROM inv) || ' hits=' ||
       (SELECT count(*) FROM inv JOIN listed ON lower(trim(inv.vendor)) = listed.name);
SQL
    done
fi
DUCK="$BENCH_DIR/duckdb-join.py"
if [ "$HAVE_DUCKDB" = 1 ]; then
    # One scan of the file: every row counted, the listed ones through the join.
    cat >"$DUCK" <<'PY'
import sys

import duckdb


def lit(s):
    return "'" + s.replace("'", "''") + "'"


inv, listed = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute(
    "CREATE TABLE listed AS SELECT name FROM read_csv(" + lit(listed) + ", header = true, "
    "delim = ',', quote = '\"', escape = '\"', columns = {'name': 'VARCHAR'})"
)
rows, hits = con.execute(
    "SELECT count(*), count(listed.name) FROM read_csv(" + lit(inv) + ", header = true, "
    "delim = ',', quote = '\"', escape = '\"', all_varchar = true) AS inv "
    "LEFT JOIN listed ON lower(trim(inv.vendor)) = listed.name"
).fetchone()
print(f"rows={rows} hits={hits}")
PY
fi

# --- runs ------------------------------------------------------------------------------------
ALL="floor tvcheck tvcheck-lt-5g tvcheck-shipped-db tvcheck-big-registry write-json write-json-lt-5g"
if [ "$HAVE_SQLITE" = 1 ]; then ALL="$ALL sqlite3"; fi
if [ "$HAVE_DUCKDB" = 1 ]; then ALL="$ALL duckdb"; fi
CONTENDERS=floor
for c in ${BENCH_CONTENDERS:-$ALL}; do
    case " $ALL " in
        *" $c "*) [ "$c" = floor ] || CONTENDERS="$CONTENDERS $c" ;;
        *) note "note: contender '$c' is unknown or unavailable (known: $ALL)" ;;
    esac
done
want() { case " $CONTENDERS " in *" $1 "*) return 0 ;; esac; return 1; }
RUNS="$BENCH_DIR/runs-$ROWS-s$SEED.txt"
: >"$RUNS"
OUT="$BENCH_DIR/out"
mkdir -p "$OUT"

# The summary counts of a tvcheck JSON report, as "items=N violations=N ...".
summary_of() {
    awk '/^  "summary": \{/ { f = 1; next }
         f && /^  \}/ { exit }
         f { gsub(/[",]/, ""); gsub(/^ +/, ""); sub(/: /, "="); printf "%s ", $0 }' "$1"
}

# run NAME ROUND OK_CODES CMD...: runs CMD once, timed (and under GNU time when present), and
# appends "NAME ROUND SECONDS RSS_KIB CPU_SECONDS" to $RUNS. Its standard output goes to
# $OUT/NAME.stdout. NAME is CONTENDER@INVENTORY.
run() {
    local name=$1 round=$2 ok=$3
    shift 3
    local so="$OUT/$name.stdout" se="$OUT/$name.stderr" tf="$OUT/$name.time"
    local rc=0 t0 t1 secs rss=- cpu=-
    # Flush what earlier runs wrote (hundreds of MB of reports), so that one contender does
    # not pay for another's disk writes.
    sync
    t0=$(now_us)
    if [ "$HAVE_TIME" = 1 ]; then
        /usr/bin/time -v -o "$tf" "$@" >"$so" 2>"$se" || rc=$?
    else
        "$@" >"$so" 2>"$se" || rc=$?
    fi
    t1=$(now_us)
    case " $ok " in
        *" $rc "*) ;;
        *)
            echo "error: $name exited with status $rc: $*" >&2
            tail -n 5 "$se" >&2
            exit 1
            ;;
    esac
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e6 }')
    if [ "$HAVE_TIME" = 1 ]; then
        rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tf")
        cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { c += $2 }
            END { printf "%.3f", c }' "$tf")
    fi
    echo "$name $round $secs ${rss:--} ${cpu:--}" >>"$RUNS"
}

# tv_check CONTENDER INVENTORY ROUND ARGS...
tv_check() {
    local name=$1@$2 file round=$3
    file=$(inv_file "$2")
    shift 3
    local json="$OUT/$name.json"
    # Exit 1 means "violations found": expected here.
    run "$name" "$round" "0 1" "$TV" check "$file" --as-of "$AS_OF" --format json --output "$json" "$@"
    summary_of "$json" >"$OUT/$name.summary"
    wc -c <"$json" >"$OUT/$name.bytes"
    rm -f "$json"
}

mb_of() { awk -v b="$(wc -c <"$1")" 'BEGIN { printf "%.1f", b / 1e6 }'; }
load_now() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }
LOAD_BEFORE=$(load_now)
note "== $ROUNDS round(s) on $ROWS rows, inventories: $INVENTORIES; load average $LOAD_BEFORE"
for inv in $INVENTORIES; do
    cat "$(inv_file "$inv")" >/dev/null # into the page cache before the first timed run
done
for round in $(seq 1 "$ROUNDS"); do
    for inv in $INVENTORIES; do
        note "   round $round/$ROUNDS, inventory $inv"
        f=$(inv_file "$inv")
        run "floor@$inv" "$round" 0 "$FLOOR" "$f"
        if want tvcheck; then tv_check tvcheck "$inv" "$round"; fi
        if want tvcheck-lt-5g; then tv_check tvcheck-lt-5g "$inv" "$round" --policy lt-5g; fi
        if want tvcheck-shipped-db; then
            tv_check tvcheck-shipped-db "$inv" "$round" --db "$SHIPPED_DB"
        fi
        if want tvcheck-big-registry; then
            tv_check tvcheck-big-registry "$inv" "$round" --db "$BIG_DB"
        fi
        for w in tvcheck tvcheck-lt-5g; do
            if want "write-json${w#tvcheck}" && [ -s "$OUT/$w@$inv.bytes" ]; then
                run "write-json${w#tvcheck}@$inv" "$round" 0 head -c "$(cat "$OUT/$w@$inv.bytes")" /dev/zero
            fi
        done
        if want sqlite3; then
            run "sqlite3@$inv" "$round" 0 sqlite3 :memory: ".read $BENCH_DIR/sqlite-join-$inv.sql"
        fi
        if want duckdb; then run "duckdb@$inv" "$round" 0 "$PYTHON" "$DUCK" "$f" "$LISTED"; fi
    done
done
LOAD_AFTER=$(load_now)

# --- memory pass: one run per report format --------------------------------------------------
# "FORMAT INVENTORY PEAK_KIB SECONDS STATUS BYTES" per run; STATUS is ok, cap (stopped by the
# address-space cap), timeout, or error.
RSS_RUNS="$BENCH_DIR/rss-$ROWS-s$SEED.txt"
: >"$RSS_RUNS"
RSS_FORMATS=
RSS_SKIPPED=
rss_args=()
if [ -n "$RSS_POLICY" ]; then rss_args=(--policy "$RSS_POLICY"); fi
if [ -n "${FORMATS// /}" ] && [ "$HAVE_TIME" = 0 ]; then
    note "note: the memory pass needs GNU time: skipped"
elif [ -n "${FORMATS// /}" ]; then
    # Which formats this tvcheck writes: tried on the 10-row file (its --help also names input
    # formats, so it cannot tell).
    for fmt in $FORMATS; do
        rc=0
        "$TV" check "$SMALL" --as-of "$AS_OF" --format "$fmt" --output "$OUT/probe.out" \
            >/dev/null 2>"$OUT/probe.stderr" || rc=$?
        rm -f "$OUT/probe.out"
        if [ "$rc" -le 1 ]; then
            RSS_FORMATS="$RSS_FORMATS $fmt"
        else
            RSS_SKIPPED="$RSS_SKIPPED $fmt"
            note "note: tvcheck does not write --format $fmt (yet): skipped in the memory pass" \
                "($(head -n 1 "$OUT/probe.stderr"))"
        fi
    done
    for inv in $INVENTORIES; do
        f=$(inv_file "$inv")
        for fmt in $RSS_FORMATS; do
            note "   memory pass: --format $fmt ${rss_args[*]}, inventory $inv"
            tf="$OUT/rss.time" se="$OUT/rss.stderr" rep="$OUT/rss.$fmt"
            rm -f "$tf"
            rc=0
            sync
            t0=$(now_us)
            (
                if [ "$RSS_CAP_MIB" -gt 0 ]; then ulimit -v $((RSS_CAP_MIB * 1024)); fi
                to=()
                if [ "$RSS_TIMEOUT" -gt 0 ]; then to=(timeout "$RSS_TIMEOUT"); fi
                exec /usr/bin/time -v -o "$tf" "${to[@]}" "$TV" check "$f" --as-of "$AS_OF" \
                    "${rss_args[@]}" --format "$fmt" --output "$rep" -q
            ) >/dev/null 2>"$se" || rc=$?
            t1=$(now_us)
            secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e6 }')
            rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tf" 2>/dev/null)
            bytes=-
            if [ -f "$rep" ]; then bytes=$(wc -c <"$rep"); fi
            status=ok
            if [ "$rc" -gt 1 ]; then
                if [ "$RSS_TIMEOUT" -gt 0 ] && [ "$rc" = 124 ]; then
                    status=timeout
                elif [ "$RSS_CAP_MIB" -gt 0 ] && grep -qi 'memory allocation\|out of memory\|cannot allocate' "$se"; then
                    status=cap
                else
                    status=error
                    note "note: --format $fmt on inventory $inv exited with status $rc:" \
                        "$(tail -n 2 "$se" | tr '\n' ' ')"
                fi
            fi
            echo "$fmt $inv ${rss:--} $secs $status ${bytes:--}" >>"$RSS_RUNS"
            rm -f "$rep" "$OUT"/.tvcheck-*.tmp
        done
    done
fi

# Startup: a 10-row file, timed without GNU time, once the reports above are on disk.
STARTUP_FILE="$BENCH_DIR/startup-ms.txt"
: >"$STARTUP_FILE"
sync
for _ in $(seq 1 "$STARTUP_RUNS"); do
    t0=$(now_us)
    rc=0
    "$TV" check "$SMALL" --as-of "$AS_OF" --format json --output "$OUT/startup.json" \
        >/dev/null 2>"$OUT/startup.stderr" || rc=$?
    t1=$(now_us)
    if [ "$rc" -gt 1 ]; then
        echo "error: startup run exited with status $rc" >&2
        cat "$OUT/startup.stderr" >&2
        exit 1
    fi
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", (b - a) / 1e3 }' >>"$STARTUP_FILE"
done

# --- results ---------------------------------------------------------------------------------
median() {
    sort -g | awk '{ v[NR] = $1 }
        END {
            if (NR == 0) { print "nan"; exit }
            if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2
        }'
}
secs_of() { awk -v n="$1" '$1 == n { print $3 }' "$RUNS"; }
med_of() { secs_of "$1" | median; }
# Median over rounds of (A's time / B's time) in the same round.
paired() {
    awk -v a="$1" -v b="$2" '$1 == a { x[$2] = $3 } $1 == b { y[$2] = $3 }
        END { for (r in x) if ((r in y) && y[r] > 0) print x[r] / y[r] }' "$RUNS" | median
}
cpu_of() {
    awk -v n="$1" '$1 == n && NF >= 5 && $5 != "-" { print $5 }' "$RUNS" | median
}
# Median over rounds of A's cpu time / B's cpu time in the same round.
paired_cpu() {
    awk -v a="$1" -v b="$2" '$1 == a && NF >= 5 { x[$2] = $5 } $1 == b && NF >= 5 { y[$2] = $5 }
        END { for (r in x) if ((r in y) && x[r] != "-" && y[r] > 0) print x[r] / y[r] }' "$RUNS" |
        median
}
peak_of() {
    awk -v n="$1" '$1 == n && $4 != "-" { if ($4 > m) m = $4; seen = 1 }
        END { if (seen) printf "%.1f", m / 1024; else print "-" }' "$RUNS"
}
fmt() { awk -v x="$1" -v f="$2" 'BEGIN { if (x == "nan" || x == "") print "-"; else printf f, x }'; }

RESULTS="$BENCH_DIR/results-$ROWS-s$SEED.txt"
: >"$RESULTS"

echo
echo "tvcheck benchmark: $ROWS rows (seed $SEED), $ROUNDS round(s), profile $PROFILE, as of $AS_OF"
echo "machine: $(nproc) cores ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo '?')), load average $LOAD_BEFORE before, $LOAD_AFTER after"
echo "big registry: shipped + $REG_ENTRIES generated entries with $REG_ALIASES aliases (import ${IMPORT_S} s)"
if [ "$HAVE_DUCKDB" = 1 ]; then echo "duckdb: $DUCKDB_VERSION (Python package, $PYTHON)"; fi
for inv in $INVENTORIES; do
    FLOOR_MED=$(med_of "floor@$inv")
    echo
    echo "inventory $inv: $(inv_file "$inv") ($(mb_of "$(inv_file "$inv")") MB)"
    printf '%-22s %10s %10s %9s %9s %9s %10s\n' contender median_s min_s ratio paired cpu_s peak_MiB
    for c in $CONTENDERS; do
        n=$c@$inv
        [ -n "$(secs_of "$n")" ] || continue
        med=$(med_of "$n")
        min=$(secs_of "$n" | sort -g | head -n 1)
        ratio=$(awk -v a="$med" -v b="$FLOOR_MED" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
        pr=$(fmt "$(paired "$n" "floor@$inv")" '%.2f')
        peak=$(peak_of "$n")
        cpu=$(fmt "$(cpu_of "$n")" '%.2f')
        printf '%-22s %10s %10s %9s %9s %9s %10s\n' "$c" "$(fmt "$med" '%.3f')" "$(fmt "$min" '%.3f')" \
            "$ratio" "$pr" "$cpu" "$peak"
        echo "$n $med $peak" >>"$RESULTS"
    done
done
echo
echo "(ratio: median / median of floor on the same inventory; paired: median over rounds of time /"
echo " floor's time in the same round; cpu_s: median user + system seconds, 10 ms resolution;"
echo " peak_MiB: largest maximum RSS of the rounds)"
echo
STARTUP_MS=$(median <"$STARTUP_FILE")
printf 'startup (10-row file, %s runs): median %s ms\n' "$STARTUP_RUNS" "$(fmt "$STARTUP_MS" '%.1f')"

for inv in $INVENTORIES; do
    echo
    echo "what each contender found (last round), inventory $inv:"
    printf '  %-20s %s\n' floor "$(cat "$OUT/floor@$inv.stdout")"
    for c in tvcheck tvcheck-lt-5g tvcheck-shipped-db tvcheck-big-registry; do
        if want "$c"; then printf '  %-20s %s\n' "$c" "$(cat "$OUT/$c@$inv.summary")"; fi
    done
    for c in sqlite3 duckdb; do
        if want "$c"; then printf '  %-20s %s\n' "$c" "$(cat "$OUT/$c@$inv.stdout")"; fi
    done
    for w in tvcheck tvcheck-lt-5g; do
        if want "write-json${w#tvcheck}" && [ -s "$OUT/$w@$inv.bytes" ]; then
            printf '  %-20s bytes=%s (the size of the %s report)\n' "write-json${w#tvcheck}" \
                "$(cat "$OUT/$w@$inv.bytes")" "$w"
        fi
    done
done

if [ -s "$RSS_RUNS" ]; then
    echo
    echo "memory pass (one run each: tvcheck check INV --format F --output FILE ${rss_args[*]}):"
    printf '  %-10s %-9s %10s %9s %12s  %s\n' format inventory peak_MiB secs report_MB status
    while read -r f inv rss secs status bytes; do
        printf '  %-10s %-9s %10s %9s %12s  %s\n' "$f" "$inv" \
            "$(awk -v k="$rss" 'BEGIN { if (k == "-") print "-"; else printf "%.1f", k / 1024 }')" \
            "$secs" "$(awk -v b="$bytes" 'BEGIN { if (b == "-") print "-"; else printf "%.1f", b / 1e6 }')" \
            "$status"
    done <"$RSS_RUNS"
    if [ "$RSS_CAP_MIB" -gt 0 ]; then
        echo "  (each run under ulimit -v $RSS_CAP_MIB MiB and a ${RSS_TIMEOUT} s timeout; cap: stopped by the cap)"
    fi
fi

# --- scaling ---------------------------------------------------------------------------------
BASE="$BENCH_DIR/results-1000000-s$SEED.txt"
SCALING=
if [ "$QUICK" != 1 ] && [ "$ROWS" -gt 1000000 ] && [ -s "$BASE" ]; then
    echo
    IDEAL=$(awk -v r="$ROWS" 'BEGIN { printf "%.1f", r / 1000000 }')
    echo "scaling $ROWS rows / 1,000,000 rows (linear: $IDEAL; target: within 10 % of linear; from $BASE):"
    for inv in $INVENTORIES; do
        for c in $CONTENDERS; do
            n=$c@$inv
            big=$(awk -v n="$n" '$1 == n { print $2 }' "$RESULTS")
            small=$(awk -v n="$n" '$1 == n { print $2 }' "$BASE")
            [ -n "$small" ] && [ -n "$big" ] || continue
            f=$(awk -v a="$big" -v b="$small" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
            pb=$(awk -v n="$n" '$1 == n { print $3 }' "$RESULTS")
            ps=$(awk -v n="$n" '$1 == n { print $3 }' "$BASE")
            printf '  %-32s time x%-7s peak %s -> %s MiB\n' "$n" "$f" "$ps" "$pb"
            case "$c" in tvcheck | tvcheck-lt-5g) SCALING="$SCALING $n=$f" ;; esac
        done
    done
fi
echo
echo "raw timings: $RUNS${RSS_FORMATS:+ and $RSS_RUNS}"

# --- targets ---------------------------------------------------------------------------------
N_PASS=0 N_FAIL=0 N_SKIP=0
# check FIGURE OP LIMIT: PASS, or FAIL with how far off (a factor), or "-" without a figure.
check() { awk -v x="$1" -v op="$2" -v t="$3" 'BEGIN {
    if (x == "" || x == "-" || x == "nan") { print "-"; exit }
    x += 0; t += 0
    ok = (op == "<=") ? (x <= t) : (op == ">") ? (x > t) : (x >= t)
    if (ok) { print "PASS"; exit }
    if (op == "<=") printf "FAIL (%.2fx the limit)\n", x / t
    else if (x > 0) printf "FAIL (%.2fx short)\n", t / x
    else print "FAIL" }'; }
# line LABEL FIGURE [CPU] OP LIMIT [WHY-SKIPPED]
line() {
    local v
    if [ -n "${6:-}" ]; then
        v="skipped: $6"
    else
        v=$(check "$2" "$4" "$5")
    fi
    case "$v" in
        PASS) N_PASS=$((N_PASS + 1)) ;;
        FAIL*) N_FAIL=$((N_FAIL + 1)) ;;
        -) v="skipped: not measured"; N_SKIP=$((N_SKIP + 1)) ;;
        *) N_SKIP=$((N_SKIP + 1)) ;;
    esac
    printf '  %-58s %8s %8s  %s\n' "$1" "${2:--}" "${3:-}" "$v"
}
ratio_line() { # LABEL OP LIMIT A B [WHY-SKIPPED]
    local w c
    w=$(fmt "$(paired "$4" "$5")" '%.2f')
    c=$(fmt "$(paired_cpu "$4" "$5")" '%.2f')
    line "$1" "$w" "$c" "$2" "$3" "${6:-}"
}
contender_why() { # CONTENDER: why it did not run, or nothing
    if want "$1"; then return; fi
    case "$1" in
        sqlite3) [ "$HAVE_SQLITE" = 1 ] && echo "not among BENCH_CONTENDERS" || echo "$SQLITE_WHY" ;;
        duckdb) [ "$HAVE_DUCKDB" = 1 ] && echo "not among BENCH_CONTENDERS" || echo "$DUCKDB_WHY" ;;
        *) echo "not among BENCH_CONTENDERS" ;;
    esac
}

echo
echo "targets of issue 18 (stated for 1,000,000 rows; this run: $ROWS rows; verdicts on the"
echo "paired wall-time medians; FAIL says how far off, as a factor of the limit):"
printf '  %-58s %8s %8s\n' "" figure cpu
for inv in $INVENTORIES; do
    echo " inventory $inv:"
    why=$(contender_why tvcheck)
    ratio_line "tvcheck json -o FILE / floor <= $T_FLOOR" '<=' "$T_FLOOR" "tvcheck@$inv" "floor@$inv" "$why"
    why=$(contender_why tvcheck-lt-5g)
    ratio_line "tvcheck --policy lt-5g json / floor <= $T_FLOOR_LT5G" '<=' "$T_FLOOR_LT5G" \
        "tvcheck-lt-5g@$inv" "floor@$inv" "$why"
    if want write-json; then
        printf '  %-58s %8s %8s  %s\n' "  (writing the report's bytes alone / floor)" \
            "$(fmt "$(paired "write-json@$inv" "floor@$inv")" '%.2f')" "" "lower bound"
    fi
    if want write-json-lt-5g; then
        printf '  %-58s %8s %8s  %s\n' "  (the same for the lt-5g report)" \
            "$(fmt "$(paired "write-json-lt-5g@$inv" "floor@$inv")" '%.2f')" "" "lower bound"
    fi
    why=$(contender_why sqlite3)
    [ -n "$why" ] || why=$(contender_why tvcheck)
    ratio_line "sqlite3 import+join / tvcheck >= $T_SQLITE" '>=' "$T_SQLITE" "sqlite3@$inv" "tvcheck@$inv" "$why"
    why=$(contender_why duckdb)
    [ -n "$why" ] || why=$(contender_why tvcheck)
    ratio_line "duckdb read_csv+join / tvcheck > $T_DUCKDB (tvcheck faster)" '>' "$T_DUCKDB" \
        "duckdb@$inv" "tvcheck@$inv" "$why"
    for c in tvcheck tvcheck-lt-5g; do
        why=$(contender_why "$c")
        [ "$HAVE_TIME" = 1 ] || why=${why:-GNU time not found}
        line "peak RSS of $c (json, timed runs) <= $T_RSS_MIB MiB" "$(peak_of "$c@$inv")" "" '<=' \
            "$T_RSS_MIB" "$why"
    done
    for f in $RSS_FORMATS; do
        rss= status=
        read -r rss status < <(awk -v f="$f" -v i="$inv" '$1 == f && $2 == i { print $3, $5 }' "$RSS_RUNS") || true
        label="peak RSS, --format $f${RSS_POLICY:+ --policy $RSS_POLICY} <= $T_RSS_MIB MiB"
        case "${status:-}" in
            ok) line "$label" "$(fmt "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" '%.1f')" "" '<=' "$T_RSS_MIB" ;;
            cap)
                # Stopped at the cap: over the target by at least cap / target.
                N_FAIL=$((N_FAIL + 1))
                printf '  %-58s %8s %8s  %s\n' "$label" ">$RSS_CAP_MIB" "" \
                    "FAIL (stopped at the cap: more than $(awk -v c="$RSS_CAP_MIB" -v t="$T_RSS_MIB" \
                        'BEGIN { printf "%.0f", c / t }')x the limit)"
                ;;
            timeout) line "$label" "-" "" '<=' "$T_RSS_MIB" "stopped after $RSS_TIMEOUT s (peak ${rss:-?} KiB)" ;;
            *) line "$label" "-" "" '<=' "$T_RSS_MIB" "the run failed (see above)" ;;
        esac
    done
    for f in $RSS_SKIPPED; do
        line "peak RSS, --format $f <= $T_RSS_MIB MiB" "-" "" '<=' "$T_RSS_MIB" \
            "tvcheck does not write --format $f yet"
    done
    if [ -n "${FORMATS// /}" ] && [ "$HAVE_TIME" = 0 ]; then
        line "peak RSS of every report format <= $T_RSS_MIB MiB" "-" "" '<=' "$T_RSS_MIB" "GNU time not found"
    fi
    big_rows=10M
    if [ "$ROWS" -gt 1000000 ]; then big_rows=$ROWS; fi
    for c in tvcheck tvcheck-lt-5g; do
        ideal=$(awk -v r="$ROWS" 'BEGIN { printf "%.1f", r / 1000000 }')
        s=
        for kv in $SCALING; do
            if [ "${kv%%=*}" = "$c@$inv" ]; then s=${kv#*=}; fi
        done
        why=$(contender_why "$c")
        if [ -z "$s" ] && [ -z "$why" ]; then
            if [ "$QUICK" = 1 ]; then
                why="not in quick mode"
            elif [ "$ROWS" = 1000000 ]; then
                why="scripts/bench.sh 10000000 checks it against this run"
            elif [ "$ROWS" -lt 1000000 ]; then
                why="needs ROWS > 1000000 (e.g. 10000000) after a 1M run"
            else
                why="no 1M result of $c@$inv with seed $SEED in $BENCH_DIR"
            fi
        fi
        line "$c time, $big_rows vs 1M rows <= $T_SCALING x linear" "$s" "" '<=' \
            "$(awk -v i="$ideal" -v t="$T_SCALING" 'BEGIN { print i * t }')" "$why"
    done
done
echo " any inventory:"
line "startup: check of a 10-row file <= $T_STARTUP_MS ms" "$(fmt "$STARTUP_MS" '%.1f')" "" '<=' "$T_STARTUP_MS"
echo "targets: $N_PASS PASS, $N_FAIL FAIL, $N_SKIP skipped"
