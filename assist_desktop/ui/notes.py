"""A one-line note over a page: why what is shown can only be viewed here (another unit's record)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel


def view_only_note() -> QLabel:
    """Hidden until a record of another unit is chosen; the page sets its text."""
    note = QLabel()
    note.setObjectName("owner_note")
    note.setWordWrap(True)
    note.setStyleSheet("background: #fff8e1; border: 1px solid #ffe082; padding: 4px 8px;")
    note.hide()
    return note
