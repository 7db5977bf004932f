"""Peer 3: the same as pandas_openpyxl.py with DuckDB's read_xlsx (the excel extension).

    python duckdb_read_xlsx.py DIR OUT

For every workbook under DIR: list its sheets (DuckDB cannot, so from xl/workbook.xml), read every
sheet with read_xlsx as text, find the header row naively by known column names, tag the rows with
the unit, stack per sheet name in DuckDB, count rows per unit with SQL, and COPY the summary to
OUT/汇总.xlsx. A plain loop over the files, no multiprocessing: that is what a colleague writes.

Exits 3 (and run.sh reports the peer as skipped) when the excel extension cannot be loaded: it is
normally downloaded at run time, which this machine cannot do, so the script loads the copy that
the PyPI package duckdb-ext-excel ships, which only exists for some DuckDB versions.

read_xlsx limits: it sizes a sheet without a header by its first row (here a one-cell merged
title), so every sheet is read as the fixed range A1:Z2000 with its empty rows filtered out in
SQL; .xls is not supported and is counted as failed.
"""

import os
import re
import sys
import tempfile
import time
import zipfile

import duckdb
import pyarrow as pa

from common import (column_names, decode_csv, find_files, find_header, report, unit_from_filename,
                    unit_from_info)

RANGE = "A1:Z2000"


def connect():
    con = duckdb.connect()
    try:
        con.execute("LOAD excel")
        return con
    except duckdb.Error:
        pass
    try:
        import duckdb_ext  # the duckdb-ext-excel package

        path = os.path.join(list(duckdb_ext.__path__)[0], "extensions", "v" + duckdb.__version__,
                            duckdb.execute("PRAGMA platform").fetchone()[0],
                            "excel.duckdb_extension")
        con.execute(f"LOAD '{path}'")
        return con
    except Exception as e:  # noqa: BLE001
        print(f"duckdb_read_xlsx: excel extension unavailable ({e})", file=sys.stderr)
        sys.exit(3)


def sheet_names(path):
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/workbook.xml").decode("utf-8")
    return [re.sub(r"&amp;", "&", n) for n in re.findall(r'<sheet [^>]*?name="([^"]*)"', xml)]


def main(src, out):
    started = time.perf_counter()
    con = connect()
    stacked = {}  # sheet name -> list of row dicts
    files = failed = sheets = 0
    for path in find_files(src):
        files += 1
        try:
            if path.lower().endswith(".csv"):
                # read_csv knows UTF-8 only: decode to a UTF-8 copy first.
                with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8") as tmp:
                    tmp.write(decode_csv(path))
                    tmp.flush()
                    rows = con.execute("SELECT * FROM read_csv(?, header=false, all_varchar=true)",
                                       [tmp.name]).fetchall()
                book = {os.path.splitext(os.path.basename(path))[0]: rows}
            else:
                book = {}
                for name in sheet_names(path):
                    book[name] = con.execute(
                        "SELECT * FROM read_xlsx(?, sheet=?, header=false, all_varchar=true, "
                        "stop_at_empty=false, range=?) WHERE concat_ws('', *COLUMNS(*)) <> ''",
                        [path, name, RANGE]).fetchall()
        except Exception as e:  # noqa: BLE001 - a colleague's script carries on
            print(f"无法读取 {path}: {e}", file=sys.stderr)
            failed += 1
            continue
        unit = None
        for rows in book.values():
            if unit is None:
                unit = unit_from_info(rows)
        unit = unit or unit_from_filename(path)
        relpath = os.path.relpath(path, src)
        for name, rows in book.items():
            sheets += 1
            h = find_header(rows)
            if h is None:
                continue
            names = column_names(rows[h])
            target = stacked.setdefault(name.strip(), [])
            for row in rows[h + 1:]:
                if all(v is None for v in row):
                    continue
                record = {k: v for k, v in zip(names, row) if not k.startswith("列")}
                record.setdefault("单位名称", unit)
                record["文件"] = relpath
                target.append(record)

    total = 0
    parts = []
    for i, (name, records) in enumerate(stacked.items()):
        if not records:  # a header and no rows: nothing to stack
            continue
        arrow_rows = pa.Table.from_pylist(records)  # noqa: F841 - DuckDB scans it by name
        con.execute(f"CREATE TABLE s{i} AS SELECT * FROM arrow_rows")
        total += con.execute(f"SELECT count(*) FROM s{i}").fetchone()[0]
        quoted = name.replace('"', '""')
        parts.append(f'SELECT 单位名称, \'{quoted.replace(chr(39), chr(39) * 2)}\' AS 工作表, '
                     f'count(*) AS n FROM s{i} GROUP BY 单位名称')
    os.makedirs(out, exist_ok=True)
    units = 0
    if parts:
        con.execute("CREATE TABLE counts AS " + " UNION ALL ".join(parts))
        con.execute("CREATE TABLE summary AS PIVOT counts ON 工作表 USING sum(n) GROUP BY 单位名称")
        units = con.execute("SELECT count(*) FROM summary").fetchone()[0]
        target = os.path.join(out, "汇总.xlsx").replace("'", "''")
        con.execute(f"COPY (SELECT * FROM summary ORDER BY 单位名称) TO '{target}' "
                    "(FORMAT xlsx, HEADER true, SHEET '汇总')")
    report("duckdb_read_xlsx", started, files, failed, sheets, total, units)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: duckdb_read_xlsx.py DIR OUT")
    main(sys.argv[1], sys.argv[2])
