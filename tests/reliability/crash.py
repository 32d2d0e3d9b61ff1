"""Power cuts in the middle of the long writes: a child process runs one operation on a copy of a
database and is killed with SIGKILL at a chosen moment of the write; the file must then pass
``integrity_check`` and ``foreign_key_check``, its audit chain must verify, and the operation must be
wholly there or wholly absent: the row count of every table, the head of the audit chain and what the
operation changes in place (statuses, the sync peers' sequence numbers, the backups listed) are
exactly as before the operation or exactly as after it.

The operations:

- ``generate``: a visit list generated for a campaign;
- ``approve`` / ``pay``: a reviewed list approved, an approved list paid with vouchers;
- ``backup``: a backup taken (whatever is listed as a backup must be a sound database);
- ``ledger``: an Excel ledger (.xlsx) of households with their members imported as the wizard and the
  terminal do it: ``prepare_import`` (read, every row checked; writes nothing), then ``commit_import``;
- ``sync``: a county's sync package imported at its city: ``inspect_package`` (decrypt, verify), then
  ``apply_package``.

The child does what the program does before the user presses the button, prints READY, does the write,
prints WRITTEN with the time the write took, closes the database and prints DONE. The parent times the
write (two runs to the end), then kills run k of n at a moment drawn from the k-th n-th of that
duration and a tenth more (``Schedule``), so the kills fall early, midway and late in the write, and a
few after its commit, while the database is closed. Each outcome says whether the write had returned
when the kill came, and whether the child had already ended (a kill that told nothing; the test
requires at least a third of the kills to come during the write).

Run as a module in the child (WORKDIR holds ``assist.sqlite`` and the operation's input file):

    python -m tests.reliability.crash OPERATION WORKDIR
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 21)
DAY = date(2027, 1, 8)
FAMILIES = 1500  # in the county
LEDGER_HOUSEHOLDS = 1200  # in the Excel ledger (with their members, about 3,300 rows)
DB = "assist.sqlite"
LEDGER = "台账.xlsx"
PACKAGE = "绥德县.sync"
WINTER = "2027年春节送温暖"
DUTY = "2027年节日坚守岗位慰问"


# --- the databases every run starts from -------------------------------------------------------------


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
                2027, WINTER, date(2027, 1, 5), date(2027, 2, 10), [("上级工会拨款", 9_000_000_00)]),
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
                2027, DUTY, date(2027, 1, 5), date(2027, 2, 10), [("本级工会经费", 9_000_000_00)]),
                today=TODAY)
        with db.session() as s:
            assert s.exec(select(m.Campaign)).all()
    _checkpoint(path)


def _checkpoint(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


_HEADER = ["姓名", "与户主关系", "性别", "身份证号", "联系电话", "家庭住址", "工作单位", "所属工会", "困难类别", "主要致困原因",
           "次要致困原因", "家庭人口", "月收入", "家庭其他年收入", "医疗支出", "教育支出", "致困支出", "遭受灾害或意外",
           "开户银行", "银行卡号", "身份", "当前学历", "入学年份", "学制"]


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def make_ledger(county: Path, out: Path, households: int = LEDGER_HOUSEHOLDS) -> tuple[int, int]:
    """A county office's ledger of households new to ``county``: a title row, the header, each worker
    with the family members on the rows below (as tests/perf/bench_ledger.py writes it). Returns
    (households, members)."""
    from openpyxl import Workbook

    from assist_desktop.domain import enums
    from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
    from assist_desktop.services.demo import DemoGenerator
    from assist_desktop.storage import models as m

    with closing(sqlite3.connect(county)) as conn:
        unit_id = conn.execute("SELECT value FROM meta WHERE key = 'local_unit_id'").fetchone()[0]
        code = conn.execute("SELECT code FROM org_unit WHERE id = ?", (unit_id,)).fetchone()[0]
        used = {r[0] for r in conn.execute("SELECT id_number FROM hardship_file UNION "
                                           "SELECT id_number FROM member WHERE id_number IS NOT NULL")}
    gen = DemoGenerator(unit_id=unit_id, unit_code=code, today=TODAY, seed=77, used_id_numbers=used)
    gen.reference_rows(FAMILIES)  # the grassroots unions (the county's own names) and employers
    units = {u["id"]: u["name"] for u in gen.grassroots}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(["绥德县困难职工档案台账（新建档）"])
    sheet.append(_HEADER)
    members = 0
    for _ in range(households):
        batch = gen.household()
        hf = batch[m.HardshipFile][0]
        family = batch[m.Member]
        causes = "、".join(HardshipCause(int(c)).label for c in hf["secondary_causes"].split(",") if c)
        sheet.append([hf["name"], "本人", "男" if hf["sex"] == "male" else "女", hf["id_number"], hf["phone"],
                      hf["address"], hf["employer_name"], units[hf["unit_id"]], HardshipCategory(hf["category"]).label,
                      str(hf["primary_cause"]), causes, 1 + len(family), _yuan(hf["worker_monthly_income_fen"]),
                      _yuan(hf["other_annual_income_fen"]), _yuan(hf["medical_expenses_fen"]),
                      _yuan(hf["schooling_expenses_fen"]), _yuan(hf["hardship_costs_fen"]),
                      "是" if hf["disaster_or_accident"] else "否", hf["bank_name"], hf["bank_account"]])
        for mem in family:
            sheet.append([mem["name"], enums.Relation(mem["relation"]).label, "男" if mem["sex"] == "male" else "女",
                          mem["id_number"], None, None, mem["unit_or_school"], None, None, None, None, None,
                          _yuan(mem["monthly_income_fen"]), None, None, None, None, None, None, None,
                          enums.MemberIdentity(mem["identity"]).label if mem["identity"] else None,
                          enums.EducationLevel(mem["education_level"]).label if mem["education_level"] else None,
                          mem["admission_year"], mem["study_years"]])
        members += len(family)
    book.save(out)
    return households, members


def make_city(county: Path, folder: Path) -> tuple[Path, Path]:
    """The county's city, which enrolled it, and the county's first (full) package to it: a copy of
    ``county`` sets the city as its upper unit and exports. Returns (city database, package)."""
    from assist_desktop.services.setup import initialise
    from assist_desktop.storage.schema import open_database
    from assist_desktop.sync.export import export_package
    from tests.sync.linking import link

    source, city = folder / "county.sqlite", folder / DB
    shutil.copyfile(county, source)
    with open_database(source) as county_db, open_database(city) as city_db:
        initialise(city_db, unit_code="610800", unit_name="榆林市总工会", admin_username="admin",
                   admin_password="crash-pass-1", level="city")
        link(county_db, city_db)
        with county_db.session() as s:
            package = export_package(s, None, folder / PACKAGE)
    _checkpoint(city)
    source.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{source}{suffix}").unlink(missing_ok=True)
    return city, package.path


def approve_winter(path: Path) -> None:
    """The winter list approved (where ``pay`` starts)."""
    from assist_desktop.services import campaigns
    from assist_desktop.storage.schema import open_database

    with open_database(path) as db:
        ids = _visits(db, _campaign(db, WINTER))
        with db.session() as s:
            campaigns.approve_many(s, _users(db)["shenpi"], ids, today=DAY)
    _checkpoint(path)


def make_templates(root: Path) -> dict[str, Path]:
    """The folder each operation's runs are copied from: the county (with the ledger), the county with
    its winter list approved, and the city (with the county's package)."""
    county, approved, city = root / "county", root / "approved", root / "city"
    county.mkdir(parents=True)
    city.mkdir(parents=True)
    make_county(county / DB)
    make_ledger(county / DB, county / LEDGER)
    shutil.copytree(county, approved)
    approve_winter(approved / DB)
    make_city(county / DB, city)
    return {name: city if name == "sync" else approved if name == "pay" else county for name in OPERATIONS}


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


# --- the operations, as the child runs them: prepare, then return the write ---------------------------

Write = Callable[[], None]


def op_generate(db, folder: Path) -> Write:  # type: ignore[no-untyped-def]
    from assist_desktop.services import campaigns
    from assist_desktop.services.campaigns import GenerationCriteria

    cid = _campaign(db, DUTY)
    with db.session() as s:
        source = campaigns.fund_sources(s, cid)[0].id
    user = _users(db)["jingban"]

    def write() -> None:
        with db.session() as s:
            campaigns.generate_visits(s, user, cid, GenerationCriteria(fund_source_id=source))
    return write


def op_approve(db, folder: Path) -> Write:  # type: ignore[no-untyped-def]
    from assist_desktop.services import campaigns

    ids = _visits(db, _campaign(db, WINTER))
    user = _users(db)["shenpi"]

    def write() -> None:
        with db.session() as s:
            campaigns.approve_many(s, user, ids, today=DAY)
    return write


def op_pay(db, folder: Path) -> Write:  # type: ignore[no-untyped-def]
    from assist_desktop.services import campaigns

    ids = _visits(db, _campaign(db, WINTER))  # approved in the template
    user = _users(db)["jingban"]

    def write() -> None:
        with db.session() as s:
            campaigns.mark_paid_many(s, user, ids, paid_on=date(2027, 1, 15), method="cash", today=date(2027, 1, 20))
    return write


def op_backup(db, folder: Path) -> Write:  # type: ignore[no-untyped-def]
    from assist_desktop.storage.backup import BackupManager

    return lambda: BackupManager(db.path).create("manual")


def op_ledger(db, folder: Path) -> Write:  # type: ignore[no-untyped-def]
    from assist_desktop.services.ledger import ImportOptions, commit_import, prepare_import

    user = _users(db)["jingban"]
    with db.session() as s:  # the wizard's check step (and `ledger import` without --commit)
        plan = prepare_import(s, user, folder / LEDGER, "files", today=TODAY,
                              options=ImportOptions(category_reason="按原台账认定"))
    assert plan.ok and plan.valid_count == LEDGER_HOUSEHOLDS, [i.line() for i in plan.errors[:5]]

    def write() -> None:
        with db.session() as s:
            commit_import(s, user, plan)
    return write


def op_sync(db, folder: Path) -> Write:  # type: ignore[no-untyped-def]
    from assist_desktop.sync.importer import NEW, apply_package, inspect_package

    with db.session() as s:  # the 同步 page's verification before “apply” (and `sync import`)
        prepared = inspect_package(s, folder / PACKAGE)
    assert prepared.report.status == NEW, prepared.report.message

    def write() -> None:
        try:
            with db.session() as s:
                apply_package(s, None, prepared)
        finally:
            prepared.close()
    return write


OPERATIONS: dict[str, Callable[..., Write]] = {
    "generate": op_generate, "approve": op_approve, "pay": op_pay, "backup": op_backup,
    "ledger": op_ledger, "sync": op_sync}


def child(operation: str, workdir: str) -> None:
    from assist_desktop.storage.schema import open_database

    folder = Path(workdir)
    with open_database(folder / DB) as db:
        write = OPERATIONS[operation](db, folder)
        started = time.perf_counter()
        print("READY", flush=True)
        write()
        print(f"WRITTEN {time.perf_counter() - started:.4f}", flush=True)  # how long the write took
    print("DONE", flush=True)


# --- the parent: kill, then check ----------------------------------------------------------------------


State = dict[str, Any]


def state(path: Path, operation: str) -> State:
    """What an operation changes: the row count of every table, the audit chain's head, and the values
    it changes in place. Read with plain sqlite3 (which replays a committed WAL)."""
    out: State = {}
    with closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for table in tables:
            out[table] = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        out["~audit_head"] = conn.execute("SELECT max(seq) FROM audit_event").fetchone()[0]
        out["~winter_statuses"] = dict(conn.execute(
            "SELECT v.status, count(*) FROM visit v JOIN campaign c ON c.id = v.campaign_id "
            "WHERE c.name = ? GROUP BY v.status", (WINTER,)).fetchall())
        out["~vouchers_paid"] = conn.execute(
            "SELECT count(*) FROM disbursement WHERE paid_on = '2027-01-15'").fetchone()[0]
        out["~peers"] = dict(conn.execute("SELECT unit_id, last_received_seq FROM sync_peer").fetchall())
    if operation == "backup":
        from assist_desktop.storage.backup import BackupManager

        out["~backups"] = len(BackupManager(path).list())
    return out


def expect_done(before: State, after: State, operation: str) -> None:
    """The operation, run to its end, did what it is for (so that 'after' is not a no-op)."""
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed, f"{operation} changed nothing"
    if operation == "generate":
        assert after["visit"] > before["visit"], changed
    elif operation == "approve":
        assert set(after["~winter_statuses"]) == {"approved"}, after["~winter_statuses"]
    elif operation == "pay":
        assert set(after["~winter_statuses"]) == {"paid"}, after["~winter_statuses"]
        assert after["~vouchers_paid"] == after["~winter_statuses"]["paid"]
    elif operation == "backup":
        assert after["~backups"] == before["~backups"] + 1
    elif operation == "ledger":
        assert after["hardship_file"] == before["hardship_file"] + LEDGER_HOUSEHOLDS, changed
        assert after["member"] > before["member"], changed
    elif operation == "sync":
        assert after["hardship_file"] == before["hardship_file"] + FAMILIES, changed
        assert after["sync_package"] == before["sync_package"] + 1, changed
        assert sorted(after["~peers"].values()) == [1], after["~peers"]  # the county's package no. 1


def describe(before: State, after: State) -> str:
    """What the operation changed, briefly: 'hardship_file +1200, member +2071, … (9 values)'."""
    changed = [k for k in after if after[k] != before.get(k)]
    first = [k for k in _SHOWN if k in changed] + [k for k in changed if k not in _SHOWN]
    parts = [f"{k} {_size(after[k]) - _size(before.get(k)):+d}" if isinstance(after[k], int)
             else f"{k} {before.get(k)} → {after[k]}" for k in first[:4]]
    return ", ".join(parts) + (f", … ({len(changed)} values)" if len(changed) > 4 else "")


_SHOWN = ("hardship_file", "member", "visit", "disbursement", "sync_package", "~peers", "~winter_statuses", "~backups")


def _size(value: Any) -> int:
    return value if isinstance(value, int) else 0


def check(path: Path, operation: str, before: State, after: State) -> str:
    """Raise AssertionError unless the file is sound and holds the state before or after the operation."""
    from assist_desktop.services.audit import verify_audit
    from assist_desktop.storage.backup import BackupManager, check_backup_file
    from assist_desktop.storage.schema import open_database

    with closing(sqlite3.connect(path)) as conn:  # the first open also replays a committed WAL
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), "integrity_check failed"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == [], "foreign keys broken"
    now = state(path, operation)
    if operation == "backup":
        for b in BackupManager(path).list():  # whatever is listed is a sound database; a half-copy never is
            check_backup_file(b.path)
    with open_database(path) as db, db.session() as s:
        verdict = verify_audit(s)
        assert verdict.ok, verdict.message
    if now == before:
        return "before"
    if now == after:
        return "after"
    differ = {k: (before.get(k), now.get(k), after.get(k)) for k in now if before.get(k) != now[k] != after.get(k)}
    raise AssertionError(f"{operation}: neither wholly before nor wholly after (before, now, after): {differ}")


@dataclass
class Outcome:
    operation: str
    killed_after_s: float
    write_s: float | None  # how long the write took, when it returned before the kill came
    finished: bool  # the child had also closed the database and ended: a kill that told nothing
    state: str  # "before" or "after": which whole state the file holds

    @property
    def moment(self) -> str:
        return "after the end" if self.finished else "while closing" if self.write_s is not None else "during the write"


def _copy(template: Path, workdir: Path) -> Path:
    if workdir.exists():
        shutil.rmtree(workdir)
    shutil.copytree(template, workdir)
    return workdir / DB


def _start(operation: str, workdir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.reliability.crash", operation, str(workdir)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _written(output: str) -> float | None:
    for line in output.splitlines():
        if line.startswith("WRITTEN "):
            return float(line.split()[1])
    return None


def run_once(template: Path, workdir: Path, operation: str, delay: float, before: State, after: State) -> Outcome:
    """Copy the template, start the operation in a child and SIGKILL it ``delay`` seconds into the write."""
    path = _copy(template, workdir)
    proc = _start(operation, workdir)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.strip() == "READY", f"the child did not start {operation}: {line!r}"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        rest = proc.stdout.read() if proc.stdout else ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    return Outcome(operation, delay, _written(rest), "DONE" in rest, check(path, operation, before, after))


def time_write(template: Path, workdir: Path, operation: str, times: int = 2) -> tuple[list[float], State, State]:
    """Run the operation to its end ``times`` times: how long the write takes here (as the child measures
    it, READY to WRITTEN), and the states before and after it (the same each time)."""
    durations, afters = [], []
    for _ in range(times):
        path = _copy(template, workdir)
        before = state(path, operation)
        proc = _start(operation, workdir)
        output, _ = proc.communicate(timeout=600)
        written = _written(output)
        assert output.startswith("READY") and written is not None and "DONE" in output, f"{operation} failed"
        durations.append(written)
        after = state(path, operation)
        expect_done(before, after, operation)
        assert check(path, operation, before, after) == "after"
        afters.append(after)
    assert all(a == afters[0] for a in afters), f"{operation} does not end in the same state each time"
    return durations, before, afters[0]


TAIL = 0.1  # the kills reach this fraction past the measured end of the write


class Schedule:
    """The kill moments of ``runs`` runs: one in each of ``runs`` equal slices of the write and a tenth
    past its end (so early, middle and late kills alike, and a few after the commit, while the program
    closes the database and SQLite copies the write-ahead log into the file), in random order. Each is
    scaled by the write's duration as lately measured: the child reports it whenever the write returned
    before the kill, so a machine that grows busier or quieter does not push the kills out of the write."""

    def __init__(self, durations: list[float], runs: int, rng: Any) -> None:
        self.durations = list(durations)
        self.fractions = [(k + rng.random()) / runs for k in range(runs)]
        rng.shuffle(self.fractions)

    @property
    def estimate(self) -> float:
        return statistics.median(self.durations[-3:])

    def __iter__(self) -> Iterator[float]:
        for fraction in self.fractions:
            yield self.estimate * (1 + TAIL) * fraction

    def observe(self, outcome: Outcome) -> None:
        if outcome.write_s is not None:
            self.durations.append(outcome.write_s)


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2])
