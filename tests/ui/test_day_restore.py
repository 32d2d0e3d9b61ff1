"""设置 → 数据与备份 → 从其他文件恢复, as the administrator does it (issue 18): the file is checked and named
(unit, level, schema, date) before 替换当前数据库？ is asked; another unit's file is restored only once
its unit's name is typed; a damaged file is refused without a question."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from assist_desktop.services.setup import create_database
from assist_desktop.storage.backup import BackupManager
from tests.ui.conftest import assert_chinese, type_text

pytestmark = pytest.mark.usefixtures("qapp")
CITY = "榆林市总工会"


def _page(qtbot, ctx):
    from assist_desktop.ui.settings.page import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1024, 700)
    page.show()
    qtbot.waitUntil(page.idle, timeout=20_000)
    page.tabs.setCurrentIndex(2)
    return page


def _units(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT code, name FROM org_unit WHERE level != 'grassroots' ORDER BY code").fetchall()


def _choose_file(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))


def test_another_units_file_needs_its_name_typed(qtbot, app_context, demo_db, tmp_path, monkeypatch, shot,
                                                  _no_blocking_message_boxes) -> None:
    city = tmp_path / "city" / "assist.sqlite"
    create_database(city, unit_code="610800", unit_name=CITY, admin_username="admin",
                    admin_password="Admin-pass-2026", level="city", encrypt=False)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: asked.append(text)
                        or QMessageBox.StandardButton.Yes)
    page = _page(qtbot, app_context("admin"))
    before = _units(demo_db)
    _choose_file(monkeypatch, city)
    qtbot.mouseClick(page.restore_file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.idle() and getattr(page, "restore_dialog", None) is not None, timeout=20_000)
    dialog = page.restore_dialog
    assert not asked  # not the plain question: before, the city's file replaced the county's on one Yes
    text = "\n".join(label.text() for label in dialog.findChildren(type(page.data_status)))
    assert f"{CITY}（610800，市级）" in text and "绥德县总工会" in text and "结构版本" in text and "最后写入" in text
    assert not dialog.replace_button.isEnabled()
    type_text(dialog.unit_name, "绥德县总工会")
    assert not dialog.replace_button.isEnabled()
    assert_chinese(dialog)
    shot(dialog, "restore-other-unit")
    dialog.reject()
    qtbot.waitUntil(page.idle, timeout=20_000)
    assert _units(demo_db) == before and BackupManager(demo_db).list() == []

    # the second time the administrator types the city's name: restored, the county's file kept first
    qtbot.mouseClick(page.restore_file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.idle() and page.restore_dialog is not dialog, timeout=20_000)
    dialog = page.restore_dialog
    type_text(dialog.unit_name, CITY)
    assert dialog.replace_button.isEnabled()
    qtbot.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.idle() and page.restored_from == city, timeout=30_000)
    assert ("610800", CITY) in _units(demo_db)
    assert [b.reason for b in BackupManager(demo_db).list()] == ["before-restore"]


def test_this_units_backup_is_described_in_the_question(qtbot, app_context, demo_db, monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: asked.append(text)
                        or QMessageBox.StandardButton.No)
    page = _page(qtbot, app_context("admin"))
    backup = BackupManager(demo_db).create()
    _choose_file(monkeypatch, backup)
    qtbot.mouseClick(page.restore_file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.idle() and bool(asked), timeout=20_000)
    (text,) = asked
    assert "替换当前数据库" in text and backup.name in text
    assert "所属单位：绥德县总工会（610826，县级）" in text and "结构版本：" in text and "最后写入：" in text
    assert "困难职工档案：300 户" in text
    assert page.restored_from is None  # answered No


def test_a_damaged_file_is_refused_before_the_question(qtbot, app_context, demo_db, tmp_path, monkeypatch,
                                                       _no_blocking_message_boxes) -> None:
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: asked.append(text)
                        or QMessageBox.StandardButton.Yes)
    page = _page(qtbot, app_context("admin"))
    bad = tmp_path / "u-disk.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + bytes(4000))
    _choose_file(monkeypatch, bad)
    qtbot.mouseClick(page.restore_file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.idle() and "不能用 u-disk.sqlite 恢复" in page.data_status.text(), timeout=20_000)
    assert not asked and BackupManager(demo_db).list() == []
