#!/usr/bin/env python3
"""bench/compare_outputs.py — compare what two huizong builds wrote for one input (used by
bench/compare-outputs.sh; python3.11, openpyxl).

    compare_outputs.py --label L BASE_DIR NEW_DIR

BASE_DIR and NEW_DIR each hold what the script collected from one binary:

    out/            the `run INPUT --year Y --out out --feedback --quiet` folder
    check.jsonl     stdout of `check INPUT --year Y --json`
    check.err       its stderr (the summary)
    run.rc, check.rc  the exit codes

Prints one verdict per item ("same" or "DIFFERENT", with the first differences) and exits 1 when
anything differs, 0 when everything is the same. What is ignored, and only that:

- the generation time: the `生成时间：<time>` in a workbook's subtitle, the 生成时间 row of the
  summary's 说明 sheet, the `（生成于 <time>）` on the first line of 催报名单.txt — in each place
  both sides must still hold a `YYYY-MM-DD HH:MM:SS` time there;
- the 工具版本 row of the 说明 sheet (reported when it differs);
- a top-level generation-time key of 汇总_<year>.json, if one is ever added;
- the key `code` of each NEW `check --json` issue (the refactor adds it; BASE's are kept).

Workbooks are compared by cell value (openpyxl, read-only, values only), sheet by sheet, in order.
Two workbooks whose parts are byte-identical apart from docProps/ (creation time) hold the same
values, and are not opened (COMPARE_NO_SHORTCUT=1 opens them anyway).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import warnings
import zipfile
from pathlib import Path

warnings.filterwarnings("ignore")  # openpyxl: "Conditional Formatting extension is not supported"

import openpyxl  # noqa: E402

MAX_SHOWN = 10  # differences shown per item
TIME = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
SUBTITLE_TIME = re.compile(r"(生成时间：)" + TIME)
REMINDER_TIME = re.compile(r"(生成于 )" + TIME)
IS_TIME = re.compile(TIME + r"\Z")
JSON_TIME_KEYS = ("generated_at", "generated", "generation_time", "生成时间")
NO_SHORTCUT = os.environ.get("COMPARE_NO_SHORTCUT") == "1"


class Report:
    def __init__(self, label: str):
        self.label = label
        self.differences = 0
        self.items = 0

    def verdict(self, same: bool, item: str, details: list[str] | None = None, note: str = "",
                count: bool = True):
        if count:
            self.items += 1
            self.differences += not same
        tag = "same     " if same else "DIFFERENT"
        print(f"  {tag} {item}{'  — ' + note if note else ''}", flush=True)
        for line in details or []:
            print(f"              {line}", flush=True)


def shown(diffs: list[str], total: int) -> list[str]:
    out = diffs[:MAX_SHOWN]
    if total > len(out):
        out.append(f"… {total - len(out)} more")
    return out


def short(v, n: int = 120) -> str:
    s = repr(v)
    return s if len(s) <= n else s[: n - 1] + "…"


# ---------------------------------------------------------------------------------- workbooks


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def same_parts(a: Path, b: Path) -> bool:
    """True when every part outside docProps/ is byte-identical (hence every value is)."""
    if NO_SHORTCUT:
        return False
    try:
        with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
            names = [n for n in za.namelist() if not n.startswith("docProps/")]
            if sorted(names) != sorted(n for n in zb.namelist() if not n.startswith("docProps/")):
                return False
            return all(za.read(n) == zb.read(n) for n in names)
    except (zipfile.BadZipFile, OSError):
        return False


def cell_key(v):
    """Values equal in the workbook compare equal: 1 and 1.0 are one number; '1' is not 1."""
    if v is None:
        return ("none", None)
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, (int, float)):
        return ("num", v)
    if isinstance(v, str):
        return ("str", v)
    return (type(v).__name__, v)


def read_book(path: Path) -> list[tuple[str, list[list]]]:
    """Every sheet, in order, as rows of values; trailing empty cells and rows dropped."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = []
        for ws in wb.worksheets:
            ws.reset_dimensions()  # every cell the sheet holds, whatever its <dimension> says
            rows = []
            for row in ws.iter_rows(values_only=True):
                row = list(row)
                while row and row[-1] is None:
                    row.pop()
                rows.append(row)
            while rows and not rows[-1]:
                rows.pop()
            sheets.append((ws.title, rows))
        return sheets
    finally:
        wb.close()


def mask_book(sheets, notes: list[str], side: str, summary: bool, problems: list[str]):
    """Replaces the generation time (and, on 说明, the tool version) by a placeholder.

    The time must be there in the expected form on both sides; where a subtitle or the 生成时间
    row lacks it, the text is left as it is and the comparison sees it."""
    for title, rows in sheets:
        for r, row in enumerate(rows, 1):
            for c, v in enumerate(row, 1):
                if isinstance(v, str) and SUBTITLE_TIME.search(v):
                    row[c - 1] = SUBTITLE_TIME.sub(r"\1<生成时间>", v)
                    if side == "base":
                        notes.append(f"{title}!{col_letter(c)}{r} (生成时间 in the subtitle)")
            if summary and title == "说明" and len(row) >= 2 and row[0] == "生成时间":
                if isinstance(row[1], str) and IS_TIME.match(row[1]):
                    row[1] = "<生成时间>"
                    if side == "base":
                        notes.append(f"说明!B{r} (生成时间)")
                else:
                    problems.append(f"{side}: 说明!B{r} 生成时间 is not a time: {short(row[1])}")
            if summary and title == "说明" and len(row) >= 2 and row[0] == "工具版本":
                notes.append(f"{side} 说明!B{r} 工具版本 = {row[1]!r}")
                row[1] = "<工具版本>"


# Columns a refactor may add, by sheet: (sheet, header). The 代码 column of 校验问题 carries each
# issue's code, as `code` does in `check --json`.
ADDED_COLUMNS = [("校验问题", "代码")]


def drop_added_columns(base, new, notes: list[str]):
    """Removes from NEW each added column that BASE's sheet does not have (found by its header)."""
    base_by_name = dict(base)
    for title, rows in new:
        for sheet, header in ADDED_COLUMNS:
            if title != sheet or title not in base_by_name:
                continue
            if any(header in r for r in base_by_name[title][:5]):
                continue
            at = next(((i, r.index(header)) for i, r in enumerate(rows[:5]) if header in r), None)
            if at is None:
                continue
            notes.append(f"new {title}: column {header} ignored")
            col = at[1]
            for r, row in enumerate(rows):
                if col < len(row):
                    del row[col]
                while row and row[-1] is None:
                    row.pop()


def compare_book(a: Path, b: Path, summary: bool) -> tuple[bool, list[str], str]:
    """(same, details, note) for two workbooks' cell values."""
    if not summary and same_parts(a, b):
        return True, [], ""
    try:
        sa, sb = read_book(a), read_book(b)
    except Exception as e:  # noqa: BLE001 — a workbook openpyxl cannot read is a finding
        return False, [f"cannot read: {type(e).__name__}: {e}"], ""
    notes: list[str] = []
    problems: list[str] = []
    mask_book(sa, notes, "base", summary, problems)
    mask_book(sb, notes, "new", summary, problems)
    if summary:
        drop_added_columns(sa, sb, notes)
    diffs: list[str] = list(problems)
    total = len(diffs)
    names_a, names_b = [t for t, _ in sa], [t for t, _ in sb]
    if names_a != names_b:
        diffs.append(f"sheets: base {names_a}, new {names_b}")
        total += 1
    b_by_name = dict(sb)
    for title, rows_a in sa:
        rows_b = b_by_name.get(title)
        if rows_b is None:
            continue
        if len(rows_a) != len(rows_b):
            diffs.append(f"{title}: base {len(rows_a)} rows, new {len(rows_b)} rows")
            total += 1
        for r in range(max(len(rows_a), len(rows_b))):
            ra = rows_a[r] if r < len(rows_a) else []
            rb = rows_b[r] if r < len(rows_b) else []
            if ra == rb and [cell_key(v) for v in ra] == [cell_key(v) for v in rb]:
                continue
            for c in range(max(len(ra), len(rb))):
                va = ra[c] if c < len(ra) else None
                vb = rb[c] if c < len(rb) else None
                if cell_key(va) != cell_key(vb):
                    total += 1
                    if len(diffs) < MAX_SHOWN:
                        diffs.append(f"{title}!{col_letter(c + 1)}{r + 1}: base {short(va)}, new {short(vb)}")
    versions = [n for n in notes if "工具版本" in n]
    ignored = [n for n in notes if "工具版本" not in n]
    note_parts = []
    if ignored:
        note_parts.append("ignored " + ", ".join(ignored))
    if len(versions) == 2 and versions[0].split("= ")[1] != versions[1].split("= ")[1]:
        note_parts.append("工具版本 differs (ignored): " + "; ".join(versions))
    sizes = ", ".join(f"{t} {len(rows)}×{max((len(x) for x in rows), default=0)}" for t, rows in sa)
    note = f"{len(sa)} sheets ({sizes})" + ("; " + "; ".join(note_parts) if note_parts else "")
    return total == 0, shown(diffs, total), note


# ---------------------------------------------------------------------------------- other files


def json_diff(a, b, path: str, out: list[str], count: list[int]):
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))
                                        and not isinstance(a, bool) and not isinstance(b, bool)):
        count[0] += 1
        if len(out) < MAX_SHOWN:
            out.append(f"{path or '/'}: base {short(a)}, new {short(b)}")
    elif isinstance(a, dict):
        for k in list(a) + [k for k in b if k not in a]:
            p = f"{path}/{k}"
            if k not in b:
                count[0] += 1
                if len(out) < MAX_SHOWN:
                    out.append(f"{p}: only in base")
            elif k not in a:
                count[0] += 1
                if len(out) < MAX_SHOWN:
                    out.append(f"{p}: only in new")
            else:
                json_diff(a[k], b[k], p, out, count)
    elif isinstance(a, list):
        if len(a) != len(b):
            count[0] += 1
            if len(out) < MAX_SHOWN:
                out.append(f"{path or '/'}: base {len(a)} items, new {len(b)} items")
        for i, (x, y) in enumerate(zip(a, b)):
            json_diff(x, y, f"{path}/{i}", out, count)
    elif a != b:
        count[0] += 1
        if len(out) < MAX_SHOWN:
            out.append(f"{path or '/'}: base {short(a)}, new {short(b)}")


def compare_json(a: Path, b: Path) -> tuple[bool, list[str], str]:
    try:
        ja, jb = json.loads(a.read_bytes()), json.loads(b.read_bytes())
    except ValueError as e:
        return False, [f"not JSON: {e}"], ""
    ignored = []
    for j in (ja, jb):
        if isinstance(j, dict):
            for k in JSON_TIME_KEYS:
                if k in j:
                    j.pop(k)
                    ignored.append(k)
    diffs: list[str] = []
    count = [0]
    json_diff(ja, jb, "", diffs, count)
    note = f"ignored key(s) {sorted(set(ignored))}" if ignored else ""
    return count[0] == 0, shown(diffs, count[0]), note


def first_line_diff(a: bytes, b: bytes) -> list[str]:
    la, lb = a.split(b"\n"), b.split(b"\n")
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else None
        y = lb[i] if i < len(lb) else None
        if x != y:
            dec = lambda s: "<no line>" if s is None else short(s.decode("utf-8", "replace"))  # noqa: E731
            return [f"line {i + 1}: base {dec(x)}", f"{' ' * len(str(i + 1))}      new  {dec(y)}"]
    return []


def compare_bytes(a: Path, b: Path, mask_first_line=None) -> tuple[bool, list[str], str]:
    da, db = a.read_bytes(), b.read_bytes()
    note = f"{len(da)} bytes"
    if mask_first_line is not None:
        masked = []
        for d in (da, db):
            head, sep, rest = d.partition(b"\n")
            text = head.decode("utf-8", "replace")
            if mask_first_line.search(text):
                head = mask_first_line.sub(r"\1<生成时间>", text).encode()
            masked.append(head + sep + rest)
        da, db = masked
        note += ", the generation time on line 1 ignored"
    if da == db:
        return True, [], note
    return False, [f"sizes: base {a.stat().st_size}, new {b.stat().st_size}"] + first_line_diff(da, db), note


def load_issues(path: Path, drop_code: bool) -> tuple[list, int, list[str]]:
    """The issues as lists of (key, value) pairs, in key order; the count of `code` keys dropped."""
    issues, codes, bad = [], 0, []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            pairs = json.loads(line, object_pairs_hook=list)
        except ValueError as e:
            bad.append(f"{path.parent.name} line {n} is not JSON ({e}): {short(line)}")
            continue
        if not isinstance(pairs, list) or not all(isinstance(p, tuple) for p in pairs):
            bad.append(f"{path.parent.name} line {n} is not a JSON object: {short(line)}")
            continue
        if drop_code:
            before = len(pairs)
            pairs = [(k, v) for k, v in pairs if k != "code"]
            codes += before - len(pairs)
        issues.append(pairs)
    return issues, codes, bad


def compare_check(a: Path, b: Path) -> tuple[bool, list[str], str]:
    ia, _, bad_a = load_issues(a, drop_code=False)
    ib, codes, bad_b = load_issues(b, drop_code=True)
    diffs = bad_a + bad_b
    total = len(diffs)
    if len(ia) != len(ib):
        diffs.append(f"base {len(ia)} issues, new {len(ib)} issues")
        total += 1
    for n, (x, y) in enumerate(zip(ia, ib), 1):
        if x == y:
            continue
        total += 1
        if len(diffs) >= MAX_SHOWN:
            continue
        dx, dy = dict(x), dict(y)
        if dx == dy:
            diffs.append(f"issue {n}: key order: base {[k for k, _ in x]}, new {[k for k, _ in y]}")
        else:
            keys = [k for k in list(dx) + [k for k in dy if k not in dx] if dx.get(k, ...) != dy.get(k, ...)]
            parts = [f"{k}: base {short(dx.get(k, '<absent>'), 60)}, new {short(dy.get(k, '<absent>'), 60)}"
                     for k in keys]
            diffs.append(f"issue {n}: " + "; ".join(parts))
    note = f"{len(ia)} issues; `code` dropped from {codes} of NEW's {len(ib)}"
    return total == 0, shown(diffs, total), note


# ---------------------------------------------------------------------------------- main


def files_under(d: Path) -> set[str]:
    return {p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file() or p.is_symlink()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--label", required=True)
    ap.add_argument("base", type=Path)
    ap.add_argument("new", type=Path)
    args = ap.parse_args()
    rep = Report(args.label)
    base, new = args.base, args.new
    print(f"== {args.label}", flush=True)

    for name, what in (("run.rc", "run exit code"), ("check.rc", "check exit code")):
        x, y = (base / name).read_text().strip(), (new / name).read_text().strip()
        rep.verdict(x == y, what, [] if x == y else [f"base {x}, new {y}"], note=x if x == y else "")
    same, details, note = compare_bytes(base / "check.err", new / "check.err")
    rep.verdict(same, "check summary (stderr)", details)
    same, details, note = compare_check(base / "check.jsonl", new / "check.jsonl")
    rep.verdict(same, "check --json (stdout)", details, note)

    fa, fb = files_under(base / "out"), files_under(new / "out")
    only_a, only_b = sorted(fa - fb), sorted(fb - fa)
    rep.verdict(not only_a and not only_b, "set of files written",
                [f"only base: {p}" for p in only_a[:MAX_SHOWN]] + [f"only new: {p}" for p in only_b[:MAX_SHOWN]],
                f"{len(fa)} files" if fa == fb else f"base {len(fa)}, new {len(fb)}")

    common = sorted(fa & fb)
    feedback = [p for p in common if p.startswith("反馈/") and p.endswith(".xlsx")]
    for p in common:
        a, b = base / "out" / p, new / "out" / p
        if "/" not in p and p.startswith("汇总_") and p.endswith(".xlsx"):
            same, details, note = compare_book(a, b, summary=True)
            rep.verdict(same, p, details, note)
        elif "/" not in p and p.startswith("汇总_") and p.endswith(".json"):
            same, details, note = compare_json(a, b)
            rep.verdict(same, p, details, note)
        elif p == "催报名单.txt":
            same, details, note = compare_bytes(a, b, mask_first_line=REMINDER_TIME)
            rep.verdict(same, p, details, note)
        elif p in feedback:
            continue
        else:
            same, details, note = compare_bytes(a, b)
            rep.verdict(same, p, details, note)

    # The feedback workbooks: one line for all of them, and one per workbook that differs.
    differing = 0
    for p in feedback:
        same, details, note = compare_book(base / "out" / p, new / "out" / p, summary=False)
        if not same:
            differing += 1
            rep.verdict(False, p, details, count=False)
    rep.verdict(not differing, "反馈/*.xlsx cell values",
                note=f"{len(feedback)} workbooks compared" + (f", {differing} differ (above)" if differing else ""))

    print(f"   {args.label}: {rep.items} items, "
          + ("all the same" if not rep.differences else f"{rep.differences} DIFFERENT"), flush=True)
    return 1 if rep.differences else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # noqa: BLE001 — a crash here is not "different": exit 3
        import traceback

        traceback.print_exc()
        sys.exit(3)
