"""Citizen ID numbers, GB 11643 (DESIGN.md §3)."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assist_desktop.domain import regions
from assist_desktop.domain.ids import (
    IdNumber,
    InvalidIdNumber,
    Sex,
    id_check_character,
    mask_id_number,
    parse_id_number,
)

from .helpers import assert_chinese

TODAY = date(2026, 3, 1)
# The example number of the standard itself: 北京市朝阳区, born 1949-12-31, female, check X.
SAMPLE = "11010519491231002X"


def make_id(region: str, born: date, sequence: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


regions_st = st.one_of(
    st.sampled_from(regions.counties_in("61") + ["612726", "110105"]),
    st.from_regex(r"[1-9][0-9]{5}", fullmatch=True),
)
valid_ids = st.builds(make_id, regions_st, st.dates(date(1900, 1, 1), TODAY), st.integers(0, 999))


def test_standard_example():
    number = parse_id_number(SAMPLE, today=TODAY)
    assert number.value == SAMPLE
    assert number.birth_date == date(1949, 12, 31)
    assert number.sex is Sex.female and number.sex.label == "女"
    assert number.region_code == "110105"
    assert number.region_known and number.region_name == "北京市朝阳区"
    assert id_check_character(SAMPLE[:17]) == "X"


def test_region_of_a_shaanxi_county():
    number = parse_id_number(make_id("610826", date(1975, 6, 1), 31))
    assert number.region_name == "陕西省榆林市绥德县"
    assert number.sex is Sex.male and number.sex.label == "男"


def test_retired_region_code_is_known():
    # 612726 定边县 under the former 榆林地区, retired in 1998 (older workers carry it).
    number = parse_id_number(make_id("612726", date(1960, 1, 1), 12))
    assert number.region_known
    assert number.region_name == "陕西省榆林地区定边县"


def test_unknown_region_is_not_an_error():
    # DESIGN.md §3: an unknown region code is a warning only.
    number = parse_id_number(make_id("999999", date(1980, 1, 1), 1))
    assert not number.region_known
    assert number.region_name is None


@given(valid_ids)
@settings(deadline=None)
def test_valid_numbers_round_trip(value):
    number = parse_id_number(value, today=TODAY)
    assert number.value == value
    assert number.birth_date == date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    assert number.sex is (Sex.male if int(value[16]) % 2 else Sex.female)
    assert number.region_code == value[:6]
    assert IdNumber(value) == number


@given(valid_ids, st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(value, position, shift):
    digit = str((int(value[position]) + shift) % 10)
    changed = value[:position] + digit + value[position + 1 :]
    with pytest.raises(InvalidIdNumber):
        parse_id_number(changed, today=TODAY)


@given(valid_ids, st.data())
def test_typing_variants_normalise_to_the_same_value(value, data):
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in value)  # ０-９, Ｘ
    spaced = " ".join([value[:6], value[6:14], value[14:]])
    variants = [
        full_width,
        spaced,
        f"\t{value}\n",
        value.lower(),
        "\u3000" + value[:9] + "\u200b" + value[9:] + "\r\n",
        value[:3] + "\n" + value[3:],
    ]
    variant = data.draw(st.sampled_from(variants))
    assert parse_id_number(variant, today=TODAY).value == value


@given(valid_ids)
def test_mask_never_reveals_the_middle(value):
    masked = mask_id_number(value)
    assert masked == value[:4] + "*" * 10 + value[-4:]
    assert mask_id_number(" ".join(value)) == masked
    assert parse_id_number(value, today=TODAY).masked == masked


def test_mask_example_and_odd_inputs():
    # DESIGN.md §3: ID shown as 6101**********1234 in anything public.
    assert mask_id_number("610102199001011234") == "6101**********1234"
    assert mask_id_number("") == ""
    assert mask_id_number("61010219") == "********"
    assert mask_id_number("610102900101123") == "6101*******1123"


@given(st.text(max_size=40))
def test_mask_of_anything_shows_at_most_eight_characters(text):
    masked = mask_id_number(text)
    assert sum(c != "*" for c in masked) <= 8


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("", ["不能为空"]),
        ("   \n", ["不能为空"]),
        ("110105491231002", ["15位旧号码已停用", "18位"]),
        ("1101051949123100", ["18位", "16位"]),
        ("11010519491231002X1", ["19位"]),
        ("1101A519491231002X", ["第5位", "“A”"]),
        ("11010519491231002Y", ["第18位", "“Y”"]),
        ("11010519490231002X", ["出生日期", "19490231", "不是有效日期"]),
        ("11010518991231002X", ["早于1900年"]),
        ("11010520270101002X", ["晚于今天"]),
        ("110105194912310021", ["校验位错误"]),
    ],
)
def test_bad_numbers_get_a_chinese_message(text, needles):
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(text, today=TODAY)
    assert_chinese(caught.value.message, *needles)
    assert caught.value.field == "身份证号"


def test_wrong_check_character_does_not_give_the_right_one_away():
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(SAMPLE[:17] + "1", today=TODAY)
    assert not any(c.isdigit() or c == "X" for c in caught.value.message)


def test_direct_construction_validates():
    with pytest.raises(InvalidIdNumber):
        IdNumber("110105194912310021")


def test_age_in_full_years():
    number = parse_id_number(make_id("610826", date(1990, 6, 15), 2))
    assert number.age_on(date(2026, 6, 14)) == 35
    assert number.age_on(date(2026, 6, 15)) == 36
    leap = parse_id_number(make_id("610826", date(2000, 2, 29), 2))
    assert leap.age_on(date(2018, 2, 28)) == 17
    assert leap.age_on(date(2018, 3, 1)) == 18
