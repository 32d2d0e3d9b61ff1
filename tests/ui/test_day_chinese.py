"""Everything in Chinese (issue 18): Qt's own dialogs — the file dialog's 查找范围 and 文件类型, the print
dialog's 打印页面, their dates as 2026/12/7 — and the 关于 box."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel

from tests.ui.conftest import untranslated, visible_texts

pytestmark = pytest.mark.usefixtures("qapp")
ROOT = Path(__file__).resolve().parents[2]


def _labels(widget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel)]


def test_the_file_dialog_speaks_chinese(qtbot, tmp_path) -> None:
    dialog = QFileDialog(None, "从其他文件恢复", str(tmp_path), "数据库备份 (*.sqlite);;所有文件 (*)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # Qt's own: what a UOS/Kylin desktop shows
    qtbot.addWidget(dialog)
    dialog.show()
    labels = _labels(dialog)
    assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels  # before: &Look in:, Files of &type:
    texts = [t for t in visible_texts(dialog) if "(*." not in t]  # the name patterns are the files' own
    assert not untranslated(texts), untranslated(texts)


def test_the_print_dialog_speaks_chinese(qtbot) -> None:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "打印页面(&S)：" in _labels(dialog)  # before: Page &Set:
    pages = dialog.findChild(QComboBox, "pageSetCombo")
    assert [pages.itemText(i) for i in range(pages.count())] == ["全部页面", "奇数页面", "偶数页面"]
    # the printers' names and models are the office's own (a CUPS queue "AssistPDF", a driver's English model)
    from PySide6.QtPrintSupport import QPrinterInfo

    own = {t for info in QPrinterInfo.availablePrinters()
           for t in (info.printerName(), info.description(), info.makeAndModel(), info.location())}
    texts = [t for t in visible_texts(dialog) if t not in own]
    assert not untranslated(texts), untranslated(texts)


def test_file_dates_are_written_the_chinese_way(tmp_path) -> None:
    """The program's start (make_application) on a desktop whose locale is not Chinese: the file dialog's
    修改日期 reads 2026/12/7 07:41, not 7 12 2026 07:41."""
    (tmp_path / "backup.sqlite").write_bytes(b"x")
    script = f"""
import sys, time
from PySide6.QtWidgets import QFileSystemModel
from assist_desktop.ui.app import make_application
app = make_application([sys.argv[0]])
model = QFileSystemModel()
root = model.setRootPath({str(tmp_path)!r})
for _ in range(100):
    app.processEvents()
    time.sleep(0.02)
    if model.rowCount(root):
        break
print(model.data(model.index(0, 3, root)))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="C.UTF-8", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    shown = out.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2} \d{2}:\d{2}", shown), (shown, out.stderr[-500:])
