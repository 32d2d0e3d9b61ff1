"""The domain layer stays pure: no Qt, no database, no float (DESIGN.md §3, §5)."""

import ast
from pathlib import Path

import assist_desktop.domain as domain

FORBIDDEN_IMPORTS = ("PySide6", "sqlalchemy", "sqlmodel", "sqlite3", "assist_desktop.storage", "assist_desktop.ui")
MODULES = sorted(Path(domain.__file__).parent.glob("*.py"))


def test_no_qt_or_database_imports():
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(FORBIDDEN_IMPORTS), f"{path.name} imports {name}"


def test_no_float():
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), path.name
            assert not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float"), path.name
