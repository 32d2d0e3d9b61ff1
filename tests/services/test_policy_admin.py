"""The standards table kept by the administrator: file fallback, seeding a year, edits with a reason."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date

from tests.dbtools import connect
import pytest

from assist_desktop.services import policy_admin
from assist_desktop.services.base import PermissionDenied, StaleVersion
from assist_desktop.services.policy_admin import FROM_DATABASE, FROM_FILE, NoStandard, StandardError

from .conftest import TODAY, County


def _set(county: County, user: str = "admin", **kw: object):
    values: dict[str, object] = dict(program="scholarship", year=2026, key="undergraduate", filed=True,
                                     reason="县总工会〔2026〕12号文件", today=TODAY)
    values.update(kw)
    with county.session() as s:
        return policy_admin.set_standard(s, county.users[user], **values)  # type: ignore[arg-type]


def _lookup(county: County, year: int, key: str, filed: bool, program: str = "scholarship"):
    with county.session() as s:
        return policy_admin.lookup(s, program, year, key, filed)


def test_lookup_falls_back_to_the_policy_file(county: County) -> None:
    # resources/policy/2026.toml: higher education 5000 filed / 4000 unfiled, senior high 3000 / 2000
    found = _lookup(county, 2026, "undergraduate", True)
    assert (found.amount_fen, found.plan, found.source, found.label) == (500_000, "one_off", FROM_FILE, "本科")
    assert _lookup(county, 2026, "senior_high", False).amount_fen == 200_000
    assert _lookup(county, 2026, "deep", True, "spring_festival").goods_fen == 50_000
    assert _lookup(county, 2031, "undergraduate", True) is None
    with county.session() as s, pytest.raises(NoStandard, match="2031年金秋助学没有“本科”（建档户）"):
        policy_admin.require_standard(s, "scholarship", 2031, "undergraduate", True)


def test_seeding_a_year_copies_the_file_once(county: County) -> None:
    with county.session() as s:
        added = policy_admin.seed_year(s, county.users["admin"], 2026, today=TODAY)
    assert added == 8 + 8  # four levels × filed/unfiled; six groups, two of them for both kinds
    assert county.count("policy_standard") == added
    assert _lookup(county, 2026, "undergraduate", False).source == FROM_DATABASE
    _set(county, amount_fen=550_000)
    with county.session() as s:  # seeding again keeps what the admin changed
        assert policy_admin.seed_year(s, county.users["admin"], 2026, today=TODAY) == 0
    assert _lookup(county, 2026, "undergraduate", True).amount_fen == 550_000
    with county.session() as s, pytest.raises(StandardError, match="没有2019年的政策文件"):
        policy_admin.seed_year(s, county.users["admin"], 2019, today=TODAY)


def test_only_the_admin_edits_with_a_reason_and_it_is_audited(county: County) -> None:
    with pytest.raises(PermissionDenied):
        _set(county, user="shenpi", amount_fen=600_000)
    assert county.count("audit_event", "action = 'refused:update' AND entity_type = 'policy_standard'") == 1
    with pytest.raises(StandardError) as exc:
        _set(county, amount_fen=600_000, reason=" ")
    assert exc.value.field == "修改理由"
    assert county.count("policy_standard") == 0
    row = _set(county, amount_fen=600_000)
    assert (row.amount_fen, row.plan, row.version) == (600_000, "one_off", 1)
    row = _set(county, amount_fen=650_000, expected_version=1)
    assert row.version == 2
    with pytest.raises(StaleVersion):
        _set(county, amount_fen=700_000, expected_version=1)
    with closing(connect(county.path)) as conn:
        events = [json.loads(r[0]) for r in conn.execute(
            "SELECT changes FROM audit_event WHERE entity_type = 'policy_standard' AND action = 'update'")]
    assert events[-1]["amount_fen"] == [600_000, 650_000] and events[-1]["reason"] == "县总工会〔2026〕12号文件"


@pytest.mark.parametrize(("changes", "field"), [
    ({"amount_fen": -1}, "金额"),
    ({"amount_fen": 10_000_001}, "金额"),
    ({"year": 2031, "amount_fen": 1}, "年度"),
    ({"key": "kindergarten", "amount_fen": 1}, "学段"),
    ({"plan": "monthly"}, "发放方式"),
    ({}, "金额"),
])
def test_bad_edits_are_refused(county: County, changes: dict, field: str) -> None:
    with pytest.raises(StandardError) as exc:
        _set(county, **changes)
    assert exc.value.field == field
    assert county.count("policy_standard") == 0


def test_a_plan_belongs_to_the_level(county: County) -> None:
    _set(county, plan="yearly")
    assert _lookup(county, 2026, "undergraduate", True).plan == "yearly"
    assert _lookup(county, 2026, "undergraduate", False).plan == "yearly"  # the unfiled line follows
    assert _lookup(county, 2026, "senior_high", True).plan == "one_off"
    with county.session() as s:
        table = policy_admin.standards(s, "scholarship", 2026)
    assert [(t.key, t.filed) for t in table] == [(k, f) for k in ("senior_high", "vocational_college", "undergraduate",
                                                                  "postgraduate") for f in (True, False)]
    assert {t.source for t in table if t.key == "undergraduate"} == {FROM_DATABASE}


def test_zero_means_not_funded_and_a_missing_line_can_be_added(county: County) -> None:
    _set(county, key="postgraduate", filed=False, amount_fen=0)
    with county.session() as s, pytest.raises(NoStandard, match="研究生.*未建档户"):
        policy_admin.require_standard(s, "scholarship", 2026, "postgraduate", False)
    # 2027 has no file: a line is entered by hand
    with pytest.raises(StandardError, match="新增时须填写金额"):
        _set(county, year=2027, plan="yearly")
    _set(county, year=2027, amount_fen=520_000, today=date(2027, 1, 5))
    with county.session() as s:
        found = policy_admin.require_standard(s, "scholarship", 2027, "undergraduate", True)
    assert (found.amount_fen, found.plan, found.source) == (520_000, "one_off", FROM_DATABASE)


# --- several lines at once (the standards screen's save) ----------------------------------------------

Change = policy_admin.StandardChange


def _set_many(county: County, changes: list, user: str = "admin", program: str = "scholarship", year: int = 2026,
              reason: str = "县总工会〔2026〕12号文件"):
    with county.session() as s:
        return policy_admin.set_standards(s, county.users[user], program=program, year=year, changes=changes,
                                          reason=reason, today=TODAY)


def _table(county: County, program: str = "scholarship", year: int = 2026) -> dict:
    with county.session() as s:
        return {(t.key, t.filed): t for t in policy_admin.standards(s, program, year)}


def test_several_lines_are_saved_together_with_one_reason(county: County) -> None:
    audit_before = county.count("audit_event")
    rows = _set_many(county, [Change("undergraduate", True, amount_fen=550_000, expected_version=0),
                              Change("undergraduate", False, amount_fen=450_000, expected_version=0),
                              Change("senior_high", True, plan="yearly", expected_version=0)])
    assert [(r.key, r.filed, r.amount_fen) for r in rows] == [("undergraduate", True, 550_000),
                                                              ("undergraduate", False, 450_000),
                                                              ("senior_high", True, 300_000)]
    table = _table(county)
    assert table["undergraduate", False].source == FROM_DATABASE
    # the plan belongs to the level: the unfiled senior-high line follows, also written to the database
    assert (table["senior_high", False].plan, table["senior_high", False].source) == ("yearly", FROM_DATABASE)
    assert table["postgraduate", True].source == FROM_FILE
    assert county.count("policy_standard") == 4
    with closing(connect(county.path)) as conn:
        reasons = {json.loads(r[0])["reason"] for r in conn.execute(
            "SELECT changes FROM audit_event WHERE entity_type = 'policy_standard'")}
    assert reasons == {"县总工会〔2026〕12号文件"}
    assert county.count("audit_event") == audit_before + 4  # one event per line written


def test_a_plan_change_sent_for_both_lines_of_a_level_writes_each_line_once(county: County) -> None:
    _set_many(county, [Change("undergraduate", True, plan="yearly", expected_version=0),
                       Change("undergraduate", False, amount_fen=420_000, plan="yearly", expected_version=0)])
    table = _table(county)
    assert {table["undergraduate", f].plan for f in (True, False)} == {"yearly"}
    assert (table["undergraduate", True].version, table["undergraduate", False].version) == (1, 1)
    # a line of the batch without a plan takes its level's plan from the other line
    _set_many(county, [Change("postgraduate", True, plan="yearly", expected_version=0),
                       Change("postgraduate", False, amount_fen=300_000, expected_version=0)])
    assert _lookup(county, 2026, "postgraduate", False).plan == "yearly"
    with pytest.raises(StandardError, match="本科（未建档）：发放方式属于学段"):
        _set_many(county, [Change("undergraduate", True, plan="one_off", expected_version=1),
                           Change("undergraduate", False, plan="yearly", expected_version=1)])


def test_a_bad_line_is_named_and_nothing_at_all_is_written(county: County) -> None:
    before = county.counts()
    with pytest.raises(StandardError) as exc:
        _set_many(county, [Change("undergraduate", True, amount_fen=550_000, expected_version=0),
                           Change("senior_high", True, plan="yearly", expected_version=0),
                           Change("undergraduate", False, amount_fen=-100, expected_version=0)])
    assert exc.value.message == "本科（未建档）：金额不能为负数"
    assert exc.value.field == "金额"
    assert policy_admin.refused_line(exc.value) == ("undergraduate", False)
    assert county.count("policy_standard") == 0 and county.counts() == before
    # a spring-festival line names its group and the cash
    with pytest.raises(StandardError, match=r"^深度困难职工（建档）：慰问金.*超出合理范围"):
        _set_many(county, [Change("deep", True, amount_fen=10_000_001)], program="spring_festival")
    with pytest.raises(StandardError, match="困难劳模（未建档）：慰问品内容过长"):
        _set_many(county, [Change("model_worker", False, goods_description="米" * 101)], program="spring_festival")
    with pytest.raises(StandardError, match="本科（建档）：同一行出现了两次"):
        _set_many(county, [Change("undergraduate", True, amount_fen=1), Change("undergraduate", True, amount_fen=2)])
    with pytest.raises(StandardError, match="研究生（建档）：没有要修改的内容"):
        _set_many(county, [Change("postgraduate", True)])
    with pytest.raises(StandardError, match="没有要修改的内容"):
        _set_many(county, [])
    with pytest.raises(StandardError) as exc:
        _set_many(county, [Change("undergraduate", True, amount_fen=1)], reason="")
    assert exc.value.field == "修改理由"
    with pytest.raises(PermissionDenied):
        _set_many(county, [Change("undergraduate", True, amount_fen=1)], user="shenpi")
    assert county.count("policy_standard") == 0


def test_a_stale_line_refuses_the_whole_save(county: County) -> None:
    _set(county, amount_fen=600_000)  # version 1, saved by another admin after the screen was opened
    with pytest.raises(StaleVersion, match="本科（建档）：2026年“本科”标准已被他人存入本单位设定"):
        _set_many(county, [Change("senior_high", True, amount_fen=310_000, expected_version=0),
                           Change("undergraduate", True, amount_fen=700_000, expected_version=0)])
    _set(county, amount_fen=650_000, expected_version=1)  # version 2
    with pytest.raises(StaleVersion, match="当前第 2 版，您打开的是第 1 版") as exc:
        _set_many(county, [Change("senior_high", True, amount_fen=310_000, expected_version=0),
                           Change("undergraduate", True, amount_fen=700_000, expected_version=1)])
    assert policy_admin.refused_line(exc.value) == ("undergraduate", True)
    assert _lookup(county, 2026, "senior_high", True).source == FROM_FILE  # the good line was not written either
    assert _lookup(county, 2026, "undergraduate", True).amount_fen == 650_000
    _set_many(county, [Change("undergraduate", True, amount_fen=700_000, expected_version=2)])
    assert _lookup(county, 2026, "undergraduate", True).amount_fen == 700_000


def test_spring_festival_lines_keep_cash_goods_and_description(county: County) -> None:
    _set_many(county, [Change("deep", True, amount_fen=160_000, goods_fen=60_000, goods_description=" 大米、食用油 ",
                              expected_version=0),
                       Change("on_duty", False, goods_description="", expected_version=0)],
              program="spring_festival")
    table = _table(county, "spring_festival")
    deep = table["deep", True]
    assert (deep.amount_fen, deep.goods_fen, deep.goods_description, deep.plan) == (160_000, 60_000, "大米、食用油", None)
    assert table["on_duty", False].goods_description == ""  # "" clears the description
    assert table["on_duty", True].goods_description == "米面油购物券"
    with pytest.raises(StandardError, match="深度困难职工（建档）：只有金秋助学的标准有发放方式"):
        _set_many(county, [Change("deep", True, plan="yearly")], program="spring_festival")


def test_missing_lines_are_offered_for_entry(county: County) -> None:
    with county.session() as s:
        assert policy_admin.missing_lines(s, "scholarship", 2026) == []
        assert len(policy_admin.missing_lines(s, "scholarship", 2027)) == 8  # no file for 2027
        assert policy_admin.missing_lines(s, "spring_festival", 2026) == []
        lines = policy_admin.missing_lines(s, "spring_festival", 2027)  # the groups of the nearest file (2026)
    assert lines[0] == ("deep", True) and ("unfiled", False) in lines and ("deep", False) not in lines
    _set_many(county, [Change("undergraduate", True, amount_fen=520_000)], year=2027)
    _set_many(county, [Change("deep", True, amount_fen=160_000)], program="spring_festival", year=2027)
    with county.session() as s:
        assert ("undergraduate", True) not in policy_admin.missing_lines(s, "scholarship", 2027)
        assert policy_admin.missing_lines(s, "spring_festival", 2027) == lines[1:]  # the other groups stay offered
