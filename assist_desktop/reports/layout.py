"""Boxed approval forms that flow over pages: rows of cells, sections with their title written down the
left, opinion boxes; laid out first, then drawn, so every page can say 第x页 共y页."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from reportlab.lib.units import mm

from assist_desktop.reports.base import LABEL_SIZE, LINE, THICK, VALUE_SIZE, Pen, page_footer

Custom = Callable[[Pen, float, float, float, float], None]  # pen, x, y (lower left), width, height


@dataclass(frozen=True)
class Cell:
    """A box of a row. ``weight`` shares out the row's width; a ``label`` (a field's name) is centred and
    smaller; ``custom`` draws the content itself."""

    weight: float
    text: str = ""
    label: bool = False
    align: str | None = None
    size: float | None = None
    custom: Custom | None = None

    @property
    def font_size(self) -> float:
        return self.size or (LABEL_SIZE if self.label else VALUE_SIZE)


def L(weight: float, text: str) -> Cell:  # noqa: N802 - reads like the form: L(…) label, V(…) value
    return Cell(weight, text, label=True)


def V(weight: float, text: object, align: str | None = None, size: float | None = None) -> Cell:  # noqa: N802
    return Cell(weight, "" if text is None else str(text), align=align, size=size)


@dataclass
class _Row:
    cells: Sequence[Cell]
    height: float
    section: str | None
    keep_with_next: bool = False


@dataclass
class _Placed:
    row: _Row
    top: float


@dataclass
class _Page:
    rows: list[_Placed] = field(default_factory=list)


class FormFlow:
    """Collect rows, then ``draw``: each row goes where it fits, or on a new page.

    ``header(pen, page_no)`` draws a page's head (title, unit, number); the boxes begin at ``first_top`` on
    the first page and ``other_top`` on the others; ``left``/``width`` are the boxes' edges; ``bottom``
    leaves room for the footer.
    """

    SECTION_W = 8 * mm

    def __init__(self, pen: Pen, *, left: float, width: float, bottom: float, first_top: float, other_top: float,
                 header: Callable[[Pen, int], None], min_row: float = 7.6 * mm) -> None:
        self.pen, self.left, self.width, self.bottom = pen, left, width, bottom
        self.first_top, self.other_top = first_top, other_top
        self.header, self.min_row = header, min_row
        self._rows: list[_Row] = []

    def _widths(self, cells: Sequence[Cell], total: float) -> list[float]:
        weight = sum(c.weight for c in cells)
        return [total * c.weight / weight for c in cells]

    def row(self, *cells: Cell, section: str | None = None, height: float | None = None,
            keep_with_next: bool = False) -> None:
        total = self.width - (self.SECTION_W if section else 0)
        needed = self.min_row
        for cell, w in zip(cells, self._widths(cells, total)):
            if cell.custom is None and cell.text:
                needed = max(needed, self.pen.needed_height(cell.text, w, cell.font_size))
        self._rows.append(_Row(cells, height or needed, section, keep_with_next))

    def section(self, title: str, rows: Sequence[Sequence[Cell]]) -> None:
        start = len(self._rows)
        for cells in rows:
            self.row(*cells, section=title)
        added = self._rows[start:]
        # a section of up to a third of a page stays on one page: its title runs down the left edge and
        # needs the rows' height; a longer one may break (its title is then set in each part)
        if sum(r.height for r in added) <= 95 * mm:
            for r in added[:-1]:
                r.keep_with_next = True
        # the title runs down the left, one character a line: a short section grows to hold it
        needed = len(title) * LABEL_SIZE * 1.15 + 2.5 * mm
        have = sum(r.height for r in added)
        if added and have < needed:
            for r in added:
                r.height += (needed - have) / len(added)

    def keep_last_with_next(self) -> None:
        """The row added last stays on the page of the row added next (a section's last row with the pledge
        and the opinion boxes after it)."""
        if self._rows:
            self._rows[-1].keep_with_next = True

    def _paginate(self, first_top: float, other_top: float) -> list[_Page]:
        pages = [_Page()]
        y = first_top
        rows = self._rows
        for i, row in enumerate(rows):
            need, j = row.height, i
            if i == 0 or not rows[i - 1].keep_with_next:  # a chain of rows kept together starts here
                while rows[j].keep_with_next and j + 1 < len(rows):
                    j += 1
                    need += rows[j].height
                if need > first_top - self.bottom:  # a chain longer than a page breaks where it must
                    need = row.height
            else:
                need = row.height
            if y - need < self.bottom and pages[-1].rows:
                pages.append(_Page())
                y = other_top
            pages[-1].rows.append(_Placed(row, y))
            y -= row.height
        return pages

    def draw(self) -> int:
        """Draw every page; returns the number of pages."""
        pen = self.pen
        pages = self._paginate(self.first_top, self.other_top)
        for number, page in enumerate(pages, start=1):
            if number > 1:
                pen.c.showPage()
            self.header(pen, number)
            self._draw_page(page)
            page_footer(pen, number, len(pages))
        return len(pages)

    def _draw_page(self, page: _Page) -> None:
        pen = self.pen
        segment: list[_Placed] = []
        for placed in page.rows + [None]:  # type: ignore[list-item]
            section = placed.row.section if placed else None
            if segment and (placed is None or section != segment[0].row.section):
                top = segment[0].top
                bottom = segment[-1].top - segment[-1].row.height
                pen.rect(self.left, bottom, self.SECTION_W, top - bottom)
                pen.cell(self.left, bottom, self.SECTION_W, top - bottom, "\n".join(segment[0].row.section or ""),
                         LABEL_SIZE, align="center", bold=True, pad=1 * mm, leading=1.15)
                segment = []
            if placed is None:
                break
            if section:
                segment.append(placed)
            self._draw_row(placed)
        if page.rows:  # the outer frame, heavier than the ruling
            top = page.rows[0].top
            bottom = page.rows[-1].top - page.rows[-1].row.height
            pen.rect(self.left, bottom, self.width, top - bottom, width=THICK)

    def _draw_row(self, placed: _Placed) -> None:
        pen, row = self.pen, placed.row
        x = self.left + (self.SECTION_W if row.section else 0)
        total = self.width - (self.SECTION_W if row.section else 0)
        y = placed.top - row.height
        for cell, w in zip(row.cells, self._widths(row.cells, total)):
            pen.rect(x, y, w, row.height, width=LINE)
            if cell.custom is not None:
                cell.custom(pen, x, y, w, row.height)
            elif cell.text:
                align = cell.align or ("center" if cell.label else "left")
                pen.cell(x, y, w, row.height, cell.text, cell.font_size, align=align)
            x += w


__all__ = ["Cell", "FormFlow", "L", "V"]


# --- rosters and lists: a table that runs over many pages --------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    weight: float
    align: str = "center"


class Table:
    """A ruled table: ``header`` on every page, then rows that grow to hold their text — each value is
    shrunk to ``min_size`` first, then wrapped (``row_height`` measures, ``row`` draws, with the same
    answer)."""

    PAD = 1.2 * mm
    LEADING = 1.18

    def __init__(self, pen: Pen, columns: Sequence[Column], *, left: float, width: float,
                 row_h: float, head_h: float, size: float = VALUE_SIZE, min_size: float = 6.5) -> None:
        self.pen, self.columns, self.left, self.width = pen, columns, left, width
        self.row_h, self.head_h, self.size, self.min_size = row_h, head_h, size, min_size
        total = sum(c.weight for c in columns)
        self.widths = [width * c.weight / total for c in columns]
        self.xs = [left + sum(self.widths[:i]) for i in range(len(columns) + 1)]

    def header_height(self) -> float:
        return max(self.head_h, *(self.pen.needed_height(c.title, w, LABEL_SIZE, pad=0.8 * mm, min_size=6.5)
                                  for c, w in zip(self.columns, self.widths)))

    def header(self, top: float) -> float:
        pen = self.pen
        h = self.header_height()
        y = top - h
        pen.rect(self.left, y, self.width, h, width=LINE)
        for col, x, w in zip(self.columns, self.xs, self.widths):
            pen.line(x, y, x, top)
            pen.cell(x, y, w, h, col.title, LABEL_SIZE, align="center", bold=True, pad=0.8 * mm)
        return y

    def row_height(self, values: Sequence[str]) -> float:
        """The height a row of ``values`` needs (at least ``row_h``)."""
        needed = self.row_h
        for value, w in zip(values, self.widths):
            if value:
                needed = max(needed, self.pen.needed_height(value, w, self.size, pad=self.PAD,
                                                            leading=self.LEADING, min_size=self.min_size))
        return needed

    def row(self, top: float, values: Sequence[str], *, bold: bool = False, height: float | None = None) -> float:
        pen = self.pen
        h = height or self.row_height(values)
        y = top - h
        pen.line(self.left, y, self.left + self.width, y)
        for col, x, w, value in zip(self.columns, self.xs, self.widths, values):
            pen.line(x, y, x, top)
            if value:
                pen.cell(x, y, w, h, value, self.size, align=col.align, bold=bold, pad=self.PAD,
                         min_size=self.min_size, leading=self.LEADING)
        pen.line(self.left + self.width, y, self.left + self.width, top)
        return y

    def spanning_row(self, top: float, spans: Sequence[tuple[int, str, str]], *, bold: bool = False,
                     height: float | None = None) -> float:
        """A row whose cells span columns: (number of columns, text, align) from the left."""
        pen = self.pen
        h = height or self.row_h
        y = top - h
        pen.line(self.left, y, self.left + self.width, y)
        start = 0
        for count, value, align in spans:
            x, x_end = self.xs[start], self.xs[start + count]
            pen.line(x, y, x, top)
            if value:
                pen.cell(x, y, x_end - x, h, value, self.size, align=align, bold=bold, pad=1.5 * mm)
            start += count
        pen.line(self.left + self.width, y, self.left + self.width, top)
        return y

    def spanning_height(self, spans: Sequence[tuple[int, str, str]]) -> float:
        needed, start = self.row_h, 0
        for count, value, _align in spans:
            w = self.xs[start + count] - self.xs[start]
            if value:
                needed = max(needed, self.pen.needed_height(value, w, self.size, pad=1.5 * mm, leading=self.LEADING,
                                                            min_size=self.min_size))
            start += count
        return needed

    def frame(self, top: float, bottom: float) -> None:
        self.pen.rect(self.left, bottom, self.width, top - bottom, width=THICK)


def paginate(heights: Sequence[float], *, first: float, other: float, per_page: float = 0.0,
             closing: float = 0.0, keep_with_closing: int = 2) -> list[tuple[int, int]]:
    """Share rows of ``heights`` out over pages: ``first`` and ``other`` are the heights available to rows
    on the first and the following pages, ``per_page`` what every page adds below its rows (a subtotal),
    ``closing`` what the last page adds (the total, the signatures). The closing part never stands alone:
    at least ``keep_with_closing`` rows (or all, if fewer) go with it onto its page. Returns (start, end)
    index ranges, one a page."""
    pages: list[tuple[int, int]] = []
    start, room = 0, first - per_page
    used = 0.0
    for i, h in enumerate(heights):
        if used + h > room + 0.01 and i > start:
            pages.append((start, i))
            start, room, used = i, other - per_page, 0.0
        used += h
    # the last page must also hold the closing part; if it does not, its last rows (at least
    # keep_with_closing) go with the closing part onto a page of their own
    if used + closing > room + 0.01 and len(heights) - start > 1:
        keep = min(keep_with_closing, len(heights) - start - 1)
        pages.append((start, len(heights) - keep))
        start = len(heights) - keep
    pages.append((start, len(heights)))
    return pages


__all__ += ["Column", "Table", "paginate"]
