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
from collections.abc import Callable
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


def unlock_and_look(address: ServerAddress, ask: Ask | None, look: Look[T] | None, *,
                    attempts: int = 3) -> tuple[ServerAddress, T | None]:
    """``unlock``, and what ``look`` read on the connection that proved the password (the start: the unit's
    name for the login window, ``storage.server_peek``)."""
    from assist_desktop.storage.server import PasswordNeeded

    import os

    try:
        return address, try_connect(address, look)
    except PasswordNeeded as exc:
        given = address.password or os.environ.get("PGPASSWORD")
        failure: str | None = exc.message if given else None
    stored = stored_password(address)
    if stored:
        candidate = address.with_password(stored)
        try:
            return candidate, try_connect(candidate, look)
        except PasswordNeeded:
            forget_password(address)  # changed on the server since: ask again
            failure = "保存在系统钥匙串中的密码已失效，请重新输入。"
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
