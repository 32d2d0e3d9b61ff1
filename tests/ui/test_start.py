"""The start (P1): the login window from a bare Qt start and a look at the file with sqlite3 alone; the database
opened behind it while the password is typed; a file refused meanwhile said in a window; the first run and a
file only the full opening can judge taken the old way."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from assist_desktop.storage.peek import APPLICATION_ID, Peek, peek
from assist_desktop.ui import app as app_module
from tests.heavy_imports import at_first_window, heavy, heavy_modules_after

ROOT = Path(__file__).resolve().parents[2]


def test_the_login_window_needs_no_database_layer() -> None:
    """What the program imports before the login window is shown brings in neither SQLAlchemy, SQLModel nor
    pydantic (half a second of an office PC's start): they load behind the window."""
    assert heavy_modules_after(
        "import assist_desktop.cli, assist_desktop.ui.app, assist_desktop.ui.shell.login, "
        "assist_desktop.ui.shell.opening, assist_desktop.storage.peek, assist_desktop.storage.keyslots, "
        "assist_desktop.storage.file_lock, assist_desktop.logs, assist_desktop.ui.shell.diagnostics, "
        "assist_desktop.ui.instance") == []


def test_the_real_entry_shows_the_login_window_without_the_database_layer(demo_db: Path, tmp_path: Path) -> None:
    """``assist-desktop --db FILE`` itself, up to the login window's first paint — the argument parser with all
    its commands, the log, the instance lock, the look at the file, fonts and translations: no SQLAlchemy,
    SQLModel, pydantic nor Alembic (a command's parser once loaded SQLAlchemy for a default in its help: 0.16 s
    of every start, which importing the modules alone did not show)."""
    window, modules = at_first_window(["--db", str(demo_db)], {"XDG_DATA_HOME": str(tmp_path / "data")})
    assert window == "login"
    assert heavy(modules) == []
    assert (tmp_path / "data" / "AssistDesktop" / "logs" / "assist-desktop.log").exists()  # started before it
    # what the start leaves for later, each a few milliseconds of it: the key slots' module (a plain file has
    # no key file), the standard library's log handlers (logs.RotatingLog rotates the file), the commands'
    # parsers (the window's start is read alone), Qt's namespace (its Python enums: ≈15 ms; QtCore.Qt)
    assert [m for m in ("assist_desktop.storage.keyslots", "logging.handlers", "assist_desktop.cli_server",
                        "assist_desktop.cli_help", "PySide6.QtCore.Qt") if m in modules] == []


def test_peek_reads_the_unit_with_sqlite_alone(demo_db: Path, tmp_path: Path) -> None:
    from assist_desktop.storage.engine import APPLICATION_ID as ENGINE_ID

    assert APPLICATION_ID == ENGINE_ID
    assert peek(demo_db) == Peek("绥德县总工会")
    assert peek(tmp_path / "missing.sqlite") is None
    (tmp_path / "empty.sqlite").write_bytes(b"")
    assert peek(tmp_path / "empty.sqlite") is None
    (tmp_path / "ledger.sqlite").write_bytes(b"PK\x03\x04 not a database")
    assert peek(tmp_path / "ledger.sqlite") is None
    other = tmp_path / "other.sqlite"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE t (x)")
    assert peek(other) is None  # someone else's SQLite file: the full opening refuses it by name
    blank = tmp_path / "blank.sqlite"
    with closing(sqlite3.connect(blank)) as conn, conn:
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("CREATE TABLE org_unit (id TEXT PRIMARY KEY, name TEXT)")
    assert peek(blank) == Peek(None)  # ours, no unit yet: the first run


def _type_in_login(username: str, password: str, seen: dict) -> None:
    """Once the login window is up: note whether the database was still opening, then log in."""
    def attempt() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets() if w.objectName() == "login" and w.isVisible()),
                      None)
        if dialog is None:
            QTimer.singleShot(10, attempt)
            return
        seen.setdefault("opened_at_window", dialog.opened())
        dialog.username.setText(username)
        dialog.password.setText(password)
        dialog.try_login()
        seen["message"] = dialog.message.text()

    QTimer.singleShot(0, attempt)


def test_the_login_window_comes_first_and_the_database_opens_behind_it(qapp, demo_db: Path, monkeypatch) -> None:
    opened: list = []

    def fake_exec(_app: object) -> int:
        from assist_desktop.ui.shell.main_window import MainWindow

        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        opened.append(window)
        window.close()
        return 0

    monkeypatch.setattr(app_module, "event_loop", fake_exec)
    seen: dict = {}
    _type_in_login("shenhe", "demo12345", seen)
    assert app_module.run(demo_db) == 0
    assert seen["opened_at_window"] is False  # the window came before the database was open
    assert opened and opened[0].ctx.user.username == "shenhe" and not opened[0].ctx.demo


def test_a_wrong_password_is_said_in_the_window_and_the_next_one_works(qtbot, demo_db: Path) -> None:
    from assist_desktop.ui.shell.login import LoginDialog
    from assist_desktop.ui.shell.opening import Opening

    opening = Opening(demo_db)
    dialog = LoginDialog("绥德县总工会", opening.check, opened=lambda: opening.done)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog._painted, timeout=5000)
    opening.start()
    qtbot.keyClicks(dialog.username, "shenpi")
    qtbot.keyClicks(dialog.password, "not-it")
    dialog.try_login()
    qtbot.waitUntil(lambda: not dialog.checking, timeout=20000)
    assert "用户名或密码错误" in dialog.message.text() and dialog.user is None
    qtbot.keyClicks(dialog.password, "demo12345")
    dialog.try_login()
    qtbot.waitUntil(lambda: not dialog.checking, timeout=20000)
    assert dialog.user is not None and dialog.user.username == "shenpi"
    opening.wait().close()


def test_a_file_refused_while_the_password_is_typed_is_said_in_a_window(qapp, demo_db: Path, monkeypatch) -> None:
    """The look at the file finds the unit, the full opening then refuses it (a newer program's schema):
    the login window closes and the reason is shown; nothing of the file changes."""
    with closing(sqlite3.connect(demo_db)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = demo_db.read_bytes()
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda _p, title, text: shown.append((title, text))))
    assert app_module.run(demo_db) == 1
    assert shown and shown[0][0] == "无法打开数据库" and "更新版本" in shown[0][1]
    assert demo_db.read_bytes() == before


def test_an_old_file_is_upgraded_behind_the_login_window(qapp, tmp_path: Path, monkeypatch) -> None:
    """A file of an older revision: the window shows from the look, the upgrade (its backup first) runs while
    the password is typed, and the caseworker who logs in works on the upgraded file."""
    import gzip
    import shutil

    from assist_desktop.storage.backup import BackupManager
    from assist_desktop.storage.schema import head_revision

    path = tmp_path / "assist.sqlite"
    with gzip.open(ROOT / "tests" / "storage" / "fixtures" / "revision-0005.sqlite.gz") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    assert peek(path) is not None and peek(path).unit_name
    monkeypatch.setattr(app_module, "event_loop", lambda _app: 0)
    seen: dict = {}
    _type_in_login("jingban", "demo12345", seen)
    assert app_module.run(path) == 0
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
    assert [b.reason for b in BackupManager(path).list()] == ["upgrade"]


@pytest.mark.parametrize("first", ["missing", "no unit"])
def test_the_first_run_is_taken_the_old_way(qapp, tmp_path: Path, monkeypatch, first: str) -> None:
    path = tmp_path / "new.sqlite"
    if first == "no unit":
        from assist_desktop.storage.schema import ensure_schema

        ensure_schema(path)
    asked: list[Path] = []
    monkeypatch.setattr(app_module, "ensure_initialised", lambda p: asked.append(p) or False)
    assert app_module.run(path) == 0
    assert asked == [path]
