"""Writing workbooks the way an office expects them: a title row, a frozen bold header, column widths
that fit Chinese (a CJK character counts as two), ID numbers as text, amounts as numbers with two decimals.
Write-only openpyxl, built in memory (never a plain copy on disk) and written with owner-only rights; with a
password the workbook is encrypted as Office does it (ECMA-376 Agile: AES-256, SHA-512, 100,000 spins),
which Excel and WPS open after asking for the password.

A control character in a stored value (ESC, BEL …, which no entry accepts any more) cannot stand in an
.xlsx cell: it is written as U+FFFD (�) instead of failing the whole list, and counted."""

from __future__ import annotations

import io
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from assist_desktop.domain.money import to_decimal
from assist_desktop.storage.private import write_private

REPLACEMENT = "\ufffd"
# Passwords of protected exports: read over the phone, so no 0/O, 1/I/L; 12 characters ≈ 60 bits.
PASSWORD_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

AMOUNT_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
WIDTH_SAMPLE = 2000  # widths are measured on the header and the first rows
MAX_WIDTH = 60
_THIN = Side(style="thin", color="999999")


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # text / id (kept as text) / amount (fen → yuan) / int / date


def display_width(value: Any) -> int:
    """Columns of a monospace grid the text takes: East Asian wide and full-width characters count 2."""
    text = str(value) if value is not None else ""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _safe(value: Any, replaced: list[int]) -> Any:
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        replaced[0] += 1
        return ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT, value)
    return value


def new_export_password() -> str:
    """A password for one protected export, in three groups of four (shown once, told by phone)."""
    raw = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def protect_workbook(data: bytes, password: str) -> bytes:
    """The .xlsx bytes encrypted with ``password`` (an OLE container Excel and WPS ask a password for)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def save_workbook(wb: Workbook, path: Path, password: str | None = None) -> None:
    """Save ``wb`` to ``path`` 0600, encrypted with ``password`` when given; no plain copy is written."""
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()
    if password:
        data = protect_workbook(data, password)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private(path, data)


def _cell(ws: Any, value: Any, column: Column, font: Font | None = None) -> WriteOnlyCell:
    if column.kind == "amount" and isinstance(value, int) and not isinstance(value, bool):
        cell = WriteOnlyCell(ws, value=to_decimal(value))
        cell.number_format = AMOUNT_FORMAT
    elif column.kind == "id":
        cell = WriteOnlyCell(ws, value=None if value is None else str(value))
        cell.number_format = TEXT_FORMAT
    elif column.kind == "date":
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
    else:
        cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    return cell


def _shown(value: Any, column: Column) -> str:
    if column.kind == "amount" and isinstance(value, int):
        return f"{to_decimal(value):,}"
    if column.kind == "date":
        return value.isoformat() if value else ""
    return "" if value is None else str(value)


def write_table(path: Path, *, title: str, sheet: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
                totals: Callable[[], Sequence[Any]] | None = None, note: str | None = None,
                password: str | None = None, replaced: list[int] | None = None) -> int:
    """Write one sheet: title (row 1), header (row 2, frozen), rows, an optional totals row and a note.
    ``totals`` is called after the last row (so it can sum what was written). Returns the rows written.
    ``password``: the workbook is encrypted with it. ``replaced[0]`` counts cells whose control characters
    were written as U+FFFD."""
    replaced = replaced if replaced is not None else [0]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    iterator = iter(rows)
    head: list[Sequence[Any]] = []
    for row in iterator:
        head.append(row)
        if len(head) >= WIDTH_SAMPLE:
            break
    widths = [display_width(c.title) for c in columns]
    for row in head:
        for i, (value, column) in enumerate(zip(row, columns)):
            widths[i] = max(widths[i], display_width(_shown(value, column)))
    for i, column in enumerate(columns):
        if column.kind == "amount":  # room for the totals row
            widths[i] = max(widths[i], 14)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, width + 2)
    ws.freeze_panes = "A3"
    title_cell = WriteOnlyCell(ws, value=_safe(title, replaced))
    title_cell.font = Font(bold=True, size=14)
    ws.append([title_cell])
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
        header.append(cell)
    ws.append(header)
    count = 0

    def emit(row: Sequence[Any]) -> None:
        ws.append([_cell(ws, _safe(value, replaced), column) for value, column in zip(row, columns)])

    for row in head:
        emit(row)
        count += 1
    for row in iterator:
        emit(row)
        count += 1
    if totals is not None:
        bold = Font(bold=True)
        ws.append([_cell(ws, value, column, bold) for value, column in zip(totals(), columns)])
    if note:
        ws.append([note])
    save_workbook(wb, path, password)
    return count


def yuan(fen: int) -> Decimal:
    return to_decimal(fen)
