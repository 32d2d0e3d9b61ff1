"""One database file, several programs: who has it open, and a restore that waits for nobody to.

SQLite lets the window and terminal commands write the same file safely, one transaction at a time. What it
cannot do is let a restore replace the file while another program still uses it: that program's next commit
would land in the restored file, or its last one be lost with the file it went into. So every program that
opens the file (``storage.engine.Database``: the window, every terminal command) holds a *shared* lock on
``<file>.inuse/lock`` while it does, and a restore takes it *exclusively* — made with the safety backup under
it — so that nothing committed is lost.

Beside the lock, each process keeps a small record (``<file>.inuse/<host>-<pid>.json``: computer, process,
program, user, partial files it is writing), itself locked while the process lives, so that a busy file is
reported by name ("计算机“X”上的进程 1234：命令行 ledger import，用户 李娜"), and what a killed program left
(``backups/*.partial``, a half-written sync package) is found and removed at the next start, by the first
program to open the file while no other has it open.

POSIX record locks (``fcntl.lockf``) belong to the process and go when any descriptor of the file closes, so
each process opens the lock file once (a registry, reference-counted per database); Windows uses LockFileEx on
the same bytes, converting a lock through a gate byte (see the lock primitive). SQLite-only: a PostgreSQL server has its own locks (the engine does not call this there).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from assist_desktop.domain.errors import DomainError

SHARED_WAIT_SECONDS = 30.0  # a terminal command or the window waits this long for a restore to finish
EXCLUSIVE_WAIT_SECONDS = 10.0  # a restore waits this long for other programs to finish
POLL_SECONDS = 0.1
LIVE_BYTE = 1 << 20  # the byte a record's owner keeps locked: beyond its text, so others can read it
FOLDER_SUFFIX = ".inuse"
WINDOW = "程序窗口"

Notice = Callable[[str], None]
Pulse = Callable[[], None]


class FileBusy(DomainError):
    """The database is in use by another program in a way that stops this one."""


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    program: str
    user: str
    since: str
    partials: tuple[str, ...] = ()

    def describe(self) -> str:
        who = f"，用户 {self.user}" if self.user else ""
        return f"计算机“{self.host}”上的进程 {self.pid}（{self.program or '本程序'}{who}）"


# --- the lock primitive ---------------------------------------------------------------------------------
#
# Byte 0 of the lock file is the lock itself (shared: the file is open; exclusive: restored or cleaned up).
# Byte 1 is a gate: every *exclusive* request on byte 0 and every conversion is made holding it. POSIX
# converts a lock in place, atomically; Windows does not (LockFileEx only adds locks, UnlockFileEx only takes
# them away), so a conversion there lets go of byte 0 and takes the other kind — and in that gap another
# program's exclusive request could land, restoring the file under an open one, or leave this program unable
# to take its old lock back. Through the gate nobody else can ask for byte 0 exclusively during the gap, so
# the old kind can always be taken back.

GATE_BYTE = 1

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import ctypes
    import msvcrt
    from ctypes import wintypes

    class _Overlapped(ctypes.Structure):
        # OVERLAPPED: two ULONG_PTR, the union of {Offset, OffsetHigh} with a PVOID (8 bytes either way), HANDLE
        _fields_ = [("Internal", ctypes.c_size_t), ("InternalHigh", ctypes.c_size_t), ("Offset", wintypes.DWORD),
                    ("OffsetHigh", wintypes.DWORD), ("hEvent", wintypes.HANDLE)]

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    # Declared, not left to ctypes' default (a C int): a HANDLE is 64 bits on 64-bit Windows.
    _kernel32.LockFileEx.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
                                     wintypes.DWORD, ctypes.POINTER(_Overlapped)]
    _kernel32.LockFileEx.restype = wintypes.BOOL
    _kernel32.UnlockFileEx.argtypes = [wintypes.HANDLE, wintypes.DWORD, wintypes.DWORD, wintypes.DWORD,
                                       ctypes.POINTER(_Overlapped)]
    _kernel32.UnlockFileEx.restype = wintypes.BOOL
    _LOCKFILE_FAIL_IMMEDIATELY, _LOCKFILE_EXCLUSIVE_LOCK = 0x1, 0x2
    _ERROR_LOCK_VIOLATION, _ERROR_NOT_LOCKED = 33, 158

    def _overlapped(offset: int) -> _Overlapped:
        return _Overlapped(0, 0, offset & 0xFFFFFFFF, offset >> 32, None)

    def _handle(fh: IO[Any]) -> int:
        return msvcrt.get_osfhandle(fh.fileno())

    def _try_lock(fh: IO[Any], exclusive: bool, offset: int = 0) -> bool:
        flags = _LOCKFILE_FAIL_IMMEDIATELY | (_LOCKFILE_EXCLUSIVE_LOCK if exclusive else 0)
        if _kernel32.LockFileEx(_handle(fh), flags, 0, 1, 0, ctypes.byref(_overlapped(offset))):
            return True
        error = ctypes.get_last_error()
        if error == _ERROR_LOCK_VIOLATION:  # held by another handle: what FAIL_IMMEDIATELY reports
            return False
        raise ctypes.WinError(error)  # a bad handle or a file system without locks: not "busy" for ever

    def _unlock(fh: IO[Any], offset: int = 0) -> None:
        if not _kernel32.UnlockFileEx(_handle(fh), 0, 1, 0, ctypes.byref(_overlapped(offset))):
            error = ctypes.get_last_error()
            if error != _ERROR_NOT_LOCKED:
                raise ctypes.WinError(error)
else:
    import errno
    import fcntl

    def _try_lock(fh: IO[Any], exclusive: bool, offset: int = 0) -> bool:
        try:
            fcntl.lockf(fh, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB, 1, offset)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EAGAIN):
                return False
            raise
        return True

    def _unlock(fh: IO[Any], offset: int = 0) -> None:
        fcntl.lockf(fh, fcntl.LOCK_UN, 1, offset)


def _try_exclusive(fh: IO[Any]) -> bool:
    """Byte 0 exclusively, asked for through the gate (never inside another program's conversion)."""
    if not _try_lock(fh, True, GATE_BYTE):
        return False
    try:
        return _try_lock(fh, True)
    finally:
        _unlock(fh, GATE_BYTE)


def _convert_in_place(fh: IO[Any], exclusive: bool) -> bool:
    """POSIX: one lockf converts the held lock; a refused request keeps the old one."""
    return _try_lock(fh, exclusive)


def _convert_by_release(fh: IO[Any], exclusive: bool) -> bool:
    """Windows: let go of byte 0 and take the other kind, holding the gate, so that the old kind can always be
    taken back when the new one is refused. False (the old kind kept) when the gate or the new kind is busy."""
    if not _try_lock(fh, True, GATE_BYTE):
        return False
    try:
        _unlock(fh)
        if _try_lock(fh, exclusive):
            return True
        if not _try_lock(fh, not exclusive):  # pragma: no cover - nobody takes byte 0 exclusively past the gate
            raise OSError("the database's lock was lost while converting it")
        return False
    finally:
        _unlock(fh, GATE_BYTE)


_convert = _convert_by_release if os.name == "nt" else _convert_in_place


def _downgrade(fh: IO[Any]) -> None:
    """Exclusive to shared: never refused in itself; on Windows it may wait a moment for the gate."""
    while not _convert(fh, False):
        time.sleep(0.01)


# --- this process's hold on each database ------------------------------------------------------------------

_program = ""
_user = ""
_notice: Notice | None = None
_pulse: Pulse | None = None
_over: Pulse | None = None
_mutex = threading.RLock()


def set_program(description: str) -> None:
    """How other programs see this one ("程序窗口", "命令行 ledger import")."""
    global _program
    _program = description
    _rewrite_records()


def set_user(name: str) -> None:
    """The person logged in, named to other programs that find the file busy."""
    global _user
    _user = name
    _rewrite_records()


def set_waiting_notice(notice: Notice | None, *, pulse: Pulse | None = None, over: Pulse | None = None) -> None:
    """Where to say that this program waits for another (a terminal prints it; None: say nothing). ``pulse`` is
    called, in the waiting thread, every fraction of a second while the wait lasts (the window keeps painting),
    ``over`` once when a wait that was said ends, whichever way it ends."""
    global _notice, _pulse, _over
    _notice, _pulse, _over = notice, pulse, over


def _say(text: str) -> None:
    if _notice is not None:
        _notice(text)


def still_waiting() -> None:
    """Called by a wait between its tries."""
    if _pulse is not None:
        _pulse()


def waiting_over() -> None:
    """Called once when a wait that was said (``_say``) ends: the write goes ahead, or is refused."""
    if _over is not None:
        _over()


def folder_of(db_path: Path) -> Path:
    return Path(str(Path(db_path).absolute()) + FOLDER_SUFFIX)


# socket and json are loaded where a lock is first held (behind the login window): the start imports this
# module before its first window for the busy file's notice (ui.shell.waiting), and every import there counts


def _record_name() -> str:
    import socket

    host = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in socket.gethostname())[:60]
    return f"{host}-{os.getpid()}.json"


@dataclass
class _Hold:
    folder: Path
    lock: IO[Any]
    record: IO[Any] | None
    shared: int = 0
    exclusive: int = 0
    partials: list[str] = field(default_factory=list)
    since: str = field(default_factory=lambda: time.strftime("%Y-%m-%d %H:%M:%S"))  # local time

    def write_record(self) -> None:
        if self.record is None:
            return
        import json
        import socket

        text = json.dumps({"host": socket.gethostname(), "pid": os.getpid(), "program": _program, "user": _user,
                           "since": self.since, "partials": self.partials}, ensure_ascii=False)
        with contextlib.suppress(OSError):
            self.record.seek(0)
            self.record.truncate()
            self.record.write(text)
            self.record.flush()


_holds: dict[Path, _Hold] = {}


def _rewrite_records() -> None:
    with _mutex:
        for hold in _holds.values():
            hold.write_record()


def _open_hold(db_path: Path) -> _Hold | None:
    folder = folder_of(db_path)
    try:
        folder.mkdir(exist_ok=True)
        lock = open(folder / "lock", "a+")  # noqa: SIM115 - kept open while the process uses the database
    except OSError:
        return None  # a folder that cannot be written: the storage check at open says what is wrong
    record = None
    with contextlib.suppress(OSError):
        record = open(folder / _record_name(), "w+", encoding="utf-8")  # noqa: SIM115
        if not _try_lock(record, True, LIVE_BYTE):  # pragma: no cover - a pid reused within the same second
            record.close()
            record = None
    return _Hold(folder, lock, record)


def _close_hold(db_path: Path, hold: _Hold) -> None:
    with contextlib.suppress(OSError):
        _unlock(hold.lock)
    hold.lock.close()
    if hold.record is not None:
        name = Path(hold.record.name)
        hold.record.close()
        with contextlib.suppress(OSError):
            name.unlink()
    _holds.pop(db_path, None)


def _key(db_path: Path | str) -> Path:
    return Path(db_path).absolute()


def acquire_shared(db_path: Path | str, *, wait: float | None = None) -> bool:
    """Take this process's shared hold on the database (counted); waits while another program restores it.
    False when no lock could be made there (read-only folder): the caller goes on without it."""
    key = _key(db_path)
    with _mutex:
        hold = _holds.get(key)
        if hold is not None:
            hold.shared += 1
            return True
        hold = _open_hold(key)
        if hold is None:
            return False
        try:
            if _try_exclusive(hold.lock):  # nobody else has the file open: clean up after killed programs
                clean_leftovers(key, hold)
                _downgrade(hold.lock)
            else:
                _wait_for(key, hold, exclusive=False, wait=SHARED_WAIT_SECONDS if wait is None else wait,
                          doing="打开")
        except BaseException:
            _close_hold(key, hold)
            raise
        hold.shared = 1
        _holds[key] = hold
        hold.write_record()
        return True


def release_shared(db_path: Path | str) -> None:
    key = _key(db_path)
    with _mutex:
        hold = _holds.get(key)
        if hold is None:
            return
        hold.shared -= 1
        if hold.shared <= 0 and hold.exclusive <= 0:
            _close_hold(key, hold)


@contextlib.contextmanager
def shared(db_path: Path | str) -> Iterator[None]:
    held = acquire_shared(db_path)
    try:
        yield
    finally:
        if held:
            release_shared(db_path)


@contextlib.contextmanager
def exclusive(db_path: Path | str, *, doing: str, wait: float | None = None) -> Iterator[None]:
    """The database to this process alone (a restore): refused, naming them, while other programs keep it open
    past ``wait`` seconds (default EXCLUSIVE_WAIT_SECONDS)."""
    key = _key(db_path)
    wait = EXCLUSIVE_WAIT_SECONDS if wait is None else wait
    with _mutex:
        hold = _holds.get(key)
        fresh = hold is None
        if fresh:
            hold = _open_hold(key)
        if hold is None:  # no lock can be made there: the storage check says what is wrong
            locked = False
        else:
            locked = True
            _holds[key] = hold
    if not locked:
        yield
        return
    assert hold is not None
    with _mutex:
        try:
            if hold.exclusive == 0:
                got = _try_exclusive(hold.lock) if fresh else _convert(hold.lock, True)
                if not got:
                    _wait_for(key, hold, exclusive=True, wait=wait, doing=doing, converting=not fresh)
        except BaseException:
            if fresh:
                _close_hold(key, hold)
            raise
        hold.exclusive += 1
        hold.write_record()
    try:
        yield
    finally:
        with _mutex:
            hold.exclusive -= 1
            if hold.exclusive == 0:
                if hold.shared > 0:
                    _downgrade(hold.lock)
                else:
                    _close_hold(key, hold)


def _wait_for(key: Path, hold: _Hold, *, exclusive: bool, wait: float, doing: str, converting: bool = False) -> None:
    """Wait up to ``wait`` seconds for the lock, saying once whom we wait for; FileBusy naming them after."""
    others = holders(key)
    named = "；".join(h.describe() for h in others) or "另一个程序"
    if exclusive:
        _say(f"数据库正由{named}使用，等待其结束后再{doing}（最多 {wait:.0f} 秒）…")
    else:
        _say(f"数据库正由{named}恢复备份或独占使用，等待其完成（最多 {wait:.0f} 秒）…")
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            if converting:
                got = _convert(hold.lock, exclusive)
            else:
                got = _try_exclusive(hold.lock) if exclusive else _try_lock(hold.lock, False)
            if got:
                return
            still_waiting()
    finally:
        waiting_over()
    others = holders(key) or others
    named = "；".join(h.describe() for h in others) or "另一个程序"
    if exclusive:
        raise FileBusy(f"数据库 {key.name} 正由{named}使用，等了 {wait:.0f} 秒仍未结束，不能{doing}。"
                       f"请先关闭该程序（或等它完成），再{doing}；数据库未改动。")
    raise FileBusy(f"数据库 {key.name} 正由{named}恢复备份或独占使用，等了 {wait:.0f} 秒仍未完成。"
                   "请等它结束后重试。")


# --- who else has the file open ----------------------------------------------------------------------------------


def _records(folder: Path) -> Iterator[tuple[Path, bool]]:
    """Each record beside the lock, and whether its process still lives (it keeps the record locked)."""
    own = _record_name()
    try:
        entries = list(folder.glob("*.json"))
    except OSError:
        return
    for entry in entries:
        if entry.name == own:
            continue
        try:
            with open(entry, "r+", encoding="utf-8") as fh:
                alive = not _try_lock(fh, True, LIVE_BYTE)
                if not alive:
                    _unlock(fh, LIVE_BYTE)
        except OSError:
            continue
        yield entry, alive


def _read(entry: Path) -> Holder | None:
    import json

    try:
        doc = json.loads(entry.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict):
        return None
    partials = doc.get("partials") if isinstance(doc.get("partials"), list) else []
    return Holder(str(doc.get("host", "?")), int(doc.get("pid", 0) or 0), str(doc.get("program", "")),
                  str(doc.get("user", "")), str(doc.get("since", "")), tuple(str(p) for p in partials))


def holders(db_path: Path | str) -> list[Holder]:
    """The other programs that have the database open now (the killed ones' records are left out)."""
    found = []
    for entry, alive in _records(folder_of(_key(db_path))):
        if alive and (holder := _read(entry)) is not None:
            found.append(holder)
    return found


def busy_message(db_path: Path | str, waited: float) -> str:
    """What a caseworker reads when another program kept the database's write lock past the wait."""
    others = holders(db_path)
    named = "；".join(h.describe() for h in others) if others else "另一个程序"
    return (f"数据库 {Path(db_path).name} 正由{named}写入，等了 {waited:.0f} 秒仍未完成，本次操作没有进行，"
            "数据库保持原样。请等它结束后重试。")


def waiting_notice(db_path: Path | str, waiting: float) -> None:
    others = holders(db_path)
    named = "；".join(h.describe() for h in others) if others else "另一个程序"
    _say(f"数据库正由{named}写入，等待其完成（最多 {waiting:.0f} 秒）…")


# --- what killed programs left ---------------------------------------------------------------------------------------


def clean_leftovers(db_path: Path, hold: _Hold | None = None) -> list[Path]:
    """Remove what killed programs left: half-written backups (``backups/<name>-….partial``), the partial files
    their records list (a half-written sync package), and their records. Only while no other program has the
    database open (the caller holds the lock exclusively)."""
    removed: list[Path] = []
    folder = folder_of(db_path)
    for entry, alive in list(_records(folder)):
        if alive:
            continue
        holder = _read(entry)
        for partial in holder.partials if holder else ():
            target = Path(partial)
            if target.name.endswith(".partial") and target.is_file():
                with contextlib.suppress(OSError):
                    target.unlink()
                    removed.append(target)
        with contextlib.suppress(OSError):
            entry.unlink()
    backups = Path(db_path).parent / "backups"
    with contextlib.suppress(OSError):
        for partial in backups.glob(f"{_glob_escape(Path(db_path).stem)}-*.partial"):
            with contextlib.suppress(OSError):
                partial.unlink()
                removed.append(partial)
    return removed


def _glob_escape(text: str) -> str:
    import glob

    return glob.escape(text)


def database_path(bind: Any) -> Path | None:
    """The file of an SQLite engine or connection (None for another database server)."""
    url = getattr(bind, "url", None) or getattr(getattr(bind, "engine", None), "url", None)
    if url is None or url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database)


@contextlib.contextmanager
def partial_file(db_path: Path | str | None, partial: Path) -> Iterator[None]:
    """While ``partial`` is written, this process's record lists it: if the process is killed, the next program
    to open the database alone removes it."""
    key = _key(db_path) if db_path else None
    with _mutex:
        hold = _holds.get(key) if key else None
        if hold is not None:
            hold.partials.append(str(Path(partial).absolute()))
            hold.write_record()
    try:
        yield
    finally:
        if hold is not None:
            with _mutex:
                with contextlib.suppress(ValueError):
                    hold.partials.remove(str(Path(partial).absolute()))
                hold.write_record()
