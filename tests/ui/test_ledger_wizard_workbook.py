"""The import wizard on a county's workbook: one sheet per township beside 填表说明 and 汇总 (named as not read),
a hidden leftover column marked in the preview, one row per household (成员待补录), a word no table knows (五保户)
listed once and mapped for the whole workbook, the mapping saved and used again."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from tests.services.conftest import make_id
from tests.ui.conftest import assert_chinese

pytestmark = pytest.mark.usefixtures("qapp")

HEADER = ["序号", "姓名", "身份证号", "旧编号", "联系电话", "家庭住址", "工作单位", "困难类别", "致困原因", "家庭人口",
          "家庭年收入", "建档时间"]


def _workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    guide = wb.active
    guide.title = "填表说明"
    guide.append(["1.困难类别：请填写“低保户”、“低保边缘户”或“意外致困户”。"])
    seq = 701
    for town in ("名州镇", "义合镇"):
        ws = wb.create_sheet(town)
        ws.append([f"{town}困难职工名单"])
        ws.append(HEADER)
        ws.column_dimensions["D"].hidden = True  # the old template's numbering
        for i in range(3):
            seq += 2
            ws.append([i + 1, f"{town[0]}职工{'甲乙丙'[i]}", make_id("19750304", seq), f"OLD{seq}", "13900000000",
                       f"绥德县{town}1号", "绥德县环卫所", "五保户" if i == 0 else "特困职工", "因病致困", 4, "18,000元",
                       "2018.6"])
    summary = wb.create_sheet("汇总")
    summary.append(["乡镇", "户数"])
    summary.append(["名州镇", 3])
    wb.save(path)
    return path


def test_a_workbook_of_township_sheets_through_the_wizard(qtbot, app_context, demo_db, tmp_path, shot) -> None:
    from assist_desktop.ui.ledger.wizard import DONE, MAPPING, REPORT, ImportWizard

    ctx = app_context("jingban")
    ctx.clock = lambda: date(2026, 11, 20)
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.choose_file(_workbook(tmp_path / "各镇名单.xlsx"))
    qtbot.waitUntil(wizard.idle, timeout=20000)
    read = wizard.read
    assert read is not None and read.kind == "files" and read.sheet.name == "名州镇"
    assert [r[:2] for r in read.roles] == [("填表说明", False), ("名州镇", True), ("义合镇", True), ("汇总", False)]
    info = wizard.sheets_label.text()
    assert "一次导入全部工作表：“名州镇”、“义合镇”" in info and "“填表说明”（填表说明、汇总等非台账工作表）" in info
    assert "本表的隐藏列：D" in info
    assert wizard.preview.horizontalHeaderItem(3).text() == "D（隐藏）"
    assert_chinese(wizard)
    shot(wizard, "ledger-workbook-1-file")
    wizard.go_next()
    assert wizard.step() == MAPPING
    wizard.go_next()
    qtbot.waitUntil(wizard.idle, timeout=20000)
    assert wizard.step() == REPORT, wizard.message.text()
    plan = wizard.plan
    assert plan.valid_count == 4 and plan.invalid_count == 2 and plan.pending_count == 4
    assert [(u.word, [n for _, n in u.rows]) for u in plan.unknown] == [("五保户", [3, 3])]
    assert wizard.report_tabs.tabText(2) == "值对应（1）"
    values = wizard.values_tab
    assert values.table.item(0, 1).text() == "五保户" and values.table.item(0, 2).text() == "2"
    assert "名州镇：3" in values.table.item(0, 4).text() and "义合镇：3" in values.table.item(0, 4).text()
    wizard.report_tabs.setCurrentIndex(2)
    assert_chinese(wizard)
    shot(wizard, "ledger-workbook-3-values")
    values.choose(0, "deep")
    values.recheck_button.click()  # checked again with the word mapped, for both sheets
    qtbot.waitUntil(lambda: wizard.idle() and wizard.plan is not None, timeout=20000)
    assert wizard.plan.ok and wizard.plan.valid_count == 6 and wizard.plan.unknown == []
    saved = wizard.save_mapping(tmp_path / "模板")
    profile = json.loads(saved.read_text(encoding="utf-8"))
    assert saved.name == "模板.json" and profile["values"] == {"category": {"五保户": "deep"}}
    assert profile["columns"]["姓名"] == "name" and profile["columns"]["旧编号"] == ""
    wizard.go_next()
    qtbot.waitUntil(wizard.idle, timeout=20000)
    assert wizard.step() == DONE, wizard.message.text()
    with closing(sqlite3.connect(demo_db)) as conn:
        rows = conn.execute("SELECT u.name, count(*), sum(f.members_pending), min(f.household_size), min(f.filed_on) "
                            "FROM hardship_file f JOIN org_unit u ON u.id = f.unit_id WHERE f.name LIKE '%职工%' "
                            "GROUP BY u.name ORDER BY u.name").fetchall()
    assert rows == [("义合镇总工会", 3, 3, 4, "2018-06-01"), ("名州镇总工会", 3, 3, 4, "2018-06-01")]

    # next year's workbook of the same template: the saved mapping carries the word
    again = ImportWizard(ctx)
    qtbot.addWidget(again)
    again.show()
    again.choose_file(_workbook(tmp_path / "明年.xlsx"))
    qtbot.waitUntil(again.idle, timeout=20000)
    again.go_next()
    assert again.load_mapping(saved) and again.value_map == {"category": {"五保户": "deep"}}
    assert "已按 模板.json 设置列对应" in again.message.text()
