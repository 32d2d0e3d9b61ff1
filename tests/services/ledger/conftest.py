"""Ledger files written the way county offices make them: title rows, merged headers, GBK CSV, old .xls."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.services.conftest import County  # the fixtures come from the parent conftest

Rows = Sequence[Sequence[Any]]


def write_xlsx(path: Path, rows: Rows, merges: Sequence[str] = (), sheet: str = "台账",
               text_columns: Sequence[int] = ()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    for col in text_columns:
        for cells in ws.iter_rows(min_col=col + 1, max_col=col + 1):
            cells[0].number_format = "@"
    wb.save(path)
    return path


def write_xls(path: Path, rows: Rows, merges: Sequence[tuple[int, int, int, int]] = (), sheet: str = "台账") -> Path:
    """An Excel 97-2003 workbook (xlwt, a test-only dependency); merges as (r1, r2, c1, c2)."""
    import datetime

    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    merged_heads = {(r1, c1) for r1, _, c1, _ in merges}
    for r1, r2, c1, c2 in merges:
        ws.write_merge(r1, r2, c1, c2, rows[r1][c1])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or (r, c) in merged_heads or any(
                    r1 <= r <= r2 and c1 <= c <= c2 for r1, r2, c1, c2 in merges):
                continue
            if isinstance(value, datetime.date):
                ws.write(r, c, value, date_style)
            else:
                ws.write(r, c, value)
    wb.save(str(path))
    return path


def write_csv(path: Path, rows: Rows, encoding: str) -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows([["" if v is None else v for v in row] for row in rows])
    return path


@pytest.fixture
def clerk(county: County):
    return county.users["jingban"]


@pytest.fixture
def allround(county: County):
    return county.users["allround"]
