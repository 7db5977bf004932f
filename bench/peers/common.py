"""What the three peer scripts share: finding the files, finding the header row, naming the unit.

Written the way an IT colleague would write it on a Friday afternoon: no validation, no
normalisation beyond stripping whitespace, a plain loop over the files. The peers exist to be
timed against huizong on the same folder (bench/run.sh), not to be correct.
"""

import os
import sys
import time

# A header row is a row among the first 15 that names at least two of these columns.
KNOWN_COLUMNS = {
    "序号", "日期", "学习形式", "学习主题", "参学人数", "类型", "议题", "主持人",
    "形式", "对象", "发现问题数", "问责日期", "被问责对象", "对象类别", "问责情形", "单位名称",
}
HEADER_SEARCH_ROWS = 15
SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".csv")


def find_files(root):
    """Every spreadsheet under root, skipping Office lock files (~$...) and the roster."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("~$") or name.startswith("."):
                continue
            if not name.lower().endswith(SPREADSHEET_EXTENSIONS):
                continue
            if name.startswith("名册"):
                continue
            found.append(os.path.join(folder, name))
    # BENCH_PEER_SAMPLE=N: only every N-th file, for when a peer is too slow for the whole
    # folder; run.sh scales the time back up and says so in RESULTS.md.
    step = int(os.environ.get("BENCH_PEER_SAMPLE", "1") or "1")
    return found[::step] if step > 1 else found


def text(value):
    return "" if value is None else str(value).strip()


def find_header(rows):
    """Index of the header row among the first rows (lists of cell values), or None."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for v in row if text(v) in KNOWN_COLUMNS) >= 2:
            return i
    return None


def column_names(header_row):
    """Header cells as column names; blanks and repeats get a suffix so frames can be stacked."""
    names, seen = [], {}
    for i, v in enumerate(header_row):
        name = text(v) or f"列{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


def unit_from_info(rows):
    """The 单位名称 value of a 基本信息-style key/value sheet, or None."""
    for row in rows[:HEADER_SEARCH_ROWS]:
        cells = [text(v) for v in row]
        if cells and cells[0] == "单位名称" and len(cells) > 1 and cells[1]:
            return cells[1]
    return None


def unit_from_filename(path):
    """What a colleague does when the workbook has no 基本信息: the file name up to the year."""
    stem = os.path.splitext(os.path.basename(path))[0]
    for cut in ("20", "年", "意识形态"):
        if cut in stem:
            return stem.split(cut)[0] or stem
    return stem


def decode_csv(path):
    """County CSVs come in UTF-8 (with or without BOM) or GBK."""
    raw = open(path, "rb").read()
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                continue
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("gb18030", errors="replace")


def report(name, started, files, failed, sheets, rows, units):
    print(
        f"{name}: files={files} failed={failed} sheets={sheets} rows={rows} units={units} "
        f"elapsed={time.perf_counter() - started:.3f}s",
        file=sys.stderr,
    )
