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
from tests.heavy_imports import at_first_window, heavy, heavy_modules_after
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
    ``server_passwords`` in turn, and types ``logins`` (username, password) into the login windows in turn, as soon
    as each shows (a caseworker who does not wait for the server)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, server_passwords: tuple[str, ...] = (),
                 logins: tuple[tuple[str, str], ...] = (), typed_first: str | None = None) -> None:
        """``typed_first``: a username typed into the first login window as it opens, before anything else
        happens (no password, no Enter); ``logins`` then go to the windows after it."""
        from assist_desktop.ui.shell import server_login
        from assist_desktop.ui.shell.login import LoginDialog

        self.server_passwords, self.logins = list(server_passwords), list(logins)
        self.typed_first = typed_first
        self.usernames_found: list[str] = []  # each login window's username as it opened
        self.windows: list[str] = []  # in the order they came: "server password", "login", "main"
        self.server_messages: list[str] = []
        self.login_messages: list[str] = []
        self.unit_shown: str | None = None  # the unit's name the first login window showed first
        self.units_shown: list[str] = []  # every name the login windows showed, as it changed
        self.login_windows: list[QDialog] = []  # the login windows typed into
        self.opened_at_login: bool | None = None
        self.critical: list[tuple[str, str]] = []
        self.main_user: str | None = None
        self.active = True  # (its timers stop with the test)
        # the windows themselves, not their ids: topLevelWidgets() may hand out a fresh Python wrapper that is freed
        # at once, and a later window's wrapper can take the same id (the main window then looked like an old one)
        self.before = list(QApplication.topLevelWidgets())
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
        real_exec = LoginDialog.exec

        def exec_login(dialog: LoginDialog) -> int:  # (every login window, however soon it closes)
            desk.windows.append("login")
            desk._note_unit(dialog)
            desk.usernames_found.append(dialog.username.text())
            if desk.typed_first is not None and len(desk.usernames_found) == 1:
                dialog.username.setText(desk.typed_first)
                desk.login_windows.append(dialog)  # (not typed into by ``_watch``)
            try:
                return real_exec(dialog)
            finally:
                desk._note_unit(dialog)

        monkeypatch.setattr(LoginDialog, "exec", exec_login)
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
        dialog = next((w for w in QApplication.topLevelWidgets() if w.objectName() == "login" and w.isVisible()
                       and not any(w is seen for seen in self.login_windows)), None)
        if dialog is None:
            QTimer.singleShot(5, self._watch)
            return
        # a second login window after the server's password is a new one (kept, not its id: a freed window's id
        # may be the next one's)
        self.login_windows.append(dialog)
        if self.opened_at_login is None:
            self.opened_at_login = dialog.opened() if dialog.opened is not None else None
        self._type(dialog)

    def _type(self, dialog) -> None:  # type: ignore[no-untyped-def]
        if self._late():
            return
        self._note_unit(dialog)
        if not dialog.isVisible():  # closed: watch for what comes next
            QTimer.singleShot(5, self._watch)
            return
        if dialog.checking:
            QTimer.singleShot(5, lambda: self._type(dialog))
            return
        if dialog.message.text() and dialog.message.text() not in self.login_messages:
            self.login_messages.append(dialog.message.text())
        if self.logins:
            username, password = self.logins.pop(0)
            dialog.username.setText(username)
            dialog.password.setText(password)
            dialog.try_login()
        QTimer.singleShot(5, lambda: self._type(dialog))

    def _note_unit(self, dialog) -> None:  # type: ignore[no-untyped-def]
        shown = dialog.findChildren(QLabel)[0].text()  # the unit's name, as the window shows it now
        if not self.units_shown or self.units_shown[-1] != shown:
            self.units_shown.append(shown)
        self.unit_shown = self.unit_shown or shown

    def _main_window(self, _app: object) -> int:
        from assist_desktop.ui.shell.main_window import MainWindow

        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
                      and not any(w is old for old in self.before))  # (not a window another test left open)
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


# The unit this PC remembers for a server (written after each opening): the login window named by it from a bare Qt
# start, the server's password proved and the name read behind it (issue 22/23, P1 on a server).

# The caseworker types at once into a login window whose server then wants its password: that window may take
# one login, or two (its refusal can be shown a moment before the window closes, and the Desk types again), before
# the login window after the server's password dialog takes the next one.
EAGER_LOGINS = (("jingban", "demo12345"),) * 3


def _remember(address: ServerAddress, name: str) -> None:
    from assist_desktop.paths import remember_unit

    remember_unit(address.key, name)


def _remembered(address: ServerAddress) -> str | None:
    from assist_desktop.paths import remembered_unit

    return remembered_unit(address.key)


def test_an_opening_remembers_the_server_unit_on_this_pc(qapp, office, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    """The first start against a server goes the long way (nothing remembered) and leaves the unit's name, never
    the password, beside the program's other settings of this PC."""
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert _remembered(office) is None
    desk = make_desk(logins=(("shenhe", "demo12345"),))
    assert app_module.run(office.text) == 0
    assert desk.windows == ["login", "main"] and desk.unit_shown == "绥德县总工会"
    assert _remembered(office) == "绥德县总工会"
    from assist_desktop.paths import SERVER_UNITS_FILE, user_data_dir

    assert PASSWORD not in (user_data_dir() / SERVER_UNITS_FILE).read_text(encoding="utf-8")


def test_a_remembered_unit_names_the_login_window_before_psycopg_is_loaded(office, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``assist-desktop --db postgresql://…`` itself, up to its first paint: the login window, named from what this
    PC remembers, painted before psycopg (the connection that proves the server's password) or the keyring is
    even imported — as a file's window comes before the database layer."""
    _remember(office, "绥德县总工会")
    labels: list[str] = []
    window, modules = at_first_window(["--db", office.text], {"PGPASSWORD": PASSWORD}, labels)
    assert window == "login"
    assert labels[:1] == ["绥德县总工会"]
    assert [m for m in modules if m.split(".")[0] in ("psycopg", "psycopg_binary", "keyring")] == []
    assert heavy(modules) == []


def test_a_changed_unit_name_is_corrected_from_the_server(qapp, office, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    """The window shows the remembered name first; the server's name replaces it once read (the server is the
    truth), and is remembered for the next start; the login waits for the proof and the opening, then works."""
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    _remember(office, "绥德县旧名称工会")
    desk = make_desk(logins=(("shenhe", "demo12345"),))
    assert app_module.run(office.text) == 0
    assert desk.units_shown == ["绥德县旧名称工会", "绥德县总工会"]
    assert desk.windows == ["login", "main"] and desk.main_user == "shenhe" and not desk.critical
    assert _remembered(office) == "绥德县总工会"


def test_a_remembered_unit_with_a_refused_server_password_still_asks_it(qapp, office, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    """The password the address carries is refused by the server: the login window (which cannot open the
    database) gives way to the server's password dialog, which says so in Chinese each time; then a login window
    named by the server, and the login works."""
    _remember(office, "绥德县总工会")
    desk = make_desk(server_passwords=("wrong-pass-1", PASSWORD),
                     logins=EAGER_LOGINS)
    given = f"postgresql://{office.username}:stale-pass-0@{office.host}:{office.port}/{office.database}"
    assert app_module.run(given) == 0
    assert desk.windows[:3] == ["login", "server password", "server password"]
    assert desk.windows[3:] == ["login", "main"]
    assert "密码不正确" in desk.server_messages[0] and "密码不正确" in desk.server_messages[1]
    assert desk.main_user == "jingban" and not desk.critical


def test_a_remembered_unit_without_the_server_password_asks_it_and_giving_up_opens_nothing(
        qapp, office, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    """No password anywhere (no PGPASSWORD, no password file, no keyring): the login window gives way to the
    server's password dialog; given up, the reason in Chinese, and no login was ever let through."""
    _remember(office, "绥德县总工会")
    desk = make_desk(logins=(("jingban", "demo12345"),))
    assert app_module.run(office.text) == 1
    assert desk.windows == ["login", "server password"]
    assert desk.critical == [("无法打开数据库", "没有输入数据库服务器的密码，未连接。")]
    assert desk.main_user is None


def test_a_stale_keyring_password_with_a_remembered_unit_is_said_and_asked(qapp, office, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    """The keyring's password was changed on the server since: forgotten, and the server's dialog says why."""
    from assist_desktop.storage import credentials

    class Ring:
        priority = 1
        stored = {(credentials.SERVICE, office.key): "changed-since"}

        def get_password(self, service: str, key: str) -> str | None:
            return self.stored.get((service, key))

        def delete_password(self, service: str, key: str) -> None:
            self.stored.pop((service, key))

    ring = Ring()
    monkeypatch.setattr(credentials, "_backend", lambda: ring)
    _remember(office, "绥德县总工会")
    desk = make_desk(server_passwords=(PASSWORD,), logins=EAGER_LOGINS)
    assert app_module.run(office.text) == 0
    assert desk.windows[:2] == ["login", "server password"] and desk.windows[-1] == "main"
    assert desk.server_messages == ["保存在系统钥匙串中的密码已失效，请重新输入。"]
    assert ring.stored == {} and desk.main_user == "jingban"


def test_the_username_typed_before_the_server_asked_its_password_is_kept(qapp, office, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    """The login window from what this PC remembers took the caseworker's username; the server then wanted its
    own password (none known): the next login window has the username already, the cursor in the password."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    _remember(office, "绥德县总工会")
    desk = make_desk(server_passwords=(PASSWORD,), logins=(("jingban", "demo12345"),), typed_first="jingban")
    assert app_module.run(office.text) == 0
    assert desk.windows[:3] == ["login", "server password", "login"] and desk.windows[-1] == "main"
    assert desk.usernames_found == ["", "jingban"]  # fails where the second window starts empty
    assert desk.main_user == "jingban"


def test_an_unreachable_server_with_a_remembered_unit_is_reported(qapp, office, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    """The login window came from what this PC remembers; the server cannot be reached: the window closes and the
    reason is said in Chinese — no login goes through."""
    from tests.pgcluster import free_port

    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    nowhere = ServerAddress("127.0.0.1", free_port(), office.database, office.username)
    _remember(nowhere, "绥德县总工会")
    desk = make_desk(logins=(("jingban", "demo12345"),))
    assert app_module.run(nowhere.text) == 1
    assert desk.windows == ["login"] and desk.main_user is None
    assert len(desk.critical) == 1 and desk.critical[0][0] == "无法打开数据库"
    assert "无法连接" in desk.critical[0][1] and "请检查网络" in desk.critical[0][1]
    assert _remembered(nowhere) == "绥德县总工会"  # (unreachable says nothing about the unit)


def test_a_remembered_unit_the_server_no_longer_has_goes_to_the_first_run(
        qapp, pg_cluster, tmp_path, monkeypatch, make_desk) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.storage.provision import init_server

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    name = f"blank_{uuid.uuid4().hex[:8]}"
    admin = ServerAddress.parse(pg_cluster.url("postgres"))
    init_server(admin, database=name, role=f"{name}_desk", password=PASSWORD)  # the schema, no unit
    try:
        monkeypatch.setenv("PGPASSWORD", PASSWORD)
        address = ServerAddress(admin.host, admin.port, name, f"{name}_desk")
        _remember(address, "绥德县总工会")
        asked: list[object] = []
        monkeypatch.setattr(app_module, "ensure_initialised", lambda p: asked.append(p) or None)
        desk = make_desk()
        assert app_module.run(address.text) == 0
        assert [a.with_password(None) for a in asked] == [address]  # type: ignore[attr-defined]
        assert desk.windows == ["login"] and desk.main_user is None
        assert _remembered(address) is None
    finally:
        pg_cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_remembered_units_survive_a_damaged_file_and_keep_each_server_apart(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.paths import SERVER_UNITS_FILE, remember_unit, remembered_unit, user_data_dir

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert remembered_unit("desk@10.0.0.5:5432/county") is None
    remember_unit("desk@10.0.0.5:5432/county", "绥德县总工会")
    remember_unit("staff@10.0.0.9:5432/city", "榆林市总工会")
    assert remembered_unit("desk@10.0.0.5:5432/county") == "绥德县总工会"
    assert remembered_unit("staff@10.0.0.9:5432/city") == "榆林市总工会"
    remember_unit("desk@10.0.0.5:5432/county", None)
    assert remembered_unit("desk@10.0.0.5:5432/county") is None
    assert remembered_unit("staff@10.0.0.9:5432/city") == "榆林市总工会"
    (user_data_dir() / SERVER_UNITS_FILE).write_text("{not json", encoding="utf-8")
    assert remembered_unit("staff@10.0.0.9:5432/city") is None  # the long way, as the first time
    remember_unit("staff@10.0.0.9:5432/city", "榆林市总工会")
    assert remembered_unit("staff@10.0.0.9:5432/city") == "榆林市总工会"
    assert [p.name for p in user_data_dir().iterdir()] == [SERVER_UNITS_FILE]  # no temporary file left
