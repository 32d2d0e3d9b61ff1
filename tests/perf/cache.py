"""The demo files the read-only benchmarks share: generated once per size and schema revision, then reused.

They live in ``perf-results/cache/`` unless ``ASSIST_BENCH_CACHE`` names another folder (a province-sized file
is 1.6 GB and takes minutes to make; keep it where there is room, and delete it when done).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    return Path(os.environ.get("ASSIST_BENCH_CACHE") or ROOT / "perf-results" / "cache")


def cached_demo(families: int) -> Path:
    """A demo county of ``families`` households at the head revision, generated once (seed 2026). A file of an
    older revision of the same size is upgraded instead of generated again (the upgrade is the program's own)."""
    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage.schema import ensure_schema, head_revision, open_database

    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"demo-{families}-{head_revision()}.sqlite"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for stale in cache.glob(f"{partial.name}*"):
        stale.unlink()
    older = sorted(p for p in cache.glob(f"demo-{families}-*.sqlite") if p != path)
    if older:
        shutil.copyfile(older[-1], partial)
        ensure_schema(partial, cache / "upgrade-backups")
        shutil.rmtree(cache / "upgrade-backups", ignore_errors=True)
    else:
        with open_database(partial) as db:
            generate_demo(db, families, seed=2026, today=date(2026, 11, 20))
    with sqlite3.connect(partial) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    partial.rename(path)
    return path
