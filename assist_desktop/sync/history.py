"""Reading the sync bookkeeping for the page and the terminal: packages both ways, and asking a lower unit
for a full snapshot."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from assist_desktop.services.audit import append_event
from assist_desktop.services.base import Refusal, actor_name, require_role, unit_of_work
from assist_desktop.storage.models import OrgUnit, SyncPackage, SyncPeer, User
from assist_desktop.sync.errors import SyncError
from assist_desktop.sync.keys import KEY_ROLES, LOWER

STATUS_LABELS = {"sent": "已导出，待确认", "acked": "已确认", "superseded": "已被后续文件取代", "applied": "已导入"}


@dataclass(frozen=True)
class PackageView:
    id: str
    direction: str  # out / in
    unit_code: str
    unit_name: str
    seq: int
    full: bool
    rows: int
    counts: dict[str, int]
    status: str
    made_at: datetime
    recorded_at: datetime
    acked_at: datetime | None
    file_name: str | None
    actor_name: str

    @property
    def direction_label(self) -> str:
        return "发出" if self.direction == "out" else "收到"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


def package_history(session: Session, *, direction: str | None = None, limit: int = 500) -> list[PackageView]:
    """Packages sent and received, newest first."""
    stmt = select(SyncPackage, OrgUnit).join(OrgUnit, OrgUnit.id == SyncPackage.peer_unit_id)
    if direction:
        stmt = stmt.where(SyncPackage.direction == direction)
    rows = session.exec(stmt.order_by(SyncPackage.recorded_at.desc(), SyncPackage.seq.desc()).limit(limit))
    return [PackageView(p.id, p.direction, u.code, u.name, p.seq, p.full, p.rows, json.loads(p.counts), p.status,
                        p.made_at, p.recorded_at, p.acked_at, p.file_name, p.actor_name) for p, u in rows]


def request_full_snapshot(session: Session, user: User | None, unit_code: str) -> None:
    """Ask an enrolled lower unit for a full snapshot: said in the next acknowledgement sent to it."""
    with unit_of_work(session, user, Refusal("sync_peer", None, "request_full")):
        if user is not None:
            require_role(session, user, *KEY_ROLES, doing="要求下级单位重新报送完整数据")
        row = session.exec(select(SyncPeer, OrgUnit).join(OrgUnit, OrgUnit.id == SyncPeer.unit_id)
                           .where(OrgUnit.code == unit_code.strip(), SyncPeer.relation == LOWER)).first()
        if row is None:
            raise SyncError(f"没有代码为 {unit_code} 的已登记下级单位。", field="单位")
        peer, unit = row
        peer.needs_full_snapshot = True
        session.add(peer)
        append_event(session, actor_id=user.id if user else None, actor_name=actor_name(user), entity_type="sync_peer",
                     entity_id=unit.id, action="request_full", changes={"code": unit.code})


def last_received(session: Session, unit_code: str) -> str:
    """The last package applied from a lower unit (to write its acknowledgement again)."""
    row = session.exec(select(SyncPackage.id).join(OrgUnit, OrgUnit.id == SyncPackage.peer_unit_id)
                       .where(OrgUnit.code == unit_code.strip(), SyncPackage.direction == "in")
                       .order_by(SyncPackage.seq.desc()).limit(1)).first()
    if row is None:
        raise SyncError(f"还没有导入过单位 {unit_code} 的同步文件。", field="单位")
    return row
