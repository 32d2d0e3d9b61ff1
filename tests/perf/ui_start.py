"""One cold start, in a process of its own, for the P1/P8 benchmarks.

    python tests/perf/ui_start.py bare             # QApplication + an empty main window
    python tests/perf/ui_start.py full DB_PATH     # the program on DB_PATH, until the registry shows rows

Prints one JSON line: seconds from process start to a usable window, and the resident memory then.
"""

from __future__ import annotations

import json
import os
import sys
import time

STARTED = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(mode: str, db_path: str | None) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    if mode == "bare":
        app = QApplication(sys.argv)
        window = QMainWindow()
        window.resize(1200, 760)
        window.show()
        app.processEvents()
        return {"seconds": time.perf_counter() - STARTED, "rss_mb": rss_mb()}

    from pathlib import Path

    from assist_desktop.storage.schema import open_database
    from assist_desktop.ui.app import build_main_window, log_in, make_application

    app = make_application(sys.argv)
    db = open_database(db_path if db_path and "://" in db_path else Path(db_path or ""))  # a file, or a server
    ctx = log_in(db, demo=True)
    assert ctx is not None
    window = build_main_window(ctx)
    window.show()
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        app.processEvents()
        tables = window.findChildren(QTableView)
        if any(t.isVisible() and t.model() is not None and t.model().rowCount() > 0 for t in tables):
            break
        time.sleep(0.002)
    else:
        raise SystemExit("the registry never showed a row")
    seconds = time.perf_counter() - STARTED
    return {"seconds": seconds, "rss_mb": rss_mb()}


if __name__ == "__main__":
    result = main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
    print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)  # skip teardown: only the start is measured
