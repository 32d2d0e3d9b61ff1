"""Keys a caseworker expects to work everywhere: Enter presses the focused button (Qt takes only Space on a
page, and Enter only for a dialog's default button), and Ctrl+End goes to the real end of a lazy list
(Qt's goes to the last row loaded so far)."""

from __future__ import annotations

from collections.abc import Callable
# Qt's namespace is reached as QtCore.Qt, when first used: importing the name builds Python enums for all of
# Qt:: (≈15 ms), and this module is loaded before the login window (P1)
from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QPushButton, QToolButton


class EnterPressesButtons(QObject):
    """Application-wide: Enter on a focused push or tool button clicks it, as Space does. A dialog's
    auto-default button already takes Enter itself; it is left to Qt, so nothing is clicked twice."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if event.type() != QEvent.Type.KeyPress or event.key() not in (  # type: ignore[attr-defined]
                QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
            return False
        if event.modifiers() & ~QtCore.Qt.KeyboardModifier.KeypadModifier:  # type: ignore[attr-defined]
            return False
        if isinstance(watched, QPushButton) and watched.autoDefault():
            return False  # a dialog's button: Qt clicks it on Enter already
        if isinstance(watched, (QPushButton, QToolButton)) and watched.isEnabled() and watched.hasFocus():
            watched.animateClick()
            return True
        return False


def install_enter_for_buttons(app: QApplication) -> None:
    if getattr(app, "enter_presses_buttons", None) is None:
        app.enter_presses_buttons = EnterPressesButtons(app)  # type: ignore[attr-defined]
        app.installEventFilter(app.enter_presses_buttons)  # type: ignore[attr-defined]


class CtrlEndReachesTheEnd(QObject):
    """On a lazy list's view: Ctrl+End asks the model for more rows (``fetch_more``: all of them, or the next
    page) until it holds ``total()``, following them as they arrive so the last one ends current; any other
    key stops it. Ctrl+Home stays Qt's."""

    def __init__(self, view: QAbstractItemView, fetch_more: Callable[[], None], total: Callable[[], int]) -> None:
        super().__init__(view)
        self.view, self.fetch_more, self.total = view, fetch_more, total
        self.going = False
        view.installEventFilter(self)
        view.model().rowsInserted.connect(lambda *_a: QTimer.singleShot(0, self._follow))
        view.model().modelReset.connect(self._stop)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if event.type() != QEvent.Type.KeyPress:
            return False
        if event.key() == QtCore.Qt.Key.Key_End and event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier:  # type: ignore[attr-defined]
            self.going = True
            self._follow()
            return True
        self.going = False  # another key: the caseworker moved on
        return False

    def _stop(self) -> None:
        self.going = False

    def _follow(self) -> None:
        if not self.going:
            return
        model = self.view.model()
        last = model.rowCount() - 1
        if last >= 0:
            index = model.index(last, max(self.view.currentIndex().column(), 0))
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtBottom)
        if model.rowCount() < self.total():
            self.fetch_more()  # the rows come back through rowsInserted, and this runs again
        else:
            self.going = False
