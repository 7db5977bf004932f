#!/usr/bin/env bash
# bench/instructions.sh — instruction counts of `huizong run` and of the floor, on one core, under
# valgrind's callgrind: a comparison the shared machine's noise cannot move (wall time can).
#
#   bench/instructions.sh [BASELINE_BINARY]
#
# Runs on the 1,000-unit workload (made with `huizong samples --units 1000` under bench/work/ when
# missing; bench/run.sh makes the same one). With BASELINE_BINARY (another build of huizong, e.g.
# of an earlier commit), counts it too and prints the change. Installs valgrind with apt-get when
# it is missing. Prints one line per binary: `name instructions ratio-to-floor`. Callgrind output
# files are left in bench/work/callgrind/ for `callgrind_annotate`.
#
# Under valgrind, SHA-256 runs without the CPU's SHA instructions: its count (printed) is several
# times what it costs natively, and is subtracted in the `less SHA-256` column.

set -euo pipefail
# The workloads are a 2026 county: judge the whole year, whatever day the benchmark runs (a run
# judges the year as of today until the year is over).
export HUIZONG_TODAY="${HUIZONG_TODAY:-2027-01-15}"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_WORK:-$ROOT/bench/work}
OUT=$WORK/callgrind
UNITS=$WORK/units-1000
BASELINE=${1:-}

if ! command -v valgrind > /dev/null; then
    (apt-get install -y valgrind || sudo apt-get install -y valgrind) > /dev/null
fi

cd "$ROOT"
cargo build --release --quiet
cargo build --release --quiet --example floor
mkdir -p "$OUT"
if [[ ! -d $UNITS ]]; then
    target/release/huizong samples --units 1000 --out "$UNITS" > /dev/null
fi

# count NAME COMMAND… → total instructions, and those under SHA-256's compression function
count() {
    local name=$1
    shift
    valgrind --tool=callgrind --callgrind-out-file="$OUT/$name.out" "$@" > /dev/null 2> "$OUT/$name.log"
    local total sha
    total=$(grep -o 'Collected : [0-9]*' "$OUT/$name.log" | grep -o '[0-9]*$')
    sha=$(callgrind_annotate --inclusive=yes "$OUT/$name.out" 2> /dev/null |
        grep -m1 'sha2::sha256::compress256 \[' | awk '{gsub(",", "", $1); print $1}' || true)
    echo "$total ${sha:-0}"
}

read -r floor _ < <(count floor target/release/examples/floor "$UNITS" --jobs 1)
printf '%-10s %15s %15s %15s %10s\n' binary instructions "SHA-256" "less SHA-256" "× floor"
printf '%-10s %15s %15s %15s %10s\n' floor "$floor" 0 "$floor" "1.00"
report() {
    local name=$1 total=$2 sha=$3
    printf '%-10s %15s %15s %15s %10s\n' "$name" "$total" "$sha" "$((total - sha))" \
        "$(python3 -c "print(f'{($total - $sha) / $floor:.2f}')")"
}
run_args=(run "$UNITS" --quiet --jobs 1)
read -r total sha < <(count huizong target/release/huizong "${run_args[@]}" --out "$OUT/out-huizong")
report huizong "$total" "$sha"
if [[ -n $BASELINE ]]; then
    read -r btotal bsha < <(count baseline "$BASELINE" "${run_args[@]}" --out "$OUT/out-baseline")
    report baseline "$btotal" "$bsha"
    python3 -c "print(f'huizong vs baseline: {($total - $btotal) / $btotal * 100:+.1f} % instructions')"
fi
