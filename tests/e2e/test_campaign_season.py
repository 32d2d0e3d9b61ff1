"""A Spring Festival season through the real main window, offscreen, each step as its own user.

The chair sets up this winter's campaign (two fund sources); the clerk generates the visit list with the
wizard in two runs (deep and accident-struck households on the grant from above, relative hardship on the
county's own money) and submits it all; the reviewer reviews it; the chair approves it from the 审批 page;
the clerk records a visit (cadres, date) and pays the cash of every household, each on its own voucher.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QMessageBox

from assist_desktop.domain.lifecycle import Action
from assist_desktop.domain.money import format_amount
from assist_desktop.services.audit import verify_audit
from assist_desktop.ui.campaigns.page import CampaignsPage
from assist_desktop.ui.campaigns.wizard import DONE, PREVIEW
from assist_desktop.ui.shell.main_window import MainWindow
from tests.ui.conftest import assert_chinese, type_text

UPPER, OWN = "上级工会拨款", "本级工会经费"


def _window(qtbot, db, username: str, today: date) -> tuple[MainWindow, CampaignsPage]:
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import authenticate, user_roles
    from assist_desktop.ui.context import AppContext

    with db.session() as s:
        user = authenticate(s, username, "demo12345")
        ctx = AppContext(db=db, user=user, unit=local_unit(s), roles=user_roles(s, user), demo=True,
                         clock=lambda: today)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    page = window.show_section("campaigns")
    assert isinstance(page, CampaignsPage)
    qtbot.waitUntil(page.idle, timeout=15_000)
    return window, page


def _rows(path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


def _settle(qtbot, page) -> None:
    qtbot.waitUntil(page.idle, timeout=20_000)


def _choose_all(qtbot, page: CampaignsPage, status: str) -> None:
    page.tabs.setCurrentIndex(1)
    page.status_filter.setCurrentIndex(page.status_filter.findData(status))
    _settle(qtbot, page)
    page.select_all_button.click()
    assert page.all_matches


def _generate(qtbot, page: CampaignsPage, categories: set[str], source: str) -> int:
    page.generate_button.click()
    wizard = page.wizard
    qtbot.waitUntil(lambda: wizard.idle() and wizard.source.count() == 2, timeout=15_000)
    for key, box in wizard.category_boxes.items():
        box.setChecked(key in categories)
    wizard.source.setCurrentIndex(next(i for i in range(wizard.source.count())
                                       if wizard.source.itemText(i).startswith(source)))
    type_text(wizard.cadres, "张国强、王建军")
    wizard.preview_button.click()
    qtbot.waitUntil(lambda: wizard.idle() and wizard.step == PREVIEW, timeout=15_000)
    count = wizard.preview_result.count
    assert not wizard.over_label.isVisibleTo(wizard)  # each run fits its source
    wizard.generate_button.click()
    qtbot.waitUntil(lambda: wizard.idle() and wizard.step == DONE, timeout=20_000)
    wizard.close_button.click()
    _settle(qtbot, page)
    return count


def test_a_spring_festival_campaign_from_setup_to_payment(qtbot, demo_db, shot, _no_blocking_message_boxes,
                                                          monkeypatch) -> None:
    from assist_desktop.storage.schema import open_database

    db = open_database(demo_db)
    try:
        # 1. the chair sets up this winter's campaign: two fund sources, the standards of the table
        chair, page = _window(qtbot, db, "shenpi", date(2026, 12, 1))
        page.new_campaign_button.click()
        dialog = page.dialog
        qtbot.waitUntil(lambda: dialog.idle() and dialog.standards.item(0, 1).text() != "", timeout=15_000)
        dialog.set_source(0, UPPER, "300000")
        dialog.set_source(1, OWN, "200000")
        assert_chinese(dialog)
        dialog.save_button.click()
        qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=15_000)
        _settle(qtbot, page)
        ((cid, name, budget),) = _rows(demo_db, "SELECT id, name, budget_fen FROM campaign WHERE year=2027")
        assert (name, budget) == ("2027年春节送温暖活动", 500_000_00) and page.campaign_id() == cid
        chair.close()

        # 2. the clerk generates the list in two runs and submits all of it
        clerk, page = _window(qtbot, db, "jingban", date(2026, 12, 10))
        assert page.campaign_id() == cid
        first = _generate(qtbot, page, {"deep", "accident"}, UPPER)
        second = _generate(qtbot, page, {"relative"}, OWN)
        active = _rows(demo_db, "SELECT count(*) FROM hardship_file WHERE status='active'")[0][0]
        assert first + second == active
        by_source = dict(_rows(demo_db, "SELECT s.name, count(*) FROM visit v JOIN campaign_fund_source s "
                                        "ON s.id = v.fund_source_id WHERE v.campaign_id=? GROUP BY s.name", cid))
        assert by_source == {UPPER: first, OWN: second}
        _choose_all(qtbot, page, "draft")
        page.step_buttons["submit"].click()
        _settle(qtbot, page)
        assert _rows(demo_db, "SELECT status, count(*) FROM visit WHERE campaign_id=? GROUP BY status", cid) == [
            ("submitted", active)]
        clerk.close()

        # 3. the reviewer reviews the whole list
        reviewer, page = _window(qtbot, db, "shenhe", date(2026, 12, 20))
        _choose_all(qtbot, page, "submitted")
        type_text(page.opinion, "名单与档案核对无误")
        page.step_buttons["review"].click()
        _settle(qtbot, page)
        assert _rows(demo_db, "SELECT DISTINCT status FROM visit WHERE campaign_id=?", cid) == [("reviewed",)]
        reviewer.close()

        # 4. the chair approves from the 审批 page's 春节走访慰问 tab
        chair, page = _window(qtbot, db, "shenpi", date(2026, 12, 28))
        approvals = chair.show_section("approvals")
        approvals.kinds.setCurrentIndex(2)
        qtbot.waitUntil(lambda: approvals.op is None or approvals.op.done, timeout=15_000)
        qtbot.waitUntil(lambda: approvals.table.rowCount() == active, timeout=15_000)
        approvals.table.selectAll()
        assert approvals.buttons[Action.approve].isEnabled()
        asked: list[str] = []
        monkeypatch.setattr(QMessageBox, "question", staticmethod(
            lambda _p, _t, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Yes))
        shot(chair, "e2e-camp-1-approvals")
        approvals.buttons[Action.approve].click()
        qtbot.waitUntil(lambda: approvals.op.done and approvals.table.rowCount() == 0, timeout=20_000)
        assert _rows(demo_db, "SELECT DISTINCT status, approved_on FROM visit WHERE campaign_id=?", cid) == [
            ("approved", "2026-12-28")]
        ((cash, goods),) = _rows(demo_db, "SELECT sum(cash_fen), sum(goods_fen) FROM visit WHERE campaign_id=?", cid)
        assert asked == [f"审批所选春节走访慰问：共{active}项，合计{format_amount(cash + goods)}元"
                         f"（慰问金{format_amount(cash)}元，慰问品{format_amount(goods)}元）？"]
        page = chair.show_section("campaigns")
        qtbot.waitUntil(lambda: page.idle() and page.board.by_status["approved"] == active, timeout=15_000)
        chair.close()

        # 5. the clerk records a visit, then pays the cash of every household
        clerk, page = _window(qtbot, db, "jingban", date(2027, 1, 15))
        page.tabs.setCurrentIndex(1)
        visited_name, visited_id = _rows(demo_db, "SELECT recipient_name, id FROM visit WHERE campaign_id=? "
                                                  "ORDER BY recipient_name LIMIT 1 OFFSET 7", cid)[0]
        type_text(page.search, visited_name)
        page._debounce.flush()
        qtbot.waitUntil(lambda: page.idle() and any(r.id == visited_id for r in page.model.rows), timeout=15_000)
        row = next(i for i, r in enumerate(page.model.rows) if r.id == visited_id)
        page.table.selectionModel().select(page.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                                           | QItemSelectionModel.SelectionFlag.Rows)
        page.open_button.click()
        editor = page.editor
        qtbot.waitUntil(lambda: editor.idle() and editor.loaded is not None, timeout=15_000)
        editor.cadres.clear()
        type_text(editor.cadres, "张国强、刘卫东")
        qtbot.keyClicks(editor.actual, "2027-01-12")
        type_text(editor.notes, "户主在家，慰问品当面交付")
        editor.save_button.click()
        qtbot.waitUntil(lambda: editor.result() == editor.DialogCode.Accepted, timeout=15_000)
        assert _rows(demo_db, "SELECT cadres, actual_date FROM visit WHERE id=?", visited_id) == [
            ("张国强、刘卫东", "2027-01-12")]
        page.search.clear()
        page._debounce.flush()
        _settle(qtbot, page)
        _choose_all(qtbot, page, "approved")
        page.take_step("pay", how=("cash", date(2027, 1, 15)))
        _settle(qtbot, page)
        shot(clerk, "e2e-camp-2-paid")
        page.tabs.setCurrentIndex(0)
        assert_chinese(page)
        shot(clerk, "e2e-camp-3-dashboard")

        # the vouchers: one per household, for its cash, numbered in a row
        paid = _rows(demo_db, "SELECT d.voucher_no, d.amount_fen, v.cash_fen, d.method, d.paid_on, d.recipient_name, "
                              "v.recipient_name FROM disbursement d JOIN visit v ON v.id = d.grant_id "
                              "WHERE d.grant_type='visit' AND v.campaign_id=? ORDER BY d.voucher_no", cid)
        assert len(paid) == active
        assert [p[0] for p in paid] == [f"610826-2027-V{n:06d}" for n in range(1, active + 1)]
        assert all(amount == cash and who == recipient for _n, amount, cash, _m, _d, who, recipient in paid)
        assert {(m, d) for _n, _a, _c, m, d, _w, _r in paid} == {("cash", "2027-01-15")}
        assert paid[0][0] in page.result_label.text() and paid[-1][0] in page.result_label.text()
        # the dashboard figures are the database's
        ((cash, goods),) = _rows(demo_db, "SELECT sum(cash_fen), sum(goods_fen) FROM visit WHERE campaign_id=?", cid)
        board = page.board
        assert board.by_status["paid"] == active and board.by_status["approved"] == 0
        assert (board.visited, board.vouchers, board.disbursed_fen) == (1, active, cash)
        assert board.total.paid.total_fen == cash + goods and board.total.remaining_fen == 500_000_00 - cash - goods
        cell = page.dashboard.cell
        for source_id, source_name in _rows(demo_db, "SELECT id, name FROM campaign_fund_source WHERE campaign_id=?",
                                            cid):
            ((n, total),) = _rows(demo_db, "SELECT count(*), sum(cash_fen + goods_fen) FROM visit "
                                           "WHERE fund_source_id=?", source_id)
            table = page.dashboard.sources_table
            assert (cell(table, source_id, 3), cell(table, source_id, 7)) == (str(n), format_amount(total))
        assert page.dashboard.status_tiles["paid"].value.text() == str(active)
        assert page.dashboard.visited_tile.value.text() == "1"
        steps = _rows(demo_db, "SELECT action, actor_name FROM workflow_event WHERE entity_id=? ORDER BY at",
                      visited_id)
        assert steps == [("submit", "李娜"), ("review", "王建军"), ("approve", "张国强"), ("pay", "李娜")]
        with db.session() as s:
            assert verify_audit(s).ok
        assert not [m for m in _no_blocking_message_boxes if m[0] in ("warning", "critical")]
        clerk.close()
    finally:
        db.close()
