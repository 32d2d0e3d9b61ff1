"""Money: integer fen (分) inside; yuan text or Decimal only at the edges. Never float."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from assist_desktop.domain.errors import DomainError

# 10亿元. No grant, budget or campaign total of a county, city or province comes near it
# (the ACFTU's national Spring Festival budget for 2020 was 0.86亿元), so anything
# larger is a slip such as an ID number pasted into an amount cell. It also keeps
# sums over a million rows far inside SQLite's 64-bit INTEGER.
MAX_AMOUNT_FEN = 100_000_000_000

# Plain digits, or thousands grouped by commas in the right places; at most two decimals
# is checked separately so that the message can say so.
_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
_PREFIXES = ("人民币", "RMB", "CNY", "¥")
_SUFFIXES = ("元整", "元正", "元")


class InvalidAmount(DomainError):
    pass


def _from_decimal(value: Decimal, field: str) -> int:
    if not value.is_finite():
        raise InvalidAmount(f"{field}不是有效的金额", field=field)
    if value.is_signed():
        raise InvalidAmount(f"{field}不能为负数", field=field)
    if value.as_tuple().exponent < -2:
        raise InvalidAmount(f"{field}最多两位小数（精确到分）", field=field)
    fen = int(value * 100)
    if fen > MAX_AMOUNT_FEN:
        raise InvalidAmount(f"{field}过大：不能超过{format_amount(MAX_AMOUNT_FEN)}元，请核对", field=field)
    return fen


def _strip_decorations(text: str) -> str:
    text = text.strip()
    for prefix in _PREFIXES:
        if text.upper().startswith(prefix):
            text = text[len(prefix):].strip()
            break
    for suffix in _SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)].strip()
            break
    return text


def parse_amount(text: str | int | Decimal, *, field: str = "金额") -> int:
    """Yuan as typed ('1,234.56', '¥1,234', '1234.5元', full-width) or int/Decimal yuan → fen.

    Commas are accepted only as thousands separators ('1,234' yes, '12,34' no), so that
    a comma typed for a decimal point is refused rather than read as a bigger number.
    """
    if isinstance(text, bool) or isinstance(text, float):
        # A float has already lost the fen; the caller must pass text or Decimal.
        raise TypeError(f"parse_amount() takes str, int or Decimal, not {type(text).__name__}")
    if isinstance(text, int):
        return _from_decimal(Decimal(text), field)
    if isinstance(text, Decimal):
        return _from_decimal(text, field)
    if text is None:
        raise InvalidAmount(f"{field}不能为空", field=field)
    core = _strip_decorations(unicodedata.normalize("NFKC", str(text)))
    if not core:
        raise InvalidAmount(f"{field}不能为空", field=field)
    if core.startswith("-") or core.startswith("−"):
        raise InvalidAmount(f"{field}不能为负数", field=field)
    match = _NUMBER.fullmatch(core)
    if match is None:
        if "," in core and re.fullmatch(r"[\d,]+(?:\.\d+)?", core):
            raise InvalidAmount(f"{field}“{text}”的千位分隔逗号位置不对", field=field)
        raise InvalidAmount(f"{field}“{text}”不是有效的金额，请填写数字，如 1500 或 1,234.56", field=field)
    if match.group(1) is not None and len(match.group(1)) > 2:
        raise InvalidAmount(f"{field}最多两位小数（精确到分），实际填写了“{text}”", field=field)
    try:
        return _from_decimal(Decimal(core.replace(",", "")), field)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise InvalidAmount(f"{field}“{text}”不是有效的金额", field=field) from None


def format_amount(fen: int) -> str:
    """12345678 → '123,456.78'; negative amounts (differences) keep their sign."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"format_amount() takes int fen, not {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def to_decimal(fen: int) -> Decimal:
    """Fen → Decimal yuan with two places, for export edges (Excel cells, JSON)."""
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")
_SECTIONS = ("", "万", "亿", "万亿")
# amount_in_words handles up to 9999万亿 yuan; larger numbers never reach a voucher.
_MAX_WORDS_FEN = 10**16 * 100 - 1


def _section(value: int) -> str:
    """1..9999 in capitals; zeros between digits become one 零, trailing zeros nothing."""
    out: list[str] = []
    pending_zero = False
    for digit, place in zip(f"{value:04d}", _PLACES):
        if digit == "0":
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        out.append(_DIGITS[int(digit)] + place)
    return "".join(out)


def _integer_words(yuan: int) -> str:
    sections: list[int] = []
    while yuan:
        yuan, rest = divmod(yuan, 10_000)
        sections.append(rest)
    out: list[str] = []
    gap = False  # a zero digit lies between what is written and what comes next
    for index in range(len(sections) - 1, -1, -1):
        value = sections[index]
        if value == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or value < 1000):
            out.append("零")
        out.append(_section(value) + _SECTIONS[index])
        gap = False
    return "".join(out)


def amount_in_words(fen: int) -> str:
    """人民币大写 by the bill-writing rules (中国人民银行《支付结算办法》附件一).

    - 整 after 元 when there is neither 角 nor 分; nothing after 角 or 分.
    - 壹拾 is written in full; 两, 毛 and 另 are never used.
    - Zeros between digits of the yuan part read as one 零, also across 万/亿
      (100010 → 壹拾万零壹拾元整). A zero at the end of a 万/亿 section before a
      non-zero 仟 is not read (107000 → 壹拾万柒仟元); the rules allow either form.
    - After 元, a zero 元 digit or a zero 角 before a non-zero 角/分 is written as one
      零 (10.50 → 壹拾元零伍角, 325.04 → 叁佰贰拾伍元零肆分). The rules make it
      optional for the 元 digit and required for 角; writing it always leaves no room
      to insert a digit after 元.
    - Below one yuan the 元 is omitted (0.05 → 伍分); nothing at all → 零元整.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"amount_in_words() takes int fen, not {type(fen).__name__}")
    if fen < 0:
        raise InvalidAmount("金额不能为负数，无法写成大写", field="金额")
    if fen > _MAX_WORDS_FEN:
        raise InvalidAmount("金额过大，无法写成大写", field="金额")
    if fen == 0:
        return "零元整"
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    out = _integer_words(yuan) + "元" if yuan else ""
    if cents == 0:
        return out + "整"
    if yuan and (yuan % 10 == 0 or jiao == 0):
        out += "零"
    if jiao:
        out += _DIGITS[jiao] + "角"
    if fen_digit:
        out += _DIGITS[fen_digit] + "分"
    return out


_WORD_DIGITS = {c: i for i, c in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
_WORD_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_WORD_SECTIONS = {"万": 10_000, "亿": 100_000_000}
_WORDS = re.compile(r"(?:人民币)?[零〇壹贰叁肆伍陆柒捌玖两拾佰仟万亿元圆角分整正]+")


def looks_like_words(text: str) -> bool:
    """An amount written in capitals (伍佰元整, 人民币壹仟元) rather than digits."""
    return bool(text) and _WORDS.fullmatch(text.strip().replace(" ", "")) is not None and text.strip() not in ("整", "正")


def parse_amount_in_words(text: str, *, field: str = "金额") -> int:
    """人民币大写 as ledgers write it → fen: 伍佰元整 → 50000, 壹仟零伍拾元伍角 → 105050,
    拾万元 → 10000000. Refused when the words do not make one amount (伍佰佰元)."""
    raw = text.strip().replace(" ", "")
    bad = InvalidAmount(f"{field}“{text.strip()}”不是有效的大写金额", field=field)
    if not looks_like_words(raw):
        raise bad
    raw = raw.removeprefix("人民币").replace("圆", "元").rstrip("整正")
    if not any(c in _WORD_DIGITS or c == "拾" for c in raw):
        raise bad
    yuan_part, _, rest = raw.partition("元") if "元" in raw else ("", "", raw)
    if "元" not in raw and not any(u in raw for u in "角分"):
        yuan_part, rest = raw, ""

    def integer(words: str) -> int:
        total = section = digit = 0
        last_unit = 10**12
        for char in words:
            if char in _WORD_DIGITS:
                digit = _WORD_DIGITS[char]
            elif char in _WORD_UNITS:
                unit = _WORD_UNITS[char]
                if unit >= last_unit:
                    raise bad
                if not digit and unit != 10:  # 拾 alone is 壹拾 (拾万元); 佰 or 仟 alone is no amount
                    raise bad
                section += (digit or 1) * unit
                last_unit, digit = unit, 0
            elif char in _WORD_SECTIONS:
                total += (section + digit) * _WORD_SECTIONS[char]
                section = digit = 0
                last_unit = 10**12
            else:
                raise bad
        return total + section + digit

    fen = integer(yuan_part) * 100 if yuan_part else 0
    m = re.fullmatch(r"零?(?:([壹贰叁肆伍陆柒捌玖])角)?零?(?:([壹贰叁肆伍陆柒捌玖])分)?", rest)
    if m is None:
        raise bad
    if m.group(1):
        fen += _WORD_DIGITS[m.group(1)] * 10
    if m.group(2):
        fen += _WORD_DIGITS[m.group(2)]
    if fen > MAX_AMOUNT_FEN:
        raise InvalidAmount(f"{field}过大：不能超过{format_amount(MAX_AMOUNT_FEN)}元，请核对", field=field)
    return fen
