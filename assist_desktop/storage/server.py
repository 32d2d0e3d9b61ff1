"""The PostgreSQL engine (psycopg 3): several desks of one office, or a city's and a province's staff, on one
server.

Every connection works in UTC (what SQLite stores too, so the two engines read back the same times) and at
READ COMMITTED: a write sees what others committed before each statement; the rows it changes are locked
by the services (``SELECT … FOR UPDATE`` through SQLAlchemy's ``with_for_update``, which SQLite, one writer
at a time, ignores), people-facing numbers come from counter rows locked the same way, and the audit chain's
head is taken under a transaction-level lock (``storage.locks``). A deadlock or a serialization failure is
retried by ``services.base.retrying``; what cannot be retried becomes a message in Chinese here.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from assist_desktop.domain.errors import DomainError
from assist_desktop.storage.location import ServerAddress

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# SQLAlchemy is imported by the engine's maker alone: the start asks for the server's password and reads the
# unit's name with psycopg alone (``storage.server_peek``), and its failures are read here (``connection_problem``).

CONNECT_TIMEOUT_S = 8
IDLE_CHECK_S = 30  # a pooled connection idle longer than this is tried before use
APPLICATION_NAME = "assist-desktop"
# SQLSTATEs (PostgreSQL appendix A)
SERIALIZATION_FAILURE, DEADLOCK = "40001", "40P01"
RETRYABLE = frozenset({SERIALIZATION_FAILURE, DEADLOCK})
_DISK_FULL, _READ_ONLY_TX, _ADMIN_SHUTDOWN, _CANNOT_CONNECT = "53100", "25006", "57P01", "08"
_BAD_PASSWORD, _BAD_AUTH, _NO_DATABASE, _NO_PRIVILEGE = "28P01", "28000", "3D000", "42501"


class ServerUnavailable(DomainError):
    """The server cannot be reached, or refuses the login."""


class PasswordNeeded(ServerUnavailable):
    """The server wants a password and none (or a wrong one) was given."""


def connect_args() -> dict[str, Any]:
    """What every connection of the program gives the server besides the address: a time limit, its name
    in ``pg_stat_activity``, UTC, and no JIT compilation: the planner's estimates for a county's rows (a
    sync import's name pieces, 统计's recount) pass ``jit_above_cost`` and LLVM then spent 0.3–0.6 s
    compiling each such statement, longer than running it (P5: 1.5 s of a county year's import)."""
    return {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": APPLICATION_NAME,
            "options": "-c TimeZone=UTC -c jit=off"}


def make_server_engine(address: ServerAddress) -> "Engine":
    import psycopg  # noqa: F401  (a clear ImportError here rather than deep in SQLAlchemy)
    from sqlalchemy import event
    from sqlalchemy.engine import create_engine
    from sqlalchemy.exc import DisconnectionError

    engine = create_engine(
        address.url,
        isolation_level="READ COMMITTED",
        pool_use_lifo=True,
        pool_size=4,
        max_overflow=8,
        connect_args=connect_args(),
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.autocommit = False
        record.info["used"] = time.monotonic()

    # A desk PC woken from sleep, or a server restarted, leaves connections the server has closed: a
    # connection idle for a while is tried once before it is handed out (a fresh one replaces it). Not every
    # checkout (SQLAlchemy's pool_pre_ping): a keystroke's search would pay a round trip for it.
    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: object) -> None:
        if time.monotonic() - record.info.get("used", 0.0) > IDLE_CHECK_S:
            try:
                dbapi_conn.execute("SELECT 1")
                dbapi_conn.rollback()
            except Exception as exc:  # noqa: BLE001 - any failure: the pool connects anew
                raise DisconnectionError(str(exc)) from exc

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["used"] = time.monotonic()

    return engine


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a psycopg error, through SQLAlchemy's wrapper."""
    inner = getattr(exc, "orig", None) or exc
    state = getattr(inner, "sqlstate", None)
    if state:
        return str(state)
    diag = getattr(inner, "diag", None)
    return getattr(diag, "sqlstate", None) if diag is not None else None


def is_retryable(exc: BaseException) -> bool:
    return sqlstate(exc) in RETRYABLE


def _is_psycopg(exc: BaseException) -> bool:
    inner = getattr(exc, "orig", None) or exc
    return type(inner).__module__.startswith("psycopg")


def connection_problem(exc: BaseException, address: ServerAddress | None = None) -> ServerUnavailable | None:
    """A failure to reach or log in to the server, as the caseworker reads it; None for anything else."""
    if not _is_psycopg(exc):
        return None
    state = sqlstate(exc) or ""
    where = address.label if address else "数据库服务器"
    text = str(getattr(exc, "orig", None) or exc)
    if state in (_BAD_PASSWORD, _BAD_AUTH) or "password authentication failed" in text \
            or "no password supplied" in text:
        return PasswordNeeded(f"{where}拒绝登录：密码不正确或没有提供密码。")
    if state == _NO_DATABASE or ("database" in text and "does not exist" in text):
        return ServerUnavailable(f"{where}不存在。请让信息管理员先运行 assist-desktop server init 建立数据库。")
    if state.startswith(_CANNOT_CONNECT) or state == "" and ("connection" in text.lower() or "timeout" in text.lower()):
        return ServerUnavailable(f"无法连接{where}：{_first_line(text)}。请检查网络和服务器是否开机，"
                                 "或联系信息管理员。")
    if state == _ADMIN_SHUTDOWN:
        return ServerUnavailable(f"{where}正在关闭或重启，本次操作没有保存。请稍后重试。")
    return None


def write_problem(exc: BaseException) -> DomainError | None:
    """A write the server refused for a reason that is not the data's: a full disk, a read-only server,
    a lost connection. Nothing was saved: PostgreSQL rolled the transaction back."""
    if not _is_psycopg(exc):
        return None
    from assist_desktop.storage.access import StorageFull, StorageProblem, StorageReadOnly

    state = sqlstate(exc) or ""
    if state == _DISK_FULL:
        return StorageFull("数据库服务器的磁盘已满，本次操作没有保存，数据库保持原样。请联系信息管理员清理服务器磁盘。")
    if state == _READ_ONLY_TX:
        return StorageReadOnly("数据库服务器当前只能读不能写（可能是备用服务器），本次操作没有保存。请联系信息管理员。")
    if state == _NO_PRIVILEGE:
        return StorageProblem("数据库服务器拒绝了本次写入（登录用户没有权限），本次操作没有保存。请联系信息管理员。")
    problem = connection_problem(exc)
    if problem is not None:
        return StorageProblem(f"与数据库服务器的连接中断，本次操作没有保存，数据库保持原样。{problem.message}")
    return None


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "连接失败"
