"""On Qt's xcb platform (.ci/run runs this under Xvfb with QT_QPA_PLATFORM=xcb): the main window is
really drawn on the X display, as on an office PC. Skipped offscreen, where there is no display."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTableView

from assist_desktop.ui.shell.main_window import MainWindow


def test_the_main_window_is_drawn_on_the_x_display(qtbot, app_context, shot) -> None:
    if QGuiApplication.platformName() != "xcb":
        pytest.skip("runs on Qt's xcb platform (.ci/run: QT_QPA_PLATFORM=xcb under Xvfb)")
    window = MainWindow(app_context("jingban"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    table = window.pages["registry"].findChild(QTableView)
    qtbot.waitUntil(lambda: table.model() is not None and table.model().rowCount() > 0, timeout=20000)
    qtbot.wait(300)  # let the rows paint
    assert window.windowHandle().isExposed() and int(window.winId()) != 0
    screen = window.screen()
    assert screen.availableGeometry().contains(window.geometry())  # fitted to the screen
    # what the X server shows where the window is, against what the window paints
    shown = screen.grabWindow(0).copy(window.geometry()).toImage()
    painted = window.grab().toImage()
    assert shown.size() == painted.size()
    step = 7
    same = total = 0
    for y in range(0, painted.height(), step):
        for x in range(0, painted.width(), step):
            total += 1
            same += shown.pixel(x, y) == painted.pixel(x, y)
    assert same / total > 0.95, f"only {same / total:.0%} of the window's pixels are on the display"
    shot(window, "main-window-on-xcb")
