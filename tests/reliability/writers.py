"""Desks writing at once to one database: each a process of its own, as each office PC is.

    python -m tests.reliability.writers desk LOCATION INDEX ROUNDS SHARED_ID REVIEW_IDS
    python -m tests.reliability.writers hold LOCATION REVIEW_IDS      (reviews slowly: killed mid-transaction)
    python -m tests.reliability.writers approve LOCATION VISIT_IDS    (the chair's batch, on GO)

``desk``: each round files a new household (its file number drawn from the counter), saves the shared
household with the version it read a moment before (optimistic locking: a save over a newer version is
refused), and tries to review each of the files waiting for review (only one desk may). It prints one JSON
line: what it filed, how many saves went through or were refused, which reviews it made.

``hold``: reviews the given files one by one inside ONE transaction, slowly, printing READY after the first
(its row locks, counters and audit events pending) — the parent kills it there.

``approve``: logs in as the chair, prints READY, waits for GO on stdin, and approves the given visits as one
batch (``campaigns.approve_many``); prints one JSON line: approved, or refused and why.
"""

from __future__ import annotations

import json
import random
import sys
import time
from dataclasses import replace
from datetime import date

TODAY = date(2026, 11, 20)
PASSWORD = "demo12345"
SHARED = 39  # the household every desk edits (household(SHARED, 0, …))


def household(index: int, round_: int, unit_id: str):  # type: ignore[no-untyped-def]
    from assist_desktop.services.registry import FileInput
    from tests.services.conftest import make_id

    born = f"19{60 + index:02d}{1 + round_ // 28:02d}{1 + round_ % 28:02d}"
    return FileInput(name="阿卜杜热合曼·买买提依明" if index % 2 else "马小燕", id_number=make_id(born, 101 + 2 * index, "610826"),
                     phone="13912345678", address="陕西省榆林市绥德县名州镇张家村12号",
                     employer_name="绥德县兴业建筑工程有限公司", unit_id=unit_id, primary_cause=6,
                     worker_monthly_income_fen=80_000)


def _users(db):  # type: ignore[no-untyped-def]
    from assist_desktop.services.users import authenticate

    users = {}
    for name in ("jingban", "shenhe"):
        with db.session() as s:  # one session each: a login is a write, which expires what the session held
            users[name] = authenticate(s, name, PASSWORD)
    return users


def desk(location: str, index: int, rounds: int, shared_id: str, review_ids: list[str]) -> dict:  # type: ignore[type-arg]
    from assist_desktop.domain.errors import DomainError
    from assist_desktop.services import approvals, registry
    from assist_desktop.services.base import StaleVersion
    from assist_desktop.storage.schema import open_database

    rng = random.Random(index)
    out: dict = {"desk": index, "files": [], "saved": 0, "stale": 0, "reviewed": [], "refused_reviews": 0,  # type: ignore[type-arg]
                 "errors": []}
    with open_database(location) as db:
        users = _users(db)
        clerk, reviewer = users["jingban"], users["shenhe"]
        with db.session() as s:
            unit_id = registry.get_file(s, clerk, shared_id)[0].unit_id
        order = list(review_ids)
        rng.shuffle(order)
        for round_ in range(rounds):
            try:
                with db.session() as s:
                    hf = registry.create_file(s, clerk, household(index, round_, unit_id), today=TODAY)
                out["files"].append([hf.id, hf.file_no])
            except DomainError as exc:
                out["errors"].append(exc.message)
            with db.session() as s:
                version = registry.get_file(s, clerk, shared_id)[0].version
            time.sleep(rng.uniform(0, 0.02))  # the caseworker types
            try:
                edited = replace(household(SHARED, 0, unit_id), phone=f"139{index:02d}{round_:06d}")
                with db.session() as s:
                    registry.update_file(s, clerk, shared_id, edited, expected_version=version, today=TODAY)
                out["saved"] += 1
            except StaleVersion:
                out["stale"] += 1
            if round_ < len(order):
                try:
                    with db.session() as s:
                        approvals.review(s, reviewer, "hardship_file", order[round_])
                    out["reviewed"].append(order[round_])
                except DomainError:
                    out["refused_reviews"] += 1
    return out


def hold(location: str, review_ids: list[str]) -> None:
    from assist_desktop.services import approvals
    from assist_desktop.storage.schema import open_database

    with open_database(location) as db:
        reviewer = _users(db)["shenhe"]

        def slowly(done: int, total: int) -> None:
            if done == 1:
                print("READY", flush=True)
            time.sleep(0.5)

        with db.session() as s:
            approvals.act_many(s, reviewer, "hardship_file", review_ids, "review", progress=slowly)
        print("DONE", flush=True)


def approve(location: str, visit_ids: list[str]) -> dict:  # type: ignore[type-arg]
    from assist_desktop.domain.errors import DomainError
    from assist_desktop.services import campaigns
    from assist_desktop.services.users import authenticate
    from assist_desktop.storage.schema import open_database

    with open_database(location) as db:
        with db.session() as s:
            chair = authenticate(s, "shenpi", PASSWORD)
        print("READY", flush=True)
        sys.stdin.readline()
        try:
            with db.session() as s:
                campaigns.approve_many(s, chair, visit_ids, today=date(2027, 1, 8))
            return {"approved": True}
        except DomainError as exc:
            return {"approved": False, "error": type(exc).__name__, "message": exc.message}


if __name__ == "__main__":
    kind, location = sys.argv[1], sys.argv[2]
    if kind == "desk":
        result = desk(location, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5],
                      [i for i in sys.argv[6].split(",") if i])
        print(json.dumps(result, ensure_ascii=False), flush=True)
    elif kind == "approve":
        print(json.dumps(approve(location, sys.argv[3].split(",")), ensure_ascii=False), flush=True)
    else:
        hold(location, sys.argv[3].split(","))
