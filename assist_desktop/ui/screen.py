"""Windows and dialogs open at a size that fits the screen they open on: many county PCs have 1024×768
(less a task bar), where a 1180×820 editor would open with its buttons off the screen."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# room kept for the window's frame and title bar, which availableGeometry does not count
FRAME_W, FRAME_H = 16, 40


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to ``width``×``height``, or to what the screen can show (never below the minimum)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, room.width() - FRAME_W)
        height = min(height, room.height() - FRAME_H)
    least = widget.minimumSizeHint()
    widget.resize(max(width, least.width()), max(height, least.height()))
