"""Dates as caseworkers type them and as ledgers hold them: 2015-03-01, 2015/3/1, 2015.3.1, 2015年3月1日, 20150301."""

from __future__ import annotations

import re
from datetime import date

from assist_desktop.domain.errors import DomainError

_DATE_PATTERNS = (r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{4})/(\d{1,2})/(\d{1,2})", r"(\d{4})\.(\d{1,2})\.(\d{1,2})",
                  r"(\d{4})年(\d{1,2})月(\d{1,2})日?", r"(\d{4})(\d{2})(\d{2})")


class InvalidDate(DomainError):
    pass


def parse_date_text(text: str, *, label: str, today: date) -> date | None:
    """'2015-03-01', '2015/3/1', '2015年3月1日' or '20150301' → date; empty → None; not after today."""
    value = (text or "").strip().replace(" ", "")
    if not value:
        return None
    for pattern in _DATE_PATTERNS:
        match = re.fullmatch(pattern, value)
        if match:
            try:
                day = date(*(int(g) for g in match.groups()))
            except ValueError:
                raise InvalidDate(f"{label}“{text.strip()}”不是有效日期", field=label) from None
            if day > today:
                raise InvalidDate(f"{label}{day:%Y-%m-%d}晚于今天", field=label)
            if day.year < 1900:
                raise InvalidDate(f"{label}{day:%Y-%m-%d}早于1900年，请核对", field=label)
            return day
    raise InvalidDate(f"{label}“{text.strip()}”格式不对，请按 2015-03-01 的格式填写", field=label)


def cn_date(day: date | None, *, blank: str = "    年    月    日") -> str:
    """An official date as Chinese documents write it: 2026年1月9日 (no leading zeros); a form's blank date
    line when there is none."""
    return f"{day.year}年{day.month}月{day.day}日" if day else blank
