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
    sheet: str = ""  # set when the workbook has several sheets read

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    def line(self) -> str:
        where = f"第{self.row}行" if self.row else ("" if self.sheet else "整张表")
        if self.sheet:
            where = f"工作表“{self.sheet}”" + where
        return f"{where}{'，' + self.column if self.column else ''}：{self.message}"


@dataclass(frozen=True)
class Duplicate:
    """A person (or household) twice in the sheet, or already in the database."""

    row: int
    who: str  # 张三（6101**********1234）
    other: str  # 第5行 / 档案 610826-2024-00012 的职工
    in_database: bool
    sheet: str = ""


@dataclass
class UnknownValue:
    """A word the sheet uses that the program cannot read, listed once with the rows using it; the
    caseworker maps it for the whole sheet (``ImportOptions.value_map``)."""

    field: str  # category / primary_cause / relation / union …
    label: str  # 困难类别
    word: str
    rows: list[tuple[str, int]]  # (sheet, row)
    column: str = ""
    suggestion: str | None = None  # a match the program proposes (unions)


@dataclass
class ImportOptions:
    """Choices the wizard (or the terminal) makes for a whole sheet."""

    unit_id: str | None = None  # files: the grassroots union when the sheet names none
    file_status: str = "draft"  # files: draft (through review and notice) or active (approved before; approver only)
    category_reason: str | None = None  # files: recorded where the ledger's category differs from the formula's
    year: int | None = None  # scholarships / visits: the year when the sheet has no 年度 column
    campaign_id: str | None = None  # visits: the campaign, when the year has more than one
    household_kind: str = "low_income"  # scholarships: the kind of a household without a file
    # {field: {ledger word: code}}: words of the sheet the caseworker mapped (困难类别 “特困户” → deep;
    # 所属工会 “名州” → a union's id); saved with the column mapping
    value_map: dict[str, dict[str, str]] = field(default_factory=dict)
    # {column name: field key or ''}: the mapping by column name, for every sheet (a mapping file, --map)
    titles: dict[str, str] = field(default_factory=dict)


@dataclass
class Record:
    """One thing to write: a household with its members, a scholarship, or a visit."""

    rows: tuple[int, ...]  # the Excel rows it comes from
    name: str
    payload: dict[str, Any] | None = None  # None while (or because) it has errors
    errors: int = 0
    sheet: str = ""
    pending_members: bool = False  # a household row with its size but fewer people listed (成员待补录)

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
    sheets: list[SheetPlan] = field(default_factory=list)  # every sheet of the workbook: read or skipped, and why
    unknown: list[UnknownValue] = field(default_factory=list)
    matches: list[UnknownValue] = field(default_factory=list)  # words read by a close match (所属工会), to confirm

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

    @property
    def pending_count(self) -> int:
        return sum(1 for r in self.records if r.valid and r.pending_members)

    def summary(self) -> str:
        unit = {"files": "户", "scholarships": "人", "visits": "户"}[self.kind]
        read = [s.name for s in self.sheets if s.read] or [self.sheet_name]
        where = f"工作表“{read[0]}”" if len(read) == 1 else f"{len(read)}张工作表"
        text = (f"{self.path.name}（{where}，{self.kind_label}台账）：数据{self.data_rows}行，"
                f"可导入{self.valid_count}{unit}，有错误{self.invalid_count}{unit}（错误{len(self.errors)}处）")
        if self.pending_count:
            text += f"，其中{self.pending_count}户成员待补录"
        if self.skipped_rows:
            text += f"，跳过空行、合计行等{self.skipped_rows}行"
        if self.duplicates:
            text += f"，重复{len(self.duplicates)}处"
        skipped = [s.name for s in self.sheets if not s.read]
        if skipped:
            text += f"，未读取工作表{'、'.join(f'“{n}”' for n in skipped)}"
        return text + "。"


@dataclass
class SheetPlan:
    """One sheet of the workbook: read (its header) or skipped (why)."""

    name: str
    read: bool
    reason: str = ""  # why skipped: 填表说明 / 汇总 / 没有表头 / 隐藏
    header: HeaderGuess | None = None
    data_rows: int = 0
    hidden_rows: tuple[int, ...] = ()  # Excel row numbers
    hidden_columns: tuple[str, ...] = ()  # column letters
    unit_id: str | None = None  # the union taken from the sheet's name
    unit_name: str = ""


@dataclass(frozen=True)
class ImportResult:
    kind: str
    written: int  # households, scholarships or visits
    rows: dict[str, int]  # table → rows inserted
    skipped_invalid: int
    summary: str
    import_batch_id: str | None = None  # historic files awaiting the approver's approval of the batch
