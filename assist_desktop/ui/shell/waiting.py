"""The window says when it waits for another program: a small notice over the window naming whom it waits
for — another program's long write, or a restore holding the file — while the wait lasts, instead of a window
that stops answering and then shows the refusal.

``storage.file_lock`` says when a wait begins (a write waiting for another program's write lock after its
first second, a start waiting for another program's restore), calls a pulse between its tries, and says when
the wait is over. The wait may be in a worker (a background operation: the window is free, the notice is sent
to it) or on the GUI thread (a short write such as saving a file): then each pulse lets Qt paint and run its
timers — never the user's clicks and keys, which wait in the queue — so the notice appears and counts the
seconds and the window does not turn grey as "not responding".
"""

from __future__ import annotations

import time

import shiboken6
# Qt's namespace is reached as QtCore.Qt, when first used: importing the name builds Python enums for all of
# Qt:: (≈15 ms), and this module is loaded before the login window (P1)
from PySide6 import QtCore
from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

from assist_desktop.storage import file_lock


class WaitingNotice(QObject):
    """Installed once per application (``install``); shows ``file_lock``'s waits over the main window."""

    said = Signal(str)
    ended = Signal()

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.text = ""
        self.waits = 0  # waits in progress (a worker's and the GUI thread's may overlap)
        self.started = 0.0
        self.label: QLabel | None = None
        self._pulsing = False
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._refresh)
        # Emitted from the waiting thread: queued to this (GUI-thread) object from a worker, direct on the GUI
        # thread itself.
        self.said.connect(self._begin)
        self.ended.connect(self._end)

    def install(self) -> None:
        file_lock.set_waiting_notice(self.said.emit, pulse=self._pulse, over=self.ended.emit)

    def uninstall(self) -> None:
        file_lock.set_waiting_notice(None)
        self.waits = 0
        self._end()

    @property
    def shown(self) -> bool:
        return self._label() is not None and self.label.isVisible()  # type: ignore[union-attr]

    def _label(self) -> QLabel | None:
        """The notice, unless the window it was over has gone (and took it along)."""
        if self.label is not None and not shiboken6.isValid(self.label):
            self.label = None
        return self.label

    # --- in the waiting thread ------------------------------------------------------------------------

    def _pulse(self) -> None:
        if QThread.currentThread() is not self.thread() or self._pulsing:
            return  # a worker: the GUI thread is free and paints by itself
        self._pulsing = True
        try:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            self._pulsing = False

    # --- on the GUI thread ----------------------------------------------------------------------------

    def _begin(self, text: str) -> None:
        if self.waits == 0:
            self.started = time.monotonic()
        self.waits += 1
        self.text = text
        if self._label() is None:
            self.label = self._make_label()
        self._refresh()
        self.label.show()
        self.label.raise_()
        self.timer.start()

    def _end(self) -> None:
        self.waits = max(0, self.waits - 1)
        if self.waits:
            return
        self.timer.stop()
        if self._label() is not None:
            self.label.hide()
            self.label.deleteLater()
            self.label = None

    def _make_label(self) -> QLabel:
        window = _main_window()
        label = QLabel(window)
        label.setObjectName("waiting_notice")
        label.setWordWrap(True)
        label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        label.setStyleSheet("QLabel#waiting_notice { background: #fff4ce; color: #3b2f00; border: 1px solid #d8a800;"
                            " border-radius: 4px; padding: 8px 12px; font-size: 14px; }")
        if window is None:  # no window yet (a start waiting for another program's restore): a small one of its own
            label.setWindowFlags(QtCore.Qt.WindowType.Tool | QtCore.Qt.WindowType.FramelessWindowHint
                                 | QtCore.Qt.WindowType.WindowStaysOnTopHint)
            label.setAttribute(QtCore.Qt.WidgetAttribute.WA_ShowWithoutActivating)
        return label

    def _refresh(self) -> None:
        label = self._label()
        if label is None:
            return
        waited = int(time.monotonic() - self.started)
        label.setText(self.text + (self.tr(" (waited {0} s)").format(waited) if waited else ""))
        parent = label.parentWidget()
        if parent is not None:  # over the bottom of the window, above the status bar
            width = min(parent.width() - 40, 760)
            label.setFixedWidth(max(width, 200))
            label.adjustSize()
            label.move((parent.width() - label.width()) // 2, parent.height() - label.height() - 48)
        else:
            label.setFixedWidth(520)
            label.adjustSize()
            screen = QApplication.primaryScreen()
            if screen is not None:
                area = screen.availableGeometry()
                label.move(area.center().x() - label.width() // 2, area.bottom() - label.height() - 80)


def _main_window() -> QWidget | None:
    """The program's main window when it is open, else the window the caseworker is in (the login)."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow) and widget.isVisible():
            return widget
    return QApplication.activeWindow()


def install_waiting_notice(app: QCoreApplication) -> WaitingNotice:
    """Once per application: every later wait of ``file_lock`` shows over the window."""
    notice = getattr(app, "waiting_notice", None)
    if notice is None:
        notice = WaitingNotice(app)
        app.waiting_notice = notice  # type: ignore[attr-defined]
    notice.install()
    return notice
