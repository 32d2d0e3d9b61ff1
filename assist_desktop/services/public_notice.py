"""公示: the public notice's settings and the working days it counts.

- ``notice_settings`` / ``save_notice_settings``: how many working days a notice runs (5 unless the
  administrator sets another number), and the 联系人 and 监督电话 every printed notice names.
- ``official_calendar``: China's official calendar (``domain.workdays``: the ``chinesecalendar`` library
  plus the administrator's ``official_day`` rows), read once per transaction, so a batch approval of a
  thousand items reads the table once.
- ``notice_period``: a notice's first day, last day and the first day it may be approved — what the
  approval gate checks and what every form prints.
- ``enter_holidays`` / ``enter_makeup_workday`` / ``remove_official_days``: the administrator enters a
  year's arrangement as the State Council publishes it (春节：2月6日至14日放假，2月1日、2月20日上班).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.domain.workdays import (
    LIBRARY_YEARS,
    MAX_NOTICE_DAYS,
    CalendarUnknown,
    OfficialCalendar,
)
from assist_desktop.domain.workdays import OfficialDay as Day
from assist_desktop.services.base import Refusal, audit, require_role, unit_of_work
from assist_desktop.services.setup import require_initialised
from assist_desktop.storage.models import Meta, OfficialDay, User

NOTICE_DAYS_KEY = "public_notice_working_days"
CONTACT_PERSON_KEY = "public_notice_contact_person"
SUPERVISION_PHONE_KEY = "public_notice_supervision_phone"
DEFAULT_NOTICE_WORKING_DAYS = 5
CONTACT_MAX = 30
PHONE_MAX = 32
HOLIDAY_NAME_MAX = 40
_PHONE = re.compile(r"[0-9０-９()（）\-－ ,，、/转]+")
_CACHE = "official_calendar"


class NoticeSettingsError(DomainError):
    """Bad input on the 公示与节假日 settings."""


@dataclass(frozen=True)
class NoticeSettings:
    days: int = DEFAULT_NOTICE_WORKING_DAYS
    contact_person: str = ""
    supervision_phone: str = ""


@dataclass(frozen=True)
class NoticePeriod:
    start: date
    days: int
    last_day: date
    approval_from: date


@dataclass(frozen=True)
class YearArrangement:
    """What is known of one year's arrangement: from the library, the administrator, or both."""

    year: int
    in_library: bool
    holidays_entered: int
    workdays_entered: int

    @property
    def known(self) -> bool:
        return self.in_library or bool(self.holidays_entered or self.workdays_entered)


def _meta(session: Session, key: str) -> str | None:
    row = session.get(Meta, key)
    return row.value if row is not None else None


def notice_working_days(session: Session) -> int:
    """The public-notice period in working days (set by the admin; 5 by default)."""
    value = _meta(session, NOTICE_DAYS_KEY)
    try:
        return min(MAX_NOTICE_DAYS, max(1, int(value))) if value else DEFAULT_NOTICE_WORKING_DAYS
    except ValueError:
        return DEFAULT_NOTICE_WORKING_DAYS


def notice_settings(session: Session) -> NoticeSettings:
    unit = require_initialised(session)
    phone = _meta(session, SUPERVISION_PHONE_KEY)
    return NoticeSettings(notice_working_days(session), _meta(session, CONTACT_PERSON_KEY) or "",
                          phone if phone is not None else (unit.contact_phone or ""))


def save_notice_settings(session: Session, user: User, *, days: int | str, contact_person: str,
                         supervision_phone: str) -> NoticeSettings:
    """The administrator sets the notice's working days, 联系人 and 监督电话 (one transaction, audited)."""
    with unit_of_work(session, user, Refusal("meta", None, "notice_settings")):
        require_role(session, user, Role.admin, doing="修改公示设置")
        try:
            count = int(str(days).strip())
        except ValueError:
            raise NoticeSettingsError(f"公示天数“{days}”不是整数。", field="公示工作日数") from None
        if not 1 <= count <= MAX_NOTICE_DAYS:
            raise NoticeSettingsError(f"公示天数须在1至{MAX_NOTICE_DAYS}个工作日之间。", field="公示工作日数")
        person = " ".join((contact_person or "").split())
        if len(person) > CONTACT_MAX:
            raise NoticeSettingsError(f"联系人过长（最多{CONTACT_MAX}字）。", field="联系人")
        phone = " ".join((supervision_phone or "").split())
        if len(phone) > PHONE_MAX:
            raise NoticeSettingsError(f"监督电话过长（最多{PHONE_MAX}个字符）。", field="监督电话")
        if phone and not _PHONE.fullmatch(phone):
            raise NoticeSettingsError(f"监督电话“{phone}”只能含数字、括号、横线和“转”（如 0912-5621234）。",
                                      field="监督电话")
        before = notice_settings(session)
        after = NoticeSettings(count, person, phone)
        for key, value in ((NOTICE_DAYS_KEY, str(count)), (CONTACT_PERSON_KEY, person),
                           (SUPERVISION_PHONE_KEY, phone)):
            row = session.get(Meta, key)
            if row is None:
                session.add(Meta(key=key, value=value))
            else:
                row.value = value
        changes = {k: [getattr(before, k), getattr(after, k)] for k in ("days", "contact_person", "supervision_phone")
                   if getattr(before, k) != getattr(after, k)}
        if changes:
            audit(session, user, None, "notice_settings", changes, entity_type="meta")
        return after


# --- the calendar ----------------------------------------------------------------------------------------


def official_calendar(session: Session) -> OfficialCalendar:
    """The official calendar with the administrator's days, read once per transaction."""
    transaction = session.get_transaction()
    cached = session.info.get(_CACHE)
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1]
    calendar = OfficialCalendar(Day(r.day, r.workday, r.name) for r in session.exec(select(OfficialDay)))
    session.info[_CACHE] = (transaction, calendar)
    return calendar


def notice_period(session: Session, start: date, days: int | None = None) -> NoticePeriod:
    """The period of a notice posted on ``start``; ``CalendarUnknown`` if it runs into a year not known."""
    days = days or notice_working_days(session)
    calendar = official_calendar(session)
    last = calendar.notice_last_day(start, days)
    return NoticePeriod(start, days, last, last + timedelta(days=1))


def official_days(session: Session, year: int | None = None) -> list[OfficialDay]:
    stmt = select(OfficialDay).order_by(OfficialDay.day)
    if year is not None:
        stmt = stmt.where(OfficialDay.day >= date(year, 1, 1), OfficialDay.day <= date(year, 12, 31))
    return list(session.exec(stmt))


def arrangements(session: Session, *, around: int) -> list[YearArrangement]:
    """The years from the library's first to the year after ``around`` (and any entered), newest first."""
    entered = Counter((r.day.year, r.workday) for r in session.exec(select(OfficialDay)))
    years = set(LIBRARY_YEARS) | {y for y, _ in entered} | {around, around + 1}
    return [YearArrangement(y, y in LIBRARY_YEARS, entered[(y, False)], entered[(y, True)])
            for y in sorted(years, reverse=True)]


@dataclass(frozen=True)
class DayRow:
    day: date
    workday: bool  # True: 调休上班
    name: str
    entered: bool  # by the administrator (else from the library)


def year_days(session: Session, year: int) -> list[DayRow]:
    """A year's days off and make-up working days, the library's and the administrator's, by date."""
    return [DayRow(d.day, d.workday, d.name, entered) for d, entered in official_calendar(session).special_days(year)]


def _check_name(name: str) -> str:
    shown = " ".join((name or "").split())
    if not shown:
        raise NoticeSettingsError("请填写节日名称（如“春节”）。", field="节日名称")
    if len(shown) > HOLIDAY_NAME_MAX:
        raise NoticeSettingsError(f"节日名称过长（最多{HOLIDAY_NAME_MAX}字）。", field="节日名称")
    return shown


def _upsert(session: Session, user: User, day: date, workday: bool, name: str) -> None:
    row = session.get(OfficialDay, day)
    if row is None:
        session.add(OfficialDay(day=day, workday=workday, name=name, entered_by_name=user.display_name))
    else:
        row.workday, row.name, row.entered_by_name = workday, name, user.display_name


def enter_holidays(session: Session, user: User, first: date, last: date, name: str) -> int:
    """Enter the days off ``first``–``last`` of a holiday (weekends inside included, as the notice counts
    them). Returns how many days were entered."""
    with unit_of_work(session, user, Refusal("official_day", None, "enter")):
        require_role(session, user, Role.admin, doing="录入节假日安排")
        shown = _check_name(name)
        if last < first:
            raise NoticeSettingsError("放假的结束日期早于开始日期。", field="放假结束")
        if (last - first).days > 15:
            raise NoticeSettingsError("一次录入的放假日不能超过16天，请分节日录入。", field="放假结束")
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        for day in days:
            _upsert(session, user, day, False, shown)
        audit(session, user, None, "official_days", {"holiday": shown, "from": first.isoformat(),
                                                     "to": last.isoformat()}, entity_type="official_day")
        session.info.pop(_CACHE, None)
        return len(days)


def enter_makeup_workday(session: Session, user: User, day: date, name: str) -> None:
    """Enter a make-up working day (调休上班) of a holiday: a Saturday or Sunday worked."""
    with unit_of_work(session, user, Refusal("official_day", None, "enter")):
        require_role(session, user, Role.admin, doing="录入节假日安排")
        shown = _check_name(name)
        if day.weekday() < 5:
            raise NoticeSettingsError(f"{day.year}年{day.month}月{day.day}日是星期{'一二三四五'[day.weekday()]}，"
                                      "本来就是工作日；调休上班日是周六或周日。", field="调休上班日")
        _upsert(session, user, day, True, shown)
        audit(session, user, None, "official_days", {"makeup_workday": day.isoformat(), "holiday": shown},
              entity_type="official_day")
        session.info.pop(_CACHE, None)


def remove_official_days(session: Session, user: User, days: list[date]) -> int:
    """Take entered days out of the table (the library's arrangement, if any, applies again)."""
    with unit_of_work(session, user, Refusal("official_day", None, "remove")):
        require_role(session, user, Role.admin, doing="修改节假日安排")
        if not days:
            return 0
        result = session.execute(delete(OfficialDay).where(OfficialDay.day.in_(days)))
        audit(session, user, None, "official_days", {"removed": sorted(d.isoformat() for d in days)},
              entity_type="official_day")
        session.info.pop(_CACHE, None)
        return int(result.rowcount or 0)


__all__ = ["CONTACT_PERSON_KEY", "CalendarUnknown", "DayRow", "DEFAULT_NOTICE_WORKING_DAYS", "NOTICE_DAYS_KEY", "NoticePeriod",
           "NoticeSettings", "NoticeSettingsError", "SUPERVISION_PHONE_KEY", "YearArrangement", "arrangements",
           "enter_holidays", "enter_makeup_workday", "notice_period", "notice_settings", "notice_working_days",
           "official_calendar", "official_days", "remove_official_days", "save_notice_settings", "year_days"]
