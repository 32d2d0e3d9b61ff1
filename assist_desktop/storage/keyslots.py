"""Key slots: the database key wrapped once per user account, like a password manager's.

An encrypted database ``assist.sqlite`` has a small JSON file beside it, ``assist.sqlite.keys``, that
must be readable before the database is open (the whole file is encrypted). It holds, per user
account, the database key wrapped with a key derived from that user's password:

    slot key  = scrypt(password, salt, N ≥ 2**17, r = 8, p = 1)        (OWASP's minimum for scrypt)
    wrapped   = AES-256-GCM(slot key, nonce, database key, aad = file id, slot id, user id, parameters)

A login computes one scrypt: the GCM tag proves the password and hands over the database key, so the
users service does not hash the password a second time. The slot names its user by a salted hash of
the user name (a name may be a person's), and carries the lockout state of logins made before the
database could be read (five wrong passwords lock the account for fifteen minutes, as in the users
service); those failed attempts wait in ``pending`` until the next login writes them to the audit log.

The recovery key printed once at ``init`` for the chair's safe is the database key itself, written in
56 characters of Crockford base-32 with a checksum: it opens the file even when every password, or the
key file itself, is lost.

No Qt and no SQLAlchemy here: the login window calls ``unlock`` before the heavy imports are done.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from assist_desktop.domain.errors import DomainError
# the key file's name and presence: in storage.peek, which the start reads before its first window
from assist_desktop.storage.peek import SIDECAR_SUFFIX, has_key_file, sidecar_path  # noqa: F401

FORMAT = "assist-desktop/keyslots"
VERSION = 1
# scrypt's cost: 2**17 × r 8 = 128 MiB and ~0.3 s per derivation on an office PC. Slots and password
# hashes are never written below the floor, and a slot whose stored parameters are below it (or absurdly
# above: memory exhaustion) is refused as tampered.
SCRYPT_N = 2**17
SCRYPT_N_FLOOR = 2**17
SCRYPT_N_MAX = 2**20
SCRYPT_R, SCRYPT_P = 8, 1
SCRYPT_MAXMEM = 2**31 - 1
LOCK_AFTER = 5
LOCK_MINUTES = 15
MAX_PENDING = 200
BAD_CREDENTIALS = "用户名或密码错误"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class KeyringError(DomainError):
    """The key file is missing, damaged or does not belong to the database."""


class SlotRefused(DomainError):
    """A login refused at the key slot. ``remaining``: attempts left, when the account exists."""

    def __init__(self, message: str, *, remaining: int | None = None, until: datetime | None = None,
                 user_id: str | None = None) -> None:
        super().__init__(message)
        self.remaining, self.until, self.user_id = remaining, until, user_id


class SlotLocked(SlotRefused):
    pass


@dataclass
class Slot:
    id: str
    user_id: str
    name: str  # sha256(name_salt ‖ lower-cased user name), hex
    n: int
    r: int
    p: int
    salt: str
    nonce: str
    wrapped: str
    failed: int = 0
    locked_until: str | None = None
    kind: str = "user"


@dataclass
class Keyring:
    file_id: str
    name_salt: str
    slots: list[Slot] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    label: str = ""  # the unit's name, for the login window's title before the database is open

    def find_name(self, username: str) -> Slot | None:
        wanted = name_hash(self.name_salt, username)
        return next((s for s in self.slots if hmac.compare_digest(s.name, wanted)), None)

    def find_user(self, user_id: str) -> Slot | None:
        return next((s for s in self.slots if s.user_id == user_id), None)

    def to_json(self, *, live_state: bool = True) -> str:
        slots = []
        for slot in self.slots:
            data = asdict(slot)
            if not live_state:
                data["failed"], data["locked_until"] = 0, None
            slots.append(data)
        body = {"format": FORMAT, "version": VERSION, "file_id": self.file_id, "name_salt": self.name_salt,
                "label": self.label,
                "cipher": "sqlcipher4-raw-key", "slots": slots, "pending": self.pending if live_state else []}
        return json.dumps(body, ensure_ascii=False, indent=1)


@dataclass(frozen=True)
class Unlocked:
    """A successful unlock: the database key, whose account it was, and failed logins not yet audited."""

    key: bytes
    user_id: str
    pending: tuple[dict[str, Any], ...] = ()


# --- the file beside the database ------------------------------------------------------------------


# sidecar_path, has_key_file: storage.peek's (imported above)


def is_encrypted(db_path: Path | str) -> bool:
    """An encrypted database: it has a key file, or (key file lost) its bytes are not a plain SQLite file."""
    from assist_desktop.storage.cipher import has_plain_header

    if not isinstance(db_path, (Path, str)):
        return False  # a server database: the server's own logins guard it
    db_path = Path(db_path)
    if sidecar_path(db_path).exists():
        return True
    return db_path.is_file() and db_path.stat().st_size > 0 and not has_plain_header(db_path)


def load(db_path: Path | str) -> Keyring:
    path = sidecar_path(db_path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeyringError(f"找不到数据库的钥匙文件 {path.name}（应与数据库 {Path(db_path).name} 放在同一文件夹）。"
                           "复制或搬移数据库时请连同 .keys 文件一起复制；没有它只能用恢复密钥打开。") from None
    except OSError as exc:
        raise KeyringError(f"无法读取钥匙文件 {path}：{exc.strerror or exc}") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError("format")
        if data.get("version") != VERSION:
            raise KeyringError(f"钥匙文件 {path.name} 由更新版本的程序写入，请安装新版本程序。")
        slots = [Slot(**{k: v for k, v in s.items()}) for s in data["slots"]]
        for slot in slots:
            _check_slot_fields(slot)
        ring = Keyring(file_id=str(data["file_id"]), name_salt=str(data["name_salt"]), slots=slots,
                       pending=[p for p in data.get("pending", []) if isinstance(p, dict)][-MAX_PENDING:],
                       label=str(data.get("label", ""))[:100])
        bytes.fromhex(ring.name_salt)
    except KeyringError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError) as exc:
        raise KeyringError(f"钥匙文件 {path.name} 已损坏或被改动，无法用密码打开数据库；"
                           "请从备份（连同其 .keys 文件）恢复，或用恢复密钥打开。") from exc
    return ring


def _check_slot_fields(slot: Slot) -> None:
    for name in ("id", "user_id", "name", "salt", "nonce", "wrapped", "kind"):
        if not isinstance(getattr(slot, name), str):
            raise ValueError(name)
    for name in ("n", "r", "p", "failed"):
        if not isinstance(getattr(slot, name), int) or isinstance(getattr(slot, name), bool):
            raise ValueError(name)
    for name in ("salt", "nonce", "wrapped"):
        bytes.fromhex(getattr(slot, name))
    if slot.locked_until is not None:
        datetime.fromisoformat(slot.locked_until)


def save(db_path: Path | str, ring: Keyring, *, live_state: bool = True, target: Path | None = None) -> Path:
    """Write the key file atomically (a temporary file, fsync, rename), readable by its owner only."""
    from assist_desktop.storage.private import write_private

    path = target or sidecar_path(db_path)
    write_private(path, ring.to_json(live_state=live_state).encode("utf-8"))
    return path


# --- deriving, wrapping, unwrapping -----------------------------------------------------------------


def name_hash(name_salt: str, username: str) -> str:
    return hashlib.sha256(bytes.fromhex(name_salt) + username.strip().lower().encode("utf-8")).hexdigest()


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=32)


def _aad(ring: Keyring, slot: Slot) -> bytes:
    return f"{FORMAT}|{ring.file_id}|{slot.id}|{slot.kind}|{slot.user_id}|{slot.n}|{slot.r}|{slot.p}".encode()


def _params_allowed(slot: Slot) -> bool:
    return (SCRYPT_N_FLOOR <= slot.n <= SCRYPT_N_MAX and slot.n & (slot.n - 1) == 0
            and slot.r == SCRYPT_R and slot.p == SCRYPT_P and len(bytes.fromhex(slot.salt)) >= 16)


def _make_slot(ring: Keyring, key: bytes, user_id: str, username: str, password: str) -> Slot:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    slot = Slot(id=secrets.token_hex(8), user_id=user_id, name=name_hash(ring.name_salt, username),
                n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, salt=secrets.token_hex(16), nonce=secrets.token_hex(12),
                wrapped="")
    kek = _derive(password, bytes.fromhex(slot.salt), slot.n, slot.r, slot.p)
    slot.wrapped = AESGCM(kek).encrypt(bytes.fromhex(slot.nonce), key, _aad(ring, slot)).hex()
    return slot


def _unwrap(ring: Keyring, slot: Slot, password: str) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kek = _derive(password, bytes.fromhex(slot.salt), slot.n, slot.r, slot.p)
    try:
        key = AESGCM(kek).decrypt(bytes.fromhex(slot.nonce), bytes.fromhex(slot.wrapped), _aad(ring, slot))
    except InvalidTag:
        return None
    return key if len(key) == 32 else None


_DUMMY_SALT = b"assist-desktop-no-such-user-salt"


def _spend_dummy(password: str) -> None:
    """The time a real unwrap takes, so the answer's speed does not tell which names have a slot."""
    _derive(password, _DUMMY_SALT, SCRYPT_N, SCRYPT_R, SCRYPT_P)


# --- what the program does with slots ----------------------------------------------------------------


def new_database_key() -> bytes:
    return secrets.token_bytes(32)


def create(db_path: Path | str, key: bytes, *, user_id: str, username: str, password: str,
           label: str = "") -> Keyring:
    """A new key file for a new encrypted database, with its first (administrator's) slot."""
    import uuid  # (its import loads platform: the start reads key files before its first window)

    ring = Keyring(file_id=uuid.uuid4().hex, name_salt=secrets.token_hex(16), label=label)
    ring.slots.append(_make_slot(ring, key, user_id, username, password))
    save(db_path, ring)
    return ring


def set_user_slot(db_path: Path | str, key: bytes, *, user_id: str, username: str, password: str) -> None:
    """Give ``user_id`` a slot for ``password`` (a new user, a reset or a changed password): the old slot
    of that account, if any, is replaced in the same atomic write."""
    ring = load(db_path)
    slot = _make_slot(ring, key, user_id, username, password)
    ring.slots = [s for s in ring.slots if s.user_id != user_id] + [slot]
    save(db_path, ring)


def remove_user_slot(db_path: Path | str, user_id: str) -> bool:
    """The account can no longer open the file (deactivated). True if there was a slot."""
    ring = load(db_path)
    kept = [s for s in ring.slots if s.user_id != user_id]
    if len(kept) == len(ring.slots):
        return False
    ring.slots = kept
    save(db_path, ring)
    return True


def label(db_path: Path | str) -> str:
    """The unit's name the key file carries ("" when unreadable): shown before anyone has logged in."""
    try:
        return load(db_path).label
    except KeyringError:
        return ""


def has_slot(db_path: Path | str, user_id: str) -> bool:
    return load(db_path).find_user(user_id) is not None


def clear_lock(db_path: Path | str, user_id: str) -> None:
    ring = load(db_path)
    slot = ring.find_user(user_id)
    if slot is not None and (slot.failed or slot.locked_until):
        slot.failed, slot.locked_until = 0, None
        save(db_path, ring)


def drop_pending(db_path: Path | str, written: tuple[dict[str, Any], ...]) -> None:
    """Forget the failed logins that the audit log now holds."""
    if not written:
        return
    ring = load(db_path)
    ring.pending = [p for p in ring.pending if p not in written]
    save(db_path, ring)


def unlock(db_path: Path | str, username: str, password: str, *, now: datetime | None = None,
           record: bool = True) -> Unlocked:
    """The database key, if ``password`` is that user's; otherwise ``SlotRefused`` with the users service's
    own messages. ``record``: count the failure and the lock in the key file (False for a backup's file)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    ring = load(db_path)
    slot = ring.find_name(username)
    if slot is None:
        _spend_dummy(password)
        if record:
            _remember(db_path, ring, {"at": now.isoformat(), "user_id": None, "reason": "用户名不存在"})
        raise SlotRefused(f"{BAD_CREDENTIALS}。")
    until = _lock_end(slot, now)
    if until is not None:
        if record:
            _remember(db_path, ring, {"at": now.isoformat(), "user_id": slot.user_id, "reason": "账户已锁定"})
        raise SlotLocked(f"账户已锁定，请于 {format_unlock_time(until)} 后再试。", remaining=0, until=until,
                         user_id=slot.user_id)
    if not _params_allowed(slot):
        raise KeyringError(f"钥匙文件 {sidecar_path(db_path).name} 中该账户的参数低于本程序的安全下限或不合理"
                           "（文件可能被改动），不能用它打开数据库。请由管理员重置该用户的密码，或用恢复密钥打开。")
    key = _unwrap(ring, slot, password)
    if key is None and not record:  # a backup's key file: nothing is counted, so no attempts are promised
        raise SlotRefused(f"{BAD_CREDENTIALS}。", user_id=slot.user_id)
    if key is None:
        if slot.locked_until is not None:  # a lock that has run out: the count starts again
            slot.locked_until, slot.failed = None, 0
        slot.failed += 1
        reason = {"at": now.isoformat(), "user_id": slot.user_id, "reason": "密码错误", "failed": slot.failed}
        if slot.failed >= LOCK_AFTER:
            lock_end = now + timedelta(minutes=LOCK_MINUTES)
            slot.locked_until = lock_end.isoformat()
            if record:
                _remember(db_path, ring, {**reason, "locked_until": slot.locked_until})
            raise SlotLocked(f"密码连续输错 {slot.failed} 次，账户已锁定，请于 {format_unlock_time(lock_end)} 后再试。",
                             remaining=0, until=lock_end, user_id=slot.user_id)
        if record:
            _remember(db_path, ring, reason)
        remaining = LOCK_AFTER - slot.failed
        raise SlotRefused(f"{BAD_CREDENTIALS}，还可尝试 {remaining} 次。", remaining=remaining, user_id=slot.user_id)
    pending = tuple(ring.pending)
    if record and (slot.failed or slot.locked_until):
        slot.failed, slot.locked_until = 0, None
        save(db_path, ring)
    return Unlocked(key=key, user_id=slot.user_id, pending=pending)


def _remember(db_path: Path | str, ring: Keyring, event: dict[str, Any]) -> None:
    ring.pending = (ring.pending + [event])[-MAX_PENDING:]
    save(db_path, ring)


def _lock_end(slot: Slot, now: datetime) -> datetime | None:
    if slot.locked_until is None:
        return None
    until = datetime.fromisoformat(slot.locked_until)
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    # Never longer than LOCK_MINUTES from now, should the clock have been turned back.
    if now < until <= now + timedelta(minutes=LOCK_MINUTES):
        return until
    return None


def format_unlock_time(until: datetime) -> str:
    """The end of a lock as local HH:MM, rounded up to the minute so that "after HH:MM" is true."""
    whole = until.replace(second=0, microsecond=0)
    if whole != until:
        whole += timedelta(minutes=1)
    return whole.astimezone().strftime("%H:%M")


# --- the recovery key ---------------------------------------------------------------------------------


def format_recovery_key(key: bytes) -> str:
    """The database key for paper: 56 characters of Crockford base-32 (no I, L, O, U) in eight groups of
    seven, the last three bytes a SHA-256 checksum so that a typo is caught before anything is tried."""
    data = key + hashlib.sha256(b"assist-desktop recovery" + key).digest()[:3]
    bits = int.from_bytes(data, "big")
    chars = [_CROCKFORD[(bits >> (5 * i)) & 31] for i in range(56)][::-1]
    text = "".join(chars)
    return "-".join(text[i:i + 7] for i in range(0, 56, 7))


def parse_recovery_key(text: str) -> bytes:
    """The database key from a typed recovery key; spaces, dashes, lower case and O/I/L for 0/1 accepted."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(str.maketrans("OIL", "011"))
    if len(cleaned) != 56 or any(c not in _CROCKFORD for c in cleaned):
        raise KeyringError("恢复密钥应为56个字符（8组，每组7个，由数字和字母组成），请核对后重新输入。",
                           field="恢复密钥")
    bits = 0
    for c in cleaned:
        bits = (bits << 5) | _CROCKFORD.index(c)
    data = bits.to_bytes(35, "big")
    key, check = data[:32], data[32:]
    if hashlib.sha256(b"assist-desktop recovery" + key).digest()[:3] != check:
        raise KeyringError("恢复密钥有误（校验不符），请逐组核对后重新输入。", field="恢复密钥")
    return key

