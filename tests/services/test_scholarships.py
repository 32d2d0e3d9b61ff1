"""金秋助学 services: standards, eligibility and exclusions, duplicates across rounds and households,
approval with the budget, multi-year plans (installments, enrolment checks, stopping), and the lists.

Rules from DESIGN.md §3 (standards are a table; excluded students; one scholarship per round), §4
(grant lifecycle and roles) and DOMAIN.md 金秋助学 (filed / unfiled households; multi-year plans).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import date

from tests.dbtools import connect
import pytest

from assist_desktop.domain.errors import DomainError
from assist_desktop.services import approvals, policy_admin, registry, scholarships
from assist_desktop.services.approvals import ApprovalError, GrantFrozen
from assist_desktop.services.audit import verify_audit
from assist_desktop.services.base import PermissionDenied, StaleVersion
from assist_desktop.services.scholarships import (
    BudgetExceeded,
    DuplicateApplication,
    Excluded,
    RoundInput,
    ScholarshipError,
)
from assist_desktop.storage import models as m

from .conftest import TODAY, County, make_id
from .conftest_scholarships import (
    DAUGHTER,
    IN_2025,
    MIGRANT,
    MIGRANT_CHILD,
    Family,
    approve,
    approved,
    apply,
    daughter_input,
    family,  # noqa: F401  (fixture)
    family_input,  # noqa: F401  (fixture)
    file_family,
    installments,
    load,
    make_round,
    migrant_child_input,
    migrant_parent,
    round26,  # noqa: F401  (fixture)
    son_input,
    submit_and_review,
    yearly_plan_for,
)

WRITTEN = ("scholarship", "unfiled_household", "installment", "number_sequence", "audit_event", "workflow_event",
           "disbursement")


def written(county: County) -> dict[str, int]:
    return {t: county.count(t) for t in WRITTEN}


def _row(county: County, table: str, row_id: str) -> sqlite3.Row:
    with closing(connect(county.path)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', (row_id,)).fetchone()


# --- standards --------------------------------------------------------------------------------------------


def test_amount_is_the_standard_for_level_and_household_kind(county: County, family: Family, round26) -> None:
    # DESIGN.md §3: higher education 5000 filed / 4000 unfiled; senior high 3000 / 2000 (resources/policy/2026.toml)
    daughter = apply(county, daughter_input(round26.id, family))
    son = apply(county, son_input(round26.id, family))
    child = apply(county, migrant_child_input(round26.id))
    assert (daughter.amount_fen, daughter.standard_amount_fen, daughter.plan) == (500_000, 500_000, "one_off")
    assert son.amount_fen == 300_000
    assert child.amount_fen == 400_000 and child.file_id is None and child.unfiled_household_id
    row = _row(county, "scholarship", daughter.id)
    assert row["application_no"] == "610826-2026-S00001" and row["status"] == "draft" and row["usn"] == -1
    assert (row["student_sex"], row["student_birth_date"]) == ("female", "2008-03-10")  # derived from the ID
    assert [apply_no for apply_no in (son.application_no, child.application_no)] == [
        "610826-2026-S00002", "610826-2026-S00003"]
    unfiled = _row(county, "unfiled_household", child.unfiled_household_id)
    assert (unfiled["name"], unfiled["kind"], unfiled["id_number"]) == ("张三", "migrant_worker", MIGRANT)
    with closing(connect(county.path)) as conn:
        logged = [r[0] for r in conn.execute("SELECT changes FROM audit_event WHERE entity_type IN "
                                             "('scholarship', 'unfiled_household')")]
    assert logged and not any(DAUGHTER in c or MIGRANT in c or MIGRANT_CHILD in c for c in logged)  # masked


def test_standard_set_by_the_admin_wins_over_the_policy_file(county: County, family: Family, round26) -> None:
    with county.session() as s:
        policy_admin.set_standard(s, county.users["admin"], program="scholarship", year=2026, key="undergraduate",
                                  filed=True, amount_fen=600_000, reason="县总工会2026年第3号文件", today=TODAY)
    daughter = apply(county, daughter_input(round26.id, family))
    son = apply(county, son_input(round26.id, family))
    assert daughter.standard_amount_fen == 600_000  # the database row
    assert son.standard_amount_fen == 300_000  # no row: the file's figure


def test_amount_without_standard_is_refused(county: County, family: Family, round26) -> None:
    with county.session() as s:  # 0 in the table: this level is not funded for unfiled households
        policy_admin.set_standard(s, county.users["admin"], program="scholarship", year=2026, key="vocational_college",
                                  filed=False, amount_fen=0, reason="本年度不资助未建档户高职生", today=TODAY)
    before = written(county)
    with pytest.raises(policy_admin.NoStandard) as exc:
        apply(county, migrant_child_input(round26.id))
    assert "高职/专科" in exc.value.message and "未建档" in exc.value.message and exc.value.field == "救助标准"
    assert written(county) == before
    # a year without a policy file and without rows in the table
    late = make_round(county, 2027, start=date(2027, 1, 4), end=date(2027, 3, 31))
    with pytest.raises(policy_admin.NoStandard, match="2027年金秋助学没有“本科”"):
        apply(county, daughter_input(late.id, family, admission_year=2026), today=date(2027, 1, 10))


# --- eligibility ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", [e[0] for e in scholarships.EXCLUSIONS])
def test_excluded_students_are_refused_with_the_reason(county: County, family: Family, round26, flag: str) -> None:
    # DESIGN.md §3 / DOMAIN.md: funded elsewhere, self-funded abroad, high-fee private or Sino-foreign,
    # military or tuition-free programmes
    reason = {e[0]: e[2] for e in scholarships.EXCLUSIONS}[flag]
    before = written(county)
    with pytest.raises(Excluded) as exc:
        apply(county, daughter_input(round26.id, family, **{flag: True}))
    assert reason in exc.value.message and "王丽" in exc.value.message
    assert written(county) == before


BAD_INPUTS = [
    ({"student_id_number": DAUGHTER[:-1] + ("0" if DAUGHTER[-1] != "0" else "1")}, "学生身份证号", "校验位"),
    ({"student_id_number": "61082620080310"}, "学生身份证号", "18位"),
    ({"student_name": "王2"}, "学生姓名", "数字"),
    ({"education_level": "小学"}, "学段", "不在资助范围"),
    ({"school": " "}, "学校", "学校不能为空"),
    ({"admission_year": 2027}, "入学年份", "晚于本轮"),
    ({"admission_year": 2021}, "入学年份", "已不在读"),
    ({"study_years": 3}, "学制", "本科学制为4至5年"),
    ({"study_years": 6}, "学制", "本科学制为4至5年"),
    ({"education_level": "postgraduate", "study_years": 3}, "学生身份证号", "20至40周岁"),  # 18 is too young
]


@pytest.mark.parametrize(("changes", "field", "fragment"), BAD_INPUTS, ids=[str(c[0]) for c in BAD_INPUTS])
def test_bad_input_is_refused_with_a_clear_message(county: County, family: Family, round26, changes: dict,
                                                   field: str, fragment: str) -> None:
    before = written(county)
    with pytest.raises(DomainError) as exc:
        apply(county, daughter_input(round26.id, family, **changes))
    assert exc.value.field == field and fragment in exc.value.message, exc.value.message
    assert written(county) == before


def test_age_windows_per_level(county: County, family: Family, round26) -> None:
    """Ages are full years on 1 September of the round's year (senior high 13–20, higher education
    16–30, postgraduate 20–40)."""
    young = make_id("20140101", 771)  # 12 on 1 Sep 2026
    old = make_id("19950101", 773)  # 31
    for number, level, years, window in ((young, "senior_high", 3, "13至20周岁"), (old, "undergraduate", 4, "16至30周岁")):
        data = migrant_child_input(round26.id, student_name="李明", student_id_number=number, education_level=level,
                                   study_years=years)
        with pytest.raises(ScholarshipError) as exc:
            apply(county, data)
        assert window in exc.value.message and exc.value.field == "学生身份证号"
    assert county.count("scholarship") == 0 and county.count("unfiled_household") == 0
    ok = migrant_child_input(round26.id, student_name="李明", student_id_number=make_id("19920101", 775),
                             education_level="postgraduate", study_years=3)  # 34: a doctoral student
    assert apply(county, ok).education_level == "postgraduate"


def test_student_must_belong_to_an_active_file(county: County, family: Family, family_input, round26) -> None:
    with pytest.raises(ScholarshipError, match="不是档案 .*的家庭成员"):
        apply(county, daughter_input(round26.id, family, student_id_number=make_id("20080310", 444)))
    with pytest.raises(ScholarshipError, match="与档案 .* 中登记的“王丽”不一致"):
        apply(county, daughter_input(round26.id, family, student_name="王莉"))
    draft = file_family(county, replace(family_input, name="赵刚", id_number=make_id("19770707", 913),
                                        members=[replace(family_input.members[2],
                                                         id_number=make_id("20080808", 922))]),
                        active=False)
    with pytest.raises(ScholarshipError, match="草稿.*只有在档"):
        apply(county, daughter_input(round26.id, draft, student_id_number=make_id("20080808", 922)))
    with pytest.raises(ScholarshipError, match="只选一种"):
        apply(county, daughter_input(round26.id, family, unfiled=migrant_parent()))
    assert county.count("scholarship") == 0


def test_unfiled_household_is_made_once_and_a_filed_parent_must_apply_as_filed(
        county: County, family: Family, family_input, round26) -> None:
    first = apply(county, migrant_child_input(round26.id))
    sister = apply(county, migrant_child_input(round26.id, student_name="张小红",
                                               student_id_number=make_id("20090315", 624),
                                               education_level="senior_high", school="绥德中学", admission_year=2025,
                                               study_years=3))
    assert sister.unfiled_household_id == first.unfiled_household_id  # the same parent: one record
    assert county.count("unfiled_household") == 1
    with pytest.raises(ScholarshipError, match="姓名“张四”不一致"):
        apply(county, migrant_child_input(round26.id, unfiled=migrant_parent(name="张四"),
                                          student_id_number=make_id("20080101", 626), student_name="张小刚"))
    # the worker of a live file applies as filed …
    with pytest.raises(ScholarshipError, match="请按建档户"):
        apply(county, migrant_child_input(round26.id, unfiled=migrant_parent(name="王建国",
                                                                             id_number=family_input.id_number)))
    # … and a member of a live file cannot be put under an unfiled household
    with pytest.raises(DuplicateApplication, match=f"学生王丽已是档案 {family.file_no} 的家庭成员"):
        apply(county, migrant_child_input(round26.id, student_name="王丽", student_id_number=DAUGHTER,
                                          education_level="undergraduate", study_years=4))
    with pytest.raises(ScholarshipError) as exc:
        apply(county, migrant_child_input(round26.id, unfiled=migrant_parent(kind="farmer"),
                                          student_id_number=make_id("20080101", 628), student_name="张小刚"))
    assert exc.value.field == "未建档户类别"


def test_application_window_and_closed_round(county: County, family: Family, round26) -> None:
    with pytest.raises(ScholarshipError, match="不在期限内") as exc:
        apply(county, daughter_input(round26.id, family), today=date(2026, 10, 31))
    assert exc.value.field == "申请期限"
    app = apply(county, daughter_input(round26.id, family))
    submit_and_review(county, app.id)
    with county.session() as s:
        scholarships.set_round_closed(s, county.users["shenpi"], round26.id, True)
    with pytest.raises(ScholarshipError, match="已结束"):
        apply(county, son_input(round26.id, family))
    with pytest.raises(ScholarshipError, match="已结束，不能审批"):
        approve(county, app.id)
    assert load(county, app.id).status == "reviewed"


# --- duplicates ----------------------------------------------------------------------------------------


def test_one_scholarship_per_student_per_round(county: County, family: Family, round26) -> None:
    first = apply(county, daughter_input(round26.id, family))
    before = written(county)
    with pytest.raises(DuplicateApplication) as exc:
        apply(county, daughter_input(round26.id, family, school="长安大学"))
    assert first.application_no in exc.value.message and "每轮只能资助一次" in exc.value.message
    assert written(county) == before  # no number used up either
    with county.session() as s:
        scholarships.cancel(s, county.users["jingban"], first.id, "学生改报其他学校")
    again = apply(county, daughter_input(round26.id, family, school="长安大学"))  # a cancelled one may be replaced
    assert again.application_no == "610826-2026-S00002"
    assert _row(county, "scholarship", first.id)["cancel_reason"] == "学生改报其他学校"


def test_same_student_under_two_households_is_caught_across_rounds(county: County, family_input) -> None:
    # 2025: 王丽 applied for senior high as the child of an unfiled migrant worker, 张三 …
    r25 = make_round(county, 2025)
    old = apply(county, migrant_child_input(r25.id, student_name="王丽", student_id_number=DAUGHTER,
                                            education_level="senior_high", school="绥德中学", admission_year=2025,
                                            study_years=3), today=IN_2025)
    # … 2026: her father's file asks for her as filed
    family = file_family(county, family_input)
    r26 = make_round(county, 2026)
    before = written(county)
    with pytest.raises(DuplicateApplication) as exc:
        apply(county, daughter_input(r26.id, family))
    message = exc.value.message
    assert old.application_no in message and "未建档户张三" in message and "两个家庭" in message
    assert written(county) == before


def test_a_new_household_after_the_old_file_exited_is_allowed(county: County, family: Family, round26) -> None:
    r25 = make_round(county, 2025)
    paid_before = apply(county, son_input(r25.id, family, admission_year=2024), today=IN_2025)
    with county.session() as s:
        v = s.get(m.HardshipFile, family.file_id).version
        registry.exit_file(s, county.users["shenpi"], family.file_id, reason="moved", exit_date=TODAY,
                           expected_version=v, today=TODAY)
    # the son now lives with his mother, a migrant worker without a file
    mother = migrant_parent(name="李秀英", id_number=make_id("19820611", 224))
    app = apply(county, son_input(round26.id, family, file_id=None, unfiled=mother))
    assert app.unfiled_household_id and paid_before.id != app.id


def test_student_on_a_multi_year_plan_gets_no_new_one_off(county: County, family_input) -> None:
    yearly_plan_for(county, 2025)
    r25 = make_round(county, 2025)
    family = file_family(county, family_input)
    plan = approved(county, daughter_input(r25.id, family, admission_year=2025), today=IN_2025)
    assert plan.plan == "yearly" and len(installments(county, plan.id)) == 4
    r26 = make_round(county, 2026)
    with pytest.raises(DuplicateApplication) as exc:
        apply(county, daughter_input(r26.id, family, admission_year=2025))
    assert "正在享受按年发放" in exc.value.message and plan.application_no in exc.value.message
    assert "发放至2028年" in exc.value.message and "一次性助学金" in exc.value.message
    # once the plan has stopped the student may apply again
    with county.session() as s:
        scholarships.stop_plan(s, county.users["shenhe"], plan.id, "学生转学，原资助终止")
    assert apply(county, daughter_input(r26.id, family, admission_year=2025)).plan == "one_off"


# --- approval, amount, budget --------------------------------------------------------------------------------


def test_approval_goes_through_the_scholarship_service(county: County, family: Family, round26) -> None:
    app = apply(county, daughter_input(round26.id, family))
    submit_and_review(county, app.id)
    with county.session() as s, pytest.raises(ApprovalError, match="金秋助学"):
        approvals.act(s, county.users["shenpi"], "scholarship", app.id, "approve", today=TODAY)
    with county.session() as s, pytest.raises(ApprovalError, match="金秋助学"):
        approvals.act_many(s, county.users["shenpi"], "scholarship", [app.id], "approve", today=TODAY)
    with pytest.raises(PermissionDenied):  # roles as in the approval machinery
        approve(county, app.id, user="shenhe")
    result = approve(county, app.id)
    assert (result.from_state, result.to_state) == ("reviewed", "approved")
    row = _row(county, "scholarship", app.id)
    assert row["status"] == "approved" and row["approved_on"] == TODAY.isoformat()
    assert county.count("workflow_event", f"entity_id = '{app.id}'") == 3


def test_nobody_approves_what_they_submitted(county: County, family: Family, round26) -> None:
    app = apply(county, daughter_input(round26.id, family), user="allround")
    with county.session() as s:
        approvals.submit(s, county.users["allround"], "scholarship", app.id, today=TODAY)
        approvals.review(s, county.users["shenhe"], "scholarship", app.id, today=TODAY)
    with pytest.raises(PermissionDenied, match="本人提交"):
        approve(county, app.id, user="allround")
    assert county.count("audit_event", "action = 'refused:approve'") == 1


def test_the_public_notice_runs_before_approval(county: County, family: Family) -> None:
    rnd = make_round(county, requires_notice=True)
    app = apply(county, daughter_input(rnd.id, family), today=date(2026, 11, 2))
    with county.session() as s:
        approvals.submit(s, county.users["jingban"], "scholarship", app.id, today=date(2026, 11, 2))
        approvals.review(s, county.users["shenhe"], "scholarship", app.id, today=date(2026, 11, 2))
        approvals.put_on_notice(s, county.users["shenhe"], "scholarship", app.id, today=date(2026, 11, 2))
    with pytest.raises(ApprovalError, match="公示期未满"):
        approve(county, app.id, today=date(2026, 11, 5))
    approve(county, app.id, today=date(2026, 11, 9))
    assert load(county, app.id).status == "approved"


def test_only_the_approver_changes_the_amount_with_a_reason(county: County, family: Family, round26) -> None:
    app = apply(county, daughter_input(round26.id, family))
    with county.session() as s, pytest.raises(PermissionDenied):
        scholarships.set_amount(s, county.users["jingban"], app.id, 600_000, "家庭特别困难")
    assert county.count("audit_event", "action = 'refused:set_amount'") == 1
    with county.session() as s, pytest.raises(ScholarshipError) as exc:
        scholarships.set_amount(s, county.users["shenpi"], app.id, 600_000, " ")
    assert exc.value.field == "金额调整理由"
    with county.session() as s:
        scholarships.set_amount(s, county.users["shenpi"], app.id, 600_000, "家庭遭遇重大变故，经集体研究提高标准")
    row = _row(county, "scholarship", app.id)
    assert (row["amount_fen"], row["standard_amount_fen"]) == (600_000, 500_000)
    assert row["amount_override_reason"] == "家庭遭遇重大变故，经集体研究提高标准"
    submit_and_review(county, app.id)
    approve(county, app.id, amount_fen=550_000, amount_reason="按预算调整为5500元")  # at approval, too
    assert _row(county, "scholarship", app.id)["amount_fen"] == 550_000
    with county.session() as s, pytest.raises(GrantFrozen):  # DESIGN.md §4: frozen once approved
        scholarships.set_amount(s, county.users["shenpi"], app.id, 500_000, "恢复标准")


def test_the_budget_cannot_be_exceeded_by_approval(county: County, family: Family) -> None:
    rnd = make_round(county, budget_fen=700_000)  # 7,000 yuan
    daughter = apply(county, daughter_input(rnd.id, family))  # 5,000
    son = apply(county, son_input(rnd.id, family))  # 3,000
    for app in (daughter, son):
        submit_and_review(county, app.id)
    before = written(county)
    with county.session() as s, pytest.raises(ApprovalError) as exc:  # one list: all or nothing
        scholarships.approve_many(s, county.users["shenpi"], [daughter.id, son.id], today=TODAY)
    assert "第2项" in exc.value.message and "超出预算7,000.00元 1,000.00元" in exc.value.message
    assert written(county) == before
    assert {load(county, a.id).status for a in (daughter, son)} == {"reviewed"}
    approve(county, daughter.id)
    with pytest.raises(BudgetExceeded) as exc:
        approve(county, son.id)
    assert "1,000.00元" in exc.value.message and exc.value.field == "预算"
    with county.session() as s:
        summary = scholarships.budget_summary(s, rnd.id)
        assert (summary.approved_fen, summary.committed_fen, summary.remaining_fen) == (500_000, 500_000, 200_000)
        assert summary.planned_fen == 800_000 and summary.over_if_all_approved_fen == 100_000
        with pytest.raises(ScholarshipError, match="低于本轮已审批"):  # nor by cutting the budget
            scholarships.update_round(s, county.users["shenpi"], rnd.id,
                                      RoundInput(2026, rnd.apply_start, rnd.apply_end, 400_000, requires_notice=False),
                                      expected_version=rnd.version, today=TODAY)
        scholarships.update_round(s, county.users["shenpi"], rnd.id,
                                  RoundInput(2026, rnd.apply_start, rnd.apply_end, 800_000, requires_notice=False),
                                  expected_version=rnd.version, today=TODAY)
    approve(county, son.id)
    assert load(county, son.id).status == "approved"


def test_a_later_round_carries_the_installments_of_earlier_plans(county: County, family_input) -> None:
    yearly_plan_for(county, 2025)
    r25 = make_round(county, 2025)
    family = file_family(county, family_input)
    approved(county, daughter_input(r25.id, family, admission_year=2025), today=IN_2025)
    r26 = make_round(county, 2026, budget_fen=700_000)
    with county.session() as s:
        summary = scholarships.budget_summary(s, r26.id)
    assert summary.continuing_fen == 500_000 and summary.remaining_fen == 200_000
    son = apply(county, son_input(r26.id, family))
    submit_and_review(county, son.id)
    with pytest.raises(BudgetExceeded, match="超出预算7,000.00元 1,000.00元"):
        approve(county, son.id)


def test_round_rules(county: County, round26) -> None:
    with pytest.raises(ScholarshipError, match="每年只设一次"):
        make_round(county, 2026)
    with pytest.raises(PermissionDenied):
        make_round(county, 2025, user="jingban")
    with county.session() as s:
        for data, field in ((RoundInput(2025, date(2025, 9, 1), date(2025, 8, 1), 100), "申请期限"),
                            (RoundInput(2025, date(2025, 9, 1), date(2026, 1, 31), 100), "申请期限"),
                            (RoundInput(2025, date(2025, 9, 1), date(2025, 10, 1), 0), "预算"),
                            (RoundInput(2031, date(2031, 9, 1), date(2031, 10, 1), 100), "年度")):
            with pytest.raises(ScholarshipError) as exc:
                scholarships.create_round(s, county.users["shenpi"], data, today=TODAY)
            assert exc.value.field == field
        with pytest.raises(StaleVersion):
            scholarships.update_round(s, county.users["shenpi"], round26.id,
                                      RoundInput(2026, round26.apply_start, round26.apply_end, 1),
                                      expected_version=round26.version + 1, today=TODAY)
    assert county.count("scholarship_round") == 1


# --- multi-year plans -------------------------------------------------------------------------------------


def test_approval_of_a_yearly_plan_makes_one_installment_per_remaining_year(
        county: County, family: Family, round26) -> None:
    yearly_plan_for(county, 2026)
    # second-year student (admitted 2025, four years): 2026, 2027 and 2028 remain
    app = apply(county, daughter_input(round26.id, family, admission_year=2025))
    assert app.plan == "yearly"
    submit_and_review(county, app.id)
    assert installments(county, app.id) == []
    approve(county, app.id)
    made = installments(county, app.id)
    assert [(i.year_index, i.academic_year, i.amount_fen, i.status) for i in made] == [
        (2, 2026, 500_000, "released"), (3, 2027, 500_000, "pending"), (4, 2028, 500_000, "pending")]
    assert all(i.usn == -1 for i in made)
    with county.session() as s:
        due = scholarships.installments_due(s, county.users["jingban"], 2026)
    assert [(d.year_index, d.status) for d in due] == [(2, "released")]


def test_enrolment_check_releases_or_stops_later_years(county: County, family: Family, round26) -> None:
    yearly_plan_for(county, 2026)
    app = approved(county, daughter_input(round26.id, family))
    first, second, third, fourth = installments(county, app.id)
    in_2027 = date(2027, 9, 5)
    with county.session() as s:
        clerk = county.users["jingban"]
        with pytest.raises(ScholarshipError, match="过早"):
            scholarships.check_enrolment(s, clerk, second.id, checked_on=TODAY, still_enrolled=True, today=TODAY)
        with pytest.raises(ScholarshipError, match="请先核查.*第2学年"):
            scholarships.check_enrolment(s, clerk, third.id, checked_on=date(2028, 9, 5), still_enrolled=True,
                                         today=date(2028, 9, 5))
        with pytest.raises(PermissionDenied):
            scholarships.check_enrolment(s, county.users["admin"], second.id, checked_on=in_2027,
                                         still_enrolled=True, today=in_2027)
        scholarships.check_enrolment(s, clerk, second.id, checked_on=in_2027, still_enrolled=True,
                                     note="学信网学籍在籍", today=in_2027)
        due = scholarships.installments_due(s, clerk, 2027)
        assert [(d.year_index, d.status) for d in due] == [(1, "released"), (2, "released")]
        with pytest.raises(ScholarshipError, match="须填写说明"):
            scholarships.check_enrolment(s, clerk, third.id, checked_on=date(2028, 9, 5), still_enrolled=False,
                                         today=date(2028, 9, 5))
        scholarships.check_enrolment(s, clerk, third.id, checked_on=date(2028, 9, 5), still_enrolled=False,
                                     note="学生已退学", today=date(2028, 9, 5))
    states = [(i.year_index, i.status, i.stop_reason) for i in installments(county, app.id)]
    assert states == [(1, "released", None), (2, "released", None), (3, "stopped", "在读核查：学生已退学"),
                      (4, "stopped", "在读核查：学生已退学")]
    assert _row(county, "installment", second.id)["enrolment_checked_on"] == "2027-09-05"
    assert load(county, app.id).stop_reason == "在读核查：学生已退学"


def test_exit_of_the_parents_file_stops_the_plan(county: County, family: Family, round26) -> None:
    yearly_plan_for(county, 2026)
    app = approved(county, daughter_input(round26.id, family))
    one_off = approved(county, son_input(round26.id, family))
    with county.session() as s:
        v = s.get(m.HardshipFile, family.file_id).version
        registry.exit_file(s, county.users["shenpi"], family.file_id, reason="out_of_hardship", exit_date=TODAY,
                           expected_version=v, today=TODAY)
    made = installments(county, app.id)
    # the later years stop; the first year, released while the household was filed, stays payable
    assert [i.status for i in made] == ["released", "stopped", "stopped", "stopped"]
    assert made[1].stop_reason == f"档案 {family.file_no} 已撤档（解困脱困）"
    assert load(county, app.id).stop_reason == made[1].stop_reason
    assert load(county, one_off.id).status == "approved"  # a one-off grant already approved stands
    with county.session() as s:
        assert [d.year_index for d in scholarships.installments_due(s, county.users["jingban"], 2030)] == [1]
        with pytest.raises(ScholarshipError, match="已是“已停发”"):
            scholarships.check_enrolment(s, county.users["jingban"], made[1].id, checked_on=date(2027, 9, 1),
                                         still_enrolled=True, today=date(2027, 9, 1))
        assert scholarships.stop_plan(s, county.users["shenhe"], app.id, "家庭已脱困，余款不再发放") == [1]
        with pytest.raises(ScholarshipError, match="已没有待发放"):
            scholarships.stop_plan(s, county.users["shenhe"], app.id, "再停一次")
    with county.session() as s:
        assert verify_audit(s).ok


def test_stop_plan_and_cancel_stop_the_installments(county: County, family: Family, round26) -> None:
    yearly_plan_for(county, 2026)
    app = approved(county, daughter_input(round26.id, family))
    with county.session() as s:
        with pytest.raises(PermissionDenied):
            scholarships.stop_plan(s, county.users["jingban"], app.id, "学生休学")
        with pytest.raises(ScholarshipError) as exc:
            scholarships.stop_plan(s, county.users["shenhe"], app.id, "")
        assert exc.value.field == "停发理由"
        assert scholarships.stop_plan(s, county.users["shenhe"], app.id, "学生入伍，保留学籍") == [1, 2, 3, 4]
    assert {i.stop_reason for i in installments(county, app.id)} == {"学生入伍，保留学籍"}
    # an approved plan cancelled by the approver stops as well
    son_plan_round = make_round(county, 2025)
    yearly_plan_for(county, 2025, level="senior_high")
    son = approved(county, son_input(son_plan_round.id, family), today=IN_2025)
    assert [i.status for i in installments(county, son.id)] == ["released", "pending"]
    with county.session() as s:
        scholarships.cancel(s, county.users["shenpi"], son.id, "学生已获其他资助")
    assert {i.status for i in installments(county, son.id)} == {"stopped"}
    assert _row(county, "scholarship", son.id)["status"] == "cancelled"


# --- editing, lists ---------------------------------------------------------------------------------------


def test_editing_a_draft_checks_everything_again(county: County, family: Family, round26) -> None:
    app = apply(county, daughter_input(round26.id, family))
    with county.session() as s:
        saved = scholarships.update_application(s, county.users["clerk2"], app.id,
                                                daughter_input(round26.id, family, school="长安大学"),
                                                expected_version=app.version, today=TODAY)
        assert saved.school == "长安大学" and saved.version == app.version + 1
        with pytest.raises(StaleVersion):
            scholarships.update_application(s, county.users["clerk2"], app.id,
                                            daughter_input(round26.id, family), expected_version=app.version,
                                            today=TODAY)
        with pytest.raises(Excluded):
            scholarships.update_application(s, county.users["clerk2"], app.id,
                                            daughter_input(round26.id, family, funded_elsewhere=True),
                                            expected_version=saved.version, today=TODAY)
    submit_and_review(county, app.id)
    with county.session() as s, pytest.raises(ScholarshipError, match="只有草稿可以修改"):
        scholarships.update_application(s, county.users["jingban"], app.id, daughter_input(round26.id, family),
                                        expected_version=load(county, app.id).version, today=TODAY)
    assert _row(county, "scholarship", app.id)["school"] == "长安大学"


def test_list_and_rows_for_the_screen(county: County, family: Family, round26) -> None:
    daughter = apply(county, daughter_input(round26.id, family))
    son = apply(county, son_input(round26.id, family))
    child = apply(county, migrant_child_input(round26.id))
    submit_and_review(county, son.id)
    user = county.users["jingban"]
    with county.session() as s:
        assert scholarships.list_applications(s, user, round_id=round26.id) == (
            3, [daughter.id, son.id, child.id])
        assert scholarships.list_applications(s, user, round_id=round26.id, order="-amount")[1] == [
            daughter.id, child.id, son.id]
        assert scholarships.list_applications(s, user, text="wl")[1] == [daughter.id]
        assert scholarships.list_applications(s, user, text=DAUGHTER[-6:])[1] == [daughter.id]
        assert scholarships.list_applications(s, user, text="S00003")[1] == [child.id]
        assert scholarships.list_applications(s, user, status="reviewed")[1] == [son.id]
        assert scholarships.list_applications(s, user, level="高中")[1] == [son.id]
        assert scholarships.list_applications(s, user, school="职业")[1] == [child.id]
        assert scholarships.list_applications(s, user, unit=county.grassroots_id)[1] == [daughter.id, son.id]
        assert scholarships.list_applications(s, user, offset=1, limit=1) == (3, [son.id])
        rows = scholarships.application_rows(s, user, [child.id, daughter.id])
    assert [r.id for r in rows] == [child.id, daughter.id]
    kid, girl = rows
    assert girl.masked_id == DAUGHTER[:4] + "**********" + DAUGHTER[-4:] and girl.age == 18
    assert (girl.filed, girl.household_name, girl.file_no, girl.unit_name) == (True, "王建国", family.file_no,
                                                                              "名州镇总工会")
    assert (girl.level_label, girl.plan_label, girl.status_label) == ("本科", "一次性发放", "草稿")
    assert (kid.filed, kid.household_name, kid.file_no, kid.amount_fen) == (False, "张三", "", 400_000)


def test_every_write_is_audited_and_the_chain_holds(county: County, family: Family, round26) -> None:
    yearly_plan_for(county, 2026)
    app = approved(county, daughter_input(round26.id, family))
    with closing(connect(county.path)) as conn:
        actions = [r[0] for r in conn.execute(
            "SELECT action FROM audit_event WHERE entity_id = ? ORDER BY seq", (app.id,))]
        plan = json.loads(conn.execute("SELECT changes FROM audit_event WHERE action = 'plan'").fetchone()[0])
    assert actions == ["create", "workflow:submit", "workflow:review", "workflow:approve", "plan"]
    assert plan["installments"][0] == [1, 2026, 500_000, "released"]
    with county.session() as s:
        assert verify_audit(s).ok


# --- the demo -----------------------------------------------------------------------------------------------


def test_demo_has_past_rounds_with_one_off_and_multi_year_plans(tmp_path) -> None:
    from assist_desktop.services.demo import generate_demo
    from assist_desktop.services.maintenance import check_database
    from assist_desktop.storage.schema import open_database

    path = tmp_path / "demo.sqlite"
    with open_database(path) as db:
        generate_demo(db, 300, seed=5, today=date(2026, 11, 21))
    assert check_database(path).ok
    with closing(connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        rounds = conn.execute("SELECT * FROM scholarship_round ORDER BY year").fetchall()
        apps = conn.execute("SELECT * FROM scholarship").fetchall()
        insts = conn.execute("SELECT * FROM installment").fetchall()
        paid = {r["grant_id"]: r for r in conn.execute("SELECT * FROM disbursement")}
        standards = conn.execute("SELECT key, filed, plan, year FROM policy_standard WHERE program = 'scholarship'"
                                 ).fetchall()
        sequences = dict(conn.execute("SELECT prefix, last FROM number_sequence").fetchall())
    assert [r["year"] for r in rounds] == [2025, 2026]
    assert {a["plan"] for a in apps} == {"one_off", "yearly"}
    assert any(a["unfiled_household_id"] for a in apps) and any(a["file_id"] for a in apps)
    plan_of = {(s["year"], s["key"], bool(s["filed"])): s["plan"] for s in standards}
    by_id = {a["id"]: a for a in apps}
    round_year = {r["id"]: r["year"] for r in rounds}
    for a in apps:
        year = round_year[a["round_id"]]
        rule = scholarships.LEVEL_RULES[a["education_level"]]
        assert a["plan"] == plan_of[(year, a["education_level"], a["file_id"] is not None)]
        assert rule.min_years <= a["study_years"] <= rule.max_years and a["admission_year"] <= year
        born = date.fromisoformat(a["student_birth_date"])
        age = year - born.year - ((9, 1) < (born.month, born.day))
        assert rule.min_age <= age <= rule.max_age
        if a["plan"] == "one_off":
            assert a["id"] in paid and paid[a["id"]]["amount_fen"] == a["amount_fen"]
    for i in insts:
        owner = by_id[i["scholarship_id"]]
        assert owner["plan"] == "yearly"
        assert (i["status"] == "paid") == (i["id"] in paid)
    assert {i["status"] for i in insts} >= {"paid", "pending"}
    for r in rounds:  # within budget, counting the installments carried from earlier plans
        new = sum(a["amount_fen"] for a in apps if a["round_id"] == r["id"] and a["status"] in ("approved", "paid"))
        carried = sum(i["amount_fen"] for i in insts if i["academic_year"] == r["year"] and i["status"] != "stopped"
                      and by_id[i["scholarship_id"]]["round_id"] != r["id"])
        assert new + carried <= r["budget_fen"]
        numbers = [a["application_no"] for a in apps if a["round_id"] == r["id"]]
        assert sequences[f"scholarship:610826:{r['year']}"] == len(numbers)
