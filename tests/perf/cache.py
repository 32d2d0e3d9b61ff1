"""The demo files the read-only benchmarks share: generated once per size and schema, then reused.

A file is named by its size, the head revision and a digest of the whole chain of revisions: when the lead
re-chains the revisions at a merge the head's id may stay the same while the schema under it changes, and such
a file would be taken as current by Alembic.

They live in ``perf-results/cache/`` unless ``ASSIST_BENCH_CACHE`` names another folder (a province-sized file
is 1.6 GB and takes minutes to make; keep it where there is room, and delete it when done).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    return Path(os.environ.get("ASSIST_BENCH_CACHE") or ROOT / "perf-results" / "cache")


def chain_digest() -> str:
    """Eight hex digits naming the chain of revisions from the first to the head."""
    from assist_desktop.storage.schema import script_directory

    chain = [r.revision for r in reversed(list(script_directory().walk_revisions()))]
    return hashlib.sha1("-".join(chain).encode()).hexdigest()[:8]


def cached_demo(families: int) -> Path:
    """A demo county of ``families`` households at the head revision, generated once (seed 2026). A file of an
    older revision of the same size is upgraded instead of generated again (the upgrade is the program's own)."""
    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage.schema import ensure_schema, head_revision, open_database, script_directory

    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    head = head_revision()
    path = cache / f"demo-{families}-{head}-{chain_digest()}.sqlite"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for stale in cache.glob(f"{partial.name}*"):
        stale.unlink()
    ancestors = {r.revision for r in script_directory().walk_revisions()} - {head}

    def revision_of(p: Path) -> str | None:
        found = re.fullmatch(rf"demo-{families}-(\w+?)(-[0-9a-f]{{8}})?\.sqlite", p.name)
        return found.group(1) if found else None

    # a file of an older revision of this chain upgrades by the program's own migrations; one at the same head
    # on another chain (before a re-chain) cannot, and is generated again
    older = sorted(p for p in cache.glob(f"demo-{families}-*.sqlite") if revision_of(p) in ancestors)
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


def cached_server_demo(cluster: Any, families: int, database: str) -> str:
    """The same demo county (seed 2026) in a fresh database ``database`` of the throw-away ``cluster``
    (tests.pgcluster), as a server URL. Generated once per size and schema and kept as a ``pg_dump -Fc`` in the
    cache folder, named as the files are (size, head revision, digest of the chain); later runs restore the dump
    (``pg_restore -j2``) into a fresh database and vacuum and analyse it, a fraction of the generation's time."""
    import subprocess
    import time

    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage.schema import ensure_schema, head_revision, open_database, script_directory

    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    dump = cache / f"demo-{families}-{head_revision()}-{chain_digest()}.pgdump"
    cluster.execute(f'CREATE DATABASE "{database}"')
    url = cluster.url(database)
    dsn = cluster.dsn(database)
    started = time.perf_counter()

    def restore(source: Path) -> None:
        subprocess.run([str(cluster.bin / "pg_restore"), "-j", "2", "--no-owner", "-d", dsn, str(source)],
                       check=True, capture_output=True, text=True)

    if not dump.exists():
        # a dump of an older revision of this chain is restored and upgraded by the program's own migrations
        # (as cached_demo upgrades a file), then kept at the head
        ancestors = {r.revision for r in script_directory().walk_revisions()} - {head_revision()}
        older = sorted(p for p in cache.glob(f"demo-{families}-*.pgdump")
                       if (found := re.fullmatch(rf"demo-{families}-(\w+?)-[0-9a-f]{{8}}\.pgdump", p.name))
                       and found.group(1) in ancestors)
        if older:
            restore(older[-1])
            ensure_schema(url, cache / "upgrade-backups")  # the program's own upgrade, its pg_dump first
            shutil.rmtree(cache / "upgrade-backups", ignore_errors=True)
            cluster.execute("VACUUM ANALYZE", database=database)
            _dump(cluster, dsn, dump)
            print(f"  server demo of {families:,} households upgraded from {older[-1].name} in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            return url
    if dump.exists():
        restore(dump)
        # as the server's autovacuum leaves restored tables: statistics, and the visibility map that lets the
        # list's searches read an index alone (a restored table has none until vacuumed)
        cluster.execute("VACUUM ANALYZE", database=database)
        print(f"  server demo of {families:,} households restored from {dump.name} in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        return url
    with open_database(url) as db:
        generate_demo(db, families, seed=2026, today=date(2026, 11, 20))
    generated = time.perf_counter() - started
    cluster.execute("VACUUM ANALYZE", database=database)
    _dump(cluster, dsn, dump)
    print(f"  server demo of {families:,} households generated in {generated:.1f} s, dumped in "
          f"{time.perf_counter() - started - generated:.1f} s ({dump.stat().st_size / 2**20:.0f} MB)", flush=True)
    return url


def _dump(cluster: Any, dsn: str, dump: Path) -> None:
    import subprocess

    partial = dump.with_suffix(".pgdump-partial")
    subprocess.run([str(cluster.bin / "pg_dump"), "-Fc", "-Z", "1", "-f", str(partial), dsn],
                   check=True, capture_output=True, text=True)
    partial.rename(dump)
