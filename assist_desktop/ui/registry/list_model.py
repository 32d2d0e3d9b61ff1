"""The registry list's table model: ids from the search service, rows loaded lazily, pages by fetchMore.

DESIGN.md §5 "Big lists". The model never holds the table, only:

- the **ids** of the current query, in order, fetched from ``services.search.search`` in growing
  runs as the rows are wanted (the first page, then as many again each time: 200, 200, 400, 800 …,
  at most 50,000 at once, so reaching the end of 300k matches takes 14 searches, not 1,500),
  packed 36 bytes an id (``IdList``);
- ``rowCount``: the rows shown so far. ``canFetchMore`` holds while rows are left, and each
  ``fetchMore`` (the view calls it when scrolled to the bottom) shows ``page_size`` more rows —
  never more than asked for;
- the **count**: a search counts at most ``COUNT_LIMIT`` matches (``search_page``), so a keystroke that
  matches 65,000 files costs what a rare name does; beyond it ``exact`` is False, ``total`` is a lower
  bound (the page says "10,000+"), the rows still page on until the ids run out — then the number is
  known — and ``count_all`` counts them on request;
- a bounded cache of **rows** (``services.file_list.file_rows``: the displayed columns only): the
  first screen's 100 rows are read by the search's worker, in the same snapshot; after that a block
  of 100 rows is read when the view first paints one of them — 100 files by primary key, a few
  milliseconds at any size, so painting never waits long — and the least recently used rows are
  dropped beyond ``ROW_CACHE`` rows.

A new search (typing, a filter, a header click) runs the count and the first page in a worker
thread; the result of a search overtaken by a newer one is thrown away (a generation counter), so
the window never freezes and never shows the rows of an old query. Until it arrives the old rows
stay. ``threaded=False`` runs the same work in the caller instead (benchmarks, simple tests).
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor

from assist_desktop.domain.money import format_amount
from assist_desktop.services.file_list import FileRow, file_rows
from assist_desktop.services.search import COUNT_LIMIT, FileFilters, count_matches, search_page
from assist_desktop.storage.engine import Database
from assist_desktop.storage.models import User
from assist_desktop.ui.background import Op, run_op
from assist_desktop.ui.memory import TrimEvery

log = logging.getLogger(__name__)

PAGE_SIZE = 200  # rows shown per fetchMore, and the first page of a search
BLOCK = 100  # rows read per cache miss
ROW_CACHE = 3000  # rows kept; scrolled-away rows beyond this are read again when scrolled back
ID_RUN_MAX = 50_000  # ids fetched at most at once (their Python strings, before packing: ~5 MB)
REFRESH_KEEP = 10_000  # a refresh keeps at most this many rows shown (and the scroll position within)
INVALIDATE_ONE_BY_ONE = 8  # more changed files than this: forget every cached row at once

FILE_ID_ROLE = Qt.ItemDataRole.UserRole  # the file's id (uuid)
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1  # the value behind the text: fen, code, date

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Query:
    """What the list shows: the search box's text, the filter bar, and the sort (``-`` = descending)."""

    text: str = ""
    filters: FileFilters = field(default_factory=FileFilters)
    order: str = "file_no"


# Column keys, in display order; each is also the search service's sort key of that column.
COLUMNS = ("file_no", "name", "id_number", "category", "primary_cause", "per_capita", "status", "unit",
           "last_review")
PER_CAPITA = COLUMNS.index("per_capita")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_EXITED = QColor("#8a8a8a")
_LONG = frozenset({"name", "primary_cause", "unit"})


class IdList:
    """The ordered ids of a query. UUIDs are packed as their 16 bytes (300k ids: 4.8 MB instead of
    28 MB as Python strings); a list holding any other id falls back to a plain list."""

    WIDTH = 16

    def __init__(self, ids: Sequence[str] = ()) -> None:
        self._packed: bytearray | None = bytearray()
        self._list: list[str] | None = None
        self._n = 0
        self.extend(ids)

    def __len__(self) -> int:
        return self._n

    @staticmethod
    def _pack(ids: Sequence[str]) -> bytes | None:
        """The ids' bytes, or None when one is not a canonical UUID (it would not come back the same)."""
        try:
            values = [uuid.UUID(i) for i in ids]
        except (ValueError, AttributeError, TypeError):
            return None
        if any(str(v) != i for v, i in zip(values, ids)):
            return None
        return b"".join(v.bytes for v in values)

    def extend(self, ids: Sequence[str] | IdList) -> None:
        if isinstance(ids, IdList):
            if self._packed is not None and ids._packed is not None:
                self._packed += ids._packed
                self._n += ids._n
                return
            ids = ids.slice(0, len(ids))
        if not ids:
            return
        if self._packed is not None:
            blob = self._pack(ids)
            if blob is not None:
                self._packed += blob
                self._n += len(ids)
                return
            self._list = self.slice(0, self._n)  # an id of another shape: unpack
            self._packed = None
        assert self._list is not None
        self._list.extend(ids)
        self._n += len(ids)

    def __getitem__(self, i: int) -> str:
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        if self._packed is None:
            assert self._list is not None
            return self._list[i]
        w = self.WIDTH
        return str(uuid.UUID(bytes=bytes(self._packed[i * w:(i + 1) * w])))

    def slice(self, start: int, stop: int) -> list[str]:
        start, stop = max(start, 0), min(stop, self._n)
        if self._packed is None:
            assert self._list is not None
            return self._list[start:stop]
        w = self.WIDTH
        blob = bytes(self._packed[start * w:stop * w])
        return [str(uuid.UUID(bytes=blob[k:k + w])) for k in range(0, len(blob), w)]

    def index(self, file_id: str) -> int:
        """The position of ``file_id``, or -1."""
        if self._packed is None:
            assert self._list is not None
            try:
                return self._list.index(file_id)
            except ValueError:
                return -1
        needle = self._pack([file_id])
        if needle is None:
            return -1
        pos = -1
        while True:
            pos = self._packed.find(needle, pos + 1)
            if pos < 0 or pos % self.WIDTH == 0:
                return pos if pos < 0 else pos // self.WIDTH

    def startswith(self, other: IdList) -> bool:
        """Whether this list begins with every id of ``other``, in the same order."""
        if len(other) > self._n:
            return False
        if self._packed is not None and other._packed is not None:
            return self._packed[:len(other._packed)] == other._packed
        return self.slice(0, len(other)) == other.slice(0, len(other))


@dataclass
class _Page:
    """What a worker hands back: the count and a run of ids from ``offset``, with rows for some."""

    query: Query
    generation: int
    total: int
    offset: int
    ids: IdList
    rows: list[FileRow]
    exact: bool = True


class RegistryModel(QAbstractTableModel):
    """Columns: file no., name, masked ID, category, primary cause, per-capita income, status, unit,
    last review. ``set_query`` searches; ``refresh`` searches again keeping what is shown."""

    searched = Signal(int)  # a search's first page is in: how many files match (at least, unless ``exact``)
    counted = Signal(int)  # the number of matches became known (the ids ran out, or ``count_all``)
    busy_changed = Signal(bool)
    failed = Signal(object)  # an exception from the service (a DomainError carries a Chinese message)

    def __init__(self, db: Database, user: User, parent: QObject | None = None, *, threaded: bool = True,
                 page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self.db, self.user = db, user
        self.threaded = threaded
        self.page_size = max(1, page_size)
        self._titles = (self.tr("File no."), self.tr("Name"), self.tr("ID number"), self.tr("Category"),
                        self.tr("Primary cause"), self.tr("Per-capita income (yuan/month)"), self.tr("Status"),
                        self.tr("Union"), self.tr("Last review"))
        self._query = Query()  # the query whose rows are shown
        self._requested = Query()  # the query asked for last (shown once its first page is in)
        self._generation = 0  # of the newest search started
        self._applied = 0  # generation of the rows shown
        self._ids = IdList()
        self._total = 0
        self._exact = True
        self._counting: int | None = None  # generation a count_all runs for
        self._shown = 0
        self._want = 0  # rows asked for by fetchMore, waiting for their ids
        self._ids_loading = False
        self._rows: OrderedDict[str, FileRow] = OrderedDict()
        self._trim = TrimEvery(10 * ROW_CACHE)  # rows let go of while scrolling, then the heap handed back
        self._unreadable: set[str] = set()  # ids whose rows could not be read (not asked again)
        self._ops: set[Op[Any]] = set()
        self._searching = False  # the newest search has not answered yet
        self._changing = False  # inside a reset or an insertion of rows (and its signals)
        self._grow_posted = False
        self._busy = False
        self.searches = 0  # count of searches run, and of row blocks read (tests, benchmarks)
        self.row_reads = 0

    # --- the query ----------------------------------------------------------------------------------

    @property
    def query(self) -> Query:
        return self._requested

    @property
    def total(self) -> int:
        """How many files match the query shown (at least this many, unless ``exact``)."""
        return self._total

    @property
    def exact(self) -> bool:
        """Whether ``total`` is every match, or the count stopped at ``COUNT_LIMIT`` ("10,000+")."""
        return self._exact

    @property
    def busy(self) -> bool:
        return self._busy

    def set_query(self, text: str | None = None, filters: FileFilters | None = None, order: str | None = None,
                  *, force: bool = False) -> None:
        """Search for what changed (text, filters or order); nothing happens if nothing changed."""
        query = self._requested
        changed = replace(query, **{k: v for k, v in (("text", text), ("filters", filters), ("order", order))
                                    if v is not None})
        if changed == query and not force and self._generation:
            return
        self._requested = changed
        self._search(changed, keep=0)

    def refresh(self) -> None:
        """Search again for the current query (files were written), keeping as many rows shown."""
        keep = min(self._shown, REFRESH_KEEP) if self._requested == self._query else 0
        self._search(self._requested, keep=keep)

    def _search(self, query: Query, keep: int) -> None:
        self._generation += 1
        generation = self._generation
        limit = max(self.page_size, keep)
        first = min(self.page_size, BLOCK)  # the rows of the first screen come with the search
        db, user = self.db, self.user

        def work(_progress: object) -> _Page:
            with db.snapshot() as session:  # the count, the page and its rows as of one moment
                found = search_page(session, user, query.text, query.filters, query.order, 0, limit,
                                    count_limit=COUNT_LIMIT)
                rows = file_rows(session, user, found.ids[:first])
            return _Page(query, generation, found.total, 0, IdList(found.ids), rows, found.exact)

        self.searches += 1
        self._searching = True

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self._searching = False  # the rows of the last query that worked stay
            self._error(exc)

        self._start(work, self._first_page_in, failed)

    def _first_page_in(self, page: _Page) -> None:
        if page.generation != self._generation:
            return  # overtaken by a newer search
        same = (page.query == self._query and page.total == self._total and page.exact == self._exact
                and self._applied and self._ids.startswith(page.ids))
        self._applied = page.generation
        self._searching = False
        self._ids_loading = False
        self._want = 0
        if same and len(page.ids) >= self._shown:
            # nothing moved: keep the view (selection, scroll) and only show the rows afresh
            self._ids = page.ids
            self._rows.clear()
            self._unreadable.clear()
            self._cache(page.rows)
            if self._shown:
                self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, len(COLUMNS) - 1))
        else:
            self._changing = True
            try:
                self.beginResetModel()
                self._query = page.query
                self._ids = page.ids
                self._total = page.total
                self._exact = page.exact
                self._shown = len(page.ids)
                self._rows.clear()
                self._unreadable.clear()
                self._cache(page.rows)
                self.endResetModel()
            finally:
                self._changing = False
        self._update_busy()
        self.searched.emit(self._total)

    # --- paging -------------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def _end(self) -> int:
        """The last row there can be: every match when counted, else as many as there turn out to be."""
        return self._total if self._exact else sys.maxsize

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and self._shown < self._end()

    def fetchMore(self, parent: AnyIndex) -> None:
        if parent.isValid() or self._shown >= self._end():
            return
        self._want = max(self._want, min(self._end(), self._shown + self.page_size))
        self._grow()

    def _grow(self) -> None:
        if self._changing:
            # asked from inside our own rowsInserted or modelReset (a view or a tester reacting to
            # them): the rows go in once that change is over, never nested in it
            if not self._grow_posted:
                self._grow_posted = True
                QTimer.singleShot(0, self._posted_grow)
                self._update_busy()
            return
        target = min(self._want, len(self._ids))
        if target > self._shown:
            self._changing = True
            try:
                self.beginInsertRows(QModelIndex(), self._shown, target - 1)
                self._shown = target
                self.endInsertRows()
            finally:
                self._changing = False
        if self._want > len(self._ids) and not self._ids_loading and len(self._ids) < self._end():
            self._load_ids()

    def _posted_grow(self) -> None:
        self._grow_posted = False
        self._update_busy()
        self._grow()

    def _load_ids(self) -> None:
        """The next run of ids, as many as are known already (the pages double), in a worker."""
        query, generation, offset = self._query, self._applied, len(self._ids)
        limit = max(self.page_size, min(offset, ID_RUN_MAX))
        db, user = self.db, self.user

        def work(_progress: object) -> _Page:
            ids = IdList()  # packed as they are read (a run of 50,000 as Python strings: ~20 MB at its peak)
            with db.snapshot() as session:
                found = search_page(session, user, query.text, query.filters, query.order, offset, limit,
                                    count_limit=COUNT_LIMIT, into=ids.extend)
            return _Page(query, generation, found.total, offset, ids, [], found.exact)

        self._ids_loading = True
        self.searches += 1
        self._update_busy()

        def failed(exc: BaseException) -> None:
            if generation == self._applied:
                self._ids_loading = False
            self._error(exc)

        self._start(work, self._ids_in, failed)

    def _ids_in(self, page: _Page) -> None:
        if page.generation != self._applied:
            return  # the rows of another search are shown now
        self._ids_loading = False
        if page.generation != self._generation:
            self._update_busy()
            return  # a newer search is running: its first page resets everything
        if page.exact and not self._exact and page.offset == len(self._ids):
            # the ids ran out: now it is known how many there are
            self._total, self._exact = page.total, True
            self._want = min(self._want, self._total)
            self.counted.emit(self._total)
        elif (page.total, page.exact) != (self._total, self._exact) or page.offset != len(self._ids):
            # files were added or left the query since its first page: the pages no longer fit
            self._update_busy()
            self.refresh()
            return
        self._ids.extend(page.ids)
        self._update_busy()
        self._grow()

    def count_all(self) -> None:
        """Count every match of the query shown (after a "10,000+"), in a worker; ``counted`` tells."""
        if self._exact or self._counting == self._applied:
            return
        query, generation = self._query, self._applied
        db, user = self.db, self.user
        self._counting = generation

        def work(_progress: object) -> _Page:
            with db.session() as session:
                return _Page(query, generation, count_matches(session, user, query.text, query.filters), 0,
                             IdList(), [])

        def done(page: _Page) -> None:
            if self._counting == page.generation:
                self._counting = None
            if page.generation != self._applied or self._exact:
                return  # another query is shown now, or the ids ran out meanwhile
            self._total, self._exact = max(page.total, len(self._ids)), True
            self._want = min(self._want, self._total)
            self.counted.emit(self._total)

        def failed(exc: BaseException) -> None:
            self._counting = None
            self._error(exc)

        self._start(work, done, failed)

    def fetch_all(self) -> None:
        """Show every row (the view still reads rows only for what it paints)."""
        self._want = self._end()
        self._grow()

    # --- rows ---------------------------------------------------------------------------------------

    def file_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < self._shown else None

    def row_of(self, file_id: str) -> int:
        """The row showing ``file_id``, or -1."""
        row = self._ids.index(file_id)
        return row if 0 <= row < self._shown else -1

    def file_row(self, row: int) -> FileRow | None:
        """The displayed values of ``row`` (read from the database if not cached)."""
        file_id = self.file_id(row)
        if file_id is None:
            return None
        found = self._rows.get(file_id)
        if found is not None:
            self._rows.move_to_end(file_id)
            return found
        if file_id in self._unreadable:
            return None
        self._read_block(row)
        return self._rows.get(file_id)

    def cached_rows(self) -> int:
        return len(self._rows)

    def _read_block(self, row: int) -> None:
        """The rows of the block of ``BLOCK`` rows around ``row``, read now: a primary-key lookup of
        at most 100 files, a few milliseconds, so painting a scrolled view waits no longer."""
        start = row - row % BLOCK
        ids = [i for i in self._ids.slice(start, min(start + BLOCK, self._shown))
               if i not in self._rows and i not in self._unreadable]
        self.row_reads += 1
        try:
            with self.db.session() as session:
                rows = file_rows(session, self.user, ids)
        except Exception as exc:  # noqa: BLE001 - painting must go on; the page shows the error
            log.exception("reading rows of the registry list failed")
            self._unreadable.update(ids)
            self.failed.emit(exc)
            return
        self._cache(rows)
        found = {r.id for r in rows}
        self._unreadable.update(i for i in ids if i not in found)

    def _cache(self, rows: Iterable[FileRow]) -> None:
        for r in rows:
            self._rows[r.id] = r
            self._rows.move_to_end(r.id)
        evicted = len(self._rows) - ROW_CACHE
        while len(self._rows) > ROW_CACHE:
            self._rows.popitem(last=False)
        if evicted > 0:
            self._trim.released(evicted)

    def invalidate(self, file_ids: Iterable[str]) -> None:
        """Forget the cached rows of ``file_ids``; shown rows are read again when next painted. No ids: which
        files changed is not known (a bulk import, another desk's bulk write, F5): every row is read again."""
        file_ids = list(file_ids)
        if not file_ids or len(file_ids) > INVALIDATE_ONE_BY_ONE:
            # a step on a whole selection: finding each row would scan the ids again and again
            self._rows.clear()
            self._unreadable.clear()
            if self._shown:
                self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, len(COLUMNS) - 1))
            return
        for file_id in file_ids:
            self._rows.pop(file_id, None)
            self._unreadable.discard(file_id)
            row = self.row_of(file_id)
            if row >= 0:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # --- Qt's model interface -----------------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self._shown) or not (0 <= index.column() < len(COLUMNS)):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if index.column() == PER_CAPITA else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                        FILE_ID_ROLE, VALUE_ROLE):
            return None
        if role == FILE_ID_ROLE:
            return self.file_id(index.row())
        row = self.file_row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(row, key)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _EXITED if row.status == "exited" else None
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text where a narrow column cuts it
            return _text(row, key) if key in _LONG else None
        return _value(row, key)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._titles[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == PER_CAPITA:
            return _RIGHT
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column]
        self.set_query(order=key if order == Qt.SortOrder.AscendingOrder else f"-{key}")

    def sort_column(self) -> tuple[int, Qt.SortOrder]:
        """The column and direction of the requested order (for the header's sort indicator)."""
        order = self._requested.order
        key = order.lstrip("-")
        direction = Qt.SortOrder.DescendingOrder if order.startswith("-") else Qt.SortOrder.AscendingOrder
        return COLUMNS.index(key), direction

    # --- workers ------------------------------------------------------------------------------------

    def _start(self, work: Callable[[object], _Page], done: Callable[[_Page], None],
               failed: Callable[[BaseException], None]) -> None:
        if not self.threaded:
            try:
                page = work(None)
            except Exception as exc:  # noqa: BLE001 - reported like a worker's failure
                failed(exc)
                return
            done(page)
            return
        op: Op[_Page] | None = None

        def settled() -> None:
            if op is not None:
                self._ops.discard(op)
                op.deleteLater()

        op = run_op(self, work, on_done=done, on_error=failed, show_progress=False)  # type: ignore[arg-type]
        self._ops.add(op)
        op.settled.connect(settled)
        self._update_busy()

    def _error(self, exc: BaseException) -> None:
        self._update_busy()
        self.failed.emit(exc)

    def _update_busy(self) -> None:
        busy = self._searching or self._ids_loading or self._grow_posted
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Process events until no search of this model is running (tests, benchmarks)."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop, QThread

        deadline = QDeadlineTimer(timeout_ms)
        while (self._busy or self._ops) and not deadline.hasExpired():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            QThread.msleep(1)
        return not (self._busy or self._ops)


def _text(row: FileRow, key: str) -> str:
    if key == "file_no":
        return row.file_no
    if key == "name":
        return row.name
    if key == "id_number":
        return row.masked_id
    if key == "category":
        return row.category_label
    if key == "primary_cause":
        return row.primary_cause_label
    if key == "per_capita":
        return format_amount(row.per_capita_fen)
    if key == "status":
        return row.status_label
    if key == "unit":
        return row.unit_name
    return row.last_review.isoformat() if row.last_review else ""


def _value(row: FileRow, key: str) -> Any:
    if key == "per_capita":
        return row.per_capita_fen
    if key == "category":
        return row.category
    if key == "primary_cause":
        return row.primary_cause
    if key == "status":
        return row.status
    if key == "last_review":
        return row.last_review.isoformat() if row.last_review else None
    return _text(row, key)


__all__ = ["COLUMNS", "COUNT_LIMIT", "FILE_ID_ROLE", "IdList", "PAGE_SIZE", "Query", "RegistryModel", "VALUE_ROLE"]
