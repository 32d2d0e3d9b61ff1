"""Only assist_desktop/ui/ may import Qt (DESIGN.md §5): domain, storage, services, reports, sync and the
CLI run without a display, in tests and on a server."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import assist_desktop

PACKAGE = Path(assist_desktop.__file__).resolve().parent
QT_ROOTS = {"PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2", "qtpy"}
CORE_PACKAGES = ["domain", "storage", "services", "reports", "sync"]


def _is_qt(module: str) -> bool:
    return module.split(".")[0] in QT_ROOTS


def _literal_prefix(node: ast.expr) -> str | None:
    """The constant start of a string argument: "PySide6.QtCore" or f"PySide6.{name}"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def qt_imports(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """(line, module) of every Qt import in ``source``: import statements anywhere (also inside
    functions and ``if TYPE_CHECKING``), ``__import__("…")`` and ``importlib.import_module("…")``."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if _is_qt(a.name)]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and _is_qt(node.module):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in {"__import__", "import_module"}:
                target = _literal_prefix(node.args[0])
                if target is not None and _is_qt(target):
                    found.append((node.lineno, target))
    return found


def modules_outside_ui(package: Path) -> list[Path]:
    ui = package / "ui"
    return sorted(p for p in package.rglob("*.py") if ui not in p.parents)


def violations_in(package: Path) -> list[str]:
    out = []
    for path in modules_outside_ui(package):
        for line, module in qt_imports(path.read_text(encoding="utf-8"), str(path)):
            out.append(f"{path.relative_to(package.parent).as_posix()}:{line} imports {module}")
    return out


def test_no_module_outside_ui_imports_qt():
    # the walk really covers the package (a wrong root would make this test pass vacuously)
    names = {p.relative_to(PACKAGE).as_posix() for p in modules_outside_ui(PACKAGE)}
    assert {"storage/engine.py", "storage/schema.py", "domain/errors.py"} <= names
    assert not any(n.startswith("ui/") for n in names)

    violations = violations_in(PACKAGE)
    assert not violations, "Qt may only be imported under assist_desktop/ui/:\n" + "\n".join(violations)


def test_tree_walk_flags_modules_outside_ui_only(tmp_path):
    package = tmp_path / "assist_desktop"
    files = {
        "__init__.py": "",
        "ui/__init__.py": "from PySide6.QtWidgets import QApplication",
        "ui/views/table.py": "import PySide6.QtCore",
        "services/registry.py": "import os\n\ndef f():\n    from PySide6.QtCore import QSettings",
        "cli.py": "import importlib\nimportlib.import_module('PySide6.QtWidgets')",
        "reports/ui.py": "import shiboken6",  # a module *named* ui elsewhere is not the ui package
        "domain/clean.py": "import sqlite3",
    }
    for name, source in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(source, encoding="utf-8")
    assert violations_in(package) == [
        "assist_desktop/cli.py:2 imports PySide6.QtWidgets",
        "assist_desktop/reports/ui.py:1 imports shiboken6",
        "assist_desktop/services/registry.py:4 imports PySide6.QtCore",
    ]


# --- the checker catches what it should, and only that ---------------------------------------------------

VIOLATIONS = {
    "import": "import PySide6",
    "import submodule": "import PySide6.QtWidgets as w",
    "from import": "from PySide6.QtCore import Qt, QObject",
    "from package": "from PySide6 import QtGui",
    "nested in a function": """
        def show():
            from PySide6.QtWidgets import QMessageBox
            QMessageBox.warning(None, "x", "y")
    """,
    "type checking only": """
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from PySide6.QtCore import QModelIndex
    """,
    "importlib": 'import importlib\nqt = importlib.import_module("PySide6.QtCore")',
    "bare import_module": 'from importlib import import_module\nimport_module("PySide6")',
    "f-string module": 'import importlib\nimportlib.import_module(f"PySide6.{part}")',
    "dunder import": 'qt = __import__("PySide6.QtGui")',
    "shiboken": "import shiboken6",
    "other binding": "from PyQt6.QtCore import QTimer",
}

CLEAN = {
    "docstring mention": '"""Works with PySide6 models, but never imports PySide6."""',
    "similar name": "import PySide6_helpers\nfrom pyside6x import y",
    "relative import": "from .PySide6 import x",
    "other dynamic import": 'import importlib\nimportlib.import_module("assist_desktop.storage")',
    "dynamic non-literal": "import importlib\nimportlib.import_module(name)",
    "string constant": 'QT = "PySide6.QtCore"',
}


@pytest.mark.parametrize("case", list(VIOLATIONS))
def test_checker_catches(case):
    found = qt_imports(textwrap.dedent(VIOLATIONS[case]))
    assert found and all(_is_qt(module) for _, module in found)


@pytest.mark.parametrize("case", list(CLEAN))
def test_checker_does_not_flag(case):
    assert qt_imports(textwrap.dedent(CLEAN[case])) == []


def test_checker_reports_the_line():
    source = "import os\n\n\nfrom PySide6.QtCore import Qt\n"
    assert qt_imports(source) == [(4, "PySide6.QtCore")]


# --- and at run time, nothing pulls Qt in indirectly ----------------------------------------------------


def test_importing_the_core_packages_loads_no_qt():
    script = textwrap.dedent(f"""
        import importlib, pkgutil, sys
        import assist_desktop
        failed = []
        for sub in {CORE_PACKAGES!r}:
            name = "assist_desktop." + sub
            try:
                pkg = importlib.import_module(name)
            except Exception as exc:
                failed.append(f"{{name}}: {{exc!r}}")
                continue
            for info in pkgutil.walk_packages(pkg.__path__, name + "."):
                if ".migrations." in info.name:  # loaded by Alembic only
                    continue
                try:
                    importlib.import_module(info.name)
                except Exception as exc:
                    failed.append(f"{{info.name}}: {{exc!r}}")
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in {sorted(QT_ROOTS)!r})
        print("QT:" + ",".join(loaded))
        print("FAILED:" + " | ".join(failed))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=PACKAGE.parent, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    assert lines["QT"] == "", (
        f"importing {CORE_PACKAGES} loaded Qt modules {lines['QT']}; "
        f"modules that failed to import: {lines['FAILED'] or 'none'}")
