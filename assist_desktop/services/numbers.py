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
        session.flush()  # in the identity map from now on: the next call finds it without a query
    counter.last += 1  # written with the transaction (a batch of vouchers needs no flush per number)
    return counter.last
