"""Power cuts in the middle of the long writes: a child process runs one operation on a copy of a
county database and is killed with SIGKILL at a random moment of it; the file must then pass
``integrity_check``, its audit chain must verify, and the operation must be wholly there or wholly
absent. Run as a module in the child:

    python -m tests.reliability.crash OPERATION DB_PATH
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 21)
DAY = date(2027, 1, 8)
FAMILIES = 1500


# --- the county every run starts from ------------------------------------------------------------------


def make_county(path: Path) -> None:
    """A demo county with this winter's campaign: its list generated, submitted and reviewed."""
    from sqlmodel import select

    from assist_desktop.domain.lifecycle import Action
    from assist_desktop.services import campaigns
    from assist_desktop.services.campaigns import CampaignInput, GenerationCriteria
    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage import models as m
    from assist_desktop.storage.schema import open_database

    with open_database(path) as db:
        generate_demo(db, FAMILIES, seed=3, today=TODAY, history=False)
        users = _users(db)
        with db.session() as s:
            reviewed = campaigns.create_campaign(s, users["shenpi"], CampaignInput(
                2027, "2027年春节送温暖", date(2027, 1, 5), date(2027, 2, 10), [("上级工会拨款", 9_000_000_00)]),
                today=TODAY)
        with db.session() as s:
            source = campaigns.fund_sources(s, reviewed.id)[0].id
            campaigns.generate_visits(s, users["jingban"], reviewed.id, GenerationCriteria(
                categories=("deep", "accident"), fund_source_id=source))
        ids = _visits(db, reviewed.id)
        with db.session() as s:
            campaigns.act_many(s, users["jingban"], ids, Action.submit, today=DAY)
        with db.session() as s:
            campaigns.act_many(s, users["shenhe"], ids, Action.review, today=DAY)
        with db.session() as s:  # a second campaign, empty, for the generation
            campaigns.create_campaign(s, users["shenpi"], CampaignInput(
                2027, "2027年节日坚守岗位慰问", date(2027, 1, 5), date(2027, 2, 10), [("本级工会经费", 9_000_000_00)]),
                today=TODAY)
        with db.session() as s:
            assert s.exec(select(m.Campaign)).all()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _users(db):  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from assist_desktop.storage import models as m

    with db.session() as s:
        users = {u.username: u for u in s.exec(select(m.User))}
        s.expunge_all()
    return users


def _visits(db, campaign_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    from assist_desktop.services import campaigns

    with db.session() as s:
        user = _users(db)["jingban"]
        return campaigns.list_visits(s, user, campaign_id=campaign_id, limit=100_000)[1]


def _campaign(db, name: str) -> str:  # type: ignore[no-untyped-def]
    from assist_desktop.services import campaigns

    with db.session() as s:
        return next(c.id for c in campaigns.campaigns(s) if c.name == name)


# --- the operations, as the child runs them ------------------------------------------------------------


def op_generate(db) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.services import campaigns
    from assist_desktop.services.campaigns import GenerationCriteria

    cid = _campaign(db, "2027年节日坚守岗位慰问")
    with db.session() as s:
        source = campaigns.fund_sources(s, cid)[0].id
    ready()
    with db.session() as s:
        campaigns.generate_visits(s, _users(db)["jingban"], cid, GenerationCriteria(fund_source_id=source))


def op_approve(db) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.services import campaigns

    ids = _visits(db, _campaign(db, "2027年春节送温暖"))
    users = _users(db)
    ready()
    with db.session() as s:
        campaigns.approve_many(s, users["shenpi"], ids, today=DAY)


def op_approve_and_pay(db) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.services import campaigns

    ids = _visits(db, _campaign(db, "2027年春节送温暖"))
    users = _users(db)
    with db.session() as s:
        campaigns.approve_many(s, users["shenpi"], ids, today=DAY)
    ready()
    with db.session() as s:
        campaigns.mark_paid_many(s, users["jingban"], ids, paid_on=date(2027, 1, 15), method="cash",
                                 today=date(2027, 1, 20))


def op_backup(db) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.storage.backup import BackupManager

    ready()
    BackupManager(db.path).create("manual")


def op_demo(db) -> None:  # type: ignore[no-untyped-def]
    """A bulk import of households (the demo generator writes like the ledger import: Core inserts)."""
    from assist_desktop.services.demo import generate_demo

    ready()
    generate_demo(db, 800, seed=99, today=TODAY, history=False)


OPERATIONS: dict[str, Callable] = {"generate": op_generate, "approve": op_approve, "pay": op_approve_and_pay,
                                   "backup": op_backup, "import": op_demo}


def ready() -> None:
    print("READY", flush=True)


def child(operation: str, path: str) -> None:
    from assist_desktop.storage.schema import open_database

    with open_database(path) as db:
        OPERATIONS[operation](db)
    print("DONE", flush=True)


# --- the parent: kill, then check ----------------------------------------------------------------------


@dataclass
class Outcome:
    operation: str
    killed_after_s: float
    finished: bool
    state: str  # "before" or "after": which whole state the file holds


def _count(conn: sqlite3.Connection, sql: str, *args: object) -> int:
    return conn.execute(sql, args).fetchone()[0]


def check(path: Path, operation: str) -> str:
    """Raise AssertionError unless the file is sound and the operation wholly done or wholly absent."""
    from assist_desktop.services.audit import verify_audit
    from assist_desktop.storage.backup import BackupManager, check_backup_file
    from assist_desktop.storage.schema import open_database

    with closing(sqlite3.connect(path)) as conn:  # the first open also replays a committed WAL
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), "integrity_check failed"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], "foreign keys broken"
        statuses = dict(conn.execute("SELECT v.status, count(*) FROM visit v JOIN campaign c ON c.id = v.campaign_id "
                                     "WHERE c.name = '2027年春节送温暖' GROUP BY v.status").fetchall())
        generated = _count(conn, "SELECT count(*) FROM visit v JOIN campaign c ON c.id = v.campaign_id "
                                 "WHERE c.name = '2027年节日坚守岗位慰问'")
        generations = _count(conn, "SELECT count(*) FROM audit_event WHERE action = 'generate_visits'")
        vouchers = _count(conn, "SELECT count(*) FROM disbursement WHERE paid_on = '2027-01-15'")
        files = _count(conn, "SELECT count(*) FROM hardship_file")
    with open_database(path) as db, db.session() as s:
        verdict = verify_audit(s)
        assert verdict.ok, verdict.message
    if operation == "generate":
        assert generations in (1, 2), generations
        assert (generated == 0) == (generations == 1), (generated, generations)
        return "after" if generated else "before"
    if operation == "approve":
        assert len(statuses) == 1 and set(statuses) <= {"reviewed", "approved"}, statuses
        return "after" if "approved" in statuses else "before"
    if operation == "pay":
        assert len(statuses) == 1 and set(statuses) <= {"approved", "paid"}, statuses
        n = sum(statuses.values())
        assert vouchers == (n if "paid" in statuses else 0), (vouchers, statuses)
        return "after" if "paid" in statuses else "before"
    if operation == "backup":
        made = BackupManager(path).list()
        for b in made:  # whatever is listed as a backup is a sound database; a half-copy never is listed
            check_backup_file(b.path)
        return "after" if made else "before"
    if operation == "import":
        assert files in (FAMILIES, FAMILIES + 800), files
        return "after" if files > FAMILIES else "before"
    raise ValueError(operation)


def run_once(template: Path, workdir: Path, operation: str, rng: random.Random, window_s: float) -> Outcome:
    """Copy the county, start the operation in a child, SIGKILL it ``0..window_s`` after it is ready."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    path = workdir / "assist.sqlite"
    shutil.copyfile(template, path)
    proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.crash", operation, str(path)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.strip() == "READY", f"the child did not start {operation}: {line!r}"
        delay = rng.uniform(0, window_s)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        rest = proc.stdout.read() if proc.stdout else ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    return Outcome(operation, delay, "DONE" in rest, check(path, operation))


def timed_window(template: Path, workdir: Path, operation: str) -> float:
    """How long the operation takes here (run once to its end), so kills fall inside it."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    path = workdir / "assist.sqlite"
    shutil.copyfile(template, path)
    proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.crash", operation, str(path)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "READY"
    started = time.perf_counter()
    assert proc.stdout.readline().strip() == "DONE"
    elapsed = time.perf_counter() - started
    proc.wait(30)
    assert check(path, operation) == "after"
    return elapsed * 1.15  # a little past the end: some kills land after the commit


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2])
