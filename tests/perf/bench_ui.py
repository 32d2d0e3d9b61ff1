"""UI benchmarks on a demo database: P1 cold start, P8 memory with the file open."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "perf-results" / "cache"


def cached_demo(families: int) -> Path:
    """A demo county of ``families`` households, generated once and kept under perf-results/cache/."""
    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage.schema import head_revision, open_database

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{families}-{head_revision()}.sqlite"
    if not path.exists():
        partial = path.with_suffix(".partial")
        for stale in CACHE.glob(f"{partial.name}*"):
            stale.unlink()
        with open_database(partial) as db:
            generate_demo(db, families, seed=2026, today=date(2026, 11, 20))
        import sqlite3

        with sqlite3.connect(partial) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        partial.rename(path)
    return path


def _start(mode: str, db: Path | None) -> dict[str, float]:
    started = time.perf_counter()
    args = [sys.executable, str(ROOT / "tests" / "perf" / "ui_start.py"), mode] + ([str(db)] if db else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT, timeout=300)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - started
    return result


def bench_cold_start(families: int, workdir: Path, runs: int = 5) -> dict[str, Any]:
    """P1: process start to a main window showing registry rows, vs a bare QApplication + empty window.
    P8: resident memory of the program with the file open."""
    db = cached_demo(families)
    copy = workdir / "start.sqlite"
    import shutil

    shutil.copyfile(db, copy)
    _start("full", copy)  # warm the page cache: a cold disk is not what is compared
    bare, full = [], []
    for _ in range(runs):
        bare.append(_start("bare", None))
        full.append(_start("full", copy))
    bare_s = statistics.median(r["wall_s"] for r in bare)
    full_s = statistics.median(r["wall_s"] for r in full)
    rss = statistics.median(r["rss_mb"] for r in full)
    return {
        "families": families,
        "start_s": round(full_s, 3), "bare_start_s": round(bare_s, 3),
        "ratio": round(full_s / bare_s, 2), "goal_ratio": 2.5, "goal_start_s": 1.5,
        "rss_mb": round(rss, 1), "bare_rss_mb": round(statistics.median(r["rss_mb"] for r in bare), 1),
        "goal_rss_mb": 300,
        "ok": full_s <= 1.5 and full_s / bare_s <= 2.5 and rss <= 300,
    }
