"""Peer 1: what an IT colleague would write with pandas + openpyxl.

    python pandas_openpyxl.py DIR OUT

For every workbook under DIR: read every sheet with pandas (openpyxl engine), find the header row
naively by known column names, tag the rows with the unit (from 基本信息, else the file name),
stack the rows per sheet name, count rows per unit, and write OUT/汇总.xlsx. A plain loop over the
files, no multiprocessing: that is what a colleague writes. Nothing is validated.
"""

import io
import os
import sys
import time

import pandas as pd

from common import (column_names, decode_csv, find_files, find_header, report, unit_from_filename,
                    unit_from_info)


def sheet_rows(df):
    return df.astype(object).where(df.notna(), None).values.tolist()


def main(src, out):
    started = time.perf_counter()
    stacked = {}  # sheet name -> list of DataFrames
    files = failed = sheets = 0
    for path in find_files(src):
        files += 1
        try:
            if path.lower().endswith(".csv"):
                book = {os.path.splitext(os.path.basename(path))[0]:
                        pd.read_csv(io.StringIO(decode_csv(path)), header=None, dtype=str)}
            else:
                book = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
        except Exception as e:  # noqa: BLE001 - a colleague's script carries on
            print(f"无法读取 {path}: {e}", file=sys.stderr)
            failed += 1
            continue
        unit = None
        for name, df in book.items():
            if unit is None:
                unit = unit_from_info(sheet_rows(df.head(15)))
        unit = unit or unit_from_filename(path)
        for name, df in book.items():
            sheets += 1
            h = find_header(sheet_rows(df.head(15)))
            if h is None:
                continue
            data = df.iloc[h + 1:].copy()
            data.columns = column_names(df.iloc[h].tolist())
            data = data.dropna(how="all")
            if "单位名称" not in data.columns:
                data["单位名称"] = unit
            data["文件"] = os.path.relpath(path, src)
            stacked.setdefault(name.strip(), []).append(data)

    counts = []
    rows = 0
    for name, frames in stacked.items():
        df = pd.concat(frames, ignore_index=True)
        rows += len(df)
        counts.append(df.groupby("单位名称").size().rename(name))
    summary = pd.concat(counts, axis=1).fillna(0).astype(int) if counts else pd.DataFrame()
    summary.index.name = "单位名称"
    summary["合计"] = summary.sum(axis=1)
    os.makedirs(out, exist_ok=True)
    summary.sort_values("合计", ascending=False).to_excel(
        os.path.join(out, "汇总.xlsx"), sheet_name="汇总", engine="openpyxl")
    report("pandas_openpyxl", started, files, failed, sheets, rows, len(summary))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: pandas_openpyxl.py DIR OUT")
    main(sys.argv[1], sys.argv[2])
