"""发放凭证: subsidy vouchers, one, two or three to a sheet, each with a signed QR code.

A voucher shows the serial number (unit code and year), the activity, the recipient with the ID number
masked, the programme, the amount in figures and in capitals, the way it was paid, signature lines for the
recipient (and the guardian, for a student under 18), 经办 and 审核, a line for 领取日期, the paying
unit's seal space, and a QR code whose payload is signed with the unit's Ed25519 key (``VoucherPayload``);
a copy printed again carries 补打 and its copy number. With ``counterfoil`` each voucher has its 存根联
below a cut line (kept by the paying unit), two to an A4 sheet. Long names and
activities are shrunk, then wrapped onto a second line, inside their boxes.

Speed: the ruling, the labels and the title are the same on every voucher, so they are drawn once into
a PDF form XObject and placed on each voucher with one operator; only the values, the QR code (an
inline image mask, see ``reports.qr``) and the reprint mark are drawn per voucher.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.units import mm

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.money import amount_in_words, format_amount
from assist_desktop.reports import qr
from assist_desktop.reports.base import LABEL_SIZE, LINE, THICK, MissingData, Pen, Renderer, Ticker, cn_date

TITLE = "帮扶资金发放凭证"
PER_SHEET = {1: "每页1张（A5）", 2: "每页2张（A4）", 3: "每页3张（A4）"}
KINDS = {"visit": "W", "scholarship": "S", "installment": "I"}  # what the payload names the grant by


# --- the payload ------------------------------------------------------------------------------------------


class PayloadInvalid(DomainError):
    """The scanned text is not a voucher payload of this program, or is damaged."""


_VOUCHER_NO = re.compile(r"\d{6}-\d{4}-V\d{6}")
_MASKED = re.compile(r"[0-9X*]{1,18}")
_B32 = re.compile(r"[A-Z2-7]+")


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _unb32(text: str) -> bytes:
    if not _B32.fullmatch(text):
        raise ValueError(text)
    return base64.b32decode(text + "=" * (-len(text) % 8))


@dataclass(frozen=True)
class VoucherPayload:
    """What a voucher's QR code certifies. The text is in QR alphanumeric characters only, so a hand scanner
    typing into any field passes it unchanged:

    ``ADV1:<key id>:<voucher no>:<W|S|I>:<name, base32 of UTF-8>:<masked ID>:<fen>:<YYYYMMDD>:<signature>``

    The signature (Ed25519, base32) covers everything before the last colon."""

    key_id: str
    voucher_no: str
    kind: str  # W (visit), S (scholarship), I (installment)
    recipient_name: str
    masked_id: str
    amount_fen: int
    paid_on: date
    signature: bytes = b""

    PREFIX = "ADV1"

    def message(self) -> bytes:
        for value in (self.voucher_no, self.masked_id, self.key_id):
            if ":" in value:
                raise ValueError(value)
        return ":".join((self.PREFIX, self.key_id, self.voucher_no, self.kind, _b32(self.recipient_name.encode()),
                         self.masked_id, str(self.amount_fen), f"{self.paid_on:%Y%m%d}")).encode("ascii")

    def text(self) -> str:
        return f"{self.message().decode('ascii')}:{_b32(self.signature)}"

    @classmethod
    def parse(cls, text: str) -> tuple["VoucherPayload", bytes]:
        """The payload and the exact bytes its signature covers; PayloadInvalid for anything else."""
        text = (text or "").strip()
        parts = text.split(":")
        bad = PayloadInvalid("这不是本系统出具的发放凭证二维码，或二维码内容不完整（请重新扫描）。", field="二维码内容")
        if len(parts) != 9 or parts[0] != cls.PREFIX:
            raise bad
        _, key_id, voucher_no, kind, name, masked, amount, paid, signature = parts
        try:
            if not (re.fullmatch(r"[0-9A-F]{8}", key_id) and _VOUCHER_NO.fullmatch(voucher_no)
                    and kind in KINDS.values() and _MASKED.fullmatch(masked) and amount.isdigit()
                    and re.fullmatch(r"\d{8}", paid)):
                raise ValueError(text)
            payload = cls(key_id, voucher_no, kind, _unb32(name).decode("utf-8"), masked, int(amount),
                          date(int(paid[:4]), int(paid[4:6]), int(paid[6:])), _unb32(signature))
        except ValueError:
            raise bad from None
        return payload, text.rsplit(":", 1)[0].encode("ascii")


# --- the document -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voucher:
    voucher_no: str
    programme: str  # 春节送温暖慰问金 / 金秋助学助学金 …
    activity: str  # 2027年春节送温暖活动 / 2026年金秋助学（第2学年）
    recipient_name: str
    masked_id: str
    amount_fen: int
    paid_on: date
    method: str  # 现金 / 转账
    payload: str  # the signed QR text
    account: str = ""  # a transfer's account, masked (only the last four digits are shown)
    copy_no: int = 1  # 2 and more: a reprint (补打)
    guardian: bool = False  # a student under 18 on the day paid: the guardian signs too


@dataclass(frozen=True)
class VoucherSheet:
    unit_name: str
    vouchers: Sequence[Voucher]
    per_sheet: int = 3  # 3 or 2 to an A4 sheet, or 1 on an A5 sheet
    counterfoil: bool = False  # each voucher with its 存根联 (2 to an A4 sheet or 1 to an A5 sheet)

    @property
    def reprints(self) -> int:
        return sum(1 for v in self.vouchers if v.copy_no > 1)


# Slot-local geometry (points), the same for every size of slot: the voucher is 186 mm wide; y runs down
# from the voucher's top (negative).
_W = 186 * mm
_QR = 27 * mm
_TABLE_W = _W - _QR - 6 * mm
_ROW = 8.2 * mm
_ROWS = 5
_COLS = (21 * mm, 62 * mm, 19 * mm)  # label, value, label; the last value takes the rest
_TABLE_TOP = -16 * mm
_TABLE_BOTTOM = _TABLE_TOP - _ROWS * _ROW
_SIGN_Y = _TABLE_BOTTOM - 9 * mm
_HEIGHT = 84 * mm  # from the top of the title to below the last line
_STUB_H = 50 * mm  # the counterfoil below the voucher
_NAME_SIZE, _NAME_MIN = 11.0, 7.0


class VoucherRenderer(Renderer[VoucherSheet]):
    document = TITLE

    def __init__(self) -> None:
        self._frame = ""

    def title(self, data: VoucherSheet) -> str:
        return f"{data.unit_name}{TITLE}（{len(data.vouchers)}张）"

    def total(self, data: VoucherSheet) -> int:
        return len(data.vouchers)

    def check(self, data: VoucherSheet) -> None:
        if data.per_sheet not in PER_SHEET:
            raise MissingData(f"每页张数只能是1、2或3（当前为{data.per_sheet}）。", field="每页张数")
        if data.counterfoil and data.per_sheet != 2:
            raise MissingData("带存根联的凭证每页2张（A4纸，每张凭证下方为存根联）。", field="每页张数")
        if not data.vouchers:
            raise MissingData("没有可打印的发放凭证。")
        if not data.unit_name:
            raise MissingData(f"不能打印《{TITLE}》：缺少“单位名称”。", field="单位名称")
        for index, v in enumerate(data.vouchers, start=1):
            missing = [name for name, value in (("凭证号", v.voucher_no), ("领款人", v.recipient_name),
                                                ("身份证号", v.masked_id), ("发放项目", v.programme),
                                                ("发放日期", v.paid_on), ("二维码", v.payload)) if not value]
            if v.amount_fen <= 0:
                missing.append("金额")
            if missing:
                names = "、".join(f"“{n}”" for n in missing)
                raise MissingData(f"第{index}张凭证（{v.voucher_no or v.recipient_name or '无编号'}）缺少{names}，"
                                  "不能打印。", field=missing[0])

    def pagesize_for(self, per_sheet: int) -> tuple[float, float]:
        return landscape(A5) if per_sheet == 1 else A4

    def render(self, data: VoucherSheet, **kw):  # type: ignore[override]
        self.pagesize = self.pagesize_for(data.per_sheet)  # type: ignore[misc]
        return super().render(data, **kw)

    def draw(self, pen: Pen, data: VoucherSheet, ticker: Ticker) -> None:
        page_w, page_h = self.pagesize
        per = data.per_sheet
        slot_h = page_h / (3 if per == 3 else 2 if per == 2 else 1)
        x0 = (page_w - _W) / 2
        height = _HEIGHT + (_STUB_H if data.counterfoil else 0)
        self._define_frame(pen, data.unit_name)
        if data.counterfoil:
            self._define_stub(pen, data.unit_name)
        for index, voucher in enumerate(data.vouchers):
            slot = index % per
            if slot == 0 and index:
                pen.c.showPage()
            if slot == 0:
                for k in range(1, per):  # cut lines between the vouchers
                    pen.line(8 * mm, page_h - k * slot_h, page_w - 8 * mm, page_h - k * slot_h, 0.4, dash=(3, 3))
            top = page_h - slot * slot_h - (slot_h - height) / 2
            pen.c.saveState()
            pen.c.translate(x0, top)
            pen.c.doForm("voucher_frame")
            self._values(pen, voucher, data.unit_name)
            if data.counterfoil:
                pen.c.translate(0, -_HEIGHT)
                pen.c.doForm("voucher_stub")
                self._stub_values(pen, voucher)
            pen.c.restoreState()
            ticker(index + 1)

    # The frame: title, labels, ruling, signature lines — coordinates from the voucher's top left corner.
    def _define_frame(self, pen: Pen, unit_name: str) -> None:
        c = pen.c
        c.beginForm("voucher_frame", lowerx=0, lowery=-_HEIGHT - 2 * mm, upperx=_W, uppery=2 * mm)
        title = f"{unit_name}{TITLE}"
        pen.text(_W / 2, -6 * mm, title, pen.fitting_size(title, _W - 56 * mm, 15, 10), align="center", bold=True)
        pen.text(_TABLE_W - 58 * mm, -12.5 * mm, "凭证号：", LABEL_SIZE)
        labels = (("发放项目", None), ("领款人", "身份证号"), ("资金项目", "发放日期"), ("金额（小写）", "发放方式"),
                  ("金额（大写）", None))
        c.setLineWidth(LINE)
        for r, (a, b) in enumerate(labels):
            row_top = _TABLE_TOP - r * _ROW
            pen.cell(0, row_top - _ROW, _COLS[0], _ROW, a, LABEL_SIZE, align="center")
            if b:
                pen.cell(_COLS[0] + _COLS[1], row_top - _ROW, _COLS[2], _ROW, b, LABEL_SIZE, align="center")
            if r < _ROWS - 1:
                c.line(0, row_top - _ROW, _TABLE_W, row_top - _ROW)
        c.line(_COLS[0], _TABLE_TOP, _COLS[0], _TABLE_BOTTOM)
        for x in (_COLS[0] + _COLS[1], _COLS[0] + _COLS[1] + _COLS[2]):  # rows 2–4 only
            c.line(x, _TABLE_TOP - _ROW, x, _TABLE_BOTTOM + _ROW)
        pen.rect(0, _TABLE_BOTTOM, _TABLE_W, _ROWS * _ROW, width=THICK)
        qr_x = _W - _QR
        pen.text(qr_x + _QR / 2, _TABLE_BOTTOM + 0.5 * mm, "扫码验真", 7.5, align="center")
        # signatures; the guardian's line is drawn per voucher where needed
        third = _W / 3
        for i, who in enumerate(("领款人（签字）", "经办", "审核")):
            x = i * third
            w = pen.text(x, _SIGN_Y, f"{who}：", LABEL_SIZE)
            c.setLineWidth(0.5)
            c.line(x + w, _SIGN_Y - 1.2 * mm, x + third - 6 * mm, _SIGN_Y - 1.2 * mm)
        y = _SIGN_Y - 16 * mm
        pen.text(0, y, "领取日期：      年    月    日", LABEL_SIZE)
        pen.text(third, y, "发放单位（盖章）：", LABEL_SIZE)
        pen.text(_W, y, "领款时请出示本人身份证；二维码可离线验真", 7.5, align="right")
        c.endForm()

    def _values(self, pen: Pen, v: Voucher, unit_name: str) -> None:
        def base(row: int) -> float:  # a one-line value's baseline in table row ``row``
            return _TABLE_TOP - row * _ROW - _ROW + 2.8 * mm

        x1, x3 = _COLS[0] + 2 * mm, _COLS[0] + _COLS[1] + _COLS[2] + 2 * mm
        w1, w3 = _COLS[1] - 4 * mm, _TABLE_W - x3 - 2 * mm
        wide = _TABLE_W - x1 - 2 * mm
        method = f"{v.method}（账号尾号{v.account[-4:]}）" if v.account else v.method
        items: list[tuple[float, float, str, float, str, bool]] = [
            (_TABLE_W - 44 * mm, -12.5 * mm, v.voucher_no, 10.5, "left", True),
            (x3, base(1), v.masked_id, 10.5, "left", False),
            (x3, base(2), cn_date(v.paid_on), 10, "left", False),
            (x1, base(3), f"¥{format_amount(v.amount_fen)}", 11, "left", True),
            (x1, base(4), f"人民币{amount_in_words(v.amount_fen)}", 11, "left", True),
        ]
        for row, x, w, text, size, bold in ((0, x1, wide, v.activity, 9.5, False),
                                            (1, x1, w1, v.recipient_name, _NAME_SIZE, True),
                                            (2, x1, w1, v.programme, 9.5, False), (3, x3, w3, method, 9.5, False)):
            items += self._boxed(pen, x, _TABLE_TOP - row * _ROW, w, text, size, bold)
        if v.guardian:  # a student under 18: the guardian signs as well, with the relation
            y = _SIGN_Y - 8 * mm
            items.append((0, y, "监护人（签字）：", LABEL_SIZE, "left", False))
            items.append((_W / 3, y, "与领款人关系：", LABEL_SIZE, "left", False))
            items.append((2 * _W / 3, y, "（领款人未满18周岁）", 8, "left", False))
        pen.text_block(items)
        if v.guardian:
            pen.c.setLineWidth(0.5)
            pen.c.line(26 * mm, _SIGN_Y - 9.2 * mm, _W / 3 - 6 * mm, _SIGN_Y - 9.2 * mm)
            pen.c.line(_W / 3 + 23 * mm, _SIGN_Y - 9.2 * mm, 2 * _W / 3 - 6 * mm, _SIGN_Y - 9.2 * mm)
        symbol = qr.encode(v.payload)
        side = _QR - 2 * mm
        pen.c.addLiteral(qr.pdf_operators(symbol, _W - _QR + 1 * mm, _TABLE_BOTTOM + 4 * mm, side))
        if v.copy_no > 1:
            self._reprint_mark(pen, v.copy_no)

    @staticmethod
    def _boxed(pen: Pen, x: float, row_top: float, width: float, text: str, size: float,
               bold: bool) -> list[tuple[float, float, str, float, str, bool]]:
        """A value in a table row: one line if it fits (shrunk down to 7.5 points), else two lines."""
        if not text:
            return []
        size, lines = pen.fit(text, width, _ROW - 2.5, size, 6.5, leading=1.12)
        leading = size * 1.12
        first = row_top - _ROW / 2 + (len(lines) * leading) / 2 - size * 0.86
        return [(x, first - i * leading, line, size, "left", bold) for i, line in enumerate(lines)]

    @staticmethod
    def _reprint_mark(pen: Pen, copy_no: int) -> None:
        x, y, w, h = _W - 24 * mm, -9.5 * mm, 24 * mm, 9.5 * mm
        pen.rect(x, y, w, h, width=1.2)
        pen.text(x + w / 2, y + 4.6 * mm, "补打", 12, align="center", bold=True)
        pen.text(x + w / 2, y + 1.2 * mm, f"第{copy_no}次打印", 7, align="center")

    # The counterfoil (存根联), below the voucher: kept by the paying unit.
    def _define_stub(self, pen: Pen, unit_name: str) -> None:
        c = pen.c
        c.beginForm("voucher_stub", lowerx=-2 * mm, lowery=-_STUB_H, upperx=_W + 2 * mm, uppery=2 * mm)
        pen.line(0, -2 * mm, _W, -2 * mm, 0.6, dash=(4, 3))
        pen.text(_W / 2, -1.2 * mm, "沿此线剪开", 7, align="center")
        title = f"{unit_name}{TITLE}（存根联）"
        pen.text(_W / 2, -9 * mm, title, pen.fitting_size(title, _W - 40 * mm, 12, 9), align="center", bold=True)
        top = -12 * mm
        c.setLineWidth(LINE)
        labels = (("凭证号", "领款人"), ("身份证号", "发放日期"), ("金额", "发放方式"), ("发放项目", None))
        for r, (a, b) in enumerate(labels):
            row_top = top - r * 7 * mm
            pen.cell(0, row_top - 7 * mm, 21 * mm, 7 * mm, a, LABEL_SIZE, align="center")
            if b:
                pen.cell(93 * mm, row_top - 7 * mm, 21 * mm, 7 * mm, b, LABEL_SIZE, align="center")
            if r < 3:
                c.line(0, row_top - 7 * mm, _W, row_top - 7 * mm)
        c.line(21 * mm, top, 21 * mm, top - 28 * mm)
        for x in (93 * mm, 114 * mm):
            c.line(x, top, x, top - 21 * mm)
        pen.rect(0, top - 28 * mm, _W, 28 * mm, width=THICK)
        y = top - 36 * mm
        for i, who in enumerate(("经办人：", "审核人：", "领款人（签字）：")):
            pen.text(i * _W / 3, y, who, LABEL_SIZE)
        c.endForm()

    def _stub_values(self, pen: Pen, v: Voucher) -> None:
        top = -12 * mm
        method = f"{v.method}（账号尾号{v.account[-4:]}）" if v.account else v.method
        items: list[tuple[float, float, str, float, str, bool]] = []
        for row, x, w, text, size, bold in (
                (0, 23 * mm, 68 * mm, v.voucher_no, 10, True), (0, 116 * mm, _W - 118 * mm, v.recipient_name, 10, True),
                (1, 23 * mm, 68 * mm, v.masked_id, 10, False), (1, 116 * mm, _W - 118 * mm, cn_date(v.paid_on), 10, False),
                (2, 23 * mm, 68 * mm, f"¥{format_amount(v.amount_fen)}（{amount_in_words(v.amount_fen)}）", 10, True),
                (2, 116 * mm, _W - 118 * mm, method, 9.5, False),
                (3, 23 * mm, _W - 25 * mm, f"{v.activity}　{v.programme}", 9.5, False)):
            size, lines = pen.fit(text, w, 7 * mm - 2.5, size, 6.5, leading=1.1)
            leading = size * 1.1
            first = top - row * 7 * mm - 3.5 * mm + len(lines) * leading / 2 - size * 0.86
            items += [(x, first - i * leading, line, size, "left", bold) for i, line in enumerate(lines)]
        pen.text_block(items)
        if v.copy_no > 1:
            pen.text(_W, -9 * mm, f"补打（第{v.copy_no}次打印）", 8, align="right", bold=True)


__all__ = ["KINDS", "PER_SHEET", "PayloadInvalid", "TITLE", "Voucher", "VoucherPayload", "VoucherRenderer",
           "VoucherSheet"]
