"""设置 → 公示与节假日 on the demo county: the administrator sets the notice days, 联系人 and 监督电话 (read back
from the file), enters a year the library does not know (days off, a make-up Saturday) and removes a day; a
bad phone is refused at its field with nothing written; a clerk sees the settings but cannot change them."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

from assist_desktop.domain.workdays import LIBRARY_YEARS
from tests.ui.conftest import assert_chinese, type_text

pytestmark = pytest.mark.usefixtures("qapp")

NEXT_YEAR = max(LIBRARY_YEARS) + 1


def _sql(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def _tab(qtbot, ctx):
    from assist_desktop.ui.settings.page import SettingsPage

    ctx.clock = lambda: date(NEXT_YEAR - 1, 11, 20)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    page.tabs.setCurrentWidget(page.notice_tab)
    qtbot.waitUntil(page.idle, timeout=20_000)
    return page, page.notice_tab


def _click(qtbot, tab, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.idle, timeout=20_000)


def test_the_administrator_sets_the_notice_and_enters_a_new_year(qtbot, app_context, shot) -> None:
    ctx = app_context("admin")
    page, tab = _tab(qtbot, ctx)
    assert tab.year() == NEXT_YEAR and "尚未录入" in tab.year_label.text() and tab.table.rowCount() == 0
    tab.days_spin.setValue(7)
    tab.contact_edit.clear()
    type_text(tab.contact_edit, "王芳")
    tab.phone_edit.clear()
    type_text(tab.phone_edit, "0912-5621234")
    _click(qtbot, tab, tab.save_button)
    assert "7个工作日" in tab.settings_status.text()
    assert dict(_sql(ctx.db_path, "SELECT key, value FROM meta WHERE key LIKE 'public_notice_%'")) == {
        "public_notice_working_days": "7", "public_notice_contact_person": "王芳",
        "public_notice_supervision_phone": "0912-5621234"}

    # 元旦 of the new year: 1–3 January off, the next weekend day worked (entered as the notice gives them)
    tab.off_from.setDate(QDate(NEXT_YEAR, 1, 1))
    tab.off_to.setDate(QDate(NEXT_YEAR, 1, 3))
    type_text(tab.off_name, "元旦")
    _click(qtbot, tab, tab.add_off_button)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 3, timeout=20_000)
    sunday = next(date(NEXT_YEAR, 1, d) for d in range(4, 15) if date(NEXT_YEAR, 1, d).weekday() >= 5)
    tab.work_day.setDate(QDate(sunday.year, sunday.month, sunday.day))
    type_text(tab.work_name, "元旦")
    _click(qtbot, tab, tab.add_work_button)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 4 and tab.idle(), timeout=20_000)
    assert "放假3天、调休上班1天" in tab.year_label.text()
    kinds = [tab.table.item(r, 2).text() for r in range(4)]
    assert kinds.count("放假") == 3 and kinds.count("调休上班") == 1
    assert _sql(ctx.db_path, "SELECT count(*), sum(workday) FROM official_day") == [(4, 1)]
    assert_chinese(tab)
    shot(page, "settings_notice_tab")

    tab.table.selectRow(0)
    assert tab.remove_button.isEnabled()
    _click(qtbot, tab, tab.remove_button)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 3 and tab.idle(), timeout=20_000)
    assert _sql(ctx.db_path, "SELECT count(*) FROM official_day") == [(3,)]


def test_a_bad_phone_is_refused_at_its_field_and_nothing_is_written(qtbot, app_context) -> None:
    ctx = app_context("admin")
    _page, tab = _tab(qtbot, ctx)
    before = _sql(ctx.db_path, "SELECT * FROM meta ORDER BY key")
    type_text(tab.phone_edit, "请拨打县总工会")
    _click(qtbot, tab, tab.save_button)
    assert "监督电话" in tab.settings_status.text() and "c62828" in tab.settings_status.styleSheet()
    # a make-up day on a weekday is refused naming the weekday
    tab.work_day.setDate(QDate(2026, 3, 4))
    type_text(tab.work_name, "春节")
    _click(qtbot, tab, tab.add_work_button)
    assert "星期三" in tab.days_status.text()
    assert _sql(ctx.db_path, "SELECT * FROM meta ORDER BY key") == before
    assert _sql(ctx.db_path, "SELECT count(*) FROM official_day") == [(0,)]


def test_a_clerk_sees_the_settings_but_cannot_change_them(qtbot, app_context) -> None:
    _page, tab = _tab(qtbot, app_context("jingban"))
    assert tab.days_spin.value() == 5 and not tab.save_button.isEnabled() and not tab.add_off_button.isEnabled()
    assert "管理员" in tab.settings_status.text()
    tab.year_combo.setCurrentIndex(tab.year_combo.findData(2026))
    qtbot.waitUntil(lambda: tab.table.rowCount() > 30 and tab.idle(), timeout=20_000)
    assert "程序内置" in tab.year_label.text()
    assert not tab.remove_button.isEnabled()
