"""Owner-only files and folders: the data folder 0700; the database, its -wal/-shm, key files, backups and
exports 0600 (on Linux; on Windows the user's own profile folder already keeps other users out).

SQLite gives a new -wal and -shm the permissions of their database file, so a database file made here
empty with 0600 before SQLite first opens it keeps everything beside it private as well.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
POSIX = os.name == "posix"


def private_folder(path: Path, *, tighten: bool = True) -> Path:
    """Make ``path`` (and missing parents) with 0700; an existing folder is tightened to 0700 too unless
    ``tighten`` is False (a folder the caseworker chose for other things as well)."""
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if POSIX and (tighten or not existed):
        with contextlib.suppress(OSError):  # a folder owned by someone else: the files stay 0600 anyway
            if stat.S_IMODE(path.stat().st_mode) != FOLDER_MODE:
                os.chmod(path, FOLDER_MODE)
    return path


def restrict(path: Path) -> None:
    """0600 on an existing file (a database or backup made by an older version with 0644)."""
    if POSIX:
        with contextlib.suppress(FileNotFoundError):
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                os.chmod(path, FILE_MODE)


def precreate(path: Path) -> None:
    """An empty file with 0600 for SQLite to open, so that it (and its -wal, -shm) are private from birth."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


def open_private(path: Path, mode: str = "wb"):  # type: ignore[no-untyped-def]
    """``open(path, mode)`` for writing a new or replaced file that only its owner can read."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0), FILE_MODE)
    restrict(path)  # an existing file keeps its old mode through os.open
    return os.fdopen(fd, mode)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, rename) with 0600."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open_private(tmp) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if POSIX:
        with contextlib.suppress(OSError):
            fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def secure_database_files(db_path: Path) -> None:
    """The database and everything beside it that holds its data: 0600."""
    for suffix in ("", "-wal", "-shm", "-journal", ".keys"):
        restrict(Path(f"{db_path}{suffix}"))
