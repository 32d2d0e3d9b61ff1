"""Figures for the start page: what the database holds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from assist_desktop.services.setup import local_unit
from assist_desktop.storage.models import HardshipFile, Member


@dataclass(frozen=True)
class Overview:
    unit_name: str | None
    unit_code: str | None
    files_by_status: dict[str, int]
    members: int
    unsynced: int


def overview(session: Session) -> Overview:
    unit = local_unit(session)
    by_status = dict(session.exec(select(HardshipFile.status, func.count()).group_by(HardshipFile.status)).all())
    members = session.exec(select(func.count()).select_from(Member)).one()
    unsynced = session.exec(select(func.count()).select_from(HardshipFile).where(HardshipFile.usn == -1)).one()
    return Overview(unit.name if unit else None, unit.code if unit else None, by_status, members, unsynced)
