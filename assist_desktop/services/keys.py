"""The unit's keys: an Ed25519 signing key made at set-up (or the first time one is needed), kept in the
database, rotated but never deleted.

A voucher's QR code is signed with the local unit's current signing key and names it by ``key_id``;
verification looks the key up by that id among all keys ever held (retired ones included), so a voucher
printed before a rotation still verifies. The sync package will add an X25519 ``encrypt`` key per unit
and import other units' public keys into the same table (rows without a private key).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from sqlmodel import Session, select

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.audit import append_event
from assist_desktop.services.base import Refusal, actor_name, require_role, unit_of_work
from assist_desktop.storage.models import UnitKey, User

SIGN = "sign"
ED25519 = "ed25519"


class SigningKeyError(DomainError):
    """A key is missing or unusable; the message says what to do."""


def key_id_of(public_raw: bytes) -> str:
    """Short fingerprint printed in every payload: the first 4 bytes of SHA-256 of the public key."""
    return hashlib.sha256(public_raw).hexdigest()[:8].upper()


def current_key(session: Session, unit_id: str, purpose: str = SIGN) -> UnitKey | None:
    return session.exec(select(UnitKey).where(UnitKey.unit_id == unit_id, UnitKey.purpose == purpose,
                                              UnitKey.retired_at.is_(None))).first()  # type: ignore[union-attr]


def _new_signing_key(session: Session, unit_id: str, *, actor: User | None, audited: bool = True) -> UnitKey:
    while True:  # a 32-bit fingerprint may collide across many units' keys; draw again
        private = Ed25519PrivateKey.generate()
        public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        key_id = key_id_of(public_raw)
        if session.exec(select(UnitKey.id).where(UnitKey.key_id == key_id)).first() is None:
            break
    key = UnitKey(unit_id=unit_id, purpose=SIGN, algorithm=ED25519, key_id=key_id, public_key=public_raw,
                  private_key=private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))
    session.add(key)
    session.flush()
    if audited:
        append_event(session, actor_id=actor.id if actor else None, actor_name=actor_name(actor),
                     entity_type="unit_key", entity_id=key.id, action="create",
                     changes={"unit_id": unit_id, "purpose": SIGN, "algorithm": ED25519, "key_id": key_id})
    return key


def ensure_signing_key(session: Session, unit_id: str, *, actor: User | None = None, audited: bool = True) -> UnitKey:
    """The unit's current signing key, made now if it has none. Inside the caller's transaction; the new key
    has its own audit event unless the caller records it in its own (``audited=False``)."""
    return current_key(session, unit_id) or _new_signing_key(session, unit_id, actor=actor, audited=audited)


def rotate_signing_key(session: Session, user: User, unit_id: str, *, reason: str) -> UnitKey:
    """Retire the current signing key (it keeps verifying) and make a new one; administrators only,
    for example when the database file may have been copied. One transaction."""
    reason = (reason or "").strip()
    if not reason:
        raise SigningKeyError("更换签名密钥须填写原因。", field="原因")
    with unit_of_work(session, user, Refusal("unit_key", None, "rotate")):
        require_role(session, user, Role.admin, doing="更换签名密钥")
        old = current_key(session, unit_id)
        if old is not None:
            old.retired_at = datetime.now(UTC)
            session.add(old)
            session.flush()
            append_event(session, actor_id=user.id, actor_name=user.display_name, entity_type="unit_key",
                         entity_id=old.id, action="retire", changes={"key_id": old.key_id, "reason": reason})
        return _new_signing_key(session, unit_id, actor=user)


def private_key(key: UnitKey) -> Ed25519PrivateKey:
    if not key.private_key:
        raise SigningKeyError(f"密钥 {key.key_id} 只有公钥，不能用于签名。")
    return Ed25519PrivateKey.from_private_bytes(key.private_key)


def keys_by_id(session: Session, key_id: str, purpose: str = SIGN) -> list[UnitKey]:
    return list(session.exec(select(UnitKey).where(UnitKey.key_id == key_id, UnitKey.purpose == purpose)))


def verify(key: UnitKey, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(signature, message)
    except InvalidSignature:
        return False
    return True


__all__ = ["ED25519", "SIGN", "SigningKeyError", "current_key", "ensure_signing_key", "key_id_of", "keys_by_id",
           "private_key", "rotate_signing_key", "verify"]
