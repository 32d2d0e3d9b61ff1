"""帮助 → 导出诊断信息 from the main window, and the program's log as the window writes it."""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from assist_desktop import logs
from assist_desktop.services.diagnostics import JSON_NAME
from assist_desktop.ui.background import run_op
from assist_desktop.ui.shell.main_window import MainWindow


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    directory = tmp_path / "logs"
    monkeypatch.setattr(logs, "log_dir", lambda: directory)
    assert logs.start_logging() == directory / logs.LOG_FILE
    yield directory
    logs.stop_logging()


def test_help_menu_exports_the_diagnostics_zip(qtbot, app_context, tmp_path: Path, log_dir: Path,
                                               monkeypatch: pytest.MonkeyPatch, _no_blocking_message_boxes) -> None:
    ctx = app_context("jingban")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "帮助(&H)")
    action = next(a for a in help_menu.actions() if a.objectName() == "export_diagnostics")
    assert action.text() == "导出诊断信息…"
    asked: list[str] = []

    def save_as(_parent, title, suggested, _filter):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        assert title == "导出诊断信息"
        return str(tmp_path / "给信息科"), "压缩文件 (*.zip)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    logging.getLogger("assist_desktop.ui.app").info("main window shown %.2f s after the process started", 0.91)
    action.trigger()
    qtbot.waitUntil(lambda: window.diagnostics_op is not None and window.diagnostics_op.done, timeout=30000)
    assert Path(asked[0]).name.startswith(f"诊断信息-{ctx.unit.code}-")
    target = tmp_path / "给信息科.zip"
    with zipfile.ZipFile(target) as zf:
        report = json.loads(zf.read(JSON_NAME))
        log_text = zf.read(f"logs/{logs.LOG_FILE}").decode("utf-8")
    assert report["界面"]["平台插件"] in ("offscreen", "xcb")
    assert report["界面"]["Qt"].startswith("6.") and "缩放" in report["界面"]["屏幕 1"]
    assert int(report["各表行数"]["hardship_file"]) >= 300
    assert "main window shown 0.91 s" in log_text
    assert _no_blocking_message_boxes == [("information", f"导出诊断信息: 诊断信息已保存到 {target}。\n\n"
                                           "其中只有程序和系统的版本、数据库各表的行数和程序运行日志，不含档案内容。"
                                           "请把这个文件交给信息技术人员；程序没有向任何地方发送数据。")]


def test_cancelling_the_file_dialog_writes_nothing(qtbot, app_context, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    window = MainWindow(app_context("jingban"))
    qtbot.addWidget(window)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    assert window.export_diagnostics() is None
    assert not list(tmp_path.glob("*.zip*"))


def test_a_background_failure_is_logged_without_the_household(qtbot, log_dir: Path) -> None:
    """An unexpected error in a background operation goes to the log with its traceback, not its values."""
    name, id_number = "阿卜杜热合曼·买买提依明·艾则孜", "62292719800307123X"

    def work(_progress):  # type: ignore[no-untyped-def]
        record = {"name": name, "id_number": id_number}
        raise KeyError(f"no employer for {record}")

    op = run_op(None, work, on_error=lambda _e: None, show_progress=False)
    qtbot.waitUntil(lambda: op.done, timeout=10000)
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = (log_dir / logs.LOG_FILE).read_text(encoding="utf-8")
    assert "background operation failed" in written and "KeyError" in written and "in work" in written
    assert name not in written and id_number not in written and "买买提" not in written
