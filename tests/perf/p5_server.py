"""P5 on the server alone, for profiling: bench_server.city_import's county year imported at a city on a
PostgreSQL server, with the slow set-up (the county, the city, the package) made once and kept.

    .venv/bin/python tests/perf/p5_server.py prepare [DIR]   # cluster + county + city template + package
    .venv/bin/python tests/perf/p5_server.py run [DIR] [N] [--check]  # N imports into fresh copies of the city

Environment for ``run``: P5_TEMPLATE=city_tpl_cutf8 (a city database in the cluster's default C.UTF-8 order
instead of ``server init``'s C), P5_LOG=1 (every statement's duration in the cluster's server.log), P5_SQL
(statements separated by ';;' run on the copy before the import: an experiment without foreign keys …),
P5_PERF=FILE (``perf record`` of the server backend during the import).
    .venv/bin/python tests/perf/p5_server.py stop [DIR]      # stop the cluster, remove DIR

Each run copies the prepared city (``CREATE DATABASE … TEMPLATE``) and times ``import_package`` alone, as
bench_server does; the load is printed beside every figure. Not a test and not the benchmark command.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "perf"))

DEFAULT = Path("/tmp/assist-p5-server")


def _cluster(root: Path):  # type: ignore[no-untyped-def]
    from tests.pgcluster import Cluster

    state = json.loads((root / "state.json").read_text())
    cluster = Cluster(root / "pg", state["port"])
    cluster.running = True
    return cluster, state


def prepare(root: Path, households: int = 10_000) -> None:
    from bench_server import TODAY
    from bench_sync import _add_grants

    from assist_desktop.services.demo import generate_demo, mark_demo
    from assist_desktop.services.setup import initialise
    from assist_desktop.storage.schema import open_database
    from assist_desktop.sync.export import export_package
    from tests.pgcluster import Cluster
    from tests.sync.linking import link

    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    cluster = Cluster(root / "pg").start()
    (root / "state.json").write_text(json.dumps({"port": cluster.port}))
    county_path = root / "county.sqlite"
    with open_database(county_path) as county:
        initialise(county, unit_code="610826", unit_name="绥德县总工会", admin_username="admin",
                   admin_password="bench-pass-1")
        mark_demo(county)
        generate_demo(county, households, seed=23, today=TODAY)
        _add_grants(county, households * 5, TODAY)
    with sqlite3.connect(county_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    state = json.loads((root / "state.json").read_text())
    # the city as ``server init`` makes its database (C order), and one in the cluster's default (C.UTF-8)
    for template, options in (("city_tpl", "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"),
                              ("city_tpl_cutf8", "")):
        cluster.execute(f'CREATE DATABASE "{template}" {options}')
        twin = root / f"county-{template}.sqlite"
        shutil.copyfile(county_path, twin)
        with open_database(twin) as county, open_database(cluster.url(template)) as city:
            initialise(city, unit_code="610800", unit_name="榆林市总工会", admin_username="admin",
                       admin_password="bench-pass-1", level="city")
            link(county, city)
            with county.session() as s:
                package = export_package(s, None, root / f"county-to-{template}.sync", full=True)
        state[template] = str(package.path)
        state["rows"] = package.rows
    (root / "state.json").write_text(json.dumps(state))
    print(f"prepared: {package.rows} rows, {package.path.stat().st_size / 2**20:.1f} MB, port {cluster.port}")


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process so far (the server's backend of a connection)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(root: Path, times: int = 1, check: bool = False) -> list[float]:
    from assist_desktop.storage.schema import open_database
    from assist_desktop.sync.importer import import_package

    cluster, state = _cluster(root)
    out = []
    for n in range(times):
        template = os.environ.get("P5_TEMPLATE", "city_tpl")  # city_tpl_cutf8: the cluster's default order
        cluster.execute('DROP DATABASE IF EXISTS "city_run"', f'CREATE DATABASE "city_run" TEMPLATE "{template}"')
        if os.environ.get("P5_LOG"):  # every statement's duration in the cluster's server.log
            cluster.execute('ALTER DATABASE "city_run" SET log_min_duration_statement = 0')
        if os.environ.get("P5_SQL"):  # an experiment on the copy before the import (e.g. without foreign keys)
            cluster.execute(*[q for q in os.environ["P5_SQL"].split(";;") if q.strip()], database="city_run")
        load = os.getloadavg()[0]
        with open_database(cluster.url("city_run")) as city:
            with city.session() as s:
                backend = s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
                s.commit()
                server_cpu, own_cpu = _cpu(backend), time.process_time()
                perf = None
                if os.environ.get("P5_PERF"):  # the backend's own profile (perf report -i P5_PERF)
                    import subprocess
                    perf = subprocess.Popen(["perf", "record", "-F", "997", "-g", "-p", str(backend), "-o",
                                             os.environ["P5_PERF"]], stderr=subprocess.DEVNULL)
                    time.sleep(0.5)
                started = time.perf_counter()
                result = import_package(s, None, Path(state[template]))
                seconds = time.perf_counter() - started
                server_cpu, own_cpu = _cpu(backend) - server_cpu, time.process_time() - own_cpu
                if perf is not None:
                    import signal
                    perf.send_signal(signal.SIGINT)
                    perf.wait()
            if result.status != "applied":
                raise RuntimeError(result.status)
            if check:
                from assist_desktop.services import tally
                with city.session() as s:
                    verdict = tally.verify(s.connection())
                print(f"  tally equal to a recount: {verdict.ok} {verdict.example}")
        out.append(seconds)
        print(f"  import {n + 1}: {seconds:.2f} s — CPU: program {own_cpu:.2f} s, server backend {server_cpu:.2f} s "
              f"(load before {load:.1f}, after {os.getloadavg()[0]:.1f})", flush=True)
    if times > 1:
        print(f"median {statistics.median(out):.2f} s, min {min(out):.2f}, max {max(out):.2f}")
    return out


def bare(root: Path, times: int = 1) -> list[float]:
    """The floor no program can go under: the rows an import stored (read back from a city that took the
    package) sent again by bare COPY in one transaction into a fresh copy of the same city, with the same
    indexes, foreign keys and triggers; no reading, checking or 统计 of the package. Run ``run`` first."""
    import io

    import psycopg

    from assist_desktop.sync.tables import TOMBSTONE, specs

    cluster, _state = _cluster(root)
    template = os.environ.get("P5_TEMPLATE", "city_tpl")
    data: list[tuple[str, bytes]] = []
    with psycopg.connect(cluster.dsn("city_run")) as src, psycopg.connect(cluster.dsn(template)) as tpl:
        for name in specs():
            if name == TOMBSTONE:
                continue
            old = [r[0] for r in tpl.execute(f'SELECT id FROM "{name}"')]  # type: ignore[arg-type]
            buf = io.BytesIO()
            with src.cursor().copy(f'COPY (SELECT * FROM "{name}" WHERE NOT (id = ANY(%s))) TO STDOUT',  # type: ignore[arg-type]
                                   (old,)) as copy:
                for block in copy:
                    buf.write(block)
            if buf.tell():
                data.append((name, buf.getvalue()))
    out = []
    for n in range(times):
        cluster.execute('DROP DATABASE IF EXISTS "city_bare"', f'CREATE DATABASE "city_bare" TEMPLATE "{template}"')
        if os.environ.get("P5_SQL"):
            cluster.execute(*[q for q in os.environ["P5_SQL"].split(";;") if q.strip()], database="city_bare")
        load = os.getloadavg()[0]
        with psycopg.connect(cluster.dsn("city_bare")) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
            conn.commit()
            server_cpu = _cpu(backend)
            started = time.perf_counter()
            for name, block in data:
                with conn.cursor().copy(f'COPY "{name}" FROM STDIN') as copy:  # type: ignore[arg-type]
                    copy.write(block)
            conn.commit()
            seconds = time.perf_counter() - started
            server_cpu = _cpu(backend) - server_cpu
        out.append(seconds)
        print(f"  bare COPY {n + 1}: {seconds:.2f} s — server backend {server_cpu:.2f} s "
              f"({sum(b.count(bytes([10])) for _n, b in data)} rows; load before {load:.1f}, after {os.getloadavg()[0]:.1f})",
              flush=True)
    return out


def stop(root: Path) -> None:
    cluster, _state = _cluster(root)
    cluster.stop()


if __name__ == "__main__":
    what = sys.argv[1]
    where = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT
    if what == "prepare":
        prepare(where)
    elif what == "run":
        run(where, int(sys.argv[3]) if len(sys.argv) > 3 else 1, check="--check" in sys.argv)
    elif what == "bare":
        bare(where, int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    elif what == "stop":
        stop(where)
