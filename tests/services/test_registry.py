"""The hardship registry: filing, derived figures, duplicates, numbers, editing, review and exit."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date

from tests.dbtools import connect
import pytest

from assist_desktop.domain.errors import DomainError
from assist_desktop.services import registry
from assist_desktop.services.audit import verify_audit
from assist_desktop.services.base import PermissionDenied, StaleVersion
from assist_desktop.services.registry import FileInput, MemberInput

from .conftest import TODAY, County, make_id, other_household


def _file_row(county: County, file_id: str) -> sqlite3.Row:
    with closing(connect(county.path)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM hardship_file WHERE id = ?", (file_id,)).fetchone()


def _create(county: County, data: FileInput, user: str = "jingban", today: date = TODAY):
    with county.session() as s:
        return registry.create_file(s, county.users[user], data, today=today)


def test_filing_derives_figures_and_numbers(county: County, household: FileInput) -> None:
    hf = _create(county, household)
    row = _file_row(county, hf.id)  # read back by a second connection
    assert row["file_no"] == "610826-2026-00001"
    assert row["status"] == "draft" and row["usn"] == -1 and row["version"] == 1
    assert (row["sex"], row["birth_date"]) == ("male", "1980-03-15")
    assert row["name_initials"] == "wjg" and row["id_tail"] == household.id_number[-6:]
    assert row["household_size"] == 3
    # DESIGN.md §3: (annual income − rigid expenses) ÷ 12 ÷ household size
    assert row["household_annual_income_fen"] == 80_000 * 12 + 120_000
    assert row["per_capita_monthly_income_fen"] == round((1_080_000 - 1_000_000) / 12 / 3)
    assert row["subsistence_line_fen"] == 77_000  # resources/policy/2026.toml, 绥德县
    assert row["category"] == row["category_proposed"] == "deep"
    assert row["category_override_reason"] is None
    with closing(connect(county.path)) as conn:
        members = conn.execute("SELECT name, sex, birth_date, seq FROM member ORDER BY seq").fetchall()
        event = conn.execute("SELECT action, changes FROM audit_event WHERE entity_id = ?", (hf.id,)).fetchone()
    assert members == [("李秀英", "female", "1982-06-11", 1), ("王浩", "male", "2009-09-01", 2)]
    assert event[0] == "create"
    changes = json.loads(event[1])
    assert changes["members_added"] == ["李秀英", "王浩"]
    assert household.id_number not in event[1] and "6228480123456789012" not in event[1]  # masked in the log


def test_file_numbers_run_per_year_and_are_never_reused(county: County, household: FileInput) -> None:
    first = _create(county, household)
    with pytest.raises(DomainError):  # a refused filing does not use up a number …
        _create(county, replace(household, phone="123"))
    second = _create(county, other_household(household, county))
    third = _create(county, replace(other_household(household, county), name="赵丽", id_number=make_id("19790505", 122)),
                    today=date(2027, 1, 4))
    assert [first.file_no, second.file_no, third.file_no] == [
        "610826-2026-00001", "610826-2026-00002", "610826-2027-00001"]
    with closing(connect(county.path)) as conn:
        assert conn.execute("SELECT last FROM number_sequence WHERE prefix = 'file:610826:2026'").fetchone() == (2,)


BAD_INPUTS = [
    ({"id_number": "610826198003151230"}, "身份证号", "校验位"),
    ({"id_number": "61082619800315"}, "身份证号", "18位"),
    ({"name": "  "}, "姓名", "姓名"),
    ({"name": "王2"}, "姓名", "数字"),
    ({"phone": "0912-1234567"}, "手机号码", "手机号码"),
    ({"address": ""}, "家庭住址", "家庭住址"),
    ({"employer_name": " "}, "工作单位", "工作单位"),
    ({"worker_monthly_income_fen": 50_000_000_00}, "本人月平均收入", "本人月平均收入"),
    ({"worker_monthly_income_fen": -1}, "本人月平均收入", "负数"),
    ({"primary_cause": 11}, None, "致困原因"),
    ({"secondary_causes": (1, 2, 3, 4)}, None, "次要致困原因"),
    ({"secondary_causes": (6,)}, None, "致困原因"),
    ({"work_status": "在天上"}, "工作状态", "工作状态"),
    ({"disability_type": "physical"}, "残疾等级", "残疾等级"),
    ({"postal_code": "7180"}, "邮政编码", "邮政编码"),
    ({"bank_account": "6228-48"}, "银行卡号", "银行卡号"),
    ({"unit_id": "no-such-unit"}, "所属工会", "基层工会"),
    ({"category": "relative"}, "类别调整理由", "调整理由"),
    ({"ethnicity": "火星族"}, "民族", "民族"),
    ({"members": [MemberInput(name="李秀英", relation="spouse", id_number="610826198206112249")]},
     "家庭成员身份证号", "第1名家庭成员（李秀英）"),
    ({"members": [MemberInput(name="李秀英", relation="朋友")]}, "与职工关系", "第1名家庭成员"),
    ({"members": [MemberInput(name="李秀英", relation="spouse", id_number=make_id("19800315", 123))]},
     "身份证号", "重复"),
    ({"worker_monthly_income_fen": 2_000_000, "medical_expenses_fen": 0}, "困难类别", "不符合任一困难类别"),
]


@pytest.mark.parametrize(("changes", "field", "words"), BAD_INPUTS)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(county: County, household: FileInput,
                                                                 changes: dict, field: str | None, words: str) -> None:
    before = county.counts()
    with pytest.raises(DomainError) as info:
        _create(county, replace(household, **changes))
    assert words in info.value.message
    if field:
        assert info.value.field == field
    assert county.counts() == before


def test_category_override_needs_and_keeps_a_reason(county: County, household: FileInput) -> None:
    hf = _create(county, replace(household, category="accident", category_override_reason="家中房屋因暴雨倒塌"))
    row = _file_row(county, hf.id)
    assert (row["category"], row["category_proposed"], row["category_override_reason"]) == (
        "accident", "deep", "家中房屋因暴雨倒塌")


def test_a_person_may_be_in_only_one_live_file(county: County, household: FileInput) -> None:
    first = _create(county, household)
    wife = household.members[0]
    # the wife files on her own, with her husband as a member: both already belong to file 00001
    second = replace(household, name=wife.name, id_number=wife.id_number, members=[])
    before = county.counts()
    with pytest.raises(registry.DuplicatePerson) as info:
        _create(county, second)
    assert first.file_no in info.value.message and "家庭成员" in info.value.message
    assert county.counts() == before
    # once the first file has exited, she can be filed
    _activate(county, first.id)
    with county.session() as s:
        version = s.get(registry.HardshipFile, first.id).version
        registry.exit_file(s, county.users["shenpi"], first.id, reason="out_of_hardship", exit_date=TODAY,
                           expected_version=version, today=TODAY)
    assert _create(county, second).file_no == "610826-2026-00002"


def _activate(county: County, file_id: str, today: date = TODAY) -> None:
    from assist_desktop.services import approvals

    with county.session() as s:
        approvals.submit(s, county.users["jingban"], "hardship_file", file_id, today=date(2026, 11, 2))
        approvals.review(s, county.users["shenhe"], "hardship_file", file_id, today=date(2026, 11, 3))
        approvals.put_on_notice(s, county.users["shenhe"], "hardship_file", file_id, today=date(2026, 11, 3))
        approvals.approve(s, county.users["shenpi"], "hardship_file", file_id, today=today)


def test_editing_replaces_members_with_tombstones_and_checks_the_version(county: County, household: FileInput) -> None:
    hf = _create(county, household)
    with county.session() as s:
        _, members = registry.get_file(s, county.users["jingban"], hf.id)
    kept = members[0]
    edited = replace(household, phone="13800001111", members=[
        MemberInput(name=kept.name, relation="spouse", id_number=kept.id_number, identity="on_duty",
                    monthly_income_fen=150_000, id=kept.id),
        MemberInput(name="王芳", relation="daughter", id_number=make_id("20120202", 442), identity="student"),
    ])
    with county.session() as s:
        saved = registry.update_file(s, county.users["clerk2"], hf.id, edited, expected_version=1, today=TODAY)
    assert saved.version == 2
    row = _file_row(county, hf.id)
    assert row["phone"] == "13800001111"
    assert row["household_annual_income_fen"] == 80_000 * 12 + 120_000 + 150_000 * 12
    with closing(connect(county.path)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM member WHERE file_id = ? ORDER BY seq", (hf.id,))]
        tomb = conn.execute("SELECT table_name, row_id FROM tombstone").fetchall()
        kept_id = conn.execute("SELECT id FROM member WHERE name = '李秀英'").fetchone()[0]
    assert names == ["李秀英", "王芳"] and kept_id == kept.id
    assert tomb == [("member", members[1].id)]
    before = county.counts()
    with county.session() as s, pytest.raises(StaleVersion) as info:
        registry.update_file(s, county.users["jingban"], hf.id, household, expected_version=1, today=TODAY)
    assert "已被赵敏（" in info.value.message  # who saved first (clerk2 edited it above), and when
    assert county.counts() == before


def test_two_sessions_saving_the_same_file_one_wins(county: County, household: FileInput) -> None:
    hf = _create(county, household)
    first, second = county.session(), county.session()
    v1 = registry.get_file(first, county.users["jingban"], hf.id)[0].version
    v2 = registry.get_file(second, county.users["clerk2"], hf.id)[0].version
    registry.update_file(first, county.users["jingban"], hf.id, replace(household, phone="13700000001"),
                         expected_version=v1, today=TODAY)
    with pytest.raises(StaleVersion):
        registry.update_file(second, county.users["clerk2"], hf.id, replace(household, phone="13700000002"),
                             expected_version=v2, today=TODAY)
    first.close()
    second.close()
    assert _file_row(county, hf.id)["phone"] == "13700000001"


def test_submitted_and_exited_files_are_not_editable(county: County, household: FileInput) -> None:
    from assist_desktop.services import approvals

    hf = _create(county, household)
    with county.session() as s:
        approvals.submit(s, county.users["jingban"], "hardship_file", hf.id)
        with pytest.raises(DomainError, match="已提交"):
            registry.update_file(s, county.users["jingban"], hf.id, household, expected_version=2, today=TODAY)


def test_annual_review_keep_change_and_exit(county: County, household: FileInput) -> None:
    hf = _create(county, household)
    _activate(county, hf.id)
    with county.session() as s:
        v = s.get(registry.HardshipFile, hf.id).version
        registry.annual_review(s, county.users["shenhe"], hf.id, outcome="keep", review_date=TODAY,
                               expected_version=v, today=TODAY)
        v += 1
        with pytest.raises(DomainError, match="复核意见"):
            registry.annual_review(s, county.users["shenhe"], hf.id, outcome="change_category", new_category="relative",
                                   review_date=TODAY, expected_version=v, today=TODAY)
        registry.annual_review(s, county.users["shenhe"], hf.id, outcome="change_category", new_category="relative",
                               note="妻子已再就业，收入增加", review_date=TODAY, expected_version=v, today=TODAY)
        v += 1
        # a reviewer alone cannot end a file's aid: exit is the approver's decision
        with pytest.raises(PermissionDenied):
            registry.annual_review(s, county.users["shenhe"], hf.id, outcome="exit", exit_reason="out_of_hardship",
                                   review_date=TODAY, expected_version=v, today=TODAY)
        registry.exit_file(s, county.users["shenpi"], hf.id, reason="out_of_hardship", exit_date=TODAY,
                           note="家庭收入稳定", expected_version=v, today=TODAY)
    row = _file_row(county, hf.id)
    assert (row["status"], row["category"], row["exit_reason"], row["last_review_date"]) == (
        "exited", "relative", "out_of_hardship", TODAY.isoformat())
    assert county.count("annual_review", f"file_id = '{hf.id}'") == 2
    with county.session() as s, pytest.raises(DomainError, match="只读"):
        registry.update_file(s, county.users["jingban"], hf.id, household, expected_version=row["version"], today=TODAY)
    with county.session() as s:
        assert verify_audit(s).ok


def test_revealing_sensitive_fields_is_logged(county: County, household: FileInput) -> None:
    hf = _create(county, household)
    with county.session() as s:
        values = registry.reveal_sensitive(s, county.users["shenhe"], hf.id, ("id_number", "bank_account"))
    assert values == {"id_number": household.id_number, "bank_account": "6228480123456789012"}
    with closing(connect(county.path)) as conn:
        actor, changes = conn.execute(
            "SELECT actor_name, changes FROM audit_event WHERE action = 'view_sensitive'").fetchone()
    assert actor == "王建军" and "身份证号" in changes and household.id_number not in changes
