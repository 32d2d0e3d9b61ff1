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
