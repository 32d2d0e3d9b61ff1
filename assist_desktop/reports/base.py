"""The shared renderer: one subclass per printed form, PDF bytes out (after pretix's invoice renderer).

A renderer takes one plain dataclass (built by ``services.printing`` from the database, or by anyone
else), refuses data that lacks a field the form cannot do without (``MissingData``, naming the fields in
Chinese: never a half-empty form), draws on a ReportLab canvas and returns the PDF as bytes. Long
documents report ``progress(done, total)`` and stop when ``cancelled()`` turns true (``RenderCancelled``),
so the screens can run them in the background.

``Pen`` is what the forms draw with: text in the embedded fonts with the per-character fallback for rare
characters, cells that wrap and shrink Chinese text to fit, boxes, check boxes, opinion boxes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Generic, TypeVar

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from assist_desktop import __version__
from assist_desktop.domain.dates import cn_date
from assist_desktop.domain.errors import DomainError
from assist_desktop.reports import fonts

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
D = TypeVar("D")

LINE = 0.6  # points: the ruling of a printed form
THICK = 1.0
LABEL_SIZE = 9.5
VALUE_SIZE = 10.0
PROSE = 40  # characters: longer text (an opinion, a note) is shrunk at most to 85 % of its size, then wrapped


class MissingData(DomainError):
    """The data lacks fields the form needs; nothing was drawn."""


class RenderCancelled(DomainError):
    """The user cancelled a long document; nothing was returned."""


def require(document: str, fields: Sequence[tuple[str, Any]], *, hint: str = "") -> None:
    """Refuse (MissingData) when any of the (Chinese field name, value) pairs is empty."""
    missing = [name for name, value in fields if value is None or (isinstance(value, str) and not value.strip())]
    if missing:
        names = "、".join(f"“{n}”" for n in missing)
        raise MissingData(f"不能打印《{document}》：缺少{names}。{hint}", field=missing[0])




class Ticker:
    """Progress and cancel for a long document; checks ``cancelled`` every ``every`` items."""

    def __init__(self, progress: Progress | None, cancelled: Cancelled | None, total: int, every: int = 25) -> None:
        self.progress, self.cancelled, self.total, self.every = progress, cancelled, total, every
        self.reported = -1

    def __call__(self, done: int) -> None:
        if (done == self.total or done % self.every == 0) and done != self.reported:
            if self.cancelled is not None and self.cancelled():
                raise RenderCancelled("已取消打印，未生成文件。")
            self.reported = done
            if self.progress is not None:
                self.progress(done, self.total)

    def start(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise RenderCancelled("已取消打印，未生成文件。")
        if self.progress is not None:
            self.progress(0, self.total)


# Pieces never split across lines: numbers, ID numbers, Latin words, amounts.
_TOKEN = re.compile(r"[0-9A-Za-z*¥.,:/\-_%]+|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』】〕…%,.;:!?)]")


class Pen:
    """Drawing in the forms' terms on a ReportLab canvas (points; origin at the lower left)."""

    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas

    # --- text -------------------------------------------------------------------------------------

    @staticmethod
    def width(text: str, size: float) -> float:
        return fonts.string_width(text, size)

    def text(self, x: float, y: float, text: str, size: float = VALUE_SIZE, *, align: str = "left",
             bold: bool = False) -> float:
        """Draw one line with its baseline at ``y``; ``align`` places ``x`` at the left, centre or right."""
        if not text:
            return 0.0
        w = fonts.string_width(text, size)
        if align == "center":
            x -= w / 2
        elif align == "right":
            x -= w
        t = self.c.beginText(x, y)
        if bold:  # WenQuanYi has no bold face: fill and stroke the outlines, as Chinese forms do
            t.setTextRenderMode(2)
        for name, piece in fonts.runs(text):
            t.setFont(name, size)
            t.textOut(piece)
        if bold:
            self.c.saveState()
            self.c.setLineWidth(size * 0.035)
            self.c.drawText(t)
            self.c.restoreState()
        else:
            self.c.drawText(t)
        return w

    def text_block(self, items: Sequence[tuple[float, float, str, float, str, bool]], *,
                   bold_stroke: float = 0.38) -> None:
        """Many single lines — (x, y, text, size, align, bold) — in one PDF text object: a voucher's values
        cost a fraction of one object each. Bold lines are stroked with ``bold_stroke`` points."""
        t = self.c.beginText()
        bold_on = False
        for x, y, text, size, align, bold in items:
            if not text:
                continue
            if align != "left":
                w = fonts.string_width(text, size)
                x -= w / 2 if align == "center" else w
            t.setTextOrigin(x, y)
            if bold != bold_on:
                t.setTextRenderMode(2 if bold else 0)
                bold_on = bold
            for name, piece in fonts.runs(text):
                t.setFont(name, size)
                t.textOut(piece)
        if bold_on:
            t.setTextRenderMode(0)
        self.c.saveState()
        self.c.setLineWidth(bold_stroke)
        self.c.drawText(t)
        self.c.restoreState()

    @staticmethod
    def fitting_size(text: str, width: float, size: float, min_size: float = 6.5) -> float:
        """The size at which ``text`` fits ``width`` on one line (not below ``min_size``)."""
        w = fonts.string_width(text, size)
        return size if w <= width else max(min_size, size * width / w)

    @staticmethod
    def wrap(text: str, width: float, size: float) -> list[str]:
        """Break ``text`` into lines no wider than ``width``: between any two Chinese characters, never
        inside a number or word, never before closing punctuation; explicit newlines are kept."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line, line_w = "", 0.0
            for token in _TOKEN.findall(paragraph):
                w = fonts.string_width(token, size)
                if line and line_w + w > width and token[0] not in _NO_LINE_START:
                    lines.append(line.rstrip())
                    line, line_w = "", 0.0
                    if token == " ":
                        continue
                if not line and w > width:  # a token longer than the line: cut it by characters
                    for ch in token:
                        cw = fonts.string_width(ch, size)
                        if line and line_w + cw > width:
                            lines.append(line)
                            line, line_w = "", 0.0
                        line += ch
                        line_w += cw
                    continue
                line += token
                line_w += w
            lines.append(line.rstrip())
        return lines

    def _fits(self, lines: list[str], width: float, size: float) -> bool:
        return all(fonts.string_width(line, size) <= width + 0.01 for line in lines)

    def layout(self, text: str, width: float, size: float, min_size: float = 6.5, *,
               max_lines: int | None = None) -> tuple[float, list[str]]:
        """Shrink, then wrap: the largest size from ``size`` down to ``min_size`` at which ``text`` fits
        ``width`` on one line; failing that on two lines, then three …; at most ``max_lines`` (then the
        smallest size, wrapped, is returned and the caller's box is too small). Deterministic: a row's
        height is measured and its text drawn with the same answer."""
        if not text:
            return size, [""]
        if "\n" not in text and fonts.string_width(text, size) <= width + 0.01:  # nearly always: one line as is
            return size, [text]
        if len(text) > PROSE:  # a sentence wraps rather than shrinks to a small print
            min_size = min(size, max(min_size, size * 0.85))
        limit = max_lines or 99
        lines_needed = 1
        while lines_needed <= limit:
            low, high = min_size, size
            best: tuple[float, list[str]] | None = None
            lines = self.wrap(text, width, high)
            if len(lines) <= lines_needed and self._fits(lines, width, high):
                return high, lines
            lines = self.wrap(text, width, low)
            if len(lines) <= lines_needed and self._fits(lines, width, low):
                best = (low, lines)
                for _ in range(12):  # bisect the size between min_size and size
                    mid = (low + high) / 2
                    lines = self.wrap(text, width, mid)
                    if len(lines) <= lines_needed and self._fits(lines, width, mid):
                        best, low = (mid, lines), mid
                    else:
                        high = mid
                    if high - low < 0.1:
                        break
                return best
            lines_needed += 1
        return min_size, self.wrap(text, width, min_size)

    def fit(self, text: str, width: float, height: float, size: float, min_size: float = 6.5,
            leading: float = 1.22) -> tuple[float, list[str]]:
        """The largest size (down to ``min_size``) at which ``text`` fits the box, shrunk before wrapped: one
        line if it can, else two, … — each at most as large as the box's height allows for that many lines.
        When nothing fits, the smallest size, wrapped (the caller's box is too small)."""
        if "\n" not in text and size * leading <= height + 0.01 and fonts.string_width(text, size) <= width + 0.01:
            return size, [text]
        k = 1
        while True:
            cap = min(size, (height + 0.01) / (k * leading))
            if cap < min_size:
                break
            size_k, lines = self.layout(text, width, cap, min_size, max_lines=k)
            if len(lines) <= k and self._fits(lines, width, size_k):
                return size_k, lines
            k += 1
        return min_size, self.wrap(text, width, min_size)

    def cell(self, x: float, y: float, w: float, h: float, text: str, size: float = VALUE_SIZE, *,
             align: str = "left", valign: str = "middle", bold: bool = False, min_size: float = 6.5,
             pad: float = 1.4 * mm, leading: float = 1.22) -> None:
        """Text inside the box whose lower left corner is (x, y): shrunk, then wrapped, to fit; aligned."""
        if not text:
            return
        inner_w, inner_h = w - 2 * pad, h - 2 * min(pad, 1.0 * mm)
        size, lines = self.fit(text, inner_w, inner_h, size, min_size, leading)
        block = len(lines) * size * leading
        if valign == "top":
            first = y + h - min(pad, 1.2 * mm) - size * 0.95
        else:
            first = y + (h + block) / 2 - size * leading + (size * leading - size) / 2 + size * 0.12
        tx = x + pad if align == "left" else x + w / 2 if align == "center" else x + w - pad
        for i, line in enumerate(lines):
            self.text(tx, first - i * size * leading, line, size, align=align, bold=bold)

    def needed_height(self, text: str, w: float, size: float = VALUE_SIZE, *, pad: float = 1.4 * mm,
                      leading: float = 1.22, min_size: float = 6.5) -> float:
        """The height a cell needs for ``text`` shrunk (to ``min_size``), then wrapped."""
        size, lines = self.layout(text, w - 2 * pad, size, min_size) if text else (size, [""])
        return len(lines) * size * leading + 2 * min(pad, 1.0 * mm) + 2

    # --- lines and boxes -------------------------------------------------------------------------

    def rect(self, x: float, y: float, w: float, h: float, width: float = LINE) -> None:
        self.c.setLineWidth(width)
        self.c.rect(x, y, w, h, stroke=1, fill=0)

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = LINE,
             dash: tuple[float, ...] | None = None) -> None:
        self.c.setLineWidth(width)
        if dash:
            self.c.saveState()
            self.c.setDash(*dash)
            self.c.line(x1, y1, x2, y2)
            self.c.restoreState()
        else:
            self.c.line(x1, y1, x2, y2)

    def check_boxes(self, x: float, y: float, options: Sequence[tuple[str, bool]], size: float = VALUE_SIZE,
                    gap: float = 4 * mm) -> float:
        """□ option  □ option …, the chosen ones ticked (√); baseline at y. Returns the width used."""
        start = x
        box = size * 0.8
        for label, chosen in options:
            self.rect(x, y - size * 0.08, box, box, width=0.5)
            if chosen:
                self.text(x + box / 2, y + size * 0.02, "√", size * 0.95, align="center", bold=True)
            x += box + 1.0 * mm
            x += self.text(x, y, label, size) + gap
        return x - start


@dataclass(frozen=True)
class Opinion:
    """One opinion box of an approval form, filled from the workflow history when the step was taken.

    ``title`` heads the box (基层工会意见); ``signer`` labels the signature (经办人 / 审核人 / 审批人); ``seal``
    names whose seal goes there. Without ``name`` and ``on`` the box is printed blank for a hand signature.
    """

    title: str
    signer: str
    seal: str
    text: str | None = None
    name: str | None = None
    on: date | None = None


def draw_opinion(pen: Pen, x: float, y: float, label_w: float, w: float, h: float, op: Opinion) -> None:
    """A row of the form: the box's title at the left, the opinion, then whose seal goes there (right), and
    the signature (left) with the date (right) on the last line. Long names are shrunk to fit."""
    pen.rect(x, y, label_w, h)
    pen.rect(x + label_w, y, w - label_w, h)
    pen.cell(x, y, label_w, h, op.title, LABEL_SIZE, align="center", bold=True)
    body_x, body_w = x + label_w, w - label_w
    if op.text:
        pen.cell(body_x, y + 14 * mm, body_w, h - 14 * mm, op.text, VALUE_SIZE, valign="top", pad=3 * mm)
    right = x + w - 4 * mm
    seal = f"{op.seal}（盖章）"
    pen.text(right, y + 9.5 * mm, seal, pen.fitting_size(seal, body_w - 8 * mm, LABEL_SIZE, 6.5), align="right")
    date_text = cn_date(op.on)
    date_w = pen.text(right, y + 3 * mm, date_text, VALUE_SIZE, align="right")
    sig = f"{op.signer}（签字）：{op.name or ''}"
    pen.text(body_x + 4 * mm, y + 3 * mm, sig, pen.fitting_size(sig, body_w - date_w - 14 * mm, VALUE_SIZE, 6.5))


class Renderer(Generic[D]):
    """Base of every printed form. Subclasses set ``document`` (the form's Chinese name) and ``pagesize``,
    and implement ``check`` (refuse missing data) and ``draw``."""

    document: ClassVar[str] = ""
    pagesize: ClassVar[tuple[float, float]] = A4

    def check(self, data: D) -> None:
        """Raise MissingData naming every field the form cannot be printed without."""

    def draw(self, pen: Pen, data: D, ticker: Ticker) -> None:
        raise NotImplementedError

    def total(self, data: D) -> int:
        """How many items ``progress`` counts (1 for a one-item form)."""
        return 1

    def title(self, data: D) -> str:
        return self.document

    def author(self, data: D) -> str:
        return str(getattr(data, "unit_name", "") or "")

    def render(self, data: D, *, progress: Progress | None = None, cancelled: Cancelled | None = None) -> bytes:
        """The PDF as bytes."""
        self.check(data)
        fonts.register()
        # Binary (Flate only) streams: ReportLab's default ASCII85 layer is pure Python without its optional C
        # accelerator (a third of the time of a campaign's vouchers) and makes the file a quarter larger.
        rl_config.useA85 = 0
        ticker = Ticker(progress, cancelled, self.total(data))
        ticker.start()
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=self.pagesize, initialFontName=fonts.REGULAR, initialFontSize=VALUE_SIZE,
                        pageCompression=1)
        canvas.setTitle(self.title(data))
        canvas.setAuthor(self.author(data))
        canvas.setSubject(self.document)
        canvas.setCreator(f"Assist Desktop {__version__}")
        self.draw(Pen(canvas), data, ticker)
        canvas.save()
        ticker(ticker.total)
        return buffer.getvalue()


def page_footer(pen: Pen, page: int, pages: int, y: float = 9 * mm) -> None:
    width = pen.c._pagesize[0]
    pen.text(width / 2, y, f"第{page}页 共{pages}页", 9, align="center")


__all__ = ["Cancelled", "LABEL_SIZE", "LINE", "MissingData", "Opinion", "Pen", "Progress", "RenderCancelled",
           "Renderer", "THICK", "Ticker", "VALUE_SIZE", "cn_date", "draw_opinion", "mm", "page_footer", "require"]
