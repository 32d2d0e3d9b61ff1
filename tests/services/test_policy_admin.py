"""The standards table kept by the administrator: file fallback, seeding a year, edits with a reason."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date

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
    with closing(sqlite3.connect(county.path)) as conn:
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
