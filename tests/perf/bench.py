"""The benchmark command: figures on generated data, each as a ratio to a bare baseline in the same run.

    .venv/bin/python tests/perf/bench.py                 # every benchmark, province size (300k families)
    .venv/bin/python tests/perf/bench.py --families 20000 --only bulk_write

Results are printed and written to perf-results/<timestamp>.json. Later issues add benchmarks to
BENCHMARKS. Timings are wall-clock on this machine; the ratio is what is compared against the goal.
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from assist_desktop.services.demo import DemoGenerator, ensure_demo_unit  # noqa: E402
from assist_desktop.storage import models as m  # noqa: E402
from assist_desktop.storage.bulk import insert_rows  # noqa: E402
from assist_desktop.storage.engine import PRAGMAS  # noqa: E402
from assist_desktop.storage.schema import open_database  # noqa: E402


def _stored(value: Any) -> Any:
    """The value SQLAlchemy hands to sqlite3 for a column of the models (dates as ISO text, bools as 0/1)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def bench_bulk_write(families: int, workdir: Path) -> dict[str, Any]:
    """Bulk-write demo families through Core insert vs raw sqlite3.executemany of the same rows.

    Both write into a freshly migrated file (same tables, indexes and pragmas) in one transaction,
    batch by batch; only the writes are timed, the row generation is timed separately.
    """
    core_path, raw_path = workdir / "core.sqlite", workdir / "raw.sqlite"
    for path in (core_path, raw_path):
        with open_database(path) as db:
            ensure_demo_unit(db)
    core_db = open_database(core_path)
    with core_db.session() as s:
        unit_id = s.get(m.Meta, "local_unit_id").value
    raw = sqlite3.connect(raw_path, isolation_level=None)
    for pragma in PRAGMAS:  # the same connection settings as the program's engine
        raw.execute(f"PRAGMA {pragma}")
    # The raw file needs the same unit id so foreign keys hold for identical rows.
    raw.execute("UPDATE meta SET value=? WHERE key='local_unit_id'", (unit_id,))
    raw_unit = raw.execute("SELECT id FROM org_unit").fetchone()[0]
    raw.execute("PRAGMA foreign_keys=OFF")
    for table in ("user_role", "user", "audit_event"):
        raw.execute(f"DELETE FROM {table}")
    raw.execute("UPDATE org_unit SET id=?, owner_unit_id=? WHERE id=?", (unit_id, unit_id, raw_unit))
    raw.execute("PRAGMA foreign_keys=ON")

    gen = DemoGenerator(unit_id=unit_id, unit_code="610826", today=date(2026, 11, 21), seed=7)
    t_gen = t_core = t_raw = 0.0
    rows_written = 0
    statements: dict[str, str] = {}

    def raw_insert(model: type, rows: list[dict[str, Any]]) -> None:
        table = model.__tablename__
        keys = list(rows[0])
        if table not in statements:
            statements[table] = f"INSERT INTO {table} ({', '.join(keys)}) VALUES ({', '.join('?' * len(keys))})"
        tuples = [tuple(_stored(r[k]) for k in keys) for r in rows]
        nonlocal t_raw
        started = time.perf_counter()
        raw.executemany(statements[table], tuples)
        t_raw += time.perf_counter() - started

    started = time.perf_counter()
    reference = gen.reference_rows(families)
    t_gen += time.perf_counter() - started
    with core_db.write_connection() as conn:
        raw.execute("BEGIN IMMEDIATE")
        batches = gen.families(families, batch=5000)
        for model, rows in reference.items():
            started = time.perf_counter()
            insert_rows(conn, model, rows)
            t_core += time.perf_counter() - started
            raw_insert(model, rows)
        while True:
            started = time.perf_counter()
            batch = next(batches, None)
            t_gen += time.perf_counter() - started
            if batch is None:
                break
            for model, rows in batch.items():
                if not rows:
                    continue
                rows_written += len(rows)
                started = time.perf_counter()
                insert_rows(conn, model, rows)
                t_core += time.perf_counter() - started
                raw_insert(model, rows)
        started = time.perf_counter()
    t_core += time.perf_counter() - started  # the commit
    started = time.perf_counter()
    raw.execute("COMMIT")
    t_raw += time.perf_counter() - started
    counts = [sqlite3.connect(p).execute("SELECT count(*) FROM hardship_file").fetchone()[0]
              for p in (core_path, raw_path)]
    raw.close()
    core_db.close()
    if counts[0] != counts[1] or counts[0] != families:
        raise RuntimeError(f"row counts differ: core {counts[0]}, raw {counts[1]}, asked {families}")
    return {
        "families": families,
        "rows": rows_written,
        "generate_s": round(t_gen, 2),
        "core_insert_s": round(t_core, 2),
        "raw_executemany_s": round(t_raw, 2),
        "ratio": round(t_core / t_raw, 2),
        "goal_ratio": 2.0,
        "rows_per_s_core": int(rows_written / t_core),
        "db_mb": round(core_path.stat().st_size / 2**20, 1),
    }


BENCHMARKS: dict[str, Callable[[int, Path], dict[str, Any]]] = {
    "bulk_write": bench_bulk_write,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Assist Desktop benchmarks")
    parser.add_argument("--families", type=int, default=300_000)
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    parser.add_argument("--out", type=Path, default=Path("perf-results"))
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"when": datetime.now().isoformat(timespec="seconds"),
                               "machine": f"{platform.machine()} {platform.python_version()} sqlite {sqlite3.sqlite_version}"}
    failed = False
    for name in args.only or sorted(BENCHMARKS):
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
            result = BENCHMARKS[name](args.families, Path(tmp))
        results[name] = result
        verdict = "ok" if result["ratio"] <= result["goal_ratio"] else "OVER GOAL"
        failed |= verdict != "ok"
        print(f"{name}: " + ", ".join(f"{k}={v}" for k, v in result.items()) + f"  [{verdict}]", flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"bench-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"results: {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
