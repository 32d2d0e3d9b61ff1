"""The window a caseworker lives in (issue 18): 切换用户 can be cancelled (Esc leaves the window as it was)
and keeps （演示） on a demo database; Enter presses the focused button; the editor's "not saved" summary
follows the corrections and goes once they are made."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import type_text

pytestmark = pytest.mark.usefixtures("qapp")


def _window(qtbot, ctx):
    from assist_desktop.ui.shell.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def _when_the_login_shows(qtbot, then) -> None:  # noqa: ANN001
    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, act)
            return
        then(dialog)

    QTimer.singleShot(50, act)


def test_switching_user_can_be_cancelled(qtbot, app_context) -> None:
    window = _window(qtbot, app_context("jingban"))
    _when_the_login_shows(qtbot, lambda d: qtbot.keyClick(d, Qt.Key.Key_Escape))
    switch = next(a for a in window.menuBar().actions()[0].menu().actions() if a.text() == "切换用户…")
    switch.trigger()
    assert window.isVisible() and not window.switch_requested  # before: the program quit
    assert window.ctx.user.username == "jingban"


def test_switching_user_logs_the_other_in_and_keeps_demo(qtbot, app_context) -> None:
    from assist_desktop.ui.app import log_in

    ctx = app_context("jingban")
    window = _window(qtbot, ctx)
    assert "（演示）" in window.windowTitle()

    def fill(dialog) -> None:  # noqa: ANN001
        qtbot.keyClicks(dialog.username, "shenhe")
        qtbot.keyClicks(dialog.password, "demo12345")
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    _when_the_login_shows(qtbot, fill)
    assert window.switch_user()
    assert window.switch_requested and window.next_user.username == "shenhe" and not window.isVisible()
    new = log_in(ctx.db, ctx.demo, user=window.next_user)  # as the program's loop does next
    assert new is not None and new.user.username == "shenhe" and new.demo
    second = _window(qtbot, new)
    assert "（演示）" in second.windowTitle() and "王建军" in second.user_label.text()


def test_enter_presses_the_focused_button(qtbot, app_context, demo_db) -> None:
    from assist_desktop.storage.backup import BackupManager
    from assist_desktop.ui.settings.page import SettingsPage

    page = SettingsPage(app_context("admin"))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(page.idle, timeout=20_000)
    page.tabs.setCurrentIndex(2)
    page.backup_button.setFocus()
    qtbot.keyClick(page.backup_button, Qt.Key.Key_Return)  # before: only Space pressed it
    qtbot.waitUntil(lambda: page.idle() and len(BackupManager(demo_db).list()) == 1, timeout=20_000)


def test_the_not_saved_summary_follows_the_corrections(qtbot, app_context) -> None:
    from tests.ui.test_editor import WORKER_ID, field_widget, open_editor

    editor = open_editor(qtbot, app_context("jingban"))
    type_text(field_widget(editor, "name"), "王建国")
    assert editor.save() is False
    first = editor.status_line.text()
    assert first.startswith("未保存：有 ") and "处需要更正" in first
    count = int(first.split("有 ")[1].split(" 处")[0])
    qtbot.keyClicks(field_widget(editor, "phone"), "13912345678")
    editor.fields["phone"].flush()
    assert editor.status_line.text().startswith(f"未保存：有 {count - 1} 处")  # one fewer left
    for key, text in (("address", "绥德县名州镇张家村12号"), ("employer_name", "绥德县兴业建筑工程有限公司")):
        type_text(field_widget(editor, key), text)
        editor.fields[key].flush()
    field_widget(editor, "unit_id").setCurrentIndex(1)
    cause = field_widget(editor, "primary_cause")
    cause.setCurrentIndex(cause.findData(3))
    qtbot.keyClicks(field_widget(editor, "id_number"), WORKER_ID)
    qtbot.keyClicks(field_widget(editor, "worker_monthly_income_fen"), "0")
    for field in editor.fields.values():
        field.flush()
    assert editor.status_line.text() == ""  # before: the summary stayed, naming errors long fixed


def test_ctrl_end_reaches_the_real_end_of_a_lazy_list(qtbot, app_context, demo_db, monkeypatch) -> None:
    from assist_desktop.ui.registry.page import RegistryPage

    page = RegistryPage(app_context("jingban"))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.model.busy, timeout=15_000)
    total = page.model.total
    assert page.model.rowCount() < total  # a page of the list is loaded, not all of it
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.table.currentIndex().row() == total - 1, timeout=20_000)
    assert page.model.rowCount() == total and page.current_file_id() == page.model.file_id(total - 1)

    from assist_desktop.ui.scholarships import model as sch_model
    from tests.ui.test_scholarships_ui import _page

    monkeypatch.setattr(sch_model, "PAGE_SIZE", 5)  # a small page, so the demo's round needs several
    sch = _page(qtbot, app_context("jingban"))
    assert sch.model.rowCount() < sch.model.total
    sch.table.setFocus()
    qtbot.keyClick(sch.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: sch.table.currentIndex().row() == sch.model.total - 1, timeout=20_000)
