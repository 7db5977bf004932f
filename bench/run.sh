#!/usr/bin/env bash
# bench/run.sh — huizong against the floor and the peers, on one machine, in one run (targets: docs/README.md#quality-bar).
#
#   bench/run.sh [--100k] [--peers-10k] [--cold] [--clean-build] [--runs N] [--peer-runs N]
#                [--peer-sample N]
#
# Runnable on a fresh clone. In one run it:
#   1. builds huizong and examples/floor.rs in release;
#   2. makes the workloads with `huizong samples --units 1000` and `--units 10000` (and 100000);
#   3. times `huizong run DIR --out … --quiet` end to end, with all cores and with `--jobs 1`;
#   4. times the floor (examples/floor.rs: calamine over every file, every cell, nothing else);
#   5. times the Python peers in bench/peers/ (pandas+openpyxl, polars.read_excel, DuckDB
#      read_xlsx), installed into bench/.venv — on the 1,000-unit workload unless asked;
#   6. writes bench/RESULTS.md (bench/report.py): ratios against the floor and against huizong,
#      files/s, cells/s, peak memory, scaling, and the issue's targets as measured.
#
# Options (flag or environment variable):
#   --100k          BENCH_UNITS_100K=1   also the 100,000-unit workload (huizong and floor, all cores)
#   --peers-10k     BENCH_PEERS_10K=1    also run the peers on the 10,000-unit workload
#   --cold          BENCH_COLD=1         also time huizong and the floor on the 10,000-unit workload
#                                        (the largest below 100,000), all cores, with the page
#                                        cache dropped before each run
#                                        (`echo 1 > /proc/sys/vm/drop_caches`: root only, and felt
#                                        by everyone on a shared machine, hence not by default)
#   --clean-build   BENCH_CLEAN_BUILD=1  time a clean `cargo build --release` in a throw-away
#                                        CARGO_TARGET_DIR under /tmp (the main target/ is untouched)
#   --runs N        BENCH_RUNS=5         timed runs per huizong/floor case (BENCH_RUNS_100K=3)
#   --peer-runs N   BENCH_PEER_RUNS=3    timed runs per peer case
#   --peer-sample N BENCH_PEER_SAMPLE=1  peers read only every N-th file, their time scaled by N
#                                        (for when pandas takes too long; marked ≈ in RESULTS.md)
#                   BENCH_WORK=bench/work   scratch folder for workloads, outputs and raw timings
#                   BENCH_NO_INSTALL=1   never apt-get install hyperfine or time
#                   BENCH_TIMER=builtin  time with repeated runs even when hyperfine is there
#                   BENCH_NOTE="…"       a line added to the notes of RESULTS.md
#                   BENCH_QUIET_WAIT=30  seconds to wait, before each case, for other processes
#                                        to go quiet (0: do not wait)
#                   BENCH_SIZES="1000 10000"  the workloads (a quick try: BENCH_SIZES=200); the
#                                        peers run on the first, and on 10000 with --peers-10k
#
# Each case is run once untimed first (it warms the page cache, checks that the command works and
# gives the peak memory through /usr/bin/time -v), then timed with hyperfine when it is installed
# (apt-get install -y hyperfine is tried), else with repeated runs timed here. The machine is
# shared and noisy: nothing here asserts a timing; everything is reported.

set -euo pipefail
# The workloads are a 2026 county: judge the whole year, whatever day the benchmark runs (a run
# judges the year as of today until the year is over).
export HUIZONG_TODAY="${HUIZONG_TODAY:-2027-01-15}"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
COMMAND_LINE="bench/run.sh${*:+ $*}"

UNITS_100K=${BENCH_UNITS_100K:-0}
PEERS_10K=${BENCH_PEERS_10K:-0}
COLD=${BENCH_COLD:-0}
CLEAN_BUILD=${BENCH_CLEAN_BUILD:-0}
RUNS=${BENCH_RUNS:-5}
RUNS_100K=${BENCH_RUNS_100K:-3}
PEER_RUNS=${BENCH_PEER_RUNS:-3}
PEER_SAMPLE=${BENCH_PEER_SAMPLE:-1}
WORK=${BENCH_WORK:-$BENCH/work}
NO_INSTALL=${BENCH_NO_INSTALL:-0}

usage() {
    sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}

while (($#)); do
    case $1 in
        --100k) UNITS_100K=1 ;;
        --peers-10k) PEERS_10K=1 ;;
        --cold) COLD=1 ;;
        --clean-build) CLEAN_BUILD=1 ;;
        --runs) RUNS=$2; shift ;;
        --peer-runs) PEER_RUNS=$2; shift ;;
        --peer-sample) PEER_SAMPLE=$2; shift ;;
        -h | --help) usage 0 ;;
        *) echo "run.sh: unknown option $1" >&2; usage 2 ;;
    esac
    shift
done

# The environment variables that change what is measured are part of "the command".
for var in BENCH_UNITS_100K BENCH_PEERS_10K BENCH_COLD BENCH_CLEAN_BUILD BENCH_RUNS BENCH_RUNS_100K \
    BENCH_PEER_RUNS BENCH_PEER_SAMPLE BENCH_SIZES BENCH_QUIET_WAIT BENCH_TIMER; do
    if [[ -n ${!var:-} ]]; then COMMAND_LINE="$var=${!var} $COMMAND_LINE"; fi
done

RESULTS=$WORK/results
NPROC=$(nproc)
VENV=$BENCH/.venv
NOTES=()

CLK_TCK=$(getconf CLK_TCK)
QUIET_WAIT=${BENCH_QUIET_WAIT:-30}

# CPU seconds the whole machine has been busy (user, nice, system, irq, softirq, steal).
cpu_busy() { awk -v hz="$CLK_TCK" '/^cpu / {printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz}' /proc/stat; }

# CPU seconds used by this script's finished children (and theirs), into CHILDREN_CPU. The `times`
# builtin must run in this shell: inside $(…) it would report the subshell's children, none.
children_cpu() {
    times >"$RESULTS/.times"
    CHILDREN_CPU=$(awk 'function sec(t,  m) { m = t; sub(/m.*/, "", m); sub(/^[0-9]+m/, "", t); sub(/s$/, "", t); return m * 60 + t }
        NR == 2 {printf "%.2f", sec($1) + sec($2)}' "$RESULTS/.times")
}

# The machine is shared: before a case, wait (at most BENCH_QUIET_WAIT s) until other processes
# use less than 0.3 of a core over 2 s, so that someone else's build is less likely to land in a
# timing. Whatever still runs is measured during the case and reported as "others".
wait_quiet() {
    local waited=0 before after
    while :; do
        before=$(cpu_busy); sleep 2; after=$(cpu_busy)
        awk -v a="$after" -v b="$before" 'BEGIN {exit !((a - b) / 2 < 0.3)}' && return 0
        ((waited += 2))
        if ((waited >= QUIET_WAIT)); then
            log "  machine still busy after ${waited}s ($(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.1f", (a - b) / 2}') cores used by others); going on"
            return 0
        fi
    done
}

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

meta() { printf '%s\t%s\n' "$1" "$2" >>"$RESULTS/meta.tsv"; }

# apt-get only as root and only when allowed; a failed install just means the fallback is used.
apt_install() {
    [[ $NO_INSTALL == 1 || $(id -u) != 0 ]] && return 1
    command -v apt-get >/dev/null || return 1
    log "installing $1 with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1 && return 0
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1
}

setup_tools() {
    HYPERFINE=0
    if [[ ${BENCH_TIMER:-} != builtin ]]; then
        command -v hyperfine >/dev/null || apt_install hyperfine || true
        command -v hyperfine >/dev/null && HYPERFINE=1
    fi
    [[ -x /usr/bin/time ]] || apt_install time || true
    if ((HYPERFINE)); then
        TIMER="hyperfine $(hyperfine --version | awk '{print $2}')"
    else
        TIMER="repeated runs timed by bench/run.sh (hyperfine not used)"
    fi
    [[ -x /usr/bin/time ]] || NOTES+=("/usr/bin/time is missing: no peak memory")
    command -v python3 >/dev/null || { echo "run.sh: python3 is needed" >&2; exit 1; }
}

machine_info() {
    : >"$RESULTS/meta.tsv"
    meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
    meta command "$COMMAND_LINE"
    meta commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(
        git -C "$ROOT" diff --quiet HEAD -- src Cargo.toml Cargo.lock examples 2>/dev/null || echo ' (with uncommitted changes)')"
    meta nproc "$NPROC"
    meta cpu "$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
    meta memory "$(free -h | awk '/^Mem:/ {print $2}')"
    meta kernel "Linux $(uname -r)"
    meta rustc "$(rustc --version)"
    meta timer "$TIMER"
    meta peer_sample "$PEER_SAMPLE"
    meta load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# Where cargo puts binaries (honours CARGO_TARGET_DIR and .cargo/config).
target_dir() {
    cargo metadata --format-version 1 --no-deps --manifest-path "$ROOT/Cargo.toml" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}

build() {
    log "building huizong and the floor (release)"
    (cd "$ROOT" && cargo build --release --quiet --bin huizong --example floor)
    local target
    target=$(target_dir)
    HUIZONG=$target/release/huizong
    FLOOR=$target/release/examples/floor
}

# A clean build in a throw-away target dir, so the developer's target/ keeps its cache.
clean_build() {
    local dir start
    dir=$(mktemp -d /tmp/huizong-clean-build.XXXXXX)
    log "clean cargo build --release in $dir (takes minutes)"
    start=$(date +%s.%N)
    (cd "$ROOT" && CARGO_TARGET_DIR=$dir cargo build --release --quiet)
    meta clean_build_s "$(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $start}")"
    meta clean_build_note "$(date -u '+%Y-%m-%d'), this run, default features"
    rm -rf "$dir"
}

# When this run does not rebuild from clean, keep the time the last clean run recorded.
carry_clean_build() {
    local prev
    prev=$(python3 "$BENCH/report.py" --previous-clean-build "$BENCH/RESULTS.md")
    if [[ -n $prev ]]; then
        meta clean_build_s "${prev%%$'\t'*}"
        local note=${prev#*$'\t'}
        # "this run" was the earlier run that built from clean.
        note=${note/, this run,/, an earlier run,}
        [[ $note == *"carried over"* ]] || note="$note; carried over, not rerun"
        meta clean_build_note "$note"
    fi
}

# The peers' libraries go into bench/.venv; reinstalled only when the requirements change.
setup_venv() {
    local stamp=$VENV/.requirements
    local want
    want=$(cat "$BENCH/peers/requirements.txt" "$BENCH/peers/requirements-duckdb.txt")
    if [[ ! -x $VENV/bin/python || ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
        log "creating $VENV and installing the peers' libraries"
        python3 -m venv "$VENV"
        "$VENV/bin/pip" install -q --disable-pip-version-check -r "$BENCH/peers/requirements.txt"
        # Optional: without it the DuckDB peer reports itself as skipped.
        "$VENV/bin/pip" install -q --disable-pip-version-check -r "$BENCH/peers/requirements-duckdb.txt" ||
            NOTES+=("duckdb / duckdb-ext-excel did not install")
        printf '%s' "$want" >"$stamp"
    fi
    meta python "$("$VENV/bin/python" -c 'import platform; print(platform.python_version())')"
    meta peer_versions "$("$VENV/bin/pip" freeze --disable-pip-version-check 2>/dev/null |
        grep -iE '^(pandas|openpyxl|polars|fastexcel|duckdb|duckdb-ext-excel)==' | paste -sd ' ')"
}

# Generates the N-unit county and counts its files and cells with one floor run.
make_workload() {
    local units=$1 dir=$WORK/units-$1 start gen line
    log "generating the $units-unit workload in $dir"
    rm -rf "$dir"
    start=$(date +%s%N)
    "$HUIZONG" samples --units "$units" --out "$dir" >/dev/null
    gen=$(( ($(date +%s%N) - start) / 1000000 ))
    line=$("$FLOOR" "$dir")
    # floor: files=… skipped=… failed=… sheets=… cells=… bytes=… jobs=… elapsed=…s
    field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$units" "$dir" "$(field files)" "$(field sheets)" \
        "$(field cells)" "$(field bytes)" "$(awk "BEGIN {print $gen / 1000}")" >>"$RESULTS/workloads.tsv"
    log "  $line"
}

# Median and spread of a comma-separated list of seconds, for the progress log.
summary() {
    tr ',' '\n' <<<"$1" | sort -g | awk '{t[NR] = $1} END {
        m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
        printf "median %.3f s (%.3f–%.3f, %d runs)", m, t[1], t[NR], NR }'
}

# Run before each run of a case when set (the cold cases drop the page cache with it).
PREPARE=""

# measure UNITS TOOL JOBS SAMPLE RUNS -- COMMAND...
# One untimed run under /usr/bin/time -v (warm-up, check, peak memory), then RUNS timed runs,
# each after $PREPARE when it is set.
# Appends a line to cases.tsv; a command that fails is recorded as failed, not fatal. Exit code 3
# from a peer means "cannot run here" (DuckDB without its extension): recorded as skipped.
measure() {
    local units=$1 tool=$2 jobs=$3 sample=$4 runs=$5
    shift 6
    local label="$tool $units units jobs=$jobs" log_file=$RESULTS/$tool-$units-j$jobs.log
    local rss="" status=ok times="" rc=0
    ((QUIET_WAIT > 0)) && wait_quiet
    log "$label: check run (load $(cut -d' ' -f1 /proc/loadavg))"
    [[ -z $PREPARE ]] || bash -c "$PREPARE"
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -v -o "$log_file.time" "$@" >"$log_file" 2>&1 || rc=$?
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log_file.time")
    else
        "$@" >"$log_file" 2>&1 || rc=$?
    fi
    if ((rc == 3)); then
        status="skipped: $(tail -1 "$log_file")"
    elif ((rc != 0)); then
        status="failed (exit $rc, see $log_file)"
    fi
    # The timed runs, with the CPU that other processes used meanwhile (busy − ours) / wall.
    local busy0 ours0 wall0 others=""
    busy0=$(cpu_busy); children_cpu; ours0=$CHILDREN_CPU; wall0=$(date +%s%N)
    if [[ $status != ok ]]; then
        :
    elif ((HYPERFINE)); then
        local json=$RESULTS/$tool-$units-j$jobs.json cmd
        cmd=$(printf '%q ' "$@")
        local prepare=()
        [[ -z $PREPARE ]] || prepare=(--prepare "$PREPARE")
        hyperfine --style basic --shell bash --runs "$runs" --export-json "$json" "${prepare[@]}" \
            --command-name "$label" "$cmd" >>"$log_file" 2>&1 || status="failed in hyperfine"
        [[ $status == ok ]] && times=$(python3 -c 'import json, sys
print(",".join("%.4f" % t for t in json.load(open(sys.argv[1]))["results"][0]["times"]))' "$json")
    else
        local i start
        for ((i = 0; i < runs; i++)); do
            [[ -z $PREPARE ]] || bash -c "$PREPARE"
            start=$(date +%s%N)
            "$@" >>"$log_file" 2>&1 || { status="failed (see $log_file)"; break; }
            times+="${times:+,}$(awk "BEGIN {printf \"%.4f\", ($(date +%s%N) - $start) / 1e9}")"
        done
    fi
    if [[ $status == ok ]]; then
        children_cpu
        others=$(awk -v b1="$(cpu_busy)" -v b0="$busy0" -v o1="$CHILDREN_CPU" -v o0="$ours0" \
            -v w="$(( $(date +%s%N) - wall0 ))" 'BEGIN {x = ((b1 - b0) - (o1 - o0)) / (w / 1e9); printf "%.2f", x < 0 ? 0 : x}')
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$units" "$tool" "$jobs" "$sample" "$status" "$rss" \
        "$times" "$others" >>"$RESULTS/cases.tsv"
    if [[ $status == ok ]]; then
        log "  $(summary "$times"), peak ${rss:-?} kB, others used ${others} cores meanwhile"
    else
        log "  $status"
    fi
}

bench_rust() {
    local units=$1 runs=$2 jobs_list=$3 dir=$WORK/units-$1 jobs
    for jobs in $jobs_list; do
        local flag=()
        [[ $jobs == all ]] || flag=(--jobs "$jobs")
        measure "$units" floor "$jobs" 1 "$runs" -- "$FLOOR" "$dir" "${flag[@]}"
        measure "$units" huizong "$jobs" 1 "$runs" -- \
            "$HUIZONG" run "$dir" --out "$WORK/out/huizong-$units-j$jobs" --quiet "${flag[@]}"
    done
}

# huizong and the floor with nothing in the page cache: what a clerk's first run over files
# just received meets. Needs root to drop the cache.
bench_cold() {
    local units=$1 runs=$2 dir=$WORK/units-$1
    if [[ ! -w /proc/sys/vm/drop_caches ]]; then
        NOTES+=("Cold-cache cases skipped: dropping the page cache needs root.")
        return
    fi
    PREPARE="sync; echo 1 > /proc/sys/vm/drop_caches"
    measure "$units" floor_cold all 1 "$runs" -- "$FLOOR" "$dir"
    measure "$units" huizong_cold all 1 "$runs" -- \
        "$HUIZONG" run "$dir" --out "$WORK/out/huizong-$units-cold" --quiet
    PREPARE=""
}

bench_peers() {
    local units=$1 dir=$WORK/units-$1 peer
    export BENCH_PEER_SAMPLE=$PEER_SAMPLE
    for peer in pandas_openpyxl polars_read_excel duckdb_read_xlsx; do
        measure "$units" "$peer" 1 "$PEER_SAMPLE" "$PEER_RUNS" -- \
            "$VENV/bin/python" "$BENCH/peers/$peer.py" "$dir" "$WORK/out/$peer-$units"
    done
}

main() {
    local started=$SECONDS
    mkdir -p "$RESULTS" "$WORK/out"
    rm -f "$RESULTS"/*
    : >"$RESULTS/cases.tsv"
    : >"$RESULTS/workloads.tsv"
    setup_tools
    machine_info
    build
    if [[ $CLEAN_BUILD == 1 ]]; then clean_build; else carry_clean_build; fi
    setup_venv

    local sizes
    read -ra sizes <<<"${BENCH_SIZES:-1000 10000}"
    [[ $UNITS_100K == 1 ]] && sizes+=(100000)
    local units cold_units=0
    for units in "${sizes[@]}"; do
        make_workload "$units"
        ((units < 100000 && units > cold_units)) && cold_units=$units
    done
    for units in "${sizes[@]}"; do
        if ((units >= 100000)); then
            bench_rust "$units" "$RUNS_100K" "all"   # --jobs 1 would take most of an hour
        else
            bench_rust "$units" "$RUNS" "all 1"
        fi
        if ((units == cold_units)) && [[ $COLD == 1 ]]; then
            bench_cold "$units" "$RUNS"
        fi
        if ((units == sizes[0])) || { ((units == 10000)) && [[ $PEERS_10K == 1 ]]; }; then
            bench_peers "$units"
        fi
    done

    local elapsed=$((SECONDS - started))
    NOTES+=("The peers run a plain loop over the files in one process (what a colleague writes); huizong and the floor use every core unless \`--jobs 1\`.")
    NOTES+=("The peers find the header row naively and validate nothing; they exist to be timed, not to agree with huizong's totals.")
    [[ $PEERS_10K == 1 ]] || NOTES+=("Peers ran on the $(sed -E ':a; s/([0-9])([0-9]{3})($|,)/\1,\2\3/; ta' <<<"${sizes[0]}")-unit workload only; \`BENCH_PEERS_10K=1\` (or \`--peers-10k\`) adds 10,000.")
    NOTES+=("This run took $((elapsed / 60)) min $((elapsed % 60)) s, builds and workload generation included.")
    [[ -z ${BENCH_NOTE:-} ]] || NOTES+=("$BENCH_NOTE")
    meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
    meta notes "$(printf '%s || ' "${NOTES[@]}" | sed 's/ || $//')"
    python3 "$BENCH/report.py" "$RESULTS" "$BENCH/RESULTS.md"
    log "wrote $BENCH/RESULTS.md in $((elapsed / 60)) min $((elapsed % 60)) s"
}

main
