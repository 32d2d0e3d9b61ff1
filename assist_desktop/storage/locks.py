"""Locks a write takes beyond its rows, per engine.

On SQLite there is one writer at a time (``BEGIN IMMEDIATE`` takes the write lock at the start), so these
take nothing. On PostgreSQL several desks write at once; what must happen one at a time takes a
transaction-level advisory lock, released when the transaction commits or rolls back — after its rows are
visible, so the next holder reads them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

# pg_advisory_xact_lock keys (any 64-bit numbers, distinct per purpose)
AUDIT_HEAD = 0x41535341  # 'ASSA': the head of the audit chain


def lock(session_or_conn: Any, key: int) -> None:
    """Wait for and take lock ``key`` until the end of the current transaction (a no-op on SQLite)."""
    bind = session_or_conn.get_bind() if hasattr(session_or_conn, "get_bind") else session_or_conn
    if bind.dialect.name == "postgresql":
        session_or_conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def lock_audit_head(session_or_conn: Any) -> None:
    lock(session_or_conn, AUDIT_HEAD)
