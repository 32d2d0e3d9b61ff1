"""金秋助学 screens: the page with its budget, the editor, bulk steps, installments and payment."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

import pytest

from tests.ui.conftest import assert_chinese, type_text

pytestmark = pytest.mark.usefixtures("qapp")


def _page(qtbot, ctx):
    from assist_desktop.ui.scholarships.page import ScholarshipsPage

    page = ScholarshipsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitUntil(page.idle, timeout=10_000)
    return page


def test_page_shows_rounds_budget_and_filters(qtbot, app_context, shot) -> None:
    page = _page(qtbot, app_context("jingban"))
    assert page.round_combo.count() >= 1
    assert page.summary is not None and page.summary.budget_fen > 0
    assert "元" in page.budget_text.text()
    total = page.model.total
    assert total > 0 and page.model.rowCount() == min(total, 200)
    shot(page, "sch_page")
    assert_chinese(page)
    page.level_filter.setCurrentIndex(page.level_filter.findData("undergraduate"))
    qtbot.waitUntil(page.idle, timeout=10_000)
    assert all(r.level == "undergraduate" for r in page.model.rows)
    page.level_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findData("paid"))
    qtbot.waitUntil(page.idle, timeout=10_000)
    assert all(r.status == "paid" for r in page.model.rows)
    first = page.model.rows[0]
    page.status_filter.setCurrentIndex(0)
    type_text(page.search, first.student_name)
    page._debounce.flush()
    qtbot.waitUntil(page.idle, timeout=10_000)
    assert any(r.id == first.id for r in page.model.rows)


def test_editor_checks_inline_and_derives_from_the_id(qtbot, app_context, shot) -> None:
    page = _page(qtbot, app_context("jingban"))
    editor = page.new_application()
    assert editor is not None
    qtbot.waitUntil(editor.idle, timeout=10_000)
    type_text(editor.student_id, "61082620081129479")  # one digit short
    editor.fields["student_id"].flush()
    assert editor.fields["student_id"].error
    assert editor.fields["student_id"].message.isVisibleTo(editor)
    editor.student_id.clear()
    type_text(editor.student_id, "610826200811294792")
    editor.fields["student_id"].flush()
    assert editor.fields["student_id"].error is None
    assert editor.birth.text() == "2008-11-29" and editor.sex.text() == "男"
    editor.save()  # empty mandatory fields: refused at the fields, nothing sent to the service
    assert editor.fields["student_name"].error and editor.fields["school"].error
    shot(editor, "sch_editor_errors")
    assert_chinese(editor)
    editor.reject()


# --- a round taking applications again: bulk steps, budget, installments, payment -------------------

CLOCK = date(2026, 9, 1)  # inside the demo's 2026 window (20 July – 10 September)


def _id(born: str, seq: int) -> str:
    from assist_desktop.domain.ids import id_check_character

    first17 = f"610826{born}{seq:03d}"
    return first17 + id_check_character(first17)


def _db_rows(path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
def reopened(demo_db) -> str:
    return reopen_round(demo_db)


def reopen_round(demo_db) -> str:
    """The demo's 2026 round reopened by the chair, with room in its budget; returns its id."""
    from assist_desktop.services import scholarships
    from assist_desktop.services.scholarships import RoundInput
    from assist_desktop.services.users import authenticate
    from assist_desktop.storage.schema import open_database

    with open_database(demo_db) as db, db.session() as s:
        chair = authenticate(s, "shenpi", "demo12345")
        rnd = next(r for r in scholarships.rounds(s) if r.year == 2026)
        scholarships.set_round_closed(s, chair, rnd.id, False, expected_version=rnd.version)
        rnd = scholarships.get_round(s, rnd.id)
        spent = scholarships.budget_summary(s, rnd.id)
        scholarships.update_round(s, chair, rnd.id, RoundInput(2026, rnd.apply_start, rnd.apply_end,
                                                               spent.budget_fen - spent.remaining_fen + 10_000_00,
                                                               rnd.name, rnd.requires_notice),
                                  expected_version=rnd.version, today=CLOCK)
        return rnd.id


def _apply(demo_db, round_id: str, count: int) -> list[str]:
    """``count`` undergraduates of migrant workers' families, drafted by the clerk through the service."""
    from assist_desktop.services import scholarships
    from assist_desktop.services.scholarships import ApplicationInput, UnfiledInput
    from assist_desktop.services.users import authenticate
    from assist_desktop.storage.schema import open_database

    ids = []
    with open_database(demo_db) as db, db.session() as s:
        clerk = authenticate(s, "jingban", "demo12345")
        for k in range(count):
            data = ApplicationInput(
                round_id=round_id, student_name=f"测试生{'甲乙丙丁'[k]}", student_id_number=_id("20080315", 901 + 2 * k),
                school="西北大学", education_level="undergraduate", admission_year=2026, study_years=4,
                unfiled=UnfiledInput(name=f"测试家长{'甲乙丙丁'[k]}", id_number=_id("19780101", 911 + 2 * k)))
            ids.append(scholarships.create_application(s, clerk, data, today=CLOCK).id)
    return ids


def _at(ctx, day: date):
    ctx.clock = lambda: day
    return ctx


def _statuses(path, ids: list[str]) -> set[str]:
    marks = ",".join("?" * len(ids))
    return {r[0] for r in _db_rows(path, f"SELECT status FROM scholarship WHERE id IN ({marks})", *ids)}


def _step(qtbot, page, action, ids: list[str], opinion: str = "") -> None:
    page.take_step(action, ids, opinion)
    qtbot.waitUntil(page.idle, timeout=20_000)


def test_editor_saves_an_unfiled_application_and_shows_refusals_at_the_field(qtbot, app_context, demo_db,
                                                                             reopened) -> None:
    from assist_desktop.domain.lifecycle import GrantStatus

    page = _page(qtbot, _at(app_context("jingban"), CLOCK))
    page.round_combo.setCurrentIndex(page.round_combo.findData(reopened))
    qtbot.waitUntil(page.idle, timeout=10_000)
    before = _db_rows(demo_db, "SELECT count(*) FROM scholarship")[0][0]

    def fill(editor, student_id: str) -> None:
        qtbot.waitUntil(editor.idle, timeout=10_000)
        editor.unfiled_radio.setChecked(True)
        type_text(editor.parent_name, "赵大勇")
        type_text(editor.parent_id, _id("19760505", 921))
        type_text(editor.student_name, "赵小雨")
        type_text(editor.student_id, student_id)
        type_text(editor.school, "长安大学")
        editor.level.setCurrentIndex(editor.level.findData("undergraduate"))
        type_text(editor.admission, "2026")
        type_text(editor.study_years, "4")
        qtbot.waitUntil(editor.idle, timeout=10_000)

    editor = page.new_application()
    fill(editor, _id("20080620", 932))
    assert "4,000.00" in editor.standard_label.text() or "4000" in editor.standard_label.text()
    editor.save()
    qtbot.waitUntil(lambda: editor.result() == editor.DialogCode.Accepted, timeout=10_000)
    saved = _db_rows(demo_db, "SELECT status, amount_fen, plan, school FROM scholarship WHERE student_name='赵小雨'")
    assert saved == [(GrantStatus.draft.value, 4000_00, "yearly", "长安大学")]
    assert _db_rows(demo_db, "SELECT name, kind FROM unfiled_household WHERE name='赵大勇'") == [("赵大勇", "migrant_worker")]

    # the same student again in this round: the service refuses, the message stands at the ID field
    editor = page.new_application()
    fill(editor, _id("20080620", 932))
    editor.save()
    qtbot.waitUntil(editor.idle, timeout=10_000)
    assert editor.isVisible() and "每名学生每轮只能资助一次" in (editor.fields["student_id"].error or "")
    # an excluded student: refused with the reason at the checklist
    editor.student_id.clear()
    type_text(editor.student_id, _id("20080620", 944))
    editor.exclusion_boxes["funded_elsewhere"].setChecked(True)
    editor.save()
    qtbot.waitUntil(editor.idle, timeout=10_000)
    assert "已获其他渠道资助" in (editor.exclusion_field.error or "")
    editor.reject()
    assert _db_rows(demo_db, "SELECT count(*) FROM scholarship")[0][0] == before + 1


def test_bulk_steps_budget_installments_and_payment(qtbot, app_context, demo_db, reopened, shot,
                                                    _no_blocking_message_boxes, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from assist_desktop.domain.lifecycle import Action

    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _p, _t, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Yes))

    ids = _apply(demo_db, reopened, 3)
    clerk = _page(qtbot, _at(app_context("jingban"), CLOCK))
    clerk.round_combo.setCurrentIndex(clerk.round_combo.findData(reopened))
    clerk.status_filter.setCurrentIndex(clerk.status_filter.findData("draft"))
    qtbot.waitUntil(clerk.idle, timeout=10_000)
    assert {r.id for r in clerk.model.rows} == set(ids)
    clerk.table.selectAll()
    assert sorted(clerk.selected_ids()) == sorted(ids)
    assert clerk.step_buttons[Action.submit].isEnabled()
    _step(qtbot, clerk, Action.submit, clerk.selected_ids())
    assert _statuses(demo_db, ids) == {"submitted"}
    # the clerk may not review: refused for the whole selection, nothing moves
    _no_blocking_message_boxes.clear()
    _step(qtbot, clerk, Action.review, ids)
    assert _no_blocking_message_boxes and "审核" in _no_blocking_message_boxes[-1][1]
    assert _statuses(demo_db, ids) == {"submitted"}

    reviewer = _page(qtbot, _at(app_context("shenhe"), CLOCK))
    reviewer.round_combo.setCurrentIndex(reviewer.round_combo.findData(reopened))
    qtbot.waitUntil(reviewer.idle, timeout=10_000)
    _step(qtbot, reviewer, Action.review, ids, "材料齐全")
    _step(qtbot, reviewer, Action.put_on_notice, ids)
    assert _statuses(demo_db, ids) == {"on_notice"}

    # the chair approves after the notice period; a budget too small for all three refuses all three
    later = date(2026, 9, 15)
    chair = _page(qtbot, _at(app_context("shenpi"), later))
    chair.round_combo.setCurrentIndex(chair.round_combo.findData(reopened))
    qtbot.waitUntil(chair.idle, timeout=10_000)
    summary = chair.summary
    dialog = chair.edit_round(new=False, exec_dialog=False)
    dialog.budget.set_fen(summary.budget_fen - summary.remaining_fen + 2 * 4000_00 + 1000_00)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10_000)
    qtbot.waitUntil(chair.idle, timeout=10_000)
    _no_blocking_message_boxes.clear()
    _step(qtbot, chair, Action.approve, ids, "同意")
    assert asked == ["审批所选助学申请：共3项，合计12,000.00元？"]  # the money first, asked once
    assert _no_blocking_message_boxes and "预算" in _no_blocking_message_boxes[-1][1]
    assert _statuses(demo_db, ids) == {"on_notice"}
    assert _db_rows(demo_db, "SELECT count(*) FROM installment WHERE scholarship_id IN (?,?,?)", *ids) == [(0,)]
    dialog = chair.edit_round(new=False, exec_dialog=False)
    dialog.budget.set_fen(summary.budget_fen + 3 * 4000_00)
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10_000)
    qtbot.waitUntil(chair.idle, timeout=10_000)
    _step(qtbot, chair, Action.approve, ids, "同意")
    assert _statuses(demo_db, ids) == {"approved"}
    plans = _db_rows(demo_db, "SELECT year_index, academic_year, status FROM installment WHERE scholarship_id=? "
                              "ORDER BY year_index", ids[0])
    assert plans == [(1, 2026, "released"), (2, 2027, "pending"), (3, 2028, "pending"), (4, 2029, "pending")]
    qtbot.waitUntil(lambda: chair.summary is not None and chair.summary.approved_fen >= 3 * 4000_00, timeout=10_000)
    assert "剩余" in chair.budget_text.text() or "余" in chair.budget_text.text()
    shot(chair, "sch_after_approval")

    # the clerk pays the first year of one plan from "installments due"
    pay_day = date(2026, 9, 20)
    clerk = _page(qtbot, _at(app_context("jingban"), pay_day))
    clerk.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: any(i.scholarship_id == ids[0] for i in clerk.installments), timeout=10_000)
    row = next(k for k, i in enumerate(clerk.installments) if i.scholarship_id == ids[0] and i.status == "released")
    clerk.due_table.selectRow(row)
    assert clerk.pay_due_button.isEnabled() and not clerk.enrolled_button.isEnabled()
    shot(clerk, "sch_installments_due")
    clerk.pay_installment(("cash", pay_day, None))
    qtbot.waitUntil(lambda: bool(clerk.last_voucher), timeout=10_000)
    paid = _db_rows(demo_db, "SELECT d.voucher_no, d.amount_fen, d.paid_on, i.status FROM disbursement d "
                             "JOIN installment i ON i.id = d.grant_id WHERE d.grant_type='installment' "
                             "AND i.scholarship_id=?", ids[0])
    assert paid == [(clerk.last_voucher, 4000_00, "2026-09-20", "paid")]
    assert clerk.last_voucher in clerk.voucher_label.text()
    assert _statuses(demo_db, [ids[0]]) == {"paid"}

    # a year later: the enrolment check releases the second year, or stops the plan with the reason
    checker = _page(qtbot, _at(app_context("jingban"), date(2027, 9, 5)))
    checker.tabs.setCurrentIndex(1)
    checker.due_year.setValue(2027)
    qtbot.waitUntil(lambda: any(i.scholarship_id == ids[0] and i.year_index == 2 for i in checker.installments),
                    timeout=10_000)
    for sid, still in ((ids[0], True), (ids[1], False)):
        qtbot.waitUntil(checker.idle, timeout=10_000)
        row = next(k for k, i in enumerate(checker.installments) if i.scholarship_id == sid and i.year_index == 2)
        checker.due_table.selectRow(row)
        assert checker.enrolled_button.isEnabled()
        checker.check_enrolment(still, None if still else "退学")
        qtbot.waitUntil(checker.idle, timeout=10_000)
    states = dict(_db_rows(demo_db, "SELECT scholarship_id || ':' || year_index, status FROM installment "
                                    "WHERE scholarship_id IN (?, ?) AND year_index >= 2", ids[0], ids[1]))
    assert states[f"{ids[0]}:2"] == "released" and states[f"{ids[0]}:3"] == "pending"
    assert {states[f"{ids[1]}:{k}"] for k in (2, 3, 4)} == {"stopped"}
    assert "退学" in _db_rows(demo_db, "SELECT stop_reason FROM scholarship WHERE id=?", ids[1])[0][0]


def test_unit_filter_keeps_the_unions_households(qtbot, app_context) -> None:
    page = _page(qtbot, app_context("jingban"))
    assert page.unit_filter.count() > 2
    page.unit_filter.setCurrentIndex(1)
    qtbot.waitUntil(page.idle, timeout=10_000)
    chosen = page.unit_filter.currentText()
    assert page.model.rows and all(r.unit_name == chosen for r in page.model.rows)


def test_a_recorded_household_is_recognised_and_shown_masked(qtbot, app_context, demo_db, reopened) -> None:
    """The parent's ID of a household already recorded brings its name and kind; an application of it,
    opened again, shows the household with the ID masked."""
    ids = _apply(demo_db, reopened, 1)
    parent = _db_rows(demo_db, "SELECT u.name, u.id_number, u.kind FROM unfiled_household u "
                               "JOIN scholarship s ON s.unfiled_household_id = u.id WHERE s.id=?", ids[0])[0]
    page = _page(qtbot, _at(app_context("jingban"), CLOCK))
    page.round_combo.setCurrentIndex(page.round_combo.findData(reopened))
    qtbot.waitUntil(page.idle, timeout=10_000)
    editor = page.new_application()
    qtbot.waitUntil(editor.idle, timeout=10_000)
    editor.unfiled_radio.setChecked(True)
    type_text(editor.parent_id, parent[1])
    editor._parent_lookup.flush()
    qtbot.waitUntil(lambda: editor.idle() and "已登记" in editor.unfiled_hint.text(), timeout=10_000)
    assert parent[0] in editor.unfiled_hint.text() and editor.parent_name.text() == parent[0]
    editor.parent_id.clear()
    type_text(editor.parent_id, _id("19700101", 977))
    editor._parent_lookup.flush()
    qtbot.waitUntil(lambda: editor.idle() and "新的未建档户" in editor.unfiled_hint.text(), timeout=10_000)
    editor.reject()
    editor = page.open_application(ids[0])
    qtbot.waitUntil(lambda: editor.idle() and editor.parent_name.text() == parent[0], timeout=10_000)
    assert editor.parent_id.text() == parent[1][:4] + "**********" + parent[1][-4:]
    assert not editor.unfiled_box.isEnabled()
    editor.reject()


def test_only_the_approver_changes_an_amount_and_gives_a_reason(qtbot, app_context, demo_db, reopened) -> None:
    (sid,) = _apply(demo_db, reopened, 1)
    clerk = _page(qtbot, _at(app_context("jingban"), CLOCK))
    editor = clerk.open_application(sid)
    qtbot.waitUntil(lambda: editor.idle() and editor.version > 0, timeout=10_000)
    assert not editor.amount.isEnabled() and not editor.amount_reason.isEnabled()
    editor.reject()

    chair = _page(qtbot, _at(app_context("shenpi"), CLOCK))
    editor = chair.open_application(sid)
    qtbot.waitUntil(lambda: editor.idle() and editor.version > 0, timeout=10_000)
    assert editor.amount.isEnabled() and editor.student_name.isReadOnly()
    editor.amount.clear()
    qtbot.keyClicks(editor.amount, "4500")
    editor.save()  # no reason: refused at the reason field, nothing written
    qtbot.waitUntil(editor.idle, timeout=10_000)
    assert "理由" in (editor.fields["amount_reason"].error or editor.general_error.text())
    assert _db_rows(demo_db, "SELECT amount_fen FROM scholarship WHERE id=?", sid) == [(4000_00,)]
    type_text(editor.amount_reason, "家庭遭遇重大变故，经研究提高资助")
    editor.save()
    qtbot.waitUntil(lambda: editor.result() == editor.DialogCode.Accepted, timeout=10_000)
    assert _db_rows(demo_db, "SELECT amount_fen, standard_amount_fen, amount_override_reason FROM scholarship "
                             "WHERE id=?", sid) == [(4500_00, 4000_00, "家庭遭遇重大变故，经研究提高资助")]
