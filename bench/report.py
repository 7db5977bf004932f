"""Turns the raw measurements of bench/run.sh into bench/RESULTS.md.

    python3 bench/report.py RESULTS_DIR OUT.md

RESULTS_DIR holds what run.sh wrote:
  meta.tsv     key<TAB>value: machine, date, command, versions
  workloads.tsv  units<TAB>dir<TAB>files<TAB>sheets<TAB>cells<TAB>bytes<TAB>generate_s
  cases.tsv    units<TAB>tool<TAB>jobs<TAB>sample<TAB>status<TAB>rss_kb<TAB>times (comma-separated s)
               <TAB>others (cores other processes used, on average, during the timed runs)

Only the standard library: it runs with whatever python3 the machine has. It reports; it never
fails on a slow number (the machine is shared and noisy).
"""

import csv
import os
import re
import statistics
import sys

TOOLS = ["floor", "huizong", "pandas_openpyxl", "polars_read_excel", "duckdb_read_xlsx"]
# Timed with the page cache dropped before each run (`--cold`): reported in a section of their own.
COLD = ["floor_cold", "huizong_cold"]
LABELS = {
    "floor": "floor (calamine, every cell)",
    "huizong": "huizong run",
    "floor_cold": "floor, page cache dropped",
    "huizong_cold": "huizong run, page cache dropped",
    "pandas_openpyxl": "pandas + openpyxl",
    "polars_read_excel": "polars.read_excel (calamine)",
    "duckdb_read_xlsx": "DuckDB read_xlsx",
}


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


class Case:
    def __init__(self, row):
        units, tool, jobs, sample, status, rss_kb, times, others = (row + [""] * 8)[:8]
        self.others = float(others) if others else None
        self.units = int(units)
        self.tool = tool
        self.jobs = jobs
        self.sample = int(sample or 1)
        self.status = status
        self.rss_kb = int(rss_kb) if rss_kb.isdigit() else None
        self.times = [float(t) for t in times.split(",") if t]

    @property
    def ok(self):
        return self.status == "ok" and bool(self.times)

    @property
    def median(self):
        """Median wall time, scaled up by the sample step when only every N-th file was read."""
        return statistics.median(self.times) * self.sample

    def spread(self):
        lo, hi = min(self.times) * self.sample, max(self.times) * self.sample
        return f"{fmt_s(lo)}–{fmt_s(hi)}" if len(self.times) > 1 else "—"


def fmt_s(s):
    return f"{s:.3f}" if s < 1 else f"{s:.2f}" if s < 100 else f"{s:.0f}"


def fmt_ratio(r):
    return "—" if r is None else f"{r:.2f}×" if r < 10 else f"{r:.1f}×"


def fmt_rate(x):
    if x >= 1e6:
        return f"{x / 1e6:.2f} M"
    if x >= 1e3:
        return f"{x / 1e3:.1f} k"
    return f"{x:.0f}"


def mib(kb):
    return "—" if kb is None else f"{kb / 1024:.0f}"


def find(cases, units, tool, jobs="all"):
    for c in cases:
        if c.units == units and c.tool == tool and c.jobs == jobs and c.ok:
            return c
    return None


def verdict(ok, miss):
    return "met" if ok else f"missed ({miss})"


def main(results_dir, out_path):
    meta = dict((r[0], r[1]) for r in read_tsv(os.path.join(results_dir, "meta.tsv")) if len(r) >= 2)
    workloads = {}
    for r in read_tsv(os.path.join(results_dir, "workloads.tsv")):
        units, wdir, files, sheets, cells, size, gen = r[:7]
        workloads[int(units)] = dict(dir=wdir, files=int(files), sheets=int(sheets),
                                     cells=int(cells), bytes=int(size), gen=float(gen))
    cases = [Case(r) for r in read_tsv(os.path.join(results_dir, "cases.tsv")) if r]
    nproc = meta.get("nproc", "?")

    lines = []
    w = lines.append
    w("# Benchmark results")
    w("")
    w("Produced by `bench/run.sh` (see its header for the options); do not edit by hand, rerun it.")
    w("The machine is shared and noisy: the numbers are reported, never asserted. All runs are")
    w("warm-cache (each case is run once before it is timed, and that run gives the peak memory),")
    w("except those under *Cold page cache* when the run asked for them.")
    w("")
    w("| | |")
    w("|---|---|")
    w(f"| date | {meta.get('date', '?')} |")
    w(f"| command | `{meta.get('command', '?')}` |")
    w(f"| commit | {meta.get('commit', '?')} |")
    w(f"| machine | {meta.get('cpu', '?')}, {nproc} cores (`nproc`), {meta.get('memory', '?')} memory, "
      f"{meta.get('kernel', '?')} |")
    w(f"| toolchain | {meta.get('rustc', '?')} |")
    w(f"| timing | {meta.get('timer', '?')}; peak memory: `/usr/bin/time -v` Maximum resident set size |")
    w(f"| load average | {meta.get('load_start', '?')} at the start, {meta.get('load_end', '?')} at the end "
      f"(1, 5, 15 min; above 0 means other work shared the cores) |")
    w(f"| peers | Python {meta.get('python', '?')}: {meta.get('peer_versions', '?')} |")
    if meta.get("peer_sample", "1") not in ("", "1"):
        w(f"| peer sample | BENCH_PEER_SAMPLE={meta['peer_sample']}: the peers read every "
          f"{meta['peer_sample']}th file; their times are that run's × {meta['peer_sample']} (marked ≈) |")
    w("")
    w("## Workloads")
    w("")
    w("`huizong samples --units N` (default seed); files and cells as the floor counts them "
      "(spreadsheet files read; non-empty cells).")
    w("")
    w("| units | files | sheets | cells | size | generated in |")
    w("|---:|---:|---:|---:|---:|---:|")
    for units, wl in sorted(workloads.items()):
        w(f"| {units:,} | {wl['files']:,} | {wl['sheets']:,} | {wl['cells']:,} | "
          f"{wl['bytes'] / 2**20:.0f} MiB | {wl['gen']:.1f} s |")
    w("")
    w("## Times")
    w("")
    w("Wall time of the whole process, median of the timed runs, spread = fastest–slowest run.")
    w("× floor and × huizong are this row's median over the floor's (all cores) and huizong's (all")
    w("cores) on the same workload: above 1 is slower. files/s and cells/s use the workload's")
    w("counts above. *others*: cores that other processes on the shared machine used, on average,")
    w(f"during the timed runs (of {nproc}); a case with a high value was slowed by them.")
    for units in sorted(workloads):
        wl = workloads[units]
        floor = find(cases, units, "floor")
        hz = find(cases, units, "huizong")
        w("")
        w(f"### {units:,} units ({wl['files']:,} files, {wl['cells']:,} cells)")
        w("")
        w("| tool | jobs | median s | spread s | runs | × floor | × huizong | files/s | cells/s | peak RSS MiB | others |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        rows = [c for c in cases if c.units == units and c.tool not in COLD]
        rows.sort(key=lambda c: (TOOLS.index(c.tool) if c.tool in TOOLS else 99, c.jobs != "all"))
        for c in rows:
            jobs = nproc if c.jobs == "all" else c.jobs
            label = LABELS.get(c.tool, c.tool)
            if not c.ok:
                w(f"| {label} | {jobs} | {c.status} | | | | | | | | |")
                continue
            approx = "≈" if c.sample > 1 else ""
            vs_floor = c.median / floor.median if floor else None
            vs_hz = c.median / hz.median if hz else None
            w(f"| {label} | {jobs} | {approx}{fmt_s(c.median)} | {c.spread()} | {len(c.times)} | "
              f"{fmt_ratio(vs_floor)} | {fmt_ratio(vs_hz)} | {fmt_rate(wl['files'] / c.median)} | "
              f"{fmt_rate(wl['cells'] / c.median)} | {mib(c.rss_kb)}{' (sample)' if c.sample > 1 else ''} | "
              f"{'—' if c.others is None else f'{c.others:.2f}'} |")
    w("")

    cold = [c for c in cases if c.tool in COLD]
    if cold:
        w("## Cold page cache")
        w("")
        w("The same commands with the page cache dropped before each run (`--cold`): every file")
        w("comes from the disk, as on a clerk's first run over the files just received. × floor is")
        w("over the floor's median in the same conditions; × warm over the same tool's warm median.")
        w("")
        w("| tool | units | jobs | median s | spread s | runs | × floor | × warm | peak RSS MiB | others |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for c in sorted(cold, key=lambda c: (c.units, COLD.index(c.tool))):
            label = LABELS[c.tool]
            if not c.ok:
                w(f"| {label} | {c.units:,} | {nproc} | {c.status} | | | | | | |")
                continue
            floor = find(cases, c.units, "floor_cold")
            warm = find(cases, c.units, c.tool.removesuffix("_cold"))
            vs_floor = c.median / floor.median if floor else None
            vs_warm = c.median / warm.median if warm else None
            w(f"| {label} | {c.units:,} | {nproc} | {fmt_s(c.median)} | {c.spread()} | {len(c.times)} | "
              f"{fmt_ratio(vs_floor)} | {fmt_ratio(vs_warm)} | {mib(c.rss_kb)} | "
              f"{'—' if c.others is None else f'{c.others:.2f}'} |")
        w("")

    # Scaling: cost per file as the workload grows, and parallel speed-up.
    w("## Scaling")
    w("")
    w("| tool | from → to units | time ratio | ideal | peak RSS ratio |")
    w("|---|---|---:|---:|---:|")
    sizes = sorted(workloads)
    for tool in ("huizong", "floor"):
        for a, b in zip(sizes, sizes[1:]):
            ca, cb = find(cases, a, tool), find(cases, b, tool)
            if ca and cb:
                rss = (f"{cb.rss_kb / ca.rss_kb:.2f}×" if ca.rss_kb and cb.rss_kb else "—")
                w(f"| {LABELS[tool]} | {a:,} → {b:,} | {cb.median / ca.median:.2f}× | "
                  f"{workloads[b]['files'] / workloads[a]['files']:.2f}× (files) | {rss} |")
    w("")
    w(f"| tool | units | `--jobs 1` s | `--jobs {nproc}` s | speed-up |")
    w("|---|---:|---:|---:|---:|")
    for tool in ("huizong", "floor"):
        for units in sizes:
            one, all_ = find(cases, units, tool, "1"), find(cases, units, tool)
            if one and all_:
                w(f"| {LABELS[tool]} | {units:,} | {fmt_s(one.median)} | {fmt_s(all_.median)} | "
                  f"{one.median / all_.median:.2f}× |")
    w("")

    # The targets, each with what this run measured. Reported, never enforced.
    w("## Targets (docs/README.md#quality-bar)")
    w("")
    w("| target | measured | |")
    w("|---|---|---|")
    big = 10000 if 10000 in workloads else (max(sizes) if sizes else None)
    hz10, fl10 = find(cases, big, "huizong"), find(cases, big, "floor")
    if hz10 and fl10:
        r = hz10.median / fl10.median
        w(f"| {big:,} units: huizong ≤ 1.25 × floor | {r:.2f}× the floor | "
          f"{verdict(r <= 1.25, f'{r / 1.25:.1f}× over the target')} |")
    for peer, want in (("pandas_openpyxl", 20), ("polars_read_excel", 2)):
        runs = [(u, find(cases, u, peer, "1"), find(cases, u, "huizong")) for u in sizes]
        runs = [(u, p, h) for u, p, h in runs if p and h]
        if runs:
            u, p, h = runs[-1]
            s = p.median / h.median
            w(f"| ≥ {want}× faster than {LABELS[peer]} (same files) | {s:.1f}× faster at {u:,} units"
              f"{' (peer time estimated from a sample)' if p.sample > 1 else ''} | "
              f"{verdict(s >= want, f'needs {want / s:.1f}× more')} |")
        else:
            w(f"| ≥ {want}× faster than {LABELS[peer]} | not measured | |")
    if hz10 and hz10.rss_kb:
        gib = hz10.rss_kb / 2**20
        w(f"| peak memory ≤ 1 GiB at {big:,} units | {gib * 1024:.0f} MiB | "
          f"{verdict(gib <= 1, f'{gib:.2f} GiB')} |")
    small = sizes[0] if sizes else None
    hz1 = find(cases, small, "huizong")
    if hz1 and hz10 and hz1 is not hz10:
        files_ratio = workloads[big]["files"] / workloads[small]["files"]
        if hz1.rss_kb and hz10.rss_kb:
            m = hz10.rss_kb / hz1.rss_kb
            # What each extra file keeps resident: the slope that decides the 100,000-unit run.
            per_file = (hz10.rss_kb - hz1.rss_kb) / (workloads[big]["files"] - workloads[small]["files"])
            if m >= files_ratio:
                status = "missed (linear or worse)"
            elif m > files_ratio / 2:
                status = "borderline: below linear only by the fixed start-up memory"
            else:
                status = "met"
            w(f"| memory sub-linear in units | {small:,} → {big:,}: {m:.2f}× for {files_ratio:.1f}× "
              f"the files, {per_file:.0f} KiB more per file | {status} |")
        t = hz10.median / hz1.median
        w(f"| {big:,} units ≤ 11 × {small:,} units (time) | {t:.2f}× for {files_ratio:.1f}× the files | "
          f"{verdict(t <= 11, f'{t / 11:.2f}× over')} |")
    one, all_ = find(cases, big, "huizong", "1"), hz10
    if one and all_:
        s = one.median / all_.median
        w(f"| `--jobs {nproc}` ≥ 1.7 × faster than `--jobs 1` | {s:.2f}× at {big:,} units | "
          f"{verdict(s >= 1.7, f'{s:.2f} < 1.7')} |")
    build = meta.get("clean_build_s", "")
    if build:
        secs = float(build)
        source = meta.get("clean_build_note", "this run")
        w(f"| clean `cargo build --release` ≤ 8 min | {secs / 60:.1f} min ({source}) | "
          f"{verdict(secs <= 480, f'{secs / 480:.2f}× the limit')} |")
    else:
        w("| clean `cargo build --release` ≤ 8 min | not measured (run with BENCH_CLEAN_BUILD=1) | |")
    w("")
    if build:
        # Carried into the next RESULTS.md when that run does not rebuild from clean.
        w(f"<!-- clean-build: {build} s; {meta.get('clean_build_note', '')} -->")
    notes = meta.get("notes", "")
    if notes:
        w("## Notes")
        w("")
        for note in notes.split(" || "):
            w(f"- {note}")
        w("")

    # What the profile shows: written by hand (perf), kept beside the script, copied in verbatim so
    # that a missed target is explained next to the numbers that miss it.
    profile = os.path.join(os.path.dirname(os.path.abspath(__file__)), "PROFILE.md")
    if os.path.exists(profile):
        with open(profile, encoding="utf-8") as f:
            lines.append(f.read().rstrip())
            lines.append("")

    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines).rstrip() + "\n")


def previous_clean_build(path):
    """The clean-build time recorded by an earlier run, as `SECONDS<TAB>note`, for run.sh."""
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return ""
    m = re.search(r"<!-- clean-build: ([0-9.]+) s; (.*?) -->", text)
    return f"{m.group(1)}\t{m.group(2)}" if m else ""


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--previous-clean-build":
        print(previous_clean_build(sys.argv[2]))
    elif len(sys.argv) == 3:
        main(sys.argv[1], sys.argv[2])
    else:
        sys.exit("usage: report.py RESULTS_DIR OUT.md | --previous-clean-build RESULTS.md")
