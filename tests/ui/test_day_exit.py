"""The process ends when its window closes (issue 18): a long read still running in the background (the
status bar's count, a list, on a province-sized file) is interrupted; a write is left to finish."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.usefixtures("qapp")
LONG_READ = text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000000) "
                 "SELECT count(*) FROM c")


def test_closing_the_window_does_not_wait_for_a_long_read(qtbot, demo_db, monkeypatch) -> None:
    from assist_desktop.ui import app as app_module
    from assist_desktop.ui.background import run_op

    ops = []
    closed: dict[str, float] = {}

    class Window:  # the main window, closed by the caseworker while a count runs behind it
        switch_requested = False

        def __init__(self, ctx) -> None:  # noqa: ANN001
            self.ctx = ctx

        def show(self) -> None:
            pass

        def devicePixelRatioF(self) -> float:  # noqa: N802 (logged once shown)
            return 1.0

        def start_maintenance(self) -> None:
            def count(_progress):  # noqa: ANN001, ANN202
                with self.ctx.db.session() as s:
                    return s.execute(LONG_READ).scalar_one()

            ops.append(run_op(None, count, show_progress=False))

    def event_loop(_app) -> int:  # noqa: ANN001
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not ops:
            qtbot.wait(10)
        qtbot.wait(300)  # the read is under way
        closed["at"] = time.monotonic()
        return 0

    monkeypatch.setattr(app_module, "build_main_window", Window)
    monkeypatch.setattr(app_module, "MAINTENANCE_DELAY_MS", 0)  # the long read starts with the window, not 20 s later
    monkeypatch.setattr(app_module, "event_loop", event_loop)
    code = app_module._run_locked(app_module.make_application(), demo_db, True)
    ended = time.monotonic() - closed["at"]
    assert code == 0 and ended < 3, f"the process waited {ended:.1f} s after its window closed"
    qtbot.waitUntil(lambda: ops[0].done, timeout=10_000)
    assert "interrupt" in str(ops[0].error).lower()
