"""Where bundled resources and user data live, in a checkout and in a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP_NAME = "AssistDesktop"

# PyInstaller unpacks bundled data under sys._MEIPASS; in a checkout resources/ sits beside the package.
_BASE = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
RESOURCES = _BASE / "resources"


def resource_path(*parts: str) -> Path:
    return RESOURCES.joinpath(*parts)


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return user_data_dir() / "assist.sqlite"


def demo_db_path() -> Path:
    return user_data_dir() / "demo.sqlite"


CONNECTION_FILE = "connection.json"  # the server this PC's program connects to (never its password)


def saved_server() -> str | None:
    """The server address chosen at the first run on this PC, if a server was chosen."""
    import json

    try:
        data = json.loads((user_data_dir() / CONNECTION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    server = data.get("server") if isinstance(data, dict) else None
    return server if isinstance(server, str) and server else None


def save_server(address: str | None) -> None:
    """Remember (or, with None, forget) the server the program opens by default on this PC."""
    import json

    path = user_data_dir() / CONNECTION_FILE
    if address is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"server": address}, ensure_ascii=False), encoding="utf-8")


def default_location() -> "Path | str":
    """What the window opens without --db: the server chosen at the first run, or the file in the user data
    directory."""
    return saved_server() or default_db_path()


SERVER_UNITS_FILE = "server-units.json"  # the unit each server database named at its last opening on this PC


def remembered_unit(server_key: str) -> str | None:
    """The unit's name the server database ``server_key`` (``ServerAddress.key``: role, host, port, database —
    never a password) named when it was last opened on this PC: the login window shows it at once, while the
    server's password is proved and the name read again behind it (the server is the truth). None the first
    time. Not a secret: it is what the login window shows."""
    name = _remembered_units().get(server_key)
    return name if isinstance(name, str) and name else None


def _remembered_units() -> dict[str, object]:
    """The file of remembered units as a dict; empty where it is missing or damaged (nothing remembered)."""
    import json

    try:
        data = json.loads((user_data_dir() / SERVER_UNITS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember_unit(server_key: str, name: str | None) -> None:
    """Note (or, with None, forget) the unit's name a server database gave when it was opened; written whole to
    a new file, then put in place, so that a program starting meanwhile reads either the old or the new."""
    import json
    import os
    import threading

    path = user_data_dir() / SERVER_UNITS_FILE
    data = _remembered_units()
    if data.get(server_key) == name or (name is None and server_key not in data):
        return
    if name is None:
        data.pop(server_key, None)
    else:
        data[server_key] = name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fresh.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(fresh, path)
    except OSError:  # a read-only profile: the next start takes the longer way (the name read first)
        pass
