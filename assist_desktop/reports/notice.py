"""公示名单: the list posted before approval. By law (PIPL) and practice it shows only name, unit,
category and amount, with the ID number masked: the data class has no field for an address, health or a
bank account, so none can reach the paper."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm

from assist_desktop.domain.money import format_amount
from assist_desktop.reports.base import LABEL_SIZE, MissingData, Pen, Renderer, Ticker, cn_date, page_footer, require
from assist_desktop.reports.layout import Column, Table

DOCUMENT = "公示名单"
_MASKED = set("0123456789X*")


@dataclass(frozen=True)
class NoticeLine:
    name: str
    unit: str
    category: str
    masked_id: str
    amount_fen: int


@dataclass(frozen=True)
class PublicNotice:
    unit_name: str
    title: str  # 2027年春节送温暖慰问对象公示名单
    lines: Sequence[NoticeLine]
    printed_on: date
    intro: str = ""  # what the list is, the notice period, how to object
    contact_phone: str = ""
    amount_label: str = "金额"
    unit_label: str = "单位"
    category_label: str = "类别"
    who: str = "人"


ROWS_PER_PAGE = 28


class NoticeRenderer(Renderer[PublicNotice]):
    document = DOCUMENT

    def title(self, data: PublicNotice) -> str:
        return data.title

    def total(self, data: PublicNotice) -> int:
        return len(data.lines)

    def check(self, data: PublicNotice) -> None:
        require(data.title or DOCUMENT, [("单位名称", data.unit_name), ("标题", data.title)])
        if not data.lines:
            raise MissingData(f"《{data.title}》没有可公示的人员。")
        for index, line in enumerate(data.lines, start=1):
            if not line.name:
                raise MissingData(f"《{data.title}》第{index}行缺少“姓名”，不能打印。", field="姓名")
            if not line.masked_id or "*" not in line.masked_id or set(line.masked_id) - _MASKED:
                # a full ID number must never be posted (PIPL): refuse rather than print it
                raise MissingData(f"《{data.title}》第{index}行（{line.name}）的身份证号未遮挡，不能公示。",
                                  field="身份证号")

    def draw(self, pen: Pen, data: PublicNotice, ticker: Ticker) -> None:
        page_w, page_h = self.pagesize
        left, width = 18 * mm, page_w - 36 * mm
        columns = [Column("序号", 8), Column("姓名", 15), Column(data.unit_label, 48, "left"),
                   Column(data.category_label, 18), Column("身份证号", 32), Column(f"{data.amount_label}（元）", 19, "right")]
        table = Table(pen, columns, left=left, width=width, row_h=7.4 * mm, head_h=8.5 * mm, size=10)
        lines = list(data.lines)
        intro_lines = pen.wrap(data.intro, width, 10.5) if data.intro else []
        first_rows = max(5, ROWS_PER_PAGE - 1 - len(intro_lines))
        chunks = [lines[:first_rows]]
        rest = lines[first_rows:]
        while rest:
            chunks.append(rest[:ROWS_PER_PAGE])
            rest = rest[ROWS_PER_PAGE:]
        # the closing lines (total, contact, signature) need room on the last page
        if len(chunks[-1]) > (first_rows if len(chunks) == 1 else ROWS_PER_PAGE) - 6:
            chunks.append([])
        number, done = 0, 0
        for page, chunk in enumerate(chunks, start=1):
            if page > 1:
                pen.c.showPage()
            y = page_h - 20 * mm
            pen.text(page_w / 2, y, data.title + ("（续）" if page > 1 else ""), 17, align="center", bold=True)
            y -= 10 * mm
            if page == 1:
                for line in intro_lines:
                    pen.text(left, y, line, 10.5)
                    y -= 10.5 * 1.5
                y -= 2 * mm
            if chunk:
                top = y
                y = table.header(y)
                for line in chunk:
                    number += 1
                    y = table.row(y, [str(number), line.name, line.unit, line.category, line.masked_id,
                                      format_amount(line.amount_fen)])
                    done += 1
                    ticker(done)
                table.frame(top, y)
            if page == len(chunks):
                total = sum(line.amount_fen for line in lines)
                y -= 8 * mm
                pen.text(left, y, f"以上共{len(lines)}{data.who}，{data.amount_label}合计{format_amount(total)}元。", 10.5)
                if data.contact_phone:
                    y -= 7 * mm
                    pen.text(left, y, f"监督电话：{data.contact_phone}", 10.5)
                y -= 14 * mm
                pen.text(left + width, y, f"{data.unit_name}（盖章）", 11, align="right")
                pen.text(left + width, y - 7 * mm, cn_date(data.printed_on), 11, align="right")
            page_footer(pen, page, len(chunks))
        pen.text(left, 14 * mm, "注：依照个人信息保护规定，公示名单不含住址、健康及银行账户信息，身份证号已部分遮挡。",
                 LABEL_SIZE * 0.85)


__all__ = ["DOCUMENT", "NoticeLine", "NoticeRenderer", "PublicNotice"]
