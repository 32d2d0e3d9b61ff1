"""Small screens (issue 18): every page fits 1024×768 without forcing the window wider, and windows and
dialogs open no larger than the screen they open on."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from PySide6.QtGui import QGuiApplication

pytestmark = pytest.mark.usefixtures("qapp")
SECTIONS = ("registry", "scholarships", "campaigns", "approvals", "print", "sync", "statistics", "settings")
SCREEN_W, SCREEN_H = 1024, 768 - 40  # a task bar


@pytest.mark.parametrize("who", ["jingban", "shenpi", "admin"])
def test_every_page_fits_a_1024_by_768_screen(qtbot, app_context, who, shot) -> None:
    from assist_desktop.ui.shell.main_window import MainWindow

    window = MainWindow(app_context(who))
    qtbot.addWidget(window)
    window.show()
    window.resize(SCREEN_W, SCREEN_H - 30)
    for key in SECTIONS:
        page = window.show_section(key)
        qtbot.wait(50)
        least = window.minimumSizeHint()
        assert least.width() <= SCREEN_W and least.height() <= SCREEN_H - 30, (key, least)
        assert window.width() <= SCREEN_W, (key, window.width())  # the page did not push the window wider
        assert page.width() <= SCREEN_W - window.nav.width()
    shot(window, f"small-{who}-settings")


def test_windows_and_dialogs_open_within_the_screen(qtbot, app_context, demo_db) -> None:
    from assist_desktop.ui.editor import FileEditor
    from assist_desktop.ui.ledger.wizard import ImportWizard
    from assist_desktop.ui.shell.main_window import MainWindow
    from assist_desktop.ui.standards.dialog import StandardsDialog

    room = QGuiApplication.primaryScreen().availableGeometry()
    with closing(sqlite3.connect(demo_db)) as conn:
        file_id = conn.execute("SELECT id FROM hardship_file LIMIT 1").fetchone()[0]
    ctx = app_context("admin")
    for made in (MainWindow(ctx), FileEditor(app_context("jingban"), file_id), ImportWizard(app_context("jingban")),
                 StandardsDialog(ctx, "spring_festival", 2026)):
        qtbot.addWidget(made)
        assert made.width() <= room.width() and made.height() <= room.height(), (type(made).__name__, made.size())


def test_a_message_does_not_move_the_save_button(qtbot, app_context) -> None:
    """A refusal shown under a field takes room kept for it: 保存 stays under the mouse."""
    from assist_desktop.ui.settings.page import SettingsPage

    page = SettingsPage(app_context("admin"))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(page.idle, timeout=20_000)
    dialog = page.new_user()
    qtbot.waitExposed(dialog)
    before = dialog.save_button.mapToGlobal(dialog.save_button.rect().center())
    qtbot.keyClicks(dialog.username, "zhaomin")
    dialog.password.setText("Start-2026!")
    dialog.again.setText("Start-2026?")  # differs: refused at 再次输入
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.idle() and bool(dialog.message_of("再次输入")), timeout=10_000)
    assert dialog.save_button.mapToGlobal(dialog.save_button.rect().center()) == before
    dialog.reject()


def test_the_chosen_item_of_a_combo_in_error_reads(qtbot) -> None:
    """A combo marked in error (red border) still shows its list's chosen item as chosen items read:
    light text on the highlight — it was white on the pale error pink, unreadable."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from assist_desktop.domain.enums import HealthStatus
    from assist_desktop.ui.editor.fields import STYLE, EnumCombo, repolish

    holder = QWidget()
    holder.setStyleSheet(STYLE)
    combo = EnumCombo(HealthStatus.choices(), "（未填）")
    QVBoxLayout(holder).addWidget(combo)
    qtbot.addWidget(holder)
    combo.setProperty("invalid", True)
    repolish(combo)
    combo.setCurrentIndex(2)
    holder.show()
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=5_000)
    qtbot.wait(100)
    rect = view.visualRect(view.currentIndex())
    image = view.viewport().grab().toImage()
    background = QColor(image.pixel(rect.right() - 4, rect.center().y()))
    assert background.lightness() < 200, background.name()  # the highlight, not the pale pink
    combo.hidePopup()
