"""What a start imports before its login window: the database layer must not be among it (P1, issue 23)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic")


def heavy_modules_after(statements: str) -> list[str]:
    """The modules of SQLAlchemy, SQLModel, pydantic and Alembic loaded once ``statements`` ran in a fresh
    interpreter (imports, and whatever the start does before the window)."""
    code = (f"import sys; {statements}; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


# Run in a fresh interpreter: the program's real entry (``assist-desktop ARGS``: argument parsing, the log, the
# instance lock, the look at the file, fonts and translations), stopped at the first paint of its first window.
_AT_FIRST_WINDOW = """
import json, os, sys
from PySide6 import QtWidgets
from PySide6.QtCore import QEvent, QObject

class Watch(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and isinstance(watched, QtWidgets.QWidget) and watched.isWindow():
            print(json.dumps({"window": watched.objectName(), "modules": sorted(sys.modules),
                              "qt_namespace": "Qt" in sys.modules["PySide6.QtCore"].__dict__,
                              "labels": [label.text() for label in watched.findChildren(QtWidgets.QLabel)]}),
                  flush=True)
            os._exit(0)
        return False

class Application(QtWidgets.QApplication):
    def __init__(self, *args):
        super().__init__(*args)
        self._watch = Watch()
        self.installEventFilter(self._watch)

QtWidgets.QApplication = Application
from assist_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def at_first_window(args: list[str], env: dict[str, str], labels: list[str] | None = None) -> tuple[str, list[str]]:
    """(the object name of the first window the program paints, every module loaded by then — with
    "PySide6.QtCore.Qt" among them once Qt's namespace was loaded, with its Python enums) when
    ``assist-desktop ARGS`` is started as a caseworker starts it, in a fresh process on Qt's offscreen platform.
    ``env`` is added to the environment (give ``XDG_DATA_HOME``: the program's log goes there). ``labels``, when
    given, receives the texts of the window's labels as painted (the login window's first: the unit's name)."""
    import json
    import os

    done = subprocess.run([sys.executable, "-c", _AT_FIRST_WINDOW, *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env})
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise AssertionError(f"no window was painted (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    seen = json.loads(lines[-1])
    if labels is not None:
        labels.extend(seen["labels"])
    return seen["window"], seen["modules"] + (["PySide6.QtCore.Qt"] if seen["qt_namespace"] else [])


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in HEAVY]
