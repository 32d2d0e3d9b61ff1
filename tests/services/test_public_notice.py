"""公示 settings and the official calendar as the services use them: the administrator's notice days, 联系人
and 监督电话 (refusals naming the field, nothing written), the days entered for a year the library does not
know, and the approval gate counting official working days (the 2026 Spring Festival)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from assist_desktop.domain.lifecycle import Action
from assist_desktop.domain.workdays import LIBRARY_YEARS, CalendarUnknown
from assist_desktop.services import approvals, public_notice, registry
from assist_desktop.services.audit import verify_audit
from assist_desktop.services.base import PermissionDenied
from assist_desktop.services.public_notice import NoticeSettingsError
from assist_desktop.services.registry import FileInput

from .conftest import County, make_id

NEXT_YEAR = max(LIBRARY_YEARS) + 1  # a year the library does not know


def _file_on_notice(county: County, household: FileInput, posted: date) -> str:
    data = replace(household, name="马玉兰", id_number=make_id("19760304", 262), members=[])
    with county.session() as s:
        hf = registry.create_file(s, county.users["jingban"], data, today=posted)
        approvals.act(s, county.users["jingban"], "hardship_file", hf.id, Action.submit, today=posted)
        approvals.act(s, county.users["shenhe"], "hardship_file", hf.id, Action.review, today=posted)
        approvals.act(s, county.users["shenhe"], "hardship_file", hf.id, Action.put_on_notice, today=posted)
        return hf.id


def test_settings_default_and_saved(county: County) -> None:
    with county.session() as s:
        assert public_notice.notice_settings(s) == public_notice.NoticeSettings(5, "", "")
        saved = public_notice.save_notice_settings(s, county.users["admin"], days="7", contact_person=" 王  芳 ",
                                                   supervision_phone="0912-5621234")
    assert saved == public_notice.NoticeSettings(7, "王 芳", "0912-5621234")
    with county.session() as s:
        assert public_notice.notice_settings(s) == saved and public_notice.notice_working_days(s) == 7
        assert verify_audit(s).ok
    assert county.count("audit_event", "action = 'notice_settings'") == 1


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"days": "0"}, "公示工作日数", "1至30"), ({"days": "31"}, "公示工作日数", "1至30"),
    ({"days": "五"}, "公示工作日数", "不是整数"), ({"contact_person": "阿" * 31}, "联系人", "过长"),
    ({"supervision_phone": "请拨打一二三"}, "监督电话", "只能含数字"), ({"supervision_phone": "1" * 33}, "监督电话", "过长"),
])
def test_bad_settings_are_refused_by_field_and_nothing_changes(county: County, changes, field, words) -> None:
    values = {"days": 5, "contact_person": "王芳", "supervision_phone": "0912-5621234", **changes}
    before = county.count("meta")
    with county.session() as s, pytest.raises(NoticeSettingsError) as caught:
        public_notice.save_notice_settings(s, county.users["admin"], **values)
    assert caught.value.field == field and words in caught.value.message
    assert county.count("meta") == before


def test_only_the_administrator_changes_the_settings_and_the_calendar(county: County) -> None:
    with county.session() as s:
        with pytest.raises(PermissionDenied):
            public_notice.save_notice_settings(s, county.users["shenpi"], days=3, contact_person="",
                                               supervision_phone="")
        with pytest.raises(PermissionDenied):
            public_notice.enter_holidays(s, county.users["jingban"], date(NEXT_YEAR, 1, 1), date(NEXT_YEAR, 1, 1),
                                         "元旦")
    assert county.count("official_day") == 0 and county.count("audit_event", "action LIKE 'refused:%'") == 2


def test_a_notice_over_the_spring_festival_holds_approval_until_the_working_days_ran(
        county: County, household: FileInput) -> None:
    file_id = _file_on_notice(county, household, date(2026, 2, 11))  # Wednesday before the 2026 Spring Festival
    with county.session() as s:
        with pytest.raises(approvals.ApprovalError) as caught:  # Monday–Friday counting would allow 18 February
            approvals.act(s, county.users["shenpi"], "hardship_file", file_id, Action.approve, today=date(2026, 2, 24))
        assert "至2026年2月24日" in caught.value.message and "2026年2月25日起方可审批" in caught.value.message
        approvals.act(s, county.users["shenpi"], "hardship_file", file_id, Action.approve, today=date(2026, 2, 25))


def test_a_year_not_entered_blocks_the_gate_until_the_administrator_enters_it(
        county: County, household: FileInput) -> None:
    file_id = _file_on_notice(county, household, date(NEXT_YEAR - 1, 12, 28))
    with county.session() as s, pytest.raises(CalendarUnknown) as caught:
        approvals.act(s, county.users["shenpi"], "hardship_file", file_id, Action.approve,
                      today=date(NEXT_YEAR, 1, 20))
    assert f"{NEXT_YEAR}年的法定节假日安排尚未录入" in caught.value.message
    with county.session() as s:
        assert s.get(approvals.HardshipFile, file_id).status == "on_notice"
        # 元旦 1–3 January off, Sunday 4 January worked (as 2026's notice had it)
        assert public_notice.enter_holidays(s, county.users["admin"], date(NEXT_YEAR, 1, 1), date(NEXT_YEAR, 1, 3),
                                            "元旦") == 3
    with county.session() as s:
        arrangement = {a.year: a for a in public_notice.arrangements(s, around=NEXT_YEAR)}[NEXT_YEAR]
        assert arrangement.known and not arrangement.in_library and arrangement.holidays_entered == 3
        period = public_notice.notice_period(s, date(NEXT_YEAR - 1, 12, 28))
        # 28–31 December, then the first working day after 1–3 January
        assert period.days == 5 and period.last_day > date(NEXT_YEAR, 1, 3)
        approvals.act(s, county.users["shenpi"], "hardship_file", file_id, Action.approve,
                      today=date(NEXT_YEAR, 1, 20))
        assert verify_audit(s).ok


def test_entering_a_makeup_day_checks_it_is_a_weekend_and_removal_restores(county: County) -> None:
    with county.session() as s:
        with pytest.raises(NoticeSettingsError) as caught:
            public_notice.enter_makeup_workday(s, county.users["admin"], date(2026, 3, 4), "春节")  # a Wednesday
        assert "星期三" in caught.value.message and caught.value.field == "调休上班日"
        with pytest.raises(NoticeSettingsError):
            public_notice.enter_holidays(s, county.users["admin"], date(2026, 3, 9), date(2026, 3, 2), "春节")
        with pytest.raises(NoticeSettingsError, match="节日名称"):
            public_notice.enter_holidays(s, county.users["admin"], date(2026, 3, 2), date(2026, 3, 2), " ")
        assert county.count("official_day") == 0
        public_notice.enter_makeup_workday(s, county.users["admin"], date(2026, 3, 7), "地方调休")
    with county.session() as s:
        assert public_notice.official_calendar(s).is_workday(date(2026, 3, 7))
        assert public_notice.remove_official_days(s, county.users["admin"], [date(2026, 3, 7)]) == 1
    with county.session() as s:
        assert not public_notice.official_calendar(s).is_workday(date(2026, 3, 7))
