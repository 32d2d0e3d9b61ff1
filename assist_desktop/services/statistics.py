"""统计: counts and amounts of the four programmes by category, cause, union, year and more; trends over
the years; the records behind every figure; the annual report (xlsx, and PDF through the report renderer).

The figures of the breakdowns, the overview and the trends are added up from the summary table
``stat_tally`` (services.tally), which every write keeps current in its own transaction, so the page answers
in milliseconds whatever the size of the file; the records behind a figure (``records_for``) and a single
``figure`` are read from the tables with the same definitions (``_Source``) that fill the summary table. No Qt.

    breakdown(session, user, "visits", "group", year=2026)   # Breakdown: rows × measures, with totals
    overview(session, user, 2026)                             # one row per programme
    records_for(session, user, cell)                          # RecordSet: the entity and ids behind a figure
    record_rows(session, user, entity, ids)                   # display rows of those records (IDs masked)
    annual_report(session, user, 2026) → AnnualReport; save_annual_report_xlsx(…); annual_report_pdf(…)

A figure is addressed by a ``Cell``: the programme, the measure, the year (None: every year, or the
registry as it stands today) and the dimension with its key. The same ``Cell`` gives the figure in
``breakdown`` and its records in ``records_for``, so the two always agree.

What is counted:

- 困难职工档案 (``files``): ``households`` and ``people`` are the files in the registry — today (status
  在档), or at the end of the year (opened on or before 31 December and not exited by then);
  ``opened`` the files approved (opened) in the year; ``exited`` the files that left in the year.
- 金秋助学 (``scholarships``) and 春节送温暖 (``visits``): approved and paid grants of the year's round or
  campaign (cancelled ones and those still in the steps are not counted).
- 资金发放 (``payments``): disbursements (vouchers) by the day they were paid.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
from assist_desktop.domain.ids import mask_id_number
from assist_desktop.domain.lifecycle import FileStatus, GrantStatus, Role
from assist_desktop.domain.money import format_amount
from assist_desktop.domain.policy import SCHOLARSHIP_LEVELS, SPRING_FESTIVAL_GROUPS
from assist_desktop.services import tally
from assist_desktop.services.base import require_role
from assist_desktop.services.scholarships import UNFILED_KINDS
from assist_desktop.services.setup import require_initialised
from assist_desktop.storage import models as m
from assist_desktop.storage.sql import year_of as sql_year_of

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

COUNT, MONEY, PEOPLE = "count", "money", "people"
LIVE_GRANTS = (GrantStatus.approved.value, GrantStatus.paid.value)
IN_REGISTRY = (FileStatus.active.value, FileStatus.exited.value)  # files that were approved once

PROGRAMS: dict[str, str] = {"files": "困难职工档案", "scholarships": "金秋助学", "visits": "春节送温暖",
                            "payments": "资金发放"}
DIMENSIONS: dict[str, str] = {
    "category": "困难类别", "cause": "主要致困原因", "unit": "所属工会", "year": "年度", "level": "学段",
    "household": "家庭类型", "group": "慰问类别", "programme": "资金项目", "method": "发放方式", "owner": "上报单位",
}
PROGRAM_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "files": ("category", "cause", "unit", "owner", "year"),
    "scholarships": ("level", "household", "category", "cause", "unit", "owner", "year"),
    "visits": ("group", "category", "cause", "unit", "owner", "year"),
    "payments": ("programme", "method", "category", "unit", "owner", "year"),
}
# Dimensions that mean something only where the database holds more than one unit's records: a city or a
# province, which takes in the records of the units below it (DESIGN.md §6). A county's page leaves them out.
UPPER_DIMENSIONS = frozenset({"owner"})
ENTITIES = {"files": "hardship_file", "scholarships": "scholarship", "visits": "visit", "payments": "disbursement"}
PAYMENT_PROGRAMMES = {"visit": "春节送温暖慰问金", "scholarship": "金秋助学助学金", "installment": "金秋助学分年发放"}
METHODS = {"cash": "现金", "transfer": "转账"}
HOUSEHOLDS = {"filed": "建档户", **UNFILED_KINDS}


class StatisticsError(DomainError):
    pass


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kind: str  # count / money (fen) / people

    @property
    def money(self) -> bool:
        return self.kind == MONEY


@dataclass(frozen=True)
class Cell:
    """The address of one figure (and of the records behind it)."""

    program: str
    measure: str
    year: int | None = None
    dimension: str | None = None  # None: the whole programme (a total)
    key: Any = None  # the dimension's value; None also stands for "not given" (未分类, 未建档 …)


@dataclass(frozen=True)
class Row:
    key: Any
    label: str
    values: tuple[int, ...]
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Breakdown:
    program: str
    dimension: str
    year: int | None
    measures: tuple[Measure, ...]
    rows: tuple[Row, ...]
    totals: tuple[int | None, ...]  # None where a total means nothing (files in the registry over years)
    total_cells: tuple[Cell | None, ...]

    @property
    def title(self) -> str:
        when = f"{self.year}年" if self.year else "历年" if self.dimension == "year" else "全部年度"
        return f"{PROGRAMS[self.program]}（{when}，按{DIMENSIONS[self.dimension]}）"

    def value(self, key: Any, measure: str) -> int:
        index = [mm.key for mm in self.measures].index(measure)
        for row in self.rows:
            if row.key == key:
                return row.values[index]
        return 0


@dataclass(frozen=True)
class ProgramFigure:
    program: str
    label: str
    count: int
    count_measure: Measure
    count_cell: Cell
    amount: int | None
    amount_measure: Measure | None
    amount_cell: Cell | None


@dataclass(frozen=True)
class RecordSet:
    """The records behind a figure: what they are, their ids, and the figure they add up to."""

    cell: Cell
    entity: str  # hardship_file / scholarship / visit / disbursement
    ids: tuple[str, ...]
    total: int  # the figure: the count, or the sum of the measure over these records


# --- the programmes -----------------------------------------------------------------------------------------

HF, U, S, R, UH, V, C, D, I = (m.HardshipFile, m.OrgUnit, m.Scholarship, m.ScholarshipRound, m.UnfiledHousehold,
                               m.Visit, m.Campaign, m.Disbursement, m.Installment)


def _start(year: int) -> date:
    return date(year, 1, 1)


def _end(year: int) -> date:
    return date(year, 12, 31)


def _year_of(column: Any) -> ColumnElement[int]:
    return sql_year_of(column)  # strftime on SQLite, EXTRACT on a server (storage.sql)


year_of = _year_of  # for services.tally


@dataclass
class _Source:
    """How a programme is read: the table and its joins, the measures' conditions and values, the dimensions."""

    measures: tuple[Measure, ...]
    id_column: Any
    order: tuple[Any, ...]
    joins: Callable[[Any, str | None], Any]  # (select, dimension) → the select with FROM and the joins it needs
    condition: Callable[[str, int | None], ColumnElement[bool]]  # (measure, year) → which rows count
    value: Callable[[str], Any]  # measure → what is added up (1 for a count)
    dimensions: dict[str, Any] = field(default_factory=dict)  # dimension → SQL expression of its key
    year_column: Any = None  # the grant's year, for the year dimension (None: files, handled apart)
    # What every measure of a year has in common, for the WHERE of a breakdown (None: scan the table). An OR
    # of the measures' own conditions would make SQLite look each branch up by index and fetch the same rows
    # several times over: on a province's 300,000 files a plain scan is five times quicker.
    scope: Callable[[int | None], ColumnElement[bool] | None] = lambda _year: None


def _files() -> _Source:
    def condition(measure: str, year: int | None) -> ColumnElement[bool]:
        if measure in ("households", "people"):
            if year is None:
                return HF.status == FileStatus.active.value
            return and_(HF.status.in_(IN_REGISTRY), HF.opened_on <= _end(year),
                        or_(HF.exit_date.is_(None), HF.exit_date > _end(year)))
        if measure == "opened":
            base = and_(HF.status.in_(IN_REGISTRY), HF.opened_on.is_not(None))
            return base if year is None else and_(base, HF.opened_on >= _start(year), HF.opened_on <= _end(year))
        if measure == "exited":
            base = HF.status == FileStatus.exited.value
            return base if year is None else and_(base, HF.exit_date >= _start(year), HF.exit_date <= _end(year))
        raise StatisticsError(f"没有“{measure}”这项统计")

    return _Source(
        measures=(Measure("households", "在档户数", COUNT), Measure("people", "家庭人口", PEOPLE),
                  Measure("opened", "新建档", COUNT), Measure("exited", "撤档", COUNT)),
        id_column=HF.id, order=(HF.file_no,),
        joins=lambda stmt, _dimension: stmt.select_from(HF),
        condition=condition,
        value=lambda measure: HF.household_size if measure == "people" else literal(1),
        dimensions={"category": HF.category, "cause": HF.primary_cause, "unit": HF.unit_id, "owner": HF.owner_unit_id},
    )


def _outer(stmt: Any, wanted: bool, target: Any, on: ColumnElement[bool]) -> Any:
    """A LEFT JOIN only where the dimension needs it (each costs a lookup per row on a province's file)."""
    return stmt.outerjoin(target, on) if wanted else stmt


def _grant_source(measures: tuple[Measure, ...], id_column: Any, order: tuple[Any, ...],
                  joins: Callable[[Any, str | None], Any],
                  live: ColumnElement[bool], year_column: Any, values: dict[str, Any],
                  dimensions: dict[str, Any], year_range: Callable[[int], ColumnElement[bool]] | None = None) -> _Source:
    def condition(measure: str, year: int | None) -> ColumnElement[bool]:
        if measure not in values:
            raise StatisticsError(f"没有“{measure}”这项统计")
        parts = [live]
        if year is not None:
            parts.append(year_range(year) if year_range else year_column == year)
        if values[measure] is not None:  # an amount: the records behind it are those that add to it
            parts.append(values[measure] != 0)
        return and_(*parts)

    def scope(year: int | None) -> ColumnElement[bool]:
        if year is None:
            return live
        return and_(live, year_range(year) if year_range else year_column == year)

    return _Source(measures, id_column, order, joins, condition,
                   lambda measure: values[measure] if values[measure] is not None else literal(1),
                   dimensions, year_column, scope)


def _scholarships() -> _Source:
    F, H = aliased(HF), aliased(UH)
    household = case((S.file_id.is_not(None), literal("filed")), else_=H.kind)
    return _grant_source(
        (Measure("students", "人数", COUNT), Measure("amount", "资助金额", MONEY)),
        S.id, (R.year, S.application_no),
        lambda stmt, dimension: _outer(_outer(stmt.select_from(S).join(R, R.id == S.round_id),
                                              dimension in ("category", "cause", "unit"), F, F.id == S.file_id),
                                       dimension in ("household", "unit"), H, H.id == S.unfiled_household_id),
        S.status.in_(LIVE_GRANTS), R.year, {"students": None, "amount": S.amount_fen},
        {"level": S.education_level, "household": household, "category": F.category, "cause": F.primary_cause,
         "unit": func.coalesce(F.unit_id, H.unit_id), "owner": S.owner_unit_id},
    )


def _visits() -> _Source:
    F, H = aliased(HF), aliased(UH)
    return _grant_source(
        (Measure("households", "户数", COUNT), Measure("cash", "慰问金", MONEY), Measure("goods", "慰问品折价", MONEY),
         Measure("total", "合计金额", MONEY)),
        V.id, (C.year, V.unit_name, V.recipient_name, V.id),
        lambda stmt, dimension: _outer(_outer(stmt.select_from(V).join(C, C.id == V.campaign_id),
                                              dimension in ("cause", "unit"), F, F.id == V.file_id),
                                       dimension == "unit", H, H.id == V.unfiled_household_id),
        V.status.in_(LIVE_GRANTS), C.year,
        {"households": None, "cash": V.cash_fen, "goods": V.goods_fen, "total": V.cash_fen + V.goods_fen},
        {"group": V.group_key, "category": V.category, "cause": F.primary_cause,
         "unit": func.coalesce(F.unit_id, H.unit_id), "owner": V.owner_unit_id},
    )


def _payments() -> _Source:
    F, H, VV, SS, II = aliased(HF), aliased(UH), aliased(V), aliased(S), aliased(I)
    scholarship_id = case((D.grant_type == "scholarship", D.grant_id), (D.grant_type == "installment", II.scholarship_id))

    def joins(stmt: Any, dimension: str | None) -> Any:
        if dimension not in ("category", "unit"):
            return stmt.select_from(D)
        stmt = (stmt.select_from(D)
                .outerjoin(VV, and_(D.grant_type == "visit", VV.id == D.grant_id))
                .outerjoin(II, and_(D.grant_type == "installment", II.id == D.grant_id))
                .outerjoin(SS, SS.id == scholarship_id)
                .outerjoin(F, F.id == func.coalesce(VV.file_id, SS.file_id)))
        return _outer(stmt, dimension == "unit", H,
                      H.id == func.coalesce(VV.unfiled_household_id, SS.unfiled_household_id))

    return _grant_source(
        (Measure("payments", "笔数", COUNT), Measure("amount", "金额", MONEY)),
        D.id, (D.paid_on, D.voucher_no), joins, true(), _year_of(D.paid_on),
        {"payments": None, "amount": D.amount_fen},
        {"programme": D.grant_type, "method": D.method, "category": F.category,
         "unit": func.coalesce(F.unit_id, H.unit_id), "owner": D.owner_unit_id},
        year_range=lambda year: and_(D.paid_on >= _start(year), D.paid_on <= _end(year)),
    )


_SOURCES: dict[str, Callable[[], _Source]] = {"files": _files, "scholarships": _scholarships, "visits": _visits,
                                              "payments": _payments}


def source_of(program: str) -> _Source:
    """How ``program`` is read (services.tally sums its records ahead by the same definition)."""
    return _source(program)


@functools.cache  # built once: aliasing the wide file table costs milliseconds a time
def _source(program: str) -> _Source:
    if program not in _SOURCES:
        raise StatisticsError(f"没有“{program}”这个统计项目（可选：{'、'.join(PROGRAMS.values())}）")
    return _SOURCES[program]()


def measures_of(program: str) -> tuple[Measure, ...]:
    return _source(program).measures


def _measure(source: _Source, key: str) -> Measure:
    for measure in source.measures:
        if measure.key == key:
            return measure
    raise StatisticsError(f"没有“{key}”这项统计")


# --- labels and order of the keys ---------------------------------------------------------------------------


def _units(session: Session) -> dict[str, tuple[str, str]]:
    """unit id → (code, label). At a city or province a union another unit keeps is labelled with that unit:
    a city and its counties may each have a 城关镇总工会."""
    local = session.get(m.Meta, "local_unit_id")
    rows = session.execute(select(U.id, U.code, U.name, U.owner_unit_id)).all()
    names = {uid: name for uid, _code, name, _owner in rows}
    out = {}
    for uid, code, name, owner in rows:
        if local is not None and owner not in (uid, local.value) and owner in names:
            name = f"{name}（{names[owner]}）"
        out[uid] = (code or "", name)
    return out


def _label(dimension: str, key: Any, program: str, units: dict[str, tuple[str, str]]) -> str:
    if dimension == "year":
        return f"{key}年"
    if key is None:
        if dimension in ("category", "cause") and program != "files":
            return "未建档"
        return {"unit": "未归属工会"}.get(dimension, "未填写")
    try:
        if dimension == "category":
            return HardshipCategory(key).label
        if dimension == "cause":
            return HardshipCause(int(key)).label
    except ValueError:
        return str(key)
    labels = {"level": SCHOLARSHIP_LEVELS, "household": HOUSEHOLDS, "group": SPRING_FESTIVAL_GROUPS,
              "programme": PAYMENT_PROGRAMMES, "method": METHODS}
    if dimension in ("unit", "owner"):
        return units.get(key, ("", str(key)))[1]
    return labels.get(dimension, {}).get(key, str(key))


def _sort_key(dimension: str, key: Any, units: dict[str, tuple[str, str]]) -> tuple[Any, ...]:
    if key is None:
        return (1, "")
    orders: dict[str, list[Any]] = {
        "category": [c.value for c in HardshipCategory], "level": list(SCHOLARSHIP_LEVELS),
        "household": list(HOUSEHOLDS), "group": list(SPRING_FESTIVAL_GROUPS), "programme": list(PAYMENT_PROGRAMMES),
        "method": list(METHODS)}
    if dimension in orders:
        order = orders[dimension]
        return (0, order.index(key) if key in order else len(order), str(key))
    if dimension in ("cause", "year"):
        return (0, int(key), "")
    if dimension in ("unit", "owner"):  # by code: a city (xxxx00) before its counties, a province before its cities
        return (0, *units.get(key, ("~", str(key))))
    return (0, str(key))


# --- figures ------------------------------------------------------------------------------------------------


def _require_reader(session: Session, user: m.User) -> None:
    require_role(session, user, *Role, doing="查看统计")


def _check(program: str, dimension: str | None) -> _Source:
    source = _source(program)
    if dimension is not None and dimension not in PROGRAM_DIMENSIONS[program]:
        raise StatisticsError(f"{PROGRAMS[program]}不能按“{DIMENSIONS.get(dimension, dimension)}”统计")
    return source


def _sums(source: _Source, year: int | None) -> list[Any]:
    return [func.coalesce(func.sum(case((source.condition(mm.key, year), source.value(mm.key)), else_=0)), 0)
            for mm in source.measures]


def breakdown(session: Session, user: m.User, program: str, dimension: str, year: int | None = None) -> Breakdown:
    """The programme's measures by ``dimension`` (``year``: the trend over the years, ``year`` ignored)."""
    source = _check(program, dimension)
    _require_reader(session, user)
    units = _units(session)
    if dimension == "year":
        raw = _files_by_year(session) if program == "files" else _grants_by_year(session, program)
    else:
        raw = _tallied(session, program, dimension, year)
    raw = {k: v for k, v in raw.items() if any(v)}  # a key only drafts (or cancelled grants) have
    keys = sorted(raw, key=lambda k: _sort_key(dimension, k, units))
    rows = []
    for k in keys:
        cell_year = k if dimension == "year" else year
        rows.append(Row(k, _label(dimension, k, program, units), raw[k],
                        tuple(Cell(program, mm.key, cell_year, dimension, k) for mm in source.measures)))
    totals: list[int | None] = []
    total_cells: list[Cell | None] = []
    for i, mm in enumerate(source.measures):
        if dimension == "year" and program == "files" and mm.key in ("households", "people"):
            totals.append(None)  # a file is in the registry in many years: no sum over years
            total_cells.append(None)
        else:
            totals.append(sum(r.values[i] for r in rows))
            total_cells.append(Cell(program, mm.key, None if dimension == "year" else year))
    return Breakdown(program, dimension, None if dimension == "year" else year, source.measures, tuple(rows),
                     tuple(totals), tuple(total_cells))


def _scoped(stmt: Any, condition: ColumnElement[bool] | None) -> Any:
    return stmt if condition is None else stmt.where(condition)


def _tallied(session: Session, program: str, dimension: str, year: int | None) -> dict[Any, tuple[int, ...]]:
    """The programme's measures by ``dimension`` for ``year`` (None: every year, or the registry today), added up
    from the summary table (services.tally): a few hundred rows at any size of the file."""
    out: dict[Any, list[int]] = {}
    width = len(_source(program).measures)
    for key, y, exit_y, status, n, v1, v2 in tally.read(session.connection(), program, dimension):
        values = out.setdefault(_tally_key(dimension, key), [0] * width)
        if program == "files":  # households, people, opened, exited (see _files: condition)
            if year is None:
                active = status == FileStatus.active.value
                values[0] += n if active else 0
                values[1] += v1 if active else 0
                values[2] += n if y else 0
            else:
                if y and y <= year and (not exit_y or exit_y > year):
                    values[0] += n
                    values[1] += v1
                values[2] += n if y == year else 0
            if status == FileStatus.exited.value and (year is None or exit_y == year):
                values[3] += n
        elif year is None or y == year:
            sums = (n, v1, v2, v1 + v2)  # count, then what tally.SUMMED adds up (visits: cash, goods, total)
            for i in range(width):
                values[i] += sums[i]
    return {k: tuple(v) for k, v in out.items()}


def _tally_key(dimension: str, key: str) -> Any:
    """A key as the statistics name it: None for none, the cause's code as a number."""
    if key == tally.NONE_KEY:
        return None
    return int(key) if dimension == "cause" else key


def _grants_by_year(session: Session, program: str) -> dict[Any, tuple[int, ...]]:
    width = len(_source(program).measures)
    out: dict[Any, list[int]] = {}
    for _key, y, _exit_y, _status, n, v1, v2 in tally.read(session.connection(), program, tally.TOTAL):
        values = out.setdefault(int(y), [0] * width)
        for i, value in enumerate((n, v1, v2, v1 + v2)[:width]):
            values[i] += value
    return {k: tuple(v) for k, v in out.items()}


def _files_by_year(session: Session) -> dict[Any, tuple[int, ...]]:
    """Files in the registry at the end of each year, and opened and exited in it: a table of (year opened,
    year exited, status) → files and people (the summary table's totals), summed up for each year."""
    grid = [(y or None, exit_y or None, status, n, people)
            for _key, y, exit_y, status, n, people, _v2 in tally.read(session.connection(), "files", tally.TOTAL)]
    years: set[int] = set()
    for oy, ey, _status, _n, _p in grid:
        years.update(y for y in (oy, ey) if y is not None)
    if not years:
        return {}
    out = {}
    for year in range(min(years), max(years) + 1):
        households = people = opened = exited = 0
        for oy, ey, status, n, p in grid:
            registry = status in IN_REGISTRY and oy is not None
            if registry and oy <= year and (ey is None or ey > year):
                households += n
                people += int(p)
            if registry and oy == year:
                opened += n
            if status == FileStatus.exited.value and ey == year:
                exited += n
        out[year] = (households, people, opened, exited)
    return out


def figure(session: Session, user: m.User, cell: Cell) -> int:
    """One figure on its own (the same SQL as the breakdown that shows it)."""
    source = _check(cell.program, cell.dimension)
    _require_reader(session, user)
    measure = _measure(source, cell.measure)
    stmt = source.joins(select(func.coalesce(func.sum(source.value(measure.key)), 0)), cell.dimension)
    stmt = stmt.where(_where(source, cell))
    return int(session.execute(stmt).scalar_one())


def _where(source: _Source, cell: Cell) -> ColumnElement[bool]:
    parts = [source.condition(cell.measure, cell.year)]
    if cell.dimension not in (None, "year"):
        key = source.dimensions[cell.dimension]
        parts.append(key.is_(None) if cell.key is None else key == cell.key)
    return and_(*parts)


def overview(session: Session, user: m.User, year: int | None = None) -> list[ProgramFigure]:
    """One line per programme: how many (households, students, payments) and how much."""
    _require_reader(session, user)
    out = []
    for program, (count_key, amount_key) in {"files": ("households", None), "scholarships": ("students", "amount"),
                                             "visits": ("households", "total"),
                                             "payments": ("payments", "amount")}.items():
        source = _source(program)
        keys = [mm.key for mm in source.measures]
        totals = _tallied(session, program, tally.TOTAL, year).get(None, (0,) * len(keys))
        values = [totals[keys.index(count_key)]] + ([totals[keys.index(amount_key)]] if amount_key else [])
        out.append(ProgramFigure(
            program, PROGRAMS[program], values[0], _measure(source, count_key), Cell(program, count_key, year),
            values[1] if amount_key else None, _measure(source, amount_key) if amount_key else None,
            Cell(program, amount_key, year) if amount_key else None))
    return out


def available_years(session: Session, today: date | None = None) -> list[int]:
    """Years that hold anything to count, newest first (this year always)."""
    today = today or date.today()
    years = {today.year}
    years.update(session.execute(select(C.year).distinct()).scalars())
    years.update(session.execute(select(R.year).distinct()).scalars())
    # the years files were opened and exited and vouchers paid, from the summary table (not three scans)
    for low, high in tally.year_range(session.connection()):
        years.update(range(low, high + 1))
    return sorted((y for y in years if y is not None), reverse=True)


# --- the records behind a figure ------------------------------------------------------------------------


def records_for(session: Session, user: m.User, cell: Cell) -> RecordSet:
    """The ids of the records a figure counts or adds up, in the list's order."""
    source = _check(cell.program, cell.dimension)
    _require_reader(session, user)
    measure = _measure(source, cell.measure)
    stmt = source.joins(select(source.id_column, source.value(measure.key)), cell.dimension) \
        .where(_where(source, cell)).order_by(*source.order)
    ids, total = [], 0
    for record_id, value in session.execute(stmt):
        ids.append(record_id)
        total += int(value or 0)
    return RecordSet(cell, ENTITIES[cell.program], tuple(ids), total)


RECORD_COLUMNS: dict[str, tuple[str, ...]] = {
    "hardship_file": ("file_no", "name", "id_number", "category", "cause", "household_size", "unit", "status",
                      "opened_on", "exit_date"),
    "scholarship": ("application_no", "year", "name", "id_number", "school", "level", "household", "amount",
                    "status"),
    "visit": ("year", "name", "id_number", "unit", "group", "cash", "goods", "visit_date", "status"),
    "disbursement": ("voucher_no", "programme", "name", "id_number", "amount", "method", "paid_on"),
}


def _state(enum_type: Any, value: str) -> str:
    try:
        return enum_type(value).label
    except ValueError:
        return value


def _day(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else (str(value) if value else "")


def record_rows(session: Session, user: m.User, entity: str, ids: Sequence[str]) -> list[tuple[str, ...]]:
    """Display rows (columns as ``RECORD_COLUMNS[entity]``) of the given records, in the order of ``ids``;
    ID numbers masked (a list of names seen from the statistics page)."""
    _require_reader(session, user)
    if entity not in RECORD_COLUMNS:
        raise StatisticsError(f"没有“{entity}”这类记录")
    units = _units(session)
    rows: dict[str, tuple[str, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        if entity == "hardship_file":
            for f in session.execute(select(HF.id, HF.file_no, HF.name, HF.id_number, HF.category, HF.primary_cause,
                                            HF.household_size, HF.unit_id, HF.status, HF.opened_on, HF.exit_date)
                                     .where(HF.id.in_(chunk))):
                rows[f[0]] = (f[1], f[2], mask_id_number(f[3]), _label("category", f[4], "files", units),
                              _label("cause", f[5], "files", units), str(f[6]), _label("unit", f[7], "files", units),
                              _state(FileStatus, f[8]), _day(f[9]), _day(f[10]))
        elif entity == "scholarship":
            for s in session.execute(select(S.id, S.application_no, R.year, S.student_name, S.student_id_number,
                                            S.school, S.education_level, S.file_id, UH.kind, S.amount_fen, S.status)
                                     .join(R, R.id == S.round_id).outerjoin(UH, UH.id == S.unfiled_household_id)
                                     .where(S.id.in_(chunk))):
                household = "filed" if s[7] else s[8]
                rows[s[0]] = (s[1], str(s[2]), s[3], mask_id_number(s[4]), s[5], _label("level", s[6], "", units),
                              _label("household", household, "", units), format_amount(s[9]),
                              _state(GrantStatus, s[10]))
        elif entity == "visit":
            for v in session.execute(select(V.id, C.year, V.recipient_name, V.recipient_id_number, V.unit_name,
                                            V.group_key, V.cash_fen, V.goods_fen, V.actual_date, V.planned_date,
                                            V.status).join(C, C.id == V.campaign_id).where(V.id.in_(chunk))):
                rows[v[0]] = (str(v[1]), v[2], mask_id_number(v[3]), v[4] or "", _label("group", v[5], "", units),
                              format_amount(v[6]), format_amount(v[7]), _day(v[8] or v[9]), _state(GrantStatus, v[10]))
        else:
            for d in session.execute(select(D.id, D.voucher_no, D.grant_type, D.recipient_name, D.recipient_id_number,
                                            D.amount_fen, D.method, D.paid_on).where(D.id.in_(chunk))):
                rows[d[0]] = (d[1], _label("programme", d[2], "", units), d[3], mask_id_number(d[4]),
                              format_amount(d[5]), _label("method", d[6], "", units), _day(d[7]))
    return [rows[i] for i in ids if i in rows]


# --- the annual report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportSection:
    title: str
    label_title: str
    columns: tuple[Measure, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]
    total: bool = True
    note: str = ""

    def totals(self) -> tuple[int, ...]:
        return tuple(sum(values[i] for _label_, values in self.rows) for i in range(len(self.columns)))


@dataclass(frozen=True)
class AnnualReport:
    unit_name: str
    year: int
    made_on: date
    sections: tuple[ReportSection, ...]

    @property
    def title(self) -> str:
        return f"{self.unit_name}{self.year}年度帮扶工作统计表"


def _section(title: str, table: Breakdown, keys: Sequence[str] | None = None, note: str = "",
             total: bool = True) -> ReportSection:
    keys = list(keys or [mm.key for mm in table.measures])
    index = [[mm.key for mm in table.measures].index(k) for k in keys]
    return ReportSection(title, DIMENSIONS[table.dimension], tuple(table.measures[i] for i in index),
                         tuple((r.label, tuple(r.values[i] for i in index)) for r in table.rows), total, note)


def annual_report(session: Session, user: m.User, year: int, *, today: date | None = None,
                  progress: Progress | None = None, cancelled: Cancelled | None = None) -> AnnualReport:
    """The year's figures as the report's sections (the same figures the statistics page shows)."""
    _require_reader(session, user)
    unit = require_initialised(session)
    steps: list[Callable[[], Any]] = [
        lambda: breakdown(session, user, "files", "category", year),
        lambda: breakdown(session, user, "files", "cause", year),
        lambda: breakdown(session, user, "visits", "group", year),
        lambda: breakdown(session, user, "scholarships", "level", year),
        lambda: breakdown(session, user, "payments", "programme", year),
        lambda: {p: breakdown(session, user, p, "unit", year) for p in ("files", "visits", "scholarships")},
        lambda: {p: breakdown(session, user, p, "year") for p in ("files", "visits", "scholarships")},
    ]
    got = []
    for i, step in enumerate(steps):
        if cancelled is not None and cancelled():
            raise StatisticsError("已取消，未生成统计表。")
        got.append(step())
        if progress is not None:
            progress(i + 1, len(steps))
    files, causes, visits, scholarships, payments, by_unit, by_year = got
    sections = [
        _section("一、困难职工档案", files, note=f"在档户数、家庭人口为{year}年末在档；新建档按审批建档日期、撤档按撤档日期计入本年。"),
        _section("二、主要致困原因（年末在档）", causes, ("households", "people")),
        _section(f"三、{year}年春节送温暖", visits, note="已审批和已发放的走访慰问。"),
        _section(f"四、{year}年金秋助学", scholarships, note="已审批和已发放的申请；按年发放的计每学年金额。"),
        _section(f"五、{year}年资金发放（按发放日期）", payments, note="以发放凭证为准。"),
    ]
    unit_rows: dict[Any, list[int]] = {}
    labels: dict[Any, str] = {}
    sort: dict[Any, tuple[Any, ...]] = {}
    units = _units(session)
    for slot, (program, measure_keys) in enumerate((("files", ("households",)), ("visits", ("households", "total")),
                                                    ("scholarships", ("students", "amount")))):
        table = by_unit[program]
        index = [[mm.key for mm in table.measures].index(k) for k in measure_keys]
        for r in table.rows:
            values = unit_rows.setdefault(r.key, [0] * 5)
            labels[r.key] = r.label
            sort[r.key] = _sort_key("unit", r.key, units)
            offset = (0, 1, 3)[slot]
            for j, i in enumerate(index):
                values[offset + j] = r.values[i]
    unit_columns = (Measure("households", "在档户数", COUNT), Measure("visits", "慰问户数", COUNT),
                    Measure("visit_amount", "慰问金额", MONEY), Measure("students", "助学人数", COUNT),
                    Measure("scholarship_amount", "助学金额", MONEY))
    sections.append(ReportSection("六、各工会情况", "所属工会", unit_columns,
                                  tuple((labels[k], tuple(unit_rows[k])) for k in sorted(unit_rows, key=sort.get))))
    trend: dict[int, list[int]] = {}
    for slot, (program, measure_keys) in enumerate((("files", ("households", "opened")),
                                                    ("visits", ("households", "total")),
                                                    ("scholarships", ("students", "amount")))):
        table = by_year[program]
        index = [[mm.key for mm in table.measures].index(k) for k in measure_keys]
        for r in table.rows:
            if r.key <= year:
                values = trend.setdefault(r.key, [0] * 6)
                for j, i in enumerate(index):
                    values[slot * 2 + j] = r.values[i]
    trend_columns = (Measure("households", "年末在档户数", COUNT), Measure("opened", "新建档", COUNT),
                     Measure("visits", "慰问户数", COUNT), Measure("visit_amount", "慰问金额", MONEY),
                     Measure("students", "助学人数", COUNT), Measure("scholarship_amount", "助学金额", MONEY))
    sections.append(ReportSection("七、历年趋势", "年度", trend_columns,
                                  tuple((f"{y}年", tuple(trend[y])) for y in sorted(trend)), total=False))
    return AnnualReport(unit.name, year, today or date.today(), tuple(sections))


def _render_pdf(report: AnnualReport, progress: Progress | None = None, cancelled: Cancelled | None = None) -> bytes:
    """The report through the printed forms' renderer (``reports.statistics``): the one place that knows its API."""
    from assist_desktop.reports.statistics import (StatColumn, StatisticsRenderer, StatisticsSummary, StatRow,
                                                   StatSection)

    sections = [StatSection(s.title, s.label_title, tuple(StatColumn(c.label, c.money) for c in s.columns),
                            tuple(StatRow(label, values) for label, values in s.rows), total=s.total, note=s.note)
                for s in report.sections]
    return StatisticsRenderer().render(StatisticsSummary(report.unit_name, report.year, report.made_on, sections),
                                       progress=progress, cancelled=cancelled)


def annual_report_pdf(session: Session, user: m.User, year: int, *, today: date | None = None,
                      progress: Progress | None = None, cancelled: Cancelled | None = None) -> bytes:
    return _render_pdf(annual_report(session, user, year, today=today, cancelled=cancelled), progress, cancelled)


def save_annual_report_xlsx(report: AnnualReport, path: Path | str) -> Path:
    """The report as one sheet: the title, then each section's table with its 合计; amounts in yuan with
    two decimals, widths that fit Chinese."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    from assist_desktop.domain.money import to_decimal
    from assist_desktop.services.ledger.xlsx import display_width

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "年度统计"
    thin = Side(style="thin", color="999999")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    width = max(len(s.columns) for s in report.sections) + 1
    widths = [0] * width
    ws.append([report.title])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.append([f"统计截止：{report.made_on.isoformat()}    金额单位：元"])
    for section in report.sections:
        ws.append([])
        ws.append([section.title])
        ws.cell(ws.max_row, 1).font = Font(bold=True, size=12)
        ws.append([section.label_title, *[c.label for c in section.columns]])
        head = ws.max_row
        for col in range(1, len(section.columns) + 2):
            cell = ws.cell(head, col)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = border
        lines = list(section.rows) + ([("合计", section.totals())] if section.total else [])
        for n, (label, values) in enumerate(lines):
            ws.append([label, *[to_decimal(v) if c.money else v for c, v in zip(section.columns, values)]])
            r = ws.max_row
            for col, column in enumerate(section.columns, start=2):
                cell = ws.cell(r, col)
                cell.number_format = "#,##0.00" if column.money else "#,##0"
                cell.border = border
            ws.cell(r, 1).border = border
            if section.total and n == len(lines) - 1:
                for col in range(1, len(section.columns) + 2):
                    ws.cell(r, col).font = Font(bold=True)
        for i, text in enumerate([section.label_title, *[c.label for c in section.columns]]):
            widths[i] = max(widths[i], display_width(text))
        for label, values in lines:
            widths[0] = max(widths[0], display_width(label))
            for i, (column, value) in enumerate(zip(section.columns, values), start=1):
                widths[i] = max(widths[i], display_width(format_amount(value) if column.money else f"{value:,}"))
        if section.note:
            ws.append([section.note])
            ws.cell(ws.max_row, 1).font = Font(size=9, color="555555")
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(60, w + 3)
    ws.freeze_panes = "A3"
    from assist_desktop.services.ledger.xlsx import save_workbook

    save_workbook(wb, path)  # owner-only, like every export
    return path


def export_annual_report_xlsx(session: Session, user: m.User, year: int, path: Path | str, *,
                              today: date | None = None, progress: Progress | None = None,
                              cancelled: Cancelled | None = None) -> Path:
    return save_annual_report_xlsx(annual_report(session, user, year, today=today, progress=progress,
                                                 cancelled=cancelled), path)


__all__ = [
    "AnnualReport", "Breakdown", "Cell", "DIMENSIONS", "ENTITIES", "Measure", "PROGRAMS", "PROGRAM_DIMENSIONS",
    "ProgramFigure", "RECORD_COLUMNS", "RecordSet", "ReportSection", "Row", "StatisticsError", "annual_report",
    "annual_report_pdf", "available_years", "breakdown", "export_annual_report_xlsx", "figure", "measures_of",
    "overview", "record_rows", "records_for", "save_annual_report_xlsx",
]
