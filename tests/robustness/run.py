#!/usr/bin/env python3
"""The robustness run: huizong over the shared corpus of reader-breaking spreadsheets (calamine's
and Apache POI's test files) and over the hostile files `make_hostile.py` writes.

Asserts, for `check` and for `run`: the exit code is 0 or 1 (never a crash), no panic text on
stderr, peak memory under 1 GiB, a wall-time bound, every input file named in the output (`run`
lists every file with its fate in 汇总_<year>.json), none read through a link to a folder or from
an earlier report set, and no content read twice. Exits 1 with the reasons otherwise.

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


MARKER = ".huizong-报表"


def rel(path, folder):
    return os.path.relpath(path, folder).replace(os.sep, "/")


def every_file(folder):
    """Every file huizong must name: not in hidden folders or earlier report sets (os.walk does
    not follow links to folders, and neither does huizong out of the input)."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and not os.path.exists(os.path.join(root, d, MARKER))]
        for name in files:
            yield rel(os.path.join(root, name), folder)


def not_to_read(folder):
    """The folders whose files must never be read: earlier report sets, and what links to folders
    lead to (out of the input, or back into it: each file is read by its real path)."""
    for root, dirs, _ in os.walk(folder):
        for d in dirs:
            path = os.path.join(root, d)
            if os.path.islink(path) or os.path.exists(os.path.join(path, MARKER)):
                yield rel(path, folder) + "/"


def read_once(files):
    """Files of the same content of which more than one was read."""
    read = {}
    for f in files:
        if f.get("sha256") and f["fate"] == "已读取":
            read.setdefault(f["sha256"], []).append(f["file"])
    return [names for names in read.values() if len(names) > 1]


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
        code, _, err, seconds, rss = run(binary, ["run", folder, "--year", "2026", "--out", out_dir, "--feedback", "--quiet"])
        if code != 0:
            failures.append(f"{label}: run exited {code}: {err[-2000:]}")
        if "panicked" in err:
            failures.append(f"{label}: panic text on stderr: {err[-2000:]}")
        if rss > LIMIT_RSS_KB:
            failures.append(f"{label}: run peak memory {rss // 1024} MB over {LIMIT_RSS_KB // 1024} MB")
        print(f"{label}: run exit {code}, {seconds:.1f} s, peak {rss // 1024} MB")
        summary = os.path.join(out_dir, "汇总_2026.json")
        if os.path.exists(summary):
            files = json.load(open(summary, encoding="utf-8"))["files"]
            named = {f["file"]: f["fate"] for f in files}
            forbidden = tuple(not_to_read(folder))
            read_there = [f for f in named if f.startswith(forbidden)] if forbidden else []
            if read_there:
                failures.append(f"{label}: files read through a link or from a report set, e.g. {read_there[:5]}")
            twice = read_once(files)
            if twice:
                failures.append(f"{label}: one content read more than once: {twice[:3]}")
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
