"""签领表: the roster recipients sign when they collect (a campaign's visits, or a round's payments).

A4 landscape. Every page repeats the title and the column heads, ends with 本页小计 (households and
money of that page), the signature lines of 经办人, 审核人 and 单位负责人, and 第x页 共y页; the last page
adds 合计 with the total in capitals, and never holds the total alone. Each row names the recipient, the
union, the category, the masked ID number, the phone, the voucher number and how the money went (现金, or
转账 with the account's last four digits); the signature and date columns are left for the recipients.
Rows grow to hold long names and union names (shrunk first, then wrapped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from assist_desktop.domain.money import amount_in_words, format_amount
from assist_desktop.reports.base import LABEL_SIZE, MissingData, Pen, Renderer, Ticker, cn_date, page_footer, require
from assist_desktop.reports.layout import Column, Table, paginate

DOCUMENT = "签领表"


@dataclass(frozen=True)
class RosterLine:
    name: str
    unit: str  # the recipient's union or employer (a student's school)
    category: str  # 深度困难 … (a student's level)
    masked_id: str
    cash_fen: int
    goods_fen: int = 0
    voucher_no: str = ""  # empty: approved, not paid yet (no voucher number)
    method: str = ""  # 现金 / 转账
    account_tail: str = ""  # a transfer's account, its last four digits
    phone: str = ""

    @property
    def how_paid(self) -> str:
        if self.method == "转账" and self.account_tail:
            return f"转账 尾号{self.account_tail}"
        return self.method


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


ROW_H = 8.6 * mm
TOP, BOTTOM = 13 * mm, 22 * mm  # from the page's top: the title; from its bottom: signatures and footer


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

    def _columns(self, data: SignoffSheet) -> list[Column]:
        columns = [Column("序号", 8), Column("姓名", 25), Column(data.unit_label, 38, "left"),
                   Column(data.category_label, 17), Column("身份证号", 34), Column("联系电话", 24),
                   Column("凭证号", 30), Column("发放方式", 20), Column(f"{data.cash_label}（元）", 20, "right")]
        if data.goods_label is not None:
            columns.append(Column(f"{data.goods_label}（元）", 18, "right"))
        return columns + [Column("领取人签名", 25), Column("领取日期", 17)]

    def _values(self, data: SignoffSheet, number: int, line: RosterLine) -> list[str]:
        values = [str(number), line.name, line.unit, line.category, line.masked_id, line.phone, line.voucher_no,
                  line.how_paid, format_amount(line.cash_fen)]
        if data.goods_label is not None:
            values.append(format_amount(line.goods_fen))
        return values + ["", ""]

    def draw(self, pen: Pen, data: SignoffSheet, ticker: Ticker) -> None:
        page_w, page_h = self.pagesize
        left, width = 12 * mm, page_w - 24 * mm
        goods = data.goods_label is not None
        columns = self._columns(data)
        table = Table(pen, columns, left=left, width=width, row_h=ROW_H, head_h=9 * mm, size=9.5, min_size=7)
        lead = 8  # 序号 … 发放方式
        tail = 2  # signature and date
        lines = list(data.lines)

        title_size, title_lines = pen.layout(data.title, width, 16, 12, max_lines=2)
        note_lines = pen.wrap(data.note, width, 8.5) if data.note else []
        head_bottom = TOP + len(title_lines) * title_size * 1.2 + 6 * mm + len(note_lines) * 8.5 * 1.3
        table_top = page_h - head_bottom - 1 * mm
        available = table_top - BOTTOM - table.header_height()
        heights = [table.row_height(self._values(data, i, line)) for i, line in enumerate(lines, start=1)]
        subtotal_spans = [(lead, "本页小计（99999户）", "center"), (1, "0,000,000.00", "right")]
        subtotal_h = table.spanning_height(subtotal_spans)
        words = self._words(data)
        closing = table.row_h + table.spanning_height([(len(columns), words, "left")])
        chunks = paginate(heights, first=available, other=available, per_page=subtotal_h, closing=closing)
        pages = len(chunks)
        done = 0
        for page, (start, end) in enumerate(chunks, start=1):
            if page > 1:
                pen.c.showPage()
            y = page_h - TOP
            for line in title_lines:
                pen.text(page_w / 2, y, line, title_size, align="center", bold=True)
                y -= title_size * 1.2
            y -= 3 * mm
            unit = f"发放单位（盖章）：{data.unit_name}"
            pen.text(left, y, unit, pen.fitting_size(unit, width - 30 * mm, LABEL_SIZE), )
            pen.text(left + width, y, "金额单位：元", LABEL_SIZE, align="right")
            for note in note_lines:
                y -= 8.5 * 1.3
                pen.text(left, y, note, 8.5)
            y = table.header(table_top)
            for offset, line in enumerate(lines[start:end]):
                number = start + offset + 1
                y = table.row(y, self._values(data, number, line), height=heights[start + offset])
                done += 1
                ticker(done)
            chunk = lines[start:end]
            spans = [(lead, f"本页小计（{len(chunk)}{data.who}）", "center"),
                     (1, format_amount(sum(line.cash_fen for line in chunk)), "right")]
            if goods:
                spans.append((1, format_amount(sum(line.goods_fen for line in chunk)), "right"))
            y = table.spanning_row(y, spans + [(tail, "", "left")], bold=True, height=subtotal_h)
            if page == pages:
                spans = [(lead, f"合计（共{len(lines)}{data.who}）", "center"),
                         (1, format_amount(data.total_cash_fen), "right")]
                if goods:
                    spans.append((1, format_amount(data.total_goods_fen), "right"))
                y = table.spanning_row(y, spans + [(tail, "", "left")], bold=True)
                y = table.spanning_row(y, [(len(columns), words, "left")], bold=True)
            table.frame(table_top, y)
            sig_y = 15 * mm
            for i, who in enumerate(("经办人：", "审核人：", "单位负责人：")):
                pen.text(left + i * 80 * mm, sig_y, who, LABEL_SIZE)
            pen.text(left + width, sig_y, f"打印日期：{cn_date(data.printed_on)}", 8.5, align="right")
            page_footer(pen, page, pages, y=8 * mm)

    @staticmethod
    def _words(data: SignoffSheet) -> str:
        words = f"{data.cash_label}合计（大写）：人民币{amount_in_words(data.total_cash_fen)}"
        if data.goods_label is not None and data.total_goods_fen:
            words += f"；{data.goods_label}折价合计：{format_amount(data.total_goods_fen)}元"
        return words


def pages_needed(count: int) -> int:
    """Pages of a sheet of ``count`` one-line rows (a rough figure for the screens)."""
    return max(1, -(-count // 16))


__all__ = ["DOCUMENT", "RosterLine", "SignoffRenderer", "SignoffSheet", "pages_needed"]
