"""Making the package a unit carries to its upper unit.

Incremental by default: every row changed here and not yet acknowledged (``usn = -1``) and every
deletion (tombstones), whatever unit owns the row — a city passes its counties' records upward with their
own. A full snapshot (every row held, except the upper unit's own) on request, the first time, when the
upper unit asked for one in its acknowledgement, or when the schema changed since the last acknowledged
package. Packages are cumulative: until an acknowledgement arrives, each one carries again what the
previous ones carried, so a lost file costs nothing but its number.

Rows are not marked when they leave: the package records which rows it carried (with their version and
mtime), and the acknowledgement marks those still unchanged with the package's usn (``sync.ack``).
The export is one write transaction (it records the package and its audit event); the file appears
under its name only after the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text
from sqlmodel import Session, select

from assist_desktop import __version__
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services import keys as signing
from assist_desktop.services.audit import GENESIS_HASH, append_event, chain_now
from assist_desktop.services.base import Refusal, actor_name, require_role, unit_of_work
from assist_desktop.storage import file_lock
from assist_desktop.storage.engine import bulk_cache
from assist_desktop.storage.travel import MAX_JSON_ARGS, RowText
from assist_desktop.storage.models import AuditEvent, OrgUnit, SyncPackage, SyncPeer, SyncUnitHead, User, utcnow
from assist_desktop.storage.schema import head_revision
from assist_desktop.sync import crypto
from assist_desktop.sync.errors import SyncCancelled, SyncError
from assist_desktop.sync.keys import b64, local_unit, recipient_key, upper_unit
from assist_desktop.sync.package import (
    FORMAT, FORMAT_VERSION, MAX_ANCHORS, AuditHead, Manifest, PackageWriter, UnitEntry, UnitRef, dumps,
)
from assist_desktop.sync.trust import lower_unit_statement
from assist_desktop.sync.tables import TABLE_LABELS, TOMBSTONE, TableSpec, specs

# Who may send the database's contents out of the office (PIPL): the administrator or the chair.
SYNC_ROLES = (Role.admin, Role.approver)
CHUNK = 5000
FILE_SUFFIX = ".sync"

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class PendingCount:
    table: str
    rows: int

    @property
    def label(self) -> str:
        return TABLE_LABELS.get(self.table, self.table)


@dataclass(frozen=True)
class ExportPlan:
    """What an export now would be: for the page's wizard, before anything is written."""

    source: UnitRef
    target: UnitRef
    seq: int
    full: bool
    full_reason: str | None
    pending: tuple[PendingCount, ...]  # rows changed here, by table (what an incremental package carries)
    rows: int  # what this package would carry (a full snapshot: every row held)

    @property
    def suggested_name(self) -> str:
        return f"{self.source.code}-to-{self.target.code}-{self.seq:04d}{FILE_SUFFIX}"


@dataclass(frozen=True)
class ExportResult:
    package_id: str
    path: Path
    target: UnitRef
    seq: int
    full: bool
    full_reason: str | None
    counts: dict[str, int]
    rows: int
    bytes: int
    file_sha256: str

    def summary(self) -> str:
        kind = f"完整数据（{self.full_reason}）" if self.full else "增量数据"
        return (f"已导出第 {self.seq} 号同步文件 {self.path}：发往{self.target.label}，{kind}，"
                f"共 {self.rows} 条记录，{self.bytes / 2**20:.1f} MB。")


def _ref(unit: OrgUnit) -> UnitRef:
    return UnitRef(unit.id, unit.code, unit.name, unit.level)


def _upper(session: Session, target_code: str | None = None) -> tuple[SyncPeer, OrgUnit]:
    found = upper_unit(session)
    if found is None:
        raise SyncError("本单位还没有设置上级单位：请先在“同步”页的“单位”中导入上级单位的公钥文件并核对指纹"
                        "（终端：assist-desktop unit set-upper）。")
    peer, unit = found
    if target_code is not None and target_code.strip() not in (unit.code, unit.id):
        raise SyncError(f"本单位的上级单位是{unit.name}（{unit.code}），同步文件只能发往上级单位，"
                        f"不能发往“{target_code}”。", field="--to")
    return peer, unit


def _last_out(session: Session, target_id: str, *, acked: bool) -> SyncPackage | None:
    stmt = select(SyncPackage).where(SyncPackage.direction == "out", SyncPackage.peer_unit_id == target_id)
    if acked:
        stmt = stmt.where(SyncPackage.status == "acked")
    return session.exec(stmt.order_by(SyncPackage.seq.desc()).limit(1)).first()


def _full_reason(session: Session, peer: SyncPeer, target: OrgUnit, requested: bool) -> str | None:
    if requested:
        return "按要求导出完整数据"
    acked = _last_out(session, target.id, acked=True)
    if acked is None:  # nothing confirmed yet: the upper unit may hold none of our earlier files
        if _last_out(session, target.id, acked=False) is not None:
            return "上级单位尚未确认收到本单位此前的同步文件"
        return "首次向上级单位报送"
    if peer.needs_full_snapshot:
        return "上级单位要求重新报送完整数据"
    if acked.schema_revision != head_revision():
        return f"程序数据结构已更新（第 {acked.schema_revision} 版 → 第 {head_revision()} 版）"
    return None


def _where(full: bool) -> str:
    return "owner_unit_id != :target" + ("" if full else " AND usn = -1")


def pending_changes(session: Session) -> list[PendingCount]:
    """Rows changed here and not yet acknowledged by the upper unit, by table (deletions as 删除记录)."""
    found = upper_unit(session)
    target = found[1].id if found else ""
    conn = session.connection()
    out = []
    for name in specs():
        n = conn.execute(text(f'SELECT count(*) FROM "{name}" WHERE owner_unit_id != :t AND usn = -1'),
                         {"t": target}).scalar_one()
        if n:
            out.append(PendingCount(name, n))
    return out


def plan_export(session: Session, *, full: bool = False) -> ExportPlan:
    """What ``export_package`` would write now (no writes; a read for the page)."""
    local = local_unit(session)
    peer, target = _upper(session)
    reason = _full_reason(session, peer, target, full)
    pending = tuple(pending_changes(session))
    if reason:
        conn = session.connection()
        rows = sum(conn.execute(text(f'SELECT count(*) FROM "{n}" WHERE owner_unit_id != :t'
                                     + (" AND usn = -1" if n == TOMBSTONE else "")), {"t": target.id}).scalar_one()
                   for n in specs())
    else:
        rows = sum(p.rows for p in pending)
    return ExportPlan(_ref(local), _ref(target), peer.last_sent_seq + 1, reason is not None, reason, pending, rows)


# --- reading rows ----------------------------------------------------------------------------------


def _select(spec: TableSpec, rt: RowText) -> list[str]:
    """The columns as they travel (storage.travel): binary as hex; a user's sign-in secrets never leave the
    unit, and its name is qualified with its unit's code so that users of many counties live side by side
    upward."""
    exprs = []
    for c in spec.columns:
        q = rt.column(c.name, c.kind)
        if spec.name == "user":
            q = {"username": f"CASE WHEN {rt.position('username', chr(39) + '/' + chr(39))} > 0 THEN username ELSE "
                             "(SELECT o.code FROM org_unit AS o WHERE o.id = \"user\".owner_unit_id) || '/' || username END",
                 "password_hash": "CAST('!' AS TEXT)", "failed_logins": "0", "locked_until": "CAST(NULL AS TEXT)",
                 "must_change_password": "0"}.get(c.name, q)
        exprs.append(q)
    return exprs


class _Tally:
    def __init__(self, total: int, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.total, self.done, self.progress, self.cancelled = total, 0, progress, cancelled

    def step(self, n: int) -> None:
        self.done += n
        if self.cancelled is not None and self.cancelled():
            raise SyncCancelled("已取消，未导出同步文件，数据库未改动。")
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


def _table_chunks(raw: Any, rt: RowText, spec: TableSpec, full: bool, target_id: str, tally: _Tally
                  ) -> Iterator[tuple[str, int]]:
    """A table's rows as JSON lines, made by the engine's own JSON arrays (on SQLite two and a half times
    Python's encoder)."""
    where = _where(full and spec.name != TOMBSTONE).replace(":target", rt.param)
    if len(spec.columns) <= MAX_JSON_ARGS:  # SQLite takes at most 127 arguments to a function, PostgreSQL 100
        sql = f'SELECT {rt.json_array(_select(spec, rt))} FROM "{spec.name}" WHERE {where}{rt.order}'
        for rows in rt.rows(raw, sql, (target_id,), CHUNK):
            yield "\n".join([r[0] for r in rows]), len(rows)
            tally.step(len(rows))
        return
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
    sql = f'SELECT {", ".join(_select(spec, rt))} FROM "{spec.name}" WHERE {where}{rt.order}'
    for rows in rt.rows(raw, sql, (target_id,), CHUNK):  # pragma: no cover - no table is that wide today
        yield "\n".join(map(encode, rows)), len(rows)
        tally.step(len(rows))


def _carried(raw: Any, rt: RowText, spec: TableSpec, full: bool, target_id: str, owners: set[str]) -> list[Any]:
    """What the acknowledgement will mark: rows changed here, with the version and mtime they left with."""
    where = _where(full and spec.name != TOMBSTONE).replace(":target", rt.param)
    version = "version" if spec.name != TOMBSTONE else "0"
    owners.update(r[0] for r in rt.query(raw, f'SELECT DISTINCT owner_unit_id FROM "{spec.name}" WHERE {where}',
                                         (target_id,)))
    return [list(r) for r in rt.query(raw, f'SELECT id, {version}, mtime FROM "{spec.name}" WHERE {where} AND usn = -1',
                                      (target_id,))]


def _count(raw: Any, rt: RowText, name: str, full: bool, target_id: str) -> int:
    return rt.query(raw, f'SELECT count(*) FROM "{name}" WHERE {_where(full).replace(":target", rt.param)}',
                    (target_id,))[0][0]


# --- the export ------------------------------------------------------------------------------------


class _Hashing:
    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.sha, self.size = out, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.out.write(data)


def export_package(session: Session, user: User | None, out: Path, *, target_code: str | None = None,
                   full: bool = False, progress: Progress | None = None,
                   cancelled: Cancelled | None = None) -> ExportResult:
    """Write the package for the upper unit to ``out``; one transaction (the package's record and audit
    event), the file renamed into place after the commit. ``user`` None: the terminal (系统)."""
    out = Path(out)
    if out.is_dir():
        raise SyncError(f"{out} 是文件夹，请给出要写入的文件名。", field="--out")
    partial = out.with_name(f".{out.name}.partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        # listed with this program while written: a kill leaves it to be removed at the next start
        with file_lock.partial_file(file_lock.database_path(session.get_bind()), partial):
            with unit_of_work(session, user, Refusal("sync_package", None, "export")):
                if user is not None:
                    require_role(session, user, *SYNC_ROLES, doing="导出同步文件")
                result = _export(session, user, out, partial, target_code, full, progress, cancelled)
            os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise SyncError(f"无法写入 {out}：{exc.strerror or exc}（同步文件未导出，数据库未改动）。") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return result


def _export(session: Session, user: User | None, out: Path, partial: Path, target_code: str | None, full: bool,
            progress: Progress | None, cancelled: Cancelled | None) -> ExportResult:
    local = local_unit(session)
    peer, target = _upper(session, target_code)
    sign_key = signing.ensure_signing_key(session, local.id, actor=user)
    recipient = recipient_key(session, target)
    reason = _full_reason(session, peer, target, full)
    is_full = reason is not None
    seq = peer.last_sent_seq + 1
    base = 0 if is_full else peer.last_acked_seq
    since = 0 if is_full else peer.last_acked_usn
    conn = session.connection()
    raw = conn.connection.driver_connection
    rt = RowText(conn.dialect.name)
    with bulk_cache(conn):
        tables = specs()
        counts_planned = {n: _count(raw, rt, n, is_full and n != TOMBSTONE, target.id) for n in tables}
        tally = _Tally(sum(counts_planned.values()), progress, cancelled)
        carried: dict[str, list[list[Any]]] = {}
        owners: set[str] = {local.id}
        with tempfile.TemporaryFile() as plain, PackageWriter(plain) as writer:
            for name, spec in tables.items():
                if counts_planned[name]:
                    writer.table(name, spec.names, _table_chunks(raw, rt, spec, is_full, target.id, tally))
                    rows = _carried(raw, rt, spec, is_full, target.id, owners)
                    if rows:
                        carried[name] = rows
            counts = {m.table: m.rows for m in writer.members}
            total = sum(counts.values())
            event = append_event(session, actor_id=user.id if user else None, actor_name=actor_name(user),
                                 entity_type="sync_package", entity_id=None, action="export",
                                 changes={"target": target.code, "seq": seq, "full": is_full, "rows": total,
                                          "counts": counts})
            chain_now(session)  # the manifest carries this event's place on the chain: take the head now
            package_id = str(uuid.uuid4())
            made_at = utcnow()
            manifest = Manifest(
                package_id=package_id, made_at=made_at.astimezone(UTC).isoformat(timespec="microseconds"),
                schema_revision=head_revision(), program_version=__version__, source=_ref(local), target=_ref(target),
                seq=seq, base_seq=base, full=is_full, full_reason=reason, usn_since=since, usn=seq,
                sign_key_id=sign_key.key_id, units=_units(session, local, owners, AuditHead(event.seq, event.hash),
                                                          target.id),
                members=tuple(writer.members), lower_units=lower_unit_statement(session, local))
            manifest_bytes = json.dumps(manifest.as_json(), ensure_ascii=False, indent=1).encode("utf-8")
            signature = signing.private_key(sign_key).sign(manifest_bytes)
            writer.finish(manifest_bytes, dumps({"algorithm": "ed25519", "key_id": sign_key.key_id,
                                                 "unit_id": local.id, "signature": b64(signature)}))
            plain.seek(0)
            header = {"format": FORMAT, "format_version": FORMAT_VERSION, "kind": "package", "seq": seq,
                      "source": {"unit_id": local.id, "code": local.code},
                      "target": {"unit_id": target.id, "code": target.code},
                      "sign_key_id": sign_key.key_id, "recipient_key_id": recipient.key_id}
            with partial.open("wb") as fh:
                sealed = _Hashing(fh)
                crypto.seal(plain, sealed, header, recipient.public_key, cancelled=cancelled)  # type: ignore[arg-type]
                fh.flush()
                os.fsync(fh.fileno())
        session.add(SyncPackage(
            id=package_id, direction="out", peer_unit_id=target.id, seq=seq, base_seq=base, full=is_full,
            usn_since=since, usn=seq, schema_revision=head_revision(), format_version=FORMAT_VERSION,
            made_at=made_at, file_name=out.name, file_sha256=sealed.sha.hexdigest(),
            manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(), counts=json.dumps(counts),
            rows=total, audit_seq=event.seq, audit_hash=event.hash, status="sent",
            carried=zlib.compress(dumps(carried), 1), actor_name=actor_name(user)))
        peer.last_sent_seq = seq
        peer.updated_at = made_at
        session.add(peer)
        session.flush()
    return ExportResult(package_id, out, _ref(target), seq, is_full, reason, counts, total, sealed.size,
                        sealed.sha.hexdigest())


def _units(session: Session, local: OrgUnit, owners: set[str], head: AuditHead, target_id: str) -> tuple[UnitEntry, ...]:
    """The local unit (its audit head and the anchor the upper unit can check), then every other unit whose
    rows travel, with the head of its chain as it reached us."""
    anchor = None
    acked = _last_out(session, target_id, acked=True)
    if acked is not None:
        at = session.exec(select(AuditEvent.hash).where(AuditEvent.seq == acked.audit_seq)).first()
        anchor = AuditHead(acked.audit_seq, at or GENESIS_HASH)
    # The chain as it is now at the head of every package sent to the upper unit (the latest MAX_ANCHORS): it
    # last accepted one of them, and refuses a chain that no longer holds it (cut, or rewritten).
    sent = session.exec(select(SyncPackage.audit_seq).where(
        SyncPackage.direction == "out", SyncPackage.peer_unit_id == target_id).order_by(SyncPackage.seq.desc())
        .limit(MAX_ANCHORS)).all()
    hashes = {seq: digest for seq, digest in session.exec(
        select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(sent)))} if sent else {}
    anchors = tuple(AuditHead(seq, hashes.get(seq, GENESIS_HASH)) for seq in sorted(set(sent)))
    entries = [UnitEntry(_ref(local), head, anchor, anchors)]
    for unit_id in sorted(owners - {local.id}):
        unit = session.get(OrgUnit, unit_id)
        if unit is None:  # pragma: no cover - owner_unit_id is a foreign key
            continue
        known = session.get(SyncUnitHead, unit_id)
        entries.append(UnitEntry(_ref(unit), AuditHead(known.audit_seq, known.audit_hash) if known
                                 else AuditHead(0, GENESIS_HASH)))
    return tuple(entries)


def count_rows(session: Session) -> dict[str, int]:
    """Rows per syncable table (for tests and the page's overview)."""
    conn = session.connection()
    return {n: conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in specs()}


__all__ = ["ExportPlan", "ExportResult", "PendingCount", "SYNC_ROLES", "count_rows", "export_package",
           "pending_changes", "plan_export"]
