"""The window says that it waits: while another program — a real second process — holds the database's write
lock or restores it, a notice over the window names that program, the window keeps painting (its timers run,
so Windows would not grey it out as "not responding"), and the notice goes when the wait ends, whether the
write then goes ahead or is refused."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from assist_desktop.services.audit import append_event
from assist_desktop.storage import engine, file_lock

pytestmark = pytest.mark.usefixtures("qapp")
ROOT = Path(__file__).resolve().parents[2]

LONG_WRITE = """
    import sys, time
    from assist_desktop.storage import file_lock
    from assist_desktop.storage.engine import Database
    file_lock.set_program("命令行 ledger import")
    file_lock.set_user("李娜")
    db = Database(sys.argv[1])
    with db.transaction() as s:  # the write lock, from BEGIN IMMEDIATE to the end of the sleep
        print("READY", flush=True)
        time.sleep(float(sys.argv[2]))
    db.close()
"""

RESTORE = """
    import sys, time
    from assist_desktop.storage import file_lock
    file_lock.set_program("命令行 restore")
    file_lock.set_user("王建国")
    with file_lock.exclusive(sys.argv[1], doing="恢复备份"):
        print("READY", flush=True)
        time.sleep(float(sys.argv[2]))
"""


def other_program(script: str, *args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script), *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = proc.stdout.readline()  # type: ignore[union-attr]
    assert line.strip() == "READY", proc.stderr.read()  # type: ignore[union-attr]
    return proc


@pytest.fixture
def notice(qapp: QApplication) -> Iterator[Any]:
    from assist_desktop.ui.shell.waiting import WaitingNotice

    shown = WaitingNotice(qapp)
    shown.install()
    yield shown
    shown.uninstall()
    shown.deleteLater()


class Watch:
    """A timer on the GUI thread, as the window's own are: it fires only while the event loop runs, and notes
    what the notice shows each time."""

    def __init__(self, notice: Any) -> None:
        self.notice = notice
        self.seen: list[tuple[float, bool, str]] = []
        self.timer = QTimer()
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.tick)
        self.started = time.monotonic()
        self.timer.start()

    def tick(self) -> None:
        label = self.notice.label if self.notice.shown else None
        self.seen.append((time.monotonic() - self.started, label is not None, label.text() if label else ""))

    def stop(self) -> None:
        self.timer.stop()

    def shown_texts(self) -> list[str]:
        return [text for _t, shown, text in self.seen if shown]


@pytest.fixture
def quick_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "FIRST_WAIT_MS", 300)
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 8_000)


def test_a_save_on_the_gui_thread_shows_whom_it_waits_for_and_the_window_keeps_painting(
        qtbot, app_context, notice, quick_waits, shots_dir) -> None:
    from assist_desktop.ui.shell.main_window import MainWindow

    for other in QApplication.topLevelWidgets():  # a window an earlier test left shown would take the notice
        if other.isVisible():
            other.hide()
    ctx = app_context("jingban")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # the other program holds the write lock 4 s from its READY: on a loaded machine the READY reached us late
    # enough that the wait ended before the notice's once-a-second count (a clean-clone CI run failed so)
    proc = other_program(LONG_WRITE, str(ctx.db_path), "4")
    watch = Watch(notice)
    pictures: list[Any] = []
    QTimer.singleShot(1500, lambda: pictures.append(window.grab()))  # what the caseworker sees mid-wait
    try:
        started = time.monotonic()
        with ctx.db.transaction() as s:  # a short write on the GUI thread, as the editor's save is
            append_event(s, actor_id=None, actor_name="测试", entity_type="waiting", entity_id=None, action="save")
        waited = time.monotonic() - started
    finally:
        watch.stop()
        proc.wait(timeout=30)
    assert 1.5 < waited < 8  # it did wait for the other program, then wrote
    during = [t for t, _shown, _text in watch.seen if t < waited]
    assert len(during) >= 8, f"the window's timers ran {len(during)} times in {waited:.1f} s: it froze"
    texts = watch.shown_texts()
    assert texts, "no notice while waiting"
    assert "计算机“" in texts[0] and f"进程 {proc.pid}（命令行 ledger import，用户 李娜）写入" in texts[0]
    assert any("已等待" in t for t in texts)  # it counts the seconds
    assert not notice.shown
    qtbot.waitUntil(lambda: window.findChild(QLabel, "waiting_notice") is None, timeout=2000)
    assert pictures
    picture = pictures[0].toImage()
    # the notice's yellow is on the picture of the window taken mid-wait
    assert any(picture.pixelColor(x, y).name() == "#fff4ce"
               for y in range(picture.height() // 2, picture.height(), 4) for x in range(0, picture.width(), 8))
    pictures[0].save(str(shots_dir / "waiting-notice-mid-wait.png"))


def test_a_background_write_refused_after_the_wait_shows_the_notice_then_the_refusal(
        qtbot, app_context, notice, monkeypatch) -> None:
    from assist_desktop.ui.background import run_op

    monkeypatch.setattr(engine, "FIRST_WAIT_MS", 300)
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 1_500)
    ctx = app_context("jingban")
    proc = other_program(LONG_WRITE, str(ctx.db_path), "20")
    watch = Watch(notice)
    errors: list[BaseException] = []

    def work(_progress: Any) -> None:
        with ctx.db.transaction() as s:
            append_event(s, actor_id=None, actor_name="测试", entity_type="waiting", entity_id=None, action="save")

    try:
        op = run_op(None, work, on_error=errors.append, show_progress=False)
        qtbot.waitUntil(lambda: op.done, timeout=20_000)
    finally:
        watch.stop()
        proc.kill()
        proc.wait()
    assert errors and isinstance(errors[0], file_lock.FileBusy)
    assert f"进程 {proc.pid}（命令行 ledger import，用户 李娜）写入" in errors[0].message
    texts = watch.shown_texts()
    assert texts and f"进程 {proc.pid}" in texts[0]  # shown while the worker waited
    assert not notice.shown  # and gone with the refusal


def test_a_start_waiting_for_another_programs_restore_shows_a_notice_of_its_own(qtbot, demo_db, notice) -> None:
    from assist_desktop.storage.engine import Database

    proc = other_program(RESTORE, str(demo_db), "2")
    watch = Watch(notice)
    try:
        started = time.monotonic()
        db = Database(demo_db)  # on the GUI thread, before any window: waits for the restore to end
        waited = time.monotonic() - started
        db.close()
    finally:
        watch.stop()
        proc.wait(timeout=30)
    assert 1 < waited < 15
    texts = watch.shown_texts()
    assert texts and f"进程 {proc.pid}（命令行 restore，用户 王建国）恢复备份或独占使用" in texts[0]
    assert len([t for t, _s, _x in watch.seen if t < waited]) >= 5
    assert not notice.shown
