"""Shared pieces of the scholarship and payment tests: a filed family with two children at school,
an unfiled migrant worker's family, rounds, and the steps that bring an application to approval.

Imported by test_scholarships.py and test_payments.py (tests/services/conftest.py stays as it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from assist_desktop.services import approvals, policy_admin, registry, scholarships
from assist_desktop.services.registry import FileInput, MemberInput
from assist_desktop.services.scholarships import ApplicationInput, RoundInput, UnfiledInput
from assist_desktop.storage import models as m

from .conftest import TODAY, County, make_id

SON = make_id("20090901", 331)  # 王浩 (the household fixture): senior high since 2024, three years
DAUGHTER = make_id("20080310", 442)  # 王丽: undergraduate from 2026, four years
MIGRANT = make_id("19780412", 551)  # 张三, a migrant worker without a file
MIGRANT_CHILD = make_id("20080705", 613)  # 张小明, his son, higher vocational from 2026
IN_2025 = date(2025, 9, 15)  # inside the 2025 round's window


@dataclass
class Family:
    file_id: str
    file_no: str


def activate(county: County, file_id: str, today: date = TODAY) -> None:
    with county.session() as s:
        approvals.submit(s, county.users["jingban"], "hardship_file", file_id, today=date(2026, 11, 2))
        approvals.review(s, county.users["shenhe"], "hardship_file", file_id, today=date(2026, 11, 3))
        approvals.put_on_notice(s, county.users["shenhe"], "hardship_file", file_id, today=date(2026, 11, 3))
        approvals.approve(s, county.users["shenpi"], "hardship_file", file_id, today=today)


def file_family(county: County, data: FileInput, *, active: bool = True) -> Family:
    with county.session() as s:
        hf = registry.create_file(s, county.users["jingban"], data, today=TODAY)
    if active:
        activate(county, hf.id)
    return Family(hf.id, hf.file_no)


@pytest.fixture
def family_input(household: FileInput) -> FileInput:
    household.members.append(MemberInput(
        name="王丽", relation="daughter", id_number=DAUGHTER, identity="student", unit_or_school="西北大学",
        education_level="undergraduate", admission_year=2026, study_years=4))
    return household


@pytest.fixture
def family(county: County, family_input: FileInput) -> Family:
    """王建国's active file: deep hardship; his son 王浩 at senior high, his daughter 王丽 entering university."""
    return file_family(county, family_input)


def make_round(county: County, year: int = 2026, *, budget_fen: int = 100_000_00, requires_notice: bool = False,
               start: date | None = None, end: date | None = None, user: str = "shenpi") -> m.ScholarshipRound:
    window = (date(2025, 9, 1), date(2025, 10, 31)) if year == 2025 else (date(year, 11, 1), date(year, 12, 31))
    with county.session() as s:
        return scholarships.create_round(
            s, county.users[user], RoundInput(year=year, apply_start=start or window[0], apply_end=end or window[1],
                                              budget_fen=budget_fen, requires_notice=requires_notice), today=TODAY)


@pytest.fixture
def round26(county: County) -> m.ScholarshipRound:
    """The 2026 round: applications 1 Nov – 31 Dec (TODAY is 20 Nov), 100,000 yuan, no public notice."""
    return make_round(county)


def daughter_input(round_id: str, family: Family, **changes: object) -> ApplicationInput:
    values: dict[str, object] = dict(
        round_id=round_id, file_id=family.file_id, student_name="王丽", student_id_number=DAUGHTER,
        school="西北大学", major="计算机科学与技术", education_level="undergraduate", admission_year=2026,
        study_years=4, admission_notice_no="2026610001234")
    values.update(changes)
    return ApplicationInput(**values)  # type: ignore[arg-type]


def son_input(round_id: str, family: Family, **changes: object) -> ApplicationInput:
    values: dict[str, object] = dict(
        round_id=round_id, file_id=family.file_id, student_name="王浩", student_id_number=SON,
        school="绥德中学", education_level="senior_high", admission_year=2024, study_years=3)
    values.update(changes)
    return ApplicationInput(**values)  # type: ignore[arg-type]


def migrant_parent(**changes: object) -> UnfiledInput:
    values: dict[str, object] = dict(name="张三", id_number=MIGRANT, kind="migrant_worker", phone="13700001111",
                                     employer_name="榆林市顺达物流有限公司", address="绥德县名州镇上街8号")
    values.update(changes)
    return UnfiledInput(**values)  # type: ignore[arg-type]


def migrant_child_input(round_id: str, **changes: object) -> ApplicationInput:
    values: dict[str, object] = dict(
        round_id=round_id, unfiled=migrant_parent(), student_name="张小明", student_id_number=MIGRANT_CHILD,
        school="陕西职业技术学院", major="物流管理", education_level="vocational_college", admission_year=2026,
        study_years=3)
    values.update(changes)
    return ApplicationInput(**values)  # type: ignore[arg-type]


def apply(county: County, data: ApplicationInput, *, user: str = "jingban", today: date = TODAY) -> m.Scholarship:
    with county.session() as s:
        return scholarships.create_application(s, county.users[user], data, today=today)


def submit_and_review(county: County, scholarship_id: str, *, today: date = TODAY) -> None:
    with county.session() as s:
        approvals.submit(s, county.users["jingban"], "scholarship", scholarship_id, today=today)
        approvals.review(s, county.users["shenhe"], "scholarship", scholarship_id, today=today)


def approve(county: County, scholarship_id: str, *, user: str = "shenpi", today: date = TODAY, **kw: object):
    with county.session() as s:
        return scholarships.approve(s, county.users[user], scholarship_id, today=today, **kw)  # type: ignore[arg-type]


def approved(county: County, data: ApplicationInput, *, today: date = TODAY) -> m.Scholarship:
    """An application taken, submitted, reviewed and approved on ``today``."""
    app = apply(county, data, today=today)
    submit_and_review(county, app.id, today=today)
    approve(county, app.id, today=today)
    return load(county, app.id)


def load(county: County, scholarship_id: str) -> m.Scholarship:
    with county.session() as s:
        return s.get(m.Scholarship, scholarship_id)


def installments(county: County, scholarship_id: str) -> list[m.Installment]:
    with county.session() as s:
        return scholarships.installments_of(s, scholarship_id)


def yearly_plan_for(county: County, year: int, level: str = "undergraduate") -> None:
    """The administrator makes ``level`` a plan paid every year until graduation (both household kinds)."""
    with county.session() as s:
        policy_admin.set_standard(s, county.users["admin"], program="scholarship", year=year, key=level, filed=True,
                                  plan="yearly", reason="榆林市总工会2026年金秋助学通知：本科生按年资助至毕业",
                                  today=TODAY)
