"""The window's automatic backups: the one at start and the hourly one while the window stays open are in the
audit log as the program's, with their trigger and who was logged in; a start within the hour writes nothing."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

from assist_desktop.storage.backup import STAMP_FORMAT, BackupManager
from assist_desktop.ui.shell.main_window import MainWindow


def _backup_events(path: Path) -> list[tuple[str, dict]]:
    with closing(sqlite3.connect(path)) as conn:
        return [(actor, json.loads(changes)) for actor, changes in conn.execute(
            "SELECT actor_name, changes FROM audit_event WHERE entity_type = 'database' AND action = 'backup' "
            "ORDER BY seq")]


def _age(backup: Path, minutes: int) -> None:
    """As if the backup had been taken ``minutes`` ago (its time is in its name)."""
    from assist_desktop.storage.backup import _NAME

    match = _NAME.match(backup.name)
    assert match is not None
    stamp = (datetime.now() - timedelta(minutes=minutes)).strftime(STAMP_FORMAT)
    backup.rename(backup.with_name(f"{match['stem']}-{stamp}-{match['reason']}.sqlite"))


def test_the_start_and_the_hourly_backup_are_in_the_audit_log_as_the_programs(qtbot, app_context,
                                                                              _no_blocking_message_boxes) -> None:
    ctx = app_context("jingban")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.start_maintenance()
    qtbot.waitUntil(lambda: window.maintenance_op.done, timeout=15000)
    assert window.maintenance_op.error is None
    [start] = BackupManager(ctx.db_path).list()
    assert _backup_events(ctx.db_path) == [("程序窗口", {"file": start.path.name, "reason": "auto", "trigger": "start",
                                                          "session_user": "jingban"})]
    assert window.backup_timer.isActive() and window.backup_timer.interval() == 60 * 60 * 1000

    # the hour not yet over: the hourly timer's turn takes nothing and writes nothing
    op = window.back_up_hourly()
    qtbot.waitUntil(lambda: op.done, timeout=15000)
    assert op.error is None and op.result is None and len(_backup_events(ctx.db_path)) == 1

    _age(start.path, 61)
    op = window.back_up_hourly()
    qtbot.waitUntil(lambda: op.done, timeout=15000)
    assert op.error is None and op.result is not None
    assert [b.reason for b in BackupManager(ctx.db_path).list()] == ["auto", "auto"]
    assert _backup_events(ctx.db_path)[-1] == ("程序窗口", {"file": Path(op.result).name, "reason": "auto",
                                                          "trigger": "hourly", "session_user": "jingban"})
    assert not _no_blocking_message_boxes
    window.close()  # 切换用户 or quitting: the old window takes no more backups in its user's name
    assert not window.backup_timer.isActive()
