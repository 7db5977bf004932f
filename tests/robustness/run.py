#!/usr/bin/env python3
"""The robustness run: huizong over the shared corpus of reader-breaking spreadsheets (calamine's
and Apache POI's test files) and over the hostile files `make_hostile.py` writes.

Asserts, for `check` and for `run`: the exit code is 0 or 1 (never a crash), no panic text on
stderr, peak memory under 1 GiB, a wall-time bound, and every input file named in the output
(`run` lists every file with its fate in 汇总_<year>.json). Exits 1 with the reasons otherwise.

usage: run.py BINARY [CORPUS]   (CORPUS defaults to ../shared/corpus; skipped with a note if absent)
"""
import json
import os
import threading
import subprocess
import sys
import tempfile
import time

LIMIT_RSS_KB = 1024 * 1024
LIMIT_SECONDS = 300


def run(binary, args):
    """Runs huizong; returns (exit code or None, stdout, stderr, seconds, peak RSS in KB of that child)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        child = subprocess.Popen([binary, *args], stdout=out, stderr=err)
        timer = threading.Timer(LIMIT_SECONDS, child.kill)
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        code = child.returncode if seconds < LIMIT_SECONDS else None
        return code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), seconds, usage.ru_maxrss


def every_file(folder):
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            yield os.path.relpath(os.path.join(root, name), folder).replace(os.sep, "/")


def survive(binary, folder, label):
    failures = []
    code, out, err, seconds, rss = run(binary, ["check", folder, "--json", "--year", "2026"])
    if code not in (0, 1):
        failures.append(f"{label}: check exited {code}: {err[-2000:]}")
    if "panicked" in err or "RUST_BACKTRACE" in err:
        failures.append(f"{label}: panic text on stderr: {err[-2000:]}")
    if rss > LIMIT_RSS_KB:
        failures.append(f"{label}: check peak memory {rss // 1024} MB over {LIMIT_RSS_KB // 1024} MB")
    for line in out.splitlines():
        json.loads(line)
    print(f"{label}: check exit {code}, {seconds:.1f} s, peak {rss // 1024} MB, {len(out.splitlines())} issues")
    with tempfile.TemporaryDirectory() as out_dir:
        code, _, err, seconds, rss = run(binary, ["run", folder, "--year", "2026", "--out", out_dir, "--quiet"])
        if code != 0:
            failures.append(f"{label}: run exited {code}: {err[-2000:]}")
        if "panicked" in err:
            failures.append(f"{label}: panic text on stderr: {err[-2000:]}")
        if rss > LIMIT_RSS_KB:
            failures.append(f"{label}: run peak memory {rss // 1024} MB over {LIMIT_RSS_KB // 1024} MB")
        print(f"{label}: run exit {code}, {seconds:.1f} s, peak {rss // 1024} MB")
        summary = os.path.join(out_dir, "汇总_2026.json")
        if os.path.exists(summary):
            named = {f["file"]: f["fate"] for f in json.load(open(summary, encoding="utf-8"))["files"]}
            missing = [f for f in every_file(folder) if f not in named and not f.startswith(".")]
            # Hidden files are skipped by name but still listed; the roster is not an input.
            missing = [f for f in missing if os.path.basename(f).split(".")[0] not in ("名册", "roster")]
            if missing:
                failures.append(f"{label}: {len(missing)} files not named in the manifest, e.g. {missing[:5]}")
            fates = {}
            for fate in named.values():
                fates[fate.split("：")[0]] = fates.get(fate.split("：")[0], 0) + 1
            print(f"{label}: {len(named)} files named: {fates}")
        else:
            failures.append(f"{label}: run wrote no 汇总_2026.json")
    return failures


def main():
    binary = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "..", "shared", "corpus")
    failures = []
    with tempfile.TemporaryDirectory() as hostile:
        subprocess.run([sys.executable, os.path.join(here, "make_hostile.py"), hostile], check=True)
        failures += survive(binary, hostile, "hostile")
    if os.path.isdir(corpus):
        failures += survive(binary, corpus, "corpus")
    else:
        print(f"corpus not found at {corpus}: skipped (hostile files were still run)")
    if failures:
        print("\nROBUSTNESS FAILURES:\n" + "\n".join(failures))
        sys.exit(1)
    print("robustness: ok")


if __name__ == "__main__":
    main()
