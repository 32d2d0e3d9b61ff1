"""People-facing numbers (file, application, voucher): counters that only move forward.

A number handed out is never handed out again; a refused write rolls its counter back with it, so no
gap is left by a refusal either.
"""

from __future__ import annotations

from sqlmodel import Session

from assist_desktop.storage import counters


def next_number(session: Session, prefix: str) -> int:
    """The next value of counter ``prefix``, inside the caller's transaction; its row stays locked until the
    transaction ends, so writers at other desks take the numbers after it (storage.counters)."""
    return counters.draw(session, prefix)
