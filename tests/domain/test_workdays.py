"""Working days by China's official calendar, with the real arrangements of 2025 and 2026 (国务院办公厅
关于2025年、2026年部分节假日安排的通知): holidays are days off, the 调休 Saturdays and Sundays are worked,
and a year nobody entered is refused rather than counted Monday to Friday."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assist_desktop.domain.workdays import LIBRARY_YEARS, CalendarUnknown, OfficialCalendar, OfficialDay

CAL = OfficialCalendar()

# 2026 as the State Council published it (国办发明电〔2025〕7号): the days off of each holiday, and the
# Saturdays and Sundays worked instead
ARRANGEMENT_2026 = {
    "元旦": ((date(2026, 1, 1), date(2026, 1, 3)), (date(2026, 1, 4),)),
    "春节": ((date(2026, 2, 15), date(2026, 2, 23)), (date(2026, 2, 14), date(2026, 2, 28))),
    "清明节": ((date(2026, 4, 4), date(2026, 4, 6)), ()),
    "劳动节": ((date(2026, 5, 1), date(2026, 5, 5)), (date(2026, 5, 9),)),
    "端午节": ((date(2026, 6, 19), date(2026, 6, 21)), ()),
    "中秋节": ((date(2026, 9, 25), date(2026, 9, 27)), ()),
    "国庆节": ((date(2026, 10, 1), date(2026, 10, 7)), (date(2026, 9, 20), date(2026, 10, 10))),
}


def _entered(arrangement: dict) -> list[OfficialDay]:
    days = []
    for name, ((first, last), worked) in arrangement.items():
        days += [OfficialDay(first + timedelta(days=i), False, name) for i in range((last - first).days + 1)]
        days += [OfficialDay(day, True, name) for day in worked]
    return days


def test_the_library_knows_2025_and_2026():
    assert 2025 in LIBRARY_YEARS and 2026 in LIBRARY_YEARS


def test_spring_festival_week_is_off_and_its_saturdays_are_worked():
    # 2026: 15–23 February off (a Sunday to a Monday), Saturdays 14 and 28 February worked
    assert [CAL.is_workday(date(2026, 2, d)) for d in range(13, 25)] == [
        True, True, False, False, False, False, False, False, False, False, False, True]
    assert CAL.is_makeup_workday(date(2026, 2, 14)) and CAL.is_makeup_workday(date(2026, 2, 28))
    assert CAL.holiday_name(date(2026, 2, 17)) == "春节" and CAL.holiday_name(date(2026, 2, 14)) == ""
    # 2025: 28 January – 4 February off, Sunday 26 January and Saturday 8 February worked
    assert CAL.is_workday(date(2025, 1, 26)) and CAL.is_workday(date(2025, 2, 8))
    assert not any(CAL.is_workday(date(2025, 1, 28) + timedelta(days=i)) for i in range(8))
    assert CAL.working_days(date(2025, 1, 27), date(2025, 2, 9)) == 5  # 27 Jan, 5–7 Feb and Saturday 8 Feb


def test_a_notice_over_the_spring_festival_runs_into_the_next_week():
    # posted Wednesday 11 February 2026 for 5 working days: 11, 12, 13, Saturday 14 (调休), then the
    # holiday, then Tuesday 24 February; Monday to Friday counting would have ended on Tuesday 17 (a holiday)
    assert CAL.notice_last_day(date(2026, 2, 11), 5) == date(2026, 2, 24)
    assert CAL.notice_approval_from(date(2026, 2, 11), 5) == date(2026, 2, 25)
    # 2025: posted Thursday 23 January: 23, 24, Sunday 26 (调休), 27, then 28 Jan – 4 Feb off: Wednesday 5 February
    assert CAL.notice_last_day(date(2025, 1, 23), 5) == date(2025, 2, 5)
    # National Day 2025: posted Friday 26 September: 26, Sunday 28 (调休), 29, 30, then 1–8 October off: 9 October
    assert CAL.notice_last_day(date(2025, 9, 26), 5) == date(2025, 10, 9)


def test_a_notice_posted_on_a_day_off_starts_counting_on_the_next_working_day():
    # Sunday 1 November 2026: Monday 2 to Friday 6
    assert CAL.notice_last_day(date(2026, 11, 1), 5) == date(2026, 11, 6)
    # posted on a 调休 Saturday, that Saturday counts: Saturday 28 February 2026, then 2–5 March
    assert CAL.notice_last_day(date(2026, 2, 28), 5) == date(2026, 3, 5)
    # posted on the first day of National Day 2026: 8, 9, Saturday 10 (调休), 12, 13 October
    assert CAL.notice_last_day(date(2026, 10, 1), 5) == date(2026, 10, 13)


def test_a_year_nobody_entered_is_refused_not_guessed():
    year = max(LIBRARY_YEARS) + 1
    with pytest.raises(CalendarUnknown) as caught:
        CAL.notice_last_day(date(year - 1, 12, 28), 5)  # runs into the new year
    assert f"{year}年的法定节假日安排尚未录入" in caught.value.message and "设置" in caught.value.message
    assert caught.value.year == year and "公示期" in caught.value.message


def test_the_administrators_days_for_a_year_the_library_does_not_know():
    # the library narrowed to before 2026: 2026 is unknown …
    older = range(LIBRARY_YEARS.start, 2026)
    with pytest.raises(CalendarUnknown):
        OfficialCalendar(library_years=older).is_workday(date(2026, 3, 2))
    # … until the administrator enters the State Council's arrangement; then every day of the year agrees
    entered = OfficialCalendar(_entered(ARRANGEMENT_2026), library_years=older)
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert entered.is_workday(day) == CAL.is_workday(day), day
        day += timedelta(days=1)
    assert entered.notice_last_day(date(2026, 2, 11), 5) == date(2026, 2, 24)
    assert entered.holiday_name(date(2026, 10, 3)) == "国庆节"


def test_an_entered_day_wins_over_the_library():
    # a county corrects the library: Monday 2 March 2026 declared a day off, Saturday 7 March worked
    cal = OfficialCalendar([OfficialDay(date(2026, 3, 2), False, "地方假日"), OfficialDay(date(2026, 3, 7), True, "调休")])
    assert not cal.is_workday(date(2026, 3, 2)) and cal.is_workday(date(2026, 3, 7))
    assert cal.holiday_name(date(2026, 3, 2)) == "地方假日"
    assert cal.notice_last_day(date(2026, 3, 2), 5) == date(2026, 3, 7)


def test_the_special_days_of_a_year_list_the_library_and_the_entered():
    days = {d.day: (d.workday, d.name, entered) for d, entered in CAL.special_days(2026)}
    assert days[date(2026, 2, 16)] == (False, "春节", False) and days[date(2026, 2, 14)] == (True, "春节", False)
    assert len([d for d in days.values() if d[0]]) == 6  # the six 调休 days of 2026
    cal = OfficialCalendar([OfficialDay(date(2026, 3, 7), True, "地方调休")])
    assert (True, "地方调休", True) in {(d.workday, d.name, e) for d, e in cal.special_days(2026)}
