"""The audit log's tail, anchored: a hash chain proves order, not completeness, so ``check`` holds the chain
against heads recorded outside it — each backup's own chain, and the head the upper unit acknowledged (its
signed acknowledgement, kept at ``sync ack``) — and says from which entry the log was cut or rewritten.

A backup's chain must be a prefix of the live one, or diverge exactly where a logged restore put the file back
(``restored``, written by ``services.backups``). The head the upper unit acknowledged must still be in the
chain with the same hash. Only lookups by ``seq`` (the primary key): a county's chain of a million entries is
compared with a dozen backups in a blink; the first differing entry is found by bisection, since equal hashes
at one number mean equal chains up to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from assist_desktop.storage import cipher
from assist_desktop.storage.backup import BackupManager
from assist_desktop.storage.engine import sqlite_uri
from assist_desktop.storage.models import AuditEvent, Meta

ACK_HEAD_KEY = "acknowledged_audit_head"  # meta: the head the upper unit last acknowledged, as its file said


@dataclass(frozen=True)
class AnchorFinding:
    ok: bool
    line: str


def _live(session: Session) -> tuple[int, Callable[[int], str | None], dict[int, dict[str, object]]]:
    head = session.exec(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)).first() or 0
    restores = {}
    for seq, changes in session.exec(select(AuditEvent.seq, AuditEvent.changes).where(AuditEvent.action == "restored")):
        try:
            restores[seq] = json.loads(changes)
        except ValueError:
            restores[seq] = {}

    def hash_at(seq: int) -> str | None:
        return session.exec(select(AuditEvent.hash).where(AuditEvent.seq == seq)).first()

    return head, hash_at, restores


def _first_difference(top: int, live: Callable[[int], str | None], other: Callable[[int], str | None]) -> int | None:
    """The first entry (1..top) where the two chains differ, or None if they agree up to ``top``."""
    if live(top) == other(top):
        return None
    low, high = 0, top  # agree at low (0: nothing), differ at high
    while high - low > 1:
        middle = (low + high) // 2
        if live(middle) == other(middle):
            low = middle
        else:
            high = middle
    return high


def _explained(seq: int, restores: dict[int, dict[str, object]]) -> str | None:
    """Why the chain differs from entry ``seq`` on, when a logged restore put the file back there."""
    said = restores.get(seq)
    if said is None:
        return None
    return f"第 {seq} 条起是恢复备份 {said.get('from', '')} 之后的记录（恢复前的数据库保存在 {said.get('safety_backup') or '—'}）"


def check_anchors(session: Session, db_path: Path | None, key: bytes | None = None) -> list[AnchorFinding]:
    """``key``: the database's key — its backups are encrypted under it (a plain backup from before
    encryption is read as it is). ``db_path`` None: a server database, held against the acknowledgement only
    (its pg_dump backups are not read back here)."""
    head, live, restores = _live(session)
    backups = BackupManager(db_path).list() if db_path is not None else []
    findings = [_against_backup(b.path, head, live, restores, key) for b in backups]
    findings = [f for f in findings if f is not None]
    ack = _against_ack(session, head, live, restores)
    if ack is not None:
        findings.append(ack)
    return findings


def _against_backup(path: Path, head: int, live: Callable[[int], str | None],
                    restores: dict[int, dict[str, object]], key: bytes | None = None) -> AnchorFinding | None:
    key = None if cipher.has_plain_header(path) else key
    try:
        with closing(cipher.connect(sqlite_uri(path), key, uri=True)) as conn:
            row = conn.execute("SELECT seq FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
            if row is None:
                return None
            top = row[0]

            def other(seq: int) -> str | None:
                found = conn.execute("SELECT hash FROM audit_event WHERE seq = ?", (seq,)).fetchone()
                return found[0] if found else None

            differs = _first_difference(min(top, head), live, other)
    except cipher.error_types():
        return AnchorFinding(False, f"备份 {path.name} 无法读取，未能用它核对审计记录。")
    if differs is None and top <= head:
        return None  # the live chain extends the backup's: nothing to say
    at = differs if differs is not None else head + 1
    why = _explained(at, restores)
    if why is not None:
        return AnchorFinding(True, f"审计记录与备份 {path.name} 自第 {at} 条起不同：{why}。")
    if differs is None:
        return AnchorFinding(False, f"审计记录被截断：备份 {path.name} 中有第 1–{top} 条，当前数据库只到第 {head} 条，"
                                    f"自第 {head + 1} 条起的 {top - head} 条不见了，且没有恢复备份的记录。")
    return AnchorFinding(False, f"审计记录被改写：自第 {differs} 条起与备份 {path.name} 中的记录不同"
                                f"（备份到第 {top} 条，当前到第 {head} 条），且没有恢复备份的记录。")


def _against_ack(session: Session, head: int, live: Callable[[int], str | None],
                 restores: dict[int, dict[str, object]]) -> AnchorFinding | None:
    meta = session.get(Meta, ACK_HEAD_KEY)
    if meta is None:
        return None
    try:
        said = json.loads(meta.value)
        seq, digest = int(said["seq"]), str(said["hash"])
    except (ValueError, KeyError, TypeError):
        return AnchorFinding(False, "上级单位确认的审计链头记录已损坏。")
    where = f"{said.get('upper', '上级单位')}确认收到第 {said.get('package_seq', '?')} 号同步文件时的审计链头第 {seq} 条"
    now = live(seq)
    if now == digest:
        return AnchorFinding(True, f"审计链包含{where}。")
    explained = [r for r in restores if r <= seq]
    if explained:
        return AnchorFinding(True, f"{where}已不在当前审计链中：第 {max(explained)} 条起是恢复备份之后的记录；"
                                   "下次报送时上级单位会拒收，须先与上级单位说明。")
    if now is None:
        return AnchorFinding(False, f"审计记录被截断：{where}已不存在（当前只到第 {head} 条，"
                                    f"自第 {head + 1} 条起缺失）。")
    return AnchorFinding(False, f"审计记录被改写：{where}与现在的记录不同（改写发生在第 {seq} 条或更早）。")
