"""The P1 benchmark's robot, inside the process it measures (armed by sitecustomize.py beside it).

It changes nothing in the program: it replaces ``QApplication`` with a subclass that watches the windows, and
notes the wall-clock time (``time.time()``, the clock the parent process started us by) of:

- ``window``: the first paint of the first top-level window — the login window (object name "login"), or
  the bare baseline's empty main window; and the processor time the process had used by then (``cpu_s``:
  user + system of all its threads, which the machine's load disturbs less than the wall clock);
- then, for the login window, it types the username and the password as a person would (one key every
  ``ASSIST_PROBE_KEY_MS`` ms, after a pause to read the window) and presses Enter: ``enter``;
- ``rows``: the first paint of the registry list with rows in it (object name "files").

Also: how late each key's timer fired (the GUI thread's lag while the database opens behind the window),
the time spent in scrypt after Enter (the password's proof: the stored hash's check, or an encrypted file's
key slot), and the resident memory once the rows are painted (P8). Written as JSON to ``ASSIST_PROBE_OUT``; then the
process ends at once (only the start is measured).
"""

from __future__ import annotations

import json
import os
import time

MARKS: dict[str, float] = {}
CPU: dict[str, float] = {}  # the process's processor time (user + system, all its threads) at a mark
LAGS: list[float] = []
SCRYPTS: list[tuple[float, float]] = []  # (start, end) of every scrypt the process computed


def _rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _finish() -> None:
    enter = MARKS.get("enter", float("inf"))
    out = {"marks": MARKS, "cpu_s": CPU, "lags_ms": LAGS, "rss_mb": _rss_mb(),
           "scrypt_after_enter_s": sum(b - a for a, b in SCRYPTS if a >= enter)}
    with open(os.environ["ASSIST_PROBE_OUT"], "w", encoding="utf-8") as fh:
        json.dump(out, fh)
    os._exit(0)


def _time_scrypts() -> None:
    """Time every scrypt from now on: the password's proof after Enter (the program calls ``hashlib.scrypt``
    at the time of the call, so patching it at the first paint catches them all). Not at the process start:
    hashlib loads OpenSSL, which neither a bare window nor the program's start before its first window does."""
    import hashlib

    real_scrypt = hashlib.scrypt

    def timed_scrypt(*args: object, **kwargs: object) -> bytes:
        started = time.time()
        try:
            return real_scrypt(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            SCRYPTS.append((started, time.time()))

    hashlib.scrypt = timed_scrypt


def arm() -> None:
    # Only what watching the first paint needs is loaded before it, in the bare window as in the program: not
    # Qt's namespace (``from PySide6.QtCore import Qt`` builds Python enums for all of Qt:: — ≈15 ms — which
    # the bare window never does; the program pays for it itself) nor hashlib; the typing's imports come later.
    from PySide6 import QtWidgets
    from PySide6.QtCore import QEvent, QObject, QTimer

    username = os.environ.get("ASSIST_PROBE_USER", "jingban")
    password = os.environ.get("ASSIST_PROBE_PASSWORD", "demo12345")
    key_ms = int(os.environ.get("ASSIST_PROBE_KEY_MS", "150"))
    read_ms = int(os.environ.get("ASSIST_PROBE_READ_MS", "600"))

    class Probe(QObject):
        def __init__(self, app: QtWidgets.QApplication) -> None:
            super().__init__()
            self.app = app
            self.typing = False
            self.table = None
            app.installEventFilter(self)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                if "window" not in MARKS and isinstance(watched, QtWidgets.QWidget) and watched.isWindow():
                    MARKS["window"] = time.time()
                    times = os.times()
                    CPU["window"] = times.user + times.system
                    _time_scrypts()
                    if watched.objectName() == "login" and not self.typing:
                        self.typing = True
                        QTimer.singleShot(read_ms, lambda: self.type_in(watched))
                    elif watched.objectName() != "login":
                        QTimer.singleShot(0, _finish)  # the bare window: its first paint is all
                elif self.table is not None and watched is self.table.viewport() and "rows" not in MARKS:
                    MARKS["rows"] = time.time()
                    QTimer.singleShot(0, _finish)
            return False

        def type_in(self, dialog: QtWidgets.QWidget) -> None:
            from PySide6.QtCore import Qt

            fields = [(dialog.findChild(QtWidgets.QLineEdit, "username"), ch) for ch in username]
            fields += [(dialog.findChild(QtWidgets.QLineEdit, "password"), ch) for ch in password]
            keys = [(f, ch, Qt.Key(ord(ch.upper())) if ch.isalnum() else Qt.Key.Key_unknown) for f, ch in fields]
            keys.append((fields[-1][0], "\r", Qt.Key.Key_Return))
            MARKS["typing"] = time.time()
            self.press(keys, time.time())

        def press(self, keys: list, due: float) -> None:
            from PySide6.QtCore import Qt
            from PySide6.QtGui import QKeyEvent

            LAGS.append((time.time() - due) * 1000)
            field, text, key = keys[0]
            field.setFocus()
            if key == Qt.Key.Key_Return:
                MARKS["enter"] = time.time()
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                self.app.sendEvent(field, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))
            if len(keys) > 1:
                next_due = time.time() + key_ms / 1000
                QTimer.singleShot(key_ms, lambda: self.press(keys[1:], next_due))
            else:
                self.watch_rows()

        def watch_rows(self) -> None:
            for widget in self.app.topLevelWidgets():
                table = widget.findChild(QtWidgets.QTableView, "files")
                if table is not None and table.isVisible() and table.model() is not None \
                        and table.model().rowCount() > 0:
                    self.table = table
                    table.viewport().update()  # its next paint shows the rows
                    return
            QTimer.singleShot(1, self.watch_rows)

    base = QtWidgets.QApplication

    class ProbedApplication(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            MARKS["qapplication"] = time.time()
            self._probe = Probe(self)

    QtWidgets.QApplication = ProbedApplication  # the program's own "from PySide6.QtWidgets import QApplication"
    try:  # when the database finished opening behind the login window (a light module: Qt and the stdlib)
        from assist_desktop.ui.shell import opening
    except ImportError:
        return
    real_open = opening.Opening._open

    def timed_open(self: object) -> None:
        MARKS["opening"] = time.time()
        real_open(self)  # type: ignore[arg-type]
        MARKS["opened"] = time.time()

    opening.Opening._open = timed_open  # type: ignore[method-assign]
