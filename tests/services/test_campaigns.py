"""春节送温暖 services: campaigns and their money, the visit list generated from the registry, visits by hand,
amounts against the standards, approval against each fund source, payment, the dashboard and the lists.

Rules from DESIGN.md §3 (standards by category per campaign; approving past the budget is refused), §4
(grant lifecycle, roles, frozen amounts), §7 (a refusal names the field and leaves the data unchanged;
every operation one transaction) and DOMAIN.md 春节送温暖 (1,500 cash + 500 goods per filed household).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import uuid
from contextlib import closing
from dataclasses import replace
from datetime import date

from tests.dbtools import connect
import pytest
from sqlmodel import select

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.ids import mask_id_number
from assist_desktop.services import approvals, campaigns, payments, policy_admin, registry
from assist_desktop.services.approvals import BatchCancelled, GrantFrozen
from assist_desktop.services.audit import verify_audit
from assist_desktop.services.base import PermissionDenied, StaleVersion
from assist_desktop.services.campaigns import (
    KEEP,
    BudgetExceeded,
    CampaignError,
    CampaignInput,
    DuplicateVisit,
    FundSourceInput,
    GenerationCriteria,
)
from assist_desktop.services.payments import PaymentError
from assist_desktop.services.registry import FileInput
from assist_desktop.storage import models as m

from .conftest import TODAY, County, make_id
from .conftest_campaigns import (
    END,
    IN_JANUARY,
    LATER,
    OWN,
    PAID_DAY,
    START,
    UPPER,
    BulkFile,
    add,
    approve_all,
    bulk_files,
    generate,
    grassroots_name,
    load_visit,
    make_campaign,
    source_ids,
    submit_and_review,
    unit,
    visit_ids,
)
from .conftest_scholarships import Family, file_family
from .conftest_scholarships import family, family_input  # noqa: F401  (fixtures)

WRITTEN = ("campaign", "campaign_fund_source", "campaign_standard", "visit", "workflow_event", "audit_event",
           "disbursement", "number_sequence", "tombstone")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
LAOMO = make_id("19680812", 135)  # 刘德胜, a model worker without a hardship file
ON_DUTY = make_id("19900214", 246)  # 陈静, a nurse on duty over the holiday
WIFE = make_id("19820611", 224)  # 李秀英, 王建国's wife (the household fixture)


def _rows(county: County, sql: str, *args: object) -> list[tuple]:
    with closing(connect(county.path)) as conn:
        return conn.execute(sql, args).fetchall()


def _one(county: County, sql: str, *args: object) -> tuple:
    return _rows(county, sql, *args)[0]


def _snapshot(county: County) -> dict[str, int]:
    return {t: county.count(t) for t in WRITTEN}


def _events(county: County, action: str) -> list[dict]:
    return [json.loads(r[0]) for r in _rows(county, "SELECT changes FROM audit_event WHERE action = ? ORDER BY seq",
                                            action)]


@pytest.fixture
def campaign27(county: County) -> m.Campaign:
    """The 2027 campaign: visits 5 Jan – 10 Feb 2027; 上级工会拨款 30,000 yuan and 本级工会经费 20,000 yuan."""
    return make_campaign(county)


def _input(**changes: object) -> CampaignInput:
    values: dict[str, object] = dict(year=2027, name=None, visit_start=START, visit_end=END,
                                     fund_sources=[(UPPER, 30_000_00), (OWN, 20_000_00)], standards=None)
    values.update(changes)
    return CampaignInput(**values)  # type: ignore[arg-type]


# --- campaigns ---------------------------------------------------------------------------------------------


def test_a_campaign_takes_its_standards_from_the_table_and_its_budget_from_its_sources(county: County) -> None:
    c = make_campaign(county)
    assert (c.year, c.name, c.budget_fen, c.closed) == (2027, "2027年春节送温暖活动", 50_000_00, False)
    with county.session() as s:
        standards = {r.group_key: (r.cash_fen, r.goods_fen, r.goods_description)
                     for r in campaigns.campaign_standards(s, c.id)}
        assert [r.group_key for r in campaigns.campaign_standards(s, c.id)] == list(campaigns.GROUPS)
        assert {(f.name, f.amount_fen) for f in campaigns.fund_sources(s, c.id)} == {(OWN, 20_000_00),
                                                                                    (UPPER, 30_000_00)}
    # 2027 has no table yet: the campaign is prepared in the winter, from 2026's (DOMAIN.md: 1,500 + 500)
    assert standards["deep"] == (1_500_00, 500_00, "大米、面粉、食用油")
    assert standards["unfiled"] == (500_00, 200_00, "米面油购物券")
    assert len(standards) == 6
    created = _events(county, "create")[-1]
    assert created["fund_sources"] == [[UPPER, 30_000_00], [OWN, 20_000_00]]
    assert created["standards"]["deep"][0] == 1_500_00
    # standards typed for the campaign win over the table; the others still come from it
    second = make_campaign(county, name="第二批走访", standards={"deep": (2_000_00, 600_00, "米面油")})
    with county.session() as s:
        got = {r.group_key: (r.cash_fen, r.goods_fen) for r in campaigns.campaign_standards(s, second.id)}
    assert got["deep"] == (2_000_00, 600_00) and got["relative"] == (1_000_00, 300_00)


def test_the_administrators_standard_of_the_year_is_used(county: County) -> None:
    with county.session() as s:
        policy_admin.set_standard(s, county.users["admin"], program="spring_festival", year=2026, key="deep",
                                  filed=True, amount_fen=1_800_00, reason="县总工会2026年送温暖通知", today=TODAY)
    c = make_campaign(county, year=2026)
    with county.session() as s:
        deep = next(r for r in campaigns.campaign_standards(s, c.id) if r.group_key == "deep")
    assert (deep.cash_fen, deep.goods_fen) == (1_800_00, 500_00)


BAD_CAMPAIGNS = [
    ({"year": 2029}, "年度", "不合理"),
    ({"visit_end": date(2027, 1, 4)}, "走访期间", "早于开始日期"),
    ({"visit_start": date(2026, 9, 1)}, "走访期间", "2026年10月01日至2027年03月31日之间"),
    ({"fund_sources": []}, "经费来源", "至少填写一个经费来源"),
    ({"fund_sources": [(UPPER, 100_00), (UPPER, 200_00)]}, "经费来源", "填写了两次"),
    ({"fund_sources": [(UPPER, 0)]}, "经费来源", "必须大于0"),
    ({"fund_sources": [(UPPER, 1500.0)]}, "经费来源", "以分为单位的整数金额"),
    ({"fund_sources": [("  ", 100_00)]}, "经费来源", "名称不能为空"),
    ({"standards": {"vip": (100_00, 0, None)}}, "慰问标准", "没有“vip”这个慰问对象类别"),
    ({"standards": {"deep": (-1, 0, None)}}, "慰问标准", "“深度困难职工”的慰问金不能为负数"),
    ({"standards": {"deep": (0, 0, None)}}, "慰问标准", "不能都为0"),
]


@pytest.mark.parametrize(("changes", "field", "fragment"), BAD_CAMPAIGNS, ids=[str(c[0]) for c in BAD_CAMPAIGNS])
def test_bad_campaigns_are_refused_and_change_nothing(county: County, changes: dict, field: str,
                                                      fragment: str) -> None:
    before = _snapshot(county)
    with county.session() as s, pytest.raises(CampaignError) as exc:
        campaigns.create_campaign(s, county.users["shenpi"], _input(**changes), today=TODAY)
    assert exc.value.field == field and fragment in exc.value.message, exc.value.message
    assert _snapshot(county) == before


def test_one_campaign_per_year_and_name_set_up_by_the_chair(county: County, campaign27: m.Campaign) -> None:
    with county.session() as s, pytest.raises(CampaignError, match="已有名为“2027年春节送温暖活动”的活动") as exc:
        campaigns.create_campaign(s, county.users["admin"], _input(), today=TODAY)
    assert exc.value.field == "活动名称"
    with county.session() as s, pytest.raises(PermissionDenied, match="审批"):
        campaigns.create_campaign(s, county.users["jingban"], _input(name="另一批"), today=TODAY)
    assert county.count("audit_event", "action = 'refused:create' AND entity_type = 'campaign'") == 1
    with county.session() as s:
        other = campaigns.create_campaign(s, county.users["admin"], _input(name="困难劳模专项慰问"), today=TODAY)
        assert [c.name for c in campaigns.campaigns(s)] == ["2027年春节送温暖活动", "困难劳模专项慰问"]
        assert campaigns.get_campaign(s, other.id).budget_fen == 50_000_00
    assert county.count("campaign") == 2


def test_updating_a_campaign_keeps_its_sources_above_what_is_approved(county: County, family: Family,
                                                                     campaign27: m.Campaign) -> None:
    sources = source_ids(county, campaign27.id)
    v = add(county, campaign27.id, file_id=family.file_id, fund_source_id=sources[OWN])  # 2,000 yuan, deep
    submit_and_review(county, [v.id])
    approve_all(county, [v.id])
    with county.session() as s, pytest.raises(StaleVersion):
        campaigns.update_campaign(s, county.users["shenpi"], campaign27.id, _input(), expected_version=0, today=TODAY)
    before = _snapshot(county)
    cut = _input(fund_sources=[(UPPER, 30_000_00), (OWN, 1_500_00)])
    with county.session() as s, pytest.raises(CampaignError) as exc:
        campaigns.update_campaign(s, county.users["shenpi"], campaign27.id, cut, expected_version=1, today=TODAY)
    assert exc.value.field == "经费来源"
    assert exc.value.message == "经费来源“本级工会经费”的金额1,500.00元低于已审批、已发放的2,000.00元，少500.00元"
    with county.session() as s, pytest.raises(CampaignError, match="“本级工会经费”已有1户慰问使用，不能删除"):
        campaigns.update_campaign(s, county.users["shenpi"], campaign27.id, _input(fund_sources=[(UPPER, 30_000_00)]),
                                  expected_version=1, today=TODAY)
    with county.session() as s, pytest.raises(CampaignError, match="年度不能修改"):
        campaigns.update_campaign(s, county.users["shenpi"], campaign27.id,
                                  _input(year=2026, visit_start=date(2026, 1, 5), visit_end=date(2026, 2, 10)),
                                  expected_version=1, today=TODAY)
    assert _snapshot(county) == before
    renamed = _input(name="2027年春节送温暖", fund_sources=[FundSourceInput("市总工会拨款", 40_000_00, id=sources[UPPER]),
                                                     (OWN, 2_000_00), ("社会捐助", 5_000_00)])
    with county.session() as s:
        c = campaigns.update_campaign(s, county.users["shenpi"], campaign27.id, renamed, expected_version=1,
                                      today=TODAY)
        assert (c.name, c.budget_fen, c.version) == ("2027年春节送温暖", 47_000_00, 2)
        assert {f.name: f.amount_fen for f in campaigns.fund_sources(s, c.id)} == {
            "市总工会拨款": 40_000_00, OWN: 2_000_00, "社会捐助": 5_000_00}
    assert source_ids(county, campaign27.id)["市总工会拨款"] == sources[UPPER]  # the same source, renamed


def test_a_changed_standard_moves_the_drafts_still_at_the_old_one(county: County, campaign27: m.Campaign) -> None:
    files = bulk_files(county, 6, make=lambda i: {"category": "deep"})
    generate(county, campaign27.id, fund_source_id=source_ids(county, campaign27.id)[UPPER])
    ids = [visit_ids(county, campaign27.id, f"file_id = '{f.id}'")[0] for f in files]
    submit_and_review(county, ids[:2])  # in the steps: its figures stay
    with county.session() as s:  # the approver gave this draft less than the standard: it stays too
        campaigns.update_visit(s, county.users["shenpi"], ids[2], expected_version=1, cash_fen=1_200_00)
    with county.session() as s:
        campaigns.update_campaign(s, county.users["shenpi"], campaign27.id,
                                  _input(standards={"deep": (1_600_00, 500_00, "大米、面粉、食用油")}),
                                  expected_version=1, today=TODAY)
    cash = {vid: load_visit(county, vid).cash_fen for vid in ids}
    assert [cash[i] for i in ids] == [1_500_00, 1_500_00, 1_200_00, 1_600_00, 1_600_00, 1_600_00]
    assert _events(county, "update")[-1]["standards"]["deep"][2] == {"drafts_updated": 3}


def test_a_closed_campaign_takes_no_new_visits_nor_approvals(county: County, family: Family,
                                                            campaign27: m.Campaign) -> None:
    v = add(county, campaign27.id, file_id=family.file_id, fund_source_id=source_ids(county, campaign27.id)[UPPER])
    submit_and_review(county, [v.id])
    with county.session() as s:
        campaigns.set_campaign_closed(s, county.users["shenpi"], campaign27.id, True, expected_version=1)
    bulk_files(county, 3)
    with pytest.raises(CampaignError, match="已结束，不能再生成慰问名单"):
        generate(county, campaign27.id, fund_source_id=source_ids(county, campaign27.id)[UPPER])
    with county.session() as s, pytest.raises(CampaignError, match="已结束，不能审批"):
        campaigns.approve_many(s, county.users["shenpi"], [v.id], today=IN_JANUARY)
    with county.session() as s:  # the record of the visit goes on
        campaigns.update_visit(s, county.users["jingban"], v.id, expected_version=3, notes="已电话联系")
        campaigns.set_campaign_closed(s, county.users["admin"], campaign27.id, False)
        campaigns.approve_many(s, county.users["shenpi"], [v.id], today=IN_JANUARY)
    assert load_visit(county, v.id).status == "approved"


# --- the visit list from the registry ---------------------------------------------------------------------


def _mixed_registry(county: County, other_unit: str) -> list:
    """60 files: every tenth exited, every tenth+1 still a draft, every fifth+2 in another union, every seventh
    a single parent, every ninth a model worker."""
    def make(i: int) -> dict:
        row: dict = {}
        if i % 10 == 0:
            row.update(status="exited", exit_reason="out_of_hardship", exit_date=date(2026, 6, 30))
        elif i % 10 == 1:
            row.update(status="draft", opened_on=None)
        if i % 5 == 2:
            row["unit_id"] = other_unit
        row["single_parent"] = i % 7 == 0
        row["model_worker_type"] = "provincial" if i % 9 == 0 else "none"
        return row
    return bulk_files(county, 60, make=make)


def test_the_preview_is_what_generation_writes_and_exited_files_never_go_on(county: County, family: Family,
                                                                          campaign27: m.Campaign) -> None:
    other = unit(county, "610826G002", "义合镇总工会")
    files = _mixed_registry(county, other)
    by_id = {f.id: (i, f) for i, f in enumerate(files)}
    sources = source_ids(county, campaign27.id)
    by_hand = add(county, campaign27.id, file_id=family.file_id, fund_source_id=sources[UPPER])  # 王建国, deep
    criteria = GenerationCriteria(categories=("deep", "accident"), unit_ids=(county.grassroots_id,),
                                  fund_source_id=sources[UPPER], planned_date=date(2027, 1, 20), cadres="张国强、王建军")
    before = _snapshot(county)
    with county.session() as s:
        preview = campaigns.preview_visits(s, county.users["jingban"], campaign27.id, criteria)
    assert _snapshot(county) == before  # a preview writes nothing
    expected = [f for i, f in enumerate(files) if i % 10 not in (0, 1) and i % 5 != 2 and f.category != "relative"]
    assert preview.count == len(expected) == 24
    assert {g.group_key: g.count for g in preview.groups} == {
        "deep": sum(f.category == "deep" for f in expected),
        "accident": sum(f.category == "accident" for f in expected)}
    assert preview.skipped == 1  # 王建国 is on the list already
    deep = next(g for g in preview.groups if g.group_key == "deep")
    assert (deep.cash_fen, deep.goods_fen, deep.skipped) == (deep.count * 1_500_00, deep.count * 500_00, 1)
    assert preview.fund_source.name == UPPER and preview.fund_source.planned_fen == 2_000_00
    assert preview.fund_source.adding_fen == preview.total_fen
    assert preview.budget.planned_after_fen == 2_000_00 + preview.total_fen and preview.budget.amount_fen == 50_000_00
    assert preview.fund_source.over_fen == max(0, 2_000_00 + preview.total_fen - 30_000_00)
    with county.session() as s:
        result = campaigns.generate_visits(s, county.users["jingban"], campaign27.id, criteria)
    assert (result.created, result.skipped, result.cash_fen, result.goods_fen) == (
        preview.count, preview.skipped, preview.cash_fen, preview.goods_fen)
    written = _rows(county, "SELECT group_key, count(*), sum(cash_fen), sum(goods_fen) FROM visit "
                            "WHERE campaign_id = ? AND id != ? GROUP BY group_key ORDER BY group_key",
                    campaign27.id, by_hand.id)
    assert written == sorted((g.group_key, g.count, g.cash_fen, g.goods_fen) for g in preview.groups)
    on_list = {r[0] for r in _rows(county, "SELECT file_id FROM visit WHERE campaign_id = ?", campaign27.id)}
    assert on_list == {f.id for f in expected} | {family.file_id}
    assert not any(by_id[f][0] % 10 in (0, 1) for f in on_list if f in by_id)  # never exited, never a draft
    assert set(_rows(county, "SELECT status, fund_source_id, planned_date, cadres, unit_name, usn FROM visit "
                             "WHERE campaign_id = ? AND id != ?", campaign27.id, by_hand.id)) == {
        ("draft", sources[UPPER], "2027-01-20", "张国强、王建军", grassroots_name(county), -1)}
    # flags narrow the list (every flag chosen must hold); what is on it already is skipped
    live = [(i, f) for i, f in enumerate(files) if i % 10 not in (0, 1)]
    for flags, wanted in [(("single_parent",), [f for i, f in live if i % 7 == 0]),
                          (("model_worker",), [f for i, f in live if i % 9 == 0]),
                          (("single_parent", "model_worker"), [f for i, f in live if i % 63 == 0])]:
        with county.session() as s:
            flagged = campaigns.preview_visits(s, county.users["jingban"], campaign27.id, GenerationCriteria(
                categories=campaigns.FILE_GROUPS, flags=flags, fund_source_id=sources[OWN]))
        on = {f.id for f in expected}
        assert (flagged.count, flagged.skipped) == (sum(f.id not in on for f in wanted),
                                                    sum(f.id in on for f in wanted)), flags
    with county.session() as s:
        rest = campaigns.preview_visits(s, county.users["jingban"], campaign27.id,
                                        GenerationCriteria(fund_source_id=sources[OWN]))
    assert (rest.count, rest.skipped) == (len(live) - 24, 25)


@pytest.mark.tally_unchecked  # records changed with raw SQL, as the program never writes them
def test_generation_skips_households_put_on_the_list_by_hand(county: County, family: Family,
                                                            campaign27: m.Campaign) -> None:
    """The wife on duty over the holiday, or a head of household added as a model worker before his file was
    active, already stand for their household: generation does not add it a second time."""
    files = bulk_files(county, 3, make=lambda i: {"status": "submitted", "opened_on": None} if i == 0 else {})
    sources = source_ids(county, campaign27.id)
    add(county, campaign27.id, name="李秀英", id_number=WIFE, group_key="on_duty", unit_name="绥德县医院",
        fund_source_id=sources[OWN])
    head = add(county, campaign27.id, name=files[0].name, id_number=files[0].id_number, group_key="on_duty",
               unit_name="绥德县水泥厂", fund_source_id=sources[OWN])
    assert head.file_id is None  # the file was not active yet
    with closing(connect(county.path)) as conn:  # …and is approved since
        conn.execute("UPDATE hardship_file SET status = 'active' WHERE id = ?", (files[0].id,))
        conn.commit()
    with county.session() as s:
        preview = campaigns.preview_visits(s, county.users["jingban"], campaign27.id,
                                           GenerationCriteria(fund_source_id=sources[UPPER]))
    assert (preview.count, preview.skipped) == (2, 2)
    assert generate(county, campaign27.id, fund_source_id=sources[UPPER]).created == 2
    on_list = {r[0] for r in _rows(county, "SELECT file_id FROM visit WHERE campaign_id = ? AND file_id IS NOT NULL",
                                   campaign27.id)}
    assert on_list == {files[1].id, files[2].id}


@pytest.mark.parametrize(("criteria", "field", "fragment"), [
    ({"categories": ()}, "困难类别", "至少选择一个"),
    ({"categories": ("model_worker",)}, "困难类别", "只能是深度困难、相对困难或意外致困"),
    ({"flags": ("rich",)}, "筛选条件", "没有“rich”这个筛选条件"),
    ({"unit_ids": (str(uuid.uuid4()),)}, "所属工会", "不存在"),
    ({"fund_source_id": None}, "经费来源", "有2个经费来源"),
    ({"planned_date": date(2027, 2, 11)}, "计划走访日期", "不在活动走访期间"),
    ({"cadres": "张" * 201}, "走访干部", "过长"),
])
def test_bad_criteria_are_refused_by_the_preview_and_the_generation(county: County, campaign27: m.Campaign,
                                                                   criteria: dict, field: str, fragment: str) -> None:
    bulk_files(county, 3)
    values = {"fund_source_id": source_ids(county, campaign27.id)[UPPER], **criteria}
    before = _snapshot(county)
    for run in (campaigns.preview_visits, campaigns.generate_visits):
        with county.session() as s, pytest.raises(CampaignError) as exc:
            run(s, county.users["jingban"], campaign27.id, GenerationCriteria(**values))
        assert exc.value.field == field and fragment in exc.value.message, exc.value.message
    assert _snapshot(county) == before


def test_generating_3406_visits_is_one_transaction_with_one_audit_event(county: County) -> None:
    """Yulin city's 3,406 Spring Festival households of one year (DESIGN.md §1), in one county database."""
    files = bulk_files(county, 3406)
    c = make_campaign(county, sources=((UPPER, 3_000_000_00), (OWN, 1_000_000_00)))
    events_before = county.count("audit_event")
    seen: list[tuple[int, int]] = []
    with county.session() as s:
        started = time.perf_counter()
        result = campaigns.generate_visits(
            s, county.users["jingban"], c.id, GenerationCriteria(fund_source_id=source_ids(county, c.id)[UPPER]),
            progress=lambda done, total: seen.append((done, total)))
        elapsed = time.perf_counter() - started
    print(f"generated {result.created} visits in {elapsed:.3f}s")
    assert result.created == 3406 and result.skipped == 0
    assert seen[-1] == (3406, 3406) and len(seen) == 7 and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert county.count("audit_event") == events_before + 1
    (logged,) = _events(county, "generate_visits")
    assert logged["count"] == 3406 and logged["criteria"]["fund_source"] == UPPER
    assert logged["by_group"] == {k: sum(f.category == k for f in files) for k in ("deep", "relative", "accident")}
    n, cash, goods, ids = _one(county, "SELECT count(*), sum(cash_fen), sum(goods_fen), count(DISTINCT id) "
                                       "FROM visit WHERE campaign_id = ?", c.id)
    assert (n, cash, goods, ids) == (3406, result.cash_fen, result.goods_fen, 3406)
    deep, relative = (sum(f.category == k for f in files) for k in ("deep", "relative"))
    accident = 3406 - deep - relative
    assert cash == deep * 1_500_00 + (relative + accident) * 1_000_00
    assert goods == deep * 500_00 + (relative + accident) * 300_00
    assert all(uuid.UUID(r[0]) for r in _rows(county, "SELECT id FROM visit LIMIT 20"))
    assert _rows(county, "SELECT DISTINCT status, version FROM visit") == [("draft", 1)]
    with county.session() as s:
        assert verify_audit(s).ok
    with pytest.raises(CampaignError, match="3406户已在名单中"):  # a second run adds nobody
        generate(county, c.id, fund_source_id=source_ids(county, c.id)[UPPER])
    assert county.count("visit") == 3406


def test_cancelling_the_generation_midway_leaves_nothing_half_made(county: County) -> None:
    bulk_files(county, 1200)
    c = make_campaign(county, sources=((UPPER, 3_000_000_00), (OWN, 1_000_000_00)))
    before = _snapshot(county)
    seen: list[tuple[int, int]] = []
    with county.session() as s, pytest.raises(BatchCancelled, match="已取消"):
        campaigns.generate_visits(s, county.users["jingban"], c.id,
                                  GenerationCriteria(fund_source_id=source_ids(county, c.id)[UPPER]),
                                  progress=lambda done, total: seen.append((done, total)),
                                  cancelled=lambda: len(seen) >= 2)
    assert seen == [(500, 1200), (1000, 1200)]  # 1,000 rows were written before the cancel
    assert _snapshot(county) == before  # …and none is left, nor an audit event
    assert county.count("audit_event", "action = 'generate_visits'") == 0
    assert generate(county, c.id, fund_source_id=source_ids(county, c.id)[UPPER]).created == 1200


# --- visits by hand -------------------------------------------------------------------------------------


def test_a_household_appears_once_per_campaign(county: County, family: Family, campaign27: m.Campaign) -> None:
    sources = source_ids(county, campaign27.id)
    v = add(county, campaign27.id, file_id=family.file_id, fund_source_id=sources[UPPER])
    assert (v.group_key, v.category, v.recipient_name, v.cash_fen, v.goods_fen, v.unit_name, v.status) == (
        "deep", "deep", "王建国", 1_500_00, 500_00, grassroots_name(county), "draft")
    before = _snapshot(county)
    with pytest.raises(DuplicateVisit) as exc:
        add(county, campaign27.id, file_id=family.file_id, fund_source_id=sources[OWN])
    assert exc.value.field == "慰问对象"
    assert exc.value.message == (f"档案 {family.file_no}（王建国）所在家庭已列入2027年春节送温暖活动：王建国"
                                 "（6108**********1232，深度困难职工，草稿）；同一户每次活动只慰问一次")
    with pytest.raises(DuplicateVisit, match=re.escape(f"李秀英（{mask_id_number(WIFE)}）所在家庭已列入") + ".*王建国"):
        add(county, campaign27.id, name="李秀英", id_number=WIFE, group_key="on_duty", unit_name="绥德县医院",
            fund_source_id=sources[OWN])
    assert _snapshot(county) == before
    worker = add(county, campaign27.id, name="刘德胜", id_number=LAOMO, group_key="model_worker",
                 unit_name="绥德县水泥厂", fund_source_id=sources[OWN])
    assert (worker.file_id, worker.category, worker.cash_fen, worker.goods_fen) == (None, None, 1_000_00, 500_00)
    with pytest.raises(DuplicateVisit, match="刘德胜.*困难劳模，草稿"):
        add(county, campaign27.id, name="刘德胜", id_number=LAOMO, group_key="on_duty", unit_name="绥德县水泥厂",
            fund_source_id=sources[OWN])
    # a cancelled visit may be replaced
    with county.session() as s:
        campaigns.remove_visit(s, county.users["jingban"], v.id, "户主外出务工，春节不在家", today=TODAY,
                               expected_version=1)
    assert load_visit(county, v.id).cancel_reason == "户主外出务工，春节不在家"
    again = add(county, campaign27.id, file_id=family.file_id, fund_source_id=sources[OWN])
    assert again.id != v.id and county.count("visit", "status != 'cancelled'") == 2


BAD_PEOPLE = [
    ({"id_number": LAOMO[:-1] + ("0" if LAOMO[-1] != "0" else "1")}, "身份证号", "校验位错误"),
    ({"id_number": ""}, "身份证号", "不能为空"),
    ({"name": ""}, "姓名", "不能为空"),
    ({"unit_name": ""}, "工作单位", "不能为空"),
    ({"group_key": "deep"}, "慰问对象类别", "须从在档的困难职工档案中选择"),
    ({"group_key": None}, "慰问对象类别", "请选择慰问对象类别"),
    ({"planned_date": date(2027, 3, 1)}, "计划走访日期", "不在活动走访期间"),
    ({"fund_source_id": None}, "经费来源", "请选择一个"),
]


@pytest.mark.parametrize(("changes", "field", "fragment"), BAD_PEOPLE, ids=[str(c[0]) for c in BAD_PEOPLE])
def test_a_person_of_another_group_is_checked(county: County, campaign27: m.Campaign, changes: dict, field: str,
                                              fragment: str) -> None:
    values = {"name": "刘德胜", "id_number": LAOMO, "group_key": "model_worker", "unit_name": "绥德县水泥厂",
              "fund_source_id": source_ids(county, campaign27.id)[OWN], **changes}
    before = _snapshot(county)
    with pytest.raises(DomainError) as exc:
        add(county, campaign27.id, **values)
    assert exc.value.field == field and fragment in exc.value.message, exc.value.message
    assert _snapshot(county) == before


def test_exited_and_unfinished_files_are_refused_naming_them(county: County, household: FileInput,
                                                            campaign27: m.Campaign) -> None:
    gone = file_family(county, household)
    with county.session() as s:
        hf = s.get(m.HardshipFile, gone.file_id)
        registry.exit_file(s, county.users["shenpi"], gone.file_id, reason="out_of_hardship", exit_date=TODAY,
                           expected_version=hf.version, today=TODAY)
    draft = file_family(county, replace(household, name="张伟", id_number=make_id("19750102", 457), members=[]),
                        active=False)
    source = source_ids(county, campaign27.id)[UPPER]
    before = _snapshot(county)
    with pytest.raises(CampaignError) as exc:
        add(county, campaign27.id, file_id=gone.file_id, fund_source_id=source)
    assert (exc.value.field, exc.value.message) == ("档案", f"档案 {gone.file_no}（王建国）已撤档，不能列入慰问名单")
    with pytest.raises(CampaignError, match=f"档案 {draft.file_no}（张伟）当前状态为“草稿”"):
        add(county, campaign27.id, file_id=draft.file_id, fund_source_id=source)
    with pytest.raises(DomainError, match="没有符合条件的在档困难职工"):  # the registry holds no active file now
        generate(county, campaign27.id, fund_source_id=source)
    assert _snapshot(county) == before


def test_a_file_that_exits_comes_off_the_open_lists_but_keeps_what_was_approved(
        county: County, family: Family, campaign27: m.Campaign) -> None:
    generate(county, campaign27.id, fund_source_id=source_ids(county, campaign27.id)[UPPER])
    (vid,) = visit_ids(county, campaign27.id)
    submit_and_review(county, [vid])
    with county.session() as s:
        hf = s.get(m.HardshipFile, family.file_id)
        registry.exit_file(s, county.users["shenpi"], family.file_id, reason="retired", exit_date=TODAY,
                           expected_version=hf.version, today=TODAY)
    visit = load_visit(county, vid)
    assert visit.status == "cancelled" and visit.cancel_reason == f"档案 {family.file_no} 已撤档，移出慰问名单"
    assert _rows(county, "SELECT action, from_state, to_state, actor_name, opinion FROM workflow_event "
                         "WHERE entity_id=? ORDER BY at DESC LIMIT 1", vid) == [
        ("cancel", "reviewed", "cancelled", "张国强", f"档案 {family.file_no} 已撤档，移出慰问名单")]
    with county.session() as s, pytest.raises(DomainError):
        campaigns.approve_many(s, county.users["shenpi"], [vid], today=IN_JANUARY)
    assert load_visit(county, vid).status == "cancelled"


def test_an_approved_visit_stays_payable_when_the_file_exits(county: County, family: Family,
                                                             campaign27: m.Campaign) -> None:
    generate(county, campaign27.id, fund_source_id=source_ids(county, campaign27.id)[UPPER])
    (vid,) = visit_ids(county, campaign27.id)
    submit_and_review(county, [vid])
    approve_all(county, [vid])
    with county.session() as s:
        hf = s.get(m.HardshipFile, family.file_id)
        registry.exit_file(s, county.users["shenpi"], family.file_id, reason="retired", exit_date=TODAY,
                           expected_version=hf.version, today=TODAY)
    assert load_visit(county, vid).status == "approved"
    with county.session() as s:
        campaigns.mark_paid_many(s, county.users["jingban"], [vid], paid_on=PAID_DAY, method="cash", today=LATER)
    assert load_visit(county, vid).status == "paid"


def test_an_unfiled_household_is_one_without_an_active_file(county: County, family: Family,
                                                           campaign27: m.Campaign) -> None:
    source = source_ids(county, campaign27.id)[OWN]
    with pytest.raises(CampaignError, match=f"已建档（档案 {family.file_no}），请从困难职工档案中选择"):
        add(county, campaign27.id, name="王建国", id_number="610826198003151232", group_key="unfiled",
            unit_name="兴业建筑", fund_source_id=source)
    with pytest.raises(CampaignError, match="登记的姓名为“王建国”"):
        add(county, campaign27.id, name="王建", id_number="610826198003151232", group_key="on_duty",
            unit_name="兴业建筑", fund_source_id=source)
    nurse = add(county, campaign27.id, name="陈静", id_number=ON_DUTY, group_key="unfiled", unit_name="绥德县医院",
                fund_source_id=source)
    assert (nurse.group_key, nurse.cash_fen, nurse.goods_fen, nurse.goods_description) == (
        "unfiled", 500_00, 200_00, "米面油购物券")
    # a filed head of household on duty over the holiday is visited once, as his file
    duty = add(county, campaign27.id, name="王建国", id_number="610826198003151232", group_key="on_duty",
               unit_name="兴业建筑", fund_source_id=source)
    assert duty.file_id == family.file_id
    with pytest.raises(DuplicateVisit):
        add(county, campaign27.id, file_id=family.file_id, fund_source_id=source)
    logged = _events(county, "create")[-1]
    assert "610826198003151232" not in json.dumps(logged, ensure_ascii=False)  # masked in the audit log


# --- amounts, photo, dates ------------------------------------------------------------------------------


def _update(county: County, visit_id: str, *, user: str = "jingban", today: date = TODAY, **changes: object):
    v = load_visit(county, visit_id)
    with county.session() as s:
        return campaigns.update_visit(s, county.users[user], visit_id, expected_version=v.version, today=today,
                                      **changes)


def test_an_amount_above_the_standard_needs_the_approver_and_a_reason(county: County, family: Family,
                                                                     campaign27: m.Campaign) -> None:
    v = add(county, campaign27.id, file_id=family.file_id, fund_source_id=source_ids(county, campaign27.id)[UPPER])
    assert _update(county, v.id, cash_fen=1_200_00, goods_description="大米两袋").cash_fen == 1_200_00  # less: the clerk
    before = _snapshot(county)
    with pytest.raises(CampaignError) as exc:
        _update(county, v.id, cash_fen=1_800_00)
    assert exc.value.field == "慰问金"
    assert exc.value.message == ("走访慰问（王建国）的慰问金1,800.00元高于“深度困难职工”标准1,500.00元；"
                                 "只有审批人可以提高金额（须填写理由）")
    with pytest.raises(CampaignError, match="慰问品折价600.00元高于") as exc:
        _update(county, v.id, user="shenpi", goods_fen=600_00)
    assert exc.value.field == "金额调整理由"
    with pytest.raises(CampaignError, match="以分为单位的整数金额"):
        _update(county, v.id, user="shenpi", cash_fen=1800.5)
    assert _snapshot(county) == before
    raised = _update(county, v.id, user="shenpi", cash_fen=1_800_00, goods_fen=600_00,
                     amount_reason="户主患尿毒症，县总工会主席办公会研究提高标准")
    assert (raised.cash_fen, raised.goods_fen, raised.goods_description) == (1_800_00, 600_00, "大米两袋")
    logged = _events(county, "set_amount")[-1]
    assert logged["reason"] == "户主患尿毒症，县总工会主席办公会研究提高标准"
    assert logged["cash_fen"] == [1_200_00, 1_800_00] and logged["standard"] == [1_500_00, 500_00]
    with county.session() as s:
        (row,) = campaigns.visit_rows(s, county.users["jingban"], [v.id])
    assert row.amount_overridden and (row.standard_cash_fen, row.total_fen) == (1_500_00, 2_400_00)
    submit_and_review(county, [v.id])
    with pytest.raises(PermissionDenied, match="只有“审批”角色才能调整金额"):  # submitted: no longer the clerk's
        _update(county, v.id, cash_fen=1_000_00)
    approve_all(county, [v.id])
    for user, changes in (("shenpi", {"cash_fen": 1_500_00}), ("shenpi", {"fund_source_id": None}),
                          ("jingban", {"goods_description": "面粉"})):
        with pytest.raises(GrantFrozen, match="已审批"):
            _update(county, v.id, user=user, amount_reason="核减", **changes)
    done = _update(county, v.id, cadres="张国强、王建军", actual_date=date(2027, 1, 10), notes="送到家中", photo=JPEG,
                   today=LATER)  # the record of the visit is still filled in
    assert (done.cadres, done.actual_date, done.notes, done.photo, done.cash_fen) == (
        "张国强、王建军", date(2027, 1, 10), "送到家中", JPEG, 1_800_00)


def test_photo_and_dates(county: County, family: Family, campaign27: m.Campaign) -> None:
    v = add(county, campaign27.id, file_id=family.file_id, fund_source_id=source_ids(county, campaign27.id)[UPPER])
    before = _snapshot(county)
    for changes, field, fragment in [
        ({"photo": b"GIF89a" + b"\x00" * 20}, "照片", "只能是 JPEG 或 PNG"),
        ({"photo": PNG + b"\x00" * campaigns.PHOTO_MAX_BYTES}, "照片", "照片过大"),
        ({"planned_date": date(2027, 1, 4)}, "计划走访日期", "不在活动走访期间（2027-01-05至2027-02-10）"),
        ({"actual_date": date(2027, 1, 10)}, "实际走访日期", "尚未审批"),
        ({"notes": "很" * 1001}, "备注", "过长"),
    ]:
        with pytest.raises(CampaignError) as exc:
            _update(county, v.id, today=LATER, **changes)
        assert exc.value.field == field and fragment in exc.value.message, exc.value.message
    assert _snapshot(county) == before
    saved = _update(county, v.id, photo=PNG, planned_date=date(2027, 1, 9))
    assert (saved.photo, saved.planned_date) == (PNG, date(2027, 1, 9))
    logged = _events(county, "update")[-1]
    assert logged["photo"][0] is None and logged["photo"][1].startswith(f"{len(PNG)} bytes sha256:")
    submit_and_review(county, [v.id])
    approve_all(county, [v.id])
    for actual, today, fragment in [(date(2027, 1, 7), LATER, "早于审批日期2027-01-08"),
                                    (date(2027, 1, 21), LATER, "晚于今天")]:
        with pytest.raises(CampaignError, match=fragment):
            _update(county, v.id, actual_date=actual, today=today)
    assert _update(county, v.id, actual_date=IN_JANUARY, photo=None, today=LATER).photo is None
    with county.session() as s:
        assert campaigns.get_visit(s, county.users["shenhe"], v.id).actual_date == IN_JANUARY
        assert campaigns.update_visit(s, county.users["jingban"], v.id, expected_version=6,
                                      notes=KEEP).version == 6  # nothing changed: no new version


# --- steps, budget, payment -----------------------------------------------------------------------------


def test_the_steps_keep_their_roles(county: County, family: Family, campaign27: m.Campaign) -> None:
    v = add(county, campaign27.id, file_id=family.file_id, fund_source_id=source_ids(county, campaign27.id)[UPPER])
    with county.session() as s:
        with pytest.raises(PermissionDenied, match="经办"):
            campaigns.act_many(s, county.users["shenhe"], [v.id], "submit", today=IN_JANUARY)
        campaigns.act_many(s, county.users["allround"], [v.id], "submit", today=IN_JANUARY)
        campaigns.act_many(s, county.users["shenhe"], [v.id], "review", today=IN_JANUARY)
        with pytest.raises(PermissionDenied, match="审批"):
            campaigns.approve_many(s, county.users["jingban"], [v.id], today=IN_JANUARY)
        with pytest.raises(PermissionDenied, match="是您本人提交的"):  # nobody approves what they submitted
            campaigns.approve_many(s, county.users["allround"], [v.id], today=IN_JANUARY)
        with pytest.raises(ValueError, match="approve_many"):
            campaigns.act_many(s, county.users["shenpi"], [v.id], "approve")
        with pytest.raises(StaleVersion):
            campaigns.approve(s, county.users["shenpi"], v.id, today=IN_JANUARY, expected_version=1)
        result = campaigns.approve(s, county.users["shenpi"], v.id, today=IN_JANUARY, expected_version=3,
                                   opinion="同意")
    assert (result.from_state, result.to_state) == ("reviewed", "approved")
    assert load_visit(county, v.id).approved_on == IN_JANUARY
    steps = _rows(county, "SELECT action, actor_name FROM workflow_event WHERE entity_id = ? ORDER BY at", v.id)
    assert [a for a, _ in steps] == ["submit", "review", "approve"]
    with county.session() as s:
        with pytest.raises(PermissionDenied, match="审批"):  # only the approver undoes an approval
            campaigns.remove_visit(s, county.users["jingban"], v.id, "重复列入", today=IN_JANUARY)
        campaigns.remove_visit(s, county.users["shenpi"], v.id, "户主已去世", today=IN_JANUARY)
    assert load_visit(county, v.id).status == "cancelled"


def test_approval_is_refused_when_a_fund_source_would_be_exceeded(county: County) -> None:
    files = bulk_files(county, 4, make=lambda i: {"category": "deep"})  # 2,000 yuan each
    c = make_campaign(county, sources=((UPPER, 5_000_00), (OWN, 20_000_00)))
    sources = source_ids(county, c.id)
    generate(county, c.id, fund_source_id=sources[UPPER])
    ids = [visit_ids(county, c.id, f"file_id = '{f.id}'")[0] for f in files]
    submit_and_review(county, ids)
    before = _snapshot(county)
    with county.session() as s, pytest.raises(BudgetExceeded) as exc:
        campaigns.approve_many(s, county.users["shenpi"], ids, today=IN_JANUARY)
    name = files[2].name
    assert exc.value.field == "经费来源"
    assert exc.value.message == (f"第3项 走访慰问（{name}）金额2,000.00元：审批后经费来源“上级工会拨款”已审批合计"
                                 "6,000.00元，超出该来源金额5,000.00元 1,000.00元，不能审批（本批均未审批）")
    assert _snapshot(county) == before
    assert {load_visit(county, i).status for i in ids} == {"reviewed"}
    assert all(load_visit(county, i).approved_on is None for i in ids)
    # the chair charges two households to the county's own money: now everything fits
    for vid in ids[2:]:
        _update(county, vid, user="shenpi", fund_source_id=sources[OWN])
    approve_all(county, ids)
    with county.session() as s:
        board = campaigns.dashboard(s, c.id)
    upper = next(b for b in board.sources if b.label == UPPER)
    assert (upper.committed_fen, upper.remaining_fen) == (4_000_00, 1_000_00)


def test_a_visit_without_a_fund_source_is_not_approved(county: County, family: Family,
                                                                    campaign27: m.Campaign) -> None:
    v = add(county, campaign27.id, file_id=family.file_id, fund_source_id=source_ids(county, campaign27.id)[UPPER])
    submit_and_review(county, [v.id])
    with closing(connect(county.path)) as conn:  # a visit that came without a source (an old import)
        conn.execute("UPDATE visit SET fund_source_id = NULL WHERE id = ?", (v.id,))
        conn.commit()
    with county.session() as s, pytest.raises(CampaignError, match="没有指定经费来源") as exc:
        campaigns.approve_many(s, county.users["shenpi"], [v.id], today=IN_JANUARY)
    assert exc.value.field == "经费来源"


def test_bulk_approval_and_payment(county: County, family: Family, campaign27: m.Campaign) -> None:
    bulk_files(county, 5, make=lambda i: {"bank_account": f"62284801234567{i:05d}"})
    sources = source_ids(county, campaign27.id)
    generate(county, campaign27.id, fund_source_id=sources[UPPER])
    ids = visit_ids(county, campaign27.id)
    submit_and_review(county, ids)
    seen: list[tuple[int, int]] = []
    with county.session() as s:
        results = campaigns.approve_many(s, county.users["shenpi"], ids, today=IN_JANUARY, opinion="同意",
                                         progress=lambda d, t: seen.append((d, t)))
    assert [r.entity_id for r in results] == ids and seen[-1] == (6, 6) and len(seen) == 6
    assert {(v.status, v.approved_on) for v in map(lambda i: load_visit(county, i), ids)} == {("approved", IN_JANUARY)}
    before = _snapshot(county)
    first = load_visit(county, ids[0])
    with county.session() as s, pytest.raises(PaymentError) as exc:
        campaigns.mark_paid_many(s, county.users["jingban"], ids, paid_on=date(2027, 1, 7), method="transfer",
                                 today=LATER)
    assert exc.value.field == "发放日期"
    assert exc.value.message == (f"第1项 走访慰问（{first.recipient_name}）：发放日期2027-01-07早于审批日期2027-01-08"
                                 "（本批均未发放）")
    checks: list[int] = []
    with county.session() as s, pytest.raises(BatchCancelled):  # cancelled after two vouchers were drawn
        campaigns.mark_paid_many(s, county.users["jingban"], ids, paid_on=PAID_DAY, method="transfer", today=LATER,
                                 cancelled=lambda: checks.append(1) or len(checks) > 2)
    with county.session() as s, pytest.raises(PermissionDenied, match="经办"):
        campaigns.mark_paid_many(s, county.users["shenpi"], ids, paid_on=PAID_DAY, method="transfer", today=LATER)
    after = _snapshot(county)
    assert {k: after[k] - before[k] for k in after} == {k: 1 if k == "audit_event" else 0 for k in after}  # the refusal
    with county.session() as s:
        paid = campaigns.mark_paid_many(s, county.users["jingban"], ids, paid_on=PAID_DAY, method="transfer",
                                        today=LATER)
    assert [d.voucher_no for d in paid] == [f"610826-2027-V{n:06d}" for n in range(1, 7)]  # in the list's order
    assert [d.grant_id for d in paid] == ids
    assert [d.amount_fen for d in paid] == [load_visit(county, i).cash_fen for i in ids]  # the cash; goods in kind
    assert {load_visit(county, i).status for i in ids} == {"paid"}
    with county.session() as s, pytest.raises(CampaignError, match="已发放，不能移出名单"):
        campaigns.remove_visit(s, county.users["shenpi"], ids[0], "误发")
    with county.session() as s, pytest.raises(PaymentError, match="第1项：走访慰问.*当前为“已发放”"):
        campaigns.mark_paid_many(s, county.users["jingban"], ids[:2], paid_on=PAID_DAY, method="cash", today=LATER)


# --- the dashboard and the list ------------------------------------------------------------------------------


@pytest.fixture
def season(county: County, campaign27: m.Campaign) -> dict[str, object]:
    """A campaign under way: 30 files in two unions generated, persons of other groups added, some visits
    submitted, reviewed, approved, paid, visited with a photo, one cancelled."""
    other = unit(county, "610826G002", "义合镇总工会")
    bulk_files(county, 30, make=lambda i: {"unit_id": other} if i % 3 == 0 else {})
    with county.session() as s:  # room for the approvals below
        campaigns.update_campaign(s, county.users["shenpi"], campaign27.id,
                                  _input(fund_sources=[(UPPER, 60_000_00), (OWN, 20_000_00)]), expected_version=1,
                                  today=TODAY)
    sources = source_ids(county, campaign27.id)
    generate(county, campaign27.id, fund_source_id=sources[UPPER], cadres="张国强、王建军")
    add(county, campaign27.id, name="刘德胜", id_number=LAOMO, group_key="model_worker", unit_name="绥德县水泥厂",
        fund_source_id=sources[OWN], cadres="李卫东")
    add(county, campaign27.id, name="陈静", id_number=ON_DUTY, group_key="on_duty", unit_name="绥德县医院",
        fund_source_id=sources[OWN], cadres="李卫东")
    ids = visit_ids(county, campaign27.id)
    submit_and_review(county, ids[:24])
    approve_all(county, ids[:18])
    with county.session() as s:
        campaigns.mark_paid_many(s, county.users["jingban"], ids[:10], paid_on=PAID_DAY, method="cash", today=LATER)
        campaigns.remove_visits(s, county.users["shenhe"], ids[20:22], "重复申报", today=IN_JANUARY)
        campaigns.act_many(s, county.users["jingban"], ids[24:27], "submit", today=IN_JANUARY)
    for vid in ids[:5]:
        _update(county, vid, actual_date=date(2027, 1, 12), photo=PNG, today=LATER)
    return {"ids": ids, "other": other, "sources": sources}


def test_the_dashboard_figures_equal_the_sums_in_the_database(county: County, campaign27: m.Campaign,
                                                             season: dict) -> None:
    with county.session() as s:
        board = campaigns.dashboard(s, campaign27.id)
    cid = campaign27.id
    by_status = dict(_rows(county, "SELECT status, count(*) FROM visit WHERE campaign_id = ? GROUP BY status", cid))
    assert {k: v for k, v in board.by_status.items() if v} == by_status
    assert by_status == {"paid": 10, "approved": 8, "reviewed": 4, "cancelled": 2, "submitted": 3, "draft": 5}
    live = "campaign_id = ? AND status != 'cancelled'"
    money = "count(*), coalesce(sum(cash_fen), 0), coalesce(sum(goods_fen), 0)"

    def figures(where: str, *args: object) -> tuple:
        return _one(county, f"SELECT {money} FROM visit WHERE {live} AND {where}", cid, *args)

    def as_tuple(x: campaigns.Money) -> tuple:
        return (x.count, x.cash_fen, x.goods_fen)

    for line, where, args in [(board.total, "1", ())] + [
            (b, "fund_source_id = ?", (b.key,)) for b in board.sources] + [
            (b, "group_key = ?", (b.key,)) for b in board.groups]:
        assert as_tuple(line.planned) == figures(where, *args)
        assert as_tuple(line.approved) == figures(f"{where} AND status = 'approved'", *args)
        assert as_tuple(line.paid) == figures(f"{where} AND status = 'paid'", *args)
        assert as_tuple(line.in_process) == figures(f"{where} AND status IN ('draft', 'submitted', 'reviewed')", *args)
    committed = _one(county, f"SELECT sum(cash_fen + goods_fen) FROM visit WHERE {live} "
                             "AND status IN ('approved', 'paid')", cid)[0]
    assert board.total.committed_fen == committed and board.total.remaining_fen == 80_000_00 - committed
    assert sum(b.planned.total_fen for b in board.sources) == board.total.planned.total_fen
    assert sorted(b.label for b in board.sources) == sorted([UPPER, OWN])
    assert {b.key for b in board.groups} >= {"deep", "relative", "accident", "model_worker", "on_duty"}
    disbursed = _one(county, "SELECT coalesce(sum(d.amount_fen), 0), count(*) FROM disbursement d JOIN visit v "
                             "ON v.id = d.grant_id WHERE d.grant_type = 'visit' AND v.campaign_id = ?", cid)
    assert (board.disbursed_fen, board.vouchers) == disbursed and board.vouchers == 10
    assert (board.visited, board.with_photo) == (5, 5) and board.budget_fen == 80_000_00


def test_the_lazy_list_filters_orders_and_pages(county: County, campaign27: m.Campaign, season: dict) -> None:
    user = county.users["jingban"]
    cid = campaign27.id

    def listed(**kw: object) -> tuple[int, list[str]]:
        with county.session() as s:
            return campaigns.list_visits(s, user, campaign_id=cid, **kw)  # type: ignore[arg-type]

    def ids_where(where: str, *args: object) -> set[str]:
        return {r[0] for r in _rows(county, f"SELECT id FROM visit WHERE campaign_id = ? AND {where}", cid, *args)}

    add(county, cid, name="高峰", id_number=make_id("19850505", 357), group_key="on_duty", unit_name="义合镇总工会",
        fund_source_id=season["sources"][OWN])  # a union cadre on duty: no file, the union's name
    total, page = listed(limit=1000)
    assert total == len(page) == 33 and set(page) == ids_where("1")
    assert listed(status="approved")[0] == 8 and set(listed(status=("paid", "approved"))[1]) == ids_where(
        "status IN ('paid', 'approved')")
    assert set(listed(group="model_worker")[1]) == ids_where("group_key = 'model_worker'")
    assert set(listed(category=("deep", "accident"))[1]) == ids_where("category IN ('deep', 'accident')")
    other_unit = set(listed(unit=season["other"], limit=1000)[1])
    assert other_unit == ids_where("unit_name = '义合镇总工会'") and len(other_unit) == 11
    assert set(listed(unit=county.grassroots_id, limit=1000)[1]) == ids_where("unit_name = ?", grassroots_name(county))
    assert set(listed(cadre="李卫东")[1]) == ids_where("cadres = '李卫东'") and listed(cadre="李卫东")[0] == 2
    assert listed(visited=True)[0] == 5 and listed(visited=False)[0] == 28
    assert listed(text="刘德胜")[0] == 1 and listed(text=LAOMO[-6:])[1] == listed(text="刘德胜")[1]
    assert set(listed(text="医院")[1]) == ids_where("unit_name LIKE '%医院%'")
    assert listed(text="%")[0] == 0  # LIKE wildcards are literal
    # ordering and paging: the pages join up into the whole ordered list
    _, ordered = listed(order="-total", limit=1000)
    totals = [r[0] for r in _rows(county, "SELECT cash_fen + goods_fen FROM visit WHERE campaign_id = ?", cid)]
    with county.session() as s:
        rows = campaigns.visit_rows(s, user, ordered)
    assert [r.total_fen for r in rows] == sorted(totals, reverse=True)
    pages = [listed(order="-total", offset=o, limit=10)[1] for o in range(0, 40, 10)]
    assert sum(pages, []) == ordered
    with pytest.raises(ValueError):
        listed(order="photo")
    with county.session() as s:
        (laomo,) = campaigns.visit_rows(s, user, listed(text="刘德胜")[1])
        (paid_id,) = list(ids_where("status = 'paid' AND file_id IS NOT NULL AND photo IS NOT NULL"))[:1]
        paid = campaigns.visit_rows(s, user, [paid_id])[0]
    assert (laomo.masked_id, laomo.group_label, laomo.filed, laomo.fund_source_name, laomo.cadres) == (
        "6108**********" + LAOMO[-4:], "困难劳模", False, OWN, "李卫东")
    voucher = _one(county, "SELECT voucher_no FROM disbursement WHERE grant_id = ?", paid_id)[0]
    assert (paid.status_label, paid.voucher_no, paid.has_photo, paid.filed) == ("已发放", voucher, True, True)
    assert paid.file_no.startswith("610826-2025-5") and paid.actual_date == date(2027, 1, 12)
    with county.session() as s:
        assert campaigns.visit_rows(s, user, []) == []


def test_every_write_is_audited_and_the_chain_holds(county: County, season: dict) -> None:
    with county.session() as s:
        assert verify_audit(s).ok
    logged = " ".join(r[0] for r in _rows(county, "SELECT changes FROM audit_event"))
    assert LAOMO not in logged and ON_DUTY not in logged  # ID numbers leave the log masked
    assert PNG.hex() not in logged


def test_visits_are_steps_of_the_approvals_page(county: County, family: Family, campaign27: m.Campaign) -> None:
    v = add(county, campaign27.id, file_id=family.file_id, fund_source_id=source_ids(county, campaign27.id)[UPPER])
    with county.session() as s:
        approvals.submit(s, county.users["jingban"], "visit", v.id, today=IN_JANUARY)
        waiting = approvals.pending(s, county.users["shenhe"], entity_type="visit")
    assert [(p.entity_id, p.name, p.detail) for p in waiting] == [(v.id, "王建国", "1,500.00元＋慰问品500.00元")]


def test_goods_only_visits_are_handed_over_without_a_voucher(county: County, family: Family,
                                                             campaign27: m.Campaign) -> None:
    bulk_files(county, 2)
    generate(county, campaign27.id, fund_source_id=source_ids(county, campaign27.id)[UPPER])
    ids = visit_ids(county, campaign27.id)
    goods_only = ids[1]
    _update(county, goods_only, cash_fen=0)
    submit_and_review(county, ids)
    approve_all(county, ids)
    with county.session() as s, pytest.raises(PaymentError, match="只有慰问品"):
        payments.pay(s, county.users["jingban"], "visit", goods_only, paid_on=PAID_DAY, method="cash", today=LATER)
    with county.session() as s:
        made = campaigns.mark_paid_many(s, county.users["jingban"], ids, paid_on=PAID_DAY, method="cash",
                                        today=LATER)
    assert sorted(d.grant_id for d in made) == sorted(i for i in ids if i != goods_only)
    visit = load_visit(county, goods_only)
    assert (visit.status, visit.actual_date) == ("paid", PAID_DAY)
    assert _rows(county, "SELECT count(*) FROM disbursement WHERE grant_id=?", goods_only) == [(0,)]
    assert _rows(county, "SELECT action FROM audit_event WHERE entity_id=? AND action='hand_over_goods'",
                 goods_only) == [("hand_over_goods",)]


# --- approving batches: the money checked last -------------------------------------------------------------


def _deep_visits(county: County, n: int, upper_fen: int) -> tuple[list[BulkFile], list[str], m.Campaign]:
    """``n`` deep-hardship households (2,000 yuan each) on a campaign whose upper source holds ``upper_fen``,
    each visit charged to it, submitted and reviewed; the visits in the households' order."""
    files = bulk_files(county, n, make=lambda i: {"category": "deep"})
    c = make_campaign(county, sources=((UPPER, upper_fen), (OWN, 20_000_00)))
    generate(county, c.id, fund_source_id=source_ids(county, c.id)[UPPER])
    ids = [visit_ids(county, c.id, f"file_id = '{f.id}'")[0] for f in files]
    submit_and_review(county, ids)
    return files, ids, c


def test_a_batch_refused_for_the_budget_and_for_a_step_names_the_first_of_the_two(county: County) -> None:
    """approve_many takes every visit's step before it checks the money of the batch; the refusal is still
    the first in the batch's order, whichever of the two it is."""
    files, ids, _c = _deep_visits(county, 3, 3_000_00)  # room for one visit of 2,000 yuan
    with county.session() as s:  # the third sent back to its clerk: not approvable
        campaigns.act_many(s, county.users["shenpi"], [ids[2]], "return_to_draft", opinion="补充材料",
                           today=IN_JANUARY)
    before = _snapshot(county)
    with county.session() as s, pytest.raises(BudgetExceeded) as money:  # over the source at the 2nd
        campaigns.approve_many(s, county.users["shenpi"], ids, today=IN_JANUARY)
    assert money.value.message.startswith(f"第2项 走访慰问（{files[1].name}）金额2,000.00元：审批后经费来源“上级工会拨款”"
                                          "已审批合计4,000.00元，超出该来源金额3,000.00元")
    with county.session() as s, pytest.raises(DomainError) as step:  # the draft comes first now
        campaigns.approve_many(s, county.users["shenpi"], [ids[0], ids[2], ids[1]], today=IN_JANUARY)
    assert not isinstance(step.value, BudgetExceeded)
    assert step.value.message.startswith(f"第2项 走访慰问（{files[2].name}）") and "本批均未审批" in step.value.message
    assert _snapshot(county) == before
    assert {load_visit(county, i).status for i in ids[:2]} == {"reviewed"}


@pytest.mark.postgresql_only
def test_a_batch_approved_at_another_desk_while_this_one_steps_counts_against_its_budget(county: County) -> None:
    """Desk A steps its batch; before A reads the money, desk B approves a batch of the same campaign and
    commits (B is not kept waiting for A: A locks the campaign only to read its money, at the end). A's
    ledger then holds B's approvals: A's second visit is over the source, and A approves nothing. Then the same
    with room for both: both approved, and the audit chain one chain, B's events before A's."""
    files, ids, c = _deep_visits(county, 4, 6_000_00)  # room for three visits of 2,000 yuan
    desk_a, desk_b = ids[:2], ids[2:]
    done: list[object] = []

    def desk_b_approves() -> None:
        try:
            with county.session() as s:
                done.append(campaigns.approve_many(s, county.users["shenpi"], desk_b, today=IN_JANUARY))
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            done.append(exc)

    def meanwhile(index: int, total: int) -> None:
        if index == total and not done:  # A has stepped its whole batch, its money not yet read
            other = threading.Thread(target=desk_b_approves)
            other.start()
            other.join(60)
            assert not other.is_alive(), "desk B waited for desk A's batch"

    with county.session() as s, pytest.raises(BudgetExceeded) as exc:
        campaigns.approve_many(s, county.users["shenpi"], desk_a, today=IN_JANUARY, progress=meanwhile)
    assert len(done) == 1 and isinstance(done[0], list), done
    assert exc.value.message.startswith(f"第2项 走访慰问（{files[1].name}）金额2,000.00元：审批后经费来源“上级工会拨款”"
                                        "已审批合计8,000.00元，超出该来源金额6,000.00元 2,000.00元")
    assert [load_visit(county, i).status for i in ids] == ["reviewed", "reviewed", "approved", "approved"]

    # room for all four: B's second batch (none left for it) is not needed; A approves on top of B's
    with county.session() as s:
        campaigns.update_campaign(s, county.users["shenpi"], c.id, _input(
            name=c.name, fund_sources=[(UPPER, 8_000_00), (OWN, 20_000_00)]),
            expected_version=campaigns.get_campaign(s, c.id).version, today=IN_JANUARY)
    approve_all(county, desk_a)
    with county.session() as s:
        board = campaigns.dashboard(s, c.id)
        assert verify_audit(s).ok
        seqs = dict(s.exec(select(m.AuditEvent.entity_id, m.AuditEvent.seq).where(
            m.AuditEvent.action == "workflow:approve", m.AuditEvent.entity_id.in_(ids))).all())
    upper = next(b for b in board.sources if b.label == UPPER)
    assert (upper.committed_fen, upper.remaining_fen) == (8_000_00, 0)
    assert max(seqs[i] for i in desk_b) < min(seqs[i] for i in desk_a)
