#!/usr/bin/env python3
"""The reports as a reader sees them: rendered by LibreOffice to PDF and read back with poppler.

    python3 tests/render_reports.py target/debug/huizong

Runs `huizong run` on the demo county (`samples/`), converts `通报_2026.docx` and
`汇总_2026.xlsx` to PDF with `soffice --headless`, and checks:

  (a) the 通报's text holds its title, its four parts and 附件;
  (b) the workbook's 总览 sheet (the pages whose first line holds 总览) prints on one page;
  (b) … and the page after it is 排名's first: 总览 does not run on;
  (c) on the 排名 pages (first line holds 排名), with and without --compare, the unit names of the
      roster are printed at 9 pt
      or more. A word's box (yMax - yMin of `pdftotext -bbox-layout`) is a fixed multiple of its
      font size; the multiple is measured on 说明, which prints unscaled at the tables' 10.5 pt.

Needs LibreOffice (Writer and Calc) and poppler-utils; standard-library Python only. CI runs it;
locally: apt-get install -y --no-install-recommends libreoffice-calc libreoffice-writer
poppler-utils fonts-noto-cjk. Prints `render: ok`, or what failed and exits 1.
"""

import csv
import html
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
YEAR = "2026"
TITLE = f"关于{YEAR}年度意识形态工作责任制落实情况的通报"
PARTS = ["一、总体情况", "二、好的做法", "三、存在问题", "四、下步要求", "附件"]
MIN_PT = 9.0
# The tables' font size, at which 说明 prints (unscaled).
BODY_PT = 10.5
CJK = re.compile(r"^[\u4e00-\u9fff]+$")

WORD = re.compile(
    r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>',
    re.S,
)


class Failed(Exception):
    pass


def run(args, cwd=None, env=None, timeout=600):
    """Runs a command; its output, or `Failed` with its stderr."""
    try:
        done = subprocess.run(
            args, cwd=cwd, env=env, capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise Failed(f"{args[0]} not found")
    except subprocess.TimeoutExpired:
        raise Failed(f"{' '.join(map(str, args))} did not finish within {timeout} s")
    if done.returncode != 0:
        raise Failed(
            f"{' '.join(map(str, args))} exited with {done.returncode}:\n"
            + done.stderr.decode("utf-8", "replace")
        )
    return done.stdout.decode("utf-8", "replace")


def to_pdf(soffice, source, outdir, profile):
    """`source` converted by LibreOffice into `outdir`; the PDF's path."""
    run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(source),
        ],
        timeout=600,
    )
    pdf = outdir / (source.stem + ".pdf")
    if not pdf.is_file():
        raise Failed(f"LibreOffice wrote no {pdf.name} for {source.name}")
    return pdf


def pages(pdf):
    """Per page, its lines top to bottom, each `(text, [(word, height)])`."""
    layout = run(["pdftotext", "-bbox-layout", str(pdf), "-"])
    out = []
    for page in re.findall(r"<page\b.*?</page>", layout, re.S):
        lines = []
        for line in re.findall(r"<line\b.*?</line>", page, re.S):
            words = [
                (html.unescape(text).strip(), float(y0), float(x0), float(y1) - float(y0))
                for x0, y0, _x1, y1, text in WORD.findall(line)
            ]
            words = [w for w in words if w[0]]
            if words:
                top = min(w[1] for w in words)
                left = min(w[2] for w in words)
                lines.append((top, left, "".join(w[0] for w in words), [(w[0], w[3]) for w in words]))
        lines.sort(key=lambda l: (round(l[0]), l[1]))
        out.append([(text, words) for _top, _left, text, words in lines])
    return out


def first_line(page):
    return page[0][0] if page else ""


def squeeze(text):
    return re.sub(r"\s+", "", text)


def check_tongbao(pdf, failures):
    text = squeeze(run(["pdftotext", str(pdf), "-"]))
    for needed in [TITLE] + PARTS:
        if needed not in text:
            failures.append(f"(a) the 通报's PDF has no {needed}")
    info = re.search(r"^Pages:\s*(\d+)", run(["pdfinfo", str(pdf)]), re.M)
    print(f"通报: {info.group(1) if info else '?'} pages, {len(text)} characters of text")


def check_summary(pdf, roster, failures):
    sheets = pages(pdf)
    firsts = [first_line(p) for p in sheets]
    overview = [i + 1 for i, f in enumerate(firsts) if "总览" in f]
    print(f"汇总: {len(sheets)} pages; 总览 on pages {overview}")
    if len(overview) != 1:
        failures.append(
            f"(b) 总览 should print on exactly one page, found {len(overview)} "
            f"(first lines: {firsts[:6]})"
        )
    ranking = [i for i, f in enumerate(firsts) if "排名" in f and "总览" not in f]
    print(f"汇总: 排名 on pages {[i + 1 for i in ranking]}")
    if overview and ranking and ranking[0] != overview[0]:
        failures.append(f"(b) 总览 runs on: page {overview[0] + 1} is not followed by 排名")
    if not ranking:
        failures.append(f"(c) no 排名 page (first lines: {firsts[:6]})")
        return
    # Each roster unit's topmost word on the 排名 pages: the table's cell, not a chart's label.
    heights = {}
    for i in ranking:
        for _text, words in sheets[i]:
            for word, height in words:
                if word in roster and word not in heights:
                    heights[word] = height
    if not heights:
        failures.append("(c) no unit name of the roster on the 排名 pages")
        return
    notes = [i for i, f in enumerate(firsts) if "汇总说明" in f]
    unscaled = [h for i in notes for _t, words in sheets[i] for w, h in words if CJK.match(w)]
    if not unscaled:
        failures.append("(c) no 说明 page to measure the font's box at full size")
        return
    box_per_pt = statistics.median(unscaled) / BODY_PT
    sizes = sorted(h / box_per_pt for h in heights.values())
    median = statistics.median(sizes)
    print(
        f"排名: {len(sizes)} unit names printed at min {sizes[0]:.2f} "
        f"median {median:.2f} pt (a word's box is {box_per_pt:.3f} x its size)"
    )
    if median < MIN_PT:
        failures.append(f"(c) 排名 prints unit names at {median:.2f} pt, under {MIN_PT} pt")


def roster_names():
    with open(REPO / "samples" / "名册.csv", encoding="utf-8-sig", newline="") as f:
        return {row["单位名称"].strip() for row in csv.DictReader(f) if row.get("单位名称")}


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} BINARY", file=sys.stderr)
        return 2
    binary = Path(sys.argv[1]).resolve()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    missing = [t for t in ("pdftotext", "pdfinfo") if not shutil.which(t)]
    if not soffice or missing:
        print(
            "render: FAILED: needs LibreOffice (soffice) and poppler-utils "
            f"(missing: {', '.join(missing + ([] if soffice else ['soffice']))})",
            file=sys.stderr,
        )
        return 1
    failures = []
    with tempfile.TemporaryDirectory(prefix="huizong-render-") as tmp:
        tmp = Path(tmp)
        env = dict(os.environ, HUIZONG_TODAY="2027-01-15")
        try:
            run(
                [
                    str(binary), "run", str(REPO / "samples"), "--year", YEAR,
                    "--as-of", f"{YEAR}-12-31", "--out", "out", "--quiet",
                ],
                cwd=tmp,
                env=env,
            )
            profile = tmp / "lo-profile"
            docx = to_pdf(soffice, tmp / "out" / f"通报_{YEAR}.docx", tmp, profile)
            xlsx = to_pdf(soffice, tmp / "out" / f"汇总_{YEAR}.xlsx", tmp, profile)
            check_tongbao(docx, failures)
            check_summary(xlsx, roster_names(), failures)
            # With last year's columns (--compare, here against the same run) 排名 is wider: it
            # still prints at 9 pt.
            run(
                [
                    str(binary), "run", str(REPO / "samples"), "--year", YEAR,
                    "--as-of", f"{YEAR}-12-31", "--out", "compared", "--quiet",
                    "--compare", str(tmp / "out" / f"汇总_{YEAR}.json"),
                ],
                cwd=tmp,
                env=env,
            )
            compared = tmp / "compared" / f"汇总_{YEAR}.xlsx"
            shutil.copy(compared, tmp / "compared.xlsx")
            check_summary(to_pdf(soffice, tmp / "compared.xlsx", tmp, profile), roster_names(), failures)
        except Failed as e:
            failures.append(str(e))
    if failures:
        print("render: FAILED", file=sys.stderr)
        for f in failures:
            print(f"  {f}", file=sys.stderr)
        return 1
    print("render: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
