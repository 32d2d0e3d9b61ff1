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
from assist_desktop.reports.layout import Column, Table, paginate

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
    contact_phone: str = ""  # 监督电话 (设置 → 公示与节假日)
    contact_person: str = ""  # 联系人
    amount_label: str = "金额"
    unit_label: str = "单位"
    category_label: str = "类别"
    who: str = "人"


TITLE_SIZE = 17
INTRO_SIZE = 10.5


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

    def _closing(self, pen: Pen, data: PublicNotice, width: float) -> list[tuple[str, float, str]]:
        """The lines after the list: (text, size, align)."""
        total = sum(line.amount_fen for line in data.lines)
        out = [(f"以上共{len(data.lines)}{data.who}" + (f"，{data.amount_label}合计{format_amount(total)}元。"
                                                       if total else "。"), INTRO_SIZE, "left")]
        contact = "；".join(x for x in ((f"联系人：{data.contact_person}" if data.contact_person else ""),
                                       (f"监督电话：{data.contact_phone}" if data.contact_phone else "")) if x)
        if contact:
            out += [(line, INTRO_SIZE, "left") for line in pen.wrap(contact, width, INTRO_SIZE)]
        return out

    def draw(self, pen: Pen, data: PublicNotice, ticker: Ticker) -> None:
        page_w, page_h = self.pagesize
        left, width = 18 * mm, page_w - 36 * mm
        columns = [Column("序号", 8), Column("姓名", 19), Column(data.unit_label, 46, "left"),
                   Column(data.category_label, 16), Column("身份证号", 30)]
        amounts = any(line.amount_fen for line in data.lines)
        if amounts:
            columns.append(Column(f"{data.amount_label}（元）", 17, "right"))
        table = Table(pen, columns, left=left, width=width, row_h=7.4 * mm, head_h=8.5 * mm, size=10, min_size=7)
        lines = list(data.lines)
        title_size, title_lines = pen.layout(data.title, width, TITLE_SIZE, 13, max_lines=3)
        intro_lines = pen.wrap(data.intro, width, INTRO_SIZE) if data.intro else []
        closing_lines = self._closing(pen, data, width)

        def values(number: int, line: NoticeLine) -> list[str]:
            row = [str(number), line.name, line.unit, line.category, line.masked_id]
            return row + [format_amount(line.amount_fen)] if amounts else row

        heights = [table.row_height(values(i, line)) for i, line in enumerate(lines, start=1)]
        title_h = len(title_lines) * title_size * 1.25 + 6 * mm
        body_top = page_h - 20 * mm - title_h
        first_top = body_top - len(intro_lines) * INTRO_SIZE * 1.5 - 2 * mm
        bottom = 20 * mm  # the note and the page number below
        closing_h = 8 * mm + len(closing_lines) * 7 * mm + 21 * mm
        chunks = paginate(heights, first=first_top - bottom - table.header_height(),
                          other=body_top - bottom - table.header_height(), closing=closing_h)
        number, done = 0, 0
        for page, (start, end) in enumerate(chunks, start=1):
            if page > 1:
                pen.c.showPage()
            y = page_h - 20 * mm
            for i, line in enumerate(title_lines):
                last = i == len(title_lines) - 1
                pen.text(page_w / 2, y, line + ("（续）" if page > 1 and last else ""), title_size, align="center",
                         bold=True)
                y -= title_size * 1.25
            y = body_top
            if page == 1:
                for line in intro_lines:
                    pen.text(left, y, line, INTRO_SIZE)
                    y -= INTRO_SIZE * 1.5
                y -= 2 * mm
            if end > start:
                top = y
                y = table.header(y)
                for line in lines[start:end]:
                    number += 1
                    y = table.row(y, values(number, line), height=heights[number - 1])
                    done += 1
                    ticker(done)
                table.frame(top, y)
            if page == len(chunks):
                y -= 8 * mm
                for text, size, _align in closing_lines:
                    pen.text(left, y, text, size)
                    y -= 7 * mm
                y -= 7 * mm
                seal = f"{data.unit_name}（盖章）"
                pen.text(left + width, y, seal, pen.fitting_size(seal, width, 11), align="right")
                pen.text(left + width, y - 7 * mm, cn_date(data.printed_on), 11, align="right")
            pen.text(left, 14 * mm, "注：依照个人信息保护规定，公示名单不含住址、健康及银行账户信息，身份证号已部分遮挡。",
                     LABEL_SIZE * 0.85)
            page_footer(pen, page, len(chunks))


__all__ = ["DOCUMENT", "NoticeLine", "NoticeRenderer", "PublicNotice"]
