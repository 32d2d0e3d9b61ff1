"""Turning ledger cells into the values the domain parsers take, repairing what can be repaired.

Real ledger damage handled here: ID numbers Excel stored as numbers (precision lost: refused, with the
reason), full-width digits, spaces and line breaks inside cells, amounts with 元 or commas or as Excel
floats (taken as Excel shows them, 15 significant digits, and refused unless whole fen), dates as text,
as Excel serial numbers or as date cells, and traditional characters in names (converted to simplified
with OpenCC's ``t2s`` table, and said so).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from assist_desktop.domain.dates import parse_date_text
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.money import parse_amount
from assist_desktop.domain.text import compact


class CellError(DomainError):
    pass


_SCIENTIFIC = re.compile(r"[+-]?\d(?:\.\d+)?[eE][+-]?\d+")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's phantom 29 Feb 1900 lies before any real date here)


def text(value: Any) -> str:
    """A cell as one line of text: NFKC, line breaks and runs of spaces made one space, trimmed."""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join((value if value.isascii() else unicodedata.normalize("NFKC", value)).split())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def is_blank(value: Any) -> bool:
    return text(value) == ""


def id_text(value: Any, label: str = "身份证号") -> str:
    """The ID number as text ('' when blank); refuse one Excel stored as a number (its last digits are gone)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(f"{label}不是有效的号码", field=label)
    if isinstance(value, (int, float)):
        digits = len(str(int(value))) if value == value and abs(value) != float("inf") else 0
        if digits >= 16:
            shown = f"{value:.5E}"  # as Excel's General format shows it: 6.10102E+17
            raise CellError(f"{label}被 Excel 存成了数字（显示为 {shown}），第16位以后的数字已丢失，无法恢复；"
                            "请把该列设为“文本”格式后重新录入号码", field=label)
        return str(int(value)) if float(value).is_integer() else str(value)
    raw = compact(str(value))
    if _SCIENTIFIC.fullmatch(raw):
        raise CellError(f"{label}“{raw}”是科学计数法：号码被 Excel 存成了数字，后几位已丢失，无法恢复；"
                        "请把该列设为“文本”格式后重新录入号码", field=label)
    if raw.startswith("'"):  # Excel's text prefix, kept by some CSV exports
        raw = raw[1:]
    return raw.upper()


def amount_fen(value: Any, label: str) -> int | None:
    """Yuan in a cell → fen; None when blank. Floats are read as Excel shows them (15 significant digits)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(f"{label}不是有效的金额", field=label)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(f"{label}不是有效的金额", field=label)
        shown = Decimal(format(value, ".15g"))
        if shown != shown.quantize(Decimal("0.01")):
            raise CellError(f"{label}“{format(shown, 'f')}”不是整分（最多两位小数），请核对", field=label)
        return parse_amount(shown.quantize(Decimal("0.01")), field=label)
    if isinstance(value, (int, Decimal)):
        return parse_amount(value, field=label)
    raw = compact(str(value))
    if raw in ("-", "—", "/", "无"):
        return None
    return parse_amount(raw, field=label)


def int_value(value: Any, label: str, *, unit: str = "") -> int | None:
    """A whole number (household size, year, years of study): '4', '4人', 4.0; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError(f"{label}应为整数", field=label)
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"{label}“{value:g}”应为整数", field=label)
        return int(value)
    if isinstance(value, int):
        return value
    raw = compact(str(value))
    for suffix in (unit, "人", "年", "口", "届"):
        if suffix and raw.endswith(suffix):
            raw = raw[: -len(suffix)]
    try:
        number = Decimal(raw)
        if number == number.to_integral_value():
            return int(number)
    except (InvalidOperation, ValueError):
        pass
    raise CellError(f"{label}“{text(value)}”应为整数", field=label)


def date_value(value: Any, label: str, *, today: date) -> date | None:
    """A date cell, an Excel serial number (45296) or text (2024-01-05, 2024/1/5, 2024年1月5日, 20240105)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if 19000101 <= value <= 29991231 and float(value).is_integer():  # 20240105 typed as a number
            return parse_date_text(str(int(value)), label=label, today=today)
        if not 1 <= value < 2958466:
            raise CellError(f"{label}“{value:g}”不是有效日期", field=label)
        day = _EXCEL_EPOCH + timedelta(days=int(value))
    else:
        raw = compact(str(value)).replace("．", ".")
        if re.fullmatch(r"\d{5}(?:\.0+)?", raw):  # a serial number that came through as text (CSV)
            return date_value(float(raw), label, today=today)
        return parse_date_text(raw, label=label, today=today)
    if day > today:
        raise CellError(f"{label}{day:%Y-%m-%d}晚于今天", field=label)
    if day.year < 1900:
        raise CellError(f"{label}{day:%Y-%m-%d}早于1900年，请核对", field=label)
    return day


def year_value(value: Any, label: str, *, today: date) -> int | None:
    """A year: 2024, '2024年', '2024-09-01' or a date cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (date, datetime)):
        return value.year
    raw = compact(text(value))
    m = re.fullmatch(r"(\d{4})(?:年(?:度)?)?", raw)
    if m:
        return int(m.group(1))
    day = date_value(value, label, today=today)
    return day.year if day else None


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def simplified(name: str) -> str:
    """Traditional characters → simplified (OpenCC t2s); other text unchanged."""
    if not name or name.isascii():
        return name
    return _t2s().convert(name)


def flag(value: Any, label: str) -> bool | None:
    """是/否, √, Y/N, 1/0; None when blank."""
    raw = compact(text(value)).lower()
    if not raw:
        return None
    if raw in ("是", "√", "✓", "y", "yes", "true", "1", "有"):
        return True
    if raw in ("否", "×", "✗", "n", "no", "false", "0", "无"):
        return False
    raise CellError(f"{label}“{text(value)}”应填“是”或“否”", field=label)


def compact_text(value: Any) -> str:
    """A cell's text without any spaces or line breaks (codes, names of units, enumerations)."""
    return compact(text(value))


# --- dates as ledgers write them ---------------------------------------------------------------------------

_MONTH_TEXT = (re.compile(r"(\d{4})[.\-/年](\d{1,2})月?"), re.compile(r"(\d{4})(\d{2})"))


def month_or_date(value: Any, label: str, *, today: date) -> tuple[date, bool] | None:
    """A date, or a month alone where the field allows it (出生年月 1981.10, 建档时间 2025年3月, 199412):
    (the day — the month's first for a month alone —, whether only the month was given); None when blank.

    The number 1981.10 typed into a General cell is stored as 1981.1: October, since January would have
    been typed 1981.01 (``birth_month_matches`` also accepts January when the ID says so)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1900 <= value < 2100 \
            and not float(value).is_integer():
        year = int(value)
        fraction = format(value, ".6f").split(".")[1].rstrip("0")  # 1981.1 → "1", 1981.12 → "12"
        month = int(fraction) * (10 if len(fraction) == 1 else 1)
        return _month(year, month, value, label, today), True
    if isinstance(value, str):
        raw = compact(text(value)).replace("．", ".").rstrip("日")
        for pattern in _MONTH_TEXT:
            m = pattern.fullmatch(raw)
            if m:
                return _month(int(m.group(1)), int(m.group(2)), value, label, today), True
    day = date_value(value, label, today=today)
    return (day, False) if day else None


def _month(year: int, month: int, shown: Any, label: str, today: date) -> date:
    if not 1 <= month <= 12 or year < 1900:
        raise CellError(f"{label}“{text(shown)}”不是有效的年月", field=label)
    day = date(year, month, 1)
    if day > today:
        raise CellError(f"{label}{year}年{month}月晚于今天", field=label)
    return day


def birth_month_matches(value: Any, born: date) -> bool:
    """Whether a month-only 出生年月 agrees with the birth date of the ID (1981.1 may be January or October)."""
    if isinstance(value, float) and not value.is_integer():
        fraction = format(value, ".6f").split(".")[1].rstrip("0")
        if len(fraction) == 1 and int(value) == born.year:
            return born.month in (int(fraction), int(fraction) * 10)
    return False


# --- numbers Excel damaged ---------------------------------------------------------------------------------


def id_15_to_18(value: str) -> str | None:
    """The standard conversion of a 15-digit ID (before 1999): insert the century 19, add the check character."""
    if len(value) == 15 and value.isdigit():
        from assist_desktop.domain.ids import id_check_character

        first17 = value[:6] + "19" + value[6:]
        return first17 + id_check_character(first17)
    return None


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def account_text(value: Any, label: str = "银行卡号") -> str:
    """A bank card number as text; refuse one Excel stored as a number (digits past the 15th lost), whether
    the cell holds the number (.xlsx) or its text (CSV: 6.22848E+18, or 6228480123456780000)."""
    raw = id_text(value, label)
    if re.fullmatch(r"\d{16,19}", raw) and set(raw[15:]) == {"0"} and not _luhn(raw):
        raise CellError(f"{label}“{raw}”第15位以后全是0：号码被 Excel 存成了数字，后几位已丢失，无法恢复；"
                        "请把该列设为“文本”格式后重新录入卡号", field=label)
    return raw


_LANDLINE = re.compile(r"(?:\(?0\d{2,3}\)?[-－—]?)?[2-9]\d{6,7}(?:[-－—转]\d{1,6})?")


def landline(value: str) -> str | None:
    """A fixed-line number (0912-5621234, (0912)5621234, 5621234) as written, or None."""
    raw = compact(value)
    return raw if _LANDLINE.fullmatch(raw) else None


def amount_words_fen(value: Any, label: str) -> int | None:
    """``amount_fen``, and an amount written in capitals (伍佰元整, 人民币壹仟伍佰元) as ledgers and vouchers do."""
    from assist_desktop.domain.money import looks_like_words, parse_amount_in_words

    if isinstance(value, str) and looks_like_words(compact(text(value))):
        return parse_amount_in_words(compact(text(value)), field=label)
    return amount_fen(value, label)
