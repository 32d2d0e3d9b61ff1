"""Automatic backups are in the audit log as the program's, with what started them (the start, the hourly one)
and who was logged in — and only when one was taken, so starting the program again within the hour writes
nothing; the restore dialog's 最后写入 stays the last write to the data, not the last backup's record; and
``check`` still holds the chain against every backup, automatic ones included, naming a cut."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from assist_desktop.services import audit, backups
from assist_desktop.services.maintenance import check_database
from assist_desktop.services.setup import initialise
from assist_desktop.storage.backup import BackupManager
from assist_desktop.storage.models import User
from assist_desktop.storage.restore_check import inspect_restore_file
from assist_desktop.storage.schema import open_database

T0 = datetime(2026, 11, 20, 8, 30)


@pytest.fixture
def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = open_database(tmp_path / "assist.sqlite")
    initialise(database, unit_code="622927", unit_name="积石山保安族东乡族撒拉族自治县总工会",
               admin_username="admin", admin_password="auto-pass-123")
    yield database
    database.close()


def _admin(db) -> User:  # type: ignore[no-untyped-def]
    with db.session() as s:
        user = s.exec(select(User).where(User.username == "admin")).one()
        s.expunge(user)
    return user


def _events(path: Path) -> list[tuple[int, str | None, str, str, str, dict]]:
    with closing(sqlite3.connect(path)) as conn:
        return [(seq, actor_id, actor, entity, action, json.loads(changes)) for seq, actor_id, actor, entity, action, changes
                in conn.execute("SELECT seq, actor_id, actor_name, entity_type, action, changes FROM audit_event "
                                "ORDER BY seq")]


def _write(db, what: str) -> None:  # type: ignore[no-untyped-def]
    """A write to the data (as any service's), in the log."""
    with db.transaction() as s:
        audit.append_event(s, actor_id=None, actor_name="李娜", entity_type="hardship_file", entity_id=None,
                           action=what)


def test_each_automatic_backup_is_the_programs_with_its_trigger_and_a_quiet_start_writes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    admin = _admin(db)
    first = backups.auto_back_up(db, backups.AT_START, session_user=admin, now=T0)
    assert first is not None and first.is_file()
    last = _events(db.path)[-1]
    assert last[1:5] == (None, "程序窗口", "database", "backup")
    assert last[5] == {"file": first.name, "reason": "auto", "trigger": "start", "session_user": "admin"}
    count = len(_events(db.path))
    # started again within the hour: no backup, and not a line in the log
    assert backups.auto_back_up(db, backups.AT_START, session_user=admin, now=T0 + timedelta(minutes=20)) is None
    assert len(_events(db.path)) == count and len(BackupManager(db.path).list()) == 1
    # the window open an hour later: the hourly one
    second = backups.auto_back_up(db, backups.HOURLY, session_user=admin, now=T0 + timedelta(minutes=60))
    assert second is not None and second != first
    assert _events(db.path)[-1][5] == {"file": second.name, "reason": "auto", "trigger": "hourly",
                                       "session_user": "admin"}
    assert [b.reason for b in BackupManager(db.path).list()] == ["auto", "auto"]
    # a manual backup reads the same way, as the person's
    manual = backups.back_up(db, admin)
    assert _events(db.path)[-1][1:] == (admin.id, admin.display_name, "database", "backup",
                                        {"file": manual.name, "reason": "manual"})
    with pytest.raises(ValueError):
        backups.auto_back_up(db, "nightly")


def test_check_holds_the_chain_against_automatic_backups_and_names_a_cut(db) -> None:  # type: ignore[no-untyped-def]
    admin = _admin(db)
    for n in range(6):
        _write(db, f"edit-{n}")
    backups.auto_back_up(db, backups.AT_START, session_user=admin, now=T0)
    _write(db, "edit-6")
    backups.auto_back_up(db, backups.HOURLY, session_user=admin, now=T0 + timedelta(hours=1))
    path = db.path
    report = check_database(path)
    assert report.ok, report.lines  # each backup's chain is where the live one began: nothing to say
    with closing(sqlite3.connect(path)) as conn:  # the last four entries deleted with sqlite3
        top = conn.execute("SELECT max(seq) FROM audit_event").fetchone()[0]
        conn.execute("DELETE FROM audit_event WHERE seq > ?", (top - 4,))
        conn.commit()
    report = check_database(path)
    assert not report.ok
    cut = [line for line in report.lines if "审计记录被截断" in line]
    assert cut and "-auto.sqlite" in cut[0] and f"自第 {top - 3} 条起" in cut[0], report.lines


def test_the_restore_dialog_says_when_the_data_was_last_written_not_when_it_was_backed_up(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    admin = _admin(db)
    work = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=1)  # after the set-up's records
    clock = [work]
    monkeypatch.setattr(audit, "utcnow", lambda: clock[0])
    _write(db, "edit")  # the caseworker's last work
    clock[0] += timedelta(hours=2)
    backups.auto_back_up(db, backups.AT_START, session_user=admin, now=T0)  # its record two hours later
    clock[0] += timedelta(hours=1)
    second = backups.auto_back_up(db, backups.HOURLY, session_user=admin, now=T0 + timedelta(hours=1))
    assert second is not None  # holds the first backup's record (its own comes after it)
    shown = inspect_restore_file(second, db.path)
    expected = work.astimezone().replace(tzinfo=None)
    assert shown.last_written == expected
    assert f"最后写入：{expected:%Y-%m-%d %H:%M}" in shown.lines()


def test_on_an_encrypted_database_automatic_backups_are_encrypted_under_its_key(tmp_path: Path) -> None:
    """Like a manual one: unreadable without the key, its key file beside it, opened by a password of the
    database, and the chain checked against it with the key."""
    from assist_desktop.services.login import log_in
    from assist_desktop.services.setup import create_database
    from assist_desktop.storage import keyslots

    path = tmp_path / "assist.sqlite"
    create_database(path, unit_code="622927", unit_name="积石山保安族东乡族撒拉族自治县总工会",
                    admin_username="admin", admin_password="auto-pass-123")
    login = log_in(path, "admin", "auto-pass-123")
    db = login.db
    try:
        assert db.key is not None
        first = backups.auto_back_up(db, backups.AT_START, session_user=login.user, now=T0)
        second = backups.auto_back_up(db, backups.HOURLY, session_user=login.user, now=T0 + timedelta(hours=1))
        assert first is not None and second is not None
        for backup in (first, second):
            raw = backup.read_bytes()
            assert not raw.startswith(b"SQLite format 3") and "积石山".encode() not in raw
            with pytest.raises(sqlite3.DatabaseError):
                sqlite3.connect(backup).execute("SELECT count(*) FROM audit_event").fetchall()
            assert keyslots.sidecar_path(backup).is_file()
        # the second backup, opened by the administrator's password, holds the first's record as the program's
        key = keyslots.unlock(second, "admin", "auto-pass-123", record=False).key
        opened = open_database(second, backup_dir=tmp_path / "never", key=key)
        try:
            with opened.session() as s:
                from assist_desktop.storage.models import AuditEvent

                recorded = s.exec(select(AuditEvent).where(AuditEvent.entity_type == "database",
                                                           AuditEvent.action == "backup")).all()
                assert [(e.actor_name, json.loads(e.changes) if isinstance(e.changes, str) else e.changes)
                        for e in recorded] == [("程序窗口", {"file": first.name, "reason": "auto", "trigger": "start",
                                                          "session_user": "admin"})]
        finally:
            opened.close()
        report = check_database(path, key=db.key)
        assert report.ok, report.lines
    finally:
        db.close()
