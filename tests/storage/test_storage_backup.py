"""Backups: consistent snapshots under concurrent writes, safe restore, rotation, errors in Chinese."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assist_desktop.storage import models as m
from assist_desktop.storage import schema
from assist_desktop.storage.backup import (
    AUTO, BEFORE_RESTORE, MANUAL, STAMP_FORMAT, UPGRADE, BackupError, BackupManager, RotationPolicy,
    check_backup_file,
)
from assist_desktop.storage.engine import APPLICATION_ID, Database

HEAD = schema.head_revision()  # the real head, before a test appends its own revisions


# --- a writer in another process -----------------------------------------------------------------------

# The SQLite file itself (pragmas, file bytes, the backup API, its key): the server's own is in
# test_server_engine.py and test_server_backup.py.
pytestmark = pytest.mark.sqlite_only


def _pair_writer(path: str, started, stop, committed) -> None:
    """Child process: commit transactions of exactly two meta rows until told to stop."""
    with Database(path) as db:
        n = 0
        while not stop.is_set():
            with db.transaction() as s:
                s.add(m.Meta(key=f"w{n:07d}a", value="x" * 200))
                s.add(m.Meta(key=f"w{n:07d}b", value="y" * 200))
            n += 1
            committed.value = n
            if n == 20:
                started.set()


def test_backup_during_continuous_writes_is_a_consistent_snapshot(tmp_db, tmp_path, helpers):
    ctx = multiprocessing.get_context("spawn")
    started, stop, committed = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
    writer = ctx.Process(target=_pair_writer, args=(str(tmp_db), started, stop, committed), daemon=True)
    writer.start()
    manager = BackupManager(tmp_db, tmp_path / "backups")
    made: list[tuple[Path, int]] = []
    try:
        assert started.wait(60), "the writer process did not start"
        for i in range(6):
            before = committed.value
            path = manager.create(MANUAL, now=datetime(2026, 1, 1, 12, 0, i))
            made.append((path, before))
            time.sleep(0.05)
    finally:
        stop.set()
        writer.join(30)
        if writer.is_alive():  # pragma: no cover
            writer.kill()
    assert writer.exitcode == 0
    total = committed.value

    counts = []
    for path, committed_before in made:
        with closing(sqlite3.connect(path)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # standalone file
            assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
            n = conn.execute("SELECT count(*) FROM meta WHERE key LIKE 'w%'").fetchone()[0]
            halves = conn.execute(
                "SELECT count(*) FROM meta WHERE key LIKE 'w%a'").fetchone()[0]
        assert n % 2 == 0, f"{path.name}: {n} rows — a transaction was copied half-way"
        assert halves == n // 2
        assert n >= 2 * committed_before  # everything committed before the backup began is in it
        assert not Path(f"{path}-wal").exists()
        counts.append(n)
    assert counts == sorted(counts)
    assert counts[-1] < 2 * total, "the writer should have kept writing after the last backup"
    assert len(set(counts)) > 1, "backups should have been taken while writes went on"

    # restoring a snapshot taken mid-stream gives a sound live database with exactly its rows
    snapshot, _ = made[len(made) // 2]
    expected = helpers.rows(snapshot, "meta")
    manager.restore(snapshot)
    with closing(sqlite3.connect(tmp_db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert helpers.rows(tmp_db, "meta") == expected
    assert len(expected) % 2 == 0


# --- what a backup contains ------------------------------------------------------------------------------


def test_backup_contains_what_is_still_only_in_the_wal(tmp_db, tmp_path, helpers):
    with Database(tmp_db) as db:  # the engine stays open: the rows are in -wal, not the main file
        with db.transaction() as s:
            s.add(m.Meta(key="only-in-wal", value="尚未检查点"))
        assert Path(f"{tmp_db}-wal").stat().st_size > 0
        path = BackupManager(tmp_db, tmp_path / "backups").create()
    assert helpers.rows(path, "meta") == [("only-in-wal", "尚未检查点")]
    check_backup_file(path)


def test_backup_names_list_and_order(tmp_db, tmp_path):
    manager = BackupManager(tmp_db, tmp_path / "backups")
    t = datetime(2026, 3, 1, 9, 30, 0)
    first = manager.create(MANUAL, now=t)
    assert first.name == f"assist-{t.strftime(STAMP_FORMAT)}-manual.sqlite"
    # twelve more in the same second: none overwrites another, and list() is newest first
    later = [manager.create(AUTO, now=t) for _ in range(12)]
    listed = [b.path for b in manager.list()]
    assert listed == list(reversed([first, *later]))
    assert manager.last_backup().path == later[-1]
    assert manager.list()[-1].reason == MANUAL
    assert [p.name[len("assist-") + 15:] for p in later[:2]] == ["-1-auto.sqlite", "-2-auto.sqlite"]
    # a backup of another database in the same folder is not ours
    (tmp_path / "backups" / f"demo-{t.strftime(STAMP_FORMAT)}-auto.sqlite").write_bytes(b"")
    assert len(manager.list()) == 13


def test_invalid_reason_is_a_programming_error(tmp_db, tmp_path):
    with pytest.raises(ValueError):
        BackupManager(tmp_db, tmp_path / "backups").create("Nightly 2")


# --- restore ----------------------------------------------------------------------------------------------


def test_restore_brings_back_the_old_rows_and_keeps_a_safety_copy(tmp_db, tmp_path, helpers):
    manager = BackupManager(tmp_db, tmp_path / "backups")
    helpers.seed(tmp_db, tag="1")
    old_rows = helpers.snapshot(tmp_db)
    old = manager.create(MANUAL, now=datetime(2026, 1, 1, 8, 0, 0))
    helpers.seed(tmp_db, tag="2")
    new_rows = helpers.snapshot(tmp_db)
    assert new_rows != old_rows

    with Database(tmp_db) as db:  # the program has the file open during the restore
        with db.session() as s:
            assert len(s.exec(m.OrgUnit.__table__.select()).all()) == 4
        safety = manager.restore(old)
        with db.session() as s:  # and sees the restored rows afterwards
            assert len(s.exec(m.OrgUnit.__table__.select()).all()) == 2

    assert helpers.snapshot(tmp_db) == old_rows
    assert safety is not None and safety.is_file()
    assert [b.reason for b in manager.list() if b.path == safety] == [BEFORE_RESTORE]
    assert helpers.snapshot(safety) == new_rows  # the replaced data is not lost
    with closing(sqlite3.connect(tmp_db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    # the restored database takes writes through the program's engine
    helpers.seed(tmp_db, tag="3")
    assert helpers.count(tmp_db, "org_unit") == 4


def _corrupt_copy(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    middle = len(data) // 4096 // 2
    data[middle * 4096:(middle + 2) * 4096] = b"\xde\xad\xbe\xef" * 2048
    target.write_bytes(bytes(data))
    return target


def _foreign(target: Path) -> Path:
    with closing(sqlite3.connect(target)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    return target


def _newer(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())
    with closing(sqlite3.connect(target)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.commit()
    return target


def _empty_ours(target: Path) -> Path:
    with closing(sqlite3.connect(target)) as conn:
        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
        conn.commit()
    return target


def _text(target: Path) -> Path:
    target.write_text("备忘：这不是备份", encoding="utf-8")
    return target


BAD_BACKUPS = {
    "corrupt": lambda good, tmp: _corrupt_copy(good, tmp / "assist-20260101-000000-manual.sqlite"),
    "foreign": lambda good, tmp: _foreign(tmp / "other.sqlite"),
    "newer": lambda good, tmp: _newer(good, tmp / "newer.sqlite"),
    "no data": lambda good, tmp: _empty_ours(tmp / "empty.sqlite"),
    "missing": lambda good, tmp: tmp / "does-not-exist.sqlite",
    "text": lambda good, tmp: _text(tmp / "notes.sqlite"),
}


@pytest.mark.parametrize("kind", list(BAD_BACKUPS))
def test_restore_refuses_a_bad_backup_and_changes_nothing(tmp_db, tmp_path, helpers, kind):
    manager = BackupManager(tmp_db, tmp_path / "backups")
    helpers.seed(tmp_db)
    for tag in range(10, 20):  # more pages, so a corrupted middle lands in table data
        helpers.seed(tmp_db, tag=str(tag), n_members=5)
    good = manager.create(MANUAL)
    helpers.seed(tmp_db, tag="99")  # the live file now differs from the good backup
    helpers.checkpoint(tmp_db)
    bad_dir = tmp_path / "offered"
    bad_dir.mkdir()
    bad = BAD_BACKUPS[kind](good, bad_dir)
    live_before = helpers.file_bytes(tmp_db)
    backups_before = manager.list()

    with pytest.raises(BackupError) as caught:
        manager.restore(bad)
    assert helpers.has_chinese(caught.value.message)
    assert bad.name in caught.value.message

    assert helpers.file_bytes(tmp_db) == live_before
    assert manager.list() == backups_before  # no safety copy for a restore that never happened


def test_restoring_a_backup_from_an_older_version_upgrades_it(tmp_db, tmp_path, helpers, extra_migrations):
    manager = BackupManager(tmp_db, tmp_path / "backups")
    helpers.seed(tmp_db)
    old_rows = helpers.snapshot(tmp_db)
    old = manager.create(MANUAL, now=datetime(2026, 1, 1))
    extra_migrations("""
        with op.batch_alter_table("member") as batch_op:
            batch_op.add_column(sa.Column("note_3", sa.Text(), nullable=True))
    """)
    schema.ensure_schema(tmp_db, tmp_path / "backups")  # the program was updated: live file at t002
    helpers.seed(tmp_db, tag="2")

    manager.restore(old)
    assert helpers.revision(tmp_db) == "t002"
    assert "note_3" in helpers.columns(tmp_db, "member")
    restored = helpers.snapshot(tmp_db)
    assert restored["org_unit"] == old_rows["org_unit"]
    assert [r[:-1] for r in restored["member"]] == old_rows["member"]


# --- rotation --------------------------------------------------------------------------------------------


def _touch(directory: Path, when: datetime, reason: str, stem: str = "assist") -> Path:
    path = directory / f"{stem}-{when.strftime(STAMP_FORMAT)}-{reason}.sqlite"
    path.write_bytes(b"")
    return path


def test_rotation_over_four_hundred_days(tmp_db, tmp_path):
    """Backups every six hours for 400 days up to Saturday 2026-11-21 18:00, default policy
    (3 recent, 7 daily, 4 weekly, 12 monthly). The survivors, worked out by hand:"""
    directory = tmp_path / "backups"
    directory.mkdir()
    now = datetime(2026, 11, 21, 18, 0)
    autos = [_touch(directory, now - timedelta(hours=6 * i), AUTO) for i in range(400 * 4)]
    oldest = now - timedelta(hours=6 * (400 * 4 - 1))
    keepers = [
        _touch(directory, oldest - timedelta(days=30), MANUAL),
        _touch(directory, oldest - timedelta(days=20), UPGRADE),
        _touch(directory, oldest - timedelta(days=10), BEFORE_RESTORE),
        _touch(directory, oldest - timedelta(days=5), AUTO, stem="demo"),  # another database's
    ]
    expected = {datetime(2026, 11, d, h) for d, h in [
        (21, 18), (21, 12), (21, 6),                          # the newest three
        (20, 18), (19, 18), (18, 18), (17, 18), (16, 18), (15, 18),  # newest of each of 7 days
        (8, 18), (1, 18),                                     # ISO weeks 45 and 44 (46, 47 above)
    ]} | {datetime(y, mo, d, 18) for y, mo, d in [             # newest of each of 12 months
        (2026, 10, 31), (2026, 9, 30), (2026, 8, 31), (2026, 7, 31), (2026, 6, 30), (2026, 5, 31),
        (2026, 4, 30), (2026, 3, 31), (2026, 2, 28), (2026, 1, 31), (2025, 12, 31),
    ]}
    assert len(expected) == 22

    manager = BackupManager(tmp_db, directory)
    removed = manager.rotate()

    survivors = {b.taken_at for b in manager.list() if b.reason == AUTO}
    assert survivors == expected
    assert len(removed) == len(autos) - 22
    assert all(not p.exists() for p in removed)
    assert all(p.exists() for p in keepers)
    assert manager.rotate() == []  # a second pass finds nothing more to delete


@settings(max_examples=40, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=500 * 24 * 60), min_size=0, max_size=60, unique=True),
    policy=st.builds(RotationPolicy, recent=st.integers(0, 4), daily=st.integers(0, 8),
                     weekly=st.integers(0, 5), monthly=st.integers(0, 13)),
)
def test_rotation_invariants(tmp_path_factory, offsets, policy):
    directory = tmp_path_factory.mktemp("rot")
    now = datetime(2026, 11, 21, 23, 59)
    taken = sorted((now - timedelta(minutes=o) for o in offsets), reverse=True)
    for t in taken:
        _touch(directory, t, AUTO)
    manual = _touch(directory, now - timedelta(days=900), MANUAL)
    manager = BackupManager(directory / "assist.sqlite", directory, policy)

    manager.rotate()
    kept = sorted((b.taken_at for b in manager.list() if b.reason == AUTO), reverse=True)
    kept_set = set(kept)

    assert manual.exists()
    assert taken[: policy.recent] == kept[: policy.recent]  # the newest few always survive

    def newest_per(bucket, count):
        newest = {}
        for t in taken:  # newest first
            newest.setdefault(bucket(t), t)
        return list(newest.values())[:count]

    required = set(taken[: policy.recent])
    for bucket, count in ((lambda d: d.date(), policy.daily),
                          (lambda d: d.isocalendar()[:2], policy.weekly),
                          (lambda d: (d.year, d.month), policy.monthly)):
        required |= set(newest_per(bucket, count))
    assert kept_set == required
    assert manager.rotate() == []


def test_auto_backup_respects_min_interval_and_rotates(tmp_db, tmp_path):
    manager = BackupManager(tmp_db, tmp_path / "backups",
                            RotationPolicy(recent=2, daily=0, weekly=0, monthly=0))
    t0 = datetime(2026, 5, 1, 8, 0)
    first = manager.auto_backup(now=t0, min_interval=timedelta(hours=1))
    assert first is not None and first.is_file()
    assert manager.auto_backup(now=t0 + timedelta(minutes=59), min_interval=timedelta(hours=1)) is None
    manager.create(MANUAL, now=t0 + timedelta(minutes=70))  # a manual backup does not reset the clock
    second = manager.auto_backup(now=t0 + timedelta(minutes=61), min_interval=timedelta(hours=1))
    assert second is not None
    assert manager.auto_backup(now=t0 + timedelta(minutes=62), min_interval=timedelta(0)) is not None
    assert manager.auto_backup(now=t0 + timedelta(minutes=63), min_interval=timedelta(0)) is not None
    autos = [b for b in manager.list() if b.reason == AUTO]
    assert [b.taken_at for b in autos] == [t0 + timedelta(minutes=63), t0 + timedelta(minutes=62)]
    assert not first.exists()
    assert len([b for b in manager.list() if b.reason == MANUAL]) == 1


# --- failures ---------------------------------------------------------------------------------------------


def test_backup_into_a_directory_that_cannot_be_created(tmp_db, tmp_path, helpers):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("这是一个文件")
    for directory in (blocker, blocker / "backups"):
        with pytest.raises(BackupError) as caught:
            BackupManager(tmp_db, directory).create()
        assert helpers.has_chinese(caught.value.message)
        assert str(directory) in caught.value.message
        assert "File exists" not in caught.value.message and "Not a directory" not in caught.value.message
    assert blocker.read_text() == "这是一个文件"


def test_backup_that_fails_leaves_no_partial_file(tmp_path, helpers):
    directory = tmp_path / "backups"
    stamp = datetime(2026, 1, 1)
    # the live file has been damaged into something that is not a database
    broken = tmp_path / "assist.sqlite"
    broken.write_text("不是数据库", encoding="utf-8")
    manager = BackupManager(broken, directory)
    with pytest.raises(BackupError) as caught:
        manager.create(MANUAL, now=stamp)
    assert "损坏" in caught.value.message
    assert sorted(p.name for p in directory.iterdir()) == []
    # a stale .partial that cannot even be removed: still a BackupError, not an OSError
    (directory / f"assist-{stamp.strftime(STAMP_FORMAT)}-manual.partial").mkdir()
    with pytest.raises(BackupError):
        manager.create(MANUAL, now=stamp)
    assert manager.list() == []


def test_stale_partial_file_from_a_crash_is_replaced(tmp_db, tmp_path, helpers):
    directory = tmp_path / "backups"
    directory.mkdir()
    stamp = datetime(2026, 1, 1)
    (directory / f"assist-{stamp.strftime(STAMP_FORMAT)}-manual.partial").write_bytes(b"half a file")
    helpers.seed(tmp_db)
    path = BackupManager(tmp_db, directory).create(MANUAL, now=stamp)
    check_backup_file(path)
    assert helpers.count(path, "member") == 2
    assert [p.name for p in directory.iterdir()] == [path.name]


def test_backup_of_a_missing_database(tmp_path, helpers):
    with pytest.raises(BackupError) as caught:
        BackupManager(tmp_path / "nothing.sqlite").create()
    assert helpers.has_chinese(caught.value.message) and "nothing.sqlite" in caught.value.message
