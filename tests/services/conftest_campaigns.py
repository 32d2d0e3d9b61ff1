"""Shared pieces of the Spring Festival tests: campaigns, many active files written in bulk, and the steps
that bring a visit to approval.

Imported by test_campaigns.py (tests/services/conftest.py stays as it is).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import select

from tests.dbtools import connect
from assist_desktop.services import campaigns
from assist_desktop.services.campaigns import CampaignInput, GenerationCriteria, VisitInput
from assist_desktop.storage import models as m
from assist_desktop.services.tally import insert_rows  # as the program's bulk writers: the files counted (统计)

from .conftest import County, make_id

# The 2027 Spring Festival falls on 6 February; the county visits from 5 January to 10 February.
START, END = date(2027, 1, 5), date(2027, 2, 10)
IN_JANUARY = date(2027, 1, 8)  # the chair approves the list
PAID_DAY = date(2027, 1, 15)
LATER = date(2027, 1, 20)  # "today" once the visits are under way
UPPER, OWN = "上级工会拨款", "本级工会经费"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
CATEGORIES = ("deep", "relative", "accident")


def local_unit_id(county: County) -> str:
    with county.session() as s:
        return s.get(m.Meta, "local_unit_id").value


def make_campaign(county: County, *, year: int = 2027, name: str | None = None,
                  sources: tuple[tuple[str, int], ...] = ((UPPER, 30_000_00), (OWN, 20_000_00)),
                  standards: dict | None = None, user: str = "shenpi", today: date | None = None) -> m.Campaign:
    from .conftest import TODAY

    with county.session() as s:
        return campaigns.create_campaign(
            s, county.users[user], CampaignInput(year=year, name=name, visit_start=START if year == 2027 else
                                                 date(year, 1, 5), visit_end=END if year == 2027 else date(year, 2, 10),
                                                 fund_sources=list(sources), standards=standards),
            today=today or TODAY)


def source_ids(county: County, campaign_id: str) -> dict[str, str]:
    with county.session() as s:
        return {f.name: f.id for f in campaigns.fund_sources(s, campaign_id)}


def _template(model: type) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column in model.__table__.columns:
        default = column.default
        row[column.name] = default.arg if default is not None and default.is_scalar else None
    return row


@dataclass(frozen=True)
class BulkFile:
    id: str
    file_no: str
    name: str
    id_number: str
    category: str
    unit_id: str


def bulk_files(county: County, n: int, *, start: int = 0, unit_id: str | None = None,
               make: Callable[[int], dict[str, Any]] | None = None) -> list[BulkFile]:
    """``n`` household files written with Core inserts (active, opened 1 March 2026, categories in turn):
    the registry of a county the size of Yulin's Spring Festival list, without filing them one by one."""
    owner = local_unit_id(county)
    with county.session() as s:
        grassroots = unit_id or county.grassroots_id
        template = _template(m.HardshipFile)
    rows, made = [], []
    for i in range(start, start + n):
        born = date(1960, 1, 1) + timedelta(days=i)
        number = make_id(born.strftime("%Y%m%d"), 100 + i % 800)
        name = SURNAMES[i % 16] + GIVEN[(i // 16) % len(GIVEN)] + GIVEN[(i // 384) % len(GIVEN)]
        row = dict(template)
        row.update(id=m.new_id(), owner_unit_id=owner, usn=-1, mtime=m.now_ms(), version=1,
                   file_no=f"610826-2025-{50000 + i:05d}", filing_year=2025, unit_id=grassroots, status="active",
                   category=CATEGORIES[i % 3], name=name, name_initials="", id_number=number, id_tail=number[-6:],
                   sex="male" if int(number[16]) % 2 else "female", birth_date=born, phone=f"139{i:08d}",
                   address="陕西省榆林市绥德县名州镇", employer_name="绥德县兴业建筑工程有限公司", primary_cause=3,
                   household_size=3, opened_on=date(2026, 3, 1))
        if make is not None:
            row.update(make(i))
        rows.append(row)
        made.append(BulkFile(row["id"], row["file_no"], name, number, row["category"], row["unit_id"]))
    with county.db.write_connection() as conn:
        insert_rows(conn, m.HardshipFile, rows)
    return made


def generate(county: County, campaign_id: str, *, user: str = "jingban", **criteria: Any) -> campaigns.GenerationResult:
    with county.session() as s:
        return campaigns.generate_visits(s, county.users[user], campaign_id, GenerationCriteria(**criteria))


def add(county: County, campaign_id: str, *, user: str = "jingban", today: date | None = None,
        **values: Any) -> m.Visit:
    from .conftest import TODAY

    with county.session() as s:
        return campaigns.add_visit(s, county.users[user], VisitInput(campaign_id=campaign_id, **values),
                                   today=today or TODAY)


def visit_ids(county: County, campaign_id: str, where: str = "1 = 1") -> list[str]:
    with closing(connect(county.path)) as conn:
        return [r[0] for r in conn.execute(
            f"SELECT id FROM visit WHERE campaign_id = ? AND {where} ORDER BY recipient_name, id", (campaign_id,))]


def load_visit(county: County, visit_id: str) -> m.Visit:
    with county.session() as s:
        return s.get(m.Visit, visit_id)


def submit_and_review(county: County, ids: list[str], *, today: date = IN_JANUARY) -> None:
    with county.session() as s:
        campaigns.act_many(s, county.users["jingban"], ids, "submit", today=today)
        campaigns.act_many(s, county.users["shenhe"], ids, "review", today=today)


def approve_all(county: County, ids: list[str], *, today: date = IN_JANUARY, user: str = "shenpi") -> None:
    with county.session() as s:
        campaigns.approve_many(s, county.users[user], ids, today=today)


def unit(county: County, code: str, name: str) -> str:
    """Another grassroots union of the county."""
    owner = local_unit_id(county)
    with county.db.transaction() as s:
        row = m.OrgUnit(owner_unit_id=owner, code=code, name=name, level="grassroots", parent_id=owner)
        s.add(row)
        s.flush()
        return row.id


def grassroots_name(county: County) -> str:
    with county.session() as s:
        return s.exec(select(m.OrgUnit.name).where(m.OrgUnit.id == county.grassroots_id)).one()
