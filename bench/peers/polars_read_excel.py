"""Peer 2: the same as pandas_openpyxl.py with polars.read_excel (calamine engine, via fastexcel).

    python polars_read_excel.py DIR OUT

For every workbook under DIR: read every sheet with polars (all columns as text, since ledger
columns mix titles, dates and numbers), find the header row naively by known column names, tag the
rows with the unit, stack per sheet name, count rows per unit, write OUT/汇总.xlsx. A plain loop
over the files, no multiprocessing: that is what a colleague writes. Nothing is validated.
"""

import io
import os
import sys
import time

import polars as pl

from common import (column_names, decode_csv, find_files, find_header, report, unit_from_filename,
                    unit_from_info)


def main(src, out):
    started = time.perf_counter()
    stacked = {}  # sheet name -> list of DataFrames
    files = failed = sheets = 0
    for path in find_files(src):
        files += 1
        try:
            if path.lower().endswith(".csv"):
                book = {os.path.splitext(os.path.basename(path))[0]: pl.read_csv(
                    io.StringIO(decode_csv(path)), has_header=False, infer_schema=False)}
            else:
                # sheet_id=0: every sheet, as a dict; infer_schema_length=0: every column as text.
                book = pl.read_excel(path, sheet_id=0, engine="calamine", has_header=False,
                                     infer_schema_length=0)
        except Exception as e:  # noqa: BLE001 - a colleague's script carries on
            print(f"无法读取 {path}: {e}", file=sys.stderr)
            failed += 1
            continue
        unit = None
        for name, df in book.items():
            if unit is None:
                unit = unit_from_info(df.head(15).rows())
        unit = unit or unit_from_filename(path)
        for name, df in book.items():
            sheets += 1
            h = find_header(df.head(15).rows())
            if h is None:
                continue
            data = df.slice(h + 1)
            data.columns = column_names(df.row(h))
            data = data.filter(~pl.all_horizontal(pl.all().is_null()))
            if "单位名称" not in data.columns:
                data = data.with_columns(pl.lit(unit).alias("单位名称"))
            data = data.with_columns(pl.lit(os.path.relpath(path, src)).alias("文件"))
            stacked.setdefault(name.strip(), []).append(data)

    summary = None
    rows = 0
    for name, frames in stacked.items():
        df = pl.concat(frames, how="diagonal_relaxed")
        rows += df.height
        counts = df.group_by("单位名称").len(name=name)
        summary = counts if summary is None else summary.join(
            counts, on="单位名称", how="full", coalesce=True)
    os.makedirs(out, exist_ok=True)
    units = 0
    if summary is not None:
        summary = summary.fill_null(0)
        summary = summary.with_columns(
            pl.sum_horizontal(pl.exclude("单位名称")).alias("合计")).sort("合计", descending=True)
        units = summary.height
        summary.write_excel(os.path.join(out, "汇总.xlsx"), worksheet="汇总")
    report("polars_read_excel", started, files, failed, sheets, rows, units)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: polars_read_excel.py DIR OUT")
    main(sys.argv[1], sys.argv[2])
