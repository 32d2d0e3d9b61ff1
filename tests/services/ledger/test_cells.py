"""Cells as ledgers hold them, turned into domain values at the edge (money as Decimal, never float)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from assist_desktop.domain.errors import DomainError
from assist_desktop.services.ledger import cells

TODAY = date(2026, 11, 20)


def test_amounts() -> None:
    assert cells.amount_fen(1500.5, "金额") == 150_050
    assert cells.amount_fen(1234.56 * 3, "金额") == 370_368  # 3703.6800000000003 read as Excel shows it
    assert cells.amount_fen(0.1 + 0.2, "金额") == 30
    assert cells.amount_fen(1500, "金额") == 150_000
    assert cells.amount_fen(Decimal("12.30"), "金额") == 1_230
    assert cells.amount_fen("１，５００元", "金额") == 150_000
    assert cells.amount_fen("¥1,234.5", "金额") == 123_450
    assert cells.amount_fen(None, "金额") is None and cells.amount_fen(" ", "金额") is None
    with pytest.raises(DomainError, match="不是整分"):
        cells.amount_fen(1500.555, "金额")
    with pytest.raises(DomainError, match="千位分隔逗号位置不对"):
        cells.amount_fen("12,34", "金额")


def test_id_numbers() -> None:
    assert cells.id_text(" 610826 19800315\n1232 ") == "610826198003151232"
    assert cells.id_text("６１０８２６１９８００３１５１２３ｘ") == "61082619800315123X"
    assert cells.id_text("'610826198003151232") == "610826198003151232"
    with pytest.raises(DomainError, match=r"显示为 6\.10826E\+17"):
        cells.id_text(610826198003151232.0)
    with pytest.raises(DomainError, match="第16位以后的数字已丢失"):
        cells.id_text(610826198003151000)  # the integer openpyxl hands back for such a cell
    assert cells.id_text(610826800315123) == "610826800315123"  # 15 digits survive; the parser refuses it


def test_dates_and_numbers() -> None:
    assert cells.date_value(45296, "日期", today=TODAY) == date(2024, 1, 5)
    assert cells.date_value("45296", "日期", today=TODAY) == date(2024, 1, 5)
    assert cells.date_value(20240105, "日期", today=TODAY) == date(2024, 1, 5)
    assert cells.date_value("2024年1月5日", "日期", today=TODAY) == date(2024, 1, 5)
    assert cells.date_value(datetime(2024, 1, 5, 0, 0), "日期", today=TODAY) == date(2024, 1, 5)
    with pytest.raises(DomainError, match="晚于今天"):
        cells.date_value(date(2027, 1, 1), "日期", today=TODAY)
    assert cells.int_value("4人", "家庭人口") == 4 and cells.int_value(4.0, "家庭人口") == 4
    with pytest.raises(DomainError, match="应为整数"):
        cells.int_value(3.5, "家庭人口")
    assert cells.year_value("2024年度", "年度", today=TODAY) == 2024
    assert cells.flag("√", "x") is True and cells.flag("否", "x") is False and cells.flag(None, "x") is None


def test_names_and_text() -> None:
    assert cells.text(" 张\n 伟 ") == "张 伟"
    assert cells.simplified("陳建國") == "陈建国" and cells.simplified("王建国") == "王建国"
