"""Reads still running when the program quits are stopped, so the process ends when its window closes.

Closing the window waits for the background work in flight (a backup is never cut off), and on a
province-sized file a read — the unsynced count of the status bar, a page of a list, the statistics —
can take seconds. Each connection checked out of the pool is known here, and whether it holds a write
(BEGIN IMMEDIATE, a service's unit of work); at quit every connection that only reads is interrupted
(SQLite's ``interrupt()``), its statement ends with an error nobody waits for, and writes finish.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_KEY = "assist_checked_out"
_WRITING = "assist_writing"


def track_reads(engine: Engine) -> None:
    """Keep the set of checked-out DBAPI connections of ``engine`` (idempotent)."""
    if _KEY in engine.__dict__:
        return
    checked_out: dict[int, Any] = {}
    engine.__dict__[_KEY] = checked_out

    @event.listens_for(engine, "checkout")
    def _out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        record.info.pop(_WRITING, None)
        checked_out[id(dbapi_conn)] = (dbapi_conn, record)

    @event.listens_for(engine, "checkin")
    def _in(dbapi_conn: Any, record: Any) -> None:
        checked_out.pop(id(dbapi_conn), None)
        if record is not None:
            record.info.pop(_WRITING, None)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if conn.get_execution_options().get("sqlite_immediate"):
            conn.info[_WRITING] = True

    for name in ("commit", "rollback"):
        event.listen(engine, name, lambda conn: conn.info.pop(_WRITING, None))


def interrupt_reads(engine: Engine) -> int:
    """Interrupt every connection that is only reading; returns how many were."""
    stopped = 0
    for dbapi_conn, record in list(engine.__dict__.get(_KEY, {}).values()):
        if record.info.get(_WRITING):
            continue
        interrupt = getattr(dbapi_conn, "interrupt", None)
        if interrupt is not None:
            interrupt()
            stopped += 1
    return stopped
