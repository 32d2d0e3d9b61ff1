"""签领表: the roster recipients sign when they collect (a campaign's visits, or a round's scholarships).

A4 landscape. Every page repeats the title and the column heads, ends with 本页小计 (households and
money of that page) and says 第x页 共y页; the last page adds 合计 with the total in capitals. ID numbers
are masked; the signature and date columns are left for the recipients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from assist_desktop.domain.money import amount_in_words, format_amount
from assist_desktop.reports.base import LABEL_SIZE, MissingData, Pen, Renderer, Ticker, cn_date, page_footer, require
from assist_desktop.reports.layout import Column, Table

DOCUMENT = "签领表"


@dataclass(frozen=True)
class RosterLine:
    name: str
    unit: str  # the recipient's union or employer (a student's school)
    category: str  # 深度困难 … (a student's level)
    masked_id: str
    cash_fen: int
    goods_fen: int = 0


@dataclass(frozen=True)
class SignoffSheet:
    unit_name: str
    title: str  # 2027年春节送温暖活动慰问金（品）签领表
    lines: Sequence[RosterLine]
    printed_on: date
    note: str = ""  # under the title: what the goods are, how they are valued
    cash_label: str = "慰问金"
    goods_label: str | None = "慰问品"  # None: no goods column (a scholarship round)
    unit_label: str = "单位"
    category_label: str = "类别"
    who: str = "户"  # 户 for households, 人 for students

    @property
    def total_cash_fen(self) -> int:
        return sum(line.cash_fen for line in self.lines)

    @property
    def total_goods_fen(self) -> int:
        return sum(line.goods_fen for line in self.lines)


ROWS_PER_PAGE = 15


def pages_needed(count: int) -> int:
    return max(1, -(-count // ROWS_PER_PAGE))


class SignoffRenderer(Renderer[SignoffSheet]):
    document = DOCUMENT
    pagesize = landscape(A4)

    def title(self, data: SignoffSheet) -> str:
        return data.title

    def total(self, data: SignoffSheet) -> int:
        return len(data.lines)

    def check(self, data: SignoffSheet) -> None:
        require(data.title or DOCUMENT, [("单位名称", data.unit_name), ("标题", data.title)])
        if not data.lines:
            raise MissingData(f"《{data.title}》没有可列入的人员（只有已审批或已发放的事项才列入签领表）。")
        for index, line in enumerate(data.lines, start=1):
            missing = [n for n, v in (("姓名", line.name), ("身份证号", line.masked_id)) if not v]
            if missing:
                raise MissingData(f"《{data.title}》第{index}行缺少{'、'.join(f'“{n}”' for n in missing)}，不能打印。",
                                  field=missing[0])

    def draw(self, pen: Pen, data: SignoffSheet, ticker: Ticker) -> None:
        page_w, page_h = self.pagesize
        left, width = 12 * mm, page_w - 24 * mm
        goods = data.goods_label is not None
        columns = [Column("序号", 9), Column("姓名", 19), Column(data.unit_label, 50, "left"),
                   Column(data.category_label, 19), Column("身份证号", 36),
                   Column(f"{data.cash_label}（元）", 21, "right")]
        if goods:
            columns.append(Column(f"{data.goods_label}（元）", 21, "right"))
        columns += [Column("领取人签名", 33), Column("领取日期", 22)]
        table = Table(pen, columns, left=left, width=width, row_h=8.6 * mm, head_h=9 * mm, size=10)
        lead = 5  # 序号 … 身份证号
        tail = 2  # signature and date
        lines = list(data.lines)
        pages = pages_needed(len(lines))
        done = 0
        for page in range(1, pages + 1):
            if page > 1:
                pen.c.showPage()
            top = page_h - 13 * mm
            pen.text(page_w / 2, top, data.title, 16, align="center", bold=True)
            y = top - 8 * mm
            pen.text(left, y, f"发放单位（盖章）：{data.unit_name}", LABEL_SIZE)
            if data.note:
                pen.text(page_w / 2, y, data.note, 8.5, align="center")
            pen.text(left + width, y, "金额单位：元", LABEL_SIZE, align="right")
            table_top = y - 3 * mm
            y = table.header(table_top)
            chunk = lines[(page - 1) * ROWS_PER_PAGE:page * ROWS_PER_PAGE]
            for offset, line in enumerate(chunk):
                number = (page - 1) * ROWS_PER_PAGE + offset + 1
                values = [str(number), line.name, line.unit, line.category, line.masked_id,
                          format_amount(line.cash_fen)]
                if goods:
                    values.append(format_amount(line.goods_fen))
                y = table.row(y, values + ["", ""])
                done += 1
                ticker(done)
            cash = sum(line.cash_fen for line in chunk)
            spans = [(lead, f"本页小计（{len(chunk)}{data.who}）", "center"), (1, format_amount(cash), "right")]
            if goods:
                spans.append((1, format_amount(sum(line.goods_fen for line in chunk)), "right"))
            y = table.spanning_row(y, spans + [(tail, "", "left")], bold=True)
            if page == pages:
                spans = [(lead, f"合计（共{len(lines)}{data.who}）", "center"),
                         (1, format_amount(data.total_cash_fen), "right")]
                if goods:
                    spans.append((1, format_amount(data.total_goods_fen), "right"))
                y = table.spanning_row(y, spans + [(tail, "", "left")], bold=True)
                words = f"{data.cash_label}合计（大写）：人民币{amount_in_words(data.total_cash_fen)}"
                if goods and data.total_goods_fen:
                    words += f"；{data.goods_label}折价合计：{format_amount(data.total_goods_fen)}元"
                y = table.spanning_row(y, [(len(columns), words, "left")], bold=True)
            table.frame(table_top, y)
            sig_y = 15 * mm
            for i, who in enumerate(("经办人：", "审核人：", "单位负责人：")):
                pen.text(left + i * 80 * mm, sig_y, who, LABEL_SIZE)
            pen.text(left + width, sig_y, f"打印日期：{cn_date(data.printed_on)}", 8.5, align="right")
            page_footer(pen, page, pages, y=8 * mm)


__all__ = ["DOCUMENT", "ROWS_PER_PAGE", "RosterLine", "SignoffRenderer", "SignoffSheet", "pages_needed"]
