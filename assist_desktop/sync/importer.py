"""Taking in a lower unit's package: check everything first, then apply it in one transaction.

``inspect_package`` reads the file and writes nothing. It refuses, naming the problem, a file that is not a
package, was made by a newer program, is for another unit, comes from a unit not enrolled here or is signed
with an unknown or revoked key, fails decryption anywhere (a flipped bit, a cut), holds a hostile zip, has a
bad signature or a manifest whose members do not match, would leave a gap in the sequence, or whose audit
chain heads do not follow on from what the units reported before. What remains is the verification report
the page shows before the caseworker applies it. A package already imported (or overtaken by a later one)
is reported as such and applying it changes nothing.

``apply_package`` writes the rows, table by table with Core upserts of lists of dicts (a row stays its
county's: it is never applied over a record another unit owns), applies the deletions, and for a full
snapshot removes what the snapshot no longer holds; then records the package. Any problem on the way —
a value of the wrong type, a count that does not match the manifest, a reference to a missing record —
rolls the whole transaction back.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import bindparam, delete, event, or_, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from assist_desktop.services.audit import append_event
from assist_desktop.services import tally as stat_tally
from assist_desktop.services.base import Refusal, actor_name, require_role, unit_of_work
from assist_desktop.domain.names import pinyin_sort_key
from assist_desktop.storage import deferred_keys, derived, sort_keys
from assist_desktop.storage.engine import bulk_cache
from assist_desktop.storage.sql import driver_dialect, insert_for, json_values
from assist_desktop.storage.travel import bool_columns
from assist_desktop.storage.models import OrgUnit, SyncPackage, SyncPeer, SyncUnitHead, User, new_id, now_ms, utcnow
from assist_desktop.storage.schema import known_revisions
from assist_desktop.sync import crypto
from assist_desktop.sync.errors import SyncCancelled, SyncError, temp_folder_error
from assist_desktop.sync.export import SYNC_ROLES
from assist_desktop.sync.keys import LOWER, local_unit, own_decryption_key, unb64, verifying_key
from assist_desktop.sync.package import (
    FORMAT, FORMAT_VERSION, MANIFEST, MAX_ANCHORS, SIGNATURE, AuditHead, Manifest, PackageReader, UnitEntry, UnitRef,
    parse_manifest,
)
from assist_desktop.sync.tables import TABLE_LABELS, TOMBSTONE, TableSpec, check_columns, check_rows, plain_table, specs
from assist_desktop.sync.trust import RowGuard, Trust, check_package_units, record_statement

CHUNK = 2000
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
NEW, REPEAT, SUPERSEDED = "new", "repeat", "superseded"


@dataclass(frozen=True)
class UnitCheck:
    """A unit whose records the package carries: the head of its audit chain now and when last received."""

    unit: UnitRef
    audit: AuditHead
    previous: AuditHead | None
    via_source: bool  # a unit below the sending unit (a county in a city's package)


@dataclass(frozen=True)
class PackageReport:
    """What was verified, for the page to show before anything is applied."""

    path: Path
    file_bytes: int
    file_sha256: str
    manifest: Manifest
    manifest_sha256: str
    status: str  # new / repeat / superseded
    last_received_seq: int
    sign_key_id: str
    sign_key_retired: bool
    units: tuple[UnitCheck, ...]
    trust: Trust | None = None  # what the package may carry (None for a repeat)
    audit_breaks: tuple[str, ...] = ()  # the source's chain does not extend what was accepted: taken knowingly

    @property
    def source(self) -> UnitRef:
        return self.manifest.source

    @property
    def counts(self) -> dict[str, int]:
        return self.manifest.counts

    @property
    def rows(self) -> int:
        return self.manifest.rows

    @property
    def message(self) -> str:
        m = self.manifest
        if self.status == REPEAT:
            return f"第 {m.seq} 号同步文件已经导入过，不会重复导入（数据库不变）。"
        if self.status == SUPERSEDED:
            return (f"第 {m.seq} 号同步文件早于已导入的第 {self.last_received_seq} 号，其内容已包含在后者中，"
                    "不会再导入（数据库不变）。")
        kind = f"完整数据（{m.full_reason or '完整同步'}）" if m.full else "增量数据"
        return f"可以导入：来自{m.source.label}的第 {m.seq} 号同步文件，{kind}，共 {m.rows} 条记录。"

    def lines(self) -> list[str]:
        m = self.manifest
        out = [f"同步文件：{self.path.name}（{self.file_bytes / 2**20:.1f} MB）",
               f"发出单位：{m.source.label}；接收单位：{m.target.label}",
               f"序号：第 {m.seq} 号（本单位此前最后导入第 {self.last_received_seq} 号）；"
               f"{'完整数据' if m.full else '增量数据'}；制作于 {_local_time(m.made_at)}",
               f"签名：有效（密钥 {self.sign_key_id}{'，已更换的旧密钥' if self.sign_key_retired else ''}）；"
               "各文件校验值：一致",
               "审计链：" + "；".join(f"{u.unit.name} 第 {u.audit.seq} 条"
                                    + (f"（上次第 {u.previous.seq} 条）" if u.previous else "（首次）") for u in self.units)]
        for note in self.audit_breaks:
            out.append(f"审计链断裂（已确认接受）：{note.split('不能导入')[0]}")
        if m.members:
            out.append("记录：" + "，".join(f"{TABLE_LABELS.get(t, t)} {n}" for t, n in m.counts.items()))
        out.append(self.message)
        return out


@dataclass(frozen=True)
class ImportResult:
    status: str  # applied / repeat / superseded
    package_id: str | None
    report: PackageReport
    written: dict[str, int] = field(default_factory=dict)  # rows inserted or changed, by table
    deleted: int = 0

    def summary(self) -> str:
        if self.status != "applied":
            return self.report.message
        m = self.report.manifest
        changed = sum(self.written.values())
        return (f"已导入{m.source.label}的第 {m.seq} 号同步文件：{m.rows} 条记录，其中新增或更新 {changed} 条"
                + (f"，删除 {self.deleted} 条" if self.deleted else "") + "。")


class PreparedImport:
    """A verified package, decrypted into a temporary file that is deleted on ``close``."""

    def __init__(self, report: PackageReport, plain: IO[bytes], reader: PackageReader) -> None:
        self.report, self._plain, self.reader = report, plain, reader

    def close(self) -> None:
        self.reader.close()
        self._plain.close()

    def __enter__(self) -> "PreparedImport":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _HashingReader:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.sha = stream, hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.stream.read(n)
        self.sha.update(data)
        return data


class _TempWriter:
    """The decrypted package's temporary file; a full or unwritable temporary folder is a message."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file

    def write(self, data: bytes) -> int:
        try:
            return self.file.write(data)
        except OSError as exc:
            raise temp_folder_error(exc) from None


# --- checking ---------------------------------------------------------------------------------------


def _header_unit(value: Any, what: str) -> dict[str, str]:
    if not isinstance(value, dict) or not isinstance(value.get("unit_id"), str) or not isinstance(value.get("code"), str):
        raise SyncError(f"同步文件的文件头缺少{what}，文件已损坏。")
    return value


def inspect_package(session: Session, path: Path, *, cancelled: Cancelled | None = None,
                    accept_audit_break: bool = False) -> PreparedImport:
    """Decrypt and verify a package without writing anything; the caller closes what it returns.

    ``accept_audit_break``: the source's audit chain no longer extends the head accepted from it last (its
    database went back to a backup), and the caseworker, having checked with its office, takes it anyway; the
    break is shown in the report and written to the import's audit event."""
    path = Path(path)
    try:
        size = path.stat().st_size
        stream = path.open("rb")
    except OSError as exc:
        raise SyncError(f"无法读取同步文件 {path}：{exc.strerror or exc}") from exc
    try:
        plain = tempfile.TemporaryFile()
    except OSError as exc:
        stream.close()
        raise temp_folder_error(exc) from None
    reader = None
    try:
        with stream:
            hashing = _HashingReader(stream)
            envelope = crypto.read_envelope(hashing)  # type: ignore[arg-type]
            source, sign_key, private = _check_header(session, envelope.header)
            crypto.open_sealed(hashing, envelope, private, _TempWriter(plain), limit=size,  # type: ignore[arg-type]
                               cancelled=cancelled)
            while hashing.read(1 << 20):
                pass  # pragma: no cover - open_sealed reads to the end
        plain.seek(0)
        reader = PackageReader.open(plain)
        manifest_bytes = reader.read_small(MANIFEST)
        _check_signature(reader.read_small(SIGNATURE), manifest_bytes, sign_key.key_id, sign_key.public_key)
        manifest = parse_manifest(manifest_bytes)
        report = _check_manifest(session, envelope.header, manifest, source, sign_key, path, size,
                                 hashing.sha.hexdigest(), hashlib.sha256(manifest_bytes).hexdigest(),
                                 accept_audit_break)
        if report.status == NEW:
            reader.check_members(manifest)
        return PreparedImport(report, plain, reader)
    except BaseException:
        if reader is not None:
            reader.close()
        plain.close()
        raise


def _check_header(session: Session, header: dict[str, Any]) -> tuple[OrgUnit, Any, Any]:
    if header.get("format") != FORMAT or header.get("kind") != "package":
        raise SyncError("这不是同步文件（文件头的格式标识不符），或文件已损坏。")
    version = header.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SyncError("同步文件的文件头已损坏（没有格式版本）。")
    if version > FORMAT_VERSION:
        raise SyncError(f"此同步文件由较新版本的程序制作（格式第 {version} 版，本程序只能读第 {FORMAT_VERSION} 版），"
                        "请先升级本程序再导入。")
    local = local_unit(session)
    target, source_doc = _header_unit(header.get("target"), "接收单位"), _header_unit(header.get("source"), "发出单位")
    if target["unit_id"] != local.id:
        raise SyncError(f"此同步文件是发给单位 {target['code']} 的，不是发给本单位（{local.name}，{local.code}）的，"
                        "不能导入。")
    source = session.get(OrgUnit, source_doc["unit_id"])
    peer = session.exec(select(SyncPeer).where(SyncPeer.unit_id == source_doc["unit_id"])).first()
    if source is None or peer is None or peer.relation != LOWER:
        raise SyncError(f"此同步文件来自未登记的单位（代码 {source_doc['code']}）。请先导入该单位的公钥文件，"
                        "核对指纹后登记为下级单位（“同步”页的“单位”，或终端 assist-desktop unit enrol）。")
    sign_key = verifying_key(session, source, header.get("sign_key_id"), "此同步文件")
    key_id = header.get("recipient_key_id")
    private = own_decryption_key(session, local.id, key_id) if isinstance(key_id, str) else None
    if private is None:
        raise SyncError(f"此同步文件是用本单位没有的加密密钥（编号 {key_id}）加密的，无法解密。"
                        "对方可能用了本单位旧数据库的公钥文件，请把本单位现在的公钥文件交给对方重新登记。")
    return source, sign_key, private


def _check_signature(signature: bytes, manifest: bytes, key_id: str, public: bytes) -> None:
    try:
        doc = json.loads(signature.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: [[[[… nested past the stack
        raise SyncError("同步文件的签名（signature.json）无法读取，文件已损坏。") from None
    if not isinstance(doc, dict) or doc.get("algorithm") != "ed25519" or doc.get("key_id") != key_id:
        raise SyncError("同步文件的签名与文件头注明的签名密钥不符，文件可能被篡改。")
    value = unb64(doc.get("signature"), "同步文件的签名")
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(value, manifest)
    except InvalidSignature:
        raise SyncError("同步文件的签名无效：清单被改动，或不是由发出单位签名的，不能导入。") from None


def _check_manifest(session: Session, header: dict[str, Any], m: Manifest, source: OrgUnit, sign_key: Any,
                    path: Path, size: int, file_sha: str, manifest_sha: str,
                    accept_audit_break: bool = False) -> PackageReport:
    local = local_unit(session)
    if m.source.unit_id != source.id or m.target.unit_id != local.id or m.sign_key_id != sign_key.key_id \
            or m.seq != header.get("seq") or m.format_version != header.get("format_version"):
        raise SyncError("同步文件的清单与文件头不一致，文件可能被篡改。")
    if m.schema_revision not in known_revisions():
        raise SyncError(f"此同步文件由较新版本的程序导出（数据结构第 {m.schema_revision} 版），本程序不认识，"
                        "请先升级本程序再导入。")
    peer = session.exec(select(SyncPeer).where(SyncPeer.unit_id == source.id)).one()
    received = peer.last_received_seq
    status = NEW
    if m.seq <= received:
        done = session.exec(select(SyncPackage).where(SyncPackage.direction == "in", SyncPackage.peer_unit_id == source.id,
                                                      SyncPackage.seq == m.seq)).first()
        if m.seq == received or done is not None:
            if done is not None and done.manifest_sha256 != manifest_sha:
                raise SyncError(f"已导入过{source.name}的第 {m.seq} 号同步文件，但这个文件的内容与之不同"
                                "（对方的数据库可能从备份恢复过）。请对方导出完整同步文件（--full）后再导入。")
            status = REPEAT
        else:
            status = SUPERSEDED
    elif not m.full and m.base_seq > received:
        missing = received + 1
        more = f"至第 {m.base_seq} 号" if m.base_seq > missing else ""
        raise SyncError(f"缺少{source.name}的第 {missing} 号{more}同步文件：本单位最后导入的是第 {received} 号，"
                        f"而第 {m.seq} 号需要在第 {m.base_seq} 号之后导入。请先导入第 {missing} 号，"
                        "或请对方导出完整同步文件（--full）。")
    units, trust, breaks = ((), None, ()) if status != NEW else _check_units(session, m, source, local,
                                                                               accept_audit_break)
    return PackageReport(path, size, file_sha, m, manifest_sha, status, received, sign_key.key_id,
                         sign_key.retired_at is not None, units, trust, breaks)


class AuditBreak(SyncError):
    """A unit's audit chain does not extend the head last accepted from it. ``problem`` says what (naming the
    unit and the entries), the message adds how such a package may still be taken (the terminal's way);
    ``acceptable``: the source's own chain, which an administrator or approver may take knowingly (a lower
    unit's, carried by the source, never)."""

    def __init__(self, problem: str, *, unit: UnitRef | None = None, accepted_seq: int | None = None,
                 package_seq: int | None = None, acceptable: bool = False, said: str | None = None) -> None:
        super().__init__(said or problem + BREAK_HINT)
        self.problem, self.unit, self.accepted_seq, self.package_seq = problem, unit, accepted_seq, package_seq
        self.acceptable = acceptable

    def with_unit(self, unit: UnitRef, accepted_seq: int | None, package_seq: int, acceptable: bool) -> AuditBreak:
        self.unit, self.accepted_seq, self.package_seq, self.acceptable = unit, accepted_seq, package_seq, acceptable
        if not acceptable:  # a lower unit's chain: no way to take it, so no word of one
            self.message = self.problem
            self.args = (self.problem,)
        return self


RECORDED = "本次拒绝导入已记入审计日志。"


def record_audit_break(session: Session, user: User | None, path: Path | str, exc: AuditBreak) -> AuditBreak:
    """Write the refusal of a package whose audit chain breaks to this unit's audit log — who tried, the file,
    the unit and the entry numbers — in a transaction of its own; return the refusal as the caseworker reads
    it (saying it was recorded). The receiver's data is untouched: only the audit log grows."""
    if session.in_transaction():
        session.rollback()  # the read snapshot of the check: the record is a write of its own
    unit = exc.unit
    with unit_of_work(session, user):
        append_event(session, actor_id=user.id if user else None, actor_name=actor_name(user),
                     entity_type="sync_package", entity_id=None, action="refused:import",
                     changes={"reason": exc.problem, "file": Path(path).name,
                              **({"unit": unit.code, "unit_name": unit.name} if unit is not None else {}),
                              "accepted_seq": exc.accepted_seq, "package_seq": exc.package_seq})
    return AuditBreak(exc.problem, unit=unit, accepted_seq=exc.accepted_seq, package_seq=exc.package_seq,
                      acceptable=exc.acceptable, said=f"{exc.message}{RECORDED}")


def inspect_or_refuse(session: Session, user: User | None, path: Path | str, **options: Any) -> PreparedImport:
    """``inspect_package`` for an import: a package refused because a unit's audit chain breaks is refused
    in the audit log too (the window's 同步 page, the terminal's ``sync import``)."""
    try:
        return inspect_package(session, Path(path), **options)
    except AuditBreak as exc:
        raise record_audit_break(session, user, path, exc) from exc


def _check_units(session: Session, m: Manifest, source: OrgUnit, local: OrgUnit, accept_audit_break: bool = False
                 ) -> tuple[tuple[UnitCheck, ...], Trust, tuple[str, ...]]:
    """Each unit of the package may reach us only through this source, as enrolled (``sync.trust``), and its
    audit chain only grows."""
    ids = [u.unit.unit_id for u in m.units]
    if len(set(ids)) != len(ids) or m.units[0].unit.unit_id != source.id:
        raise SyncError("同步文件的清单中单位列表不正确。")
    peers = {p.unit_id: p for p in session.exec(select(SyncPeer))}
    for entry in m.units:
        unit = entry.unit
        if unit.unit_id == local.id:
            raise SyncError(f"同步文件中含有本单位（{local.name}）自己的记录，下级单位不能修改本单位的数据，已拒绝。")
        if unit.unit_id == source.id:
            continue
        if unit.unit_id in peers:
            raise SyncError(f"同步文件中含有{unit.name}的记录，但该单位直接向本单位报送，"
                            f"不应经由{source.name}转来，已拒绝。")
        known = session.get(SyncUnitHead, unit.unit_id)
        if known is not None and known.via_unit_id != source.id:
            via = session.get(OrgUnit, known.via_unit_id)
            raise SyncError(f"同步文件中含有{unit.name}的记录，但该单位的数据一向经由"
                            f"{via.name if via else known.via_unit_id}报送，不能由{source.name}转来，已拒绝。")
    trust = check_package_units(session, m, source, local)
    out, breaks = [], []
    for entry in m.units:
        below = entry.unit.unit_id != source.id
        known = session.get(SyncUnitHead, entry.unit.unit_id)
        previous = AuditHead(known.audit_seq, known.audit_hash) if known else None
        try:
            _check_audit(session, entry, previous, source, below)
        except AuditBreak as exc:
            exc.with_unit(entry.unit, previous.seq if previous else None, entry.audit.seq, acceptable=not below)
            if below or not accept_audit_break:
                raise
            breaks.append(exc.message)
        out.append(UnitCheck(entry.unit, entry.audit, previous, below))
    return tuple(out), trust, tuple(breaks)


BREAK_HINT = ("如确因对方恢复备份，经与对方核实后，可由管理员或审批人确认接受（终端：sync import 加 "
              "--accept-audit-break），此事记入本单位审计日志。")


def _check_audit(session: Session, entry: UnitEntry, previous: AuditHead | None, source: OrgUnit, below: bool) -> None:
    """The chain must extend the head last accepted from that unit: not shorter, the same hash at the same
    number, and — for the source, whose package says what its chain holds now at the heads it sent — that
    head still in it."""
    name = entry.unit.name
    if previous is not None and previous.seq > 0:
        if entry.audit.seq < previous.seq:
            raise AuditBreak(f"{name}的审计记录比上次报送时少：现在只到第 {entry.audit.seq} 条，而本单位上次接受的已到"
                            f"第 {previous.seq} 条（第 {entry.audit.seq + 1}–{previous.seq} 条不在了）。其数据库可能从备份"
                            "恢复过或审计记录被删改，不能导入。请与对方核实。")
        if entry.audit.seq == previous.seq and entry.audit.hash != previous.hash:
            raise AuditBreak(f"{name}的审计链第 {previous.seq} 条与上次报送的不一致，审计记录可能被改动过，不能导入。")
        if not below and entry.audit.seq > previous.seq and entry.anchors:
            now = {a.seq: a.hash for a in entry.anchors}
            complete = len(entry.anchors) < MAX_ANCHORS or previous.seq >= min(now)  # else too old to be listed
            if previous.seq not in now and complete:
                raise AuditBreak(f"{name}的审计链已到第 {entry.audit.seq} 条，但其中找不到本单位上次接受的第 "
                                f"{previous.seq} 条：对方的数据库可能从备份恢复过，或审计记录被截断后又继续记录，"
                                "不能导入。请与对方核实。")
            if previous.seq in now and now[previous.seq] != previous.hash:
                raise AuditBreak(f"{name}的审计链第 {previous.seq} 条与本单位上次接受的不一致（审计记录自第 "
                                f"{previous.seq} 条或更早被改写），不能导入。请与对方核实。")
    if not below and entry.anchor is not None:
        sent = session.exec(select(SyncPackage.audit_hash).where(
            SyncPackage.direction == "in", SyncPackage.peer_unit_id == source.id,
            SyncPackage.audit_seq == entry.anchor.seq)).first()
        if sent is not None and sent != entry.anchor.hash:
            raise AuditBreak(f"{name}的审计链第 {entry.anchor.seq} 条与当初报送时不一致，审计记录可能被改动过，不能导入。")


# --- applying ----------------------------------------------------------------------------------------


class _Tally:
    def __init__(self, total: int, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.total, self.done, self.progress, self.cancelled = total, 0, progress, cancelled

    def step(self, n: int) -> None:
        self.done += n
        if self.cancelled is not None and self.cancelled():
            raise SyncCancelled("已取消导入，数据库未改动。")
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


def apply_package(session: Session, user: User | None, prepared: PreparedImport, *,
                  progress: Progress | None = None, cancelled: Cancelled | None = None) -> ImportResult:
    """Apply a verified package in one transaction; a repeat changes nothing. ``user`` None: the terminal."""
    report = prepared.report
    m = report.manifest
    with unit_of_work(session, user, Refusal("sync_package", None, "import")):
        if user is not None:
            require_role(session, user, *SYNC_ROLES, doing="导入同步文件")
        peer = session.exec(select(SyncPeer).where(SyncPeer.unit_id == m.source.unit_id)).one()
        if report.status != NEW or m.seq <= peer.last_received_seq:
            done = session.exec(select(SyncPackage.id).where(
                SyncPackage.direction == "in", SyncPackage.peer_unit_id == m.source.unit_id,
                SyncPackage.seq == m.seq)).first()
            status = report.status if report.status != NEW else REPEAT
            return ImportResult(status, done, report)
        conn = session.connection()
        with bulk_cache(conn):
            assert report.trust is not None
            applier = _Applier(session, prepared.reader, m, _Tally(m.rows, progress, cancelled), report.trust)
            if derived.name_pieces_kept(conn):  # the server's statement triggers cut the pieces per chunk
                applier.apply()
                applier.retally.finish()
            else:
                # name_gram is rebuilt once for the files touched instead of row by row by its triggers (the
                # triggers cost two thirds of a county's import); dropped and made again in this transaction.
                derived.drop_triggers(conn)
                applier.apply()
                applier.regram()
                applier.retally.finish()
                derived.create_triggers(conn)
            package_id = _record(session, user, report, applier)
            record_statement(session, report.trust, package_id)
    return ImportResult("applied", package_id, report, applier.written, applier.deleted)


def import_package(session: Session, user: User | None, path: Path, *, progress: Progress | None = None,
                   cancelled: Cancelled | None = None, accept_audit_break: bool = False) -> ImportResult:
    """``inspect_package`` (an audit chain's break recorded) then ``apply_package``."""
    with inspect_or_refuse(session, user, path, cancelled=cancelled, accept_audit_break=accept_audit_break) as prepared:
        return apply_package(session, user, prepared, progress=progress, cancelled=cancelled)


def _json_rows(lines: list[bytes], spec: TableSpec, first_line: int) -> list[Any]:
    """A chunk of lines parsed at once by orjson (a third of the time of the json module, P5). It is also
    stricter: a lone surrogate, NaN or an integer past 64 bits is refused here rather than deeper down."""
    try:
        return orjson.loads(b"[" + b",".join(lines) + b"]")
    except (ValueError, UnicodeDecodeError, RecursionError):  # orjson.JSONDecodeError is a ValueError
        for n, line in enumerate(lines):
            try:
                orjson.loads(line)
            except (ValueError, UnicodeDecodeError, RecursionError):
                raise SyncError(f"同步文件中“{spec.label}”第 {first_line + n} 行无法读取，文件已损坏。") from None
        raise SyncError(f"同步文件中“{spec.label}”无法读取，文件已损坏。") from None


class _Applier:
    def __init__(self, session: Session, reader: PackageReader, manifest: Manifest, tally: _Tally, trust: Trust) -> None:
        self.session, self.reader, self.m, self.tally = session, reader, manifest, tally
        self.trust, self.guard = trust, RowGuard(session, trust)
        self.conn = session.connection()
        self.dialect = self.conn.dialect.name
        self.owners = frozenset(u.unit.unit_id for u in manifest.units)
        self.written: dict[str, int] = {}
        self.deleted = 0
        self.file_ids: set[str] = set()  # files whose name pieces change
        self.new_files: set[str] = set()  # … of which these were not here before (no pieces to remove)
        self.file_rowids: set[int] = set()
        self.stale_rowids: set[int] = set()  # deleted or changed files: their pieces are removed
        self.tables = {e.table for e in manifest.members}
        self.held_counts: dict[str, int] = {}
        self.retally = stat_tally.Retally(self.conn)  # 统计's summary table, counted again for what changes
        self.copy: _CopyStream | None = None  # PostgreSQL: the COPY being fed (see _CopyStream)
        self.refs: deferred_keys.Refs | None = None  # PostgreSQL in replica mode: what the rows' keys name

    # reading a table's file
    def _chunks(self, name: str) -> Iterator[tuple[list[str], list[Any], int]]:
        spec = specs()[name]
        lines = self.reader.lines(name)
        try:
            header = json.loads(next(lines))
        except (StopIteration, ValueError, UnicodeDecodeError, RecursionError):
            raise SyncError(f"同步文件中“{spec.label}”的列名行无法读取，文件已损坏。") from None
        if not isinstance(header, dict) or header.get("table") != name:
            raise SyncError(f"同步文件中“{spec.label}”的列名行不正确。")
        columns = check_columns(spec, header.get("columns"))
        batch: list[bytes] = []
        line_no, first = 1, 2
        expected = self.m.counts[name]
        count = 0
        for line in lines:
            line_no += 1
            if not line.strip():
                continue
            batch.append(line)
            if len(batch) >= CHUNK:
                rows = _json_rows(batch, spec, first)
                check_rows(spec, columns, rows, first)
                count += len(rows)
                yield columns, rows, first
                batch, first = [], line_no + 1
        if batch:
            rows = _json_rows(batch, spec, first)
            check_rows(spec, columns, rows, first)
            count += len(rows)
            yield columns, rows, first
        if count != expected:
            raise SyncError(f"同步文件中“{spec.label}”有 {count} 行，与清单所列的 {expected} 行不符，文件不完整或被改动。")

    def _all_chunks(self) -> Iterator[tuple[str, list[str], list[Any], int]]:
        """Every table's rows in the order they are applied (parents before children), tombstones aside."""
        for name in specs():
            if name == TOMBSTONE or name not in self.tables:
                continue
            if name == "org_unit":  # few rows, ordered as a whole: a unit's parent may come later in the file
                read = list(self._chunks(name))
                if read:
                    yield name, read[0][0], _parents_first(read[0][0], [r for c in read for r in c[1]]), 2
                continue
            for columns, rows, first in self._chunks(name):
                yield name, columns, rows, first

    def _owned(self, spec: TableSpec, columns: list[str], rows: list[Any], first: int) -> None:
        i = columns.index("owner_unit_id")
        strangers = set(r[i] for r in rows) - self.owners
        if strangers:
            n = next(k for k, r in enumerate(rows) if r[i] in strangers)
            raise SyncError(f"同步文件中“{spec.label}”第 {first + n} 行属于清单之外的单位"
                            f"（{self.trust.owner_label(rows[n][i], self.session)}），已拒绝。")
        self.guard.owners(spec.label, columns, rows, first)
        if spec.name == "org_unit":
            self.guard.units(spec.label, columns, rows, first)
        else:
            self.guard.references(spec.name, spec.label, columns, rows, first)

    def _held(self) -> dict[str, int]:
        """Rows held here of the package's units, by table (none at all the first time)."""
        owners = json.dumps(sorted(self.owners))
        return {name: self.conn.execute(text(f'SELECT count(*) FROM "{name}" WHERE owner_unit_id IN '
                                             + json_values(self.dialect, "o")), {"o": owners}).scalar_one()
                for name in specs() if name != TOMBSTONE}

    def _snapshot_ids(self, tables: set[str]) -> dict[str, set[str]]:
        """The ids of every row a full snapshot holds, read ahead: what it lacks is removed before its rows
        go in, or a record the unit renumbered (a county back from a backup) would collide with the old
        one's file number. A cheap pass: ids are cut from the line, not parsed (the main pass checks all)."""
        out: dict[str, set[str]] = {}
        for name in tables & self.tables:
            spec = specs()[name]
            lines = self.reader.lines(name)
            number = 1
            try:
                columns = json.loads(next(lines))["columns"]
                at = columns.index("id")
                ids = set()
                for number, line in enumerate(lines, start=2):
                    if not line.strip():
                        continue
                    if at == 0 and line[:2] == b'["' and line[38:40] == b'",':
                        ids.add(line[2:38].decode("ascii"))
                    else:
                        ids.add(str(json.loads(line)[at]))
            except (StopIteration, ValueError, UnicodeDecodeError, RecursionError, KeyError, TypeError, IndexError,
                    AttributeError):
                raise SyncError(f"同步文件中“{spec.label}”第 {number} 行无法读取，文件已损坏。") from None
            out[name] = ids
        return out

    def apply(self) -> None:
        self.held_counts = self._held()
        if self.m.full:
            held = {name for name, count in self.held_counts.items() if count}
            self._remove_missing(self._snapshot_ids(held), held)
        if self.dialect == "postgresql":
            self.copy = _CopyStream(self.conn)
            if deferred_keys.available(self.conn):  # the keys checked once a key after the rows are in (P5)
                self.refs = deferred_keys.Refs(self.conn, [n for n in specs() if n in self.tables and n != TOMBSTONE])
                deferred_keys.switch_off(self.conn)
        try:
            for name, columns, rows, first in self._all_chunks():
                spec = specs()[name]
                self._owned(spec, columns, rows, first)
                self._upsert(spec, columns, rows)
                self.tally.step(len(rows))
            if self.copy is not None:
                self.copy.close()
            if self.refs is not None:
                missing = deferred_keys.check(self.conn, self.refs)
                if missing is not None:
                    raise _missing_reference(specs()[missing.key.table])
            if TOMBSTONE in self.tables:
                self._tombstones()
        except BaseException as exc:
            if self.copy is not None:
                self.copy.abort(exc)
            raise
        finally:
            if self.copy is not None:
                self.copy.detach()
                self.copy = None

    def _upsert(self, spec: TableSpec, columns: list[str], rows: list[Any]) -> None:
        i_usn, i_id = columns.index("usn"), columns.index("id")
        for r in rows:
            r[i_usn] = -1  # changed here, as far as our own upper unit is concerned: passed on upward
        kinds = [spec.column(c).kind for c in columns]
        hexes = [i for i, k in enumerate(kinds) if k == "hex"]
        for r in rows:
            for i in hexes:
                if r[i] is not None:
                    r[i] = bytes.fromhex(r[i])
        bools = bool_columns(self.dialect, kinds)
        for r in rows:
            for i in bools:
                if r[i] is not None:
                    r[i] = bool(r[i])
        pair = sort_keys.SORT_KEYS.get(spec.name)
        if pair is not None and pair[0] in columns:  # the name's pinyin sort key, computed here (storage.sort_keys)
            i_name = columns.index(pair[0])
            columns = [*columns, pair[1]]
            for r in rows:
                r.append(pinyin_sort_key(r[i_name]))
        ids = [r[i_id] for r in rows]
        if spec.name == "hardship_file":
            self.file_ids.update(ids)
        elif spec.name == "member":
            i_file = columns.index("file_id")
            self.file_ids.update(r[i_file] for r in rows)
            if self.held_counts.get("member"):  # (none held: none moved, and an id another unit holds fails anyway)
                self._note_member_files(ids)  # a member moved to another file leaves its old file's pieces
        # New rows go in with a plain INSERT; only rows already held take the upsert (in SQLite an upsert
        # costs two to three times an insert with foreign keys on: most of a first import's time).
        # A table where these units hold nothing yet (a first import) needs no look: an id held by another
        # unit would fail the primary key and refuse the file all the same.
        held = {r[0]: r[1] for r in self.conn.execute(text(
            f'SELECT id, owner_unit_id FROM "{spec.name}" WHERE id IN ' + json_values(self.dialect, "ids")),
            {"ids": json.dumps(ids)})} if self.held_counts.get(spec.name) else {}
        i_owner = columns.index("owner_unit_id")
        for r in rows:
            if r[i_id] in held and held[r[i_id]] != r[i_owner]:
                raise SyncError(f"同步文件中的一条“{spec.label}”记录（编号 {r[i_id]}）与本数据库中属于其他单位的记录"
                                "编号相同，不能导入。")
        if self.refs is not None:
            self.refs.note(spec.name, columns, rows)
        fresh = [tuple(r) for r in rows if r[i_id] not in held]
        if spec.name == "hardship_file":
            self.new_files.update(r[i_id] for r in fresh)
        known = [tuple(r) for r in rows if r[i_id] in held]
        if spec.name in stat_tally.WATCHED_TABLES:
            self.retally.before(spec.name, [r[i_id] for r in known])
            self.retally.added(spec.name, [r[i_id] for r in fresh])
        written = 0
        try:
            if fresh:
                if self.copy is not None:  # PostgreSQL: one COPY a table, fed as the file is read
                    self.copy.write(spec, columns, fresh)
                else:
                    self.conn.exec_driver_sql(_statement(self.dialect, spec.name, tuple(columns), upsert=False), fresh)
                written += len(fresh)
            if known:
                result = self.conn.exec_driver_sql(_statement(self.dialect, spec.name, tuple(columns), upsert=True),
                                                   known)
                written += max(result.rowcount or 0, 0)
        except IntegrityError as exc:
            raise _integrity(spec, exc) from None
        self.written[spec.name] = self.written.get(spec.name, 0) + written

    def _note_member_files(self, member_ids: list[str]) -> None:
        found = self.conn.execute(text("SELECT file_id FROM member WHERE id IN " + json_values(self.dialect, "ids")),
                                  {"ids": json.dumps(member_ids)})
        self.file_ids.update(r[0] for r in found)

    def _delete(self, name: str, ids: list[str]) -> int:
        """Delete rows of the package's units by id; notes the files whose name pieces change."""
        if not ids:
            return 0
        spec = specs()[name]
        param = json.dumps(ids)
        owners = sorted(self.owners)
        if name == "hardship_file" and self.dialect == "sqlite":  # (the server's triggers remove the pieces)
            self.stale_rowids.update(r[0] for r in self.conn.execute(text(
                "SELECT rowid FROM hardship_file WHERE id IN " + json_values(self.dialect, "ids")), {"ids": param}))
        elif name == "member":
            self._note_member_files(ids)
        if name in stat_tally.WATCHED_TABLES:
            self.retally.before(name, ids)
        table = plain_table(name, ("id", "owner_unit_id"))
        stmt = delete(table).where(table.c.id.in_(bindparam("ids", expanding=True)),
                                   table.c.owner_unit_id.in_(bindparam("owners", expanding=True)))
        total = 0
        try:
            for start in range(0, len(ids), 500):
                total += self.conn.execute(stmt, {"ids": ids[start:start + 500], "owners": owners}).rowcount or 0
        except IntegrityError:
            raise SyncError(f"同步文件要删除的“{spec.label}”记录仍被本数据库中的其他记录引用，不能删除，"
                            "文件未导入。") from None
        return total

    def _tombstones(self) -> None:
        spec = specs()[TOMBSTONE]
        by_table: dict[str, list[str]] = {}
        synced = [n for n in specs() if n != TOMBSTONE]
        for columns, rows, first in self._chunks(TOMBSTONE):
            self._owned(spec, columns, rows, first)
            i_table, i_row, i_usn = columns.index("table_name"), columns.index("row_id"), columns.index("usn")
            for n, r in enumerate(rows):
                if r[i_table] not in synced:
                    raise SyncError(f"同步文件中“删除记录”第 {first + n} 行指向未知的表“{r[i_table]}”。")
                by_table.setdefault(r[i_table], []).append(r[i_row])
                r[i_usn] = -1
            table = plain_table(TOMBSTONE, tuple(columns))
            self.conn.execute(insert_for(self.dialect)(table).on_conflict_do_nothing(index_elements=["id"]),
                              [dict(zip(columns, r)) for r in rows])
            self.tally.step(len(rows))
        for name in reversed(synced):  # children before parents
            self.deleted += self._delete(name, by_table.get(name, []))

    def _remove_missing(self, keep: dict[str, set[str]], tables: set[str]) -> None:
        """A full snapshot is all its units hold: what it lacks was deleted there (tombstones are made
        here, so the deletion travels on upward)."""
        owners = sorted(self.owners)
        stamp = now_ms()
        for name in reversed([n for n in specs() if n in tables]):
            held = {r[0]: r[1] for r in self.conn.execute(text(
                f'SELECT id, owner_unit_id FROM "{name}" WHERE owner_unit_id IN ' + json_values(self.dialect, "o")),
                {"o": json.dumps(owners)})}
            gone = [i for i in held if i not in keep.get(name, set())]
            if not gone:
                continue
            self.deleted += self._delete(name, gone)
            self.conn.execute(insert_for(self.dialect)(plain_table(TOMBSTONE, ("id", "table_name", "row_id", "owner_unit_id", "usn",
                                                              "mtime"))),
                              [{"id": new_id(), "table_name": name, "row_id": i, "owner_unit_id": held[i], "usn": -1,
                                "mtime": stamp} for i in gone])

    def regram(self) -> None:
        """Rebuild the name pieces (name_gram, see storage.derived) of every file touched: in one statement,
        a third of the time of the pieces rule run per file."""
        ids = sorted(self.file_ids)
        for start in range(0, len(ids), 20000):
            for rowid, is_new in self.conn.execute(text(
                    "SELECT rowid, id IN (SELECT value FROM json_each(:new)) FROM hardship_file "
                    "WHERE id IN (SELECT value FROM json_each(:ids))"),
                    {"ids": json.dumps(ids[start:start + 20000]), "new": json.dumps(
                        [i for i in ids[start:start + 20000] if i in self.new_files])}):
                self.file_rowids.add(rowid)
                if not is_new:
                    self.stale_rowids.add(rowid)
        if self.stale_rowids:  # a file that was here already: its old pieces go first
            self.conn.execute(text("DELETE FROM name_gram WHERE file_rowid IN (SELECT value FROM json_each(:r))"),
                              {"r": json.dumps(sorted(self.stale_rowids))})
        if not self.file_rowids:
            return
        positions = "(VALUES " + ",".join(f"({n})" for n in range(1, derived.MAX_NAME + 1)) + ") AS p"
        touched = "ids JOIN hardship_file AS f ON f.rowid = ids.r"
        self.conn.execute(text(
            "WITH ids(r) AS MATERIALIZED (SELECT value FROM json_each(:r)), pieces(gram, n, r) AS ("
            f"SELECT substr(f.name, p.column1, 1), f.file_no, f.rowid FROM {touched}, {positions} "
            "WHERE p.column1 <= length(f.name) "
            f"UNION ALL SELECT substr(f.name, p.column1, 2), f.file_no, f.rowid FROM {touched}, {positions} "
            "WHERE p.column1 <= length(f.name) - 1 "
            f"UNION ALL SELECT substr(m.name, p.column1, 2), f.file_no, f.rowid FROM {touched} "
            f"JOIN member AS m ON m.file_id = f.id, {positions} WHERE p.column1 <= length(m.name) - 1) "
            "INSERT OR IGNORE INTO name_gram (gram, file_no, file_rowid) SELECT gram, n, r FROM pieces"),
            {"r": json.dumps(sorted(self.file_rowids))})


@cache
def _statement(dialect: str, name: str, columns: tuple[str, ...], *, upsert: bool) -> str:
    """The Core insert (or upsert) of a table's rows, compiled once with positional parameters in the
    order of the file's columns, so that its rows go to the driver's executemany as they were read: the
    values are already in their stored form. SQLAlchemy's per-row parameter processing cost as much as
    SQLite's own work, and binding by name (lists of dicts) a further 40 % of it (P5)."""
    table = plain_table(name, columns)
    stmt = insert_for(dialect)(table)
    if upsert:
        stmt = stmt.on_conflict_do_update(
            index_elements=["id"], set_={c: stmt.excluded[c] for c in columns if c != "id"},
            # an unchanged row keeps its usn here (it need not go upward again)
            where=or_(table.c.version.is_distinct_from(stmt.excluded.version),
                      table.c.mtime.is_distinct_from(stmt.excluded.mtime)))
    compiled = stmt.compile(dialect=driver_dialect(dialect, positional=True))
    if list(compiled.positiontup or ()) != list(columns):  # the rows' order must be the statement's
        raise AssertionError(f"{name}: parameters {compiled.positiontup} are not the columns {columns}")
    return str(compiled)


class _CopyStream:
    """New rows into server tables through COPY (a tenth of the time of INSERTs), one COPY a table for the
    whole of its rows rather than one per chunk: the server stores the rows already sent while the next
    chunk is read and checked here, and the name pieces' statement triggers (storage.derived) cut the pieces
    of all the table's rows at once instead of once a chunk. Values go in their stored forms (text dates and
    times, 0/1 or booleans, bytes), which COPY's text format reads as the columns' types.

    A COPY holds the connection: any other statement on it (a lookup, a refusal naming a unit, 统计's
    recount) first ends the COPY under way (``before_cursor_execute``), and a failure of its rows (a
    duplicate id, a missing parent) is reported against its table as an INSERT's would be."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.raw = conn.connection.driver_connection
        self.key: tuple[str, tuple[str, ...]] | None = None
        self.spec: TableSpec | None = None
        self._cursor: Any = None
        self._context: Any = None
        self._copy: Any = None
        self._closing = False
        event.listen(conn, "before_cursor_execute", self._before_statement)

    def _before_statement(self, *_args: Any) -> None:
        if self._copy is not None and not self._closing:
            self.close()

    def write(self, spec: TableSpec, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        import psycopg

        key = (spec.name, tuple(columns))
        if key != self.key:
            self.close()
            cols = ", ".join(f'"{c}"' for c in columns)
            self._cursor = self.raw.cursor()
            self._context = self._cursor.copy(f'COPY "{spec.name}" ({cols}) FROM STDIN')  # type: ignore[arg-type]
            self._copy = self._context.__enter__()
            self.key, self.spec = key, spec
        try:
            write = self._copy.write_row
            for row in rows:
                write(row)
        except psycopg.IntegrityError as exc:  # as SQLAlchemy would have wrapped an INSERT's
            self.abort(exc)  # the COPY ended (CopyFail), so the transaction can roll back
            raise _integrity(spec, IntegrityError(f"COPY {spec.name}", None, exc)) from None

    def close(self) -> None:
        """End the COPY under way: its rows checked (keys, foreign keys) and its triggers run."""
        import psycopg

        if self._copy is None:
            return
        context, spec = self._context, self.spec
        self._closing = True
        try:
            context.__exit__(None, None, None)
        except psycopg.IntegrityError as exc:
            assert spec is not None
            raise _integrity(spec, IntegrityError(f"COPY {spec.name}", None, exc)) from None
        finally:
            self._closing = False
            self._forget()

    def abort(self, exc: BaseException) -> None:
        """The import failed (a refusal, a cancel): the COPY under way is ended unfinished (the transaction
        rolls back)."""
        if self._copy is None:
            return
        context = self._context
        self._closing = True
        try:
            context.__exit__(type(exc), exc, exc.__traceback__)
        except Exception:  # noqa: BLE001 - the server's answer to the aborted COPY; the first failure stands
            pass
        finally:
            self._closing = False
            self._forget()

    def _forget(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
        self._cursor = self._context = self._copy = self.key = self.spec = None

    def detach(self) -> None:
        event.remove(self.conn, "before_cursor_execute", self._before_statement)


def _parents_first(columns: list[str], rows: list[Any]) -> list[Any]:
    """Units before the units they name as parent or owner (foreign keys are checked row by row)."""
    i_id, i_parent, i_owner = columns.index("id"), columns.index("parent_id") if "parent_id" in columns else None, \
        columns.index("owner_unit_id")
    ids = {r[i_id] for r in rows}
    placed: set[str] = set()
    out: list[Any] = []
    pending = list(rows)
    while pending:
        rest = []
        for r in pending:
            needs = {r[i_owner], r[i_parent] if i_parent is not None else None} & ids - {r[i_id]}
            if needs <= placed:
                out.append(r)
                placed.add(r[i_id])
            else:
                rest.append(r)
        if len(rest) == len(pending):  # a cycle: let the foreign keys say so
            out.extend(rest)
            break
        pending = rest
    return out


def _missing_reference(spec: TableSpec) -> SyncError:
    return SyncError(f"同步文件中“{spec.label}”的记录引用了本数据库中没有的数据，文件不能导入"
                     "（对方可能漏发了数据，请对方导出完整同步文件）。")


def _integrity(spec: TableSpec, exc: IntegrityError) -> SyncError:
    detail = str(getattr(exc, "orig", exc))
    state = getattr(getattr(exc, "orig", None), "sqlstate", None)  # PostgreSQL: 23505 unique, 23503 foreign key
    if state == "23505" and f'"{spec.name}_pkey"' in detail:
        detail = f"UNIQUE constraint failed: {spec.name}.id"
    elif state == "23503":
        detail = "FOREIGN KEY constraint failed"
    if detail.startswith("UNIQUE constraint failed") and detail.endswith(f"{spec.name}.id"):
        return SyncError(f"同步文件中的一条“{spec.label}”记录与本数据库中属于其他单位的记录编号相同，不能导入。")
    if "FOREIGN KEY" in detail.upper():
        return _missing_reference(spec)
    return SyncError(f"同步文件中“{spec.label}”的记录与本数据库已有的记录冲突（{detail}），文件不能导入。")


def _record(session: Session, user: User | None, report: PackageReport, applier: _Applier) -> str:
    m = report.manifest
    source_head = m.units[0].audit
    package = SyncPackage(
        direction="in", peer_unit_id=m.source.unit_id, seq=m.seq, base_seq=m.base_seq, full=m.full,
        usn_since=m.usn_since, usn=m.usn, schema_revision=m.schema_revision, format_version=m.format_version,
        made_at=_made_at(m.made_at), file_name=report.path.name, file_sha256=report.file_sha256,
        manifest_sha256=report.manifest_sha256, counts=json.dumps(m.counts), rows=m.rows,
        audit_seq=source_head.seq, audit_hash=source_head.hash, status="applied", actor_name=actor_name(user))
    session.add(package)
    session.flush()
    now = utcnow()
    for entry in m.units:
        head = session.get(SyncUnitHead, entry.unit.unit_id)
        if head is None:
            head = SyncUnitHead(unit_id=entry.unit.unit_id, via_unit_id=m.source.unit_id, audit_seq=0, audit_hash="")
        head.audit_seq, head.audit_hash, head.package_id, head.updated_at = (
            entry.audit.seq, entry.audit.hash, package.id, now)
        session.add(head)
    peer = session.exec(select(SyncPeer).where(SyncPeer.unit_id == m.source.unit_id)).one()
    peer.last_received_seq = m.seq
    if m.full:
        peer.needs_full_snapshot = False  # what we asked for (or the first package) has come
    peer.updated_at = now
    session.add(peer)
    append_event(session, actor_id=user.id if user else None, actor_name=actor_name(user), entity_type="sync_package",
                 entity_id=package.id, action="import",
                 changes={"source": m.source.code, "seq": m.seq, "full": m.full, "rows": m.rows, "counts": m.counts,
                          "written": applier.written, "deleted": applier.deleted, "file_sha256": report.file_sha256,
                          **({"audit_break_accepted": list(report.audit_breaks)} if report.audit_breaks else {})})
    return package.id


def _local_time(value: str) -> str:
    """The package's making time as the caseworker's clock shows it (it travels in UTC)."""
    try:
        made = datetime.fromisoformat(value)
    except ValueError:
        return value[:19]
    return (made if made.tzinfo else made.replace(tzinfo=UTC)).astimezone().strftime("%Y-%m-%d %H:%M")


def _made_at(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return utcnow()
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
