"""A scholarship's payment plan (分年发放): which study years a yearly plan pays, and how it reads.

A yearly plan pays every study year left from the round's year to graduation — a student admitted in
2023 for four years and funded in the 2026 round gets one year (the 4th), not four. The installments
made at approval and every screen and form that states the plan take the years from here, so the
application and its plan always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from assist_desktop.domain.money import format_amount

ONE_OFF, YEARLY = "one_off", "yearly"


@dataclass(frozen=True)
class PlanYear:
    year_index: int  # 1 = first study year
    academic_year: int
    amount_fen: int
    status: str = "planned"  # planned (not yet approved) / pending / released / paid / stopped


def years_left(admission_year: int, study_years: int, round_year: int) -> list[tuple[int, int]]:
    """(study year, academic year) of every year a yearly plan of ``round_year`` pays, to graduation."""
    first_index = round_year - admission_year + 1
    remaining = admission_year + study_years - round_year
    return [(first_index + k, round_year + k) for k in range(max(0, remaining))]


def planned_years(plan: str, admission_year: int, study_years: int, round_year: int,
                  amount_fen: int) -> list[PlanYear]:
    """The plan as it will be made at approval: one payment, or one per study year left."""
    if plan != YEARLY:
        return [PlanYear(round_year - admission_year + 1, round_year, amount_fen)]
    return [PlanYear(index, year, amount_fen) for index, year in years_left(admission_year, study_years, round_year)]


@dataclass(frozen=True)
class StudyPlan:
    plan: str
    years: tuple[PlanYear, ...]
    projected: bool  # True before approval: what approval will make

    @property
    def live_years(self) -> tuple[PlanYear, ...]:
        return tuple(y for y in self.years if y.status != "stopped")

    @property
    def total_fen(self) -> int:
        """What the plan pays: every year not stopped."""
        return sum(y.amount_fen for y in self.live_years)

    @property
    def paid_fen(self) -> int:
        return sum(y.amount_fen for y in self.years if y.status == "paid")

    def text(self) -> str:
        """The plan in one line, in Chinese: 按年发放：第4学年（2026学年），共1学年，每学年5,000.00元，合计5,000.00元."""
        if self.plan != YEARLY:
            return f"一次性发放，{format_amount(self.total_fen)}元"
        if not self.years:
            return "按年发放：已无在读学年"
        live = self.live_years
        first, last = self.years[0], self.years[-1]
        if first.year_index == last.year_index:
            span = f"第{first.year_index}学年（{first.academic_year}学年）"
        else:
            span = (f"第{first.year_index}至{last.year_index}学年（{first.academic_year}—{last.academic_year}学年）")
        amounts = {y.amount_fen for y in self.years}
        each = f"每学年{format_amount(amounts.pop())}元，" if len(amounts) == 1 else ""
        text = f"按年发放：{span}，共{len(self.years)}学年，{each}合计{format_amount(self.total_fen)}元"
        if self.projected:
            return text + "（审批时生成）"
        stopped = len(self.years) - len(live)
        paid = sum(1 for y in self.years if y.status == "paid")
        text += f"；已发放{paid}学年"
        if stopped:
            text += f"，停发{stopped}学年（不计入合计）"
        return text
