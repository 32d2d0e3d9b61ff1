"""The server engine itself (issue 22): addresses, the password's ways in (never written down), what a desk is
told when the server cannot be reached, ``server init`` on a real PostgreSQL, and a foreign database refused."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from assist_desktop.storage import credentials, deferred_keys
from assist_desktop.storage.location import BadServerAddress, ServerAddress, parse_location
from assist_desktop.storage.provision import ProvisionError, init_server
from assist_desktop.storage.schema import DatabaseRefused, head_revision, open_database
from assist_desktop.storage.server import PasswordNeeded, ServerUnavailable

PASSWORD = "office-pass-2026"


def test_a_server_address_is_read_in_every_spelling_and_never_shows_its_password() -> None:
    for text in ("postgresql://assist:s3cret@192.168.1.10/assist", "postgres://assist:s3cret@192.168.1.10:5432/assist",
                 "postgresql+psycopg://assist:s3cret@192.168.1.10/assist"):
        address = parse_location(text)
        assert isinstance(address, ServerAddress)
        assert (address.host, address.port, address.database, address.username, address.password) == (
            "192.168.1.10", 5432, "assist", "assist", "s3cret")
        assert "s3cret" not in address.text and "s3cret" not in repr(address) and "s3cret" not in str(address)
        assert ServerAddress.parse(address.text) == address.with_password(None)
    local = ServerAddress.parse("postgresql://postgres@/postgres?host=/var/run/postgresql")
    assert local.host == "/var/run/postgresql" and ServerAddress.parse(local.text) == local
    assert parse_location("C:/数据/assist.sqlite") == Path("C:/数据/assist.sqlite")  # a file stays a file
    for bad, why in (("postgresql://192.168.1.10/assist", "缺少登录用户名"), ("postgresql://assist@192.168.1.10", "缺少数据库名")):
        with pytest.raises(BadServerAddress, match=why):
            ServerAddress.parse(bad)


def test_the_address_is_read_as_sqlalchemy_reads_it() -> None:
    """``ServerAddress.parse`` reads ``--db`` without SQLAlchemy (the start loads it behind the login window):
    it must read every address as SQLAlchemy's own ``make_url`` does."""
    from sqlalchemy.engine import make_url

    for text in ("postgresql+psycopg://assist@192.168.1.10:5432/assist", "postgresql://assist@db.office.lan/assist",
                 "postgresql://as%40sist:p%3Ass%2Fw@[fe80::1]:6543/assist", "postgresql://assist:@10.0.0.2/assist",
                 "postgresql://assist@/assist?host=/var/run/postgresql&port=5433",
                 "postgresql://assist@10.0.0.2/assist?sslmode=require&sslmode=verify-full&application_name=x",
                 "postgresql://assist@10.0.0.2/%E6%95%B0%E6%8D%AE", "postgresql://assist:pa:ss@10.0.0.2/assist"):
        url = make_url(text.replace("postgresql://", "postgresql+psycopg://", 1))
        options = {k: v if isinstance(v, str) else v[-1] for k, v in url.query.items()}
        host = url.host or options.pop("host", None) or "localhost"
        port = int(options.pop("port")) if "port" in options and not url.port else url.port
        expected = ServerAddress(host, port or 5432, url.database, url.username, url.password,  # type: ignore[arg-type]
                                 tuple(sorted(options.items())))
        assert ServerAddress.parse(text) == expected, text
        assert ServerAddress.parse(text).url == expected.url
    with pytest.raises(BadServerAddress, match="无法识别"):
        ServerAddress.parse("postgresql://assist@10.0.0.2:port/assist")


@pytest.fixture
def office(pg_cluster):  # type: ignore[no-untyped-def]
    name = f"office_{uuid.uuid4().hex[:8]}"
    admin = ServerAddress.parse(pg_cluster.url("postgres"))
    done = init_server(admin, database=name, role=f"{name}_desk", password=PASSWORD, desk_host="192.168.1.10")
    yield admin, done, ServerAddress(admin.host, admin.port, name, f"{name}_desk")
    pg_cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_server_init_makes_the_role_the_database_and_the_schema_and_runs_again_safely(office, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    admin, done, desk = office
    assert done.created_role and done.created_database
    assert done.address == ServerAddress("192.168.1.10", admin.port, desk.database, desk.username)
    assert any("listen_addresses" in note for note in done.notes)  # how to open it to the office's LAN
    with open_database(desk.with_password(PASSWORD)) as db, db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
        assert conn.exec_driver_sql("SELECT datcollate FROM pg_database WHERE datname = current_database()").scalar() == "C"
        assert conn.exec_driver_sql("SELECT has_database_privilege('public', current_database(), 'CONNECT')").scalar() \
            is False  # closed to every other role
        assert conn.exec_driver_sql("SHOW jit").scalar() == "off"  # LLVM's compiling cost a sync import 1.5 s
        # allowed replica mode, every trigger fired in it: a sync import checks its keys once a key
        assert deferred_keys.available(conn)
        # (as a database made by an earlier version: its name pieces' triggers skipped in replica mode)
        conn.exec_driver_sql("ALTER TABLE member ENABLE TRIGGER name_gram_member_insert")
        conn.commit()
        assert not deferred_keys.available(conn)
        conn.rollback()
    again = init_server(admin, database=desk.database, role=desk.username, password="changed-pass-2026")
    assert not again.created_role and not again.created_database
    with open_database(desk.with_password("changed-pass-2026")) as db, db.engine.connect() as conn:
        assert deferred_keys.available(conn)  # ``server init`` again makes the triggers as this version does
    with pytest.raises(PasswordNeeded):
        credentials.try_connect(desk.with_password(PASSWORD))  # the old password no longer works
    credentials.try_connect(desk.with_password("changed-pass-2026"))
    with pytest.raises(ProvisionError, match="属于"):  # a database of another role is left alone
        init_server(admin, database=desk.database, role="someone_else", password="another-pass-1")
    with pytest.raises(ProvisionError, match="只能用小写字母"):
        init_server(admin, database="Assist;DROP", role="assist", password=PASSWORD)


def test_the_password_is_asked_until_right_and_never_written_down(office, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _admin, _done, desk = office
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setattr(credentials, "_backend", lambda: None)  # a PC without a keyring
    asked: list[str | None] = []

    def ask(address: ServerAddress, failure: str | None) -> str | None:
        asked.append(failure)
        return ["wrong-1", PASSWORD][len(asked) - 1]

    unlocked = credentials.unlock(desk, ask)
    assert unlocked.password == PASSWORD and asked[0] is None and "密码不正确" in (asked[1] or "")
    with pytest.raises(PasswordNeeded, match="需要密码"):
        credentials.unlock(desk, None)  # a terminal without a tty, no PGPASSWORD
    with pytest.raises(PasswordNeeded, match="没有输入"):
        credentials.unlock(desk, lambda _a, _f: None)  # the caseworker gave up
    with pytest.raises(PasswordNeeded, match="连续 3 次"):
        credentials.unlock(desk, lambda _a, _f: "wrong")
    monkeypatch.setenv("PGPASSWORD", PASSWORD)  # the IT person's own way (libpq reads it)
    assert credentials.unlock(desk, None).password is None


def test_a_remembered_password_comes_from_the_keyring_and_a_stale_one_is_forgotten(office, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _admin, _done, desk = office
    monkeypatch.delenv("PGPASSWORD", raising=False)

    class Keyring:  # the OS keyring's interface (Windows Credential Manager, the Secret Service)
        def __init__(self) -> None:
            self.kept: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, key: str) -> str | None:
            return self.kept.get((service, key))

        def set_password(self, service: str, key: str, password: str) -> None:
            self.kept[(service, key)] = password

        def delete_password(self, service: str, key: str) -> None:
            self.kept.pop((service, key), None)

    ring = Keyring()
    monkeypatch.setattr(credentials, "_backend", lambda: ring)
    assert credentials.remember_password(desk, PASSWORD)
    assert ring.kept == {("AssistDesktop", desk.key): PASSWORD} and PASSWORD not in desk.key
    assert credentials.unlock(desk, None).password == PASSWORD  # nothing asked
    ring.kept[("AssistDesktop", desk.key)] = "changed-on-the-server"
    with pytest.raises(PasswordNeeded, match="已失效"):
        credentials.unlock(desk, None)
    assert ring.kept == {}


def test_an_unreachable_or_missing_server_database_is_said_in_chinese(office, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    from tests.pgcluster import free_port

    _admin, _done, desk = office
    nowhere = ServerAddress("127.0.0.1", free_port(), desk.database, desk.username, PASSWORD)
    with pytest.raises(ServerUnavailable, match="无法连接"):
        open_database(nowhere)
    missing = desk.with_password(PASSWORD).with_database("no_such_database")
    with pytest.raises(ServerUnavailable, match="server init"):
        open_database(missing)


def test_a_database_of_another_program_is_refused_not_migrated(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    name = f"foreign_{uuid.uuid4().hex[:8]}"
    pg_cluster.execute(f'CREATE DATABASE "{name}"')
    pg_cluster.execute("CREATE TABLE payroll (id int)", database=name)
    try:
        with pytest.raises(DatabaseRefused, match="其他程序"):
            open_database(ServerAddress.parse(pg_cluster.url(name)))
    finally:
        pg_cluster.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_server_init_by_an_administrator_who_is_not_a_superuser(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    """An IT person's own login with CREATEROLE and CREATEDB, not the postgres superuser: the database is made;
    the grant only a superuser can give is said in a note, and the sync import then checks its keys row by row."""
    name = f"office_{uuid.uuid4().hex[:8]}"
    it = f"{name}_it"
    pg_cluster.execute(f"CREATE ROLE {it} LOGIN CREATEROLE CREATEDB PASSWORD 'it-pass-2026'")
    try:
        admin = ServerAddress.parse(pg_cluster.url("postgres", user=it, password="it-pass-2026"))
        done = init_server(admin, database=name, role=f"{name}_desk", password=PASSWORD)
        assert done.created_database
        assert any("GRANT SET ON PARAMETER session_replication_role" in note for note in done.notes), done.notes
        desk = ServerAddress(admin.host, admin.port, name, f"{name}_desk", PASSWORD)
        with open_database(desk) as db, db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
            assert not deferred_keys.available(conn)
    finally:
        pg_cluster.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'DROP ROLE IF EXISTS "{name}_desk"',
                           f"DROP ROLE IF EXISTS {it}")
