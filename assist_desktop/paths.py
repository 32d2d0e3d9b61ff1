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
