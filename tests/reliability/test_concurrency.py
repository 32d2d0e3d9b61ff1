"""Several desks writing at once to one database server (issue 22): two and ten writer processes; no lost
update (a save over a version another desk saved is refused, and every save that went through shows in the
version), no duplicate or missing file number, each file reviewed by exactly one desk, and the audit chain one
whole chain. A desk killed in the middle of a transaction leaves the server as it was: its rows, numbers and
audit events gone, its locks released at once.

The writers are processes of their own (tests/reliability/writers.py), as each office PC is."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from assist_desktop.services import approvals, registry
from assist_desktop.services.audit import verify_audit
from assist_desktop.services.users import authenticate
from assist_desktop.storage import models as m
from assist_desktop.storage.location import Location
from assist_desktop.storage.schema import open_database
from tests.dbtools import Databases, Template, connect
from tests.reliability.writers import PASSWORD, SHARED, TODAY, household

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgresql_only  # one file takes one writer at a time; a server takes many


def _build(location: Location) -> None:
    from assist_desktop.services.demo import generate_demo

    with open_database(location) as db:
        generate_demo(db, 30, seed=7, today=TODAY, history=False)


@pytest.fixture(scope="session")
def office_template(databases: Databases) -> Template:
    return databases.template("office", _build)


@pytest.fixture
def office(office_template: Template, databases: Databases, tmp_path: Path):  # type: ignore[no-untyped-def]
    location = databases.copy(office_template, tmp_path)
    yield location
    databases.drop(location)


def _prepare(location: Location, waiting: int) -> tuple[str, list[str]]:
    """The household every desk edits, and ``waiting`` households submitted for review."""
    with open_database(location) as db:
        with db.session() as s:
            clerk = authenticate(s, "jingban", PASSWORD)
            unit_id = s.exec(select(m.OrgUnit.id).where(m.OrgUnit.level == "grassroots")).first()
        with db.session() as s:
            shared = registry.create_file(s, clerk, household(SHARED, 0, unit_id), today=TODAY)
        ids = []
        for n in range(waiting):
            with db.session() as s:
                hf = registry.create_file(s, clerk, household(20 + n // 28, n % 28, unit_id), today=TODAY)
            with db.session() as s:
                approvals.submit(s, clerk, "hardship_file", hf.id)
            ids.append(hf.id)
    return shared.id, ids


def _run(args: list[str], **kw) -> subprocess.Popen:  # type: ignore[type-arg, no-untyped-def]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "tests.reliability.writers", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _finished(procs: list) -> list[dict]:
    """Each writer process's last line (its JSON report), once all have exited without an error."""
    results = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _state(location: Location) -> dict[str, object]:
    with open_database(location) as db, db.session() as s:
        verdict = verify_audit(s)
        files = s.exec(select(m.HardshipFile.file_no, m.HardshipFile.status).order_by(m.HardshipFile.file_no)).all()
        counter = s.get(m.NumberSequence, "file:610826:2026")
        return {"chain": verdict, "files": files, "counter": counter.last if counter else 0,
                "events": s.exec(select(m.AuditEvent.seq).order_by(m.AuditEvent.seq)).all()}


@pytest.mark.parametrize("desks", [2, 10])
def test_desks_writing_at_once_lose_nothing_and_number_without_gaps(office: Location, desks: int) -> None:
    rounds = 6 if desks == 10 else 12
    shared_id, waiting = _prepare(office, 12)
    before = _state(office)
    with open_database(office) as db, db.session() as s:
        start_version = s.get(m.HardshipFile, shared_id).version
    procs = [_run(["desk", str(office.text if hasattr(office, "text") else office), str(i), str(rounds), shared_id,
                   ",".join(waiting)]) for i in range(desks)]
    results = _finished(procs)
    after = _state(office)

    # every desk filed every round; the numbers are new, one each, without a gap
    filed = [no for r in results for _id, no in r["files"]]
    assert not [e for r in results for e in r["errors"]], [r["errors"] for r in results]
    assert len(filed) == desks * rounds and len(set(filed)) == len(filed)
    serials = sorted(int(no.rsplit("-", 1)[1]) for no in filed)
    assert serials == list(range(before["counter"] + 1, before["counter"] + 1 + len(filed)))  # type: ignore[operator]
    assert after["counter"] == serials[-1]
    # the shared household: every save that went through is one version; the others were refused
    saved, stale = sum(r["saved"] for r in results), sum(r["stale"] for r in results)
    assert saved + stale == desks * rounds and saved >= 1
    with open_database(office) as db, db.session() as s:
        assert s.get(m.HardshipFile, shared_id).version == start_version + saved  # no lost update
        reviews = Counter(s.exec(select(m.WorkflowEvent.entity_id).where(
            m.WorkflowEvent.action == "review", m.WorkflowEvent.entity_id.in_(waiting))).all())
    reviewed = [i for r in results for i in r["reviewed"]]
    assert sorted(reviewed) == sorted(set(reviewed)) and set(reviewed) <= set(waiting)  # one desk each
    assert all(n == 1 for n in reviews.values()) and set(reviews) == set(reviewed)
    # one whole chain: every event numbered once, in order, linked
    assert after["chain"].ok, after["chain"].message  # type: ignore[attr-defined]
    assert after["events"] == list(range(1, len(after["events"]) + 1))  # type: ignore[arg-type]


def test_a_desk_killed_in_the_middle_of_a_transaction_leaves_the_server_as_it_was(office: Location) -> None:
    _shared, waiting = _prepare(office, 6)
    proc = _run(["hold", str(office.text if hasattr(office, "text") else office), ",".join(waiting)])
    assert proc.stdout is not None
    line = proc.stdout.readline()  # (its login is committed before: a write of its own)
    assert line.strip() == "READY", (line, proc.stderr.read() if proc.stderr else "")
    time.sleep(0.3)  # inside the transaction: reviews written, rows locked, audit events pending
    before = _state(office)  # what others see meanwhile: none of it
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    after = _state(office)
    assert after["files"] == before["files"] and after["events"] == before["events"]  # wholly absent
    assert after["chain"].ok  # type: ignore[attr-defined]
    # nothing is left locked: another desk reviews the same files at once
    started = time.monotonic()
    with open_database(office) as db:
        with db.session() as s:
            reviewer = authenticate(s, "shenhe", PASSWORD)
        with db.session() as s:
            approvals.act_many(s, reviewer, "hardship_file", waiting, "review")
    assert time.monotonic() - started < 10
    with connect(office) as conn:
        statuses = {r[0] for r in conn.execute(
            f"SELECT status FROM hardship_file WHERE id IN ({','.join('?' * len(waiting))})", waiting).fetchall()}
        locks = conn.execute("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                             "WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() "
                             "AND l.granted AND l.locktype IN ('tuple', 'transactionid', 'advisory')").fetchone()[0]
    assert statuses == {"reviewed"} and locks == 0
    final = _state(office)
    # the other desk's login and its six reviews, numbered on from where the killed desk found the chain
    assert final["chain"].ok and len(final["events"]) == len(before["events"]) + 1 + len(waiting)  # type: ignore[arg-type, attr-defined]


def _winter_list(location: Location, budget_share: float) -> tuple[list[str], int]:
    """A winter campaign whose list (every active file of the demo) is submitted and reviewed; its one fund
    source holds ``budget_share`` of the list's money. Returns the visits and the source's amount in fen."""
    from assist_desktop.services import campaigns
    from assist_desktop.services.campaigns import CampaignInput, GenerationCriteria

    with open_database(location) as db:
        users = {}
        for name in ("jingban", "shenhe", "shenpi"):
            with db.session() as s:
                users[name] = authenticate(s, name, PASSWORD)
        with db.session() as s:
            campaign = campaigns.create_campaign(s, users["shenpi"], CampaignInput(
                2027, "2027年春节送温暖（同时审批）", date(2027, 1, 5), date(2027, 2, 10),
                [("上级工会拨款", 90_000_000_00)]), today=TODAY)
        with db.session() as s:
            source = campaigns.fund_sources(s, campaign.id)[0]
            campaigns.generate_visits(s, users["jingban"], campaign.id, GenerationCriteria(
                categories=("deep", "relative", "accident"), fund_source_id=source.id))
        with db.session() as s:
            visits = s.exec(select(m.Visit).where(m.Visit.campaign_id == campaign.id).order_by(m.Visit.id)).all()
            ids, total = [v.id for v in visits], sum(v.cash_fen + v.goods_fen for v in visits)
        with db.session() as s:
            campaigns.act_many(s, users["jingban"], ids, "submit", today=date(2027, 1, 8))
        with db.session() as s:
            campaigns.act_many(s, users["shenhe"], ids, "review", today=date(2027, 1, 8))
        amount = int(total * budget_share)
        with connect(location) as conn:  # the source cut down to part of the list (as if spent elsewhere)
            conn.execute("UPDATE campaign_fund_source SET amount_fen = ? WHERE id = ?", (amount, source.id))
            conn.execute("UPDATE campaign SET budget_fen = ? WHERE id = ?", (amount, campaign.id))
            conn.commit()
    return ids, amount


def test_five_chairs_approving_batches_of_one_campaign_at_once_keep_the_budget_and_the_chain(
        office: Location) -> None:
    """Five desks approve five batches of one campaign at the same moment (each steps its whole batch, then
    reads the money under the campaign's lock): the batches that fit are approved whole, the others refused
    whole for the budget — never more approved than the source holds — and the audit chain, the workflow
    history and 统计's summary stay right however the five interleave."""
    from assist_desktop.services import tally

    ids, budget = _winter_list(office, 0.6)
    assert len(ids) >= 10, len(ids)
    batches = [ids[i::5] for i in range(5)]
    with open_database(office) as db, db.session() as s:
        amounts = {v.id: v.cash_fen + v.goods_fen for v in s.exec(select(m.Visit).where(m.Visit.id.in_(ids)))}
    before = _state(office)
    procs = [_run(["approve", str(office.text if hasattr(office, "text") else office), ",".join(b)],
                  stdin=subprocess.PIPE) for b in batches]
    for p in procs:
        line = p.stdout.readline()  # type: ignore[union-attr]
        assert line.strip() == "READY", (line, p.stderr.read() if p.stderr else "")  # type: ignore[union-attr]
    for p in procs:
        p.stdin.write("GO\n")  # type: ignore[union-attr]
        p.stdin.flush()  # type: ignore[union-attr]
    results = _finished(procs)
    after = _state(office)

    approved = [b for b, r in zip(batches, results) if r["approved"]]
    refused = [(b, r) for b, r in zip(batches, results) if not r["approved"]]
    assert approved and refused  # 60 % of the money: some batches fit, not all
    assert all(r["error"] == "BudgetExceeded" for _b, r in refused), refused
    approved_fen = sum(amounts[i] for b in approved for i in b)
    assert approved_fen <= budget
    for b, _r in refused:  # refused only when it did not fit on top of what was approved
        assert approved_fen + sum(amounts[i] for i in b) > budget
    with open_database(office) as db, db.session() as s:
        statuses = dict(s.exec(select(m.Visit.id, m.Visit.status).where(m.Visit.id.in_(ids))).all())
        approvals_written = Counter(s.exec(select(m.WorkflowEvent.entity_id).where(
            m.WorkflowEvent.action == "approve", m.WorkflowEvent.entity_id.in_(ids))).all())
        with db.engine.connect() as conn:
            tallied = tally.verify(conn)
    assert {i for i, st in statuses.items() if st == "approved"} == {i for b in approved for i in b}
    assert {i for i, st in statuses.items() if st == "reviewed"} == {i for b, _r in refused for i in b}
    assert set(approvals_written) == {i for b in approved for i in b} and set(approvals_written.values()) == {1}
    # one whole chain, one event per approved visit beyond the five logins (the refusals write none)
    assert after["chain"].ok, after["chain"].message  # type: ignore[attr-defined]
    assert after["events"] == list(range(1, len(after["events"]) + 1))  # type: ignore[arg-type]
    assert len(after["events"]) == len(before["events"]) + 5 + len(approvals_written)  # type: ignore[arg-type]
    assert tallied.ok, tallied.example
