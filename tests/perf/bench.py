"""The benchmark command: figures on generated data, each against a bare baseline in the same run, and a
verdict for every goal it measures.

    .venv/bin/python tests/perf/bench.py                          # every benchmark, province size (300k)
    .venv/bin/python tests/perf/bench.py --families 10000,100000,300000
    .venv/bin/python tests/perf/bench.py --families 20000 --only registry_list --runs 5

Every figure is the median of ``--runs`` runs (at least five for a verdict) with its min and max; a goal is
judged on the median and printed with its verdict ([ok], [MISSED], or NOT JUDGED with fewer runs), and the
command exits 1 while any goal is missed. ``uptime``'s load is recorded before and after each benchmark:
the machine is shared and the figures move with it. With several sizes, the selective typing kinds and the
统计 page are also judged on the flatness of their curve from the smallest size to the largest. Results go
to perf-results/bench-<time>.json; demo files are kept in ``ASSIST_BENCH_CACHE`` (default perf-results/cache).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
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
from assist_desktop.storage.engine import BULK_CACHE_SIZE_KIB, PRAGMAS  # noqa: E402
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


def bulk_write_once(families: int, workdir: Path) -> dict[str, Any]:
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
    for pragma in PRAGMAS:  # the same connection settings as the program's engine …
        raw.execute(f"PRAGMA {pragma}")
    raw.execute(f"PRAGMA cache_size=-{BULK_CACHE_SIZE_KIB}")  # … and its bulk-write cache
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


def bench_bulk_write(families: int, workdir: Path, runs: int = 5) -> Result:
    result = Result("bulk_write")
    ratio, core, raw, gen = Figure("Core ÷ raw executemany", "×"), Figure("Core insert", "s"), \
        Figure("raw executemany", "s"), Figure("generating the rows", "s")
    for n in range(runs):
        run_dir = workdir / f"run{n}"
        run_dir.mkdir()
        out = bulk_write_once(families, run_dir)
        shutil.rmtree(run_dir)
        ratio.add(out["core_insert_s"] / out["raw_executemany_s"])
        core.add(out["core_insert_s"])
        raw.add(out["raw_executemany_s"])
        gen.add(out["generate_s"])
        result.notes.update(rows=out["rows"], db_mb=out["db_mb"])
    result.goal("bulk write through Core ≤ 2 × raw executemany", ratio, 2.0)
    for figure in (core, raw, gen):
        result.figure(figure)
    return result


def bench_search(families: int, workdir: Path, runs: int = 5) -> Result:
    """Typical registry searches through ``services.search.search`` vs the same SQL run with raw sqlite3.

    Each query is the search box and filter bar as a caseworker uses them: initials, a name part, a
    member's name, an ID tail, a phone prefix, a filter sorted by per-capita income (first and a deep
    page). Ours is the whole call (permission check, building the statements, count, page); the
    baseline runs the same two SQL statements, compiled once beforehand, on a sqlite3 connection with
    the program's pragmas. Each run times every query once, ours then raw; the ratio of a run is its totals'.
    """
    from sqlmodel import select as sm_select

    from assist_desktop.services.search import FileFilters, count_statement, page_statement, search

    path = cached_demo(families)

    raw = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        raw.execute(f"PRAGMA {pragma}")
    # search terms taken from the data, so every query finds something at any size
    some = raw.execute("SELECT id_tail, phone FROM hardship_file ORDER BY file_no LIMIT 1 OFFSET ?",
                       (families // 3,)).fetchone()
    member = raw.execute("SELECT name FROM member ORDER BY rowid LIMIT 1 OFFSET ?", (families // 2,)).fetchone()[0]
    deep_active = FileFilters(category="deep", status={"active"})
    n_deep = raw.execute("SELECT count(*) FROM hardship_file WHERE category='deep' AND status='active'").fetchone()[0]
    queries = [  # label, text, filters, order, offset
        ("initials zw", "zw", None, "file_no", 0),
        ("name part 伟", "伟", None, "file_no", 0),
        ("member name", member, None, "file_no", 0),
        ("ID tail 6", some[0], None, "file_no", 0),
        ("ID tail 4", some[0][-4:], None, "file_no", 0),
        ("phone prefix 5", some[1][:5], None, "file_no", 0),
        ("active by file no", "", FileFilters(status={"active"}), "file_no", 0),
        ("deep+active -per_capita p1", "", deep_active, "-per_capita", 0),
        ("deep+active -per_capita deep page", "", deep_active, "-per_capita", n_deep // 2 // 100 * 100),
        ("zw active -per_capita", "zw", FileFilters(status={"active"}), "-per_capita", 0),
    ]

    db = open_database(path)
    session = db.session()
    user = session.exec(sm_select(m.User).where(m.User.username == "shenhe")).one()
    dialect = db.engine.dialect

    def compiled(stmt: Any) -> tuple[str, list[Any]]:
        c = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        return str(c), [c.params[n] for n in c.positiontup]  # strings and ints: no bind processors

    per_query: dict[str, tuple[Figure, Figure, int]] = {}
    checked = []
    for label, text, filters, order, offset in queries:
        count_sql = compiled(count_statement(text, filters))
        total, table_rows = raw.execute(*count_sql).fetchone()
        page_sql = compiled(page_statement(text, filters, order, offset, 100, total=total, table_rows=table_rows))

        def run_raw(count_sql=count_sql, page_sql=page_sql, offset=offset) -> list[str]:  # type: ignore[no-untyped-def]
            n, _ = raw.execute(*count_sql).fetchone()
            return [r[0] for r in raw.execute(*page_sql)] if n > offset else []

        def run_ours(text=text, filters=filters, order=order, offset=offset) -> list[str]:  # type: ignore[no-untyped-def]
            return search(session, user, text, filters, order, offset, 100)[1]

        if run_ours() != run_raw():  # also warms the caches of both
            raise RuntimeError(f"{label}: search and raw SQL disagree")
        per_query[label] = (Figure(f"{label}", "ms"), Figure(f"{label} raw", "ms"), total)
        checked.append((label, run_ours, run_raw))
    ratio, slowest = Figure("search ÷ raw SQL (ten queries)", "×"), Figure("slowest query", "ms")
    for _ in range(runs):
        # a run: each query five times, ours and raw in turn; a query's time in the run is its median
        t_ours = t_raw = 0.0
        worst = 0.0
        for label, run_ours, run_raw in checked:
            ours, bare = [], []
            for _ in range(5):
                t0 = time.perf_counter()
                run_ours()
                t1 = time.perf_counter()
                run_raw()
                ours.append(t1 - t0)
                bare.append(time.perf_counter() - t1)
            o, b = statistics.median(ours), statistics.median(bare)
            per_query[label][0].add(o * 1000)
            per_query[label][1].add(b * 1000)
            t_ours, t_raw, worst = t_ours + o, t_raw + b, max(worst, o * 1000)
        ratio.add(t_ours / t_raw)
        slowest.add(worst)
    session.close()
    db.close()
    raw.close()
    result = Result("search")
    result.goal("ten registry searches ≤ 1.5 × the same SQL on raw sqlite3", ratio, 1.5)
    result.figure(slowest)
    for label, (ours, bare, total) in per_query.items():
        ours.name = f"{label} ({total} matches)"
        result.figure(ours)
    return result


def _legacy(single: Callable[[int, Path], dict[str, Any]], name: str, goals: list[tuple[str, str, float, str]],
            figures: list[tuple[str, str, str]]) -> Callable[..., Result]:
    """Repeat a one-run benchmark that returns a dict: (goal text, key, limit, unit) and (name, key, unit)."""
    def run(families: int, workdir: Path, runs: int = 5) -> Result:
        result = Result(name)
        made = {key: Figure(text, unit) for text, key, _limit, unit in goals}
        made.update({key: Figure(text, unit) for text, key, unit in figures})
        for n in range(runs):
            run_dir = workdir / f"run{n}"
            run_dir.mkdir()
            out = single(families, run_dir)
            shutil.rmtree(run_dir, ignore_errors=True)
            for key, figure in made.items():
                figure.add(out[key])
            result.notes.update({k: v for k, v in out.items() if isinstance(v, (int, str)) and k not in made})
        for text, key, limit, _unit in goals:
            result.goal(text, made[key], limit)
        for _text, key, _unit in figures:
            result.figure(made[key])
        return result

    return run


sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_campaign import bench_campaign  # noqa: E402
from bench_ledger import bench_ledger, bench_ledger_households  # noqa: E402
from bench_list import (SERVER_GOAL, bench_registry_list, bench_server_registry_list, selective_flatness,  # noqa: E402
                        selective_flatness_cpu)
from bench_paper import bench_print_paper  # noqa: E402
from bench_print import bench_print  # noqa: E402
from bench_secrecy import bench_secrecy  # noqa: E402
from bench_stats import bench_statistics  # noqa: E402
from bench_sync import bench_sync  # noqa: E402
from bench_ui import bench_cold_start, bench_server_start  # noqa: E402
from bench_server import bench_server, bench_server_import, bench_server_race  # noqa: E402
from cache import cached_demo  # noqa: E402
from figures import MIN_RUNS, Figure, Result, load_average  # noqa: E402

BENCHMARKS: dict[str, Callable[..., Result]] = {
    "bulk_write": bench_bulk_write,
    "search": bench_search,
    "registry_list": bench_registry_list,  # P2, P3
    "statistics": bench_statistics,
    "cold_start": bench_cold_start,  # P1, P8
    "campaign": _legacy(bench_campaign, "campaign", [
        ("Spring Festival steps ≤ 1 ms per household (the slowest)", "ratio", 1.0, "ms")],
        [("generate", "generate_s", "s"), ("submit", "submit_s", "s"), ("review", "review_s", "s"),
         ("approve", "approve_s", "s"), ("pay", "pay_s", "s"), ("dashboard", "dashboard_s", "s")]),
    "ledger": _legacy(bench_ledger, "ledger", [  # P6
        ("P6 ledger import ≤ 5 s per 10,000 rows", "s_per_10k_rows", 5.0, "s")],
        [("import ÷ bare openpyxl + executemany", "ratio", "×"), ("read", "read_s", "s"),
         ("check", "check_s", "s"), ("write", "commit_s", "s")]),
    "ledger_households": _legacy(  # P6, one row per household
        lambda families, workdir: (lambda d: {**d, "s_per_10k": d["import_s"] * 10_000 / d["households"]})(
            bench_ledger_households(families, workdir)), "ledger_households", [
            ("P6 ledger of one row per household ≤ 5 s per 10,000 households", "s_per_10k", 5.0, "s")],
        [("import ÷ bare openpyxl + executemany", "ratio", "×"), ("check and write", "check_and_commit_s", "s"),
         ("the import's CPU time (read, check, write)", "cpu_s", "s")]),
    "print": bench_print,  # P4
    "print_paper": _legacy(  # 1,136 sheets to a CUPS queue: the PDF itself, and the raster path
        lambda families, workdir: (lambda d: {
            **d, "vector_vs_bare": d["vector_s"] / d["bare_s"],
            "raster_page_vs_old": d["raster_s"] / d["raster_pages"] / d["old_raster_s_per_page"],
            "raster_spool_vs_old": d["raster_spool_mb"] / (d["old_spool_mb_per_page"] * d["raster_pages"])})(
            bench_print_paper(families, workdir)), "print_paper", [
            ("paper to CUPS as PDF ≤ 1.5 × a bare canvas handed over with lp", "vector_vs_bare", 1.5, "×"),
            ("paper to CUPS as PDF ≤ 60 s for the campaign", "vector_s", 60.0, "s"),
            ("raster path ≤ 2 × the bare 300 dpi rendering, a sheet", "raster_ratio", 2.0, "×"),
            ("raster path a sheet ≤ 1 × the old path (600 dpi colour)", "raster_page_vs_old", 1.0, "×"),
            ("raster spool ≤ 0.1 × the old path's", "raster_spool_vs_old", 0.1, "×")],
        [("CUPS-PDF done after the hand-over", "printer_done_s", "s"), ("raster path, whole campaign", "raster_s", "s"),
         ("bare canvas + lp", "bare_s", "s")]),
    "sync": _legacy(bench_sync, "sync", [  # P5
        ("P5 export ≤ 2 s", "export_s", 2.0, "s"), ("P5 import ≤ 3 s", "import_s", 3.0, "s"),
        ("P5 re-import ≤ 0.5 s", "reimport_s", 0.5, "s")],
        [("import ÷ bare executemany", "import_vs_bare_write", "×"), ("bare read", "bare_read_s", "s"),
         ("bare write", "bare_write_s", "s")]),
    "server": _legacy(  # issue 22: P2, five clients approving, P5 and the start on PostgreSQL beside a file
        lambda families, workdir: (lambda d: {
            **d, "approve_server_ratio": d["approve_server"]["ratio"], "approve_file_ratio": d["approve_file"]["ratio"],
            "p5_import_server_s": d["p5"]["import_server_s"], "p5_import_file_s": d["p5"]["import_file_s"]})(
            bench_server(families, workdir)), "server", [
            ("P2 keystroke p95 on the server ≤ 30 ms", "p2_server_p95_ms", 30.0, "ms"),
            ("five clients approving at once ≤ 1.5 × one client alone (server)", "approve_server_ratio", 1.5, "×"),
            ("P5 city import on the server ≤ 3 s", "p5_import_server_s", 3.0, "s")],
        [("P2 keystroke p95 on the file (same run)", "p2_file_p95_ms", "ms"),
         ("five clients ÷ one on the file (one write lock)", "approve_file_ratio", "×"),
         ("P5 city import on the file", "p5_import_file_s", "s")]),
    "server_list": bench_server_registry_list,  # issue 22: P2 per kind of typing on PostgreSQL beside the file
    "server_race": bench_server_race,  # issue 22: the five clients approving at once alone, beside the file
    "server_import": bench_server_import,  # issue 22: P5 on the server alone, beside bare COPY of the same rows
    "server_start": bench_server_start,  # issue 22: the start against a server, through the real entry, beside P1
    "secrecy": _legacy(bench_secrecy, "secrecy", [  # issue 21: the encrypted file's cost, each a median itself
        ("P2 on the encrypted file ≤ 1.15 × the plain one (CPU time, p95)", "p2_ratio", 1.15, "×"),
        ("P5 export encrypted ≤ 1.15 × (CPU time)", "p5_export_ratio", 1.15, "×"),
        ("P5 import encrypted ≤ 1.15 × (CPU time)", "p5_import_ratio", 1.15, "×"),
        ("P7 campaign steps encrypted ≤ 1.15 × (CPU time)", "p7_ratio", 1.15, "×"),
        ("login to the first rows: time the key slot and SQLCipher add ≤ 0.3 s", "open_added_s", 0.3, "s")],
        [("key derivation (scrypt 2^17)", "kdf_s", "s"),
         ("P2 the same keystroke on both files, median of the ratios (CPU)", "p2_pair_ratio_median", "×"),
         ("P2 wall clock ratio", "p2_wall_ratio", "×"), ("P5 import wall clock ratio", "p5_import_wall_ratio", "×"),
         ("P5 the first export of each run (CPU)", "p5_export_first_ratio", "×"),
         ("P7 wall clock ratio", "p7_wall_ratio", "×")]),
}
# the benchmarks whose data does not grow with --families (a county of fixed size): run once per command
FIXED_SIZE = frozenset({"campaign", "ledger", "ledger_households", "print", "print_paper", "sync", "secrecy",
                        "server_start"})


def _flatness(results: dict[int, dict[str, Result]]) -> Result | None:
    """Across sizes: the selective typing kinds and the 统计 page from the smallest size to the largest."""
    sizes = sorted(results)
    if len(sizes) < 2:
        return None
    small, large = results[sizes[0]], results[sizes[-1]]
    flat = Result(f"flatness {sizes[0]:,} → {sizes[-1]:,}")
    if "registry_list" in small and "registry_list" in large:
        for kind, figure, limit in selective_flatness(small["registry_list"], large["registry_list"]):
            flat.goal(f"P2 {kind}: p95 flat from {sizes[0]:,} to {sizes[-1]:,} (≤ 1.5×, or within 3 ms)", figure, limit)
        for figure in selective_flatness_cpu(small["registry_list"], large["registry_list"]):
            flat.figure(figure)
    if "server_list" in small and "server_list" in large:
        for kind, figure, limit in selective_flatness(small["server_list"], large["server_list"], SERVER_GOAL):
            flat.goal(f"P2 {kind} on the server: p95 flat from {sizes[0]:,} to {sizes[-1]:,} (≤ 1.5×, or within 3 ms)",
                      figure, limit)
    if "statistics" in small and "statistics" in large:
        a = next(g.figure for g in small["statistics"].goals if g.name.startswith("统计 page"))
        b = next(g.figure for g in large["statistics"].goals if g.name.startswith("统计 page"))
        ratio = Figure("统计 page, largest ÷ smallest size", "×")
        for x, y in zip(sorted(a.values), sorted(b.values)):
            ratio.add(y / x)
        # flat or logarithmic: no more than log(largest)/log(smallest) times, with the page's fixed work
        flat.goal(f"统计 page flat or logarithmic from {sizes[0]:,} to {sizes[-1]:,} (≤ 2×)", ratio, 2.0)
    return flat


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Assist Desktop benchmarks")
    parser.add_argument("--families", default="300000", help="households, or several sizes: 10000,100000,300000")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    parser.add_argument("--runs", type=int, default=MIN_RUNS, help=f"runs per figure (a verdict needs {MIN_RUNS})")
    parser.add_argument("--out", type=Path, default=Path("perf-results"))
    args = parser.parse_args(argv)
    sizes = [int(x) for x in str(args.families).split(",")]
    results: dict[str, Any] = {"when": datetime.now().isoformat(timespec="seconds"),
                               "machine": f"{platform.machine()} {os.cpu_count()} cores, Python "
                                          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}",
                               "runs": args.runs, "sizes": sizes, "results": {}}
    by_size: dict[int, dict[str, Result]] = {}
    failed = False
    ran_fixed: set[str] = set()
    for families in sizes:
        for name in args.only or list(BENCHMARKS):
            if name in FIXED_SIZE and name in ran_fixed:
                continue
            load_before = load_average()
            print(f"{name} at {families:,} households (load {load_before}) …", flush=True)
            with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
                result = BENCHMARKS[name](families, Path(tmp), runs=args.runs)
            result.notes["load before, after"] = f"{load_before}; {load_average()}"
            if name in FIXED_SIZE:
                ran_fixed.add(name)
                result.notes["size"] = "fixed (does not grow with --families)"
            by_size.setdefault(families, {})[name] = result
            failed |= not result.met
            print(f"{name} at {families:,}: {'all goals met' if result.met else 'GOALS MISSED'}", flush=True)
            for line in result.lines():
                print(line, flush=True)
            results["results"].setdefault(str(families), {})[name] = result.as_dict()
    flat = _flatness(by_size)
    if flat is not None and flat.goals:
        failed |= not flat.met
        print(f"{flat.name}: {'all goals met' if flat.met else 'GOALS MISSED'}")
        for line in flat.lines():
            print(line)
        results["results"]["flatness"] = flat.as_dict()
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"bench-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"results: {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
