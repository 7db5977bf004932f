#!/usr/bin/env python3
"""Writes hostile spreadsheet files into a folder, with the Python standard library only.

Each file attacks one way a reader can be made to crash, hang or exhaust memory: cells far apart,
lying counts, zip and XML bombs, external entities, truncated, encrypted-looking and renamed files;
and what else a folder of submissions holds: a copy of one, an earlier report set, links out of the
folder and links round a loop.
`run.py` runs huizong over them and asserts it survives with an honest reason for every file.
"""
import io
import os
import struct
import sys
import zipfile

CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="学习记录" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WB_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
SST = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}"><si><t>日期</t></si><si><t>学习形式</t></si></sst>"""


def sheet(rows, prolog="", dimension="A1"):
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + prolog +
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


HEADER = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'


def xlsx(path, sheet_xml, sst=SST.format(n=2), compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WB_RELS)
        z.writestr("xl/sharedStrings.xml", sst)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)


def declare_size(path, part, size):
    """Rewrites the uncompressed size a zip declares for `part`, in both of its headers."""
    data = bytearray(open(path, "rb").read())
    name = part.encode()
    for magic, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        i = data.find(magic)
        while i >= 0:
            n = struct.unpack_from("<H", data, i + name_len_at)[0]
            if data[i + name_at:i + name_at + n] == name:
                struct.pack_into("<I", data, i + size_at, size)
            i = data.find(magic, i + 4)
    open(path, "wb").write(data)


def main(out):
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)
    # Cells at A1 and XFD1048576: a dense grid would be 17 billion cells.
    xlsx(p("far_apart.xlsx"), sheet(HEADER + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', dimension="A1:XFD1048576"))
    # A shared-strings table that claims two billion strings.
    xlsx(p("lying_count.xlsx"), sheet(HEADER), sst=SST.format(n=2_000_000_000))
    # 200 MB of spaces inside the sheet: a 1000-fold inflation.
    xlsx(p("zip_bomb.xlsx"), sheet(HEADER + " " * (200 * 1024 * 1024)))
    # A part that declares 1 KB but inflates to 64 MB (one huge string): readers must not trust
    # the header and must stop at it.
    lying = p("lying_size.xlsx")
    xlsx(lying, sheet(HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>' + "a" * (64 * 1024 * 1024) + "</t></is></c></row>"))
    declare_size(lying, "xl/worksheets/sheet1.xml", 1024)
    # Billion laughs.
    laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    ) + "]>"
    xlsx(p("entity_bomb.xlsx"), sheet(HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>', prolog=laughs))
    # An external entity pointing at a local file.
    xxe = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    xlsx(p("xxe.xlsx"), sheet(HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>&xxe;</t></is></c></row>', prolog=xxe))
    # Formulas with no cached value, a cell given twice, NaN and infinity.
    xlsx(p("formulas_dupes.xlsx"), sheet(
        HEADER.replace("</row>", '<c r="C1" t="inlineStr"><is><t>学习主题</t></is></c><c r="D1" t="inlineStr"><is><t>参学人数</t></is></c></row>') +
        '<row r="2"><c r="A2"><f>TODAY()</f></c><c r="B2" t="inlineStr"><is><t>集中学习</t></is></c><c r="D2"><v>NaN</v></c><c r="D2"><v>inf</v></c></row>'
    ))
    # A row repeated a million times in ODS, each with 16,384 repeated cells.
    ods = io.BytesIO()
    with zipfile.ZipFile(ods, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
        z.writestr("content.xml", '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="学习记录"><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    open(p("repeated.ods"), "wb").write(ods.getvalue())
    # Truncated, empty, renamed and not-a-spreadsheet files.
    good = open(p("far_apart.xlsx"), "rb").read()
    open(p("truncated.xlsx"), "wb").write(good[: len(good) // 2])
    open(p("empty.xlsx"), "wb").write(b"")
    open(p("html_as.xls"), "wb").write("<html><body><table><tr><td>日期</td></tr></table></body></html>".encode("utf-8"))
    open(p("pdf_as.xlsx"), "wb").write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    open(p("random.xls"), "wb").write(bytes((i * 7919) % 251 for i in range(4096)))
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    open(p("word_as.xlsx"), "wb").write(docx.getvalue())
    # An OLE header with nothing valid behind it, as an encrypted package or a broken .xls looks.
    open(p("ole_garbage.xls"), "wb").write(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + b"\xff" * 2048)
    # A CSV with bytes valid in no encoding, and one with three million cells.
    open(p("bad_bytes.csv"), "wb").write("日期,学习形式\n".encode("utf-8") + b"\xff\xfe\xfa,\x80\x81\n")
    with open(p("huge.csv"), "w", encoding="utf-8") as f:
        f.write("日期,学习形式,学习主题,参学人数,备注,x,y,z,w,v\n")
        line = "2026-03-05,集中学习,二十大,30,,1,2,3,4,5\n"
        f.write(line * 310_000)
    what_a_unit_types(out)
    inputs_that_are_not_submissions(out)


def what_a_unit_types(out):
    """Cells and names that must not stop the reports: a cell longer than Excel holds, a sheet
    of 10,000 columns, a record of 20,000 fields, a field of 2 MB of commas and line breaks, a
    line of 5 MB, formulas a spreadsheet would run, unit names no file system takes."""
    p = lambda name: os.path.join(out, name)
    header = "单位名称,序号,日期,学习形式,学习主题,参学人数"
    with open(p("long_cell.csv"), "w", encoding="utf-8") as f:
        f.write(f"{header}\n甲镇,1,2026-03-05,集中学习,{'学' * 40_000},{'9' * 40_000}\n")
    with open(p("wide.csv"), "w", encoding="utf-8") as f:
        f.write(header + "," + ",".join(f"附加{i}" for i in range(10_000)) + "\n")
        f.write("甲镇,1,2026-03-05,集中学习,a,3\n")
    with open(p("many_fields.csv"), "w", encoding="utf-8") as f:
        f.write(header + "\n" + "," * 20_000 + "\n")
    with open(p("comma_field.csv"), "w", encoding="utf-8") as f:
        f.write(header + '\n甲镇,1,2026-03-05,集中学习,"' + "a,b\n" * 500_000 + '",3\n')
    with open(p("long_line.csv"), "w", encoding="utf-8") as f:
        f.write(header + "\n" + "a" * 5_000_000 + "\n")
    names = ["镇" * 100, "a/b", "a\\b", "CON", "甲\n乙", "丙\u202exslx.exe", "=cmd|' /C calc'!A0"]
    with open(p("hostile_names.csv"), "w", encoding="utf-8") as f:
        f.write(header + "\n")
        for i, name in enumerate(names):
            quoted = name.replace('"', '""')
            f.write(f'"{quoted}",{i},2026-03-05,读书会,"=HYPERLINK(""http://x"")",3\n')


def inputs_that_are_not_submissions(out):
    """What a folder of submissions holds besides them: a copy of a submission, an earlier report
    set of huizong's, links out of the folder and links back round it (two of those once made the
    search run away)."""
    p = lambda name: os.path.join(out, name)
    export = "单位名称,序号,日期,学习形式,学习主题,参学人数\n" + "".join(
        f"单位{i},{i + 1},2026-03-{i % 28 + 1:02d},集中学习,二十大,30\n" for i in range(50)
    )
    for name in ("网上填报_学习记录.csv", "网上填报_学习记录(1).csv"):
        open(p(name), "w", encoding="utf-8").write(export)
    os.makedirs(p("2025年报表/明细"))
    open(p("2025年报表/.huizong-报表"), "w", encoding="utf-8").write("huizong 报表文件夹\n")
    open(p("2025年报表/明细/学习记录.csv"), "w", encoding="utf-8").write(export)
    try:
        os.symlink(".", p("loop"))
        os.symlink(".", p("loop2"))
        os.symlink("..", p("上级"))
        os.symlink(os.path.abspath(__file__), p("外部链接.csv"))
        os.symlink(os.path.dirname(os.path.abspath(__file__)), p("外部文件夹"))
    except (OSError, NotImplementedError):
        print("symlinks not available: the link classes are left out")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile")
