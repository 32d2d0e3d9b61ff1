"""Benchmark: a Spring Festival campaign of Yulin's size (3,406 households) through its bulk steps.

Generates a county (demo households; the campaign takes its active files up to 3,406), then times
each step as the program runs it — one transaction each, with its audit events and workflow
history: generating the list, submit, review, approve (budget per fund source), pay (vouchers).
Goal: at most 1 ms per household for every step (3,406 households in under 3.5 s each), so a
caseworker waits seconds, not minutes. The ratio is the slowest step's ms per household.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import select

YULIN = 3406


def bench_campaign(families: int, workdir: Path) -> dict[str, Any]:
    from assist_desktop.domain.lifecycle import Action
    from assist_desktop.services import campaigns
    from assist_desktop.services.campaigns import CampaignInput, GenerationCriteria
    from assist_desktop.services.demo import generate_demo
    from assist_desktop.storage import models as m
    from assist_desktop.storage.schema import open_database

    today = date(2026, 11, 21)
    county = max(YULIN * 2, min(families, 10_000))  # enough active files for 3,406 visits
    started = time.perf_counter()
    with open_database(workdir / "campaign.sqlite") as db:
        generate_demo(db, county, seed=17, today=today, history=False)
        t_gen = time.perf_counter() - started
        with db.session() as s:
            users = {u.username: u for u in s.exec(select(m.User))}
            s.expunge_all()  # detached, as the program's logged-in user is
        with db.session() as s:
            c = campaigns.create_campaign(s, users["shenpi"], CampaignInput(
                year=2027, name="2027年春节送温暖（基准）", visit_start=date(2027, 1, 5), visit_end=date(2027, 2, 10),
                fund_sources=[("上级工会拨款", 12_000_000_00), ("本级工会经费", 2_000_000_00)]), today=today)
            source = campaigns.fund_sources(s, c.id)[0].id
            units = [u for u, in s.execute(select(m.HardshipFile.unit_id).where(m.HardshipFile.status == "active")
                                           .group_by(m.HardshipFile.unit_id)
                                           .order_by(m.HardshipFile.unit_id))]
        # the towns' unions in order until the list reaches Yulin's size, as a county would choose them
        chosen: list[str] = []
        with db.session() as s:
            for unit in units:
                chosen.append(unit)
                preview = campaigns.preview_visits(s, users["jingban"], c.id, GenerationCriteria(
                    unit_ids=tuple(chosen), fund_source_id=source))
                if preview.count >= YULIN:
                    break
        steps: dict[str, float] = {}
        cpu = {"s": 0.0}  # the program's CPU time over the five steps (the secrecy benchmark's ratio is judged on it)

        def timed(name: str, work: Any) -> Any:
            with db.session() as s:
                t0, c0 = time.perf_counter(), time.process_time()
                out = work(s)
                steps[name] = round(time.perf_counter() - t0, 2)
                cpu["s"] += time.process_time() - c0
            return out

        result = timed("generate_s", lambda s: campaigns.generate_visits(
            s, users["jingban"], c.id, GenerationCriteria(unit_ids=tuple(chosen), fund_source_id=source)))
        with db.session() as s:
            ids = campaigns.list_visits(s, users["jingban"], campaign_id=c.id, limit=100_000)[1]
        day = date(2027, 1, 8)
        timed("submit_s", lambda s: campaigns.act_many(s, users["jingban"], ids, Action.submit, today=day))
        timed("review_s", lambda s: campaigns.act_many(s, users["shenhe"], ids, Action.review, today=day))
        timed("approve_s", lambda s: campaigns.approve_many(s, users["shenpi"], ids, today=day))
        timed("pay_s", lambda s: campaigns.mark_paid_many(s, users["jingban"], ids, paid_on=date(2027, 1, 15),
                                                          method="cash", today=date(2027, 1, 20)))
        with db.session() as s:
            t0 = time.perf_counter()
            board = campaigns.dashboard(s, c.id)
            steps["dashboard_s"] = round(time.perf_counter() - t0, 3)
    slowest = max(v for k, v in steps.items() if k != "dashboard_s")
    per_household_ms = round(slowest * 1000 / max(1, result.created), 3)
    print(f"  {result.created} visits: " + ", ".join(f"{k[:-2]} {v} s" for k, v in steps.items())
          + f"; slowest {per_household_ms} ms per household")
    return {"families": county, "generate_county_s": round(t_gen, 1), "visits": result.created,
            "paid": board.by_status.get("paid", 0), "vouchers": board.vouchers, **steps, "steps_cpu_s": round(cpu["s"], 3),
            "ratio": per_household_ms, "goal_ratio": 1.0}
