"""Rows of the registry list: what the list shows for a page of file ids, and the filter bar's choices.

DESIGN.md §5 "Big lists": ``services.search.search`` returns the ids of the matches in order; the
list asks for the rows of the ids it is about to show, a page at a time. ``file_rows`` reads exactly
the displayed columns of those files in one statement (the holding union's name by a join), and
hands them back in the order of the ids asked for. The ID number leaves this module masked
(``6101**********1234``): a list on a screen is looked at over a caseworker's shoulder (PIPL), and
whoever needs the whole number opens the file.

Codes are turned into the domain's Chinese labels here, so the list shows 深度困难, 患重特大疾病, 在档;
a code this program does not know (a file imported from a newer version) shows as the code itself
rather than failing the whole page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlmodel import Session

from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
from assist_desktop.domain.ids import mask_id_number
from assist_desktop.domain.lifecycle import FileStatus, Role
from assist_desktop.services.base import require_role
from assist_desktop.storage.models import HardshipFile, NumberSequence, OrgUnit, User

HF = HardshipFile
# Bound parameters per statement; a page of the list is far smaller, longer id lists go in chunks.
CHUNK = 500
# How many years back the filing-year filter offers even before files of that year exist.
RECENT_YEARS = 10


@dataclass(frozen=True, slots=True)
class FileRow:
    """One line of the registry list: the displayed values, plus the codes behind the labels."""

    id: str
    file_no: str
    name: str
    masked_id: str
    category: str | None
    category_label: str
    primary_cause: int
    primary_cause_label: str
    per_capita_fen: int
    status: str
    status_label: str
    unit_name: str
    last_review: date | None


@dataclass(frozen=True, slots=True)
class UnitChoice:
    id: str
    name: str
    code: str


_CATEGORY_LABELS = {c.value: c.label for c in HardshipCategory}
_CAUSE_LABELS = {c.value: c.label for c in HardshipCause}
_STATUS_LABELS = {s.value: s.label for s in FileStatus}

_COLUMNS = (HF.id, HF.file_no, HF.name, HF.id_number, HF.category, HF.primary_cause,
            HF.per_capita_monthly_income_fen, HF.status, OrgUnit.name, HF.last_review_date)


_STORED_ID = re.compile(r"\d{17}[\dX]", re.ASCII)


def _masked(id_number: str | None) -> str:
    # a stored number is canonical: mask it directly (mask_id_number also cleans up typed input)
    if id_number and _STORED_ID.fullmatch(id_number):
        return f"{id_number[:4]}**********{id_number[-4:]}"
    return mask_id_number(id_number or "")


def _row(values: Sequence[object]) -> FileRow:
    (file_id, file_no, name, id_number, category, cause, per_capita, status, unit_name, reviewed) = values
    return FileRow(
        id=file_id, file_no=file_no, name=name, masked_id=_masked(id_number),
        category=category, category_label=_CATEGORY_LABELS.get(category, category or "") if category else "",
        primary_cause=cause, primary_cause_label=_CAUSE_LABELS.get(cause, str(cause) if cause is not None else ""),
        per_capita_fen=per_capita or 0, status=status, status_label=_STATUS_LABELS.get(status, status),
        unit_name=unit_name or "", last_review=reviewed,
    )


def file_rows(session: Session, user: User, ids: Sequence[str]) -> list[FileRow]:
    """The list's rows for ``ids``, in the order of ``ids``; an id without a file is left out.

    One ``SELECT … WHERE id IN (…)`` per 500 ids, each file found by its primary key, so a page costs
    the same on a county's file and on a province's. Any active user may read the list.
    """
    require_role(session, user, *Role, doing="查看档案列表")
    if not ids:
        return []
    found: dict[str, FileRow] = {}
    base = select(*_COLUMNS).select_from(HF).outerjoin(OrgUnit, OrgUnit.id == HF.unit_id)
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start:start + CHUNK]
        for values in session.execute(base.where(HF.id.in_(chunk))):
            found[values[0]] = _row(values)
    return [found[i] for i in ids if i in found]


def unit_choices(session: Session) -> list[UnitChoice]:
    """The unions that hold files, for the list's unit filter, by code (the towns' order).

    Only units with at least one file are offered: each unit is checked with one step of the
    ``(unit_id, status)`` index, so this stays quick whatever the size of the registry.
    """
    holds_files = exists(select(HF.id).where(HF.unit_id == OrgUnit.id))
    stmt = select(OrgUnit.id, OrgUnit.name, OrgUnit.code).where(holds_files).order_by(OrgUnit.code, OrgUnit.name)
    return [UnitChoice(id=i, name=name, code=code) for i, name, code in session.execute(stmt)]


_SEQUENCE_YEAR = re.compile(r"file:[^:]*:(\d{4})$")


def filing_years(session: Session, today: date | None = None) -> list[int]:
    """Years for the filing-year filter, newest first: the last ten, and every year a file number
    was handed out in (read from the number counters, not by scanning the files)."""
    today = today or date.today()
    years = set(range(today.year - RECENT_YEARS + 1, today.year + 1))
    for prefix in session.execute(select(NumberSequence.prefix).where(NumberSequence.prefix.like("file:%"))).scalars():
        match = _SEQUENCE_YEAR.match(prefix)
        if match:
            years.add(int(match.group(1)))
    return sorted(years, reverse=True)


__all__ = ["FileRow", "UnitChoice", "file_rows", "filing_years", "unit_choices"]
