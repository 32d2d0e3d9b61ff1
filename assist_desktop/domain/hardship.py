"""Hardship categories and causes (DESIGN.md §3). Calculations are added below the enumerations."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import IntEnum, StrEnum

from assist_desktop.domain.errors import DomainError


class HardshipCategory(StrEnum):
    deep = "deep"
    relative = "relative"
    accident = "accident"

    @property
    def label(self) -> str:
        return {"deep": "深度困难", "relative": "相对困难", "accident": "意外致困"}[self.value]


class HardshipCause(IntEnum):
    no_work_ability = 1
    unemployed_able = 2
    laid_off = 3
    no_social_insurance = 4
    insurance_not_honoured = 5
    serious_illness = 6
    natural_disaster = 7
    accident = 8
    child_schooling = 9
    other = 10

    @property
    def label(self) -> str:
        return _CAUSE_LABELS[self.value]


_CAUSE_LABELS = {
    1: "无劳动能力",
    2: "有劳动能力而未就业",
    3: "下岗失业",
    4: "未参加社会保险",
    5: "社会保险待遇落实不到位",
    6: "患重特大疾病",
    7: "遭受自然灾害",
    8: "遭受意外事故",
    9: "子女上学",
    10: "其他",
}


# ---------------------------------------------------------------------------
# Calculations (DESIGN.md §3)

MAX_HOUSEHOLD_SIZE = 20
# 10万元 per person per month: far above any hardship household; larger is a typing slip.
MAX_MONTHLY_INCOME_FEN = 10_000_000
MAX_SECONDARY_CAUSES = 3
# Members whose identity says they have an income (wage, pension, farming): a blank income for them is
# missing, not 0 — the category cannot be worked out until it is given. A student's blank is no income.
EARNING_IDENTITIES = frozenset({"on_duty", "migrant_worker", "retired", "early_retired", "sick_leave", "farmer"})


class InvalidHousehold(DomainError):
    pass


class InvalidCauses(DomainError):
    pass


def check_household_size(size: int) -> int:
    if isinstance(size, bool) or not isinstance(size, int):
        raise InvalidHousehold("家庭人口必须是整数", field="家庭人口")
    if size < 1:
        raise InvalidHousehold("家庭人口至少为1人", field="家庭人口")
    if size > MAX_HOUSEHOLD_SIZE:
        raise InvalidHousehold(f"家庭人口{size}人超过上限{MAX_HOUSEHOLD_SIZE}人，请核对", field="家庭人口")
    return size


def check_monthly_income(fen: int, *, field: str = "月收入") -> int:
    if fen < 0:
        raise InvalidHousehold(f"{field}不能为负数", field=field)
    if fen > MAX_MONTHLY_INCOME_FEN:
        raise InvalidHousehold(f"{field}超过每月10万元，请核对是否多填了位数", field=field)
    return fen


def per_capita_monthly_income(annual_income_fen: int, rigid_expenses_fen: int, household_size: int) -> int:
    """(annual disposable income − rigid expenses) ÷ 12 ÷ household size, in fen.

    Rounded half up to the fen in integer arithmetic; a household whose rigid
    expenses exceed its income counts as 0, not as a negative income.
    """
    check_household_size(household_size)
    if annual_income_fen < 0:
        raise InvalidHousehold("家庭年度总收入不能为负数", field="家庭年度总收入")
    if rigid_expenses_fen < 0:
        raise InvalidHousehold("刚性支出不能为负数", field="刚性支出")
    net = annual_income_fen - rigid_expenses_fen
    if net <= 0:
        return 0
    divisor = 12 * household_size
    quotient, remainder = divmod(net, divisor)
    if 2 * remainder >= divisor:
        quotient += 1
    return check_monthly_income(quotient, field="家庭月人均收入")


def propose_category(
    *,
    per_capita_fen: int,
    subsistence_line_fen: int,
    annual_income_fen: int,
    hardship_costs_fen: int = 0,
    disaster_or_accident: bool = False,
) -> HardshipCategory | None:
    """The category the rule proposes; None means the household does not qualify.

    "Below" is strict: income exactly at the line is not below it. The income tests
    come first, so a household below the line that also had an accident is
    ``deep``: the deeper category already carries the larger help, and ``accident``
    exists for households the income tests do not catch.
    """
    if subsistence_line_fen <= 0:
        raise InvalidHousehold("低保标准必须大于0，请检查政策文件", field="低保标准")
    if per_capita_fen < 0 or annual_income_fen < 0 or hardship_costs_fen < 0:
        raise InvalidHousehold("收入和支出不能为负数")
    if per_capita_fen < subsistence_line_fen:
        return HardshipCategory.deep
    if per_capita_fen < 2 * subsistence_line_fen:
        return HardshipCategory.relative
    # Above 80% of the year's household income, compared without division.
    if disaster_or_accident or hardship_costs_fen * 5 > annual_income_fen * 4:
        return HardshipCategory.accident
    return None


def _cause(code: object, role: str) -> HardshipCause:
    if isinstance(code, HardshipCause):
        return code
    try:
        if isinstance(code, bool):
            raise ValueError
        return HardshipCause(int(str(code).strip()))
    except ValueError:
        raise InvalidCauses(f"{role}代码“{code}”不存在（应为1至10）", field=role) from None


def validate_causes(
    primary: HardshipCause | int | None, secondary: Iterable[HardshipCause | int] | None = ()
) -> tuple[HardshipCause, tuple[HardshipCause, ...]]:
    """Exactly one primary cause and up to three distinct secondary ones, none repeating it."""
    if isinstance(primary, (list, tuple, set, frozenset)):
        if len(primary) != 1:
            raise InvalidCauses(f"主要致困原因只能选一项，当前选了{len(primary)}项", field="主要致困原因")
        (primary,) = primary
    if primary is None or primary == "":
        raise InvalidCauses("必须选择一项主要致困原因", field="主要致困原因")
    main = _cause(primary, "主要致困原因")
    if isinstance(secondary, str):  # as typed in an import sheet: "6、7" or "6,7"
        secondary = [part for part in re.split(r"[,，、;；\s]+", secondary) if part]
    elif isinstance(secondary, (int, HardshipCause)):
        secondary = [secondary]
    others = tuple(_cause(code, "次要致困原因") for code in (secondary or ()))
    if len(others) > MAX_SECONDARY_CAUSES:
        raise InvalidCauses(f"次要致困原因最多选三项，当前选了{len(others)}项", field="次要致困原因")
    if main in others:
        raise InvalidCauses(f"“{main.label}”已是主要致困原因，不能再作为次要致困原因", field="次要致困原因")
    if len(set(others)) != len(others):
        repeated = next(c for c in others if others.count(c) > 1)
        raise InvalidCauses(f"次要致困原因“{repeated.label}”重复选择", field="次要致困原因")
    return main, others
