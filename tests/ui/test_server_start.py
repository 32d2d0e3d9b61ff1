"""The start against the office's server (issue 22), through ``ui.app.run`` as ``assist-desktop --db
postgresql://…`` calls it: the server's password proved and the unit named by a look with psycopg alone, the
login window then, and the database opened behind it while the password is typed — as for a file (P1). A
wrong server password is asked first, in its own light dialog; an unreachable server, a database of a newer
program and a refused login are each said in Chinese; a server database without a unit yet goes to the first
run."""

from __future__ import annotations

import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox

from assist_desktop.storage.location import ServerAddress
from assist_desktop.ui import app as app_module
from tests.heavy_imports import heavy_modules_after
from tests.ui.conftest import DEMO_TODAY

PASSWORD = "desk-pass-2026"


@pytest.fixture
def office(pg_cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A county on the session's server as ``server init`` makes it (a login role with a password), with the
    demo's households and users; no password anywhere but where a test puts it (no PGPASSWORD, no password
    file, no keyring)."""
    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage import credentials
    from assist_desktop.storage.provision import init_server
    from assist_desktop.storage.schema import open_database

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.setattr(credentials, "_backend", lambda: None)  # a PC without a keyring
    name = f"start_{uuid.uuid4().hex[:8]}"
    admin = ServerAddress.parse(pg_cluster.url("postgres"))
    init_server(admin, database=name, role=f"{name}_desk", password=PASSWORD)
    desk = ServerAddress(admin.host, admin.port, name, f"{name}_desk")
    with open_database(desk.with_password(PASSWORD)) as db:
        generate_demo(db, 20, seed=3, today=date.fromisoformat(DEMO_TODAY))
    yield desk
    pg_cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Desk:
    """A caseworker at the start: watches the windows as they come, answers the server's password dialog with
    ``server_passwords`` in turn, and types ``logins`` (username, password) into the login window in turn."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, server_passwords: tuple[str, ...] = (),
                 logins: tuple[tuple[str, str], ...] = ()) -> None:
        from assist_desktop.ui.shell import server_login

        self.server_passwords, self.logins = list(server_passwords), list(logins)
        self.windows: list[str] = []  # in the order they came: "server password", "login", "main"
        self.server_messages: list[str] = []
        self.login_messages: list[str] = []
        self.unit_shown: str | None = None
        self.opened_at_login: bool | None = None
        self.critical: list[tuple[str, str]] = []
        self.main_user: str | None = None
        self.active = True  # (its timers stop with the test)
        self.before = {id(w) for w in QApplication.topLevelWidgets()}
        self.deadline = time.monotonic() + 90  # a start that never gets there fails the test, not hangs the run
        desk = self

        def exec_password(dialog: QDialog) -> int:
            desk.windows.append("server password")
            desk.server_messages.append(dialog.message.text())
            if not desk.server_passwords:
                return QDialog.DialogCode.Rejected
            dialog.password.setText(desk.server_passwords.pop(0))
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(server_login.ServerPasswordDialog, "exec", exec_password)
        monkeypatch.setattr(QMessageBox, "critical",
                            staticmethod(lambda _p, title, text: desk.critical.append((title, text))))
        monkeypatch.setattr(app_module, "event_loop", self._main_window)
        QTimer.singleShot(0, self._watch)

    def _late(self) -> bool:
        """Past the deadline: every dialog is closed (the start then ends and the test fails on what it saw)."""
        if time.monotonic() < self.deadline:
            return not self.active
        self.active = False
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        return True

    def _watch(self) -> None:
        if self._late():
            return
        dialog = next((w for w in QApplication.topLevelWidgets() if w.objectName() == "login" and w.isVisible()),
                      None)
        if dialog is None:
            QTimer.singleShot(5, self._watch)
            return
        if "login" not in self.windows:
            self.windows.append("login")
            self.opened_at_login = dialog.opened() if dialog.opened is not None else None
            self.unit_shown = dialog.findChildren(QLabel)[0].text()
        self._type(dialog)

    def _type(self, dialog) -> None:  # type: ignore[no-untyped-def]
        if self._late():
            return
        if dialog.checking:
            QTimer.singleShot(5, lambda: self._type(dialog))
            return
        if dialog.message.text() and dialog.message.text() not in self.login_messages:
            self.login_messages.append(dialog.message.text())
        if not self.logins or not dialog.isVisible():
            return
        username, password = self.logins.pop(0)
        dialog.username.setText(username)
        dialog.password.setText(password)
        dialog.try_login()
        QTimer.singleShot(5, lambda: self._type(dialog))

    def _main_window(self, _app: object) -> int:
        from assist_desktop.ui.shell.main_window import MainWindow

        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
                      and id(w) not in self.before)  # (not a window another test left open)
        self.windows.append("main")
        self.main_user = window.ctx.user.username
        window.close()
        return 0


@pytest.fixture
def make_desk(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    made: list[Desk] = []

    def make(**kwargs) -> Desk:  # type: ignore[no-untyped-def]
        made.append(Desk(monkeypatch, **kwargs))
        return made[-1]

    yield make
    for desk in made:
        desk.active = False


def test_the_login_window_comes_first_and_the_server_database_opens_behind_it(qapp, office, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    """The password is libpq's own (here PGPASSWORD): nothing is asked, the login window names the unit from
    the server, the database is still opening when it shows; a wrong login is refused in the window, then the
    right one opens the main window on the server."""
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    desk = make_desk(logins=(("shenhe", "not-the-password"), ("shenhe", "demo12345")))
    assert app_module.run(office.text) == 0
    assert desk.windows == ["login", "main"]  # no server password dialog: libpq had it
    assert desk.unit_shown == "绥德县总工会"
    assert desk.opened_at_login is False  # the window came before the database was open
    assert any("用户名或密码错误" in m for m in desk.login_messages)
    assert desk.main_user == "shenhe" and not desk.critical


def test_a_wrong_server_password_is_asked_again_before_the_login_window(qapp, office, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = make_desk(server_passwords=("wrong-pass-1", PASSWORD), logins=(("jingban", "demo12345"),))
    given = f"postgresql://{office.username}:stale-pass-0@{office.host}:{office.port}/{office.database}"
    assert app_module.run(given) == 0
    assert desk.windows == ["server password", "server password", "login", "main"]
    assert "密码不正确" in desk.server_messages[0] and "密码不正确" in desk.server_messages[1]
    assert desk.main_user == "jingban"


def test_giving_up_the_server_password_opens_nothing(qapp, office, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = make_desk()
    assert app_module.run(office.text) == 1
    assert desk.windows == ["server password"]  # no login window
    assert desk.critical == [("无法打开数据库", "没有输入数据库服务器的密码，未连接。")]


def test_an_unreachable_server_is_said_before_any_window(qapp, office, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    from tests.pgcluster import free_port

    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    desk = make_desk()
    nowhere = ServerAddress("127.0.0.1", free_port(), office.database, office.username)
    assert app_module.run(nowhere.text) == 1
    assert desk.windows == []
    assert len(desk.critical) == 1 and desk.critical[0][0] == "无法打开数据库"
    assert "无法连接" in desk.critical[0][1] and "请检查网络" in desk.critical[0][1]


def test_a_server_database_of_a_newer_program_closes_the_login_window_and_says_why(
        qapp, office, pg_cluster, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    """The look names the unit; the full opening behind the window refuses the schema: the window closes and
    the reason is shown; the database is left as it was."""
    pg_cluster.execute("UPDATE alembic_version SET version_num = '9999_future'", database=office.database)
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    desk = make_desk()
    assert app_module.run(office.text) == 1
    assert desk.windows == ["login"]
    assert len(desk.critical) == 1 and desk.critical[0][0] == "无法打开数据库" and "更新版本" in desk.critical[0][1]
    import psycopg

    with psycopg.connect(pg_cluster.dsn(office.database)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999_future"


def test_a_server_database_without_a_unit_goes_to_the_first_run(qapp, pg_cluster, tmp_path, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.storage.provision import init_server

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    name = f"blank_{uuid.uuid4().hex[:8]}"
    admin = ServerAddress.parse(pg_cluster.url("postgres"))
    init_server(admin, database=name, role=f"{name}_desk", password=PASSWORD)  # the schema, no unit yet
    try:
        monkeypatch.setenv("PGPASSWORD", PASSWORD)
        asked: list[object] = []
        monkeypatch.setattr(app_module, "ensure_initialised", lambda p: asked.append(p) or None)
        desk = make_desk()
        address = ServerAddress(admin.host, admin.port, name, f"{name}_desk")
        assert app_module.run(address.text) == 0
        assert asked == [address] and desk.windows == []
    finally:
        pg_cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_server_start_reads_its_address_and_password_without_the_database_layer() -> None:
    """Before the login window against a server: the address read, the password's ways and the look with
    psycopg — no SQLAlchemy, SQLModel, pydantic nor Alembic (they load behind the window)."""
    assert heavy_modules_after(
        "import assist_desktop.cli, assist_desktop.ui.app, assist_desktop.ui.shell.server_login, "
        "assist_desktop.storage.credentials, assist_desktop.storage.server_peek, assist_desktop.storage.server; "
        "from assist_desktop.storage.location import parse_location; "
        "parse_location('postgresql://assist:s3cret@192.168.1.10:5433/assist?sslmode=require')") == []
