"""A household's way through the program, driven through the real main window offscreen.

The clerk finds a family by its pinyin initials, edits a member and saves; submits it; the reviewer
reviews and posts the notice; a week later the approver approves. Each step as its own user.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from assist_desktop.domain.lifecycle import Action
from assist_desktop.services.audit import verify_audit
from assist_desktop.ui.app import log_in
from assist_desktop.ui.editor.file_editor import FileEditor
from assist_desktop.ui.editor.members_table import KEYS
from assist_desktop.ui.shell.main_window import MainWindow
from tests.ui.conftest import assert_chinese, type_text


def _window(qtbot, db, username: str) -> MainWindow:
    from assist_desktop.services.users import authenticate

    with db.session() as s:  # the login dialog's own service call, without the dialog
        authenticate(s, username, "demo12345")
    ctx = log_in(db, demo=True) if username == "jingban" else None
    if ctx is None:
        from assist_desktop.services.setup import local_unit
        from assist_desktop.services.users import user_roles
        from assist_desktop.ui.context import AppContext

        with db.session() as s:
            user = authenticate(s, username, "demo12345")
        with db.session() as s:
            ctx = AppContext(db=db, user=user, unit=local_unit(s), roles=user_roles(s, user), demo=True)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def _take_step(qtbot, window: MainWindow, file_no: str, action: Action, opinion: str = "") -> None:
    page = window.show_section("approvals")
    qtbot.waitUntil(lambda: page.op is not None and page.op.done and any(i.number == file_no for i in page.items),
                    timeout=15000)
    row = next(i for i, item in enumerate(page.items) if item.number == file_no)
    page.table.clearSelection()
    page.table.selectionModel().select(page.table.model().index(row, 0),
                                       QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert page.buttons[action].isEnabled()
    if opinion:
        type_text(page.opinion, opinion)
    page.buttons[action].click()
    qtbot.waitUntil(lambda: page.op.done and not any(
        i.number == file_no and action in i.actions for i in page.items), timeout=15000)


def _status(db_path, file_id: str) -> str:
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute("SELECT status FROM hardship_file WHERE id = ?", (file_id,)).fetchone()[0]


def test_a_family_from_search_to_approval(qtbot, demo_db, shot) -> None:
    from assist_desktop.storage.schema import open_database

    with closing(sqlite3.connect(demo_db)) as conn:
        # a draft of the clerk's with household members, whose initials single it out among the drafts
        file_id, file_no, name, initials = conn.execute(
            "SELECT f.id, f.file_no, f.name, f.name_initials FROM hardship_file f "
            "WHERE f.status = 'draft' AND EXISTS (SELECT 1 FROM member m WHERE m.file_id = f.id) "
            "ORDER BY (SELECT count(*) FROM hardship_file g WHERE g.name_initials = f.name_initials), f.file_no "
            "LIMIT 1").fetchone()
    db = open_database(demo_db)
    try:
        # 1. the clerk finds the family by pinyin initials in the registry list
        clerk = _window(qtbot, db, "jingban")
        registry = clerk.show_section("registry")
        qtbot.waitUntil(lambda: registry.model.rowCount() > 0, timeout=15000)
        everyone = registry.model.rowCount()
        qtbot.keyClicks(registry.search, initials)
        qtbot.waitUntil(lambda: 0 < registry.model.rowCount() < everyone and any(
            registry.model.file_id(r) == file_id for r in range(registry.model.rowCount())), timeout=15000)
        row = next(r for r in range(registry.model.rowCount()) if registry.model.file_id(r) == file_id)
        registry.table.selectRow(row)
        assert registry.current_file_id() == file_id
        assert_chinese(clerk)
        shot(clerk, "e2e-1-registry-search")

        # 2. opens it, changes a member's school and income, saves
        editor = FileEditor(clerk.ctx, file_id=registry.current_file_id(), parent=clerk)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitUntil(lambda: editor.ready, timeout=15000)
        version = editor.version
        editor.go_to_tab(1)
        model = editor.members.model
        model.setData(model.index(0, KEYS.index("income")), "456.70")
        model.setData(model.index(0, KEYS.index("unit_or_school")), "绥德县名州镇中心小学")
        assert editor.dirty
        shot(editor, "e2e-2-editor-members")
        assert editor.save(), editor.findChildren(QApplication)  # the service accepted it
        assert editor.version == version + 1
        editor.close()
        with closing(sqlite3.connect(demo_db)) as conn:
            income, school = conn.execute(
                "SELECT monthly_income_fen, unit_or_school FROM member WHERE file_id = ? ORDER BY seq LIMIT 1",
                (file_id,)).fetchone()
        assert (income, school) == (45_670, "绥德县名州镇中心小学")

        # 3. submits it from the approvals page
        _take_step(qtbot, clerk, file_no, Action.submit)
        assert _status(demo_db, file_id) == "submitted"
        clerk.close()

        # 4. the reviewer reviews it and posts the public notice
        reviewer = _window(qtbot, db, "shenhe")
        _take_step(qtbot, reviewer, file_no, Action.review, "入户调查属实，符合建档条件")
        _take_step(qtbot, reviewer, file_no, Action.put_on_notice)
        assert _status(demo_db, file_id) == "on_notice"
        shot(reviewer, "e2e-3-reviewer")
        reviewer.close()

        # 5. a week passes (the notice runs five working days), then the approver approves
        with closing(sqlite3.connect(demo_db)) as conn:
            conn.execute("UPDATE hardship_file SET notice_start = date(notice_start, '-8 days') WHERE id = ?",
                         (file_id,))
            conn.commit()
        approver = _window(qtbot, db, "shenpi")
        _take_step(qtbot, approver, file_no, Action.approve, "同意建档")
        assert _status(demo_db, file_id) == "active"
        shot(approver, "e2e-4-approver")

        with closing(sqlite3.connect(demo_db)) as conn:
            steps = conn.execute("SELECT action, actor_name FROM workflow_event WHERE entity_id = ? ORDER BY at",
                                 (file_id,)).fetchall()
        assert steps[-4:] == [("submit", "李娜"), ("review", "王建军"), ("put_on_notice", "王建军"),
                              ("approve", "张国强")]
        with db.session() as s:
            assert verify_audit(s).ok
        approver.close()
    finally:
        db.close()
