"""UI test helpers: Chinese typing without keyClicks, checks that screens speak Chinese, screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QGroupBox, QLabel, QLineEdit,
                               QTabWidget, QWidget)

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
PATH = re.compile(r"[a-z][a-z0-9+]*://\S+|(?:[A-Za-z]:)?[\w.~-]*[/\\][^\s，。；）]*|\b[\w-]+\.(?:sqlite|pdf|xlsx|xls|csv|zip|png|jpg|json)\b")
# Words that may stand in Chinese UI text as they are (units, formats, product names).
ALLOWED_LATIN = {"PDF", "ID", "Excel", "WPS", "USB", "QR", "CSV", "XLSX", "SHA", "Ctrl", "Esc", "Enter", "Tab",
                 "KB", "MB", "GB", "Alt", "Delete", "F2", "PostgreSQL", "Apache", "SIL"}  # (the last two: licences' names)


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, Chinese included, the way an input method commits it (keyClicks would abort)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QCoreApplication.sendEvent(widget, event)


def visible_texts(root: QWidget) -> list[str]:
    """Texts a caseworker can see on ``root``: labels, buttons, group titles, tabs, combo items, placeholders."""
    texts: list[str] = [root.windowTitle()] if root.isWindow() else []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        texts.append(widget.toolTip())
    return [t for t in texts if t and t.strip()]


def untranslated(texts: list[str]) -> list[str]:
    """Texts that still carry English words, i.e. a string without its Chinese translation."""
    bad = []
    for text in texts:
        plain = re.sub(r"<[^>]+>", "", text)  # rich text markup
        plain = PATH.sub("", plain)  # file paths and names are data, not UI words
        words = [w for w in LATIN_WORD.findall(plain) if w not in ALLOWED_LATIN]
        if words:
            bad.append(text)
    return bad


def assert_chinese(root: QWidget) -> None:
    bad = untranslated(visible_texts(root))
    assert not bad, f"untranslated strings on {type(root).__name__}: {bad}"


@pytest.fixture(scope="session")
def shots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screenshots of every screen the tests show; set UI_SHOTS=DIR to keep them somewhere to look at."""
    keep = os.environ.get("UI_SHOTS")
    path = Path(keep) if keep else tmp_path_factory.mktemp("screens")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def shot(shots_dir: Path):
    def save(widget: QWidget, name: str) -> Path:
        QApplication.processEvents()
        target = shots_dir / f"{name}.png"
        assert widget.grab().save(str(target)), target
        return target

    return save


@pytest.fixture(scope="session", autouse=True)
def _chinese_ui(qapp: QApplication) -> None:
    """Every UI test runs as a caseworker's program does: bundled font and Chinese catalogues."""
    from assist_desktop.ui.fonts import install_cjk_font
    from assist_desktop.ui.i18n import install_translators

    from assist_desktop.ui.background import GarbageCollector

    install_cjk_font(qapp)
    install_translators(qapp)
    from assist_desktop.ui.keys import install_enter_for_buttons

    install_enter_for_buttons(qapp)  # as make_application does
    qapp.garbage_collector = GarbageCollector(qapp)  # as the program: cycles collected on the GUI thread only


DEMO_TODAY = "2026-11-20"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo county (300 households, users jingban/shenhe/shenpi/admin, password demo12345), built once."""
    import sqlite3
    from contextlib import closing
    from datetime import date

    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage.schema import open_database

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with open_database(path) as db:
        generate_demo(db, 300, seed=5, today=date.fromisoformat(DEMO_TODAY))
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> Path:
    import shutil

    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def app_context(demo_db: Path):
    """Log in to a copy of the demo county; ``app_context(username)`` gives that user's AppContext."""
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import authenticate, user_roles
    from assist_desktop.storage.schema import open_database
    from assist_desktop.ui.context import AppContext

    db = open_database(demo_db)
    made: list = []

    def make(username: str = "jingban"):
        with db.session() as s:
            user = authenticate(s, username, "demo12345")
            ctx = AppContext(db=db, user=user, unit=local_unit(s), roles=user_roles(s, user), demo=True)
        made.append(ctx)
        return ctx

    yield make
    db.close()


@pytest.fixture(autouse=True)
def _no_blocking_message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """A modal message box would wait for a click that never comes offscreen and hang the run; each
    is recorded instead (tests that expect one patch QMessageBox themselves, over this)."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def record(kind: str):  # type: ignore[no-untyped-def]
        def box(_parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            shown.append((kind, f"{title}: {text}"))
            return QMessageBox.StandardButton.Ok if kind != "question" else QMessageBox.StandardButton.No
        return staticmethod(box)

    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, record(kind))

    def answer(box):  # type: ignore[no-untyped-def]
        # a box built and exec()'d (save / don't save / cancel before closing): "don't save", as a test
        # that closes a form it typed into means to drop it; tests that answer otherwise patch exec themselves
        shown.append(("exec", f"{box.windowTitle()}: {box.text()}"))
        return QMessageBox.StandardButton.Discard.value

    monkeypatch.setattr(QMessageBox, "exec", answer)
    return shown
