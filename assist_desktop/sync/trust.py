"""Whom a package may speak for (DESIGN.md §8): the receiver trusts what it enrolled, nothing more.

- The source keeps the code, name and level it was enrolled with (``enrolled_unit``, written at enrolment
  from its key file after the fingerprint check). A package that says otherwise — in its manifest or in the
  source's own ``org_unit`` row — is refused; a new name or level comes only with a new key file.
- A package carries rows owned by its source only; or, from a unit that enrolled lower units (a city to
  its province), by those lower units — and only those the receiver knows through the source's signed
  statement of its lower units (``lower_units`` in the manifest: each unit's id, code, name, level and
  public keys, signed with the source's key, its fingerprint checked). A unit already known through
  another unit, one enrolled here directly, the receiver itself, and a unit below a lower unit are refused.
- Every other ``org_unit`` row a package carries is a grassroots union of the unit that owns it; rows that
  name a union (a user's, a file's, an employer's) name one of their own unit's.

Everything else is refused naming the unit and the row; the import is one transaction, so the receiver is
left unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import Session, select

from assist_desktop.services import keys as signing
from assist_desktop.services.audit import canonical_json
from assist_desktop.storage.models import EnrolledUnit, OrgUnit, SyncPeer, utcnow
from assist_desktop.sync.errors import SyncError
from assist_desktop.sync.keys import (
    ENCRYPT, LEVEL_RANK, LOWER, SIGN, b64, fingerprint_of, level_label, sign_document, unb64,
    verifying_key,
)
from assist_desktop.sync.package import Manifest, UnitRef

STATEMENT_FORMAT = "assist-desktop-lower-units"
STATEMENT_VERSION = 1
MAX_STATED_UNITS = 500  # a city has 10–20 counties, a province a dozen cities
GRASSROOTS = "grassroots"
# columns naming a union: the union must be one of the row's own unit (itself or its grassroots unions)
UNIT_REFERENCES = {"user": "unit_id", "hardship_file": "unit_id", "employer": "union_unit_id",
                   "unfiled_household": "unit_id"}


@dataclass(frozen=True)
class Identity:
    unit_id: str
    code: str
    name: str
    level: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code}，{level_label(self.level)}）"


# --- enrolment ----------------------------------------------------------------------------------------


def record_enrolment(session: Session, local_id: str, unit_id: str, code: str, name: str, level: str,
                     sign_key: tuple[str, bytes] | None, encrypt_public: bytes | None, fingerprint: str) -> None:
    """What a key file said, once its fingerprint was checked: the identity packages are held to."""
    row = session.get(EnrolledUnit, unit_id) or EnrolledUnit(unit_id=unit_id, enrolled_by_unit_id=local_id,
                                                            code=code, name=name, level=level)
    row.enrolled_by_unit_id, row.code, row.name, row.level = local_id, code, name, level
    row.sign_key_id, row.sign_public_key = sign_key if sign_key else (None, None)
    row.encrypt_public_key, row.fingerprint, row.package_id, row.updated_at = encrypt_public, fingerprint, None, utcnow()
    session.add(row)


def enrolled_identity(session: Session, unit: OrgUnit) -> Identity:
    """The identity a directly enrolled unit was enrolled with."""
    row = session.get(EnrolledUnit, unit.id)
    if row is None:
        raise SyncError(f"本单位没有{unit.name}（{unit.code}）的登记记录，请重新导入其公钥文件，核对指纹后登记。")
    return Identity(unit.id, row.code, row.name, row.level)


# --- the statement a unit makes of its lower units ----------------------------------------------------------


def lower_unit_statement(session: Session, local: OrgUnit) -> dict[str, Any] | None:
    """The local unit's signed list of the lower units it enrolled (their codes and public keys), for its
    package upward; None where it enrolled none (a county)."""
    rows = session.exec(select(EnrolledUnit).join(SyncPeer, SyncPeer.unit_id == EnrolledUnit.unit_id)
                        .where(SyncPeer.relation == LOWER, EnrolledUnit.enrolled_by_unit_id == local.id)
                        .order_by(EnrolledUnit.code)).all()
    units = []
    for row in rows:
        sign = signing.current_key(session, row.unit_id, SIGN)
        enc = signing.current_key(session, row.unit_id, ENCRYPT)
        if sign is None or enc is None:
            continue
        units.append({"unit_id": row.unit_id, "code": row.code, "name": row.name, "level": row.level,
                      "sign_key_id": sign.key_id, "sign_public_key": b64(sign.public_key),
                      "encrypt_public_key": b64(enc.public_key),
                      "fingerprint": fingerprint_of(row.unit_id, row.code, sign.public_key, enc.public_key)})
    if not units:
        return None
    document = {"format": STATEMENT_FORMAT, "format_version": STATEMENT_VERSION,
                "unit": {"unit_id": local.id, "code": local.code, "name": local.name, "level": local.level},
                "made_at": utcnow().astimezone(UTC).isoformat(timespec="seconds"), "units": units}
    return sign_document(session, local.id, document)


@dataclass(frozen=True)
class StatedUnit:
    identity: Identity
    sign_key_id: str
    sign_public_key: bytes
    encrypt_public_key: bytes
    fingerprint: str


def _text(entry: dict[str, Any], key: str, what: str, limit: int = 100) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise SyncError(f"{what}中的“{key}”缺失或格式不对。")
    return value


def read_statement(session: Session, doc: Any, source: Identity, source_unit: OrgUnit) -> dict[str, StatedUnit]:
    """The source's statement of its lower units, its signature and every fingerprint checked."""
    what = f"{source.name}的下级单位名单"
    if not isinstance(doc, dict) or doc.get("format") != STATEMENT_FORMAT:
        raise SyncError(f"同步文件中{what}格式不对，已拒绝。")
    version = doc.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version > STATEMENT_VERSION:
        raise SyncError(f"同步文件中{what}由较新版本的程序制作，请先升级本程序。")
    signature, unit, units = doc.get("signature"), doc.get("unit"), doc.get("units")
    if not isinstance(signature, dict) or not isinstance(unit, dict) or not isinstance(units, list):
        raise SyncError(f"同步文件中{what}不完整，已拒绝。")
    if unit.get("unit_id") != source.unit_id:
        raise SyncError(f"同步文件中的下级单位名单不是{source.name}的（署名为 {str(unit.get('name'))[:40]}），已拒绝。")
    key = verifying_key(session, source_unit, signature.get("key_id"), what)
    body = canonical_json({k: v for k, v in doc.items() if k != "signature"}).encode()
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(unb64(signature.get("value"), f"{what}的签名"), body)
    except InvalidSignature:
        raise SyncError(f"同步文件中{what}的签名无效，名单被改动过，已拒绝。") from None
    if len(units) > MAX_STATED_UNITS:
        raise SyncError(f"同步文件中{what}列出了 {len(units)} 个单位，远超应有的数量，已拒绝。")
    out: dict[str, StatedUnit] = {}
    for entry in units:
        if not isinstance(entry, dict):
            raise SyncError(f"同步文件中{what}格式不对，已拒绝。")
        ident = Identity(_text(entry, "unit_id", what, 36), _text(entry, "code", what, 32), _text(entry, "name", what),
                         _text(entry, "level", what, 16))
        sign_public = unb64(entry.get("sign_public_key"), f"{what}中的公钥")
        enc_public = unb64(entry.get("encrypt_public_key"), f"{what}中的公钥")
        if len(sign_public) != 32 or len(enc_public) != 32 or signing.key_id_of(sign_public) != entry.get("sign_key_id"):
            raise SyncError(f"同步文件中{what}里{ident.label}的公钥与其编号不符，已拒绝。")
        fingerprint = fingerprint_of(ident.unit_id, ident.code, sign_public, enc_public)
        if entry.get("fingerprint") != fingerprint:
            raise SyncError(f"同步文件中{what}里{ident.label}的指纹与其公钥不符，已拒绝。")
        if ident.unit_id in out:
            raise SyncError(f"同步文件中{what}里{ident.label}出现了两次，已拒绝。")
        out[ident.unit_id] = StatedUnit(ident, entry["sign_key_id"], sign_public, enc_public, fingerprint)
    return out


# --- the checks at the receiver -------------------------------------------------------------------------------


@dataclass
class Trust:
    """What a verified package may carry: its source as enrolled here, and the lower units it may speak for."""

    local_id: str
    source: Identity
    stated: dict[str, StatedUnit] = field(default_factory=dict)  # the whole statement, checked
    carried: dict[str, Identity] = field(default_factory=dict)  # units with rows in the package: source + stated

    def identity(self, unit_id: str) -> Identity | None:
        return self.carried.get(unit_id)

    def owner_label(self, unit_id: str, session: Session) -> str:
        known = self.carried.get(unit_id)
        if known is not None:
            return known.label
        unit = session.get(OrgUnit, unit_id)
        return f"{unit.name}（{unit.code}）" if unit is not None else f"编号为 {str(unit_id)[:36]} 的单位"


def _differs(claimed: UnitRef | Identity, trusted: Identity) -> list[str]:
    return [f"{label}“{getattr(claimed, key)}”（登记为“{getattr(trusted, key)}”）"
            for key, label in (("code", "代码"), ("name", "名称"), ("level", "级别"))
            if getattr(claimed, key) != getattr(trusted, key)]


def check_package_units(session: Session, m: Manifest, source_unit: OrgUnit, local: OrgUnit) -> Trust:
    """The source as enrolled, its statement of lower units, and each unit the manifest lists checked against
    them; raises SyncError naming the unit otherwise. Writes nothing."""
    source = enrolled_identity(session, source_unit)
    wrong = _differs(m.source, source)
    if wrong:
        raise SyncError(f"同步文件自称来自{m.source.name}（{m.source.code}），但与本单位登记的{source.label}不符："
                        f"{'；'.join(wrong)}。单位名称或级别的变更须由对方重新导出公钥文件、电话核对指纹后重新登记，"
                        "不能由同步文件更改，已拒绝。")
    trust = Trust(local.id, source, carried={source.unit_id: source})
    if m.lower_units is not None:
        trust.stated = read_statement(session, m.lower_units, source, source_unit)
        _check_statement(session, trust, local)
    source_rank = LEVEL_RANK.get(source.level, 9)
    for entry in m.units[1:]:
        unit = entry.unit
        stated = trust.stated.get(unit.unit_id)
        if stated is None:
            why = (f"{source.name}没有登记任何下级单位" if not trust.stated
                   else f"它不在{source.name}签名的下级单位名单中")
            raise SyncError(f"同步文件中含有{unit.name}（{unit.code}）的记录，但{why}：一个单位只能报送自己的记录"
                            "和它登记的下级单位的记录，已拒绝。")
        wrong = _differs(unit, stated.identity)
        if wrong:
            raise SyncError(f"同步文件中{unit.name}（{unit.code}）的单位信息与{source.name}的下级单位名单不符："
                            f"{'；'.join(wrong)}，已拒绝。")
        if LEVEL_RANK.get(unit.level, 9) <= source_rank:
            raise SyncError(f"同步文件中含有{stated.identity.label}的记录，它不是{source.label}的下级单位，已拒绝。")
        trust.carried[unit.unit_id] = stated.identity
    return trust


def _check_statement(session: Session, trust: Trust, local: OrgUnit) -> None:
    """Each unit the source says it enrolled: below it, not us, not ours, not another unit's."""
    source = trust.source
    peers = {p.unit_id for p in session.exec(select(SyncPeer))}
    for stated in trust.stated.values():
        unit = stated.identity
        if unit.unit_id in (local.id, source.unit_id) or unit.unit_id in peers:
            whose = "本单位自己" if unit.unit_id == local.id else (
                "发出单位自己" if unit.unit_id == source.unit_id else "直接向本单位报送的单位")
            raise SyncError(f"{source.name}的下级单位名单中有{unit.label}，但它是{whose}，不能作为{source.name}的"
                            "下级单位，已拒绝。")
        if unit.level not in LEVEL_RANK or LEVEL_RANK[unit.level] <= LEVEL_RANK.get(source.level, 9):
            raise SyncError(f"{source.name}的下级单位名单中有{unit.label}，它不是{source.label}的下级单位，已拒绝。")
        known = session.get(EnrolledUnit, unit.unit_id)
        if known is not None and known.enrolled_by_unit_id != source.unit_id:
            by = session.get(OrgUnit, known.enrolled_by_unit_id)
            raise SyncError(f"{source.name}的下级单位名单中有{unit.label}，但本单位已知它由"
                            f"{by.name if by else known.enrolled_by_unit_id}登记和报送；一个单位只能经由一个上级单位报送，"
                            "请与两个单位核实，已拒绝。")
        same_code = session.exec(select(OrgUnit).where(OrgUnit.code == unit.code, OrgUnit.id != unit.unit_id,
                                                       OrgUnit.level != GRASSROOTS)).first()
        if same_code is not None:
            raise SyncError(f"{source.name}的下级单位名单中有{unit.label}，但本数据库中代码 {unit.code} 属于另一个单位"
                            f"“{same_code.name}”，已拒绝。")


def record_statement(session: Session, trust: Trust, package_id: str) -> None:
    """Keep the lower units a package's statement vouched for (after it was applied)."""
    now = utcnow()
    for stated in trust.stated.values():
        unit = stated.identity
        row = session.get(EnrolledUnit, unit.unit_id) or EnrolledUnit(
            unit_id=unit.unit_id, enrolled_by_unit_id=trust.source.unit_id, code=unit.code, name=unit.name,
            level=unit.level)
        row.code, row.name, row.level = unit.code, unit.name, unit.level
        row.sign_key_id, row.sign_public_key, row.encrypt_public_key = (
            stated.sign_key_id, stated.sign_public_key, stated.encrypt_public_key)
        row.fingerprint, row.package_id, row.updated_at = stated.fingerprint, package_id, now
        session.add(row)


class RowGuard:
    """The row-by-row part of the trust rules, as a package's rows are applied: whose a row is, what a unit
    row may say, which union a row may name."""

    def __init__(self, session: Session, trust: Trust) -> None:
        self.session, self.trust = session, trust
        # unit id → owning unit, for every unit held here of the package's units (and, as rows come, the package's)
        owners = list(trust.carried)
        self.unit_owner: dict[str, str] = {
            unit_id: owner for unit_id, owner in session.exec(
                select(OrgUnit.id, OrgUnit.owner_unit_id).where(OrgUnit.owner_unit_id.in_(owners)))}  # type: ignore[attr-defined]

    def refuse(self, label: str, line: int, row_id: Any, problem: str) -> SyncError:
        return SyncError(f"同步文件中“{label}”第 {line} 行（编号 {str(row_id)[:36]}）{problem}，已拒绝；本单位数据未改动。")

    def owners(self, label: str, columns: list[str], rows: list[Any], first: int) -> None:
        i_owner, i_id = columns.index("owner_unit_id"), columns.index("id")
        for n, r in enumerate(rows):
            if r[i_owner] not in self.trust.carried:
                who = self.trust.owner_label(r[i_owner], self.session)
                raise self.refuse(label, first + n, r[i_id], f"属于{who}，不是{self.trust.source.name}的记录"
                                  + ("，也不属于它签名登记的下级单位" if self.trust.stated else ""))

    def units(self, label: str, columns: list[str], rows: list[Any], first: int) -> None:
        """``org_unit`` rows: the enrolled units exactly as enrolled; every other one a grassroots union."""
        at = {c: columns.index(c) for c in ("id", "owner_unit_id", "code", "name", "level", "parent_id")}
        ids_here = {r[at["id"]]: r[at["owner_unit_id"]] for r in rows}
        for unit_id, owner in ids_here.items():
            self.unit_owner.setdefault(unit_id, owner)
        for n, r in enumerate(rows):
            unit_id, owner, parent = r[at["id"]], r[at["owner_unit_id"]], r[at["parent_id"]]
            trusted = self.trust.carried.get(unit_id)
            if trusted is not None:
                claimed = Identity(unit_id, r[at["code"]], r[at["name"]], r[at["level"]])
                wrong = _differs(claimed, trusted)
                if owner != unit_id:
                    wrong.append("所属单位不是它自己")
                if wrong:
                    raise self.refuse(label, first + n, unit_id, f"把{trusted.label}改为{'；'.join(wrong)}："
                                      "单位名称或级别的变更须重新交换公钥文件并核对指纹")
                upper = self.trust.local_id if unit_id == self.trust.source.unit_id else self.trust.source.unit_id
                if parent not in (None, upper):
                    raise self.refuse(label, first + n, unit_id, f"把{trusted.label}的上级单位改为其他单位")
                continue
            if r[at["level"]] != GRASSROOTS:
                raise self.refuse(label, first + n, unit_id,
                                  f"是一个新的{level_label(r[at['level']])}单位“{str(r[at['name']])[:40]}”"
                                  f"（{str(r[at['code']])[:32]}）：同步文件不能新增或代表未经登记的单位，"
                                  "单位须交换公钥文件、核对指纹后登记")
            if parent is not None and self.unit_owner.get(parent) != owner:
                raise self.refuse(label, first + n, unit_id,
                                  f"的基层工会“{str(r[at['name']])[:40]}”挂在其他单位之下")

    def references(self, table: str, label: str, columns: list[str], rows: list[Any], first: int) -> None:
        column = UNIT_REFERENCES.get(table)
        if column is None or column not in columns:
            return
        i_ref, i_owner, i_id = columns.index(column), columns.index("owner_unit_id"), columns.index("id")
        for n, r in enumerate(rows):
            ref = r[i_ref]
            if ref is not None and self.unit_owner.get(ref) != r[i_owner]:
                union = self.session.get(OrgUnit, ref)
                named = f"“{union.name}”，属于{self.trust.owner_label(union.owner_unit_id, self.session)}" if union \
                    else f"编号为 {str(ref)[:36]} 的单位（本单位没有）"
                raise self.refuse(label, first + n, r[i_id],
                                  f"的所属工会是{named}，不是本记录所属单位"
                                  f"{self.trust.owner_label(r[i_owner], self.session)}自己的工会")

