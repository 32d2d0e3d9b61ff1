"""A second program on the same database file is refused with a message naming the first; a lock left
by a program that died (power cut, killed) is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("qapp")

HOLDER = """
import sys, time
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
from assist_desktop.ui.instance import InstanceLock
lock = InstanceLock(sys.argv[1])
assert lock.acquire() is None
print("held", flush=True)
time.sleep(60)
"""


def test_the_second_window_names_the_first_and_a_dead_ones_lock_is_taken_over(tmp_path: Path) -> None:
    from assist_desktop.ui.instance import InstanceLock

    db = tmp_path / "assist.sqlite"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    try:
        assert holder.stdout.readline().strip() == "held"
        message = InstanceLock(db).acquire()
        assert message is not None
        assert str(db) in message and str(holder.pid) in message and "已" in message
        holder.send_signal(signal.SIGKILL)  # the first program dies without unlocking
        holder.wait(10)
        deadline = time.monotonic() + 5
        second = InstanceLock(db)
        while (found := second.acquire()) is not None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert found is None
        second.release()
    finally:
        holder.kill()
        holder.wait(10)


def test_one_program_may_lock_again_after_releasing(tmp_path: Path) -> None:
    from assist_desktop.ui.instance import InstanceLock

    first = InstanceLock(tmp_path / "a.sqlite")
    assert first.acquire() is None
    first.release()
    again = InstanceLock(tmp_path / "a.sqlite")
    assert again.acquire() is None
    again.release()
