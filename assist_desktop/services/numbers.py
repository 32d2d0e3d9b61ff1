"""People-facing numbers (file, application, voucher): counters that only move forward.

A number handed out is never handed out again; a refused write rolls its counter back with it, so no
gap is left by a refusal either.
"""

from __future__ import annotations

from sqlmodel import Session

from assist_desktop.storage.models import NumberSequence


def next_number(session: Session, prefix: str) -> int:
    """The next value of counter ``prefix``, inside the caller's transaction."""
    counter = session.get(NumberSequence, prefix)
    if counter is None:
        counter = NumberSequence(prefix=prefix, last=0)
        session.add(counter)
    counter.last += 1
    session.flush()
    return counter.last
