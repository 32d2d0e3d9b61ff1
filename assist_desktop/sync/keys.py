"""Each unit's keys for the sync package, the public-key file, and enrolment between units.

A unit signs what it sends with its Ed25519 key (``services.keys``, the key its vouchers are signed with)
and receives packages encrypted to its X25519 key, made here next to it. Both public keys travel in a
small self-signed JSON file together with the unit's id, code, name and level. Before the other unit
trusts a file, the two offices read its fingerprint to each other over the phone.

The upper unit *enrols* a lower one (the lower unit's row in ``org_unit``, its public keys, a ``lower``
peer); the lower unit *sets its upper* unit the same way. Keys are never deleted: a rotated key is
retired and still verifies or decrypts what was made with it; a *revoked* key (a stolen PC) is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlmodel import Session, select

from assist_desktop.domain.enums import OrgLevel
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services import keys as signing
from assist_desktop.services.audit import append_event, canonical_json
from assist_desktop.services.base import Refusal, actor_name, require_role, touch, unit_of_work
from assist_desktop.storage.models import KeyRevocation, Meta, OrgUnit, SyncPeer, UnitKey, User, now_ms, utcnow
from assist_desktop.sync.errors import SyncError

SIGN = signing.SIGN
ENCRYPT = "encrypt"
ED25519 = signing.ED25519
X25519 = "x25519"
ALGORITHMS = {SIGN: ED25519, ENCRYPT: X25519}

KEY_FILE_FORMAT = "assist-desktop-unit-key"
KEY_FILE_VERSION = 1
KEY_FILE_MAX_BYTES = 64 * 1024
LEVEL_RANK = {"province": 1, "city": 2, "county": 3}
UPPER, LOWER = "upper", "lower"
# Enrolling and setting the upper unit decide whose files are trusted: the administrator's step.
KEY_ROLES = (Role.admin,)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def unb64(text: Any, what: str) -> bytes:
    if not isinstance(text, str):
        raise SyncError(f"{what}格式不正确。")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise SyncError(f"{what}格式不正确。") from None


def level_label(level: str) -> str:
    try:
        return OrgLevel(level).label
    except ValueError:
        return level


def local_unit(session: Session) -> OrgUnit:
    meta = session.get(Meta, "local_unit_id")
    unit = session.get(OrgUnit, meta.value) if meta else None
    if unit is None:
        raise SyncError("数据库尚未初始化，请先运行 assist-desktop init。")
    return unit


# --- the local unit's encryption key -------------------------------------------------------------


def _new_encryption_key(session: Session, unit_id: str, *, actor: User | None, audited: bool) -> UnitKey:
    while True:  # a 32-bit key id may collide with another unit's; draw again, as services.keys does
        private = X25519PrivateKey.generate()
        public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        key_id = signing.key_id_of(public_raw)
        if session.exec(select(UnitKey.id).where(UnitKey.key_id == key_id)).first() is None:
            break
    key = UnitKey(unit_id=unit_id, purpose=ENCRYPT, algorithm=X25519, key_id=key_id, public_key=public_raw,
                  private_key=private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))
    session.add(key)
    session.flush()
    if audited:
        append_event(session, actor_id=actor.id if actor else None, actor_name=actor_name(actor),
                     entity_type="unit_key", entity_id=key.id, action="create",
                     changes={"unit_id": unit_id, "purpose": ENCRYPT, "algorithm": X25519, "key_id": key_id})
    return key


def ensure_encryption_key(session: Session, unit_id: str, *, actor: User | None = None,
                          audited: bool = True) -> UnitKey:
    """The unit's current X25519 key, made now if it has none (a database from before the sync package).
    Inside the caller's transaction."""
    return (signing.current_key(session, unit_id, ENCRYPT)
            or _new_encryption_key(session, unit_id, actor=actor, audited=audited))


def ensure_unit_keys(session: Session, unit_id: str, *, actor: User | None = None) -> tuple[UnitKey, UnitKey]:
    """Signing and encryption keys of the local unit, made where missing; inside the caller's transaction."""
    return (signing.ensure_signing_key(session, unit_id, actor=actor),
            ensure_encryption_key(session, unit_id, actor=actor))


def rotate_encryption_key(session: Session, user: User, *, reason: str) -> UnitKey:
    """Retire the local unit's X25519 key (it still decrypts packages made for it) and make a new one.
    The upper unit's lower units must then be given the new key file. One transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise SyncError("更换密钥须填写原因。", field="原因")
    with unit_of_work(session, user, Refusal("unit_key", None, "rotate")):
        require_role(session, user, Role.admin, doing="更换加密密钥")
        unit = local_unit(session)
        old = signing.current_key(session, unit.id, ENCRYPT)
        if old is not None:
            old.retired_at = datetime.now(UTC)
            session.add(old)
            session.flush()
            append_event(session, actor_id=user.id, actor_name=user.display_name, entity_type="unit_key",
                         entity_id=old.id, action="retire", changes={"key_id": old.key_id, "reason": reason})
        return _new_encryption_key(session, unit.id, actor=user, audited=True)


def rotate_unit_keys(session: Session, user: User, *, reason: str) -> tuple[UnitKey, UnitKey]:
    """Both keys at once (for example when the database file may have been copied): two transactions,
    each complete on its own; afterwards export the key file again for the other units."""
    unit_id = local_unit(session).id
    signing.rotate_signing_key(session, user, unit_id, reason=reason)
    rotate_encryption_key(session, user, reason=reason)
    session.rollback()  # a fresh read of both (the second transaction expired the first one's objects)
    return signing.current_key(session, unit_id, SIGN), signing.current_key(session, unit_id, ENCRYPT)  # type: ignore[return-value]


# --- the public-key file -------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicKeyEntry:
    purpose: str
    algorithm: str
    key_id: str
    public_key: bytes
    created_at: datetime
    retired_at: datetime | None = None


@dataclass(frozen=True)
class UnitKeyFile:
    """A unit's public keys as read from its key file (signature and fingerprint checked)."""

    unit_id: str
    code: str
    name: str
    level: str
    region_code: str | None
    keys: tuple[PublicKeyEntry, ...]
    made_at: datetime
    fingerprint: str

    @property
    def level_label(self) -> str:
        return level_label(self.level)

    def current(self, purpose: str) -> PublicKeyEntry:
        return next(k for k in self.keys if k.purpose == purpose and k.retired_at is None)

    def lines(self) -> list[str]:
        return [f"单位：{self.name}（代码 {self.code}，{self.level_label}）",
                f"签名密钥：{self.current(SIGN).key_id}；加密密钥：{self.current(ENCRYPT).key_id}",
                f"指纹：{self.fingerprint}"]


def fingerprint_of(unit_id: str, code: str, sign_public: bytes, encrypt_public: bytes) -> str:
    """Twenty digits in groups of four, easy to read out over the phone: a hash of the unit and both
    current public keys (66 bits, enough that nobody can make another key file with the same digits)."""
    digest = hashlib.sha256(canonical_json({"unit_id": unit_id, "code": code, "sign": b64(sign_public),
                                            "encrypt": b64(encrypt_public)}).encode()).digest()
    digits = f"{int.from_bytes(digest[:9], 'big') % 10**20:020d}"
    return " ".join(digits[i:i + 4] for i in range(0, 20, 4))


def normalise_fingerprint(text: str) -> str:
    return re.sub(r"[\s\-_—，,]", "", text or "")


def own_fingerprint(session: Session) -> str:
    unit = local_unit(session)
    sign = signing.current_key(session, unit.id, SIGN)
    enc = signing.current_key(session, unit.id, ENCRYPT)
    if sign is None or enc is None:
        raise SyncError("本单位还没有同步密钥，请先导出本单位公钥文件（会自动生成密钥）。")
    return fingerprint_of(unit.id, unit.code, sign.public_key, enc.public_key)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _parse_time(value: Any, what: str) -> datetime:
    if not isinstance(value, str):
        raise SyncError(f"{what}格式不正确。")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise SyncError(f"{what}格式不正确。") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def sign_document(session: Session, unit_id: str, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with a ``signature`` over its canonical JSON by the unit's current signing key."""
    key = signing.current_key(session, unit_id, SIGN)
    if key is None:
        raise SyncError("本单位没有签名密钥。")
    body = canonical_json(document).encode()
    return {**document, "signature": {"algorithm": ED25519, "key_id": key.key_id,
                                      "value": b64(signing.private_key(key).sign(body))}}


def export_key_file(session: Session, user: User | None, out: Path | None = None) -> bytes:
    """The local unit's key file (public keys only, retired ones included so that old packages still
    verify at the other unit). Makes the keys first where the database has none; one transaction.
    With ``out`` the file is written inside that transaction: a file that cannot be written leaves no
    "exported" in the audit log."""
    with unit_of_work(session, user, Refusal("unit_key", None, "export")):
        if user is not None:
            require_role(session, user, *KEY_ROLES, doing="导出本单位公钥文件")
        unit = local_unit(session)
        sign, enc = ensure_unit_keys(session, unit.id, actor=user)
        own = session.exec(select(UnitKey).where(UnitKey.unit_id == unit.id)
                           .order_by(UnitKey.purpose, UnitKey.created_at)).all()
        document = {
            "format": KEY_FILE_FORMAT, "format_version": KEY_FILE_VERSION,
            "unit": {"id": unit.id, "code": unit.code, "name": unit.name, "level": unit.level,
                     "region_code": unit.region_code},
            "keys": [{"purpose": k.purpose, "algorithm": k.algorithm, "key_id": k.key_id,
                      "public_key": b64(k.public_key), "created_at": _iso(k.created_at),
                      "retired_at": _iso(k.retired_at)} for k in own if k.purpose in ALGORITHMS],
            "fingerprint": fingerprint_of(unit.id, unit.code, sign.public_key, enc.public_key),
            "made_at": _iso(utcnow()),
        }
        data = (json.dumps(sign_document(session, unit.id, document), ensure_ascii=False, indent=1) + "\n").encode()
        if out is not None:
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data)
            except OSError as exc:
                raise SyncError(f"无法写入公钥文件 {out}，请确认文件夹存在且可以写入（U 盘已插好、没有写保护）。"
                                ) from exc
        append_event(session, actor_id=user.id if user else None, actor_name=actor_name(user),
                     entity_type="unit_key", entity_id=sign.id, action="export_public",
                     changes={"sign": sign.key_id, "encrypt": enc.key_id, **({"file": out.name} if out else {})})
    return data


def read_key_file(source: Path | bytes) -> UnitKeyFile:
    """Parse and check a key file: its form, self-signature and fingerprint. Writes nothing."""
    if isinstance(source, Path):
        try:
            if source.stat().st_size > KEY_FILE_MAX_BYTES:
                raise SyncError(f"{source.name} 太大，不是单位公钥文件。")
            data = source.read_bytes()
        except OSError as exc:
            raise SyncError(f"无法读取公钥文件 {source}：{exc.strerror or exc}") from exc
    else:
        data = source
    if len(data) > KEY_FILE_MAX_BYTES:
        raise SyncError("文件太大，不是单位公钥文件。")
    try:
        doc = json.loads(data.decode("utf-8"))
        canonical_json(doc).encode("utf-8")  # a lone surrogate ("\ud800") parses but can be neither checked nor stored
    except (UnicodeError, ValueError, RecursionError):  # RecursionError: [[[[… nested past the stack
        raise SyncError("不是单位公钥文件（无法读取其内容，文件可能已损坏）。") from None
    if not isinstance(doc, dict) or doc.get("format") != KEY_FILE_FORMAT:
        raise SyncError("不是单位公钥文件（格式标识不符）。")
    version = doc.get("format_version")
    if not isinstance(version, int) or version > KEY_FILE_VERSION:
        raise SyncError(f"公钥文件由较新版本的程序制作（格式第 {version} 版），请先升级本程序。")
    unit, raw_keys, signature = doc.get("unit"), doc.get("keys"), doc.get("signature")
    if not isinstance(unit, dict) or not isinstance(raw_keys, list) or not isinstance(signature, dict):
        raise SyncError("公钥文件内容不完整。")
    for field, label in (("id", "编号"), ("code", "代码"), ("name", "名称"), ("level", "级别")):
        if not isinstance(unit.get(field), str) or not unit[field].strip():
            raise SyncError(f"公钥文件缺少单位的{label}。")
    if unit["level"] not in LEVEL_RANK:
        raise SyncError(f"公钥文件中的单位级别“{unit['level']}”不是省、市、县级工会。")
    entries = []
    for raw in raw_keys:
        if not isinstance(raw, dict) or not isinstance(raw.get("purpose"), str) or raw["purpose"] not in ALGORITHMS \
                or ALGORITHMS[raw["purpose"]] != raw.get("algorithm"):
            raise SyncError("公钥文件中有无法识别的密钥。")
        public = unb64(raw.get("public_key"), "公钥文件中的公钥")
        if len(public) != 32 or signing.key_id_of(public) != raw.get("key_id"):
            raise SyncError("公钥文件中的公钥与其编号不符，文件可能已被改动。")
        entries.append(PublicKeyEntry(raw["purpose"], raw["algorithm"], raw["key_id"], public,
                                      _parse_time(raw.get("created_at"), "密钥时间"),
                                      _parse_time(raw["retired_at"], "密钥时间") if raw.get("retired_at") else None))
    current = {p: [k for k in entries if k.purpose == p and k.retired_at is None] for p in ALGORITHMS}
    if any(len(v) != 1 for v in current.values()):
        raise SyncError("公钥文件应各有一把当前的签名密钥和加密密钥。")
    sign, enc = current[SIGN][0], current[ENCRYPT][0]
    body = canonical_json({k: v for k, v in doc.items() if k != "signature"}).encode()
    value = unb64(signature.get("value"), "公钥文件的签名")
    try:
        if signature.get("key_id") != sign.key_id:
            raise InvalidSignature
        Ed25519PublicKey.from_public_bytes(sign.public_key).verify(value, body)
    except InvalidSignature:
        raise SyncError("公钥文件的签名无效，文件可能已被改动，请对方重新导出。") from None
    fingerprint = fingerprint_of(unit["id"], unit["code"], sign.public_key, enc.public_key)
    if doc.get("fingerprint") != fingerprint:
        raise SyncError("公钥文件中的指纹与其密钥不符，文件可能已被改动。")
    return UnitKeyFile(unit["id"], unit["code"].strip(), unit["name"].strip(), unit["level"],
                       unit.get("region_code") if isinstance(unit.get("region_code"), str) else None,
                       tuple(entries), _parse_time(doc.get("made_at"), "公钥文件时间"), fingerprint)


# --- enrolment -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolResult:
    unit_id: str
    code: str
    name: str
    level: str
    relation: str
    new_unit: bool
    keys_added: tuple[str, ...]
    keys_retired: tuple[str, ...]
    fingerprint: str

    def summary(self) -> str:
        what = "已登记下级单位" if self.relation == LOWER else "已设置上级单位"
        keys = f"新增密钥 {'、'.join(self.keys_added)}" if self.keys_added else "密钥无变化"
        if self.keys_retired:
            keys += f"，停用旧密钥 {'、'.join(self.keys_retired)}"
        return f"{what}：{self.name}（{self.code}，{level_label(self.level)}）；{keys}。"


def enrol_lower_unit(session: Session, user: User | None, key_file: UnitKeyFile, *, fingerprint: str) -> EnrolResult:
    """The upper unit registers a lower unit from its key file (again after a key rotation)."""
    return _register(session, user, key_file, LOWER, fingerprint)


def set_upper_unit(session: Session, user: User | None, key_file: UnitKeyFile, *, fingerprint: str) -> EnrolResult:
    """The lower unit records the unit it reports to, from that unit's key file."""
    return _register(session, user, key_file, UPPER, fingerprint)


def _register(session: Session, user: User | None, kf: UnitKeyFile, relation: str, fingerprint: str) -> EnrolResult:
    doing = "登记下级单位" if relation == LOWER else "设置上级单位"
    if normalise_fingerprint(fingerprint) != normalise_fingerprint(kf.fingerprint):
        raise SyncError(f"指纹不符：公钥文件的指纹是 {kf.fingerprint}，与核对的“{fingerprint.strip()}”不同。"
                        "请与对方重新电话核对；文件可能被替换过，不能登记。", field="指纹")
    with unit_of_work(session, user, Refusal("sync_peer", None, relation)):
        if user is not None:
            require_role(session, user, *KEY_ROLES, doing=doing)
        local = local_unit(session)
        if kf.unit_id == local.id:
            raise SyncError("这是本单位自己的公钥文件，请使用对方单位导出的文件。")
        ours, theirs = LEVEL_RANK.get(local.level), LEVEL_RANK[kf.level]
        if ours is None:
            raise SyncError(f"本单位级别为“{level_label(local.level)}”，不能交换同步文件。")
        if relation == LOWER and theirs <= ours:
            raise SyncError(f"{kf.name}是{kf.level_label}单位，不是本单位（{level_label(local.level)}）的下级，不能登记为下级单位。")
        if relation == UPPER and theirs >= ours:
            raise SyncError(f"{kf.name}是{kf.level_label}单位，不是本单位（{level_label(local.level)}）的上级，不能设为上级单位。")
        peer = session.exec(select(SyncPeer).where(SyncPeer.unit_id == kf.unit_id)).first()
        if peer is not None and peer.relation != relation:
            was = "下级" if peer.relation == LOWER else "上级"
            raise SyncError(f"{kf.name}已登记为本单位的{was}单位，不能再{doing}。")
        if relation == UPPER:
            other = session.exec(select(SyncPeer).where(SyncPeer.relation == UPPER, SyncPeer.unit_id != kf.unit_id)).first()
            if other is not None:
                upper = session.get(OrgUnit, other.unit_id)
                raise SyncError(f"本单位已设置上级单位 {upper.name if upper else other.unit_id}，一个单位只能向一个上级单位报送。")
        same_code = session.exec(select(OrgUnit).where(OrgUnit.code == kf.code, OrgUnit.id != kf.unit_id,
                                                       OrgUnit.level != "grassroots")).first()
        if same_code is not None:
            raise SyncError(f"本数据库已有代码为 {kf.code} 的单位“{same_code.name}”，但不是这个公钥文件的单位"
                            "（对方可能重新建了数据库）。请先与对方核实。")
        unit = session.get(OrgUnit, kf.unit_id)
        new_unit = unit is None
        if new_unit:
            # Owned by that unit: its own copy arrives with its first package and replaces this one. usn 0:
            # not a change of ours to report upward.
            session.add(OrgUnit(id=kf.unit_id, owner_unit_id=kf.unit_id, usn=0, code=kf.code, name=kf.name,
                                level=kf.level, region_code=kf.region_code,
                                parent_id=local.id if relation == LOWER else None))
            session.flush()
        elif (unit.code, unit.name, unit.level) != (kf.code, kf.name, kf.level):
            # a new name or level comes with a new key file, its fingerprint checked: the only way it changes
            unit.code, unit.name, unit.level = kf.code, kf.name, kf.level
            unit.usn, unit.mtime = -1, now_ms()  # passed on upward like a change the unit reported
            session.add(unit)
        added, retired = _store_keys(session, kf)
        from assist_desktop.sync.trust import record_enrolment  # trust reads keys: imported when used

        sign, enc = kf.current(SIGN), kf.current(ENCRYPT)
        record_enrolment(session, local.id, kf.unit_id, kf.code, kf.name, kf.level, (sign.key_id, sign.public_key),
                         enc.public_key, kf.fingerprint)
        if peer is None:
            session.add(SyncPeer(unit_id=kf.unit_id, relation=relation, needs_full_snapshot=True, updated_at=utcnow()))
        if relation == UPPER and local.parent_id != kf.unit_id:
            local.parent_id = kf.unit_id  # the hierarchy travels upward with the local unit's own row
            touch(local)
            session.add(local)
        append_event(session, actor_id=user.id if user else None, actor_name=actor_name(user),
                     entity_type="sync_peer", entity_id=kf.unit_id, action=f"{relation}_registered",
                     changes={"code": kf.code, "name": kf.name, "level": kf.level, "fingerprint": kf.fingerprint,
                              "keys_added": list(added), "keys_retired": list(retired)})
    return EnrolResult(kf.unit_id, kf.code, kf.name, kf.level, relation, new_unit, added, retired, kf.fingerprint)


def _store_keys(session: Session, kf: UnitKeyFile) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Add the file's public keys not held yet; retire what the file says is retired, and the old current
    key of a purpose whose current key changed (it keeps verifying what it signed)."""
    held = {(k.purpose, k.public_key): k for k in
            session.exec(select(UnitKey).where(UnitKey.unit_id == kf.unit_id))}
    added, retired = [], []
    now = datetime.now(UTC)
    for entry in sorted(kf.keys, key=lambda e: e.retired_at is None):  # retirements before the new current key
        row = held.get((entry.purpose, entry.public_key))
        if entry.retired_at is None:
            for old in held.values():
                if old.purpose == entry.purpose and old.retired_at is None and old.public_key != entry.public_key:
                    old.retired_at = now
                    session.add(old)
                    retired.append(old.key_id)
            session.flush()
        if row is None:
            row = UnitKey(unit_id=kf.unit_id, purpose=entry.purpose, algorithm=entry.algorithm, key_id=entry.key_id,
                          public_key=entry.public_key, private_key=None, created_at=entry.created_at,
                          retired_at=entry.retired_at)
            session.add(row)
            session.flush()
            held[(entry.purpose, entry.public_key)] = row
            added.append(entry.key_id)
        elif entry.retired_at is not None and row.retired_at is None:
            row.retired_at = entry.retired_at
            session.add(row)
            session.flush()
            retired.append(row.key_id)
    return tuple(added), tuple(retired)


def revoke_key(session: Session, user: User | None, key_id: str, *, reason: str) -> UnitKey:
    """Stop trusting another unit's key altogether (its PC was lost): packages and acknowledgements signed
    with it are refused from now on, whenever they were made. One transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise SyncError("吊销密钥须填写原因。", field="原因")
    with unit_of_work(session, user, Refusal("unit_key", None, "revoke")):
        if user is not None:
            require_role(session, user, *KEY_ROLES, doing="吊销密钥")
        local = local_unit(session)
        found = [k for k in session.exec(select(UnitKey).where(UnitKey.key_id == key_id.strip().upper()))
                 if k.unit_id != local.id]
        if not found:
            raise SyncError(f"找不到其他单位的密钥 {key_id}。", field="密钥编号")
        if len(found) > 1:
            raise SyncError(f"有多个单位的密钥编号都是 {key_id}，请在程序中选择要吊销的密钥。", field="密钥编号")
        key = found[0]
        if session.get(KeyRevocation, key.id) is None:
            session.add(KeyRevocation(unit_key_id=key.id, reason=reason, revoked_by=actor_name(user)))
        if key.retired_at is None:
            key.retired_at = datetime.now(UTC)
            session.add(key)
        append_event(session, actor_id=user.id if user else None, actor_name=actor_name(user),
                     entity_type="unit_key", entity_id=key.id, action="revoke",
                     changes={"key_id": key.key_id, "unit_id": key.unit_id, "reason": reason})
        return key


# --- looking keys up for packages and acknowledgements -------------------------------------------


def verifying_key(session: Session, unit: OrgUnit, key_id: Any, what: str) -> UnitKey:
    """The public key of ``unit`` with ``key_id`` that may verify ``what``: known, and not revoked."""
    if not isinstance(key_id, str):
        raise SyncError(f"{what}没有注明签名密钥。")
    key = session.exec(select(UnitKey).where(UnitKey.unit_id == unit.id, UnitKey.purpose == SIGN,
                                             UnitKey.key_id == key_id)).first()
    if key is None:
        raise SyncError(f"{what}的签名密钥 {key_id} 不是{unit.name}已登记的密钥（对方可能更换了密钥），"
                        "请让对方重新导出公钥文件并重新登记。")
    revoked = session.get(KeyRevocation, key.id)
    if revoked is not None:
        raise SyncError(f"{what}的签名密钥 {key_id} 已于 {revoked.revoked_at:%Y-%m-%d} 被吊销"
                        f"（{revoked.reason}），不能接受。")
    return key


def is_revoked(session: Session, key: UnitKey) -> bool:
    return session.get(KeyRevocation, key.id) is not None


def recipient_key(session: Session, unit: OrgUnit) -> UnitKey:
    """The current encryption key of another unit, to encrypt a package for it."""
    key = signing.current_key(session, unit.id, ENCRYPT)
    if key is None or is_revoked(session, key):
        raise SyncError(f"没有{unit.name}可用的加密公钥，请重新导入对方的公钥文件。")
    return key


def own_decryption_key(session: Session, unit_id: str, key_id: str) -> X25519PrivateKey | None:
    """Our private X25519 key with that id (a retired one too: packages made before a rotation)."""
    for key in session.exec(select(UnitKey).where(UnitKey.unit_id == unit_id, UnitKey.purpose == ENCRYPT,
                                                  UnitKey.key_id == key_id)):
        if key.private_key:
            return X25519PrivateKey.from_private_bytes(key.private_key)
    return None


def public_x25519(key: UnitKey) -> X25519PublicKey:
    return X25519PublicKey.from_public_bytes(key.public_key)


# --- the units we exchange packages with ---------------------------------------------------------


@dataclass(frozen=True)
class PeerView:
    unit_id: str
    code: str
    name: str
    level: str
    relation: str
    last_sent_seq: int
    last_acked_seq: int
    last_received_seq: int
    needs_full_snapshot: bool
    sign_key_id: str | None
    encrypt_key_id: str | None
    fingerprint: str | None
    revoked_keys: tuple[str, ...]

    @property
    def relation_label(self) -> str:
        return "上级单位" if self.relation == UPPER else "下级单位"


def list_peers(session: Session) -> list[PeerView]:
    """The upper unit first, then the enrolled lower units by code."""
    out = []
    for peer, unit in session.exec(select(SyncPeer, OrgUnit).join(OrgUnit, OrgUnit.id == SyncPeer.unit_id)):
        sign = signing.current_key(session, unit.id, SIGN)
        enc = signing.current_key(session, unit.id, ENCRYPT)
        revoked = tuple(k.key_id for k in session.exec(select(UnitKey).join(
            KeyRevocation, KeyRevocation.unit_key_id == UnitKey.id).where(UnitKey.unit_id == unit.id)))
        out.append(PeerView(unit.id, unit.code, unit.name, unit.level, peer.relation, peer.last_sent_seq,
                            peer.last_acked_seq, peer.last_received_seq, peer.needs_full_snapshot,
                            sign.key_id if sign else None, enc.key_id if enc else None,
                            fingerprint_of(unit.id, unit.code, sign.public_key, enc.public_key) if sign and enc else None,
                            revoked))
    return sorted(out, key=lambda p: (p.relation != UPPER, p.code))


def upper_unit(session: Session) -> tuple[SyncPeer, OrgUnit] | None:
    row = session.exec(select(SyncPeer, OrgUnit).join(OrgUnit, OrgUnit.id == SyncPeer.unit_id)
                       .where(SyncPeer.relation == UPPER)).first()
    return (row[0], row[1]) if row else None
