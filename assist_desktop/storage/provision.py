"""``assist-desktop server init``: the program's database on a PostgreSQL server the IT person installed.

Run once on the server (Debian: ``sudo -u postgres assist-desktop server init``, which logs in as the
``postgres`` superuser through the local socket). It makes

- a login role for the program (``assist`` by default) with a password (SCRAM) and the right to create
  databases (restoring a backup builds a fresh database and then puts it in place of the old one);
- the database (``assist``), owned by that role, UTF-8, ordered by code point like SQLite (``C``; Chinese
  names are ordered by pinyin where the program asks for it, through ICU's ``zh-x-icu`` collation), closed
  to every other role;
- the schema, created by the program's own migrations as that role.

It then says what the desks type to connect, and whether the server listens on the network yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from assist_desktop.domain.errors import DomainError
from assist_desktop.storage.location import DEFAULT_ADMIN, ServerAddress  # noqa: F401 - DEFAULT_ADMIN: the CLI's

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
MIN_SERVER_VERSION = 130000  # DROP DATABASE … WITH (FORCE), ICU collations


class ProvisionError(DomainError):
    pass


@dataclass
class Provisioned:
    address: ServerAddress  # the program's login (without its password)
    created_role: bool
    created_database: bool
    notes: list[str] = field(default_factory=list)


def _check_name(value: str, what: str) -> str:
    if not _NAME.fullmatch(value):
        raise ProvisionError(f"{what}“{value}”只能用小写字母、数字和下划线，且不以数字开头。", field=what)
    return value


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def init_server(admin: ServerAddress, *, database: str = "assist", role: str = "assist", password: str,
                desk_host: str | None = None) -> Provisioned:
    """Make the role, the database and the schema; safe to run again (the password is then set anew, and a
    database that already holds the program's schema is only upgraded)."""
    from assist_desktop.storage.server import connection_problem, make_server_engine

    _check_name(database, "数据库名")
    _check_name(role, "登录用户名")
    if len(password) < 8:
        raise ProvisionError("数据库登录密码至少8个字符。", field="密码")
    engine = make_server_engine(admin)
    notes: list[str] = []
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            version = int(conn.execute(text("SHOW server_version_num")).scalar_one())
            if version < MIN_SERVER_VERSION:
                raise ProvisionError("数据库服务器的 PostgreSQL 版本过旧（需要 13 或更新，Debian 12 自带 15）。")
            superuser, may_create_roles = conn.execute(text(
                "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user")).one()
            if not (superuser or may_create_roles):
                raise ProvisionError("执行 server init 的用户没有建立登录用户的权限；请以 postgres 用户运行"
                                     "（sudo -u postgres assist-desktop server init）。")
            has_icu = conn.execute(text("SELECT 1 FROM pg_collation WHERE collname = 'zh-x-icu'")).first()
            if not has_icu:
                notes.append("提示：服务器的 PostgreSQL 没有 ICU 中文排序（zh-x-icu），单位、学校等名称将按编码顺序排列。")
            created_role = not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
            verb = "CREATE" if created_role else "ALTER"
            conn.execute(text("SET password_encryption = 'scram-sha-256'"))
            conn.execute(text(f'{verb} ROLE "{role}" LOGIN CREATEDB PASSWORD {_quote_literal(password)}'))
            if not superuser:  # an IT person's own login with CREATEROLE: it must be a member of the role
                # to make the database the role's (PostgreSQL 15 does not make it one by CREATE ROLE)
                conn.execute(text(f'GRANT "{role}" TO CURRENT_USER'))
            # a sync import may check its foreign keys once a key (storage.deferred_keys): only a superuser may
            # grant the setting it needs, and only from PostgreSQL 15
            if version < 150000:
                notes.append("提示：PostgreSQL 15 以前的服务器不能授权程序成批核对外键，同步导入会慢约一半。")
            elif superuser:
                conn.execute(text(f'GRANT SET ON PARAMETER session_replication_role TO "{role}"'))
            else:
                notes.append("提示：执行 server init 的用户不是超级用户，未能授权程序成批核对外键，同步导入会慢约一半；"
                             "可由 postgres 用户执行：GRANT SET ON PARAMETER session_replication_role TO "
                             f"{role};")
            owner = conn.execute(text("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = :d"),
                                 {"d": database}).scalar()
            created_database = owner is None
            if created_database:
                conn.execute(text(f'CREATE DATABASE "{database}" OWNER "{role}" TEMPLATE template0 '
                                  "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"))
            elif owner != role:
                raise ProvisionError(f"服务器上已有数据库 {database}，但它属于 {owner}，不是 {role}。"
                                     "请换一个数据库名（--database），或由信息管理员处理。")
            conn.execute(text(f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC'))
            conn.execute(text(f'GRANT CONNECT, TEMPORARY ON DATABASE "{database}" TO "{role}"'))
            listen = conn.execute(text("SHOW listen_addresses")).scalar_one()
            # (where the files are: a superuser's or pg_read_all_settings' to know; otherwise Debian's places)
            readable = superuser or conn.execute(text(
                "SELECT pg_has_role(current_user, 'pg_read_all_settings', 'USAGE')")).scalar()
            major = version // 10000
            hba = conn.execute(text("SHOW hba_file")).scalar_one() if readable else \
                f"/etc/postgresql/{major}/main/pg_hba.conf"
            config = conn.execute(text("SHOW config_file")).scalar_one() if readable else \
                f"/etc/postgresql/{major}/main/postgresql.conf"
            port = int(conn.execute(text("SHOW port")).scalar_one())
    except SQLAlchemyError as exc:
        problem = connection_problem(exc, admin)
        if problem is not None:
            raise ProvisionError(f"无法以管理员身份连接数据库服务器：{problem.message}") from exc
        detail = getattr(exc, "orig", None) or exc
        raise ProvisionError(f"数据库服务器拒绝了操作：{str(detail).strip().splitlines()[0]}") from exc
    finally:
        engine.dispose()
    host = desk_host or (admin.host if not admin.host.startswith("/") else "localhost")
    program = ServerAddress(admin.host, port if admin.host.startswith("/") else admin.port, database, role,
                            password, admin.query)
    from assist_desktop.storage.schema import ensure_schema

    # a fresh database: PostgreSQL 15 makes the owner of the database the owner of its public schema
    _own_public_schema(admin.with_database(database), role)
    ensure_schema(program)
    _refresh_triggers(program)
    shown = ServerAddress(host, port, database, role)
    if listen.strip() in ("localhost", "127.0.0.1", "::1", ""):
        notes.append(f"服务器目前只接受本机连接（listen_addresses = '{listen}'）。要让办公室其他电脑连接：在 {config} 中设"
                     f" listen_addresses = '*'；在 {hba} 中加一行  host {database} {role} 192.168.1.0/24 scram-sha-256"
                     "（按本单位网段填写）；然后 sudo systemctl restart postgresql。")
    return Provisioned(shown, created_role, created_database, notes)


def _refresh_triggers(program: ServerAddress) -> None:
    """The schema's triggers made again as this version makes them (a database from an earlier version
    had the name pieces' triggers skipped in replica mode; see storage.deferred_keys)."""
    from assist_desktop.storage import derived
    from assist_desktop.storage.server import make_server_engine

    engine = make_server_engine(program)
    try:
        with engine.connect() as conn, conn.begin():
            derived.create_triggers(conn)
    finally:
        engine.dispose()


def _own_public_schema(admin: ServerAddress, role: str) -> None:
    from assist_desktop.storage.server import make_server_engine

    engine = make_server_engine(admin)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'ALTER SCHEMA public OWNER TO "{role}"'))
            conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    finally:
        engine.dispose()
