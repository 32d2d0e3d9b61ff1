"""P5 on the server alone, for profiling: bench_server.city_import's county year imported at a city on a
PostgreSQL server, with the slow set-up (the county, the city, the package) made once and kept.

    .venv/bin/python tests/perf/p5_server.py prepare [DIR]   # cluster + county + city template + package
    .venv/bin/python tests/perf/p5_server.py run [DIR] [N] [--check]  # N imports into fresh copies of the city

Environment for ``run``: P5_TEMPLATE=city_tpl_cutf8 (a city database in the cluster's default C.UTF-8 order
instead of ``server init``'s C), P5_LOG=1 (every statement's duration in the cluster's server.log), P5_SQL
(statements separated by ';;' run on the copy before the import: an experiment without foreign keys …),
P5_PERF=FILE (``perf record`` of the server backend during the import).
    .venv/bin/python tests/perf/p5_server.py bare [DIR] [N] [--floor]  # the same rows by bare COPY (see bare)
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
    # the city as an office's IT person makes it (``server init``: C order, its own login, allowed replica
    # mode), and one in the cluster's default order (C.UTF-8) reached as the superuser
    from assist_desktop.storage.location import ServerAddress
    from assist_desktop.storage.provision import init_server

    init_server(ServerAddress.parse(cluster.url("postgres")), database="city_tpl", role=DESK, password=DESK_PASSWORD)
    cluster.execute('CREATE DATABASE "city_tpl_cutf8"')
    for template in ("city_tpl", "city_tpl_cutf8"):
        twin = root / f"county-{template}.sqlite"
        shutil.copyfile(county_path, twin)
        with open_database(twin) as county, open_database(_url(cluster, template, template)) as city:
            initialise(city, unit_code="610800", unit_name="榆林市总工会", admin_username="admin",
                       admin_password="bench-pass-1", level="city")
            link(county, city)
            with county.session() as s:
                package = export_package(s, None, root / f"county-to-{template}.sync", full=True)
        state[template] = str(package.path)
        state["rows"] = package.rows
    (root / "state.json").write_text(json.dumps(state))
    print(f"prepared: {package.rows} rows, {package.path.stat().st_size / 2**20:.1f} MB, port {cluster.port}")


DESK, DESK_PASSWORD = "city_desk", "bench-pass-2026"


def _url(cluster, database: str, template: str) -> str:  # type: ignore[no-untyped-def]
    """The city's copy reached as the program reaches it: ``server init``'s login for its template."""
    if template == "city_tpl":
        return cluster.url(database, user=DESK, password=DESK_PASSWORD)  # type: ignore[no-any-return]
    return cluster.url(database)  # type: ignore[no-any-return]


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process so far (the server's backend of a connection)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(root: Path, times: int = 1, check: bool = False) -> list[tuple[float, float, float]]:
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
        with open_database(_url(cluster, "city_run", template)) as city:
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
        out.append((seconds, own_cpu, server_cpu))
        print(f"  import {n + 1}: {seconds:.2f} s — CPU: program {own_cpu:.2f} s, server backend {server_cpu:.2f} s "
              f"(load before {load:.1f}, after {os.getloadavg()[0]:.1f})", flush=True)
    if times > 1:
        walls = [o[0] for o in out]
        print(f"median {statistics.median(walls):.2f} s, min {min(walls):.2f}, max {max(walls):.2f}")
    return out


# the server with no foreign keys and no triggers: what is left is storing the rows and their indexes
WITHOUT_KEYS = ("DO $$ DECLARE r record; BEGIN FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint "
                "WHERE contype = 'f' AND connamespace = 'public'::regnamespace LOOP "
                "EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname); END LOOP; END $$")
WITHOUT_TRIGGERS = ("DO $$ DECLARE r record; BEGIN FOR r IN SELECT tgrelid::regclass AS t, tgname FROM pg_trigger "
                    "WHERE NOT tgisinternal LOOP EXECUTE format('DROP TRIGGER %I ON %s', r.tgname, r.t); END LOOP; END $$")


def bare(root: Path, times: int = 1, floor: bool = False) -> list[tuple[float, float]]:
    """What no program can go under: the rows an import stored (read back from a city that took the
    package) sent again by bare COPY in one transaction into a fresh copy of the same city, with the same
    indexes, foreign keys (checked row by row) and triggers; no reading, checking or 统计 of the package,
    no JIT. ``floor``: into a copy without foreign keys and triggers — the rows and their indexes alone.
    Run ``run`` first."""
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
        if floor:
            cluster.execute(WITHOUT_KEYS, WITHOUT_TRIGGERS, database="city_bare")
        if os.environ.get("P5_SQL"):
            cluster.execute(*[q for q in os.environ["P5_SQL"].split(";;") if q.strip()], database="city_bare")
        load = os.getloadavg()[0]
        with psycopg.connect(cluster.dsn("city_bare"), options="-c jit=off") as conn:
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
        out.append((seconds, server_cpu))
        print(f"  bare COPY{' (no keys, no triggers)' if floor else ''} {n + 1}: {seconds:.2f} s — server backend {server_cpu:.2f} s "
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
        bare(where, int(sys.argv[3]) if len(sys.argv) > 3 else 1, floor="--floor" in sys.argv)
    elif what == "stop":
        stop(where)
