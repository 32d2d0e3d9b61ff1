"""Dates as typed in forms and found in ledgers."""

from __future__ import annotations

from datetime import date

import pytest

from assist_desktop.domain.dates import InvalidDate, parse_date_text

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize("text", ["2015-03-01", "2015/3/1", "2015.3.1", "2015年3月1日", "2015年3月1", "20150301",
                                  " 2015 - 03 - 01 "])
def test_the_forms_a_date_comes_in(text: str) -> None:
    assert parse_date_text(text, label="参加工作时间", today=TODAY) == date(2015, 3, 1)


def test_empty_is_no_date() -> None:
    assert parse_date_text("  ", label="参加工作时间", today=TODAY) is None


@pytest.mark.parametrize(("text", "words"), [("2015-02-30", "不是有效日期"), ("2027-01-01", "晚于今天"),
                                             ("1899-12-31", "早于1900年"), ("三月一日", "格式不对"),
                                             ("2015-3", "格式不对")])
def test_bad_dates_name_the_field(text: str, words: str) -> None:
    with pytest.raises(InvalidDate) as info:
        parse_date_text(text, label="民政核对日期", today=TODAY)
    assert words in info.value.message and info.value.message.startswith("民政核对日期")
    assert info.value.field == "民政核对日期"
