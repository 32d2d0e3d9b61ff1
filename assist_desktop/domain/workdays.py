"""Working days by China's official calendar: public holidays are days off, and the make-up working days
(调休, usually a Saturday or Sunday next to a holiday) are working days.

The arrangement of each year is published by the General Office of the State Council (国务院办公厅关于
某年部分节假日安排的通知), usually in November of the year before. ``chinesecalendar`` (a maintained
library) carries the years published up to its release; ``OfficialCalendar`` adds the days the
administrator entered on the 设置 page (``official_day``) for a year the library does not know yet, or to
correct it. A day the administrator entered wins over the library.

A date in a year that neither knows is refused (``CalendarUnknown``) rather than guessed: counting Monday
to Friday through an unknown Spring Festival would end a public notice days too early, and an approval
given before the notice has run is the fault an audit finds.

The public notice (公示) counts ``days`` working days from the day it is posted: that day is the first if it
is a working day, otherwise the first working day after it; approval is possible from the day after the
last (``notice_last_day`` / ``notice_approval_from``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar import constants as _library

from assist_desktop.domain.errors import DomainError

# what chinesecalendar calls the holidays, as the State Council's notice names them
HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
LIBRARY_YEARS = range(min(_library.holidays).year, max(_library.holidays).year + 1)
MAX_NOTICE_DAYS = 30


class CalendarUnknown(DomainError):
    """The official arrangement of a year is not known here (neither the library nor the administrator's table)."""

    def __init__(self, year: int, doing: str = "") -> None:
        self.year = year
        super().__init__(
            f"{year}年的法定节假日安排尚未录入，无法按工作日计算{doing or '日期'}。请管理员按国务院办公厅公布的"
            f"{year}年节假日安排，在“设置 → 公示与节假日”中录入放假日和调休上班日。", field="节假日安排")


@dataclass(frozen=True)
class OfficialDay:
    """A day the administrator entered: a day off (``workday`` False) or a make-up working day (True)."""

    day: date
    workday: bool
    name: str = ""


class OfficialCalendar:
    """The library's arrangement plus the administrator's days; years covered by either are known."""

    def __init__(self, entered: Iterable[OfficialDay] = (), *, library_years: range = LIBRARY_YEARS) -> None:
        self.entered: Mapping[date, OfficialDay] = {d.day: d for d in entered}
        self.entered_years = frozenset(d.year for d in self.entered)
        self.library_years = library_years  # a test narrows it to check an entered year against the library

    def knows(self, year: int) -> bool:
        return year in self.library_years or year in self.entered_years

    def _check(self, day: date, doing: str = "") -> None:
        if not self.knows(day.year):
            raise CalendarUnknown(day.year, doing)

    def is_workday(self, day: date, *, doing: str = "") -> bool:
        self._check(day, doing)
        own = self.entered.get(day)
        if own is not None:
            return own.workday
        if day.year in self.library_years:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5  # an entered year: its weekends are off unless entered as 调休

    def holiday_name(self, day: date) -> str:
        """The holiday a day off belongs to (春节 …); empty for a weekend or a working day."""
        own = self.entered.get(day)
        if own is not None:
            return "" if own.workday else own.name
        if day.year in self.library_years:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            if name and on_holiday:
                return HOLIDAY_NAMES.get(name, name)
        return ""

    def special_days(self, year: int) -> list[tuple[OfficialDay, bool]]:
        """The year's days off on weekdays and weekend days, and its make-up working days, by date: each
        with whether the administrator entered it (True) or it comes from the library (False)."""
        found: dict[date, tuple[OfficialDay, bool]] = {}
        if year in self.library_years:
            for day, name in _library.holidays.items():
                if day.year == year:
                    found[day] = (OfficialDay(day, False, HOLIDAY_NAMES.get(name, name)), False)
            for day, name in _library.workdays.items():
                if day.year == year:
                    found[day] = (OfficialDay(day, True, HOLIDAY_NAMES.get(name, name)), False)
        for day, own in self.entered.items():
            if day.year == year:
                found[day] = (own, True)
        return [found[d] for d in sorted(found)]

    def is_makeup_workday(self, day: date) -> bool:
        """A Saturday or Sunday that is a working day (调休上班)."""
        return day.weekday() >= 5 and self.is_workday(day)

    def working_days(self, start: date, end: date, *, doing: str = "") -> int:
        """How many working days from ``start`` to ``end``, both included."""
        count, day = 0, start
        while day <= end:
            count += self.is_workday(day, doing=doing)
            day += timedelta(days=1)
        return count

    def nth_working_day(self, start: date, n: int, *, doing: str = "") -> date:
        """The ``n``-th working day counted from ``start`` (``start`` itself is the first if it is one)."""
        if n < 1:
            raise ValueError(n)
        day, counted = start, 0
        while True:
            if self.is_workday(day, doing=doing):
                counted += 1
                if counted == n:
                    return day
            day += timedelta(days=1)

    def notice_last_day(self, start: date, days: int) -> date:
        """The last day of a public notice posted on ``start`` that runs ``days`` working days."""
        return self.nth_working_day(start, days, doing="公示期")

    def notice_approval_from(self, start: date, days: int) -> date:
        """The first day the item on notice may be approved: the day after the notice's last day."""
        return self.notice_last_day(start, days) + timedelta(days=1)


def library_years() -> range:
    return LIBRARY_YEARS


__all__ = ["CalendarUnknown", "HOLIDAY_NAMES", "LIBRARY_YEARS", "MAX_NOTICE_DAYS", "OfficialCalendar", "OfficialDay",
           "library_years"]
