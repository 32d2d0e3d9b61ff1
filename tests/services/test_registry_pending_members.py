"""A household known from a ledger row only (家庭人口 and income, no member rows): its declared size and income
are kept as stated while fewer people are listed (成员待补录), the registry filters on it, and adding the members
later recomputes the figures and records the change in the file's history. Every problem of a file at once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assist_desktop.domain.errors import DomainError
from assist_desktop.services import registry
from assist_desktop.services.file_history import file_history
from assist_desktop.services.registry import FileErrors, FileInput, MemberInput
from assist_desktop.services.search import FileFilters
from tests.services.conftest import TODAY, County, make_id


def _pending(county: County) -> FileInput:
    return FileInput(name="阿卜杜热合曼·买买提依明·艾则孜", id_number=make_id("19800315", 123), phone="",
                     address="陕西省榆林市绥德县名州镇张家村12号", employer_name="绥德县兴业建筑工程有限公司",
                     unit_id=county.grassroots_id, primary_cause=6, secondary_causes=(9,),
                     declared_household_size=4, declared_annual_income_fen=2_400_000, other_contact="0912-5621234",
                     filed_on=TODAY.replace(year=2019, month=3, day=1), former_file_no="SD2019-0042")


def test_a_declared_household_is_kept_as_stated_until_its_members_are_listed(county: County) -> None:
    user = county.users["jingban"]
    with county.session() as s:
        checked = registry.check_file(s, _pending(county), today=TODAY, mobile_optional=True)
    fig = checked.figures
    # (24,000 − 0) ÷ 12 ÷ 4 = 500 yuan, below the line of 770: deep hardship on the ledger's figures
    assert (fig.household_size, fig.annual_income_fen, fig.per_capita_fen, fig.members_pending) == (4, 2_400_000, 50_000, True)
    assert checked.category == "deep" and checked.members == []
    with county.session() as s, pytest.raises(DomainError, match="手机号码不能为空"):
        registry.create_file(s, user, _pending(county), today=TODAY)  # the form itself still asks for a mobile
    with county.session() as s:
        hf = registry.create_file(s, user, replace(_pending(county), phone="13912345678"), today=TODAY)
        file_id, version = hf.id, hf.version
    assert county.count("hardship_file", "members_pending AND declared_household_size = 4 AND household_size = 4 "
                                         "AND declared_annual_income_fen = 2400000 AND filed_on = '2019-03-01' "
                                         "AND former_file_no = 'SD2019-0042'") == 1
    assert county.count("member") == 0  # no invented members
    with county.session() as s:
        assert registry.search(s, user, "", filters=FileFilters(flags=frozenset({"members_pending"})))[0] == 1
    # two of the three are entered: still pending, still on the ledger's figures
    wife = MemberInput(name="阿依古丽", relation="spouse", id_number=make_id("19820611", 224), monthly_income_fen=60_000)
    son = MemberInput(name="买买提", relation="son", id_number=make_id("20090901", 331))
    daughter = MemberInput(name="古丽", relation="daughter", id_number=make_id("20120101", 222))
    data = replace(_pending(county), phone="13912345678", members=[wife, son])
    with county.session() as s:
        hf = registry.update_file(s, user, file_id, data, expected_version=version, today=TODAY)
        version = hf.version
        assert (hf.members_pending, hf.household_size, hf.household_annual_income_fen) == (True, 4, 2_400_000)
    # everyone listed: the household is its members now, the ledger's figures go, and the history says so
    with county.session() as s:
        hf = registry.update_file(s, user, file_id, replace(data, members=[wife, son, daughter]),
                                  expected_version=version, today=TODAY)
        assert (hf.members_pending, hf.household_size, hf.declared_household_size) == (False, 4, None)
        assert hf.household_annual_income_fen == 60_000 * 12  # the wife's wage; the other income is entered apart
        assert hf.per_capita_monthly_income_fen == 15_000
        entries = file_history(s, user, file_id)
    latest = entries[-1] if entries[-1].action == "update" else entries[0]
    assert "成员待补录：是 → 否" in latest.detail and "台账登记家庭人口：4 → 空" in latest.detail
    assert "家庭年度总收入：24,000.00元 → 7,200.00元" in latest.detail
    with county.session() as s:
        assert registry.search(s, user, "", filters=FileFilters(flags=frozenset({"members_pending"})))[0] == 0


def test_every_problem_of_a_file_at_once(county: County) -> None:
    bad = replace(_pending(county), name="", id_number="610826198003151230", phone="123", address="",
                  primary_cause=11, members=[MemberInput(name="李1", relation="邻居")])
    with county.session() as s, pytest.raises(FileErrors) as caught:
        registry.check_file(s, bad, today=TODAY, all_errors=True)
    fields = [e.field for e in caught.value.errors]
    assert fields == ["姓名", "身份证号", "手机号码", "家庭住址", "主要致困原因", "家庭成员姓名"], \
        [e.message for e in caught.value.errors]
    with county.session() as s, pytest.raises(registry.RegistryError) as first:
        registry.check_file(s, bad, today=TODAY)  # the form's save: the first problem, as before
    assert not isinstance(first.value, FileErrors) and first.value.field == "姓名"


def test_the_printed_file_form_shows_the_declared_size_and_the_members_to_complete(county: County) -> None:
    from assist_desktop.services import printing
    from tests.reports import pdftools

    with county.session() as s:
        hf = registry.create_file(s, county.users["jingban"], replace(_pending(county), phone="13912345678"),
                                  today=TODAY)
        pdf = printing.file_form_pdf(s, county.users["jingban"], hf.id, today=TODAY)
    flat = pdftools.squeeze(pdftools.text(pdf))
    assert "4人" in flat
    assert "成员待补录" in flat and "家庭人口4人为台账登记数，已列出1人，其余3人待补录" in flat
