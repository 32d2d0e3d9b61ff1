"""What a ledger check produces: row issues, duplicates, records ready to write, and the plan holding them.

Plain dataclasses, so a screen can show them without knowing how they were made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assist_desktop.domain.errors import DomainError
from assist_desktop.services.ledger.mapping import KINDS, HeaderGuess

ERROR, WARNING, INFO = "error", "warning", "info"
LEVEL_LABELS = {ERROR: "错误", WARNING: "提示", INFO: "说明"}


class LedgerImportError(DomainError):
    pass


@dataclass(frozen=True)
class Issue:
    """One line of the row report. ``row`` is the row number Excel shows (0: the whole sheet)."""

    row: int
    column: str  # 'C列“身份证号”', or '' when the problem is the whole row
    message: str
    level: str = ERROR

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    def line(self) -> str:
        where = f"第{self.row}行" if self.row else "整张表"
        return f"{where}{'，' + self.column if self.column else ''}：{self.message}"


@dataclass(frozen=True)
class Duplicate:
    """A person (or household) twice in the sheet, or already in the database."""

    row: int
    who: str  # 张三（6101**********1234）
    other: str  # 第5行 / 档案 610826-2024-00012 的职工
    in_database: bool


@dataclass
class ImportOptions:
    """Choices the wizard (or the terminal) makes for a whole sheet."""

    unit_id: str | None = None  # files: the grassroots union when the sheet names none
    file_status: str = "draft"  # files: draft (through review and notice) or active (approved before; approver only)
    category_reason: str | None = None  # files: recorded where the ledger's category differs from the formula's
    year: int | None = None  # scholarships / visits: the year when the sheet has no 年度 column
    campaign_id: str | None = None  # visits: the campaign, when the year has more than one
    household_kind: str = "low_income"  # scholarships: the kind of a household without a file


@dataclass
class Record:
    """One thing to write: a household with its members, a scholarship, or a visit."""

    rows: tuple[int, ...]  # the Excel rows it comes from
    name: str
    payload: dict[str, Any] | None = None  # None while (or because) it has errors
    errors: int = 0

    @property
    def valid(self) -> bool:
        return self.errors == 0 and self.payload is not None


@dataclass
class ImportPlan:
    """The result of checking a sheet; nothing is written until ``commit_import``."""

    kind: str
    path: Path
    sha256: str
    sheet_name: str
    sheet_names: list[str]
    header: HeaderGuess
    options: ImportOptions
    today: date
    data_rows: int = 0  # rows below the header that hold data
    skipped_rows: int = 0  # blank, subtotal, repeated header and signature rows
    records: list[Record] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)  # what the writer needs (rounds, campaigns to make)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def valid_records(self) -> list[Record]:
        return [r for r in self.records if r.valid]

    @property
    def valid_count(self) -> int:
        return sum(1 for r in self.records if r.valid)

    @property
    def invalid_count(self) -> int:
        return sum(1 for r in self.records if not r.valid)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == WARNING]

    @property
    def ok(self) -> bool:
        """No row has an error: everything can be written."""
        return self.invalid_count == 0 and self.valid_count > 0

    def sorted_issues(self) -> list[Issue]:
        order = {ERROR: 0, WARNING: 1, INFO: 2}
        return sorted(self.issues, key=lambda i: (i.row, order[i.level]))

    def summary(self) -> str:
        unit = {"files": "户", "scholarships": "人", "visits": "户"}[self.kind]
        text = (f"{self.path.name}（工作表“{self.sheet_name}”，{self.kind_label}台账）：数据{self.data_rows}行，"
                f"可导入{self.valid_count}{unit}，有错误{self.invalid_count}{unit}")
        if self.skipped_rows:
            text += f"，跳过空行、合计行等{self.skipped_rows}行"
        if self.duplicates:
            text += f"，重复{len(self.duplicates)}处"
        return text + "。"


@dataclass(frozen=True)
class ImportResult:
    kind: str
    written: int  # households, scholarships or visits
    rows: dict[str, int]  # table → rows inserted
    skipped_invalid: int
    summary: str
