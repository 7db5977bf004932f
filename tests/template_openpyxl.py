#!/usr/bin/env python3
"""The template as another reader sees it: openpyxl must find the dropdowns, the date and
whole-number validations, the prompts, the hidden list sheet and the version stamp.

usage: template_openpyxl.py BINARY   (writes its template into a temporary folder)
"""
import os
import subprocess
import sys
import tempfile

import openpyxl

binary = os.path.abspath(sys.argv[1])
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "t.xlsx")
    subprocess.run([binary, "template", "--unit-type", "乡镇", "--unit", "龙爪镇", "--year", "2026", "--out", path], check=True, capture_output=True)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["填报说明", "基本信息", "学习记录", "研究研判", "督查检查", "问责案件", "选项"], wb.sheetnames
    assert wb["选项"].sheet_state == "hidden"
    assert "HUIZONG_SCHEMA" in wb.defined_names
    info = wb["基本信息"]
    assert [info.cell(r, 2).value for r in range(4, 7)] == ["龙爪镇", "乡镇", 2026]
    study = wb["学习记录"]
    assert study.freeze_panes == "A4"
    rules = {str(dv.sqref): dv for dv in study.data_validations.dataValidation}
    assert rules["C4:C503"].type == "list" and "中心组学习" in rules["C4:C503"].formula1
    assert rules["E4:E503"].formula1 == '"是,否"'
    assert rules["B4:B503"].type == "date" and rules["B4:B503"].promptTitle == "日期"
    assert rules["F4:F503"].type == "whole" and (rules["F4:F503"].formula1, rules["F4:F503"].formula2) == ("1", "10000")
    assert all(dv.prompt for dv in rules.values()), "every column has an input prompt"
    cases = {str(dv.sqref): dv for dv in wb["问责案件"].data_validations.dataValidation}
    assert cases["E4:E503"].formula1 == "选项!$A$2:$A$15", cases["E4:E503"].formula1
    assert wb["选项"]["A2"].value == "重大宣传教育任务、思想舆论斗争组织不力"
    # Several 处理方式 may share a cell: the list warns instead of refusing, and the prompt says so.
    measures = cases["G4:G503"]
    assert measures.type == "list" and measures.errorStyle == "warning", measures.errorStyle
    assert "可填多项" in measures.prompt, measures.prompt
    assert "填报说明" in cases["E4:E503"].prompt, "the full wording of each 问责情形 is in 填报说明"
    guide = [str(c.value) for row in wb["填报说明"].iter_rows() for c in row if c.value]
    assert any("报告会、研讨会、讲座和各类课堂教学" in v for v in guide), "004's wording in 填报说明"
    inspections = wb["督查检查"]
    headers = [c.value for c in inspections[3]]
    assert any(h and "上报日期" in h for h in headers), headers
print("template as openpyxl reads it: ok")
