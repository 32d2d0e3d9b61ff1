"""Where the database lives: a place the program can write, with room to write — and what a caseworker
reads when the disk fills up or turns read-only in the middle of work.

SQLite needs to write beside the file as well as into it (the ``-wal`` and ``-shm`` files of WAL mode,
backups in ``backups/``), so a read-only file, a read-only folder (a CD, a write-protected USB stick, a
network share without rights) and a nearly full disk are refused at the start with a message rather
than failing later at the first save. A write that still hits a full disk is rolled back by SQLite
(the journal guarantees the file is unchanged) and reported as ``StorageFull``.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from assist_desktop.domain.errors import DomainError

# Below this much free space the program does not start: an upgrade, a backup or a bulk import could
# not finish, and a county office PC with a full disk should be cleaned before work goes on.
MIN_FREE_BYTES = 64 * 2**20

_SQLITE_FULL, _SQLITE_READONLY, _SQLITE_IOERR = 13, 8, 10


class StorageProblem(DomainError):
    """The disk or folder of the database cannot take a write."""


class StorageFull(StorageProblem):
    pass


class StorageReadOnly(StorageProblem):
    pass


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def check_location(path: Path, *, min_free: int = MIN_FREE_BYTES) -> None:
    """Refuse a database whose folder cannot be written or whose disk is (nearly) full."""
    folder = path.parent if path.parent != Path("") else Path(".")
    if not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageReadOnly(f"无法建立数据文件夹 {folder}（{exc.strerror or exc}）。"
                                  "请选择本机硬盘上可以写入的位置。") from exc
    if path.exists() and not os.access(path, os.W_OK):
        raise StorageReadOnly(f"数据库文件 {path} 是只读的（可能在光盘、写保护的U盘上，或被设为只读），"
                              "本程序需要在其中保存数据。请把它复制到本机硬盘后再打开，或取消文件的只读属性。")
    try:  # os.access does not know about read-only mounts on every system: try for real
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".assist-probe-"):
            pass
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise StorageFull(f"数据库所在磁盘（{folder}）已满，无法保存任何数据。请先清理磁盘空间。") from exc
        raise StorageReadOnly(f"数据库所在文件夹 {folder} 无法写入（{exc.strerror or exc}）：可能在光盘、"
                              "写保护的U盘或没有权限的共享文件夹上。请把数据库复制到本机硬盘后再打开。") from exc
    free = shutil.disk_usage(folder).free
    if free < min_free:
        raise StorageFull(f"数据库所在磁盘（{folder}）只剩 {_mb(free)} 空间，不足 {_mb(min_free)}，"
                          "升级、备份和批量导入都可能无法完成。请先清理磁盘空间，再打开本程序。")


def _sqlite_code(exc: BaseException) -> int | None:
    inner = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
    if isinstance(inner, sqlite3.Error):
        code = getattr(inner, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF  # extended codes keep the primary code in the low byte
        text = str(inner).lower()
        if "disk is full" in text:
            return _SQLITE_FULL
        if "readonly" in text or "read-only" in text:
            return _SQLITE_READONLY
    if isinstance(inner, OSError) and inner.errno == errno.ENOSPC:
        return _SQLITE_FULL
    return None


def storage_error(exc: BaseException) -> DomainError | None:
    """The caseworker's message for a write that failed because of the disk (or, on a server, its disk or
    the connection to it), or None for anything else."""
    from assist_desktop.storage.server import write_problem  # psycopg is imported only for a server

    problem = write_problem(exc)
    if problem is not None:
        return problem
    code = _sqlite_code(exc)
    if code == _SQLITE_FULL:
        return StorageFull("磁盘空间已满，本次操作没有保存，数据库保持原样。请清理磁盘空间后重试。")
    if code == _SQLITE_READONLY:
        return StorageReadOnly("数据库当前无法写入（文件或磁盘变为只读），本次操作没有保存，数据库保持原样。"
                               "请检查磁盘或U盘是否被拔出、写保护。")
    if code == _SQLITE_IOERR:
        return StorageProblem("读写磁盘出错，本次操作没有保存，数据库保持原样。请检查磁盘后重试。")
    return None
