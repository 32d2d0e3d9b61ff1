"""P2 and P3: the registry list (ui.registry) on a demo file, each run in a fresh process.

P3: open the page until its first rows are painted (goal ≤ 200 ms), then scroll to the last row as a
caseworker holding End would; resident memory is sampled after every step, and its peak growth over the
scroll is judged (goal ≤ 50 MB), with the growth left at the end beside it.

P2: search-as-you-type with what caseworkers type, kind by kind — single first letters (l, z, w), two-letter
initials (zw, lj), common names as an input method commits them (王芳, 张伟), a single common character (伟),
the tail of an ID number and the start of a phone number typed key by key (taken from the file, so that
they find someone at any size). Each text is what the search box holds after a key; the time is from the
model's search to its first rows (in a worker, as the page runs it; the typing pause left out), and to them
painted. Goal: p95 ≤ 30 ms for every kind. Then the same typing while the program's background maintenance
runs on the file (the page-by-page integrity check of a file over 256 MB and the hourly backup,
``services.maintenance.run_maintenance``, its thread at the least priority as in the program; run again, with
its backup, until every kind has been typed while it ran — a small file's backup is over in a second): goal
the same.
The bare ``search_page`` call of each text is timed too, for scale.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from figures import Figure, Result, p95
from cache import ROOT, cached_demo

REPEAT = 5  # each text, per run


def typing_set(path: str) -> dict[str, list[str]]:
    """Kind → the texts the search box holds, key by key, for what a caseworker types (``path`` a file or a
    server database's URL: the same demo gives the same texts on both, rowid being a column on a server)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(path if "://" in path else f"sqlite:///{path}")
    with engine.connect() as raw:
        n = raw.execute(text("SELECT max(rowid) FROM hardship_file")).scalar_one()
        some = [raw.execute(text("SELECT id_number, phone FROM hardship_file WHERE rowid >= :r ORDER BY rowid "
                                 "LIMIT 1"), {"r": n * k // 7}).one() for k in (2, 5)]
    engine.dispose()
    tails = [t for id_number, _ in some for t in (id_number[-4:],)]
    phone = some[0][1]
    return {
        "first letter": ["l", "z", "w"],
        "two-letter initials": ["zw", "lj"],
        "common name": ["王芳", "张伟"],
        "common character": ["伟"],
        "ID tail": [t[:k] for t in tails for k in range(1, len(t) + 1)],
        "phone start": [phone[:k] for k in range(1, len(phone) + 1)],
    }


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(path: str, backup_dir: str, maintenance: bool = True) -> dict[str, Any]:
    """One run, in a fresh process (so that the figures hold the list's own memory). ``path`` a file or a server
    database's URL; without ``maintenance`` (a server's: its backups are pg_dump's) the typing is not repeated
    while the file's check and backup run."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QModelIndex, QTimer
    from sqlmodel import select as sm_select

    from assist_desktop.services.search import COUNT_LIMIT, search_page
    from assist_desktop.services.setup import local_unit
    from assist_desktop.services.users import user_roles
    from assist_desktop.storage import models as m
    from assist_desktop.storage.schema import open_database
    from assist_desktop.ui.app import make_application
    from assist_desktop.ui.context import AppContext
    from assist_desktop.ui.registry.page import RegistryPage

    app = make_application([])
    db = open_database(path)
    with db.session() as s:
        user = s.exec(sm_select(m.User).where(m.User.username == "jingban")).one()
        ctx = AppContext(db=db, user=user, unit=local_unit(s), roles=user_roles(s, user), demo=True)
    for _ in range(3):
        app.processEvents()

    # P3: open the page, first rows painted; then to the end
    rss_before = _rss_mb()
    loop = QEventLoop()
    started = time.perf_counter()
    page = RegistryPage(ctx)
    page.resize(1030, 700)
    page.show()
    page.model.searched.connect(loop.quit)
    if page.model.busy:
        loop.exec()
    page.table.viewport().repaint()
    first_rows_ms = (time.perf_counter() - started) * 1000
    page.model.searched.disconnect(loop.quit)
    model = page.model
    page.wait(60_000)
    rss_peak = _rss_mb()
    started = time.perf_counter()
    while model.canFetchMore(QModelIndex()) or model.busy:
        page.table.scrollToBottom()
        app.processEvents()
        if model.busy:
            model.wait(60_000)
        rss_peak = max(rss_peak, _rss_mb())
    page.table.scrollToBottom()
    app.processEvents()
    rss_peak = max(rss_peak, _rss_mb())
    scroll_s = time.perf_counter() - started
    if not model.exact or model.rowCount() != model.total:
        raise RuntimeError(f"scrolled to row {model.rowCount()} of {model.total} (exact: {model.exact})")
    p3 = {"first_rows_ms": first_rows_ms, "scroll_s": scroll_s, "rows": model.rowCount(),
          "rss_peak_growth_mb": rss_peak - rss_before, "rss_end_growth_mb": _rss_mb() - rss_before}

    # P2: keystrokes
    def until_rows(text: str) -> tuple[float, float, float]:
        done = QEventLoop()
        model.searched.connect(done.quit)
        QTimer.singleShot(60_000, done.quit)
        c0 = time.process_time()
        t0 = time.perf_counter()
        model.set_query(text=text, force=True)
        if model.busy:
            done.exec()
        in_model = time.perf_counter() - t0
        cpu = time.process_time() - c0  # every thread of the process: the GUI's and the search worker's
        page.table.viewport().repaint()
        painted = time.perf_counter() - t0
        model.searched.disconnect(done.quit)
        return in_model * 1000, painted * 1000, cpu * 1000

    kinds = typing_set(path)
    session = db.session()

    def type_all(samples: dict[str, dict[str, list[float]]], repeat: int,
                 during: Callable[[], bool] | None = None, typed_once: threading.Event | None = None) -> None:
        """Type the set ``repeat`` times; with ``during``, over and over while it holds, keeping only the
        keystrokes that began and ended while it held (``typed_once`` is set after the first whole pass)."""
        done = 0
        while done < repeat or (during is not None and during()):
            if done == 1 and typed_once is not None:
                typed_once.set()
            done += 1
            for kind, texts in kinds.items():
                for text in texts:
                    if during is not None and done > 1 and not during():
                        return
                    live = during is None or during()
                    ms, painted, cpu = until_rows(text)
                    page.wait(60_000)  # what follows each search (the status counts), as between keys
                    for _ in range(3):
                        app.processEvents()
                    live = live and (during is None or during())
                    c0, t0 = time.process_time(), time.perf_counter()
                    search_page(session, user, text, None, model.query.order, 0, model.page_size,
                                count_limit=COUNT_LIMIT)
                    bare = (time.perf_counter() - t0) * 1000
                    bare_cpu = (time.process_time() - c0) * 1000
                    session.rollback()
                    if not live:
                        continue
                    got = samples.setdefault(kind, {"ms": [], "painted": [], "bare": [], "cpu": [], "bare_cpu": []})
                    got["ms"].append(ms)
                    got["painted"].append(painted)
                    got["bare"].append(bare)
                    got["cpu"].append(cpu)
                    got["bare_cpu"].append(bare_cpu)

    page.search.clear()
    page.wait(60_000)
    quiet: dict[str, dict[str, list[float]]] = {}
    type_all(quiet, REPEAT)
    if not maintenance:
        session.close()
        page.close()
        db.close()
        size = 0 if "://" in path else os.path.getsize(path)
        return {"p3": p3, "quiet": quiet, "busy": {}, "maintenance": {"rounds": 0}, "size": size}

    # P2 while the background maintenance runs on the file
    from assist_desktop.services.maintenance import run_maintenance

    outcome: dict[str, Any] = {"rounds": 0}
    typed_once = threading.Event()

    def maintain() -> None:
        # a small file's backup is over before the whole set is typed once: the maintenance is run again
        # (its hourly backup taken again) until every kind has been typed while it ran
        while True:
            t0 = time.perf_counter()
            outcome["result"] = [str(x) if x is not None else None
                                 for x in run_maintenance(Path(path), Path(backup_dir))]
            outcome.setdefault("seconds", time.perf_counter() - t0)
            outcome["rounds"] += 1
            if typed_once.is_set():
                return
            for stale in Path(backup_dir).glob("*"):
                if stale.is_file():
                    stale.unlink()

    worker = threading.Thread(target=maintain, name="maintenance")
    worker.start()
    busy: dict[str, dict[str, list[float]]] = {}
    type_all(busy, 1, during=worker.is_alive, typed_once=typed_once)
    typed_once.set()
    worker.join()
    session.close()
    page.close()
    db.close()
    return {"p3": p3, "quiet": quiet, "busy": busy, "maintenance": outcome, "size": os.path.getsize(path)}


def bench_registry_list(families: int, workdir: Path, runs: int = 5) -> Result:
    result = Result("registry_list")
    path = cached_demo(families)
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import bench_list; "
            "print('RESULT ' + json.dumps(bench_list.child(sys.argv[2], sys.argv[3])))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    first = Figure("P3 first rows painted", "ms")
    peak, end = Figure("P3 RSS peak growth while scrolling", "MB"), Figure("P3 RSS growth at the end", "MB")
    scroll = Figure("P3 scroll to the last row", "s")
    maintenance = Figure("maintenance (check + backup) while typing, its first round", "s")
    rounds: list[int] = []
    quiet: dict[str, dict[str, Figure]] = {}
    busy: dict[str, dict[str, Figure]] = {}
    for _ in range(runs):
        backups = workdir / "backups"
        done = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(path), str(backups)],
                              capture_output=True, text=True, env=env, check=False, cwd=ROOT)
        for stale in backups.glob("*"):
            stale.unlink()
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"registry list benchmark failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        out = json.loads(lines[-1][len("RESULT "):])
        first.add(out["p3"]["first_rows_ms"])
        peak.add(out["p3"]["rss_peak_growth_mb"])
        end.add(out["p3"]["rss_end_growth_mb"])
        scroll.add(out["p3"]["scroll_s"])
        maintenance.add(out["maintenance"]["seconds"])
        rounds.append(out["maintenance"]["rounds"])
        for table, samples in ((quiet, out["quiet"]), (busy, out["busy"])):
            for kind, got in samples.items():
                figures = table.setdefault(kind, {k: Figure(k, "ms") for k in ("ms", "painted", "bare", "cpu",
                                                                                 "bare_cpu")})
                for k, values in got.items():
                    figures[k].add(p95(values))
        result.notes["rows"] = out["p3"]["rows"]
        result.notes["file_mb"] = round(out["size"] / 2**20)
    for kind, figures in quiet.items():
        figures["ms"].name = f"P2 {kind}: keystroke → rows, p95"
        result.goal(f"P2 {kind} p95 ≤ 30 ms", figures["ms"], 30)
    for kind, figures in busy.items():
        figures["ms"].name = f"P2 {kind} during maintenance: keystroke → rows, p95"
        result.goal(f"P2 {kind} during the integrity check and backup p95 ≤ 30 ms", figures["ms"], 30)
    result.goal("P3 first rows ≤ 200 ms", first, 200)
    result.goal("P3 memory at its peak while scrolling ≤ 50 MB", peak, 50)
    for kind, figures in quiet.items():
        figures["painted"].name = f"P2 {kind}: to rows painted, p95"
        figures["bare"].name = f"P2 {kind}: bare search_page, p95"
        figures["cpu"].name = f"P2 {kind}: keystroke → rows, processor time, p95"
        figures["bare_cpu"].name = f"P2 {kind}: bare search_page, processor time, p95"
        for k in ("painted", "bare", "cpu", "bare_cpu"):
            result.figure(figures[k])
    for figure in (end, scroll, maintenance):
        result.figure(figure)
    result.notes["typing set"] = {k: len(v) for k, v in typing_set(str(path)).items()}
    result.notes["maintenance rounds while the set was typed once (per run)"] = str(rounds)
    return result


def selective_flatness(small: Result, large: Result, goal: str = "P2 {kind} p95 ≤ 30 ms"
                       ) -> list[tuple[str, Figure, float]]:
    """For the selective kinds (a name, an ID tail, a phone number): their p95 at the largest size against the
    smallest's, as a ratio (goal: flat, ≤ 1.5×, or within 3 ms where both are a few milliseconds). ``goal``
    names the per-kind goal of the benchmark compared (the file's by default)."""
    out = []
    for kind in ("common name", "ID tail", "phone start"):
        a = next((g.figure for g in small.goals if g.name == goal.format(kind=kind)), None)
        b = next((g.figure for g in large.goals if g.name == goal.format(kind=kind)), None)
        if a is None or b is None:
            continue
        ratio = Figure(f"P2 {kind} p95, largest ÷ smallest size", "×")
        for x, y in zip(sorted(a.values), sorted(b.values)):
            ratio.add(1.0 if y - x <= 3 else y / max(x, 0.1))
        out.append((kind, ratio, 1.5))
    return out


def selective_flatness_cpu(small: Result, large: Result) -> list[Figure]:
    """The same ratios on the processor time of the keystroke (every thread of the process), which the machine's
    load moves far less than the wall clock: a figure beside the verdict, not a verdict."""
    out = []
    for kind in ("common name", "ID tail", "phone start"):
        name = f"P2 {kind}: keystroke → rows, processor time, p95"
        a = next((f for f in small.figures if f.name == name), None)
        b = next((f for f in large.figures if f.name == name), None)
        if a is None or b is None:
            continue
        ratio = Figure(f"P2 {kind} processor time p95, largest ÷ smallest size (within 3 ms: 1)", "×")
        for x, y in zip(sorted(a.values), sorted(b.values)):
            ratio.add(1.0 if y - x <= 3 else y / max(x, 0.1))
        out.append(ratio)
    return out


SERVER_GOAL = "P2 {kind} on the server p95 ≤ 30 ms"


def bench_server_registry_list(families: int, workdir: Path, runs: int = 5) -> Result:
    """Issue 22's P2 at a size: the registry list's typing set, kind by kind, on the demo in a PostgreSQL
    database (a throw-away cluster, the database restored from the cache: ``cache.cached_server_demo``) and on
    the same demo in a file, run by run alternately in fresh processes; p95 per kind, goal ≤ 30 ms on the
    server, the file's beside it (without the file's background maintenance, which a server has not). P3 on
    the server too: first rows, memory at its peak while scrolling to the end."""
    from cache import cached_server_demo

    sys.path.insert(0, str(ROOT))
    from tests.pgcluster import Cluster

    result = Result("server_list")
    path = cached_demo(families)
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import bench_list; "
            "print('RESULT ' + json.dumps(bench_list.child(sys.argv[2], sys.argv[3], maintenance=False)))")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    engines = ("server", "file")
    per: dict[str, dict[str, dict[str, Figure]]] = {e: {} for e in engines}
    first = {e: Figure(f"P3 first rows painted ({e})", "ms") for e in engines}
    peak = {e: Figure(f"P3 RSS peak growth while scrolling ({e})", "MB") for e in engines}
    cluster = Cluster(Path(f"/tmp/assist-bench-pg-{os.getpid()}")).start()
    try:
        url = cached_server_demo(cluster, families, "province")
        where = {"server": url, "file": str(path)}
        for n in range(runs):
            for engine in (engines if n % 2 == 0 else engines[::-1]):
                load = os.getloadavg()[0]
                done = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), where[engine],
                                       str(workdir / "backups")],
                                      capture_output=True, text=True, env=env, check=False, cwd=ROOT)
                lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
                if done.returncode != 0 or not lines:
                    raise RuntimeError(f"registry list on the {engine} failed:\n{done.stdout[-3000:]}\n"
                                       f"{done.stderr[-3000:]}")
                out = json.loads(lines[-1][len("RESULT "):])
                first[engine].add(out["p3"]["first_rows_ms"])
                peak[engine].add(out["p3"]["rss_peak_growth_mb"])
                for kind, got in out["quiet"].items():
                    figures = per[engine].setdefault(kind, {k: Figure(k, "ms") for k in ("ms", "painted", "bare", "cpu",
                                                                                          "bare_cpu")})
                    for k, values in got.items():
                        figures[k].add(p95(values))
                print(f"  run {n + 1} {engine} (load {load:.1f} → {os.getloadavg()[0]:.1f}): " + ", ".join(
                    f"{kind} {p95(got['ms']):.1f}" for kind, got in out["quiet"].items()), flush=True)
    finally:
        cluster.stop()
    for kind, figures in per["server"].items():
        figures["ms"].name = f"P2 {kind} on the server: keystroke → rows, p95"
        result.goal(SERVER_GOAL.format(kind=kind), figures["ms"], 30)
    result.goal("P3 first rows on the server ≤ 200 ms", first["server"], 200)
    result.goal("P3 memory at its peak while scrolling on the server ≤ 50 MB", peak["server"], 50)
    for kind, figures in per["file"].items():
        figures["ms"].name = f"P2 {kind} on the file (same runs): keystroke → rows, p95"
        result.figure(figures["ms"])
    for engine in engines:
        for kind, figures in per[engine].items():
            figures["bare"].name = f"P2 {kind}: bare search_page on the {engine}, p95"
            result.figure(figures["bare"])
    result.figure(first["file"])
    result.figure(peak["file"])
    result.notes["typing set"] = {k: len(v) for k, v in typing_set(str(path)).items()}
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for line in bench_registry_list(int(sys.argv[1]), Path(tmp), runs=int(sys.argv[2]) if len(sys.argv) > 2 else 5).lines():
            print(line)
