"""What travels for each syncable table: its columns in order, each with the form its values take in the
JSON Lines files, and the checks a received value must pass.

Values travel as SQLite stores them, so neither side converts them row by row: integers; text; booleans as
0 or 1; dates as ``YYYY-MM-DD``; date-times in UTC as ``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLAlchemy's SQLite
form); binary columns as upper-case hex. The checks run column by column over a chunk of rows with the
C loops of ``map``/``set``, so a county's year is checked in a fraction of a second; only when a chunk
fails is it searched row by row for the message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, partial
from operator import is_not
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, LargeBinary, MetaData, String, Table
from sqlalchemy.sql.sqltypes import NullType, _Binary

from assist_desktop.domain.text import FORBIDDEN, control_character
from assist_desktop.storage.models import SYNCED_TABLES, Tombstone
from assist_desktop.sync.errors import SyncError

TABLE_LABELS = {
    "org_unit": "工会组织", "user": "用户", "employer": "工作单位", "hardship_file": "困难职工档案",
    "member": "家庭成员", "import_batch": "台账导入批次", "annual_review": "年度复核", "attachment": "档案附件", "unfiled_household": "未建档户",
    "policy_standard": "救助标准", "subsistence_line": "低保标准", "scholarship_round": "金秋助学活动",
    "scholarship": "助学申请", "installment": "分年发放", "campaign": "春节送温暖活动",
    "campaign_fund_source": "资金来源", "campaign_standard": "慰问标准", "visit": "走访",
    "disbursement": "发放凭证", "workflow_event": "审批记录", "tombstone": "删除记录",
}
TOMBSTONE = "tombstone"

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# [0-9], not \d: in Python \d also takes other scripts' digits (٢٠٢٦), which SQLite would store and the
# program fail to read back as a date
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}")
_HEX = re.compile(r"(?:[0-9A-F]{2})*")
PATTERNS = {"uuid": _UUID.pattern, "date": _DATE.pattern, "datetime": _DATETIME.pattern, "hex": _HEX.pattern}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # uuid / int / bool / str / date / datetime / hex
    nullable: bool
    max_length: int | None
    foreign_key: bool = False  # its values are checked by the database's foreign key anyway
    choices: frozenset[str] | None = None  # a code the program turns into one of its enumerations


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[ColumnSpec, ...]
    required: frozenset[str]  # columns a row must carry (no default, not nullable)

    @property
    def label(self) -> str:
        return TABLE_LABELS.get(self.name, self.name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


def _kind(column: Column) -> str:  # type: ignore[type-arg]
    affinity = column.type._type_affinity  # noqa: SLF001 - the generic type behind sqlmodel's decorators
    if issubclass(affinity, _Binary):
        return "hex"
    if affinity is Boolean:
        return "bool"
    if affinity is DateTime:
        return "datetime"
    if affinity is Date:
        return "date"
    if affinity is Integer:
        return "int"
    if column.name == "id" or column.name.endswith("_id") and getattr(column.type, "length", None) == 36:
        return "uuid"
    return "str"


@cache
def _choices() -> dict[tuple[str, str], frozenset[str]]:
    """Coded columns the screens and services read back as enumerations (FileStatus(row.status) …): a code
    this program does not know — a newer program's, or a forged one — would break every read of the row,
    so it is refused at the door."""
    from assist_desktop.domain.enums import MaterialKind, OrgLevel
    from assist_desktop.domain.hardship import HardshipCategory
    from assist_desktop.domain.lifecycle import FileStatus, GrantStatus
    from assist_desktop.services.scholarships import INSTALLMENT_LABELS

    def codes(enum: Any) -> frozenset[str]:
        return frozenset(member.value for member in enum)

    return {("org_unit", "level"): codes(OrgLevel), ("hardship_file", "status"): codes(FileStatus),
            ("hardship_file", "category"): codes(HardshipCategory),
            ("hardship_file", "category_proposed"): codes(HardshipCategory),
            ("attachment", "kind"): codes(MaterialKind), ("scholarship", "status"): codes(GrantStatus),
            ("installment", "status"): frozenset(INSTALLMENT_LABELS),
            ("visit", "status"): codes(GrantStatus), ("visit", "category"): codes(HardshipCategory)}


def _spec(table: Table) -> TableSpec:
    from assist_desktop.storage.sort_keys import DERIVED_COLUMNS

    columns = []
    required = set()
    for c in table.columns:
        if (table.name, c.name) in DERIVED_COLUMNS:  # a name's sort key: each program computes its own
            continue
        length = getattr(c.type, "length", None)
        kind = _kind(c)
        columns.append(ColumnSpec(c.name, kind, bool(c.nullable), length if kind in ("str", "uuid") else None,
                                  bool(c.foreign_keys), _choices().get((table.name, c.name))))
        if not c.nullable and c.default is None and c.server_default is None:
            required.add(c.name)
    # the bookkeeping every row carries, whatever defaults the model gives it
    bookkeeping = {"id", "owner_unit_id", "usn", "mtime", "version"} & {c.name for c in table.columns}
    return TableSpec(table.name, tuple(columns), frozenset(required | bookkeeping))


@cache
def specs() -> dict[str, TableSpec]:
    """Every syncable table, parents before children (the order rows are applied), then tombstones."""
    out = {model.__tablename__: _spec(model.__table__) for model in SYNCED_TABLES}  # type: ignore[attr-defined]
    out[TOMBSTONE] = _spec(Tombstone.__table__)  # type: ignore[attr-defined]
    return out


@cache
def plain_table(name: str, columns: tuple[str, ...]) -> Table:
    """A Core table of the same name and columns without type conversions: the rows are written as they
    travel (already the stored form) in one executemany, as ``storage.bulk`` writes them."""
    spec = specs()[name]
    kinds = {c.name: c.kind for c in spec.columns}  # a derived column (a sort key) is text
    # NullType: no conversion and, on a server, no cast of the parameter (the driver types the stored form)
    return Table(name, MetaData(), *[Column(c, LargeBinary if kinds.get(c) == "hex" else NullType,
                                            primary_key=c == "id") for c in columns])


# --- checking a chunk of received rows --------------------------------------------------------------


def _bad(spec: TableSpec, line: int, column: str, problem: str) -> SyncError:
    return SyncError(f"同步文件中“{spec.label}”第 {line} 行的 {column} {problem}，文件不能导入。")


_ALLOWED = {"uuid": {str}, "str": {str}, "int": {int}, "bool": {int, bool}, "date": {str}, "datetime": {str},
            "hex": {str}}
_NONE = type(None)


def _value_ok(col: ColumnSpec, value: Any) -> str | None:
    """Why ``value`` does not fit ``col`` (the slow path, to name the row), or None."""
    if value is None:
        return None if col.nullable else "不能为空"
    if type(value) not in _ALLOWED[col.kind]:
        return "类型不对"
    if col.kind == "bool" and value not in (0, 1):
        return "应为 0 或 1"
    if col.kind == "uuid" and not _UUID.fullmatch(value):
        return "不是有效的编号"
    if col.kind in ("str", "uuid") and col.max_length and len(value) > col.max_length:
        return f"超过 {col.max_length} 个字符"
    if col.kind == "str" and (what := control_character(value)):
        return f"含有不可见的控制字符（{what}）"
    if col.kind == "date" and not (_DATE.fullmatch(value) and _real(date, value)):
        return "不是有效日期"
    if col.kind == "datetime" and not (_DATETIME.fullmatch(value) and _real(datetime, value)):
        return "不是有效时间"
    if col.kind == "hex" and not _HEX.fullmatch(value):
        return "不是有效的十六进制数据"
    if col.kind == "int" and not -(1 << 63) <= value < (1 << 63):
        return "超出范围"
    if col.choices is not None and value not in col.choices:
        return f"取值“{value[:20]}”不是本程序认识的代码（可能由较新版本的程序导出，请先升级本程序）"
    return None


_PRESENT = partial(is_not, None)


def _column_ok(col: ColumnSpec, values: Sequence[Any]) -> bool:
    types = set(map(type, values))
    present = values
    if _NONE in types:
        if not col.nullable:
            return False
        types.discard(_NONE)
        present = list(filter(_PRESENT, values))
    if not types <= _ALLOWED[col.kind]:
        return False
    if not present:
        return True
    kind = col.kind
    if kind == "int":
        return min(present) >= -(1 << 63) and max(present) < (1 << 63)
    if kind == "bool":
        return set(present) <= {0, 1}
    if kind in ("str", "uuid") and col.max_length and max(map(len, present)) > col.max_length:
        return False
    if kind == "str" and FORBIDDEN.search("".join(present)):  # one scan of the column's text
        return False
    if col.choices is not None and not set(present) <= col.choices:
        return False
    if kind == "uuid" and col.foreign_key:
        return True  # a malformed reference matches no row: the foreign key refuses it
    pattern = {"uuid": _UUID, "date": _DATE, "datetime": _DATETIME, "hex": _HEX}.get(kind)
    if pattern is not None and not all(map(pattern.fullmatch, present)):
        return False
    if kind in ("date", "datetime"):  # 2026-02-30 has the form but is no day: reading it back would fail
        return all(map(partial(_real, date if kind == "date" else datetime), present))
    return True


def _real(kind: type[date], value: str) -> bool:
    try:
        kind.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_rows(spec: TableSpec, columns: Sequence[str], rows: list[Any], first_line: int) -> None:
    """Refuse a chunk of rows (lists in the order of ``columns``) with a value that does not fit; the
    message names the table, the line of its file and the column."""
    width = len(columns)
    if set(map(type, rows)) != {list} or set(map(len, rows)) != {width}:
        for n, row in enumerate(rows):
            if type(row) is not list or len(row) != width:
                raise SyncError(f"同步文件中“{spec.label}”第 {first_line + n} 行不是 {width} 个值的一行，文件不能导入。")
    for index, values in enumerate(zip(*rows)):
        col = spec.column(columns[index])
        if not _column_ok(col, values):
            for n, value in enumerate(values):
                problem = _value_ok(col, value)
                if problem:
                    raise _bad(spec, first_line + n, col.name, problem)
            raise _bad(spec, first_line, col.name, "不符合要求")  # pragma: no cover - the fast check agrees


def check_columns(spec: TableSpec, columns: Any) -> list[str]:
    """The header line's column list: known columns of the table, each once, the required ones present."""
    if (not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns)
            or len(set(columns)) != len(columns)):
        raise SyncError(f"同步文件中“{spec.label}”的列名行不正确。")
    known = set(spec.names)
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise SyncError(f"同步文件中“{spec.label}”有本程序不认识的列 {', '.join(unknown[:3])}，"
                        "它可能由较新版本的程序导出，请先升级本程序。")
    missing = sorted(spec.required - set(columns))
    if missing:
        raise SyncError(f"同步文件中“{spec.label}”缺少必需的列 {', '.join(missing[:3])}。")
    return columns


TEXT_MAX_CHARS = 65_536  # a note, reason or opinion without a column length: far more than anyone types
_KIND_BYTES = {"uuid": 40, "int": 21, "bool": 6, "date": 13, "datetime": 29}


@cache
def row_bound(table: str) -> int:
    """The most bytes one row of ``table`` can take in its JSON Lines file: every text at its column's length,
    each character escaped (``\\u0001`` is six bytes), a binary column at the attachment limit as hex."""
    from assist_desktop.services.attachments import MAX_ATTACHMENT_BYTES

    total = 2
    for column in specs()[table].columns:
        if column.kind == "hex":
            total += 2 * MAX_ATTACHMENT_BYTES + 3
        elif column.kind == "str":
            total += 6 * (column.max_length or TEXT_MAX_CHARS) + 3
        else:
            total += _KIND_BYTES[column.kind]
        total += 1  # the comma
    return total
