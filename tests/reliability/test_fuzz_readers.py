"""Readers of files from outside the program, over mutated bytes (hypothesis): Excel and CSV ledgers,
unit key files and restore (backup) files. Whatever the bytes, the answer is a result or the reader's
own refusal with a Chinese message — never another exception, never a write. (Sync packages are fuzzed
in tests/sync/test_fuzz.py.)

``FUZZ_EXAMPLES`` examples per reader (100 by default; the nightly run sets ``FUZZ_EXAMPLES=10000``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assist_desktop.domain.errors import DomainError

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """The original with bytes flipped, a piece cut out or junk put in — or cut short."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(("flip", "cut", "insert", "truncate")))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at:at + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        else:
            del data[at:]
    return bytes(data)


def _ledger_files(folder: Path) -> dict[str, bytes]:
    from openpyxl import Workbook

    rows = [["2026年困难职工台账"], ["序号", "姓名", "身份证号", "困难类别", "家庭人口", "月人均收入", "联系电话"],
            [1, "王建国", "610826198003151234", "深度困难", 1, "350元", "13912345678"],
            [2, "李秀英", "610826198206112245", "相对困难", 1, "1,200.50", "13812345678"]]
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.active.merge_cells("A1:G1")
    xlsx = folder / "台账.xlsx"
    book.save(xlsx)
    csv = "\n".join(",".join(str(v) for v in row) for row in rows[1:]).encode("gbk")
    return {"xlsx": xlsx.read_bytes(), "csv": csv}


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _ledger_files(tmp_path_factory.mktemp("ledgers"))


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_damaged_ledger_is_read_or_refused_with_a_message(kind: str, ledgers: dict[str, bytes],
                                                            tmp_path: Path) -> None:
    from assist_desktop.services.ledger import detect_header, guess_kind, read_sheet
    from assist_desktop.services.ledger.reading import LedgerReadError

    path = tmp_path / f"台账.{kind}"
    seen = {"read": 0, "refused": 0}

    @FUZZ
    @given(data=mutated(ledgers[kind]))
    def attempt(data: bytes) -> None:
        path.write_bytes(data)
        try:
            sheet = read_sheet(path)
            detect_header(sheet, guess_kind(sheet))
            seen["read"] += 1
        except LedgerReadError as exc:
            assert exc.message and not exc.message.isascii()
            seen["refused"] += 1
        except DomainError as exc:  # a header that cannot be found is the mapping's own refusal
            assert exc.message and not exc.message.isascii()
            seen["refused"] += 1

    attempt()
    print(f"\n{kind} ledger: {seen['read'] + seen['refused']} cases, {seen['read']} read, {seen['refused']} refused")
    assert seen["read"] + seen["refused"] >= min(EXAMPLES, 20)


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from datetime import date

    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage.schema import open_database
    from assist_desktop.sync.keys import export_key_file

    path = tmp_path_factory.mktemp("keys") / "county.sqlite"
    with open_database(path) as db:
        generate_demo(db, 5, seed=2, today=date(2026, 11, 20), history=False)
        with db.session() as s:
            return export_key_file(s, None)


def test_a_damaged_key_file_is_refused_with_a_message(key_file: bytes) -> None:
    from assist_desktop.sync.errors import SyncError
    from assist_desktop.sync.keys import read_key_file

    assert read_key_file(key_file).fingerprint  # the pristine file reads
    seen = {"read": 0, "refused": 0}

    @FUZZ
    @given(data=mutated(key_file))
    def attempt(data: bytes) -> None:
        try:
            read_key_file(data)
            seen["read"] += 1
        except SyncError as exc:
            assert exc.message and not exc.message.isascii()
            seen["refused"] += 1

    attempt()
    print(f"\nkey file: {seen['read'] + seen['refused']} cases, {seen['read']} read, {seen['refused']} refused")


@pytest.mark.parametrize("change", ["no purpose", "purpose a list", "unknown purpose", "lone surrogate"])
def test_the_key_files_found_by_fuzzing_are_refused(key_file: bytes, change: str) -> None:
    """Found by the nightly run (10,000 cases): a key without purpose and algorithm (KeyError), and what
    the same check let through or tripped over; a lone surrogate in a string (UnicodeEncodeError)."""
    import json

    from assist_desktop.sync.errors import SyncError
    from assist_desktop.sync.keys import read_key_file

    doc = json.loads(key_file)
    key = doc["keys"][-1]
    if change == "no purpose":
        del key["purpose"], key["algorithm"]
    elif change == "purpose a list":
        key["purpose"] = []
    elif change == "unknown purpose":
        key["purpose"] = "other"
        del key["algorithm"]
    else:
        doc["unit"]["name"] = "绥德\ud800"
    with pytest.raises(SyncError) as caught:
        read_key_file(json.dumps(doc).encode())
    assert not caught.value.message.isascii()


@pytest.fixture(scope="module")
def backup(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    from datetime import date

    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage.schema import open_database

    path = tmp_path_factory.mktemp("backup") / "county.sqlite"
    with open_database(path) as db:
        generate_demo(db, 5, seed=3, today=date(2026, 11, 20), history=False)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    return path.read_bytes()


def test_a_damaged_restore_file_is_refused_and_the_database_stays(backup: bytes, tmp_path: Path) -> None:
    """`restore FILE` checks the file first: a damaged one is refused and the current database unchanged."""
    from assist_desktop.storage.backup import BackupError, BackupManager, check_backup_file

    current = tmp_path / "assist.sqlite"
    current.write_bytes(backup)
    before = current.read_bytes()
    candidate = tmp_path / "备份.sqlite"
    seen = {"sound": 0, "refused": 0}

    @FUZZ
    @given(data=mutated(backup))
    def attempt(data: bytes) -> None:
        candidate.write_bytes(data)
        try:
            check_backup_file(candidate)
            seen["sound"] += 1
        except BackupError as exc:
            seen["refused"] += 1
            assert exc.message and not exc.message.isascii()
            with pytest.raises(BackupError):
                BackupManager(current, tmp_path / "backups").restore(candidate)
            assert current.read_bytes() == before
        finally:
            for extra in tmp_path.glob("备份.sqlite-*"):
                extra.unlink()

    attempt()
    print(f"\nrestore file: {seen['sound'] + seen['refused']} cases, {seen['sound']} sound, {seen['refused']} refused")
    shutil.rmtree(tmp_path / "backups", ignore_errors=True)
