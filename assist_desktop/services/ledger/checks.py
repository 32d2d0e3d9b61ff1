"""Shared machinery of the three sheet checkers: cell access by field, row issues, skipped rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.ids import mask_id_number
from assist_desktop.domain.names import normalise_name
from assist_desktop.domain.text import FORBIDDEN, control_character
from assist_desktop.services.ledger import cells
from assist_desktop.services.ledger.mapping import IGNORED, HeaderGuess, match_field, spec
from assist_desktop.services.ledger.model import (
    ERROR,
    INFO,
    WARNING,
    Duplicate,
    ImportOptions,
    Issue,
    Record,
    UnknownValue,
)

_SUBTOTAL = re.compile(r"^(合计|小计|总计|共计|累计|总合计)")
_FOOTER = re.compile(r"^(填表人|制表人|制表|填报人|审核人|负责人|经办人|单位负责人|发放人|监督人|注[:：]|说明[:：]|备注[:：]|"
                     r"填表日期|制表日期|身份证号已脱敏)")

_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
FAIL = object()  # a cell that could not be read; its issue is already recorded


class SheetChecker:
    """Base of the per-kind checkers: holds the mapping, collects issues and duplicates."""

    kind = ""

    def __init__(self, session: Session, guess: HeaderGuess, options: ImportOptions, today: date) -> None:
        self.session = session
        self.guess = guess
        self.options = options
        self.today = today
        self.issues: list[Issue] = []
        self.duplicates: list[Duplicate] = []
        self.context: dict[str, Any] = {}
        self.guesses: dict[str, HeaderGuess] = {}
        self.unknown: dict[tuple[str, str], UnknownValue] = {}
        self.matches: dict[tuple[str, str], UnknownValue] = {}
        self.value_map = options.value_map or {}
        self.source_name = ""
        self.use_sheet("", guess)

    def use_sheet(self, name: str, guess: HeaderGuess) -> None:
        """Check the rows of sheet ``name`` next (each sheet has its own header and columns)."""
        self.sheet = name
        self.guess = guess
        self.guesses[name] = guess
        self.cols = {k: c for c, k in guess.mapping.items() if k and k != IGNORED}
        self.sheet_cols = self.cols  # kept per sheet for messages about records of an earlier sheet
        self.sheet_unit: str | None = None

    def record(self, rows: tuple[int, ...], name: str) -> Record:
        return Record(rows, name, sheet=self.sheet)

    # --- cells ------------------------------------------------------------------------------------

    def raw(self, cells_: list[Any], key: str) -> Any:
        col = self.cols.get(key)
        return cells_[col] if col is not None and col < len(cells_) else None

    def has(self, key: str) -> bool:
        return key in self.cols

    def column(self, key: str | None, sheet: str | None = None) -> str:
        if key is None:
            return ""
        guess = self.guesses.get(self.sheet if sheet is None else sheet, self.guess)
        col = next((c for c, k in guess.mapping.items() if k == key), None)
        return guess.column_name(col) if col is not None else f"“{spec(self.kind, key).label}”"

    def issue(self, record: Record | None, row: int, key: str | None, message: str, level: str = ERROR, *,
              column: str | None = None) -> None:
        sheet = record.sheet if record is not None else self.sheet
        self.issues.append(Issue(row, self.column(key, sheet) if column is None else column, message, level, sheet))
        if record is not None and level == ERROR:
            record.errors += 1

    def unknown_value(self, record: Record, row: int, field: str, word: str, *, column: str | None = None) -> None:
        """A word the program cannot read: the record has an error, and the word is listed once in the report
        with the rows that use it (the caseworker maps it for the whole sheet)."""
        from assist_desktop.services.ledger.words import VALUE_FIELDS

        record.errors += 1
        found = self.unknown.get((field, word))
        if found is None:
            found = self.unknown[(field, word)] = UnknownValue(
                field, VALUE_FIELDS.get(field, field), word, [],
                column if column is not None else self.column(field, record.sheet))
        found.rows.append((record.sheet, row))

    def matched_value(self, record: Record, row: int, field: str, word: str, suggestion: str) -> None:
        """A word read by a close match (名州镇 → 名州镇总工会): said once, with the rows, to confirm."""
        from assist_desktop.services.ledger.words import VALUE_FIELDS

        found = self.matches.get((field, word))
        if found is None:
            found = self.matches[(field, word)] = UnknownValue(field, VALUE_FIELDS.get(field, field), word, [],
                                                               self.column(field, record.sheet), suggestion)
        found.rows.append((record.sheet, row))

    def value_issues(self) -> None:
        """One line per unknown word and per close match, at its first row, with how many rows use it."""
        for found in self.unknown.values():
            sheet, first = found.rows[0]
            self.issues.append(Issue(first, found.column, f"{found.label}“{found.word}”无法识别，共{len(found.rows)}行使用"
                                     f"（{rows_text(found.rows)}）；请在“值对应”中指定它是什么，或改正台账", ERROR, sheet))
        for found in self.matches.values():
            sheet, first = found.rows[0]
            self.issues.append(Issue(first, found.column, f"{found.label}“{found.word}”按“{found.suggestion}”导入，"
                                     f"共{len(found.rows)}行（{rows_text(found.rows)}）；如不对请在“值对应”中改正",
                                     WARNING, sheet))

    def read(self, record: Record, row: int, cells_: list[Any], key: str, convert: Callable[..., Any],
             *args: Any, **kwargs: Any) -> Any:
        """``convert(cell, *args)``; a DomainError becomes the row's issue and FAIL is returned."""
        col = self.cols.get(key)
        try:
            return convert(cells_[col] if col is not None and col < len(cells_) else None, *args, **kwargs)
        except DomainError as exc:
            self.issue(record, row, key, exc.message)
            return FAIL

    def controls(self, record: Record, row: int, cells_: list[Any]) -> None:
        """Every mapped text cell of the row without control characters: each one found is the row's error,
        naming its column (they cannot be seen in Excel, and would break every list exported later)."""
        width = len(cells_)
        for key, col in self.cols.items():
            value = cells_[col] if col < width else None
            # whitespace-like controls (Word's vertical tab for a line break …) are repaired into spaces; the
            # search on the cell as it is first: almost every cell has no control character at all
            if isinstance(value, str) and FORBIDDEN.search(value) and \
                    (what := control_character(" ".join(value.split()))):
                self.issue(record, row, key, f"单元格中有不可见的控制字符（{what}），请在 Excel 中删除后重新导入")

    def text(self, cells_: list[Any], key: str) -> str:
        return cells.text(self.raw(cells_, key))

    def name(self, record: Record, row: int, cells_: list[Any], key: str, who: str = "") -> str | object:
        """A person's name: cleaned, traditional characters made simplified (said so)."""
        raw = _CJK_GAP.sub("", self.text(cells_, key))  # "张 伟", "张\n伟": spaces typed to align names
        try:
            name = normalise_name(raw)
        except DomainError as exc:
            self.issue(record, row, key, f"{who}{exc.message}")
            return FAIL
        simple = cells.simplified(name)
        if simple != name:
            self.issue(record, row, key, f"{who}姓名“{name}”含繁体字，已转为简体“{simple}”", WARNING)
        return simple

    def duplicate(self, record: Record, row: int, key: str, who: str, other: str, *, in_database: bool,
                  message: str) -> None:
        self.duplicates.append(Duplicate(row, who, other, in_database, record.sheet))
        self.issue(record, row, key, message)

    # --- the run ----------------------------------------------------------------------------------

    def check(self, rows: list[tuple[int, list[Any]]], progress: Callable[[int, int], None] | None,
              cancelled: Callable[[], bool] | None) -> list[Record]:
        raise NotImplementedError


def rows_text(rows: list[tuple[str, int]], limit: int = 8) -> str:
    """第3、5、9行 (… and how many more), sheet by sheet when there are several."""
    sheets: dict[str, list[int]] = {}
    for sheet, row in rows:
        sheets.setdefault(sheet, []).append(row)
    parts = []
    for sheet, numbers in sheets.items():
        shown = "、".join(str(n) for n in numbers[:limit]) + (f"等{len(numbers)}行" if len(numbers) > limit else "行")
        parts.append((f"工作表“{sheet}”" if sheet and len(sheets) > 1 else "") + "第" + shown)
    return "；".join(parts)


def who(name: str, id_number: str | None) -> str:
    return f"{name}（{mask_id_number(id_number)}）" if id_number else name


def classify_row(cells_: list[Any], guess: HeaderGuess) -> str | None:
    """Why a row below the header is skipped: 'blank', 'subtotal', 'header', 'footer'; None for data."""
    filled = []
    for value in cells_:
        if value is not None and not isinstance(value, (int, float)):
            t = cells.text(value)
            if t:
                filled.append(t.replace(" ", ""))
                if len(filled) == 3:
                    break
        elif value is not None:
            filled.append(str(value))
            if len(filled) == 3:
                break
    if not filled:
        return "blank"
    if any(_SUBTOTAL.match(t) for t in filled):
        return "subtotal"
    if _FOOTER.match(filled[0]):
        return "footer"
    mapped = [(c, k) for c, k in guess.mapping.items() if k and k != IGNORED and c < len(cells_)]
    first = mapped[0][0] if mapped else None
    if first is None or not isinstance(cells_[first], str) or match_field(guess.kind, cells_[first]) is None:
        return None  # a repeated header names its first column again
    matched = sum(1 for c, k in mapped if isinstance(cells_[c], str) and match_field(guess.kind, cells_[c]) == k)
    if matched >= max(2, len(mapped) // 2):
        return "header"
    return None


SKIP_MESSAGES = {"subtotal": "合计（小计）行，已跳过", "header": "重复的表头行，已跳过", "footer": "签字或说明行，已跳过"}


def skip_issue(row: int, why: str) -> Issue | None:
    return Issue(row, "", SKIP_MESSAGES[why], INFO) if why in SKIP_MESSAGES else None


def tick(done: int, total: int, progress: Callable[[int, int], None] | None,
         cancelled: Callable[[], bool] | None) -> None:
    from assist_desktop.services.approvals import BatchCancelled

    if cancelled is not None and cancelled():
        raise BatchCancelled("已取消检查，没有写入任何数据。")
    if progress is not None:
        progress(done, total)
