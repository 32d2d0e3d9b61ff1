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
        # the title runs down the left, one character a line: a short section grows to hold it
        needed = len(title) * LABEL_SIZE * 1.15 + 2.5 * mm
        have = sum(r.height for r in added)
        if added and have < needed:
            for r in added:
                r.height += (needed - have) / len(added)

    def _paginate(self, first_top: float, other_top: float) -> list[_Page]:
        pages = [_Page()]
        y = first_top
        rows = self._rows
        for i, row in enumerate(rows):
            need = row.height
            if row.keep_with_next and i + 1 < len(rows):
                need += rows[i + 1].height
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
    """A ruled table of one-line rows at fixed positions: ``header`` on every page, then rows."""

    def __init__(self, pen: Pen, columns: Sequence[Column], *, left: float, width: float,
                 row_h: float, head_h: float, size: float = VALUE_SIZE) -> None:
        self.pen, self.columns, self.left, self.width = pen, columns, left, width
        self.row_h, self.head_h, self.size = row_h, head_h, size
        total = sum(c.weight for c in columns)
        self.widths = [width * c.weight / total for c in columns]
        self.xs = [left + sum(self.widths[:i]) for i in range(len(columns) + 1)]

    def header(self, top: float) -> float:
        pen = self.pen
        y = top - self.head_h
        pen.rect(self.left, y, self.width, self.head_h, width=LINE)
        for col, x, w in zip(self.columns, self.xs, self.widths):
            pen.line(x, y, x, top)
            pen.cell(x, y, w, self.head_h, col.title, LABEL_SIZE, align="center", bold=True, pad=0.8 * mm)
        return y

    def row(self, top: float, values: Sequence[str], *, bold: bool = False, height: float | None = None) -> float:
        pen = self.pen
        h = height or self.row_h
        y = top - h
        pen.line(self.left, y, self.left + self.width, y)
        for col, x, w, value in zip(self.columns, self.xs, self.widths, values):
            pen.line(x, y, x, top)
            if value:
                pen.cell(x, y, w, h, value, self.size, align=col.align, bold=bold, pad=1.2 * mm)
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

    def frame(self, top: float, bottom: float) -> None:
        self.pen.rect(self.left, bottom, self.width, top - bottom, width=THICK)


__all__ += ["Column", "Table"]
