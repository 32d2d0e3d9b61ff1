"""The union bodies a file can belong to: the local federation and its grassroots unions (基层工会)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from assist_desktop.domain.enums import OrgLevel
from assist_desktop.services.setup import local_unit
from assist_desktop.storage.models import OrgUnit


@dataclass(frozen=True)
class UnitChoice:
    id: str
    name: str
    code: str
    level: str
    active: bool = True

    @property
    def level_label(self) -> str:
        try:
            return OrgLevel(self.level).label
        except ValueError:
            return self.level


def list_grassroots_units(session: Session, *, include_id: str | None = None) -> list[UnitChoice]:
    """The local unit first, then its active grassroots unions by code.

    ``include_id`` adds the unit a file already names even if it has since been deactivated, so that an
    editor can show it (the registry refuses to save a file under an inactive unit, naming the field).
    """
    local = local_unit(session)
    out: list[UnitChoice] = []
    if local is not None:
        out.append(UnitChoice(local.id, local.name, local.code, local.level, local.active))
    stmt = (select(OrgUnit.id, OrgUnit.name, OrgUnit.code, OrgUnit.level, OrgUnit.active)
            .where(OrgUnit.level == "grassroots", OrgUnit.active == True)  # noqa: E712 - SQL expression
            .order_by(OrgUnit.code))
    if local is not None:
        stmt = stmt.where(OrgUnit.parent_id == local.id)
    out += [UnitChoice(*row) for row in session.exec(stmt)]
    if include_id and all(u.id != include_id for u in out):
        unit = session.get(OrgUnit, include_id)
        if unit is not None:
            out.append(UnitChoice(unit.id, unit.name, unit.code, unit.level, unit.active))
    return out
