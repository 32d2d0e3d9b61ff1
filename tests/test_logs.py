"""The program's log (assist_desktop.logs): rotating files in the user data folder, with nothing in them
that identifies a household — checked by reading the files back."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert
from sqlalchemy.exc import IntegrityError

from assist_desktop import logs

# The longest and oddest real values: a Uyghur name, an ID ending in X, a mobile and a bank card written
# the ways caseworkers write them, the county union of Jishishan.
NAME = "阿卜杜热合曼·买买提依明·艾则孜"
ID_NUMBER = "62292719800307123X"
PHONES = ("13893012345", "138-9301-2345", "138 9301 2345", "0930-7712345")
BANK = "6228 4800 1234 5678 917"
UNION = "积石山保安族东乡族撒拉族自治县总工会"
SECRETS = (NAME, ID_NUMBER, *PHONES, BANK, UNION, "买买提", "9301", "5678 917")


@pytest.fixture
def log_dir(tmp_path: Path):
    directory = tmp_path / "logs"
    assert logs.start_logging(directory) == directory / logs.LOG_FILE
    yield directory
    logs.stop_logging()


def _read(directory: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "".join(p.read_text(encoding="utf-8") for p in logs.log_files(directory))


def test_redact_takes_out_numbers_quoted_values_mail_and_home() -> None:
    home = str(Path.home())
    text = (f"用户“{NAME}”已是停用状态；身份证号 {ID_NUMBER}，电话 {PHONES[1]} / {PHONES[2]} / {PHONES[3]}，"
                           f"卡号 {BANK}，单位「{UNION}」，mail wang.fang@example.cn，file {home}/文档/名单.xlsx，"
                           f"KeyError: '{NAME}' repr \"{UNION}\"")
    out = logs.redact(text)
    for secret in (*SECRETS, "wang.fang", home, "名单"):
        assert secret not in out, (secret, out)
    assert out.startswith("用户“…”已是停用状态；身份证号 <number>，电话 <number> / <number> / <number>，卡号 <number>，")
    assert "<e-mail>" in out and "file ~/…/…，" in out and "KeyError: '…' repr \"…\"" in out


def test_redact_keeps_what_a_traceback_needs() -> None:
    trace = ('Traceback (most recent call last):\n'
             '  File "/opt/apps/org.assistdesktop.app/files/_internal/assist_desktop/services/registry.py", '
             'line 1234, in create_file\n'
             '    session.flush()\n'
             'sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) database is locked\n'
             'schema 0005, Qt 6.11.3, 12.5 MB, 2026-11-20 10:31:02')
    assert logs.redact(trace) == trace


def test_a_failed_statement_is_logged_without_its_values(log_dir: Path) -> None:
    """SQLAlchemy appends the statement's parameters to its error: the log keeps the error, not them."""
    engine = create_engine("sqlite://")
    person = Table("person", MetaData(), Column("id_number", String, primary_key=True), Column("name", String))
    person.metadata.create_all(engine)
    row = {"id_number": ID_NUMBER, "name": NAME}
    with engine.begin() as conn:
        conn.execute(insert(person), [row])
    with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
        conn.execute(insert(person), [row])
    assert NAME in str(caught.value) and ID_NUMBER in str(caught.value)  # what would have been written
    try:
        raise caught.value
    except IntegrityError:
        logging.getLogger("assist_desktop.test").exception("saving the file of %s (%s) failed", NAME, PHONES[0])
    written = _read(log_dir)
    assert "IntegrityError" in written and "UNIQUE constraint failed: person.id_number" in written
    assert "[parameters: …]" in written and "saving the file of … (<number>) failed" in written
    assert "Traceback (most recent call last)" in written
    for secret in SECRETS:
        assert secret not in written, secret


def test_the_log_rotates_and_keeps_a_few_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 4000)
    directory = tmp_path / "logs"
    logs.start_logging(directory)
    try:
        log = logging.getLogger("assist_desktop.test")
        for n in range(400):
            log.info("background operation %d finished in %.2f s", n, n / 100)
        written = _read(directory)
    finally:
        logs.stop_logging()
    files = sorted(p.name for p in directory.iterdir())
    assert files == ["assist-desktop.log", *(f"assist-desktop.log.{n}" for n in range(1, logs.BACKUP_COUNT + 1)),
                     "crash.log"]
    assert all((directory / f).stat().st_size <= 4000 for f in files)
    assert "background operation 399 finished in 3.99 s" in written  # the newest lines are kept
    assert "background operation 0 finished" not in written  # the oldest rotated away


def test_an_unwritable_folder_gives_no_log_and_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    assert logs.start_logging(blocker / "logs") is None
    assert not any(isinstance(h, logs.RotatingLog) for h in logging.getLogger().handlers)


def test_a_hard_crash_leaves_its_traceback_in_crash_log(tmp_path: Path) -> None:
    """A segmentation fault (as in Qt) kills the interpreter before logging can run: faulthandler writes
    the Python stack of every thread to crash.log."""
    code = ("import sys, faulthandler\nfrom pathlib import Path\nfrom assist_desktop import logs\n"
            "logs.start_logging(Path(sys.argv[1]))\n"
            "def print_vouchers():\n    faulthandler._sigsegv()\n"
            "print_vouchers()\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    crash = (tmp_path / logs.CRASH_FILE).read_text(encoding="utf-8")
    assert "Segmentation fault" in crash and "print_vouchers" in crash, crash


def test_process_age_counts_from_the_process_start() -> None:
    code = "import time; time.sleep(0.5); from assist_desktop.logs import process_age; print(process_age())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    age = float(done.stdout)
    assert 0.5 <= age < 30, age


def test_a_backup_is_in_the_log(log_dir: Path, tmp_db: Path) -> None:
    from assist_desktop.storage.backup import MANUAL, BackupManager

    target = BackupManager(tmp_db).create(MANUAL)
    written = _read(log_dir)
    assert f"backup written: manual, {target.stat().st_size / 2**20:.1f} MB" in written
    assert str(tmp_db.parent) not in written
