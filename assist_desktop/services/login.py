"""Logging in to a database file, encrypted or not: the one function the window and the terminal share.

For an encrypted file the password opens the user's key slot first (one scrypt, ``storage.keyslots``),
the database is opened with the key it gives, and the users service records the login — without
hashing the password a second time. A plain file (the demo; a file from before encryption) is opened
and the password checked against the stored hash, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assist_desktop.services.users import AccountLocked, AuthenticationFailed, authenticate, record_refused_unlock
from assist_desktop.storage import keyslots
from assist_desktop.storage.engine import Database
from assist_desktop.storage.location import ServerAddress, parse_location
from assist_desktop.storage.models import User
from assist_desktop.storage.schema import open_database


@dataclass
class Login:
    db: Database
    user: User  # detached from any session
    opened: bool  # this call opened ``db`` (the caller closes it)


def log_in(db_path: Path | str | ServerAddress, username: str, password: str, *, db: Database | None = None,
           backup_dir: Path | None = None, now: datetime | None = None) -> Login:
    """Log ``username`` in to the database at ``db_path`` — opening it, unless ``db`` is already open
    (switching user). Raises ``AuthenticationFailed`` (or ``AccountLocked``) with the users service's
    messages, or the storage layer's refusal of the file."""
    location = parse_location(db_path)
    opened = False
    if isinstance(location, ServerAddress) or not keyslots.is_encrypted(location):
        # a server database is not SQLCipher: the server's own login guards it, the password is checked here
        # against the stored hash as on a plain file
        if db is None:
            db, opened = open_database(location, backup_dir), True
        return _record(db, opened, username, password, now, None)
    db_path = Path(location)
    try:
        unlocked = keyslots.unlock(db_path, username, password, now=now)
    except keyslots.SlotRefused as exc:
        if db is not None:  # the database is open: the attempt goes to the audit log now
            pending = tuple(keyslots.load(db_path).pending)
            with db.session() as session:
                record_refused_unlock(session, pending)
        if isinstance(exc, keyslots.SlotLocked) and exc.until is not None:
            raise AccountLocked(exc.message, until=exc.until) from exc
        raise AuthenticationFailed(exc.message, remaining=exc.remaining) from exc
    if db is not None and db.key != unlocked.key:
        raise keyslots.KeyringError("钥匙文件与已打开的数据库不符（数据库或 .keys 文件可能被替换），请重新启动程序。")
    if db is None:
        db, opened = open_database(db_path, backup_dir, key=unlocked.key), True
    return _record(db, opened, username, password, now, unlocked)


def _record(db: Database, opened: bool, username: str, password: str, now: datetime | None,
            unlocked: keyslots.Unlocked | None) -> Login:
    try:
        with db.session() as session:
            user = authenticate(session, username, password, now=now, unlocked=unlocked)
            session.expunge(user)
    except BaseException:
        if opened:
            db.close()
        raise
    return Login(db, user, opened)
