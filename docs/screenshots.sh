#!/usr/bin/env bash
# Redraws the README's pictures from the committed samples: the summary as of the year's end and
# as of 5 July, the 通报's first page, and a 乡镇 template's 填报说明, each printed by LibreOffice
# and its page rendered.
# usage: docs/screenshots.sh [BINARY]   (needs soffice and pdftoppm: libreoffice-calc, poppler-utils)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/huizong}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
HUIZONG_TODAY=2027-01-15 "$bin" run samples --out "$tmp/year" --quiet
HUIZONG_TODAY=2027-01-15 "$bin" run samples --as-of 2026-07-05 --out "$tmp/mid" --quiet
"$bin" template --unit-type 乡镇 --unit 龙爪镇 --year 2026 --out "$tmp/template.xlsx" >/dev/null
cp "$tmp/year/汇总_2026.xlsx" "$tmp/year.xlsx"
cp "$tmp/year/通报_2026.docx" "$tmp/tongbao.docx"
cp "$tmp/mid/汇总_2026.xlsx" "$tmp/mid.xlsx"
(cd "$tmp" && soffice --headless --convert-to pdf year.xlsx mid.xlsx template.xlsx tongbao.docx >/dev/null 2>&1)
# The page of a PDF whose text starts with a title, as a PNG at 90 dpi.
page() {
  local pdf=$1 title=$2 out=$3 pages n text
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  for n in $(seq 1 "$pages"); do
    text=$(pdftotext -f "$n" -l "$n" "$pdf" -)
    if [[ "${text%%$'\n'*}" == *"$title"* ]]; then
      pdftoppm -r 90 -f "$n" -l "$n" -singlefile -png "$pdf" "docs/$out"
      return
    fi
  done
  echo "no page titled $title in $pdf" >&2
  exit 1
}
page "$tmp/year.pdf" "落实情况总览" 总览
page "$tmp/year.pdf" "落实情况排名" 排名
page "$tmp/year.pdf" "未达标明细" 未达标明细
page "$tmp/year.pdf" "各月工作开展情况" 分月统计
page "$tmp/year.pdf" "取消评优评先资格名单" 取消评优评先资格
page "$tmp/mid.pdf" "落实情况排名" 排名_年中
page "$tmp/template.pdf" "填报说明" 模板_填报说明
page "$tmp/tongbao.pdf" "关于" 通报
