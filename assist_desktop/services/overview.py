"""Figures for the status bar: what is not yet synced."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from assist_desktop.storage.models import SYNCED_TABLES, Tombstone


def unsynced_records(session: Session) -> int:
    """Rows changed here and not yet acknowledged by the upper unit (usn = -1), deletions included."""
    total = 0
    for model in (*SYNCED_TABLES, Tombstone):
        total += session.exec(select(func.count()).select_from(model).where(model.usn == -1)).one()
    return total

