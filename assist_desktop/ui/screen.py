"""Windows that fit the screen they open on, whatever its size and scaling."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget


def fitted_size(window: QWidget, width: int, height: int) -> QSize:
    """``width`` × ``height``, shrunk to the room the window's screen has: at 150 % a 1920×1080 screen
    is 1280×720 logical pixels (a 1366×768 laptop at 125 % only 1093×614), less than the 760 the main
    window would like, and a window taller than the screen hides its status bar behind the taskbar."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    room = screen.availableGeometry()
    return QSize(min(width, room.width()), min(height, room.height()))
