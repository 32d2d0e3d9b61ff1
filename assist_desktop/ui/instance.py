"""One window per database file.

SQLite itself lets two programs share the file safely (WAL, BEGIN IMMEDIATE, versions on every row),
but two windows on one file confuse people: each shows what it read, a save in one is refused as
stale in the other. So the program takes a lock file beside the database (QLockFile: it records the
process and the computer, and a lock left by a program that died — a power cut — is taken over), and a
second start on the same file says where the first one is. Terminal commands do not take it: they
share the file safely through SQLite.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLockFile


class InstanceLock:
    def __init__(self, db_path: Path) -> None:
        self.path = Path(str(db_path) + ".lock")
        self._lock = QLockFile(str(self.path))
        self._lock.setStaleLockTime(0)  # never stale by age: only when its process is gone

    def acquire(self) -> str | None:
        """None when this window may use the file; else the message naming the other instance."""
        if self._lock.tryLock(0):
            return None
        if self._lock.error() != QLockFile.LockError.LockFailedError:
            return None  # no right to write a lock file there: the storage check says what is wrong
        info = self._lock.getLockInfo()  # (pid, host, application), or an empty answer when unreadable
        if isinstance(info, tuple) and len(info) >= 2 and info[0]:
            where = QCoreApplication.translate("Instance", "on computer “{0}”, process {1}").format(info[1], info[0])
        else:
            where = QCoreApplication.translate("Instance", "in another window")
        return QCoreApplication.translate(
            "Instance", "The database {0} is already open {1}. One database can be used in one window at a time: "
            "switch to that window, or close it first.").format(self.path.with_suffix(""), where)

    def release(self) -> None:
        self._lock.unlock()
