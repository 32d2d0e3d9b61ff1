"""The 审批 page as caseworkers work it (issue 18): a double-click opens the item (read-only where the user
cannot change it), the visits tab names the person (ID tail, union), an item on notice says from when it
may be approved, and a batch takes the items it can and lists the others with why."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox

from assist_desktop.domain.lifecycle import Action
from tests.ui.conftest import assert_chinese

pytestmark = pytest.mark.usefixtures("qapp")
TODAY = date(2026, 11, 20)  # a Friday: a notice posted today runs to Thursday 26th


def _rows(path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


def _page(qtbot, ctx, kind: int = 0):
    from assist_desktop.ui.approvals.page import ApprovalsPage

    ctx.clock = lambda: TODAY
    page = ApprovalsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    qtbot.waitUntil(lambda: page.op is not None and page.op.done, timeout=15_000)
    page.kinds.setCurrentIndex(kind)
    return page


def _select(page, rows: list[int]) -> None:
    page.table.clearSelection()
    for row in rows:
        page.table.selectionModel().select(page.table.model().index(row, 0), QItemSelectionModel.SelectionFlag.Select
                                           | QItemSelectionModel.SelectionFlag.Rows)


def _double_click(qtbot, page, row: int) -> None:
    rect = page.table.visualRect(page.table.model().index(row, 1))
    # as a mouse does it: the first click selects, the second makes it a double-click
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_files_on_notice_say_when_and_a_batch_takes_what_it_can(qtbot, app_context, demo_db, shot) -> None:
    on_notice = [r[0] for r in _rows(demo_db, "SELECT id FROM hardship_file WHERE status = 'on_notice' "
                                              "ORDER BY file_no")]
    assert len(on_notice) >= 3
    with closing(sqlite3.connect(demo_db)) as conn:
        conn.execute("UPDATE hardship_file SET notice_start = '2026-11-02' WHERE status = 'on_notice'")
        conn.execute("UPDATE hardship_file SET notice_start = '2026-11-20' WHERE id = ?", (on_notice[0],))
        conn.commit()
    page = _page(qtbot, app_context("shenpi"))
    rows = {item.entity_id: r for r, item in enumerate(page.items)}
    status = page.table.item(rows[on_notice[0]], 5).text()
    assert status == "公示中，11月27日起可审批"
    assert page.table.item(rows[on_notice[1]], 5).text() == "公示中，公示期已满"
    number, tail, union = _rows(demo_db, "SELECT f.file_no, substr(f.id_number, 15), u.name FROM hardship_file f "
                                         "JOIN org_unit u ON u.id = f.unit_id WHERE f.id = ?", on_notice[1])[0]
    assert [page.table.item(rows[on_notice[1]], c).text() for c in (0, 2, 3)] == [number, tail, union]
    assert page.table.horizontalHeaderItem(2).text() == "身份证后4位"
    assert_chinese(page)

    _select(page, [rows[i] for i in on_notice])
    page.buttons[Action.approve].click()
    qtbot.waitUntil(lambda: page.op.done and page.last_outcome is not None, timeout=20_000)
    statuses = dict(_rows(demo_db, f"SELECT id, status FROM hardship_file WHERE id IN "
                                   f"({','.join('?' * len(on_notice))})", *on_notice))
    assert statuses[on_notice[0]] == "on_notice"  # its notice has not run: left, and said why
    assert {statuses[i] for i in on_notice[1:]} == {"active"}  # the others taken, not stopped by the first
    assert page.outcome_label.text().startswith(f"审批：{len(on_notice) - 1}项已完成，1项未能审批。")
    table = page.not_taken_table
    assert table.rowCount() == 1 and "公示期未满" in table.item(0, 1).text()
    assert "2026年11月27日" in table.item(0, 1).text() and table.isVisibleTo(page)
    qtbot.waitUntil(lambda: page.op.done and on_notice[1] not in {i.entity_id for i in page.items}, timeout=15_000)
    shot(page, "approvals-batch-partial")


def test_a_double_click_opens_the_file_read_only_for_the_approver(qtbot, app_context, demo_db) -> None:
    page = _page(qtbot, app_context("shenpi"))
    assert page.items
    _double_click(qtbot, page, 0)
    editor = page.editor
    assert editor is not None and editor.file_id == page.items[0].entity_id
    qtbot.waitUntil(lambda: editor.ready, timeout=15_000)
    assert editor.read_only and editor.isVisible()
    editor.close()


def test_the_clerk_opens_a_draft_to_change_it(qtbot, app_context) -> None:
    page = _page(qtbot, app_context("jingban"))
    row = next(r for r, item in enumerate(page.items) if item.status == "draft")
    _select(page, [row])
    page.open_button.click()
    editor = page.editor
    qtbot.waitUntil(lambda: editor.ready, timeout=15_000)
    assert not editor.read_only and editor.file_id == page.items[row].entity_id
    editor.close()


def test_the_visits_tab_names_the_person_and_opens_the_visit(qtbot, app_context, demo_db, monkeypatch) -> None:
    from assist_desktop.services import campaigns
    from assist_desktop.services.campaigns import CampaignInput, GenerationCriteria
    from assist_desktop.services.users import authenticate

    ctx = app_context("shenhe")
    with ctx.db.session() as s:
        chair, clerk = authenticate(s, "shenpi", "demo12345"), authenticate(s, "jingban", "demo12345")
        c = campaigns.create_campaign(s, chair, CampaignInput(
            year=2027, name=None, visit_start=date(2027, 1, 5), visit_end=date(2027, 2, 10),
            fund_sources=[("上级工会拨款", 400_000_00)]), today=TODAY)
        campaigns.generate_visits(s, clerk, c.id, GenerationCriteria(categories=("deep",)))
    ids = [r[0] for r in _rows(demo_db, "SELECT id FROM visit WHERE campaign_id = ?", c.id)]
    with ctx.db.session() as s:
        campaigns.act_many(s, clerk, ids, Action.submit, today=TODAY)
    page = _page(qtbot, ctx, kind=2)
    assert page.kinds.tabText(2) == f"春节走访慰问（{len(ids)}）"
    headers = [page.table.horizontalHeaderItem(c).text() for c in range(page.table.columnCount())]
    assert headers[:5] == ["慰问活动", "姓名", "身份证后4位", "工会或单位", "慰问金及慰问品"]
    shown = {(page.table.item(r, 1).text(), page.table.item(r, 2).text(), page.table.item(r, 3).text())
             for r in range(page.table.rowCount())}
    assert shown == {(name, number[-4:], unit) for name, number, unit in _rows(
        demo_db, "SELECT recipient_name, recipient_id_number, unit_name FROM visit WHERE campaign_id = ?", c.id)}
    _double_click(qtbot, page, 0)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.idle() and editor.loaded is not None, timeout=15_000)
    assert editor.visit_id == page.items[0].entity_id
    assert page.items[0].name in editor.recipient.text()
    editor.close()
