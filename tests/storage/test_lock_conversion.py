"""Windows converts no file lock in place: ``file_lock`` lets go of the lock byte and takes the other kind, and
does so holding a gate byte that every exclusive request passes through, so no other program can take the
file in that gap (restore it under a program that has it open). Windows is not here; the algorithm is, and it
runs on Linux's locks as well: this process converts by release, with the gap widened to half a second, while
another real process asks for the file exclusively every few milliseconds.

The same run with the conversion this module had before (let go, try, take back — no gate) lets the other
process in: the check can fail."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import IO, Any

import pytest

from assist_desktop.storage import file_lock
from assist_desktop.storage.engine import Database

ROOT = Path(__file__).resolve().parents[2]
GAP = 0.5

# Another program asking for the file alone, over and over, the way the module does it (through the gate),
# or the way it did before (straight at the lock byte). Prints GOT the moment it has it.
KNOCKER = """
    import sys, time
    from pathlib import Path
    from assist_desktop.storage import file_lock
    hold = file_lock._open_hold(Path(sys.argv[1]))
    gated = sys.argv[2] == "gated"
    print("READY", flush=True)
    end = time.monotonic() + float(sys.argv[3])
    while time.monotonic() < end:
        if file_lock._try_exclusive(hold.lock) if gated else file_lock._try_lock(hold.lock, True):
            print("GOT", flush=True)
            time.sleep(0.3)
            file_lock._unlock(hold.lock)
            break
        time.sleep(0.003)
    else:
        print("NEVER", flush=True)
"""


def _old_convert(fh: IO[Any], exclusive: bool) -> bool:
    """The Windows conversion as it was: let go, try the other kind, take the old kind back (no gate)."""
    file_lock._unlock(fh)
    if file_lock._try_lock(fh, exclusive):
        return True
    while not file_lock._try_lock(fh, not exclusive):
        time.sleep(file_lock.POLL_SECONDS)
    return False


def _knocked(proc: subprocess.Popen[str]) -> bool:
    """Whether the other process has said GOT yet (without waiting)."""
    ready, _, _ = select.select([proc.stdout], [], [], 0)
    return bool(ready) and proc.stdout.readline().strip() == "GOT"  # type: ignore[union-attr]


@pytest.mark.parametrize("way", ["gated", "old"])
def test_no_other_program_takes_the_file_while_a_lock_is_converted(way: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "assist.sqlite"
    Database(path).close()
    real_unlock = file_lock._unlock

    def slow_unlock(fh: IO[Any], offset: int = 0) -> None:
        real_unlock(fh, offset)
        if offset == 0 and converting:
            time.sleep(GAP)  # the gap between letting go and taking the other kind, widened

    converting = False
    monkeypatch.setattr(file_lock, "_unlock", slow_unlock)
    monkeypatch.setattr(file_lock, "_convert", file_lock._convert_by_release if way == "gated" else _old_convert)
    if way == "old":  # the fresh start's exclusive try went straight at the lock byte too
        monkeypatch.setattr(file_lock, "_try_exclusive", lambda fh: file_lock._try_lock(fh, True))

    db = Database(path)  # holds the file (shared) before the other program starts knocking
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(KNOCKER), str(path), way, "30"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert proc.stdout.readline().strip() == "READY"  # type: ignore[union-attr]
        got_in_while_open = False
        converting = True
        # a restore from this program: shared → exclusive, held a moment, then back to shared
        with file_lock.exclusive(path, doing="恢复备份", wait=5):
            got_in_while_open |= _knocked(proc)
            time.sleep(0.2)
        converting = False
        for _ in range(10):  # still open: nobody else may have it alone
            got_in_while_open |= _knocked(proc)
            time.sleep(0.05)
        if way == "old":
            assert got_in_while_open, "the old conversion let nobody in: the check proves nothing"
            return
        assert not got_in_while_open, "another program took the file alone while this one had it open"
        db.close()
        db = None
        deadline = time.monotonic() + 10
        while not _knocked(proc):  # closed: now it may
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()  # type: ignore[union-attr]
            time.sleep(0.02)
    finally:
        if db is not None:
            db.close()
        proc.kill()
        proc.wait()


def test_a_fresh_start_cleans_up_and_goes_back_to_shared_through_the_gate(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The first program to open the file holds it alone to remove killed programs' leftovers, then goes back
    to a shared hold; by release (Windows) that step waits for a gate another program holds a moment, and
    never ends holding the file alone."""
    path = tmp_path / "assist.sqlite"
    Database(path).close()
    monkeypatch.setattr(file_lock, "_convert", file_lock._convert_by_release)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    gate = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time
        from pathlib import Path
        from assist_desktop.storage import file_lock
        hold = file_lock._open_hold(Path(sys.argv[1]))
        print("READY", flush=True)
        sys.stdin.readline()
        assert file_lock._try_lock(hold.lock, True, file_lock.GATE_BYTE)  # the gate, held a moment
        print("HELD", flush=True)
        time.sleep(0.6)
        file_lock._unlock(hold.lock, file_lock.GATE_BYTE)
        time.sleep(30)
    """), str(path)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env)
    real_clean = file_lock.clean_leftovers

    def clean_then_gate(*args: Any) -> Any:
        removed = real_clean(*args)
        gate.stdin.write("go\n")  # type: ignore[union-attr]
        gate.stdin.flush()  # type: ignore[union-attr]
        assert gate.stdout.readline().strip() == "HELD"  # type: ignore[union-attr]
        return removed

    monkeypatch.setattr(file_lock, "clean_leftovers", clean_then_gate)
    try:
        assert gate.stdout.readline().strip() == "READY"  # type: ignore[union-attr]
        started = time.monotonic()
        with Database(path):  # alone: cleans up, then back to shared once the gate is free
            waited = time.monotonic() - started
            # shared, not alone: another program opens the file at once
            other = subprocess.run([sys.executable, "-c", textwrap.dedent("""
                import sys
                from assist_desktop.storage import file_lock
                from assist_desktop.storage.engine import Database
                file_lock.SHARED_WAIT_SECONDS = 0.5
                Database(sys.argv[1]).close()
                print("OPENED")
            """), str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
            assert other.stdout.strip() == "OPENED", other.stderr
        assert 0.4 < waited < 5  # it waited for the gate, then went on
    finally:
        gate.kill()
        gate.wait()


def test_the_windows_branch_calls_lockfileex_as_documented() -> None:
    """The Windows code imported here against a model of LockFileEx/UnlockFileEx (tests/storage/lockfileex_model.py)."""
    run = subprocess.run([sys.executable, str(Path(__file__).with_name("lockfileex_model.py")), str(ROOT)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "windows branch ok", run.stderr
