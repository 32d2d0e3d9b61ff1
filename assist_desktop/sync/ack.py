"""The acknowledgement: the upper unit's signed word that it applied a package, which the lower unit
imports to mark the rows that package carried as synced.

It names the package (sequence number, usn, SHA-256 of the file and of its manifest), the counts, and
whether the upper unit wants a full snapshot next. It holds no personal data, so it is signed but not
encrypted. On import, every row the package carried that is still as it was then (same version and
mtime, usn still -1) takes the package's usn; rows changed since stay -1 and travel in the next package.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import and_, bindparam, literal_column, update
from sqlmodel import Session, select

from assist_desktop.services.audit import append_event, canonical_json
from assist_desktop.services.audit_anchor import ACK_HEAD_KEY
from assist_desktop.services.base import NotFound, Refusal, actor_name, require_role, unit_of_work
from assist_desktop.storage.models import Meta, OrgUnit, SyncPackage, SyncPeer, User, utcnow
from assist_desktop.storage.sql import driver_dialect
from assist_desktop.sync.errors import SyncError
from assist_desktop.sync.export import SYNC_ROLES
from assist_desktop.sync.keys import local_unit, sign_document, unb64, upper_unit, verifying_key
from assist_desktop.sync.package import UnitRef
from assist_desktop.sync.tables import TOMBSTONE, plain_table, specs

ACK_FORMAT = "assist-desktop-sync-ack"
ACK_VERSION = 1
ACK_MAX_BYTES = 256 * 1024
CHANGED = literal_column("-1")  # usn of a row changed here (written into the statement, not bound)


def _ref(unit: OrgUnit) -> dict[str, str]:
    return {"unit_id": unit.id, "code": unit.code, "name": unit.name, "level": unit.level}


def make_ack(session: Session, package_id: str, *, request_full: bool = False) -> bytes:
    """The acknowledgement of an applied incoming package, signed by the local unit (a read: it can be
    made again at any time, for example when the first copy was lost)."""
    package = session.get(SyncPackage, package_id)
    if package is None or package.direction != "in":
        raise NotFound("找不到该已导入的同步文件。")
    local = local_unit(session)
    source = session.get(OrgUnit, package.peer_unit_id)
    peer = session.exec(select(SyncPeer).where(SyncPeer.unit_id == package.peer_unit_id)).one()
    document = {
        "format": ACK_FORMAT, "format_version": ACK_VERSION,
        "from": _ref(local), "to": _ref(source),  # type: ignore[arg-type]
        "package": {"seq": package.seq, "usn": package.usn, "full": package.full,
                    "file_sha256": package.file_sha256, "manifest_sha256": package.manifest_sha256},
        "counts": json.loads(package.counts), "rows": package.rows,
        "received_at": package.recorded_at.astimezone(UTC).isoformat(timespec="seconds")
        if package.recorded_at.tzinfo else package.recorded_at.replace(tzinfo=UTC).isoformat(timespec="seconds"),
        "last_received_seq": peer.last_received_seq,
        "request_full": bool(request_full or peer.needs_full_snapshot),
        # the head of the lower unit's audit chain this unit accepted with the package: the lower unit's
        # check finds it in its chain (services.audit_anchor)
        "audit": {"seq": package.audit_seq, "hash": package.audit_hash},
    }
    return (json.dumps(sign_document(session, local.id, document), ensure_ascii=False, indent=1) + "\n").encode()


def write_ack(session: Session, package_id: str, out: Path, *, request_full: bool = False) -> Path:
    data = make_ack(session, package_id, request_full=request_full)
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(data)
    except OSError as exc:
        raise SyncError(f"无法写入确认文件 {out}：{exc.strerror or exc}") from exc
    return Path(out)


@dataclass(frozen=True)
class AckReport:
    upper: UnitRef
    seq: int
    usn: int
    full: bool
    rows: int
    received_at: str
    request_full: bool
    status: str  # new / old / resync
    package_id: str
    last_received_seq: int = 0  # the last package from us the upper unit has
    audit_head: tuple[int, str] | None = None  # our chain's head as the upper unit accepted it

    @property
    def message(self) -> str:
        if self.status == "old":
            return f"第 {self.seq} 号同步文件已确认过，无需再导入此确认文件（数据库不变）。"
        if self.status == "resync":
            return (f"{self.upper.name}已收到本单位的第 {self.last_received_seq} 号同步文件，但本数据库没有这份文件的记录"
                    "（可能从备份恢复过）：已将同步序号接续上，下次导出将是完整数据。")
        return f"{self.upper.name}已于 {self.received_at[:10]} 导入第 {self.seq} 号同步文件（{self.rows} 条记录）。"


@dataclass(frozen=True)
class AckResult:
    report: AckReport
    marked: int  # rows and deletions marked as synced

    def summary(self) -> str:
        if self.report.status in ("old", "resync"):
            return self.report.message
        extra = "；上级单位要求下次导出完整数据" if self.report.request_full else ""
        return f"{self.report.message}已将 {self.marked} 条记录标记为已同步{extra}。"


def read_ack(session: Session, source: Path | bytes) -> AckReport:
    """Check an acknowledgement: from our upper unit, signed with its key, about a package we sent."""
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()[:ACK_MAX_BYTES + 1]
    except OSError as exc:
        raise SyncError(f"无法读取确认文件 {source}：{exc.strerror or exc}") from exc
    if len(data) > ACK_MAX_BYTES:
        raise SyncError("文件太大，不是同步确认文件。")
    try:
        doc = json.loads(data.decode("utf-8"))
        canonical_json(doc).encode("utf-8")  # a lone surrogate ("\ud800") parses but can be neither checked nor stored
    except (UnicodeError, ValueError, RecursionError):  # RecursionError: [[[[… nested past the stack
        raise SyncError("不是同步确认文件（无法读取其内容，文件可能已损坏）。") from None
    if not isinstance(doc, dict) or doc.get("format") != ACK_FORMAT:
        raise SyncError("不是同步确认文件（格式标识不符）。")
    version = doc.get("format_version")
    if not isinstance(version, int) or version > ACK_VERSION:
        raise SyncError(f"确认文件由较新版本的程序制作（格式第 {version} 版），请先升级本程序。")
    found = upper_unit(session)
    if found is None:
        raise SyncError("本单位还没有设置上级单位，不能导入确认文件。")
    peer, upper = found
    sender, receiver, package, signature = doc.get("from"), doc.get("to"), doc.get("package"), doc.get("signature")
    if not all(isinstance(x, dict) for x in (sender, receiver, package, signature)):
        raise SyncError("确认文件内容不完整。")
    local = local_unit(session)
    if sender.get("unit_id") != upper.id:  # type: ignore[union-attr]
        raise SyncError(f"确认文件来自 {sender.get('name')}（{sender.get('code')}），不是本单位的上级单位{upper.name}。")  # type: ignore[union-attr]
    if receiver.get("unit_id") != local.id:  # type: ignore[union-attr]
        raise SyncError(f"确认文件是发给 {receiver.get('name')}（{receiver.get('code')}）的，不是本单位的。")  # type: ignore[union-attr]
    key = verifying_key(session, upper, signature.get("key_id"), "确认文件")  # type: ignore[union-attr]
    body = canonical_json({k: v for k, v in doc.items() if k != "signature"}).encode()
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(unb64(signature.get("value"), "确认文件的签名"), body)  # type: ignore[union-attr]
    except InvalidSignature:
        raise SyncError("确认文件的签名无效，文件可能被改动，不能导入。") from None
    seq = package.get("seq")  # type: ignore[union-attr]
    received = doc.get("last_received_seq")
    if not isinstance(seq, int) or not isinstance(received, int):
        raise SyncError("确认文件内容不完整。")
    for number in (seq, received):  # a number SQLite cannot hold would fail the query below, not refuse
        if isinstance(number, bool) or not 0 <= number < 2**63:
            raise SyncError(f"确认文件中的同步文件序号（{number}）不正确。")
    sent = session.exec(select(SyncPackage).where(SyncPackage.direction == "out", SyncPackage.peer_unit_id == upper.id,
                                                  SyncPackage.seq == seq)).first()
    upper_ref = UnitRef(upper.id, upper.code, upper.name, upper.level)
    if sent is None or sent.manifest_sha256 != package.get("manifest_sha256") \
            or sent.file_sha256 != package.get("file_sha256"):  # type: ignore[union-attr]
        # Signed by our upper unit for this unit, about a package this database does not hold: the database
        # went back to a backup. Nothing is marked; the numbering catches up and a full snapshot follows.
        if received < peer.last_sent_seq:
            raise SyncError(f"确认文件所说的第 {seq} 号同步文件与本单位导出的不是同一个文件，不能导入。")
        return AckReport(upper_ref, seq, 0, False, 0, str(doc.get("received_at", "")), True, "resync", "",
                         received)
    status = "old" if sent.seq <= peer.last_acked_seq else "new"
    audit = doc.get("audit")
    head = None
    if audit is not None:
        if not isinstance(audit, dict) or not isinstance(audit.get("seq"), int) or isinstance(audit.get("seq"), bool) \
                or not 0 <= audit["seq"] < 2**63 or not isinstance(audit.get("hash"), str) \
                or not re.fullmatch(r"[0-9a-f]{64}", audit["hash"]):
            raise SyncError("确认文件中的审计链头格式不正确。")
        head = (audit["seq"], audit["hash"])
    return AckReport(upper_ref, sent.seq, sent.usn, sent.full, sent.rows, str(doc.get("received_at", "")),
                     bool(doc.get("request_full")), status, sent.id, received, head)


def apply_ack(session: Session, user: User | None, source: Path | bytes) -> AckResult:
    """Mark what the acknowledged package carried as synced; one transaction. An old acknowledgement
    (that package or a later one already acknowledged) changes nothing."""
    with unit_of_work(session, user, Refusal("sync_package", None, "ack")):
        if user is not None:
            require_role(session, user, *SYNC_ROLES, doing="导入同步确认文件")
        report = read_ack(session, source)
        if report.status == "old":
            return AckResult(report, 0)
        if report.status == "resync":
            peer = session.exec(select(SyncPeer).where(SyncPeer.unit_id == report.upper.unit_id)).one()
            peer.last_sent_seq = max(peer.last_sent_seq, report.last_received_seq)
            peer.needs_full_snapshot = True
            session.add(peer)
            append_event(session, actor_id=user.id if user else None, actor_name=actor_name(user),
                         entity_type="sync_package", entity_id=None, action="resync",
                         changes={"upper": report.upper.code, "last_received_seq": report.last_received_seq})
            return AckResult(report, 0)
        package = session.get(SyncPackage, report.package_id)
        assert package is not None
        carried: dict[str, list[Any]] = json.loads(zlib.decompress(package.carried)) if package.carried else {}
        conn = session.connection()
        marked = 0
        for name, rows in carried.items():
            if name not in specs():
                continue
            if name == TOMBSTONE:
                table = plain_table(name, ("id", "usn", "mtime"))
                stmt = (update(table).where(and_(table.c.id == bindparam("k_id"), table.c.usn == CHANGED,
                                                 table.c.mtime == bindparam("k_mtime"))).values(usn=bindparam("k_usn")))
            else:
                table = plain_table(name, ("id", "usn", "mtime", "version"))
                stmt = (update(table).where(and_(table.c.id == bindparam("k_id"), table.c.usn == CHANGED,
                                                 table.c.version == bindparam("k_version"),
                                                 table.c.mtime == bindparam("k_mtime"))).values(usn=bindparam("k_usn")))
            # compiled once, the dicts handed to the driver as they are (as sync.importer writes rows)
            sql = str(stmt.compile(dialect=driver_dialect(conn.dialect.name, positional=False)))
            params = [{"k_id": i, "k_version": v, "k_mtime": t, "k_usn": package.usn} for i, v, t in rows]
            for start in range(0, len(params), 5000):
                result = conn.exec_driver_sql(sql, params[start:start + 5000])
                marked += result.rowcount if result.rowcount and result.rowcount > 0 else 0
        now = utcnow()
        package.status, package.acked_at, package.carried = "acked", now, None
        session.add(package)
        for older in session.exec(select(SyncPackage).where(
                SyncPackage.direction == "out", SyncPackage.peer_unit_id == package.peer_unit_id,
                SyncPackage.seq < package.seq, SyncPackage.status == "sent")):
            older.status, older.carried = "superseded", None  # its rows went again in the acknowledged one
            session.add(older)
        if report.audit_head is not None:  # an anchor for check: the upper unit's word on our chain's head
            seq, digest = report.audit_head
            anchor = session.get(Meta, ACK_HEAD_KEY) or Meta(key=ACK_HEAD_KEY, value="")
            anchor.value = canonical_json({"seq": seq, "hash": digest, "upper": report.upper.name,
                                           "package_seq": package.seq, "received_at": report.received_at})
            session.add(anchor)
        peer = session.exec(select(SyncPeer).where(SyncPeer.unit_id == package.peer_unit_id)).one()
        peer.last_acked_seq, peer.last_acked_usn = package.seq, package.usn
        peer.needs_full_snapshot = report.request_full
        peer.updated_at = now
        session.add(peer)
        append_event(session, actor_id=user.id if user else None, actor_name=actor_name(user),
                     entity_type="sync_package", entity_id=package.id, action="acknowledged",
                     changes={"upper": report.upper.code, "seq": package.seq, "usn": package.usn, "marked": marked,
                              "request_full": report.request_full})
    return AckResult(report, marked)

