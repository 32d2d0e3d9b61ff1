"""Category formula and cause codes (DESIGN.md §3)."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assist_desktop.domain.hardship import (
    MAX_HOUSEHOLD_SIZE,
    HardshipCategory,
    HardshipCause,
    InvalidCauses,
    InvalidHousehold,
    per_capita_monthly_income,
    propose_category,
    validate_causes,
)

from .helpers import assert_chinese

LINE = 76_000  # 760 yuan per person per month


def test_per_capita_formula():
    # DESIGN.md §3: (annual disposable income − rigid expenses) ÷ 12 ÷ household size.
    assert per_capita_monthly_income(3_600_000, 0, 3) == 100_000
    assert per_capita_monthly_income(4_000_000, 400_000, 3) == 100_000


def test_rounding_is_half_up_to_the_fen():
    assert per_capita_monthly_income(18, 0, 1) == 2  # 1.5 fen
    assert per_capita_monthly_income(17, 0, 1) == 1  # 1.42 fen
    assert per_capita_monthly_income(30, 0, 2) == 1  # 1.25 fen


def test_expenses_above_income_count_as_zero():
    assert per_capita_monthly_income(1_000_000, 2_000_000, 2) == 0


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(1, MAX_HOUSEHOLD_SIZE))
def test_per_capita_matches_decimal_half_up(income, rigid, size):
    expected = max(Decimal(income - rigid) / 12 / size, Decimal(0)).quantize(Decimal(1), ROUND_HALF_UP)
    try:
        assert per_capita_monthly_income(income, rigid, size) == int(expected)
    except InvalidHousehold:
        assert expected > 10_000_000


@pytest.mark.parametrize(("size", "needle"), [(0, "至少为1人"), (-1, "至少为1人"), (21, "超过上限")])
def test_household_size_is_checked(size, needle):
    with pytest.raises(InvalidHousehold) as caught:
        per_capita_monthly_income(1_000_000, 0, size)
    assert_chinese(caught.value.message, "家庭人口", needle)


def test_negative_income_is_refused():
    with pytest.raises(InvalidHousehold) as caught:
        per_capita_monthly_income(-1, 0, 1)
    assert_chinese(caught.value.message, "收入", "负数")


def test_absurd_income_is_refused():
    with pytest.raises(InvalidHousehold) as caught:
        per_capita_monthly_income(10**11, 0, 1)
    assert_chinese(caught.value.message, "月人均收入")


def category(per_capita, *, income=1_200_000, costs=0, accident=False):
    return propose_category(
        per_capita_fen=per_capita,
        subsistence_line_fen=LINE,
        annual_income_fen=income,
        hardship_costs_fen=costs,
        disaster_or_accident=accident,
    )


def test_line_boundaries():
    # DESIGN.md §3: below the line → deep; below 2× the line → relative.
    assert category(LINE - 1) is HardshipCategory.deep
    assert category(LINE) is HardshipCategory.relative  # exactly at the line is not below it
    assert category(2 * LINE - 1) is HardshipCategory.relative
    assert category(2 * LINE) is None  # exactly at 2× is not below it
    assert category(0) is HardshipCategory.deep


def test_eighty_percent_rule():
    # DESIGN.md §3: accident when hardship costs in the year are above 80% of annual household income.
    assert category(2 * LINE, income=1_000_000, costs=800_000) is None  # exactly 80%
    assert category(2 * LINE, income=1_000_000, costs=800_001) is HardshipCategory.accident
    assert category(2 * LINE, accident=True) is HardshipCategory.accident


def test_deep_wins_over_accident():
    assert category(LINE - 1, costs=10**9, accident=True) is HardshipCategory.deep
    assert category(LINE, accident=True) is HardshipCategory.relative


def test_line_must_be_positive():
    with pytest.raises(InvalidHousehold) as caught:
        propose_category(per_capita_fen=1, subsistence_line_fen=0, annual_income_fen=1)
    assert_chinese(caught.value.message, "低保标准")


def test_causes_accept_one_primary_and_three_secondary():
    # DESIGN.md §3: exactly one primary, at most three secondary.
    primary, secondary = validate_causes(6, [1, 9, HardshipCause.other])
    assert primary is HardshipCause.serious_illness
    assert secondary == (HardshipCause.no_work_ability, HardshipCause.child_schooling, HardshipCause.other)
    assert validate_causes(HardshipCause.laid_off, None) == (HardshipCause.laid_off, ())
    assert validate_causes("6", "7、8")[1] == (HardshipCause.natural_disaster, HardshipCause.accident)
    assert HardshipCause(6).label == "患重特大疾病"


@pytest.mark.parametrize(
    ("primary", "secondary", "needles"),
    [
        (None, [], ["必须选择", "主要致困原因"]),
        ([1, 2], [], ["主要致困原因只能选一项"]),
        (11, [], ["主要致困原因", "“11”", "不存在"]),
        (1, [0], ["次要致困原因", "“0”", "不存在"]),
        (1, [2, 3, 4, 5], ["次要致困原因最多选三项", "4项"]),
        (6, [6], ["患重特大疾病", "已是主要致困原因"]),
        (1, [2, 2], ["次要致困原因", "有劳动能力而未就业", "重复"]),
    ],
)
def test_bad_causes(primary, secondary, needles):
    with pytest.raises(InvalidCauses) as caught:
        validate_causes(primary, secondary)
    assert_chinese(caught.value.message, *needles)
