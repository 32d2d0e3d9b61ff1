"""A Golden Autumn season through the real main window, offscreen, each step as its own user.

The chair reopens the year's round and sets its budget; the clerk takes an application for a migrant
worker's daughter entering university (paid yearly until graduation) and submits it; the reviewer
reviews it and posts the list; after the notice period the chair approves it, which makes one
installment per study year; the clerk pays the first year on its own voucher.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

from PySide6.QtCore import QItemSelectionModel

from assist_desktop.domain.ids import id_check_character
from assist_desktop.domain.lifecycle import Action
from assist_desktop.services.audit import verify_audit
from assist_desktop.ui.scholarships.page import ScholarshipsPage
from assist_desktop.ui.shell.main_window import MainWindow
from tests.ui.conftest import assert_chinese, type_text


def _id(born: str, seq: int) -> str:
    first17 = f"610826{born}{seq:03d}"
    return first17 + id_check_character(first17)


PARENT, STUDENT = _id("19770218", 815), _id("20080506", 826)


def _window(qtbot, db, username: str, today: date) -> tuple[MainWindow, ScholarshipsPage]:
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import authenticate, user_roles
    from assist_desktop.ui.context import AppContext

    with db.session() as s:
        user = authenticate(s, username, "demo12345")
        ctx = AppContext(db=db, user=user, unit=local_unit(s), roles=user_roles(s, user), demo=True,
                         clock=lambda: today)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    page = window.show_section("scholarships")
    assert isinstance(page, ScholarshipsPage)
    qtbot.waitUntil(page.idle, timeout=15_000)
    return window, page


def _choose_round(qtbot, page: ScholarshipsPage, year: int) -> None:
    index = next(i for i, r in enumerate(page.rounds) if r[1] == year)
    page.round_combo.setCurrentIndex(index)
    qtbot.waitUntil(page.idle, timeout=15_000)


def _select(qtbot, page: ScholarshipsPage, text: str) -> None:
    """Find the application by the student's name and select its row, as a caseworker would."""
    page.search.clear()
    type_text(page.search, text)
    page._debounce.flush()
    qtbot.waitUntil(lambda: page.idle() and page.model.rowCount() == 1, timeout=15_000)
    page.table.clearSelection()
    page.table.selectionModel().select(page.model.index(0, 0), QItemSelectionModel.SelectionFlag.Select
                                       | QItemSelectionModel.SelectionFlag.Rows)


def _click_step(qtbot, page: ScholarshipsPage, action: Action, opinion: str = "") -> None:
    if opinion:
        type_text(page.opinion, opinion)
    button = page.step_buttons[action]
    assert button.isEnabled()
    button.click()
    qtbot.waitUntil(page.idle, timeout=15_000)


def _one(path, sql: str, *args: object):
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchone()


def test_a_scholarship_from_application_to_first_installment(qtbot, demo_db, shot,
                                                             _no_blocking_message_boxes, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from assist_desktop.storage.schema import open_database

    asked: list[str] = []  # the chair answers 是 to the money shown before an approval
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _p, _t, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Yes))

    db = open_database(demo_db)
    try:
        # 1. the chair reopens the 2026 round (its window holds 1 August) and raises its budget
        chair, page = _window(qtbot, db, "shenpi", date(2026, 8, 1))
        _choose_round(qtbot, page, 2026)
        assert page.close_round_button.text() == "重开活动"
        page.close_round_button.click()
        qtbot.waitUntil(lambda: page.idle() and page.close_round_button.text() == "结束活动", timeout=15_000)
        budget = page.summary.budget_fen
        dialog = page.edit_round(new=False, exec_dialog=False)
        dialog.budget.clear()
        qtbot.keyClicks(dialog.budget, str((budget + 50_000_00) // 100))
        dialog.save()
        qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=15_000)
        qtbot.waitUntil(lambda: page.idle() and page.summary.budget_fen == budget + 50_000_00, timeout=15_000)
        chair.close()

        # 2. the clerk takes the application of a migrant worker's daughter and submits it
        clerk, page = _window(qtbot, db, "jingban", date(2026, 8, 3))
        _choose_round(qtbot, page, 2026)
        page.new_button.click()
        editor = page.editor
        qtbot.waitUntil(editor.idle, timeout=15_000)
        editor.unfiled_radio.setChecked(True)
        type_text(editor.parent_name, "郝建军")
        type_text(editor.parent_id, PARENT)
        editor.kind.setCurrentIndex(editor.kind.findData("migrant_worker"))
        type_text(editor.student_name, "郝静")
        type_text(editor.student_id, STUDENT)
        assert editor.birth.text() == "2008-05-06" and editor.sex.text() == "女" and editor.age.text() == "18"
        type_text(editor.school, "西安交通大学")
        type_text(editor.major, "临床医学")
        editor.level.setCurrentIndex(editor.level.findData("undergraduate"))
        qtbot.keyClicks(editor.admission, "2026")
        qtbot.keyClicks(editor.study_years, "5")
        qtbot.waitUntil(lambda: editor.idle() and "4,000.00" in editor.standard_label.text(), timeout=15_000)
        assert "按年发放" in editor.standard_label.text()
        assert_chinese(editor)
        shot(editor, "e2e-sch-1-application")
        editor.save_button.click()
        qtbot.waitUntil(lambda: editor.result() == editor.DialogCode.Accepted, timeout=15_000)
        sid, status, amount = _one(demo_db, "SELECT id, status, amount_fen FROM scholarship WHERE student_id_number=?",
                                   STUDENT)
        assert (status, amount) == ("draft", 4000_00)
        qtbot.waitUntil(page.idle, timeout=15_000)
        _select(qtbot, page, "郝静")
        _click_step(qtbot, page, Action.submit)
        assert _one(demo_db, "SELECT status FROM scholarship WHERE id=?", sid) == ("submitted",)
        clerk.close()

        # 3. the reviewer reviews it and posts the list
        reviewer, page = _window(qtbot, db, "shenhe", date(2026, 8, 4))
        _choose_round(qtbot, page, 2026)
        _select(qtbot, page, "郝静")
        _click_step(qtbot, page, Action.review, "材料齐全，情况属实")
        _select(qtbot, page, "郝静")
        _click_step(qtbot, page, Action.put_on_notice)
        assert _one(demo_db, "SELECT status, notice_start FROM scholarship WHERE id=?", sid) == ("on_notice",
                                                                                                 "2026-08-04")
        reviewer.close()

        # 4. before the notice has run its days the chair is refused; after it, the approval makes the plan
        chair, page = _window(qtbot, db, "shenpi", date(2026, 8, 6))
        _choose_round(qtbot, page, 2026)
        _select(qtbot, page, "郝静")
        _no_blocking_message_boxes.clear()
        _click_step(qtbot, page, Action.approve, "同意")
        assert _no_blocking_message_boxes and "公示" in _no_blocking_message_boxes[-1][1]
        assert _one(demo_db, "SELECT status FROM scholarship WHERE id=?", sid) == ("on_notice",)
        chair.close()
        chair, page = _window(qtbot, db, "shenpi", date(2026, 8, 14))
        _choose_round(qtbot, page, 2026)
        approved_before = page.summary.approved_fen
        _select(qtbot, page, "郝静")
        _click_step(qtbot, page, Action.approve, "同意资助")
        assert _one(demo_db, "SELECT status FROM scholarship WHERE id=?", sid) == ("approved",)
        assert asked[-1] == "审批所选助学申请：共1项，合计4,000.00元？"
        with closing(sqlite3.connect(demo_db)) as conn:
            plan = conn.execute("SELECT year_index, academic_year, amount_fen, status FROM installment "
                                "WHERE scholarship_id=? ORDER BY year_index", (sid,)).fetchall()
        assert plan == [(1, 2026, 4000_00, "released")] + [(k, 2025 + k, 4000_00, "pending") for k in range(2, 6)]
        qtbot.waitUntil(lambda: page.summary.approved_fen >= approved_before + 4000_00, timeout=15_000)
        shot(chair, "e2e-sch-2-approved")
        chair.close()

        # 5. the clerk pays the first study year on its own voucher
        clerk, page = _window(qtbot, db, "jingban", date(2026, 9, 2))
        page.tabs.setCurrentIndex(1)
        qtbot.waitUntil(lambda: page.idle() and any(i.scholarship_id == sid for i in page.installments),
                        timeout=15_000)
        row = next(k for k, i in enumerate(page.installments) if i.scholarship_id == sid)
        page.due_table.selectRow(row)
        paid_before = page.summary.paid_fen
        page.pay_installment(("transfer", date(2026, 9, 2), "6217 0000 1234 5678 901"))
        qtbot.waitUntil(lambda: bool(page.last_voucher), timeout=15_000)
        # the list and the budget bar follow: the first year leaves "installments due", the paid sum grows
        qtbot.waitUntil(lambda: page.idle() and not any(i.scholarship_id == sid for i in page.installments)
                        and page.summary.paid_fen == paid_before + 4000_00, timeout=15_000)
        shot(clerk, "e2e-sch-3-paid")
        voucher, paid_amount, method, paid_on = _one(
            demo_db, "SELECT d.voucher_no, d.amount_fen, d.method, d.paid_on FROM disbursement d "
                     "JOIN installment i ON i.id = d.grant_id WHERE i.scholarship_id=? AND i.year_index=1", sid)
        assert (voucher, paid_amount, method, paid_on) == (page.last_voucher, 4000_00, "transfer", "2026-09-02")
        assert voucher.startswith("610826-2026-V")
        assert _one(demo_db, "SELECT status FROM scholarship WHERE id=?", sid) == ("paid",)
        with closing(sqlite3.connect(demo_db)) as conn:
            steps = conn.execute("SELECT action, actor_name FROM workflow_event WHERE entity_id=? ORDER BY at",
                                 (sid,)).fetchall()
        assert steps == [("submit", "李娜"), ("review", "王建军"), ("put_on_notice", "王建军"), ("approve", "张国强"),
                         ("pay", "李娜")]
        with db.session() as s:
            assert verify_audit(s).ok
        clerk.close()
    finally:
        db.close()
