"""同步 page: the pending counts are the real counts of unsynced rows; an export writes a package that the
history then lists; a corrupted package is refused in Chinese and the database is left as it was."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.sync.conftest import db_state
from tests.ui.conftest import CJK, assert_chinese

pytestmark = pytest.mark.usefixtures("qapp")


def _with_upper_unit(ctx, tmp_path: Path) -> None:
    """A city database whose key the demo county has set as its upper unit (as the 单位 tab would)."""
    from assist_desktop.services.setup import initialise
    from assist_desktop.storage.schema import open_database
    from assist_desktop.sync import keys as sync_keys

    with open_database(tmp_path / "city.sqlite") as city:
        initialise(city, unit_code="610800", unit_name="榆林市总工会", admin_username="admin",
                   admin_password="city-pass-123", level="city")
        with city.session() as s:
            key_file = sync_keys.read_key_file(sync_keys.export_key_file(s, None))
    with ctx.db.session() as s:
        sync_keys.set_upper_unit(s, None, key_file, fingerprint=key_file.fingerprint)


def _page(qtbot, ctx):
    from assist_desktop.ui.sync.page import SyncPage

    page = SyncPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 640)
    page.show()
    qtbot.waitUntil(page.idle, timeout=20_000)
    return page


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    """Message boxes the page shows, recorded instead of blocking the test."""
    seen: list[str] = []

    def record(_parent, _title, text, *args, **kwargs):
        seen.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "critical", record)
    return seen


def _unsynced(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {}
        for t in tables:
            if "usn" in [c[1] for c in conn.execute(f'PRAGMA table_info("{t}")')]:
                n = conn.execute(f'SELECT count(*) FROM "{t}" WHERE usn = -1').fetchone()[0]
                if n:
                    out[t] = n
    return out


def test_pending_tab_shows_the_real_counts(qtbot, app_context, tmp_path, warnings) -> None:
    from assist_desktop.sync.tables import TABLE_LABELS

    ctx = app_context("admin")
    _with_upper_unit(ctx, tmp_path)
    page = _page(qtbot, ctx)
    shown = {page.pending_table.item(r, 0).text(): int(page.pending_table.item(r, 1).text())
             for r in range(page.pending_table.rowCount())}
    expected = {TABLE_LABELS.get(t, t): n for t, n in _unsynced(ctx.db_path).items()}
    assert shown == expected and sum(shown.values()) > 0
    assert str(sum(expected.values())) in page.pending_total.text()
    assert "榆林市总工会" in page.plan_label.text()
    assert_chinese(page)
    assert not warnings


def test_export_writes_a_package_and_the_history_lists_it(qtbot, app_context, tmp_path, shot, warnings) -> None:
    ctx = app_context("admin")
    _with_upper_unit(ctx, tmp_path)
    page = _page(qtbot, ctx)
    page.tabs.setCurrentIndex(1)
    out = tmp_path / "out" / "county.sync"
    page.export(out)
    qtbot.waitUntil(lambda: page.last_export is not None and page.idle(), timeout=60_000)
    assert out.exists() and out.stat().st_size > 0
    assert "已导出第 1 号同步文件" in page.export_result.text()
    shot(page, "sync-export")
    assert page.history_table.rowCount() == 1
    cells = [page.history_table.item(0, c).text() for c in range(page.history_table.columnCount())]
    assert cells[0] == "发出" and "榆林市总工会" in cells[1] and cells[2] == "1" and cells[8] == "county.sync"
    assert_chinese(page)
    assert not warnings


def test_a_corrupted_package_is_refused_and_nothing_is_written(qtbot, app_context, tmp_path, warnings) -> None:
    ctx = app_context("admin")
    _with_upper_unit(ctx, tmp_path)
    page = _page(qtbot, ctx)
    page.tabs.setCurrentIndex(2)
    bad = tmp_path / "bad.sync"
    bad.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    before = db_state(ctx.db_path)
    page.inspect(bad)
    qtbot.waitUntil(lambda: page.idle() and bool(warnings), timeout=20_000)
    assert warnings == [page.import_result.text()]  # the refusal itself (a SyncError), not a generic failure
    assert CJK.search(warnings[0]) and "同步文件" in warnings[0]
    assert page.prepared is None and not page.apply_button.isEnabled()
    assert db_state(ctx.db_path) == before
    assert_chinese(page)
