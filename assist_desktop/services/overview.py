"""Figures for the start page and the status bar: what the database holds, what is not yet synced."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from assist_desktop.services.setup import local_unit
from assist_desktop.storage.models import SYNCED_TABLES, HardshipFile, Member, Tombstone


@dataclass(frozen=True)
class Overview:
    unit_name: str | None
    unit_code: str | None
    files_by_status: dict[str, int]
    members: int
    unsynced: int


def unsynced_records(session: Session) -> int:
    """Rows changed here and not yet acknowledged by the upper unit (usn = -1), deletions included."""
    total = 0
    for model in (*SYNCED_TABLES, Tombstone):
        total += session.exec(select(func.count()).select_from(model).where(model.usn == -1)).one()
    return total


def overview(session: Session) -> Overview:
    unit = local_unit(session)
    by_status = dict(session.exec(select(HardshipFile.status, func.count()).group_by(HardshipFile.status)).all())
    members = session.exec(select(func.count()).select_from(Member)).one()
    return Overview(unit.name if unit else None, unit.code if unit else None, by_status, members,
                    unsynced_records(session))
