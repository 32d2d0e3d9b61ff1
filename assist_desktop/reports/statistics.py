"""年度帮扶工作统计表: counts and amounts of a year by programme and category, one table per programme.

Generic on purpose (sections of labelled rows, columns that are counts or money), so the statistics issue
can add sections without a new layout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from assist_desktop.domain.money import format_amount
from assist_desktop.reports.base import LABEL_SIZE, MissingData, Pen, Renderer, Ticker, cn_date, page_footer
from assist_desktop.reports.layout import Column, Table

DOCUMENT = "年度帮扶工作统计表"


@dataclass(frozen=True)
class StatColumn:
    title: str
    money: bool = False  # fen, printed in yuan; otherwise a count


@dataclass(frozen=True)
class StatRow:
    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class StatSection:
    title: str  # 一、春节送温暖
    label_title: str  # the first column's head: 类别
    columns: tuple[StatColumn, ...]
    rows: tuple[StatRow, ...]
    total: bool = True  # a 合计 row
    note: str = ""

    def totals(self) -> tuple[int, ...]:
        return tuple(sum(r.values[i] for r in self.rows) for i in range(len(self.columns)))


@dataclass(frozen=True)
class StatisticsSummary:
    unit_name: str
    year: int
    printed_on: date
    sections: Sequence[StatSection]
    as_of: date | None = None  # 统计截止: 31 December for a past year (the counts as they stood then)


def _value(column: StatColumn, value: int) -> str:
    return format_amount(value) if column.money else f"{value:,}"


class StatisticsRenderer(Renderer[StatisticsSummary]):
    document = DOCUMENT

    def title(self, data: StatisticsSummary) -> str:
        return f"{data.unit_name}{data.year}年度帮扶工作统计表"

    def check(self, data: StatisticsSummary) -> None:
        if not data.unit_name:
            raise MissingData(f"不能打印《{DOCUMENT}》：缺少“单位名称”。", field="单位名称")
        if not data.sections:
            raise MissingData(f"《{DOCUMENT}》没有统计内容。")

    def draw(self, pen: Pen, data: StatisticsSummary, ticker: Ticker) -> None:
        page_w, page_h = self.pagesize
        left, width = 18 * mm, page_w - 36 * mm
        row_h = 7 * mm
        page = 1

        def head(first: bool) -> float:
            y = page_h - 20 * mm
            pen.text(page_w / 2, y, f"{data.year}年度帮扶工作统计表" + ("" if first else "（续）"), 17, align="center",
                     bold=True)
            y -= 9 * mm
            right = f"统计截止：{cn_date(data.as_of or data.printed_on)}    金额单位：元"
            unit = f"填报单位（盖章）：{data.unit_name}"
            pen.text(left, y, unit, pen.fitting_size(unit, width - pen.width(right, LABEL_SIZE) - 6 * mm, LABEL_SIZE))
            pen.text(left + width, y, f"统计截止：{cn_date(data.as_of or data.printed_on)}    金额单位：元", LABEL_SIZE,
                     align="right")
            return y - 5 * mm

        # lay out first (to know the number of pages), then draw
        plan: list[list[StatSection]] = [[]]
        y = head_y = page_h - 34 * mm
        for section in data.sections:
            need = 10 * mm + row_h * (1 + len(section.rows) + (1 if section.total else 0)) + (6 * mm if section.note else 0)
            if y - need < 24 * mm and plan[-1]:
                plan.append([])
                y = head_y
            plan[-1].append(section)
            y -= need + 4 * mm
        for number, sections in enumerate(plan, start=1):
            if number > 1:
                pen.c.showPage()
            y = head(number == 1)
            for section in sections:
                y -= 6 * mm
                pen.text(left, y, section.title, 12, bold=True)
                y -= 3 * mm
                columns = [Column(section.label_title, 26)] + [
                    Column(c.title, 16, "right" if c.money else "center") for c in section.columns]
                table = Table(pen, columns, left=left, width=width, row_h=row_h, head_h=row_h + 1.5 * mm, size=10)
                top = y
                y = table.header(y)
                for row in section.rows:
                    y = table.row(y, [row.label] + [_value(c, v) for c, v in zip(section.columns, row.values)])
                if section.total:
                    y = table.row(y, ["合计"] + [_value(c, v) for c, v in zip(section.columns, section.totals())],
                                  bold=True)
                table.frame(top, y)
                if section.note:
                    y -= 5 * mm
                    pen.text(left, y, section.note, 8.5)
                y -= 4 * mm
            if number == len(plan):
                y -= 12 * mm
                for i, who in enumerate(("填表人：", "审核人：", "单位负责人：")):
                    pen.text(left + i * 60 * mm, y, who, LABEL_SIZE)
                pen.text(left + width, y - 8 * mm, f"打印日期：{cn_date(data.printed_on)}", 8.5, align="right")
            page_footer(pen, number, len(plan))
            page += 1
        ticker(1)


__all__ = ["DOCUMENT", "StatColumn", "StatRow", "StatSection", "StatisticsRenderer", "StatisticsSummary"]
