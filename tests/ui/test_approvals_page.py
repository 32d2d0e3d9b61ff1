"""The 审批 page: what waits for each role, steps on a selection in the background, refusals shown."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QInputDialog, QMessageBox

from assist_desktop.domain.lifecycle import Action
from assist_desktop.ui.approvals.page import ApprovalsPage

from .conftest import assert_chinese


def _statuses(path, ids):
    with closing(sqlite3.connect(path)) as conn:
        return {r[0]: r[1] for r in conn.execute(
            f"SELECT id, status FROM hardship_file WHERE id IN ({','.join('?' * len(ids))})", ids)}


def _page(qtbot, ctx) -> ApprovalsPage:
    page = ApprovalsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.op is not None and page.op.done, timeout=15000)
    return page


def _select(page: ApprovalsPage, rows: list[int]) -> None:
    page.table.clearSelection()
    model = page.table.model()
    for row in rows:
        page.table.selectionModel().select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                                           | QItemSelectionModel.SelectionFlag.Rows)


def test_reviewer_sees_and_reviews_a_selection(qtbot, app_context, shot) -> None:
    ctx = app_context("shenhe")
    page = _page(qtbot, ctx)
    with closing(sqlite3.connect(ctx.db_path)) as conn:
        waiting = {r[0] for r in conn.execute("SELECT id FROM hardship_file WHERE status IN ('submitted', 'reviewed')")}
    assert {item.entity_id for item in page.items} == waiting and waiting
    assert page.summary.text() == f"共 {len(waiting)} 项等待您处理。"
    assert_chinese(page)
    shot(page, "approvals-reviewer")
    submitted = [i for i, item in enumerate(page.items) if item.status == "submitted"][:2]
    ids = [page.items[i].entity_id for i in submitted]
    _select(page, submitted)
    assert page.buttons[Action.review].isEnabled() and not page.buttons[Action.approve].isEnabled()
    page.opinion.setText("经审核，符合建档条件")
    page.buttons[Action.review].click()
    qtbot.waitUntil(lambda: page.op.done and set(_statuses(ctx.db_path, ids).values()) == {"reviewed"}, timeout=15000)
    with closing(sqlite3.connect(ctx.db_path)) as conn:
        events = conn.execute(f"SELECT actor_name, opinion FROM workflow_event WHERE action='review' AND entity_id IN "
                              f"({','.join('?' * len(ids))}) ORDER BY at DESC LIMIT 2", ids).fetchall()
    assert events == [("王建军", "经审核，符合建档条件")] * 2
    qtbot.waitUntil(lambda: page.op.done and all(i.status == "reviewed" for i in page.items if i.entity_id in ids))


def test_sending_back_asks_for_a_reason(qtbot, app_context, monkeypatch) -> None:
    ctx = app_context("shenhe")
    page = _page(qtbot, ctx)
    row = next(i for i, item in enumerate(page.items) if item.status == "submitted")
    target = page.items[row].entity_id
    _select(page, [row])
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    page.buttons[Action.return_to_draft].click()  # cancelled at the reason: nothing happens
    assert _statuses(ctx.db_path, [target]) == {target: "submitted"}
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("缺少低保证明", True)))
    page.buttons[Action.return_to_draft].click()
    qtbot.waitUntil(lambda: _statuses(ctx.db_path, [target]) == {target: "draft"}, timeout=15000)


def test_a_refused_approval_is_shown_and_nothing_moves(qtbot, app_context, monkeypatch) -> None:
    ctx = app_context("shenpi")
    with closing(sqlite3.connect(ctx.db_path)) as conn:  # a notice that started today cannot be approved yet
        conn.execute("UPDATE hardship_file SET notice_start = date('now', 'localtime') WHERE status = 'on_notice'")
        conn.commit()
    page = _page(qtbot, ctx)
    rows = [i for i, item in enumerate(page.items) if item.status == "on_notice"]
    assert rows
    ids = [page.items[i].entity_id for i in rows]
    _select(page, rows)
    page.buttons[Action.approve].click()
    qtbot.waitUntil(lambda: page.op.done and page.last_outcome is not None, timeout=15000)
    # each item refused is listed with why (the page takes what it can; here nothing)
    table = page.not_taken_table
    assert table.isVisibleTo(page) and table.rowCount() == len(rows)
    assert all("公示期未满" in table.item(r, 1).text() for r in range(table.rowCount()))
    assert page.outcome_label.text().startswith("审批：0项已完成")
    assert set(_statuses(ctx.db_path, ids).values()) == {"on_notice"}


def test_admin_has_nothing_to_approve(qtbot, app_context) -> None:
    page = _page(qtbot, app_context("admin"))
    assert page.items == [] and page.summary.text() == "暂无需要您处理的事项。"


def test_scholarships_wait_on_their_own_tab_and_approve_through_their_service(qtbot, app_context, demo_db,
                                                                               _no_blocking_message_boxes,
                                                                               monkeypatch) -> None:
    """A scholarship approved from the 审批 page goes through the scholarship service: budget checked,
    installments made — not the generic step."""
    from datetime import date

    from assist_desktop.domain.lifecycle import Action
    from tests.ui.test_scholarships_ui import CLOCK, _apply, reopen_round

    ids = _apply(demo_db, reopen_round(demo_db), 1)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _p, _t, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Yes))
    steps = ((("jingban", CLOCK), Action.submit), (("shenhe", CLOCK), Action.review),
             (("shenhe", CLOCK), Action.put_on_notice), (("shenpi", date(2026, 9, 20)), Action.approve))
    for (user, day), action in steps:
        ctx = app_context(user)
        ctx.clock = lambda day=day: day
        page = _page(qtbot, ctx)
        page.kinds.setCurrentIndex(1)
        assert page.kinds.tabText(1).startswith("金秋助学（")
        row = next(i for i, item in enumerate(page.items) if item.entity_id == ids[0])
        _select(page, [row])
        assert page.buttons[action].isEnabled()
        page.buttons[action].click()
        qtbot.waitUntil(lambda: page.op.done, timeout=15000)
        assert not _no_blocking_message_boxes, _no_blocking_message_boxes
        page.close()
    with closing(sqlite3.connect(demo_db)) as conn:
        assert conn.execute("SELECT status FROM scholarship WHERE id=?", ids).fetchone() == ("approved",)
        assert conn.execute("SELECT count(*) FROM installment WHERE scholarship_id=?", ids).fetchone() == (4,)
    assert asked == ["审批所选金秋助学：共1项，合计4,000.00元？"]  # the money, asked once
