"""The encrypted database file: SQLCipher 4 through the ``sqlcipher3`` binding.

Every page of an encrypted file (and of its ``-wal``) is AES-256 encrypted and HMAC-SHA512
authenticated; without the key the file is random bytes from its first byte on (not even the
``SQLite format 3`` header is left). The key is 32 random bytes given to SQLCipher as a raw key
(``x'…'``), so SQLCipher's own PBKDF2 is not run at each connection: the password-derived work is
done once per login, by the key slot (``storage.keyslots``).

A file without a key is an ordinary SQLite file opened with the standard ``sqlite3`` module (the demo
database, the test suite's own files, a database from before encryption).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import ModuleType
from typing import Any

SQLITE_HEADER = b"SQLite format 3\x00"
KEY_BYTES = 32

_module: ModuleType | None = None


def sqlcipher() -> ModuleType:
    """``sqlcipher3.dbapi2``, imported on first use (plain files never need it)."""
    global _module
    if _module is None:
        import sqlcipher3.dbapi2 as module

        probe = module.connect(":memory:")
        try:
            # A wrong key is an answer we give in Chinese; SQLCipher's own log would also print
            # "hmac check failed" lines on stderr (the setting is process-wide).
            probe.execute("PRAGMA cipher_log_level = NONE")
        finally:
            probe.close()
        _module = module
    return _module


def error_types() -> tuple[type[BaseException], ...]:
    """The DB-API errors of both drivers (``except error_types()`` where ``sqlite3.Error`` was caught)."""
    if _module is None:
        return (sqlite3.Error,)
    return (sqlite3.Error, _module.Error)


def database_error_types() -> tuple[type[BaseException], ...]:
    if _module is None:
        return (sqlite3.DatabaseError,)
    return (sqlite3.DatabaseError, _module.DatabaseError)


def key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def apply_key(conn: Any, key: bytes) -> None:
    """Key a fresh SQLCipher connection: the first statement on it, before anything reads the file."""
    conn.execute(key_pragma(key))


def connect(database: str | Path, key: bytes | None, *, through_sqlcipher: bool = False, **kwargs: Any) -> Any:
    """A DB-API connection: SQLCipher keyed with ``key``, or plain ``sqlite3`` when ``key`` is None.

    ``through_sqlcipher``: a plain file opened by the SQLCipher module all the same — the backup API copies
    only between connections of one library (a plain backup restored into an encrypted database).
    """
    if key is None:
        if through_sqlcipher:
            return sqlcipher().connect(str(database), **kwargs)
        return sqlite3.connect(database, **kwargs)
    conn = sqlcipher().connect(str(database), **kwargs)
    try:
        apply_key(conn, key)
    except BaseException:
        conn.close()
        raise
    return conn


def has_plain_header(path: Path) -> bool:
    """True when the file starts like an unencrypted SQLite database (an encrypted one starts with its salt)."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def key_opens(path: Path, key: bytes) -> bool:
    """Whether ``key`` decrypts the file (its first page authenticates)."""
    from assist_desktop.storage.engine import sqlite_uri

    try:
        conn = connect(sqlite_uri(path, "ro"), key, uri=True)
    except database_error_types():
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except database_error_types():
        return False
    finally:
        conn.close()


def export_encrypted(plain: Path, target: Path, key: bytes) -> None:
    """Write an encrypted copy of the plain database ``plain`` to ``target`` (which must not exist).

    ``sqlcipher_export`` copies schema and rows but not the header fields: the application id and the
    user version are set on the copy by hand.
    """
    from assist_desktop.storage.engine import sqlite_uri

    module = sqlcipher()
    conn = module.connect(sqlite_uri(plain, "ro"), uri=True)  # no key: read as the plain file it is
    try:
        conn.isolation_level = None
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("ATTACH DATABASE ? AS encrypted KEY \"x'" + key.hex() + "'\"", (str(target),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.application_id = {int(app_id)}")
        conn.execute(f"PRAGMA encrypted.user_version = {int(user_version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
