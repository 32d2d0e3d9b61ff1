"""Turning a plain database (from before encryption) into an encrypted one, and what a crash left behind.

Encrypting an existing file: its key file is written first (the administrator's slot wraps the new key),
then an encrypted copy is made beside the database with ``sqlcipher_export`` and checked, then it takes the
database's place in one rename; the plain backups are then encrypted one by one the same way. A crash at
any point leaves either the plain database with its key file — the next login with that password finishes
the work (``open_database`` calls ``finish_encryption``) — or the encrypted one. Copies a crash may leave
(``*.encrypting-PID``, ``*.restoring``, a plain ``*.partial`` of a backup from before) are removed at the
next start once their process is gone; a plain backup found beside an encrypted database is encrypted.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from pathlib import Path

from assist_desktop.storage import cipher, keyslots
from assist_desktop.storage.private import restrict

_STAGED = re.compile(r"\.(?:encrypting|restoring)(?:-(?P<pid>\d+))?$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def encrypt_file_in_place(path: Path, key: bytes) -> None:
    """Replace the plain SQLite file ``path`` by an encrypted copy under ``key`` (one rename)."""
    _checkpoint(path)
    staged = path.with_name(f"{path.name}.encrypting-{os.getpid()}")
    staged.unlink(missing_ok=True)
    try:
        cipher.export_encrypted(path, staged, key)
        restrict(staged)
        if not cipher.key_opens(staged, key):  # pragma: no cover - guards a failing disk
            raise OSError(f"the encrypted copy of {path} does not open")
        os.replace(staged, path)
    except BaseException:
        with contextlib.suppress(OSError):
            staged.unlink()
        raise
    for suffix in ("-wal", "-shm"):  # the plain file's, emptied by the checkpoint
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def finish_encryption(db_path: Path, key: bytes, backup_dir: Path | None = None) -> None:
    """The database and its backups all encrypted under ``key``; leftovers of a crash removed.

    Cheap when there is nothing to do (a directory listing and 16 bytes read per backup)."""
    if db_path.is_file() and db_path.stat().st_size and cipher.has_plain_header(db_path):
        encrypt_file_in_place(db_path, key)
    remove_leftovers(db_path, backup_dir)
    backups = backup_dir or db_path.parent / "backups"
    if not backups.is_dir():
        return
    ring = None
    for entry in sorted(backups.iterdir()):
        if entry.name.startswith(db_path.stem) and entry.suffix == ".partial" and cipher.has_plain_header(entry):
            entry.unlink(missing_ok=True)  # a plain copy a killed backup of the plain file left
        elif entry.suffix == ".sqlite" and entry.is_file() and cipher.has_plain_header(entry):
            encrypt_file_in_place(entry, key)
            if ring is None:
                ring = keyslots.load(db_path)
            keyslots.save(db_path, ring, live_state=False, target=keyslots.sidecar_path(entry))


def remove_leftovers(db_path: Path, backup_dir: Path | None = None) -> list[Path]:
    """Staged copies (``.encrypting-PID``, ``.restoring``) whose process is gone, beside the database and in
    its backups, and temporary key files. Returns what was removed."""
    removed = []
    folders = [db_path.parent, backup_dir or db_path.parent / "backups"]
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            match = _STAGED.search(entry.name)
            temp_key = entry.name.startswith(".") and entry.name.endswith(".tmp") and ".keys." in entry.name
            if not (match or temp_key):
                continue
            pid = match["pid"] if match else entry.name.rsplit(".", 2)[-2]
            if pid and pid.isdigit() and _alive(int(pid)):
                continue
            with contextlib.suppress(OSError):
                entry.unlink()
                removed.append(entry)
    return removed
