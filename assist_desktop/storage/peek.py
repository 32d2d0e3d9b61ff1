"""A first look at the database file before the program opens it: whose it is, with sqlite3 alone.

The login window is the first thing a caseworker sees; it names the unit. Opening the file the full way
(SQLAlchemy, the models, the schema check and upgrade) takes the better part of a second on an office PC,
so the window is shown from this look — the standard library's sqlite3, read-only, a few milliseconds —
and the full opening runs while the password is typed (``ui.start``). Anything unusual (not our file, a
damaged header, no unit yet) is left to the full opening, which refuses or asks with its own messages.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID = 0x41535354  # 'ASST', as storage.engine marks the program's files
# the local unit's name (services.setup.LOCAL_UNIT_KEY); storage.server_peek reads it from a server the same way
UNIT_NAME = "SELECT u.name FROM meta m JOIN org_unit u ON u.id = m.value WHERE m.key = 'local_unit_id'"
SIDECAR_SUFFIX = ".keys"  # an encrypted file's key file beside it (storage.keyslots)


def sidecar_path(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + SIDECAR_SUFFIX)


def has_key_file(db_path: Path | str | object) -> bool:
    """Whether the database is encrypted by the program (its key file is beside it); here rather than in
    ``storage.keyslots`` (hashlib, hmac, secrets) so that the start's first look loads nothing more."""
    if not isinstance(db_path, (Path, str)):
        return False  # a server database (storage.location.ServerAddress) is not SQLCipher: no key slots
    return sidecar_path(db_path).is_file()


@dataclass(frozen=True)
class Peek:
    """What the file says of itself: the local unit's name (None: no unit yet — the first run)."""

    unit_name: str | None


def peek(path: Path) -> Peek | None:
    """The unit a database file belongs to, read-only; None where only the full opening can tell (the file is
    missing or empty, not ours, damaged, or a schema this look does not know)."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        with path.open("rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return None
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                return None
            row = conn.execute(UNIT_NAME).fetchone()
        finally:
            conn.close()
    except (OSError, sqlite3.Error, UnicodeDecodeError):
        return None
    return Peek(row[0] if row else None)
