#!/usr/bin/env bash
# Benchmarks of issue 7 (performance): tvcheck against a "parse floor" and the sqlite3 CLI on
# a generated inventory, with paired, interleaved runs and medians. See BENCHMARKS.md.
#
#   scripts/bench.sh [ROWS]          # default 1000000; e.g. 10000 for a quick look
#
# Contenders, run once each per round, in this order (paired: every round runs them all):
#   floor                 examples/parse_floor.rs: csv ByteRecord reuse + one HashMap lookup a row
#   tvcheck               tvcheck check INV --format json --output FILE   (embedded registry)
#   tvcheck-lt-5g         the same with --policy lt-5g
#   tvcheck-shipped-db    the same as tvcheck with --db (the shipped registry imported into SQLite)
#   tvcheck-big-registry  the same with --db (shipped registry + a generated one, 5,000 entries
#                         and 20,000 aliases by default)
#   sqlite3               sqlite3 :memory: .import of the CSV + join on lower(trim(vendor))
#   write-json            writing as many bytes as tvcheck's JSON report (head -c N /dev/zero),
#   write-json-lt-5g      and as the lt-5g one: the cost of the output alone, a lower bound for
#                         any tool that writes that report
# then the startup time (check of a 10-row file) and, for ROWS > 1000000 when the 1M results
# of the same seed exist, the scaling factor.
#
# Environment:
#   BENCH_ROUNDS=5         rounds of the timed contenders
#   BENCH_SEED=42          generator seed (data is cached per rows and seed)
#   BENCH_PROFILE=release  cargo profile of the binaries (debug: quick, for the smoke test)
#   BENCH_QUICK=0          1: 5 startup runs instead of 20, a 500-entry/2,000-alias big
#                          registry, no scaling report
#   BENCH_DIR=target/bench where data, databases and results go
#   BENCH_AS_OF=2026-06-01 the --as-of date of every check (results do not depend on today)
#   BENCH_REG_ENTRIES, BENCH_REG_ALIASES   size of the generated registry
#   BENCH_SQLITE=1         0: leave out sqlite3 (it is left out anyway when not installed)
#   BENCH_CONTENDERS="..."  run only these contenders (floor always runs: it is the reference)
#   TVCHECK_BIN=PATH       use this tvcheck binary instead of building one
#   CARGO=cargo            the cargo to build with
#
# Peak memory is GNU time's "Maximum resident set size" (/usr/bin/time -v), and cpu_s its user +
# system time (less disturbed than wall time when the machine is shared); without GNU time
# (Debian: apt-get install -y time) neither is measured. All data stays under BENCH_DIR.
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
if [ "${BENCH_SQLITE:-1}" != 0 ]; then
    if command -v sqlite3 >/dev/null 2>&1; then
        HAVE_SQLITE=1
    else
        note "note: sqlite3 not found: the sqlite3 baseline is skipped (Debian: apt-get install -y sqlite3)"
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

INV="$BENCH_DIR/inventory-$ROWS-s$SEED.csv"
if stale "$INV" examples/gen_inventory.rs; then
    note "== generating $ROWS rows (seed $SEED) -> $INV"
    "$GEN" --rows "$ROWS" --seed "$SEED" --out "$INV.tmp"
    mv "$INV.tmp" "$INV"
fi
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

LISTED="$BENCH_DIR/listed-names.csv"
SQL="$BENCH_DIR/sqlite-join.sql"
if [ "$HAVE_SQLITE" = 1 ]; then
    "$FLOOR" --print-names >"$LISTED"
    cat >"$SQL" <<EOF
.bail on
.import --csv '$INV' inv
.import --csv '$LISTED' listed
CREATE UNIQUE INDEX listed_name ON listed(name);
SELECT 'rows=' || (SELECT count(*) FROM inv) || ' hits=' ||
       (SELECT count(*) FROM inv JOIN listed ON lower(trim(inv.vendor)) = listed.name);
EOF
fi

# --- runs ------------------------------------------------------------------------------------
ALL="floor tvcheck tvcheck-lt-5g tvcheck-shipped-db tvcheck-big-registry write-json write-json-lt-5g"
if [ "$HAVE_SQLITE" = 1 ]; then ALL="$ALL sqlite3"; fi
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
# $OUT/NAME.stdout.
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

tv_check() {
    local name=$1 round=$2
    shift 2
    local json="$OUT/$name.json"
    # Exit 1 means "violations found": expected here.
    run "$name" "$round" "0 1" "$TV" check "$INV" --as-of "$AS_OF" --format json --output "$json" "$@"
    summary_of "$json" >"$OUT/$name.summary"
    wc -c <"$json" >"$OUT/$name.bytes"
    rm -f "$json"
}

BYTES=$(wc -c <"$INV")
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }')
load_now() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }
LOAD_BEFORE=$(load_now)
note "== $ROUNDS round(s) on $ROWS rows ($MB MB); load average $LOAD_BEFORE"
cat "$INV" >/dev/null # into the page cache before the first timed run
for round in $(seq 1 "$ROUNDS"); do
    note "   round $round/$ROUNDS"
    run floor "$round" 0 "$FLOOR" "$INV"
    if want tvcheck; then tv_check tvcheck "$round"; fi
    if want tvcheck-lt-5g; then tv_check tvcheck-lt-5g "$round" --policy lt-5g; fi
    if want tvcheck-shipped-db; then tv_check tvcheck-shipped-db "$round" --db "$SHIPPED_DB"; fi
    if want tvcheck-big-registry; then tv_check tvcheck-big-registry "$round" --db "$BIG_DB"; fi
    for w in tvcheck tvcheck-lt-5g; do
        if want "write-json${w#tvcheck}" && [ -s "$OUT/$w.bytes" ]; then
            run "write-json${w#tvcheck}" "$round" 0 head -c "$(cat "$OUT/$w.bytes")" /dev/zero
        fi
    done
    if want sqlite3; then run sqlite3 "$round" 0 sqlite3 :memory: ".read $SQL"; fi
done
LOAD_AFTER=$(load_now)

# Startup: a 10-row file, timed without GNU time.
STARTUP_FILE="$BENCH_DIR/startup-ms.txt"
: >"$STARTUP_FILE"
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

FLOOR_MED=$(med_of floor)
RESULTS="$BENCH_DIR/results-$ROWS-s$SEED.txt"
: >"$RESULTS"

echo
echo "tvcheck benchmark: $ROWS rows ($MB MB, seed $SEED), $ROUNDS round(s), profile $PROFILE, as of $AS_OF"
echo "machine: $(nproc) cores, load average $LOAD_BEFORE before, $LOAD_AFTER after"
echo "big registry: shipped + $REG_ENTRIES generated entries with $REG_ALIASES aliases (import ${IMPORT_S} s)"
echo
printf '%-22s %10s %10s %9s %9s %9s %10s\n' contender median_s min_s ratio paired cpu_s peak_MiB
for c in $CONTENDERS; do
    med=$(med_of "$c")
    min=$(secs_of "$c" | sort -g | head -n 1)
    ratio=$(awk -v a="$med" -v b="$FLOOR_MED" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    pr=$(fmt "$(paired "$c" floor)" '%.2f')
    peak=$(peak_of "$c")
    cpu=$(fmt "$(cpu_of "$c")" '%.2f')
    printf '%-22s %10s %10s %9s %9s %9s %10s\n' "$c" "$(fmt "$med" '%.3f')" "$(fmt "$min" '%.3f')" \
        "$ratio" "$pr" "$cpu" "$peak"
    echo "$c $med $peak" >>"$RESULTS"
done
echo "(ratio: median / median of floor; paired: median over rounds of time / floor's time in the"
echo " same round; cpu_s: median user + system seconds, 10 ms resolution; peak_MiB: largest maximum RSS of the rounds)"
echo
STARTUP_MS=$(median <"$STARTUP_FILE")
printf 'startup (10-row file, %s runs): median %s ms\n' "$STARTUP_RUNS" "$(fmt "$STARTUP_MS" '%.1f')"

echo
echo "what each contender found (last round):"
printf '  %-20s %s\n' floor "$(cat "$OUT/floor.stdout")"
for c in tvcheck tvcheck-lt-5g tvcheck-shipped-db tvcheck-big-registry; do
    if want "$c"; then printf '  %-20s %s\n' "$c" "$(cat "$OUT/$c.summary")"; fi
done
if want sqlite3; then printf '  %-20s %s\n' sqlite3 "$(cat "$OUT/sqlite3.stdout")"; fi
for w in tvcheck tvcheck-lt-5g; do
    if want "write-json${w#tvcheck}" && [ -s "$OUT/$w.bytes" ]; then
        printf '  %-20s bytes=%s (the size of the %s report)\n' "write-json${w#tvcheck}" \
            "$(cat "$OUT/$w.bytes")" "$w"
    fi
done

# --- targets ---------------------------------------------------------------------------------
verdict() { awk -v x="$1" -v op="$2" -v t="$3" 'BEGIN {
    if (x == "" || x == "-" || x == "nan") { print "n/a"; exit }
    ok = (op == "<=") ? (x + 0 <= t + 0) : (op == "<") ? (x + 0 < t + 0) : (x + 0 >= t + 0)
    print ok ? "MET" : "NOT MET" }'; }
# target LABEL OP LIMIT A B: the paired wall-time ratio A/B (and the cpu-time one) against LIMIT.
target() {
    local w c
    w=$(fmt "$(paired "$4" "$5")" '%.2f')
    c=$(fmt "$(paired_cpu "$4" "$5")" '%.2f')
    printf '  %-50s %8s %8s  %s\n' "$1" "$w" "$c" "$(verdict "$w" "$2" "$3")"
}
echo
echo "targets of issue 7 (stated for 1,000,000 rows; this run: $ROWS; verdicts on wall time):"
printf '  %-50s %8s %8s\n' "" wall cpu
target "tvcheck / floor <= 1.5 (paired)" '<=' 1.5 tvcheck floor
target "tvcheck --policy lt-5g / floor <= 1.5 (paired)" '<=' 1.5 tvcheck-lt-5g floor
target "sqlite3 / tvcheck >= 10 (paired)" '>=' 10 sqlite3 tvcheck
target "sqlite3 / tvcheck --policy lt-5g >= 10 (paired)" '>=' 10 sqlite3 tvcheck-lt-5g
printf '  %-50s %8s %8s  %s\n' "  (writing the report's bytes alone / floor)" \
    "$(fmt "$(paired write-json floor)" '%.2f')" "" "lower bound"
printf '  %-50s %8s %8s  %s\n' "  (the same for the lt-5g report)" \
    "$(fmt "$(paired write-json-lt-5g floor)" '%.2f')" "" "lower bound"
target "big registry / embedded registry <= 1.2 (paired)" '<=' 1.2 tvcheck-big-registry tvcheck
target "  (big registry / shipped registry, both --db)" '<=' 1.2 tvcheck-big-registry tvcheck-shipped-db
for c in tvcheck tvcheck-lt-5g tvcheck-big-registry; do
    p=$(peak_of "$c")
    printf '  %-50s %8s %8s  %s\n' "peak memory of $c <= 64 MiB" "$p" "" "$(verdict "$p" '<=' 64)"
done
printf '  %-50s %8s %8s  %s\n' "startup: check of a 10-row file < 50 ms" "$(fmt "$STARTUP_MS" '%.1f')" "" \
    "$(verdict "$STARTUP_MS" '<' 50)"

# --- scaling ---------------------------------------------------------------------------------
BASE="$BENCH_DIR/results-1000000-s$SEED.txt"
if [ "$QUICK" != 1 ] && [ "$ROWS" -gt 1000000 ] && [ -s "$BASE" ]; then
    echo
    IDEAL=$(awk -v r="$ROWS" 'BEGIN { printf "%.1f", r / 1000000 }')
    echo "scaling $ROWS rows / 1,000,000 rows (linear: $IDEAL; target: within 10 % of linear; from $BASE):"
    for c in $CONTENDERS; do
        big=$(awk -v n="$c" '$1 == n { print $2 }' "$RESULTS")
        small=$(awk -v n="$c" '$1 == n { print $2 }' "$BASE")
        [ -n "$small" ] || continue
        f=$(awk -v a="$big" -v b="$small" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
        pb=$(awk -v n="$c" '$1 == n { print $3 }' "$RESULTS")
        ps=$(awk -v n="$c" '$1 == n { print $3 }' "$BASE")
        v=$(verdict "$f" '<=' "$(awk -v i="$IDEAL" 'BEGIN { print i * 1.1 }')")
        printf '  %-22s time x%-7s peak %s -> %s MiB  %s\n' "$c" "$f" "$ps" "$pb" "$v"
    done
fi
echo
echo "raw timings: $RUNS"
