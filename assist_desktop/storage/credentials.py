"""The password of a server database: never written to the PC in plain text.

It is asked at the start (a dialog, or the terminal) and kept in memory only — unless the caseworker asks
the program to remember it, and the operating system has a keyring to keep it in: Windows' Credential
Manager, the Secret Service of UOS/Kylin/GNOME/KDE, macOS' Keychain (the ``keyring`` package). Without such
a keyring (a bare Linux, a test machine) nothing is remembered and the password is asked every time.
libpq's own sources (``PGPASSWORD``, ``~/.pgpass``, which an IT person may set up deliberately) are honoured
first, since psycopg reads them before the server asks.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from assist_desktop.storage.location import ServerAddress

log = logging.getLogger(__name__)
SERVICE = "AssistDesktop"

Ask = Callable[[ServerAddress, str | None], str | None]  # (address, why the last try failed) → password or None
T = TypeVar("T")
Look = Callable[[Any], T]  # what to read on the connection that proved the password (a psycopg connection)


def _backend():  # type: ignore[no-untyped-def]
    """The OS keyring, or None where there is none worth the name (the fail and plaintext backends)."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # noqa: BLE001 - no keyring package: nothing to remember with
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return None
    name = type(backend).__module__ + "." + type(backend).__name__
    if isinstance(backend, fail.Keyring) or "plaintext" in name.lower() or "null" in name.lower():
        return None
    if getattr(backend, "priority", 1) <= 0:
        return None
    return backend


def keyring_available() -> bool:
    return _backend() is not None


def stored_password(address: ServerAddress) -> str | None:
    backend = _backend()
    if backend is None:
        return None
    try:
        return backend.get_password(SERVICE, address.key)
    except Exception as exc:  # noqa: BLE001 - a locked or broken keyring: ask instead
        log.warning("keyring read failed: %s", exc)
        return None


def remember_password(address: ServerAddress, password: str) -> bool:
    """Keep the password in the OS keyring; False where there is none (then it is simply not remembered)."""
    backend = _backend()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE, address.key, password)
        return True
    except Exception as exc:  # noqa: BLE001
        log.warning("keyring write failed: %s", exc)
        return False


def forget_password(address: ServerAddress) -> None:
    backend = _backend()
    if backend is None:
        return
    try:
        backend.delete_password(SERVICE, address.key)
    except Exception:  # noqa: BLE001 - nothing stored
        pass


def try_connect(address: ServerAddress, look: Look[T] | None = None) -> T | None:
    """Connect once (psycopg alone: no SQLAlchemy before the login window) and leave, with what ``look``
    read on the connection; raises PasswordNeeded or ServerUnavailable with the caseworker's message."""
    from assist_desktop.storage.server_peek import connect

    conn = connect(address)
    try:
        return look(conn) if look is not None else None
    finally:
        conn.close()


def unlock(address: ServerAddress, ask: Ask | None, *, attempts: int = 3) -> ServerAddress:
    """The address with a password that the server accepts: as given (or libpq's own), from the keyring,
    then asked through ``ask`` up to ``attempts`` times. Raises PasswordNeeded when none is accepted or the
    caseworker gives up (``ask`` returns None)."""
    return unlock_and_look(address, ask, None, attempts=attempts)[0]


@dataclass(frozen=True)
class Known:
    """What the ways that ask nobody gave: the address with the password that worked (None: none did) and
    what ``look`` read on its connection, or why the last way failed (for the dialog that then asks)."""

    address: ServerAddress | None
    seen: Any = None
    failure: str | None = None


def try_known(address: ServerAddress, look: Look[T] | None = None) -> Known:
    """The password as given or libpq's own (``PGPASSWORD``, the password file), then the keyring's; raises
    ServerUnavailable when the server cannot be reached. Asks nobody: the start runs it in a thread while Qt
    starts (``KnownAhead``)."""
    from assist_desktop.storage.server import PasswordNeeded

    try:
        return Known(address, try_connect(address, look))
    except PasswordNeeded as exc:
        given = address.password or os.environ.get("PGPASSWORD")
        failure: str | None = exc.message if given else None
    stored = stored_password(address)
    if stored:
        candidate = address.with_password(stored)
        try:
            return Known(candidate, try_connect(candidate, look))
        except PasswordNeeded:
            forget_password(address)  # changed on the server since: ask again
            failure = "保存在系统钥匙串中的密码已失效，请重新输入。"
    return Known(None, failure=failure)


class KnownAhead:
    """``try_known`` in a thread of its own, started before Qt: the import of psycopg, the connection (and
    the keyring's look-up, when libpq's ways fail) overlap the window system's start. ``result`` waits for it
    and raises what it raised (ServerUnavailable)."""

    def __init__(self, address: ServerAddress, look: Look[Any] | None = None) -> None:
        import threading

        self.address, self.look = address, look
        self._known: Known | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="server-look", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._known = try_known(self.address, self.look)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self._error = exc

    def result(self) -> Known:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._known is not None
        return self._known


def unlock_and_look(address: ServerAddress, ask: Ask | None, look: Look[T] | None, *, attempts: int = 3,
                    known: Known | None = None) -> tuple[ServerAddress, T | None]:
    """``unlock``, and what ``look`` read on the connection that proved the password (the start: the unit's
    name for the login window, ``storage.server_peek``). ``known``: what ``try_known`` gave already."""
    from assist_desktop.storage.server import PasswordNeeded

    known = known or try_known(address, look)
    if known.address is not None:
        return known.address, known.seen
    failure = known.failure
    if ask is None:
        raise PasswordNeeded(failure or f"{address.label}需要密码：请在终端中运行以便输入，或设置环境变量 PGPASSWORD。")
    for _ in range(attempts):
        password = ask(address, failure)
        if password is None:
            raise PasswordNeeded("没有输入数据库服务器的密码，未连接。")
        candidate = address.with_password(password)
        try:
            return candidate, try_connect(candidate, look)
        except PasswordNeeded as exc:
            failure = exc.message
    raise PasswordNeeded(f"{address.label}：密码连续 {attempts} 次不正确，未连接。")
