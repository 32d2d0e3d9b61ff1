"""The applications list: ids from ``scholarships.list_applications`` page by page, rows read in the worker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from assist_desktop.domain.money import format_amount
from assist_desktop.services import scholarships
from assist_desktop.services.scholarships import ApplicationRow
from assist_desktop.storage.engine import Database
from assist_desktop.storage.models import User
from assist_desktop.ui.background import Op, run_op

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = ("application_no", "student_name", "household", "school", "level", "plan", "amount", "status")
_ORDER_KEYS = {"application_no": "application_no", "student_name": "student_name", "school": "school",
               "level": "level", "plan": "plan", "amount": "amount", "status": "status"}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class AppQuery:
    round_id: str | None = None
    text: str = ""
    status: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    school: str = ""
    unit: str = ""  # the union holding the household (file or unfiled record)
    order: str = "application_no"


@dataclass
class _Page:
    generation: int
    total: int
    rows: list[ApplicationRow] = field(default_factory=list)


class ApplicationsModel(QAbstractTableModel):
    """Rows shown grow by ``PAGE_SIZE`` as the view scrolls (fetchMore); every read runs in a worker."""

    searched = Signal(int)  # total matches of the new query
    failed = Signal(object)

    def __init__(self, db: Database, user: User, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db, self.user = db, user
        self.query = AppQuery()
        self.total = 0
        self.rows: list[ApplicationRow] = []
        self._generation = 0
        self._loading = False
        self.op: Op[Any] | None = None
        self._headers = {
            "application_no": self.tr("Application no."), "student_name": self.tr("Student"),
            "household": self.tr("Household"), "school": self.tr("School"), "level": self.tr("Level"),
            "plan": self.tr("Payment"), "amount": self.tr("Amount (yuan)"), "status": self.tr("Status"),
        }

    # --- queries ----------------------------------------------------------------------------------

    def set_query(self, query: AppQuery) -> None:
        self.query = query
        self.refresh()

    def refresh(self) -> None:
        self._generation += 1
        self._load(0, self._generation, max(PAGE_SIZE, len(self.rows)) if self.rows else PAGE_SIZE)

    def _load(self, offset: int, generation: int, limit: int) -> None:
        db, user, q = self.db, self.user, self.query
        self._loading = True

        def work(_progress: object) -> _Page:
            with db.session() as s:
                total, ids = scholarships.list_applications(
                    s, user, round_id=q.round_id, text=q.text, status=q.status or None, level=q.level or None,
                    school=q.school or None, unit=q.unit or None, order=q.order, offset=offset, limit=limit)
                return _Page(generation, total, scholarships.application_rows(s, user, ids))

        def done(page: _Page) -> None:
            if page.generation != self._generation:
                return  # overtaken by a newer query, whose load is still running
            self._loading = False
            if offset == 0:
                self.beginResetModel()
                self.rows = list(page.rows)
                self.total = page.total
                self.endResetModel()
                self.searched.emit(page.total)
            else:
                start = len(self.rows)
                if page.rows:
                    self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
                    self.rows.extend(page.rows)
                    self.endInsertRows()

        def error(exc: BaseException) -> None:
            if generation == self._generation:
                self._loading = False
            self.failed.emit(exc)

        self.op = run_op(None, work, on_done=done, on_error=error, show_progress=False, owner=self)

    @property
    def busy(self) -> bool:
        return self._loading

    # --- Qt model ---------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: AnyIndex) -> bool:  # noqa: N802
        return not parent.isValid() and len(self.rows) < self.total and not self._loading

    def fetchMore(self, parent: AnyIndex) -> None:  # noqa: N802
        if self.canFetchMore(parent):
            self._load(len(self.rows), self._generation, PAGE_SIZE)

    def row(self, index: int) -> ApplicationRow | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()]
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "amount":
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and key == "amount" and row.amount_overridden:
            return self.tr("Standard: {0} yuan").format(format_amount(row.standard_amount_fen))
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if key == "application_no":
            return row.application_no
        if key == "student_name":
            return f"{row.student_name}（{row.masked_id}）"
        if key == "household":
            return f"{row.household_name} {row.file_no}".strip() if row.filed else \
                self.tr("{0} (unfiled)").format(row.household_name)
        if key == "school":
            return row.school
        if key == "level":
            return row.level_label
        if key == "plan":
            if row.installments_total:
                return self.tr("{0} ({1}/{2} paid)").format(row.plan_label, row.installments_paid,
                                                           row.installments_total)
            return row.plan_label
        if key == "amount":
            return format_amount(row.amount_fen) + (" *" if row.amount_overridden else "")
        if key == "status":
            return row.status_label
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[COLUMNS[section]]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = _ORDER_KEYS.get(COLUMNS[column])
        if key is None:
            return
        prefix = "-" if order == Qt.SortOrder.DescendingOrder else ""
        from dataclasses import replace

        self.set_query(replace(self.query, order=prefix + key))
