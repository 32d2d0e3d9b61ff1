"""Money in fen, typed amounts and 人民币大写 (DESIGN.md §3)."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assist_desktop.domain.money import (
    MAX_AMOUNT_FEN,
    InvalidAmount,
    amount_in_words,
    format_amount,
    parse_amount,
    to_decimal,
)

from .helpers import assert_chinese

_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_PLACE = {"拾": 10, "佰": 100, "仟": 1000}
# Words are tested up to 9999亿元 (the reader below does not handle 万亿).
WORDS_LIMIT = 10**12 * 100 - 1


def read_words(words: str) -> int:
    """The inverse of amount_in_words, written independently to check it."""
    if words == "零元整":
        return 0
    words = words.removesuffix("整")
    yuan_words, _, rest = words.rpartition("元")
    total = section = digit = 0
    for char in yuan_words:
        if char in _DIGIT:
            digit = _DIGIT[char]
        elif char in _PLACE:
            section += digit * _PLACE[char]
            digit = 0
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
        elif char == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
        else:
            raise AssertionError(char)
    yuan = total + section + digit
    match = re.fullmatch(r"零?(?:([壹贰叁肆伍陆柒捌玖])角)?(?:([壹贰叁肆伍陆柒捌玖])分)?", rest)
    assert match, rest
    jiao = _DIGIT[match.group(1)] if match.group(1) else 0
    fen = _DIGIT[match.group(2)] if match.group(2) else 0
    return yuan * 100 + jiao * 10 + fen


# DESIGN.md §3: "1409.50 → 壹仟肆佰零玖元伍角; 6007.14 → 陆仟零柒元壹角肆分;
# 325.04 → 叁佰贰拾伍元零肆分; 100010 → 壹拾万零壹拾元整".
@pytest.mark.parametrize(
    ("yuan", "words"),
    [
        ("1409.50", "壹仟肆佰零玖元伍角"),
        ("6007.14", "陆仟零柒元壹角肆分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        ("100010", "壹拾万零壹拾元整"),
    ],
)
def test_design_examples(yuan, words):
    assert amount_in_words(parse_amount(yuan)) == words


@pytest.mark.parametrize(
    ("yuan", "words"),
    [
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("0", "零元整"),
        ("10", "壹拾元整"),
        ("20", "贰拾元整"),
        ("100000000", "壹亿元整"),
        ("1000000000", "壹拾亿元整"),
        ("1000010.00", "壹佰万零壹拾元整"),
        ("100000001", "壹亿零壹元整"),
        ("100001000", "壹亿零壹仟元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角"),
        ("0.55", "伍角伍分"),
        ("1.05", "壹元零伍分"),
        ("1.50", "壹元伍角"),
        # A zero 元 digit before 角 is written as 零 (the rules allow it either way; we always write it).
        ("10.50", "壹拾元零伍角"),
        ("10.05", "壹拾元零伍分"),
        ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
        # Examples of the bill-writing rules (《支付结算办法》附件一).
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("107000.53", "壹拾万柒仟元零伍角叁分"),
        ("1500", "壹仟伍佰元整"),
    ],
)
def test_standard_practice(yuan, words):
    assert amount_in_words(parse_amount(yuan)) == words


@given(st.integers(0, WORDS_LIMIT))
def test_words_follow_the_rules(fen):
    words = amount_in_words(fen)
    assert not set("两毛另") & set(words)
    assert "零零" not in words
    assert words.endswith("整") == (fen % 100 == 0)
    assert words.startswith("零") == (fen == 0)
    yuan, cents = divmod(fen, 100)
    # 零 right after 元 exactly when 角 is 0 or the 元 digit is 0, and there are 角/分 to write.
    expected_zero = yuan > 0 and cents > 0 and (cents < 10 or yuan % 10 == 0)
    assert ("元零" in words) == expected_zero
    assert ("元" in words) == (yuan > 0 or fen == 0)
    assert read_words(words) == fen


def test_words_refuse_negative_amounts():
    with pytest.raises(InvalidAmount) as caught:
        amount_in_words(-1)
    assert_chinese(caught.value.message, "负数")


@given(st.integers(0, MAX_AMOUNT_FEN))
def test_parse_of_format_is_identity(fen):
    assert parse_amount(format_amount(fen)) == fen
    assert parse_amount(to_decimal(fen)) == fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,234.56", 123456),
        ("1234.5元", 123450),
        ("¥1,234", 123400),
        ("￥1,234.00", 123400),
        ("１２３４．５", 123450),
        ("１，２３４．５６元", 123456),
        ("  1500  ", 150000),
        ("人民币1500元整", 150000),
        ("0", 0),
        ("0.01", 1),
        (1500, 150000),
        (Decimal("1500.50"), 150050),
        ("1000000000", MAX_AMOUNT_FEN),
    ],
)
def test_accepted_amounts(text, fen):
    assert parse_amount(text) == fen


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("", ["慰问金", "不能为空"]),
        ("元", ["慰问金", "不能为空"]),
        ("1.234", ["慰问金", "两位小数"]),
        ("-5", ["慰问金", "负数"]),
        ("－5", ["慰问金", "负数"]),
        ("abc", ["慰问金", "不是有效的金额"]),
        ("1e5", ["慰问金", "不是有效的金额"]),
        ("12,34", ["慰问金", "逗号"]),
        ("1,2345.00", ["慰问金", "逗号"]),
        ("1000000000.01", ["慰问金", "过大"]),
        (Decimal("1.005"), ["慰问金", "两位小数"]),
        (Decimal("-1"), ["慰问金", "负数"]),
        (Decimal("NaN"), ["慰问金", "不是有效的金额"]),
        (-3, ["慰问金", "负数"]),
    ],
)
def test_refused_amounts_name_the_field(text, needles):
    with pytest.raises(InvalidAmount) as caught:
        parse_amount(text, field="慰问金")
    assert_chinese(caught.value.message, *needles)
    assert caught.value.field == "慰问金"


def test_float_is_refused():
    with pytest.raises(TypeError):
        parse_amount(1500.5)
    with pytest.raises(TypeError):
        format_amount(1500.5)


def test_format_amount():
    assert format_amount(0) == "0.00"
    assert format_amount(5) == "0.05"
    assert format_amount(123456) == "1,234.56"
    assert format_amount(-123456) == "-1,234.56"
    assert format_amount(MAX_AMOUNT_FEN) == "1,000,000,000.00"
