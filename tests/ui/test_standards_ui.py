"""救助标准 dialog: the administrator edits a year's table and saves it all at once; others only look."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.ui.conftest import assert_chinese, type_text

pytestmark = pytest.mark.usefixtures("qapp")

REASON = "绥县工发〔2026〕8号"


def _dialog(qtbot, ctx, program: str = "scholarship", year: int = 2026):
    from assist_desktop.ui.standards.dialog import StandardsDialog

    dialog = StandardsDialog(ctx, program, year)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.idle() and dialog.loaded_year == year, timeout=10_000)
    return dialog


def _rows(path: Path, where: str = "1") -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT program, year, key, filed, amount_fen, goods_fen, goods_description, plan, version "
                            f"FROM policy_standard WHERE {where} ORDER BY program, year, key, filed").fetchall()


def _count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _cell(dialog, line, column: str) -> str:
    return dialog.table.item(line.row, dialog._column(column)).text()


def _retype(qtbot, edit, digits: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, digits)  # ASCII only: Chinese goes through type_text


def test_admin_changes_an_amount_and_a_plan_and_saves(qtbot, app_context, demo_db, shot) -> None:
    dialog = _dialog(qtbot, app_context("admin"))
    assert dialog.table.rowCount() == 8  # four levels × 建档/未建档
    headers = [dialog.table.horizontalHeaderItem(i).text() for i in range(dialog.table.columnCount())]
    assert headers == ["学段", "户别", "助学金额（元）", "发放方式", "来源"]
    filed, unfiled = dialog.line("undergraduate", True), dialog.line("undergraduate", False)
    assert (_cell(dialog, filed, "label"), _cell(dialog, filed, "kind"), _cell(dialog, unfiled, "kind")) == \
        ("本科", "建档", "未建档")
    assert filed.amount.text() == "5,000.00" and _cell(dialog, filed, "source") == "本单位设定"
    assert [filed.plan.itemText(i) for i in range(filed.plan.count())] == ["一次性发放", "按年发放至毕业"]
    before = {r[2:4]: r for r in _rows(demo_db, "program = 'scholarship' AND year = 2026")}

    _retype(qtbot, filed.amount, "5500")
    filed.amount.editingFinished.emit()
    assert filed.amount.text() == "5,500.00"
    # a plan is the level's: the unfiled line follows at once, on the screen
    plans = ("one_off", "yearly")
    new_plan = plans[1 - plans.index(filed.plan.code())]
    filed.plan.setCurrentIndex(filed.plan.findData(new_plan))
    assert unfiled.plan.code() == new_plan
    assert _cell(dialog, filed, "source") == _cell(dialog, unfiled, "source") == "已修改，未保存"
    assert dialog.changed_label.text() == "已修改 2 行，尚未保存"
    type_text(dialog.reason, REASON)
    shot(dialog, "standards_scholarship_edited")
    assert_chinese(dialog)
    qtbot.mouseClick(dialog.save_button, qtbot_button())
    qtbot.waitUntil(lambda: dialog.idle() and not dialog.busy and bool(dialog.info.text()), timeout=10_000)
    assert dialog.info.text() == "已保存，共修改 2 行。"
    assert dialog.general_error.text() == "" and dialog.reason.text() == ""

    after = {r[2:4]: r for r in _rows(demo_db, "program = 'scholarship' AND year = 2026")}
    assert after["undergraduate", 1][4] == 550_000 and after["undergraduate", 1][7] == new_plan
    assert after["undergraduate", 0][4] == before["undergraduate", 0][4] and after["undergraduate", 0][7] == new_plan
    assert {k: v for k, v in after.items() if k[0] != "undergraduate"} == \
        {k: v for k, v in before.items() if k[0] != "undergraduate"}
    with closing(sqlite3.connect(demo_db)) as conn:
        reasons = [json.loads(r[0]).get("reason") for r in conn.execute(
            "SELECT changes FROM audit_event WHERE entity_type = 'policy_standard' ORDER BY rowid DESC LIMIT 2")]
    assert reasons == [REASON, REASON]
    # the table was read again: the saved figures, from this unit's setting, nothing pending
    filed = dialog.line("undergraduate", True)
    assert filed.amount.text() == "5,500.00" and _cell(dialog, filed, "source") == "本单位设定"
    assert not dialog.dirty and dialog.changed_label.text() == ""

    # reopened, the service reads the same
    from assist_desktop.services import policy_admin

    with app_context("admin").db.session() as s:
        std = policy_admin.lookup(s, "scholarship", 2026, "undergraduate", True)
    assert (std.amount_fen, std.plan) == (550_000, new_plan)


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_a_bad_amount_is_refused_at_its_line_and_nothing_is_written(qtbot, app_context, demo_db, shot) -> None:
    dialog = _dialog(qtbot, app_context("admin"))
    rows, events = _rows(demo_db), _count(demo_db, "audit_event")
    good, bad = dialog.line("senior_high", True), dialog.line("undergraduate", False)
    _retype(qtbot, good.amount, "3200")
    _retype(qtbot, bad.amount, "-40")
    field = bad.fields["amount"]
    field.flush()
    assert field.error == "本科（未建档）：金额不能为负数"
    assert field.message.isVisibleTo(dialog) and field.message.text() == field.error
    assert bad.amount.property("invalid") is True
    _retype(qtbot, bad.amount, "12,34")
    field.flush()
    assert field.error == "本科（未建档）：金额“12,34”的千位分隔逗号位置不对"
    _retype(qtbot, bad.amount, "100001")  # above 10万元 a slip of the keyboard
    field.flush()
    assert field.error.startswith("本科（未建档）：金额100,001.00元超出合理范围")
    bad.amount.clear()  # an existing line cannot be left empty
    field.flush()
    assert field.error == "本科（未建档）：请填写金额（不资助的填 0）"
    type_text(dialog.reason, REASON)
    dialog.save()
    assert dialog.general_error.text() == "请先改正标红的行；本次未保存任何内容。"
    shot(dialog, "standards_errors")
    assert_chinese(dialog)
    assert dialog.idle() and not dialog.busy
    assert _rows(demo_db) == rows and _count(demo_db, "audit_event") == events
    # corrected, it saves; 0 is a valid standard (not funded)
    _retype(qtbot, bad.amount, "0")
    field.flush()
    assert field.error is None and bad.amount.property("invalid") is False
    dialog.save()
    qtbot.waitUntil(lambda: dialog.idle() and bool(dialog.info.text()), timeout=10_000)
    assert dialog.line("undergraduate", False).amount.text() == "0.00"
    assert _rows(demo_db, "year = 2026 AND key = 'undergraduate' AND filed = 0")[0][4] == 0


def test_the_reason_is_required(qtbot, app_context, demo_db) -> None:
    dialog = _dialog(qtbot, app_context("admin"))
    rows = _rows(demo_db)
    dialog.save()
    assert dialog.general_error.text() == "没有修改任何内容。"
    _retype(qtbot, dialog.line("postgraduate", True).amount, "6000")
    dialog.save()
    assert dialog.reason_field.error == "保存前请填写修改理由（如依据的文件文号）。"
    assert dialog.reason_field.message.isVisibleTo(dialog) and dialog.idle()
    type_text(dialog.reason, "   ")
    dialog.save()
    assert dialog.reason_field.error and _rows(demo_db) == rows
    type_text(dialog.reason, REASON)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.idle() and bool(dialog.info.text()), timeout=10_000)
    assert dialog.reason_field.error is None
    assert _rows(demo_db, "year = 2026 AND key = 'postgraduate' AND filed = 1")[0][4] == 600_000


def test_a_refusal_of_the_service_shows_at_its_line_or_under_the_table(qtbot, app_context, demo_db,
                                                                        monkeypatch) -> None:
    from assist_desktop.services import policy_admin

    ctx = app_context("admin")
    dialog = _dialog(qtbot, ctx)
    # someone else saves the undergraduate line after the dialog was opened
    with ctx.db.session() as s:
        policy_admin.set_standard(s, ctx.user, program="scholarship", year=2026, key="undergraduate", filed=True,
                                  amount_fen=520_000, reason="另一处修改", today=ctx.today())
    rows = _rows(demo_db)
    _retype(qtbot, dialog.line("senior_high", True).amount, "3100")
    _retype(qtbot, dialog.line("undergraduate", True).amount, "5300")
    type_text(dialog.reason, REASON)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.idle() and dialog.general_error.text() != "", timeout=10_000)
    assert dialog.general_error.text().startswith("本科（建档）：2026年“本科”标准已被系统管理员（")  # who saved it
    assert _rows(demo_db) == rows and dialog.dirty  # all or nothing; the edits stay on the screen

    def refuse(*_a, **_k):
        error = policy_admin.StandardError("金额不能为负数", field="金额")
        raise policy_admin._at_line(error, "scholarship", "senior_high", True)

    monkeypatch.setattr(policy_admin, "set_standards", refuse)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.idle() and dialog.line("senior_high", True).fields["amount"].error is not None,
                    timeout=10_000)
    assert dialog.line("senior_high", True).fields["amount"].error == "高中/中职（建档）：金额不能为负数"
    assert dialog.general_error.text() == "未保存任何内容。"


def test_others_see_the_table_read_only(qtbot, app_context, shot) -> None:
    dialog = _dialog(qtbot, app_context("jingban"))
    assert dialog.banner.isVisibleTo(dialog) and "只有管理员" in dialog.banner.text()
    assert not dialog.save_button.isVisibleTo(dialog) and not dialog.import_button.isVisibleTo(dialog)
    assert not dialog.reason_box.isVisibleTo(dialog)
    line = dialog.line("senior_high", False)
    assert line.amount.isReadOnly() and line.amount.text() == "2,000.00"
    assert line.plan is None and _cell(dialog, line, "plan") == "一次性发放"  # text, not a greyed-out choice
    shot(dialog, "standards_read_only")
    assert_chinese(dialog)
    line.amount.setText("1")  # even if the text changed somehow, nothing could be saved
    dialog.save()  # nothing happens even if called
    assert dialog.idle() and dialog.general_error.text() == ""


def test_spring_festival_shows_cash_and_goods(qtbot, app_context, demo_db, shot) -> None:
    dialog = _dialog(qtbot, app_context("admin"), "spring_festival")
    headers = [dialog.table.horizontalHeaderItem(i).text() for i in range(dialog.table.columnCount())]
    assert headers == ["慰问对象", "户别", "慰问金（元）", "慰问品折价（元）", "慰问品内容", "来源"]
    deep = dialog.line("deep", True)
    assert (_cell(dialog, deep, "label"), deep.amount.text(), deep.goods.text(), deep.description.text()) == \
        ("深度困难职工", "1,500.00", "500.00", "大米、面粉、食用油")
    assert _cell(dialog, deep, "source") == "政策文件"
    assert deep.plan is None
    assert [(ln.key, ln.filed) for ln in dialog.lines][:4] == [("deep", True), ("relative", True),
                                                               ("accident", True), ("model_worker", True)]
    shot(dialog, "standards_spring_festival")
    assert_chinese(dialog)
    _retype(qtbot, deep.goods, "600")
    deep.description.clear()
    type_text(deep.description, "大米、食用油、春联")
    type_text(dialog.reason, REASON)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.idle() and bool(dialog.info.text()), timeout=10_000)
    assert _rows(demo_db, "program = 'spring_festival'") == [
        ("spring_festival", 2026, "deep", 1, 150_000, 60_000, "大米、食用油、春联", None, 1)]
    assert _cell(dialog, dialog.line("deep", True), "source") == "本单位设定"


def test_import_from_the_policy_file(qtbot, app_context, demo_db) -> None:
    dialog = _dialog(qtbot, app_context("admin"), "spring_festival")
    assert {_cell(dialog, ln, "source") for ln in dialog.lines} == {"政策文件"}
    dialog.import_policy_file()
    qtbot.waitUntil(lambda: dialog.idle() and bool(dialog.info.text()), timeout=10_000)
    assert dialog.info.text() == f"已从政策文件导入 {len(dialog.lines)} 行。"
    assert {_cell(dialog, ln, "source") for ln in dialog.lines} == {"本单位设定"}
    assert len(_rows(demo_db, "program = 'spring_festival' AND year = 2026")) == len(dialog.lines) == 8
    # a year without a policy file: the service's message under the table; lines are entered by hand
    from assist_desktop.services.policy_admin import policy_book

    year = max(policy_book().years()) + 1
    dialog.year.setValue(year)
    qtbot.waitUntil(lambda: dialog.idle() and dialog.loaded_year == year, timeout=10_000)
    assert [(ln.key, ln.filed) for ln in dialog.lines][:2] == [("deep", True), ("relative", True)]
    assert {_cell(dialog, ln, "source") for ln in dialog.lines} == {"未设定"}
    assert dialog.line("deep").amount.text() == ""
    dialog.import_policy_file()
    qtbot.waitUntil(lambda: dialog.idle() and bool(dialog.general_error.text()), timeout=10_000)
    assert dialog.general_error.text().startswith(f"没有{year}年的政策文件")
    assert "resources" not in dialog.general_error.text() and ".toml" not in dialog.general_error.text()
    deep = dialog.line("deep")
    type_text(deep.description, "米面油")  # goods without the cash: refused at the line
    deep.fields["amount"].flush()
    dialog.save()
    assert deep.fields["amount"].error == "深度困难职工（建档）：请同时填写慰问金"
    _retype(qtbot, deep.amount, "1600")
    _retype(qtbot, deep.goods, "400")
    type_text(dialog.reason, REASON)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.idle() and bool(dialog.info.text()), timeout=10_000)
    assert _rows(demo_db, f"program = 'spring_festival' AND year = {year}") == [
        ("spring_festival", year, "deep", 1, 160_000, 40_000, "米面油", None, 1)]
    assert _cell(dialog, dialog.line("deep"), "source") == "本单位设定"
    assert _cell(dialog, dialog.line("relative"), "source") == "未设定"


def test_open_standards_opens_one_dialog_without_blocking(qtbot, app_context) -> None:
    from PySide6.QtWidgets import QWidget

    from assist_desktop.ui.standards.dialog import open_standards

    ctx = app_context("admin")
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    dialog = open_standards(ctx, "scholarship", 2026, parent)
    assert dialog.isVisible() and dialog.parent() is parent
    qtbot.waitUntil(dialog.idle, timeout=10_000)
    assert open_standards(ctx, "scholarship", 2025, parent) is dialog
    qtbot.waitUntil(lambda: dialog.idle() and dialog.loaded_year == 2025, timeout=10_000)
    other = open_standards(ctx, "spring_festival", 2026, parent)
    assert other is not dialog
    qtbot.waitUntil(other.idle, timeout=10_000)
    other.reject()
    dialog.reject()
