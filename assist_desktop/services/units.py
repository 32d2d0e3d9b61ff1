"""The union bodies a file can belong to: the local federation and its grassroots unions (基层工会).

The administrator adds grassroots unions and corrects their names; a union is never deleted (files,
users and grants name it). A new union gets the next code ``<region code>G<nnn>``, as the demo numbers
them. Only this unit's own unions are changed here: a lower unit's unions held at
a city are that unit's to change (``require_own``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from assist_desktop.domain.enums import OrgLevel
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.base import (NotFound, Refusal, audit, diff, require_own, require_role, snapshot,
                                          touch, unit_of_work)
from assist_desktop.services.setup import local_unit, require_initialised
from assist_desktop.storage.models import OrgUnit, User

NAME_MAX = 100
ENTITY = "org_unit"


class UnitError(DomainError):
    """Bad input while adding or renaming a grassroots union."""


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


# --- the administrator's changes ------------------------------------------------------------------


def add_grassroots_unit(session: Session, actor: User, name: str) -> UnitChoice:
    """A new active grassroots union under the local unit, with the next free code. Administrators only."""
    with unit_of_work(session, actor, Refusal(ENTITY, None, "create")):
        require_role(session, actor, Role.admin, doing="新增基层工会")
        local = require_initialised(session)
        shown = _check_name(name)
        _refuse_duplicate(session, local, shown)
        unit = OrgUnit(owner_unit_id=local.id, code=_next_code(session, local), name=shown, level="grassroots",
                       parent_id=local.id)
        session.add(unit)
        session.flush()
        audit(session, actor, unit, "create", {"code": unit.code, "name": shown, "level": "grassroots"})
        return UnitChoice(unit.id, unit.name, unit.code, unit.level, unit.active)


def rename_unit(session: Session, actor: User, unit_id: str, name: str) -> UnitChoice:
    """Correct the name of one of this unit's grassroots unions. Administrators only."""
    with unit_of_work(session, actor, Refusal(ENTITY, unit_id, "rename")):
        require_role(session, actor, Role.admin, doing="修改基层工会名称")
        unit = session.get(OrgUnit, unit_id, populate_existing=True)
        if unit is None:
            raise NotFound("找不到该基层工会，请刷新列表。")
        require_own(session, unit, f"“{unit.name}”")
        local = require_initialised(session)
        if unit.level != "grassroots" or unit.parent_id != local.id:
            raise UnitError(f"“{unit.name}”不是本单位的基层工会，不能在这里改名。")
        shown = _check_name(name)
        if shown == unit.name:
            return UnitChoice(unit.id, unit.name, unit.code, unit.level, unit.active)
        _refuse_duplicate(session, local, shown, but=unit.id)
        before = snapshot(unit)
        unit.name = shown
        touch(unit)
        audit(session, actor, unit, "rename", diff(before, snapshot(unit)))
        return UnitChoice(unit.id, unit.name, unit.code, unit.level, unit.active)


def _check_name(name: str) -> str:
    shown = (name or "").strip()
    if not shown:
        raise UnitError("名称不能为空。", field="名称")
    if len(shown) > NAME_MAX:
        raise UnitError(f"名称过长（最多{NAME_MAX}字）。", field="名称")
    return shown


def _refuse_duplicate(session: Session, local: OrgUnit, name: str, *, but: str | None = None) -> None:
    stmt = select(OrgUnit.code).where(OrgUnit.parent_id == local.id, OrgUnit.name == name)
    if but is not None:
        stmt = stmt.where(OrgUnit.id != but)
    taken = session.exec(stmt).first()
    if taken is not None or name == local.name:
        raise UnitError(f"已有名为“{name}”的单位，请换一个名称。", field="名称")


def _next_code(session: Session, local: OrgUnit) -> str:
    prefix = f"{local.code}G"
    pattern = re.compile(rf"{re.escape(prefix)}(\d+)")
    used = [int(m[1]) for code in session.exec(select(OrgUnit.code).where(OrgUnit.code.startswith(prefix)))
            if (m := pattern.fullmatch(code))]
    return f"{prefix}{max(used, default=0) + 1:03d}"
