"""Registry search: one box for names, initials, ID numbers, phones and file numbers, plus the filter bar.

DESIGN.md §5 "Big lists": the query returns ids and the list loads rows lazily. ``search`` runs two
SQL statements, both built with SQLAlchemy Core with bound parameters (user text never becomes SQL):
a count of the matches and one page of ids in the chosen order. No row is loaded into Python to be
filtered.

How the text is read (after NFKC, so full-width ``ＺＷ`` or ``１２３４`` work; trimmed; empty = all files):

- It is split on white space into terms, and a file must match every term (``张 1234``: a 张 whose
  ID ends in 1234). A query that is only digits, ``X`` and dashes once its spaces are gone is one
  term, so an ID or phone number pasted with spaces still works (and ``+86`` is dropped).
- Each term is tried by the matchers its shape allows; the others are not run at all:

  ===========================  ====================================================================
  shape of the term            matches
  ===========================  ====================================================================
  18 chars, 17 digits + d/X    the worker's ID number, or a member's (finds the member's household)
  10-17 digits                 the start of the worker's or a member's ID number (while typing it)
  4-6 digits, last may be X    the end of the worker's ID number (``id_tail``, its last 6 chars)
  3-11 digits                  the start of the phone number (11 digits: the whole number)
  exactly 4 digits             the end of the phone number ("the last four")
  1-5 digits                   the serial of a file number: ``42``, ``0042``, ``00042`` → ``…-00042``
  15 digits                    a whole file number typed without dashes: ``610826202600042``
  digits with dashes           a whole file number, or its end: ``2026-00042``; a phone number typed
                               with dashes
  ASCII letters only           the start of the worker's pinyin initials, any case: ``zw`` → 张伟 and
                               张薇; ``sl`` → 单丽 (the stored initials read 单 曾 仇 解 … as surnames)
  anything else (Chinese …)    a part of the worker's name; from 2 characters on also a part of a
                               household member's name, which finds the member's household (``李娜``
                               → 王小明's file when 李娜 is his wife). ``%`` and ``_`` are literal.
  ===========================  ====================================================================

  Member names need two characters because one character is a first keystroke that is part of tens
  of thousands of names; scanning them all on every first keystroke would slow typing down.

How it stays fast on a province-sized file (300k files, 660k members):

- Every matcher is a small ``SELECT rowid`` of its own, so each uses its own index: an equality, or
  a range instead of ``LIKE 'zw%'`` (``name_initials >= 'zw' AND name_initials < 'zx'``; SQLite
  would not use a BINARY index for LIKE); a 4-character ID tail is an equality on the last four of
  ``id_tail``, a 5-character one is expanded to the 10 possible ``id_tail`` values (the character before
  it is a digit of the birth day). A
  term is ``hardship_file.rowid IN (matcher UNION ALL matcher …)`` with members mapped to their
  file inside it; several terms are intersected before any file row is read.
- A part of a name is looked up in ``name_gram`` (every 1- and 2-character piece of workers' names and
  every 2-character piece of members' names, kept by triggers: storage.derived); a longer part by its
  first two characters, then checked with ``instr`` on those files only. ``name_gram`` is keyed (piece,
  file number, rowid), so one piece typed alone (王芳, 伟) in the list's default file-number order reads
  its entries in that order and each one's row until the page is full, and is counted in that key without
  reading a file: the first page costs the page, not the 1,405 files of 王芳 at 300k (issue 23; by name or
  ID number the pieces are not in order, and the plans below apply). A number's matchers are indexed with
  the file number: three to nine digits in file-number order rank their first page in those indexes and read
  only its rows (the "keys" plan). Three digits are an equality on the phone's first three
  (``substr(phone, 1, 3)``, 4,285 files start 172 at 300k) and on the serial, both indexes going on by file
  number, so the page is their first entries however many match; from four digits the phone's start is a
  range of (phone, file_no) ranked there. Three digits are counted in that index apart from the few files a
  serial adds. "The last four" of a phone or of an ID number and a file number's serial are equalities on
  expression indexes (``substr(phone, -4)``, ``substr(id_tail, -4)``, ``substr(file_no, 13)``), each written
  in the statement exactly as in its index and cached by SQLAlchemy like any other statement (storage.sql).
  The remaining scan, the end of a file number typed with a dash, selects only the rowid and the indexed
  column, so SQLite scans the narrow index, not the wide table.
- SQLite has no statistics here (no ANALYZE), so it would take ``status = 'active'`` for selective,
  drive every query from that index and fetch most of the file one lookup at a time to show one
  page. So the plan is chosen here, with SQLite's own switch (a unary ``+`` keeps a term off its
  index), and comes out the same with or without statistics (see ``_Query.drive``): text matches
  drive when there is text; when the sort key has an index (file number, name, ID number) and the
  matches are a large share of the file, the page walks that index in order and stops after
  ``offset + limit`` matches; otherwise the unit index or the status index for the work-queue
  statuses (draft … on notice) finds the matches, or SQLite reads the table straight through, and
  sorts them. The count query also reads the table's size (``max(rowid)``) for that choice.
- Sorting by a column without an index (per-capita income, last review, unit, status, category,
  cause) reads the whole table for each page: about 0.1 s at 300k files, more for deep pages. Such
  a list can fetch every id once (``limit=None``) and then page only the rows.

Rights: any active user, whatever their role, may search; a deactivated user is refused with
``PermissionDenied``. A search is a read: it opens no write transaction and writes no audit event.
The count and the page run in the caller's session, so within one transaction they see the same
snapshot of the database.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (Integer, and_, case, column, distinct, exists, false, func, intersect, literal, or_, select,
                        table, true, union_all)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Select
from sqlmodel import Session

from assist_desktop.domain.hardship import HardshipCategory, HardshipCause
from assist_desktop.domain.lifecycle import FileStatus, Role
from assist_desktop.domain.text import compact
from assist_desktop.services.base import require_role
from assist_desktop.storage.models import HardshipFile, Member, Meta, NameGram, OrgUnit, User
from assist_desktop.storage.sql import head, head_from, no_index, position, tail
from assist_desktop.storage.sql import rowid as sql_rowid

HF = HardshipFile
_HF_TABLE = HardshipFile.__table__  # type: ignore[attr-defined]
# SQLAlchemy tables have no rowid column (SQLite's own; on a server a column of that name, storage.sql.rowid).
_ROWID = sql_rowid(_HF_TABLE.name)


def _narrow(model: Any, *names: str) -> Any:
    """A lightweight view of a table with only ``names`` and ``rowid``, for the matchers' aliases
    (aliasing the full 80-column table would build 80 column proxies per alias on every keystroke)."""
    full = model.__table__
    return table(full.name, column("rowid", Integer), *(column(n, full.c[n].type) for n in names))


_FILE_KEYS = _narrow(HardshipFile, "id", "name", "name_initials", "id_number", "id_tail", "phone", "file_no")
_MEMBER_KEYS = _narrow(Member, "file_id", "name", "id_number")
_GRAMS = _narrow(NameGram, "gram", "file_no", "file_rowid")
# Written as the expression indexes of storage.derived are, so that the engine uses them.
_PHONE_TAIL: Callable[[Any], ColumnElement[Any]] = lambda c: tail(c.phone, 4)  # noqa: E731
_SERIAL: Callable[[Any], ColumnElement[Any]] = lambda c: head_from(c.file_no, 13)  # noqa: E731
_PHONE_HEAD: Callable[[Any], ColumnElement[Any]] = lambda c: head(c.phone, 3)  # noqa: E731
_ID_LAST_FOUR: Callable[[Any], ColumnElement[Any]] = lambda c: tail(c.id_tail, 4)  # noqa: E731


def _plus(expr: ColumnElement[Any]) -> ColumnElement[Any]:
    """``+expr`` on SQLite: the same value, but SQLite will not use an index for a condition on it
    (PostgreSQL plans from its statistics and gets the expression as it is: storage.sql.no_index)."""
    return no_index(expr)


def _plain(expr: ColumnElement[Any]) -> ColumnElement[Any]:
    return expr


Wrap = Callable[[ColumnElement[Any]], ColumnElement[Any]]


# The columns of ix_hardship_file_list: walking it in file-number order, a page tests the initials, the
# phone and the ID tail of each file without reading the file, and the name pieces by the rowid.
LIST_INDEX_COLUMNS = ("file_no", "name_initials", "phone", "id_tail", "id")
# What testing one row costs, relative to looking a file up in the table (100): a column of the index
# walked (1), an index lookup in another table (name pieces, members: 10).
STEP_INDEX, STEP_LOOKUP, STEP_ROW = 1, 10, 100


class _RowColumns:
    """The columns of the row of hardship_file a walking page tests, each behind a unary + so that no
    index is taken for them: the page is to walk the index of its sort key (``_Term.tests``). Notes
    which columns were taken, for the cost of a test."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __getitem__(self, name: str) -> ColumnElement[Any]:
        self.used.add(name)
        return _plus(_ROWID) if name == "rowid" else _plus(_HF_TABLE.c[name])

    def __getattr__(self, name: str) -> ColumnElement[Any]:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    @property
    def cost(self) -> int:
        return STEP_INDEX if self.used <= {*LIST_INDEX_COLUMNS, "rowid"} else STEP_ROW


# --- filters --------------------------------------------------------------------------------------

# Flags of the filter bar, with their labels.
FLAGS: dict[str, str] = {
    "migrant_worker": "农民工",
    "new_employment_form": "新就业形态",
    "model_worker": "劳模",
    "single_parent": "单亲",
    "zero_employment": "零就业家庭",
    "members_pending": "成员待补录",  # a ledger's household whose members are still to be entered
}


def _flag_condition(flag: str, wrap: Wrap = _plain) -> ColumnElement[bool]:
    if flag == "migrant_worker":
        return wrap(HF.is_migrant_worker) == true()
    if flag == "new_employment_form":
        return wrap(HF.is_new_employment_form) == true()
    if flag == "model_worker":
        return wrap(HF.model_worker_type) != "none"
    if flag == "single_parent":
        return wrap(HF.single_parent) == true()
    if flag == "zero_employment":
        return wrap(HF.zero_employment) == true()
    if flag == "members_pending":
        return wrap(HF.members_pending) == true()
    raise ValueError(f"unknown flag {flag!r}; known: {', '.join(FLAGS)}")


def _as_set(value: Any, convert: Callable[[Any], Any], what: str) -> frozenset[str] | None:
    """One value or an iterable of them → a frozenset of plain codes; None stays None."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)
    try:
        return frozenset(str(convert(v)) for v in items)  # a StrEnum's str() is its code
    except ValueError:
        raise ValueError(f"unknown {what} in {sorted(map(str, items))}") from None


@dataclass(frozen=True)
class FileFilters:
    """What the filter bar restricts the list to; every filter given must hold (AND).

    - ``category``: a ``HardshipCategory`` code or a set of them; None = any (drafts may have none).
    - ``status``: a set of ``FileStatus`` codes (or one code). **None, the default, means every
      status**, exited files and drafts included: a caseworker looking a person up must find them
      whatever became of their file; the registry list passes e.g. ``{"active"}`` itself. An empty
      set matches nothing (every box of the filter bar unticked).
    - ``unit_id``: the grassroots union holding the file (``HardshipFile.unit_id``), or a set.
    - ``owner_unit_id``: the unit the file belongs to (``HardshipFile.owner_unit_id``), or a set: at a city
      or province, the county (or city) that reported it, or the local unit for its own files.
    - ``flags``: names from ``FLAGS``; a file must have all of them.
    - ``filing_year``, ``primary_cause``: exact values.

    Sets are kept as frozensets, so filters are hashable (a cache key for the list). Unknown
    categories, statuses, flags and cause codes raise ``ValueError``.
    """

    category: str | frozenset[str] | None = None
    status: frozenset[str] | None = None
    unit_id: str | frozenset[str] | None = None
    flags: frozenset[str] = frozenset()
    owner_unit_id: str | frozenset[str] | None = None
    filing_year: int | None = None
    primary_cause: int | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "category", _as_set(self.category, HardshipCategory, "category"))
        set_(self, "status", _as_set(self.status, FileStatus, "status"))
        set_(self, "unit_id", _as_set(self.unit_id, str, "unit"))
        set_(self, "owner_unit_id", _as_set(self.owner_unit_id, str, "owner unit"))
        flags = _as_set(self.flags, str, "flag") or frozenset()
        for flag in flags:
            _flag_condition(flag)  # raises for an unknown flag
        set_(self, "flags", flags)
        if self.primary_cause is not None:
            HardshipCause(self.primary_cause)  # raises ValueError for an unknown code

    def conditions(self, *, with_status: bool = True, wrap: Wrap = _plain,
                   owner_wrap: Wrap | None = None) -> list[ColumnElement[bool]]:
        """SQL conditions on ``hardship_file``; ``wrap=_plus`` keeps them off the indexes; ``owner_wrap``, when
        given, is used for the owner instead (the one condition left on its index, or the one kept off it)."""
        owner_wrap = owner_wrap or wrap
        out: list[ColumnElement[bool]] = []
        if with_status and self.status is not None:
            out.append(wrap(HF.status).in_(sorted(self.status)) if self.status else false())
        if self.category is not None:
            out.append(wrap(HF.category).in_(sorted(self.category)) if self.category else false())
        if self.unit_id is not None:
            out.append(wrap(HF.unit_id).in_(sorted(self.unit_id)) if self.unit_id else false())
        if self.owner_unit_id is not None:
            out.append(owner_wrap(HF.owner_unit_id).in_(sorted(self.owner_unit_id)) if self.owner_unit_id
                       else false())
        out.extend(_flag_condition(flag, wrap) for flag in sorted(self.flags))
        if self.filing_year is not None:
            out.append(wrap(HF.filing_year) == self.filing_year)
        if self.primary_cause is not None:
            out.append(wrap(HF.primary_cause) == self.primary_cause)
        return out


# --- order ----------------------------------------------------------------------------------------

_CATEGORY_RANK = case({c.value: i for i, c in enumerate(HardshipCategory)}, value=HF.category,
                      else_=len(HardshipCategory))
_STATUS_RANK = case({s.value: i for i, s in enumerate(FileStatus)}, value=HF.status, else_=len(FileStatus))

# Column key of the list → what it sorts by. Categories and statuses sort in their domain order
# (深度困难, 相对困难, 意外致困; 草稿 … 在档, 已撤档), not by their codes; the masked ID column sorts by
# the whole number; "unit" by the name of the union holding the file. NULLs (no category yet, never
# reviewed) come first ascending and last descending. Ties are broken by file number, then id.
SORT_KEYS: Mapping[str, ColumnElement[Any]] = {
    "file_no": HF.file_no,
    "name": HF.name_sort,  # by pinyin (storage.sort_keys), walking its index
    "id_number": HF.id_number,
    "category": _CATEGORY_RANK,
    "primary_cause": HF.primary_cause,
    "per_capita": HF.per_capita_monthly_income_fen,
    "status": _STATUS_RANK,
    "unit": OrgUnit.name,
    "last_review": HF.last_review_date,
}
# keys whose column leads an index, so a page can walk the index in order
_INDEXED_KEYS = frozenset({"file_no", "name", "id_number"})
# keys whose column is NOT NULL: no NULL order to spell out (see _order_by)
_NOT_NULL_KEYS = frozenset(k for k, expr in SORT_KEYS.items()
                           if getattr(expr, "table", None) is _HF_TABLE and not getattr(expr, "nullable", True))


def _parse_order(order: str) -> tuple[str, bool]:
    descending = order.startswith("-")
    key = order[1:] if descending else order
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {order!r}; known: {', '.join(SORT_KEYS)}")
    return key, descending


def _order_by(key: str, descending: bool, *, walk: bool) -> list[ColumnElement[Any]]:
    """ORDER BY terms; unless the page is to ``walk`` the key's index, the key is kept off it."""
    expr = SORT_KEYS[key] if walk or key not in _INDEXED_KEYS else _plus(SORT_KEYS[key])
    # NULL (never reviewed, no category) smallest, as SQLite orders it; PostgreSQL's default is the other way.
    # These are SQLite's defaults spelled out, so its index walks are unchanged. A key that is never NULL
    # (file number, ID number) is ordered plainly: PostgreSQL walks a b-tree only in its own NULL order (last
    # ascending), so ``file_no ASC NULLS FIRST`` sorted every match instead of walking the index to the page.
    if key in _NOT_NULL_KEYS:
        first = expr.desc() if descending else expr.asc()
    else:
        first = expr.desc().nulls_last() if descending else expr.asc().nulls_first()
    if key == "file_no":  # unique and NOT NULL: its own tie-break (and ix_hardship_file_walk gives the order)
        return [first]
    return [first, HF.file_no.asc(), HF.id.asc()]


# --- text -----------------------------------------------------------------------------------------

_WORK_QUEUE = frozenset({FileStatus.draft.value, FileStatus.submitted.value, FileStatus.reviewed.value,
                         FileStatus.on_notice.value})
_ESCAPE = "\\"
PHONE_LENGTH = 11  # stored phones are 11-digit mobiles (domain.contact.parse_mobile)
SERIAL_WIDTH = 5  # the serial of 610826-2026-00042
ID_PREFIX_MIN = 10  # region and birth year typed: the list narrows while an ID number is typed
MEMBER_NAME_MIN = 2  # see the module docstring
_ID_NUMBER = re.compile(r"\d{17}[\dX]", re.ASCII)
_ID_TAIL = re.compile(r"\d{3,5}[\dX]", re.ASCII)
_NUMERIC = re.compile(r"[\dX-]*\d[\dX-]*", re.ASCII)
_FILE_NO = re.compile(r"\d{6}-\d{4}-\d{5,}", re.ASCII)
_LETTERS = re.compile(r"[a-z]+")


def normalise_query(text: str) -> str:
    """NFKC, trimmed, runs of white space as one space (the form names are stored in)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip()


def query_terms(text: str) -> list[str]:
    """The terms of a query; a number pasted with spaces (an ID, a phone) stays one term."""
    query = normalise_query(text)
    if not query:
        return []
    packed = compact(query).upper()
    if packed.startswith("+86") and _NUMERIC.fullmatch(packed[3:]):
        packed = packed[3:]  # a phone number copied with the country code
    if _NUMERIC.fullmatch(packed):
        return [packed]
    return query.split(" ")


def _like_escape(value: str) -> str:
    return value.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%").replace("_", _ESCAPE + "_")


def _after(prefix: str) -> str:
    """The least string above every string that starts with ``prefix`` (code-point order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class _Term:
    """The matchers of one term, in two forms: ``SELECT rowid FROM hardship_file …`` and ``SELECT file_id
    FROM member …`` statements, each on a fresh alias so each uses its own index (to find the matches
    when they are few), and a condition on a row of hardship_file (``predicate``: to test the rows a page
    walks in the order of the list when the matches are many)."""

    def __init__(self, names: Iterator[int]) -> None:
        self.files: list[Select[Any]] = []
        self.members: list[Select[Any]] = []
        self.tests: list[ColumnElement[bool]] = []  # on the row of hardship_file, kept off every index
        self.step_cost = 0  # of testing one row (STEP_INDEX …)
        self.probes_file_no = False  # a test probes name_gram by the row's file number (see name_part)
        self.gram: str | None = None  # the term is one name piece: its files in file-number order (_gram_page_of)
        # the same matchers as ``SELECT rowid, file_no`` (the "keys" plan): ``ranked`` when the term's one large
        # matcher, the start of a phone number, holds the file number in its index (ix_hardship_file_phone)
        self.keys: list[Select[Any]] = []
        self.ranked = False
        # every one of ``keys`` an equality on an index that goes on by file number (three digits: the phone's
        # first three, a serial): a page reads a page of entries from each, however many files match
        self.bounded = False
        self.conditions: list[Callable[[Any], ColumnElement[bool]]] = []  # each file matcher on an alias's columns
        self.phone_first = 0  # which of them is the start of a phone number (counted first: counted_apart)
        self._names = names  # shared by the terms of a query, so every alias has its own name

    def _test(self, condition: ColumnElement[bool], cost: int) -> None:
        self.tests.append(condition)
        self.step_cost += cost

    def _alias(self, view: Any, stem: str) -> Any:
        return view.alias(f"{stem}{next(self._names)}")

    def file(self, make: Callable[[Any], ColumnElement[bool]]) -> None:
        """``make(columns)`` → a condition on one alias of hardship_file."""
        alias = self._alias(_FILE_KEYS, "f")
        self.files.append(select(alias.c.rowid.label("rid")).where(make(alias.c)))
        self.keys.append(select(alias.c.rowid.label("rid"), alias.c.file_no).where(make(alias.c)))
        self.conditions.append(make)
        row = _RowColumns()
        self._test(make(row), row.cost)

    def file_range(self, column: str, prefix: str) -> None:
        self.file(lambda c: (c[column] >= prefix) & (c[column] < _after(prefix)))

    def file_like(self, column: str, pattern: str) -> None:
        """A scan of the column's index, which holds the column and the rowid: all that is read."""
        self.file(lambda c: c[column].like(pattern, escape=_ESCAPE))

    def name_part(self, part: str) -> None:
        """A part of the worker's name, or from two characters on of a member's name (MEMBER_NAME_MIN).

        ``name_gram`` holds every 1- and 2-character piece of workers' names and every 2-character
        piece of members' names: a part of one or two characters is one index lookup; a longer part
        is looked up by its first two characters and then checked with instr on those files only.
        """
        grams = self._alias(_GRAMS, "g")
        if len(part) <= 2:
            self.gram = part
            self.files.append(select(grams.c.file_rowid.label("rid")).where(grams.c.gram == part))
            # one step of name_gram's key (gram, file_no, file_rowid) for the row in hand: the file number is
            # in ix_hardship_file_list, which a walk in file-number order reads; other walks read the row
            held = self._alias(_GRAMS, "g")
            self._test(exists(select(held.c.file_rowid).where(held.c.gram == part, held.c.file_no == HF.file_no,
                                                              held.c.file_rowid == _ROWID)), STEP_LOOKUP)
            self.probes_file_no = True
            return
        candidates = select(grams.c.file_rowid).where(grams.c.gram == part[:2])
        alias = self._alias(_FILE_KEYS, "f")
        self.files.append(select(alias.c.rowid.label("rid")).where(alias.c.rowid.in_(candidates)
                                                                   & (position(alias.c.name, part) > 0)))
        self._test(position(_RowColumns().name, part) > 0, STEP_ROW)
        files = self._alias(_FILE_KEYS, "k")
        holders = select(files.c.id).where(files.c.rowid.in_(candidates))
        self.member(lambda c: c.file_id.in_(holders) & (position(c.name, part) > 0),
                    lambda c: position(c.name, part) > 0)

    def file_expression(self, expression: Callable[[Any], ColumnElement[Any]], value: str) -> None:
        """An equality on an expression index (the expression must read exactly as the index's)."""
        alias = self._alias(_FILE_KEYS, "f")
        self.files.append(select(alias.c.rowid.label("rid")).where(expression(alias.c) == value))
        self.keys.append(select(alias.c.rowid.label("rid"), alias.c.file_no).where(expression(alias.c) == value))
        self.conditions.append(lambda c: expression(c) == value)
        row = _RowColumns()  # the row's columns behind a unary +, so the expression is off its index too
        self._test(_plus(expression(row)) == value, row.cost)

    def member(self, make: Callable[[Any], ColumnElement[bool]],
               test: Callable[[Any], ColumnElement[bool]] | None = None) -> None:
        """``make(columns)`` → a condition on one alias of member; ``test`` the same for the members of the
        row in hand (default: ``make``), found by ``member.file_id``'s index."""
        alias = self._alias(_MEMBER_KEYS, "m")
        self.members.append(select(alias.c.file_id).where(make(alias.c)))
        files = self._alias(_FILE_KEYS, "h")
        self.keys.append(select(files.c.rowid.label("rid"), files.c.file_no)
                         .where(files.c.id.in_(select(alias.c.file_id).where(make(alias.c)))))
        self.conditions.append(lambda c: c.id.in_(select(alias.c.file_id).where(make(alias.c))))
        held = self._alias(_MEMBER_KEYS, "m")
        self._test(exists(select(held.c.file_id).where(held.c.file_id == HF.id, (test or make)(held.c))),
                   STEP_LOOKUP * 3)  # the household's members, each read

    def counted_apart(self) -> tuple[Select[Any], Select[Any] | None]:
        """The start of a phone number counted apart from the few files the term's other matchers find that it
        does not (an ID tail, the last four, a serial: tested on those rows), so its thousands are counted in
        its index alone — no DISTINCT over every match (2 ms for the 4,285 files of 172 at 300k)."""
        phone = self.conditions[self.phone_first]
        alias = self._alias(_FILE_KEYS, "c")
        first = select(literal(1).label("one")).select_from(alias).where(phone(alias.c))
        rest = []
        for i, condition in enumerate(self.conditions):
            if i != self.phone_first:
                other = self._alias(_FILE_KEYS, "c")
                rest.append(select(other.c.rowid.label("rid")).where(condition(other.c), ~phone(other.c)))
        if not rest:
            return first, None
        return first, rest[0] if len(rest) == 1 else union_all(*rest)  # type: ignore[return-value]

    def predicate(self) -> ColumnElement[bool] | None:
        """The term as a condition on one row of hardship_file (None: it matches nothing)."""
        return or_(*self.tests) if self.tests else None

    def rowids(self) -> Select[Any] | None:
        """One statement of the rowids of every file the term matches (None: it matches none)."""
        branches = list(self.files)
        if self.members:
            alias = self._alias(_FILE_KEYS, "h")
            members = self.members[0] if len(self.members) == 1 else union_all(*self.members)
            branches.append(select(alias.c.rowid.label("rid")).where(alias.c.id.in_(members)))
        if not branches:
            return None
        return branches[0] if len(branches) == 1 else union_all(*branches)  # type: ignore[return-value]


def _numeric_term(term: str, t: _Term) -> None:
    """A term of digits, X and dashes (upper-case, without spaces)."""
    digits = term.replace("-", "")
    if "-" in term:
        if _FILE_NO.fullmatch(term):
            t.file(lambda c: c.file_no == term)
        else:
            t.file_like("file_no", "%" + _like_escape(term))
        if digits.isdigit() and 3 <= len(digits) <= PHONE_LENGTH:
            t.file_range("phone", digits)
        return
    if _ID_NUMBER.fullmatch(term):
        t.file(lambda c: c.id_number == term)
        t.member(lambda c: c.id_number == term)
        return
    if 4 <= len(term) <= 6 and _ID_TAIL.fullmatch(term):
        if len(term) == 6:
            t.file(lambda c: c.id_tail == term)
        elif len(term) == 4:
            # an equality on its own index, in file-number order (the hundred values of the two digits before it
            # cost more to bind than to look up)
            t.file_expression(_ID_LAST_FOUR, term)
        else:
            width = 6 - len(term)
            tails = [f"{i:0{width}d}{term}" for i in range(10**width)]
            t.file(lambda c: c.id_tail.in_(tails))
    if not term.isdigit():
        return
    if ID_PREFIX_MIN <= len(term) < 18:
        t.file_range("id_number", term)
        t.member(lambda c: (c.id_number >= term) & (c.id_number < _after(term)))
    if 3 <= len(term) <= PHONE_LENGTH:
        if len(term) == 3:
            # a thousandth of the phones (4,285 files at 300k): the equality on the first three digits walks
            # ix_hardship_file_phone_head in file-number order; so does the serial's (the only other matcher)
            t.file_expression(_PHONE_HEAD, term)
            t.bounded = True
        else:
            t.file_range("phone", term)
        # below an ID number's start every other matcher is an equality finding a few files (an ID tail, the
        # last four, a serial): the phone's thousands are ranked by file number in its index
        t.ranked = len(term) < ID_PREFIX_MIN
        t.phone_first = len(t.conditions) - 1
    if len(term) == 4:
        t.file_expression(_PHONE_TAIL, term)
    if len(term) <= SERIAL_WIDTH:
        t.file_expression(_SERIAL, term.zfill(SERIAL_WIDTH))
    if len(term) == 15:
        t.file(lambda c: c.file_no == f"{term[:6]}-{term[6:10]}-{term[10:]}")


def _term(term: str, names: Iterator[int]) -> _Term:
    t = _Term(names)
    upper = term.upper()
    if _NUMERIC.fullmatch(upper):
        _numeric_term(upper, t)
    elif term.isascii() and _LETTERS.fullmatch(term.lower()):
        t.file_range("name_initials", term.lower())
    else:
        t.name_part(term)
    return t


# --- statements -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Query:
    rowids: Any  # None: no text; False: a term matches nothing; else the statement of matching rowids
    filters: FileFilters
    predicate: Any = None  # the text as a condition on a row (every term's matchers), for a walk in order
    step_cost: int = 0  # of testing one row against ``predicate`` (STEP_INDEX …)
    probes_file_no: bool = False  # ``predicate`` reads the row's file number (a name piece's probe)
    gram: str | None = None  # the text is one name piece (one or two characters): see _gram_page_of
    keys: Any = None  # one term whose matchers rank by file number in their indexes (their statements): _keys_page_of
    bounded: bool = False  # and each of them walks its index in that order (_Term.bounded)
    counts: Any = None  # the same term's phone start and its other matchers, counted apart (_Term.counted_apart)
    single: bool = False  # ``rowids`` is one matcher over hardship_file: every file found once (see _count)

    @classmethod
    def build(cls, text: str, filters: FileFilters | None) -> _Query:
        return _build_query(text, filters or FileFilters())

    @classmethod
    def _build(cls, text: str, filters: FileFilters) -> _Query:
        names = itertools.count(1)
        matchers = [_term(term, names) for term in query_terms(text)]
        terms = [t.rowids() for t in matchers]
        rowids: Any = None
        if any(t is None for t in terms):
            rowids = False
        elif len(terms) == 1:
            rowids = terms[0]
        elif terms:
            # intersected before any file row is read: only the files matching every term are
            # looked up (SQLite takes no parentheses around the parts of a compound SELECT, so
            # each term's UNION ALL is wrapped in a subquery)
            rowids = intersect(*(select(t.subquery(f"t{i}").c.rid) for i, t in enumerate(terms, 1)))
        predicate = and_(*(t.predicate() for t in matchers)) if rowids is not None and rowids is not False else None
        gram = matchers[0].gram if len(matchers) == 1 else None
        keys = counts = None
        bounded = False
        if len(matchers) == 1 and matchers[0].ranked and filters == FileFilters():
            keys = tuple(matchers[0].keys)
            bounded = matchers[0].bounded
            # three digits start a thousandth of the phones (4,285 files at 300k): counted apart; from four
            # on they are few, and one DISTINCT over every matcher costs less than testing the others' rows
            if len(query_terms(text)[0]) == 3:
                counts = matchers[0].counted_apart()
        single = len(matchers) == 1 and len(matchers[0].files) == 1 and not matchers[0].members
        return cls(rowids, filters, predicate, sum(t.step_cost for t in matchers),
                   any(t.probes_file_no for t in matchers), gram, keys, bounded, counts, single)

    @property
    def has_text(self) -> bool:
        return self.rowids is not None

    def where(self, drive: str, *, with_status: bool = True) -> list[ColumnElement[bool]]:
        """The conditions, with only the ones ``drive`` names allowed to use an index: "text" (the
        text matches), "index" (the status and unit indexes), "owner" (the reporting unit's index alone),
        "scan" (none: SQLite reads the table in order), "order" (none: the page walks the index of its
        sort key, checking each row against the matches gathered first) or "test" (as "order", the text
        tested on each row instead)."""
        if self.rowids is False:
            return [false()]
        out: list[ColumnElement[bool]] = []
        if self.has_text and drive == "test":
            # The page walks the sort key's index and tests each row it meets; the matches are many, so
            # it meets a page of them soon — collecting them all first (rowid IN …) would cost as many
            # steps as there are matches: 65,000 for the first letter l on a province's file.
            out.append(self.predicate)
        elif self.has_text:
            out.append((_ROWID if drive == "text" else _plus(_ROWID)).in_(self.rowids))
        if drive == "owner":
            # Without statistics SQLite would take status = 'active' (most of the file) over the owner.
            out += self.filters.conditions(with_status=with_status, wrap=_plus, owner_wrap=_plain)
        elif drive == "index":
            # the (unit, status) index, or the work-queue statuses; a unit's files all have one owner
            out += self.filters.conditions(with_status=with_status, wrap=_plain, owner_wrap=_plus)
        else:
            out += self.filters.conditions(with_status=with_status, wrap=_plus)
        return out

    def drive(self, *, counting: bool = False, by_status: bool = False, total: int | None = None,
              table_rows: int | None = None) -> str:
        """What finds the matches when they are not read in the order of an index.

        Text matches are few next to the whole file, so they drive. Without text, an index is
        worth it for a grassroots unit or for the work-queue statuses (draft … on notice), which
        hold few files, and for one reporting unit ("owner": a county of the ten or twenty a city
        holds, a city of a province's ten; its index alone, or SQLite would take the status index);
        "active" and "exited" hold most of the file, and fetching most of the file
        through an index, one lookup each, costs twice reading the table straight through (about
        0.25 s against 0.1 s at 300k files). Counting (``counting``, or per status: ``by_status``)
        with no filter but status, category and unit reads an index alone, so it always uses one.
        When status and category are the only filters, the count (``total``) is exactly what the
        index would fetch, so the index is used for less than half the file (``table_rows``).
        SQLite cannot know this without statistics, and with them would guess from averages; the
        shape of a registry is known.
        """
        if self.has_text:
            return "text"
        f = self.filters
        if f.unit_id is not None or (f.status is not None and f.status <= _WORK_QUEUE):
            return "index"
        if f.owner_unit_id is not None:
            return "owner"
        covered = not (f.flags or f.filing_year is not None or f.primary_cause is not None)
        if covered and (f.status is not None or by_status):
            if counting or (total is not None and table_rows and total * 2 < table_rows):
                return "index"
        return "scan"


@functools.lru_cache(maxsize=64)
def _build_query(text: str, filters: FileFilters) -> _Query:
    # Paging the list and retyping a query build the same statements again; SQLAlchemy statements
    # are immutable, so one built for (text, filters) serves every later page.
    return _Query._build(text, filters)


def count_statement(text: str = "", filters: FileFilters | None = None, limit: int | None = None) -> Select[Any]:
    """``SELECT count(*), <rows in the table>`` for the matches of ``text`` and ``filters``; with ``limit``
    the count stops at ``limit + 1`` (more than ``limit`` matches: how many more is not counted)."""
    return _count(_Query.build(text, filters), limit)


@functools.lru_cache(maxsize=128)
def _count(query: _Query, limit: int | None = None) -> Select[Any]:
    size = _narrow(HardshipFile).alias("size")
    table_rows = select(func.max(size.c.rowid)).scalar_subquery()
    if query.gram is not None and query.filters == FileFilters():
        # One name piece alone: its entries of name_gram, one per file (its key), counted in the key's index
        # without DISTINCT's temporary b-tree; with ``limit``, the count stops there.
        grams = _GRAMS.alias("n")
        found = select(grams.c.file_rowid).where(grams.c.gram == query.gram)
        if limit is not None:
            found = found.limit(limit + 1)
        return select(func.count(), table_rows).select_from(found.subquery("found"))
    if query.counts is not None:
        # A phone's start counted in its index, and apart the few files the term's other matchers add
        # (_Term.counted_apart); with ``limit`` the phone's stops there, and more than ``limit`` in all says so.
        phone, rest = query.counts
        if limit is not None:
            phone = phone.limit(limit + 1)
        whole = select(func.count()).select_from(phone.subquery("n0")).scalar_subquery()
        if rest is not None:
            added = rest.subquery("n1")
            whole = whole + select(func.count(distinct(added.c.rid))).select_from(added).scalar_subquery()
        if limit is None:
            return select(whole, table_rows)
        summed = select(whole.label("n")).subquery("parts")  # summed once, then capped
        return select(case((summed.c.n > limit, limit + 1), else_=summed.c.n), table_rows).select_from(summed)
    if query.rowids is not None and query.rowids is not False and query.filters == FileFilters():
        # Text alone: count the matching rowids where the matchers found them (their indexes), rather
        # than looking each file up (52k lookups for a first letter of the initials: 80 ms → 10 ms).
        # DISTINCT: a file may match a term by several matchers (ID tail and phone tail, say).
        # One matcher over hardship_file (the initials' range, a phone's start …) finds each file once: no
        # DISTINCT, so the count reads that matcher's index alone and stops at ``limit`` — on PostgreSQL,
        # whose indexes do not hold the rowid, DISTINCT on it read the row of every match (w: 57 ms at 300k).
        found = query.rowids.subquery("found")
        if query.single:
            if limit is None:
                return select(func.count(), table_rows).select_from(found)
            first = select(found.c.rid).limit(limit + 1).subquery("first")
            return select(func.count(), table_rows).select_from(first)
        if limit is None:
            return select(func.count(distinct(found.c.rid)), table_rows).select_from(found)
        first = select(found.c.rid).distinct().limit(limit + 1).subquery("first")
        return select(func.count(), table_rows).select_from(first)
    where = query.where(query.drive(counting=True))
    if limit is None:
        return select(func.count(), table_rows).select_from(_HF_TABLE).where(*where)
    first = select(literal(1).label("one")).select_from(_HF_TABLE).where(*where).limit(limit + 1).subquery("first")
    return select(func.count(), table_rows).select_from(first)


def page_statement(text: str = "", filters: FileFilters | None = None, order: str = "file_no", offset: int = 0,
                   limit: int | None = 100, *, total: int, table_rows: int, plan: str | None = None,
                   exact: bool = True) -> Select[Any]:
    """The ids of one page, for a count of ``total`` matches among ``table_rows`` files (``exact`` False: the
    count stopped early, there are more than ``total``).

    ``plan`` "walk", "test", "sort", "grams" or "keys" overrides the choice (tests check that all give the same
    page; "grams" is for one name piece in file-number order, "keys" for a number ranked in its matchers' indexes
    in that order without filters, and each is "sort" for any other query).
    """
    _check_page(offset, limit)
    return _page(_Query.build(text, filters), order, offset, limit, total, table_rows, plan, exact)


def _check_page(offset: int, limit: int | None) -> None:
    if offset < 0 or (limit is not None and limit < 0):
        raise ValueError("offset and limit must not be negative")


# Gathering a match's rowid from its own index into a set, and a step along the sort key's index checked
# against that set, relative to looking a file up in the table (STEP_ROW).
STEP_GATHER, STEP_CHECK = 15, 5


def _page(query: _Query, order: str, offset: int, limit: int | None, total: int, table_rows: int,
          plan: str | None = None, exact: bool = True) -> Select[Any]:
    key, descending = _parse_order(order)
    wanted = total if limit is None else min(total, offset + limit)
    drive = query.drive(total=total, table_rows=table_rows)
    # Walking the sort key's index visits about wanted × table_rows / total files, one lookup each.
    # The other plan looks up every match found by the text or an index, or reads the whole table
    # (at about a third of the cost per file), and sorts what it found: about twice the cost.
    visited = total if drive != "scan" else table_rows // 3
    walkable = key in _INDEXED_KEYS and total > 0
    if key == "file_no" and query.filters.filing_year is not None:
        walkable = False  # the year is in the file number: the matches are not spread along the index
    how = "sort"
    if walkable and query.has_text:
        # Three ways to a page of text matches, by what each reads (in STEP_ROW's units): "sort" looks
        # every match up in the table and sorts them; "walk" gathers the matches' rowids from their own
        # indexes, then walks the sort key's index checking each step against them; "test" walks it
        # testing each row against the text itself (ix_hardship_file_list holds what the usual tests
        # read). A walk meets a page of matches within wanted × table_rows / total steps; where the count
        # stopped early there are more matches than ``total``, so fewer steps.
        filtered = STEP_ROW if query.filters != FileFilters() else 0
        steps = min(table_rows, wanted * table_rows // total)
        # a name piece's probe needs the row's file number, which only ix_hardship_file_list holds
        probe = STEP_ROW if query.probes_file_no and key != "file_no" else 0
        costs = {"sort": total * (STEP_ROW + STEP_GATHER),
                 "walk": total * STEP_GATHER + steps * (STEP_CHECK + filtered),
                 "test": steps * (query.step_cost + probe + filtered)}
        if query.keys is not None and key == "file_no":
            # ranked in the matchers' own indexes, then only the page's rows read; where every matcher's index
            # goes on in file-number order, a page of entries from each (three digits: 172 at 300k reads 200
            # entries, where a walk of the list's index tests 7,000 rows and gathering sorts 4,285)
            gathered = len(query.keys) * wanted * STEP_INDEX if query.bounded else total * STEP_GATHER
            costs["keys"] = gathered + wanted * STEP_ROW
        how = min(costs, key=lambda k: costs[k])
    elif walkable and wanted * table_rows <= 2 * visited * total:
        how = "walk"
    if query.gram is not None and key == "file_no" and total > 0:
        # One name piece in file-number order: its entries of name_gram lie in that order, so the page
        # reads them and each one's row until it has a page (each row read once, no sort): about ``wanted``
        # rows, or ``wanted`` over the share the filters keep — never more rows than "sort" reads.
        how = "grams"
    if plan is not None:
        if plan not in ("walk", "test", "sort", "grams", "keys"):
            raise ValueError(f"unknown plan {plan!r}")
        how = plan if key in _INDEXED_KEYS else "sort"
        if how == "grams" and (query.gram is None or key != "file_no" or total == 0):
            how = "sort"
        if how == "keys" and (query.keys is None or key != "file_no" or total == 0):
            how = "sort"
    if how == "grams":
        return _gram_page_of(query, descending, offset, limit)
    if how == "keys":
        return _keys_page_of(query, descending, offset, limit)
    return _page_of(query, key, descending, {"walk": "order", "test": "test"}.get(how, drive), how != "sort",
                    offset, limit)


@functools.lru_cache(maxsize=256)
def _page_of(query: _Query, key: str, descending: bool, drive: str, walk: bool, offset: int,
             limit: int | None) -> Select[Any]:
    # Built once per query, plan and page: retyping a query, or the same keystroke again, builds nothing.
    stmt = select(HF.id).select_from(_HF_TABLE)
    if key == "unit":
        stmt = stmt.outerjoin(OrgUnit, OrgUnit.id == HF.unit_id)
    return (stmt.where(*query.where(drive)).order_by(*_order_by(key, descending, walk=walk))
            .offset(offset or None).limit(limit))


@functools.lru_cache(maxsize=64)
def _gram_page_of(query: _Query, descending: bool, offset: int, limit: int | None) -> Select[Any]:
    """One name piece's page in file-number order: name_gram's key (gram, file_no, file_rowid) walked from the
    piece's first entry, each file's row read by its rowid (for its id and the filters, kept off their
    indexes), until ``offset + limit`` files are found. File numbers are unique, so the order is the list's."""
    grams = _GRAMS.alias("w")
    number = grams.c.file_no.desc() if descending else grams.c.file_no.asc()
    return (select(HF.id).select_from(grams).join(_HF_TABLE, _ROWID == grams.c.file_rowid)
            .where(grams.c.gram == query.gram, *query.filters.conditions(wrap=_plus))
            .order_by(number).offset(offset or None).limit(limit))


@functools.lru_cache(maxsize=64)
def _keys_page_of(query: _Query, descending: bool, offset: int, limit: int | None) -> Select[Any]:
    """A page in file-number order ranked where the matchers found it: each matcher's first ``offset + limit``
    files by (rowid, file_no) from its own index (the start of a phone number: ix_hardship_file_phone holds
    both), so only those rows are read for the ids. The page's files are among them: a file among the first
    ``offset + limit`` of all matches is among the first of its own matcher's. File numbers are unique."""
    wanted = None if limit is None else offset + limit
    firsts = []
    for i, branch in enumerate(query.keys):
        number = branch.selected_columns.file_no
        ranked = branch.order_by(number.desc() if descending else number.asc()).limit(wanted).subquery(f"k{i}")
        firsts.append(select(ranked.c.rid))
    found = firsts[0] if len(firsts) == 1 else union_all(*firsts)
    return (select(HF.id).select_from(_HF_TABLE).where(_ROWID.in_(found))
            .order_by(*_order_by("file_no", descending, walk=False)).offset(offset or None).limit(limit))


# --- the searches ---------------------------------------------------------------------------------


def _check_user(session: Session, user: User) -> None:
    require_role(session, user, *Role, doing="查询档案")


def search(session: Session, user: User, text: str = "", filters: FileFilters | None = None,
           order: str = "file_no", offset: int = 0, limit: int | None = 100) -> tuple[int, list[str]]:
    """(how many files match, the ids of matches ``offset`` … ``offset + limit`` in ``order``).

    ``order`` is a key of ``SORT_KEYS``, with ``-`` in front for descending; ties go by file number,
    so consecutive pages neither repeat nor skip a file. ``limit=None`` returns every id from
    ``offset`` on. Any active user may search; a deactivated one gets ``PermissionDenied``.
    """
    _check_page(offset, limit)
    _parse_order(order)
    _check_user(session, user)
    query = _Query.build(text, filters)
    total, table_rows = session.execute(_count(query)).one()
    if limit == 0 or offset >= total:
        return total, []
    page = _page(query, order, offset, limit, total, table_rows or total)
    return total, list(session.execute(page).scalars())


@dataclass(frozen=True)
class SearchPage:
    """One page of a search whose count stops early: ``total`` is every match when ``exact``, else
    ``count_limit + 1`` — more than the limit, the list says "10,000+" until the caseworker asks."""

    total: int
    exact: bool
    ids: list[str]


COUNT_LIMIT = 10_000  # a search-as-you-type counts this many matches at most, then says "10,000+"
ID_CHUNK = 2_000  # ids read and handed over at once by search_page(into=…)


def search_page(session: Session, user: User, text: str = "", filters: FileFilters | None = None,
                order: str = "file_no", offset: int = 0, limit: int | None = 100, *,
                count_limit: int | None = COUNT_LIMIT,
                into: Callable[[Sequence[str]], object] | None = None) -> SearchPage:
    """``search`` with the work of a keystroke bounded by what the screen shows: the count stops after
    ``count_limit`` matches, and with many matches the page walks the sort key's index testing each row
    until it has a page — so a first letter that matches 65,000 files costs about what a rare name does.
    Where a page comes back short, the end of the matches is reached and their number is exact.

    With ``into``, the ids are handed to it in runs of ``ID_CHUNK`` as SQLite reads them, and ``ids`` is
    left empty: a list fetching 50,000 ids at once (services' callers pack them) then never holds them all as
    Python strings and result rows — 20 MB at its peak, which the allocator kept after the run was packed."""
    _check_page(offset, limit)
    _parse_order(order)
    _check_user(session, user)
    query = _Query.build(text, filters)
    total, table_rows = session.execute(_count(query, count_limit)).one()
    exact = count_limit is None or total <= count_limit
    if limit == 0 or (exact and offset >= total):
        return SearchPage(total, exact, [])
    page = _page(query, order, offset, limit, total, table_rows or total, exact=exact)
    found = session.execute(page).scalars()
    ids: list[str] = []
    got = 0
    if into is None:
        ids = list(found)
        got = len(ids)
    else:
        for run in found.partitions(ID_CHUNK):
            into(run)
            got += len(run)
    if not exact and limit is not None and 0 < got < limit:
        total, exact = offset + got, True
    return SearchPage(total, exact, ids)


def count_matches(session: Session, user: User, text: str = "", filters: FileFilters | None = None) -> int:
    """Every match counted (the list's "count all" after a "10,000+")."""
    _check_user(session, user)
    return int(session.execute(_count(_Query.build(text, filters))).one()[0])


def count_by_status(session: Session, user: User, text: str = "", filters: FileFilters | None = None
                    ) -> dict[str, int]:
    """For the filter bar: how many files match in each status, ignoring the status filter itself.

    Every ``FileStatus`` code is a key, in lifecycle order, with 0 where nothing matches.
    """
    _check_user(session, user)
    query = _Query.build(text, filters)
    drive = _Query(query.rowids, dataclasses.replace(query.filters, status=None)).drive(counting=True,
                                                                                         by_status=True)
    # grouping by the bare column would walk the status index and look every file up, one by one
    status = HF.status if drive == "index" else _plus(HF.status)
    stmt = (select(status, func.count()).select_from(_HF_TABLE)
            .where(*query.where(drive, with_status=False)).group_by(status))
    found = {status: int(n) for status, n in session.execute(stmt)}
    counts = {s.value: found.pop(s.value, 0) for s in FileStatus}
    counts.update(found)  # a status this program does not know still shows rather than vanishing
    return counts


# --- the reporting units -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerChoice:
    """A unit whose files this database holds: the local unit, or at a city or province a unit below it."""

    id: str
    name: str
    code: str
    own: bool  # the local unit
    unions: frozenset[str] = frozenset()  # the unions it keeps (its grassroots unions, and itself)


def owner_choices(session: Session) -> list[OwnerChoice]:
    """The units that own files here, for the registry's 上报单位 filter: the local unit first, then the
    others by code. A county holds only its own; a city its own and each county's that reported.

    Each federation-level unit is checked with one step of the ``owner_unit_id`` index; grassroots unions
    never own records (their files belong to the county), so the thousands of them are not looked at. Each
    choice carries the unions the unit keeps, so that the 所属工会 filter can offer the chosen unit's only
    (at a city two counties may each have a 城关镇总工会).
    """
    local = session.get(Meta, "local_unit_id")
    local_id = local.value if local is not None else None
    owns_files = exists(select(HF.id).where(HF.owner_unit_id == OrgUnit.id))
    stmt = (select(OrgUnit.id, OrgUnit.name, OrgUnit.code)
            .where(OrgUnit.level != "grassroots", owns_files).order_by(OrgUnit.code, OrgUnit.name))
    owners = list(session.execute(stmt))
    unions: dict[str, set[str]] = {i: set() for i, _name, _code in owners}
    for unit_id, owner_id in session.execute(select(OrgUnit.id, OrgUnit.owner_unit_id)):
        if owner_id in unions:
            unions[owner_id].add(unit_id)
    choices = [OwnerChoice(i, name, code or "", i == local_id, frozenset(unions[i])) for i, name, code in owners]
    return sorted(choices, key=lambda c: not c.own)  # stable: the others stay in code order


def owner_name(session: Session, unit_id: str) -> str:
    """The name of the unit a record belongs to (as the refusals of ``base.require_own`` name it)."""
    unit = session.get(OrgUnit, unit_id)
    return unit.name if unit is not None else "其他单位"


__all__ = ["COUNT_LIMIT", "FLAGS", "FileFilters", "OwnerChoice", "SORT_KEYS", "SearchPage", "count_by_status",
           "count_matches", "count_statement", "normalise_query", "owner_choices", "owner_name", "page_statement",
           "query_terms", "search", "search_page"]
