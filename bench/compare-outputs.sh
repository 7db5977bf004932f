#!/usr/bin/env bash
# bench/compare-outputs.sh — prove that a change (a refactor) left huizong's outputs unchanged.
#
#   bench/compare-outputs.sh BASE_BIN NEW_BIN [UNITS]
#
# Runs both binaries on the same inputs, from the repository root:
#   - the committed samples/, and
#   - a generated county of UNITS units (default 10000; 0: samples/ only), made once with
#     `BASE_BIN samples --units UNITS --out …` and read by both;
# on each, `run INPUT --year 2026 --out OUT --feedback --quiet` and `check INPUT --year 2026 --json`.
# Then compares (bench/compare_outputs.py), printing one verdict per item:
#   - the exit codes of run and check, and check's summary on stderr;
#   - check --json, line by line as JSON objects, in order, the key `code` dropped from NEW's;
#   - the set of files written;
#   - 汇总_<year>.xlsx cell values, sheet by sheet, cell by cell (the generation time in 排名's
#     subtitle and 说明's 生成时间 row ignored, and 说明's 工具版本 row);
#   - 汇总_<year>.json parsed (a top-level generation-time key ignored, if any);
#   - every 明细/*.csv byte for byte, 催报名单.txt byte for byte (its generation time aside);
#   - every 反馈/*.xlsx by cell value.
# Exits 0 when everything is the same, 1 when anything differs (a binary that fails or crashes is a
# difference: its exit code and files are compared), 2 on a usage error, other codes when the
# comparison itself fails (BASE_BIN cannot generate the county, the Python side crashes: 3).
# Nothing is timed.
#
#   COMPARE_WORK=bench/work/compare   scratch folder (git-ignored: bench/.gitignore has /work/)
#   COMPARE_YEAR=2026                 the --year given to run and check
#   COMPARE_NO_SHORTCUT=1             open every feedback workbook with openpyxl, even when its
#                                     parts are byte-identical to BASE's (docProps/ aside)

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
    if [[ ${1:-0} == 0 ]]; then
        sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    else
        sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    fi
    exit "${1:-0}"
}

[[ ${1:-} == -h || ${1:-} == --help ]] && usage 0
(($# >= 2 && $# <= 3)) || usage 2

# Absolute paths, resolved from where the script was called, before moving to the repository root.
abs_bin() {
    local p=$1
    [[ $p == */* ]] || p=$(command -v "$p" || echo "$p")
    [[ -f $p && -x $p ]] || { echo "compare-outputs.sh: $1 is not an executable file" >&2; exit 2; }
    echo "$(cd "$(dirname "$p")" && pwd)/$(basename "$p")"
}
BASE_BIN=$(abs_bin "$1")
NEW_BIN=$(abs_bin "$2")
UNITS=${3:-10000}
[[ $UNITS =~ ^[0-9]+$ ]] || { echo "compare-outputs.sh: UNITS must be a number, not $UNITS" >&2; exit 2; }
YEAR=${COMPARE_YEAR:-2026}
WORK=${COMPARE_WORK:-bench/work/compare}
[[ $WORK == /* ]] || WORK=$ROOT/$WORK

cd "$ROOT"
log() { printf '[compare] %s\n' "$*" >&2; }

command -v python3 >/dev/null || { echo "compare-outputs.sh: python3 is needed" >&2; exit 2; }
python3 -c "import openpyxl" 2>/dev/null || python3 -m pip install --quiet openpyxl

# collect BIN SIDE INPUT NAME: run and check BIN on INPUT into $WORK/NAME/SIDE.
collect() {
    local bin=$1 side=$2 input=$3 name=$4
    local dir=$WORK/$name/$side
    rm -rf "$dir"
    mkdir -p "$dir"
    log "$name: $side run"
    local rc=0
    "$bin" run "$input" --year "$YEAR" --out "$dir/out" --feedback --quiet \
        >"$dir/run.stdout" 2>"$dir/run.stderr" || rc=$?
    echo "$rc" >"$dir/run.rc"
    # A run that fails writes nothing worth comparing; say why and go on (the exit codes differ
    # or both failed, and either is reported).
    if ((rc != 0)); then
        log "  $side run exited $rc: $(tail -3 "$dir/run.stderr" | tr '\n' ' ')"
        mkdir -p "$dir/out"
    fi
    log "$name: $side check --json"
    rc=0
    "$bin" check "$input" --year "$YEAR" --json >"$dir/check.jsonl" 2>"$dir/check.err" || rc=$?
    echo "$rc" >"$dir/check.rc"
    # check exits 1 when the data have errors (the samples do); 2 and above is a failure to run.
    ((rc <= 1)) || log "  $side check exited $rc: $(tail -3 "$dir/check.err" | tr '\n' ' ')"
}

# compare INPUT NAME: both binaries on INPUT, then the comparison; returns 1 on any difference.
compare() {
    local input=$1 name=$2
    collect "$BASE_BIN" base "$input" "$name"
    collect "$NEW_BIN" new "$input" "$name"
    python3 "$ROOT/bench/compare_outputs.py" --label "$name ($input)" "$WORK/$name/base" "$WORK/$name/new"
}

mkdir -p "$WORK"
log "BASE_BIN=$BASE_BIN"
log "NEW_BIN=$NEW_BIN"
log "work dir $WORK"

status=0
verdicts=()
if compare samples samples; then verdicts+=("samples: same"); else
    rc=$?; ((rc == 1)) || exit "$rc"
    status=1; verdicts+=("samples: DIFFERENT")
fi

if ((UNITS > 0)); then
    workload=$WORK/county-$UNITS
    log "generating the $UNITS-unit county with BASE_BIN in $workload"
    rm -rf "$workload"
    "$BASE_BIN" samples --units "$UNITS" --out "$workload" >/dev/null ||
        { echo "compare-outputs.sh: BASE_BIN samples failed" >&2; exit 2; }
    # Relative to the root, so that the paths the outputs name are the same short ones every time.
    if compare "${workload#"$ROOT"/}" "units-$UNITS"; then verdicts+=("$UNITS units: same"); else
        rc=$?; ((rc == 1)) || exit "$rc"
        status=1; verdicts+=("$UNITS units: DIFFERENT")
    fi
fi

echo
for v in "${verdicts[@]}"; do echo "  $v"; done
if ((status == 0)); then
    echo "RESULT: identical — every output of NEW_BIN matches BASE_BIN's"
else
    echo "RESULT: DIFFERENT — see the items marked DIFFERENT above (outputs kept in $WORK)"
fi
exit "$status"
