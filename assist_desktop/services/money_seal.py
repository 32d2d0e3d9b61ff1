"""Money rows under the audit chain: what ``check`` holds every payment (发放凭证) of this unit against.

A payment made in the program has its own audit event (``services.payments``: voucher number, amount, payee
name and masked ID number). Payments written in bulk — the past grants of a ledger import, the demo's history —
are sealed in their import's one event instead: for each voucher series (unit and year) the first and last
voucher number, the count, the total and a SHA-256 over every row's voucher number, amount, payee, ID number and
grant. An amount or a payee changed behind the program's back (sqlite3), a row removed or slipped into a sealed
series, no longer matches; a voucher is never signed again for such an amount (``printing``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from assist_desktop.domain.ids import mask_id_number
from assist_desktop.domain.money import format_amount
from assist_desktop.storage.models import AuditEvent, Disbursement, Meta

SEAL_KEY = "money_seal"
_COLUMNS = ("voucher_no", "amount_fen", "recipient_name", "recipient_id_number", "grant_type", "grant_id")


def _line(row: Mapping[str, Any]) -> bytes:
    return ("\x1f".join(str(row[c]) for c in _COLUMNS) + "\n").encode("utf-8")


def seal(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The seal of payments written in one bulk transaction, one entry per voucher series."""
    series: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        series.setdefault(row["voucher_no"][:-6], []).append(row)
    out = []
    for _prefix, found in sorted(series.items()):
        found.sort(key=lambda r: r["voucher_no"])
        digest = hashlib.sha256()
        for row in found:
            digest.update(_line(row))
        out.append({"first": found[0]["voucher_no"], "last": found[-1]["voucher_no"], "count": len(found),
                    "amount_fen": sum(r["amount_fen"] for r in found), "sha256": digest.hexdigest()})
    return out


@dataclass(frozen=True)
class MoneyFinding:
    ok: bool
    line: str


def payment_event_amounts(session: Session, disbursement_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The payment events of these disbursements (voucher, amount as written, payee), by disbursement id."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(disbursement_ids), 900):
        for entity_id, changes in session.exec(
                select(AuditEvent.entity_id, AuditEvent.changes)
                .where(AuditEvent.entity_type == "disbursement", AuditEvent.action == "create",
                       AuditEvent.entity_id.in_(disbursement_ids[start:start + 900]))):  # type: ignore[union-attr]
            try:
                out[entity_id] = json.loads(changes)  # type: ignore[index]
            except ValueError:
                out[entity_id] = {}  # type: ignore[index]
    return out


def event_mismatch(d: Disbursement | Mapping[str, Any], said: Mapping[str, Any]) -> str | None:
    """What of a payment row differs from its payment event, or None."""
    get = (lambda k: d[k]) if isinstance(d, Mapping) else (lambda k: getattr(d, k))  # noqa: E731
    wrong = []
    if said.get("amount") != format_amount(get("amount_fen")):
        wrong.append(f"金额现为{format_amount(get('amount_fen'))}元，发放时为{said.get('amount')}元")
    if said.get("recipient_name") != get("recipient_name"):
        wrong.append(f"领款人现为“{get('recipient_name')}”，发放时为“{said.get('recipient_name')}”")
    if said.get("recipient_id_number") != mask_id_number(get("recipient_id_number")):
        wrong.append("领款人身份证号与发放时不同")
    if said.get("voucher_no") not in (None, get("voucher_no")):
        wrong.append(f"凭证号现为{get('voucher_no')}，发放时为{said.get('voucher_no')}")
    return "；".join(wrong) or None


def check_money(session: Session) -> list[MoneyFinding]:
    """Every payment this unit made, against its audit event or the seal of the import that wrote it."""
    local = session.get(Meta, "local_unit_id")
    if local is None:
        return []
    rows = {r.id: r for r in session.exec(select(Disbursement).where(Disbursement.owner_unit_id == local.value))}
    if not rows:
        return []
    findings: list[MoneyFinding] = []
    covered: set[str] = set()
    events = payment_event_amounts(session, list(rows))
    for disbursement_id, said in events.items():
        d = rows[disbursement_id]
        covered.add(disbursement_id)
        wrong = event_mismatch(d, said)
        if wrong:
            findings.append(MoneyFinding(False, f"发放凭证 {d.voucher_no}（{d.recipient_name}）与审计日志中的发放记录不符："
                                                f"{wrong}。金额或领款人在程序之外被改动过。"))
    by_voucher = {d.voucher_no: d for d in rows.values()}
    for at, changes in session.exec(select(AuditEvent.seq, AuditEvent.changes)
                                    .where(AuditEvent.changes.like(f'%"{SEAL_KEY}"%'))):  # type: ignore[union-attr]
        try:
            seals = json.loads(changes).get(SEAL_KEY) or []
        except (ValueError, AttributeError):
            continue
        for entry in seals:
            first, last = str(entry.get("first", "")), str(entry.get("last", ""))
            found = sorted((v for v in by_voucher if first <= v <= last and v[:-6] == first[:-6]))
            digest = hashlib.sha256()
            for voucher in found:
                digest.update(_line({c: getattr(by_voucher[voucher], c) for c in _COLUMNS}))
                covered.add(by_voucher[voucher].id)
            if len(found) != entry.get("count"):
                findings.append(MoneyFinding(False, f"审计记录第 {at} 条登记的批量发放凭证 {first}–{last} 共 "
                                                    f"{entry.get('count')} 张，现有 {len(found)} 张：有凭证被删除或添加。"))
            elif digest.hexdigest() != entry.get("sha256"):
                total = sum(by_voucher[v].amount_fen for v in found)
                changed = f"（合计现为{format_amount(total)}元，登记时为{format_amount(int(entry.get('amount_fen', 0)))}元）"
                findings.append(MoneyFinding(False, f"审计记录第 {at} 条登记的批量发放凭证 {first}–{last} 中有金额、"
                                                    f"领款人或身份证号在程序之外被改动过{changed if total != entry.get('amount_fen') else ''}。"))
    legacy = len(rows) - len(covered)
    if not any(not f.ok for f in findings):
        note = f"；另有 {legacy} 张是本版本之前批量写入的历史凭证，审计日志中没有逐笔金额" if legacy else ""
        findings.append(MoneyFinding(True, f"发放凭证与审计日志一致：{len(covered)} 张{note}"))
    return findings
