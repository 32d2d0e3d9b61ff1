"""Every UI string goes through Qt's translation layer and has its Simplified Chinese translation."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import i18n  # noqa: E402

CJK = re.compile(r"[\u3400-\u9fff]")


def test_every_area_has_a_catalogue_and_every_string_is_translated() -> None:
    areas = set(i18n.areas())
    catalogues = {p.stem for p in i18n.CATALOGUES.glob("*.ts")}
    assert areas <= catalogues, f"areas without a catalogue: {areas - catalogues}"
    missing = i18n.todo()
    assert not missing, f"strings without a Chinese translation: {missing[:10]}"
    for ts in i18n.CATALOGUES.glob("*.ts"):
        for context, source, translation in i18n.messages(ts):
            if re.search(r"[A-Za-z]{2,}", source):
                assert CJK.search(translation.text or ""), f"{ts.stem}/{context}: {source!r} → {translation.text!r}"


def test_catalogues_hold_every_string_of_the_sources(tmp_path: Path) -> None:
    """lupdate run now finds no string that the committed catalogues lack (a new tr() was translated)."""
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    for ts in i18n.CATALOGUES.glob("*.ts"):
        shutil.copy(ts, fresh / ts.name)
    i18n.update(target_dir=fresh)
    for ts in fresh.glob("*.ts"):
        unfinished = [(c, s) for c, s, t in i18n.messages(ts)
                      if t is None or t.get("type") == "unfinished" or not (t.text or "").strip()]
        assert not unfinished, f"{ts.stem}: strings in the code but not translated: {unfinished[:10]}"


def test_compiled_catalogues_are_up_to_date(tmp_path: Path) -> None:
    i18n.release(target_dir=tmp_path)
    for qm in tmp_path.glob("*.qm"):
        shipped = i18n.CATALOGUES / qm.name
        assert shipped.exists(), f"{qm.name} not shipped"
        assert shipped.read_bytes() == qm.read_bytes(), f"{qm.name} is older than its .ts: run scripts/i18n.py release"


def test_the_installed_translator_speaks_chinese(qapp) -> None:
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("MainWindow", "Hardship files") == "困难职工档案"
    assert QCoreApplication.translate("LoginDialog", "Log in") == "登录"


# Qt calls that put text in front of the user; their text arguments must come from tr()/translate().
VISIBLE_CALLS = {"setText", "setWindowTitle", "setToolTip", "setPlaceholderText", "setTitle", "setSubTitle",
                 "addItem", "addItems", "setTabText", "addTab", "insertTab", "setStatusTip", "showMessage",
                 "setHorizontalHeaderLabels", "setLabelText", "setButtonText", "setWhatsThis", "addRow",
                 "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction", "QToolButton",
                 "warning", "critical", "information", "question", "about", "getText", "setHeaderData"}


def _visible_literals(tree) -> list[int]:
    """Lines where a string literal with words goes straight into a visible Qt call."""
    import ast

    bad = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in VISIBLE_CALLS:
            continue
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if isinstance(receiver, ast.Name) and receiver.id in {"log", "logger", "logging", "warnings"}:
            continue  # log lines are for developers
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            parts = arg.values if isinstance(arg, ast.JoinedStr) else [arg]
            for part in parts:
                if isinstance(part, ast.Constant) and isinstance(part.value, str) and \
                        re.search(r"[A-Za-z]{2,}|[\u3400-\u9fff]", part.value):
                    bad.append(node.lineno)
    return bad


@pytest.mark.parametrize("path", sorted((ROOT / "assist_desktop" / "ui").rglob("*.py")), ids=lambda p: p.name)
def test_no_visible_literal_bypasses_translation(path: Path) -> None:
    """Text shown by a Qt call comes from tr()/translate() (or from the services' Chinese messages)."""
    import ast

    offending = _visible_literals(ast.parse(path.read_text(encoding="utf-8")))
    assert not offending, f"{path.relative_to(ROOT)}: untranslated literals shown at lines {offending}"


def test_the_literal_check_catches_one() -> None:
    import ast

    assert _visible_literals(ast.parse('label.setText("Name")\nQLabel("姓名")\nlabel.setText(self.tr("Name"))')) == [1, 2]
