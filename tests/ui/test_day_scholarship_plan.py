"""A scholarship's plan on screen agrees with the application and with what approval made (issue 18): a
student admitted in 2023 for four years and funded in the 2026 round gets one installment, and the
screen says 共1学年, 合计 one year's money — the approval form said 共4学年，合计20,000.00元."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

import pytest

from assist_desktop.domain.study_plan import StudyPlan, planned_years, years_left
from tests.ui.conftest import type_text
from tests.ui.test_scholarships_ui import CLOCK, _id, _page, reopen_round

pytestmark = pytest.mark.usefixtures("qapp")


def _rows(path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


def test_the_years_left_to_graduation() -> None:
    assert years_left(2023, 4, 2026) == [(4, 2026)]
    assert years_left(2026, 5, 2026) == [(1, 2026), (2, 2027), (3, 2028), (4, 2029), (5, 2030)]
    assert years_left(2021, 4, 2026) == []
    plan = StudyPlan("yearly", tuple(planned_years("yearly", 2024, 4, 2026, 5000_00)), projected=True)
    assert plan.total_fen == 10_000_00
    assert plan.text() == "按年发放：第3至4学年（2026—2027学年），共2学年，每学年5,000.00元，合计10,000.00元（审批时生成）"
    once = StudyPlan("one_off", tuple(planned_years("one_off", 2026, 3, 2026, 3000_00)), projected=True)
    assert once.text() == "一次性发放，3,000.00元"


def test_a_fourth_year_student_is_planned_and_approved_for_one_year(qtbot, app_context, demo_db) -> None:
    from assist_desktop.domain.lifecycle import Action
    from assist_desktop.services import approvals, scholarships
    from assist_desktop.services.users import authenticate

    round_id = reopen_round(demo_db)
    page = _page(qtbot, app_context("jingban"))
    page.ctx.clock = lambda: CLOCK
    page.round_combo.setCurrentIndex(page.round_combo.findData(round_id))
    qtbot.waitUntil(page.idle, timeout=10_000)
    editor = page.new_application()
    qtbot.waitUntil(editor.idle, timeout=10_000)
    editor.unfiled_radio.setChecked(True)
    type_text(editor.parent_name, "马福海")
    type_text(editor.parent_id, _id("19720811", 313))
    type_text(editor.student_name, "马小燕")
    type_text(editor.student_id, _id("20040315", 324))
    type_text(editor.school, "兰州大学")
    editor.level.setCurrentIndex(editor.level.findData("undergraduate"))
    type_text(editor.admission, "2023")
    type_text(editor.study_years, "4")
    qtbot.waitUntil(lambda: editor.idle() and "4,000.00" in editor.standard_label.text(), timeout=10_000)
    assert "第4学年（2026学年），共1学年" in editor.plan_label.text()
    assert "合计4,000.00元" in editor.plan_label.text() and "共4学年" not in editor.plan_label.text()
    editor.study_years.clear()
    type_text(editor.study_years, "5")  # a five-year degree: two years left, and the plan says so at once
    assert "第4至5学年（2026—2027学年），共2学年" in editor.plan_label.text()
    assert "合计8,000.00元" in editor.plan_label.text()
    editor.study_years.clear()
    type_text(editor.study_years, "4")
    editor.save()
    qtbot.waitUntil(lambda: editor.result() == editor.DialogCode.Accepted, timeout=10_000)
    (sid,) = _rows(demo_db, "SELECT id FROM scholarship WHERE student_name='马小燕'")[0]

    with page.ctx.db.session() as s:  # the steps, each by its role
        for who, action in (("jingban", Action.submit), ("shenhe", Action.review), ("shenhe", Action.put_on_notice)):
            approvals.act(s, authenticate(s, who, "demo12345"), "scholarship", sid, action, today=CLOCK)
        scholarships.approve(s, authenticate(s, "shenpi", "demo12345"), sid, today=date(2026, 9, 15))
    made = _rows(demo_db, "SELECT year_index, academic_year, amount_fen, status FROM installment WHERE scholarship_id=?",
                 sid)
    assert made == [(4, 2026, 4000_00, "released")]

    chair = _page(qtbot, app_context("shenpi"))
    chair.round_combo.setCurrentIndex(chair.round_combo.findData(round_id))
    qtbot.waitUntil(chair.idle, timeout=10_000)
    opened = chair.open_application(sid)
    qtbot.waitUntil(lambda: opened.idle() and opened.version > 0, timeout=10_000)
    text = opened.plan_label.text()
    total = sum(r[2] for r in made)
    assert f"共{len(made)}学年" in text and f"合计{total // 100:,}.00元" in text and "已发放0学年" in text
    assert "审批时生成" not in text
    opened.reject()
