"""The visits list: ids from ``campaigns.list_visits`` page by page, rows read in the worker (never the whole list)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import (QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt,
                            Signal)
from PySide6.QtGui import QColor

from assist_desktop.domain.money import format_amount
from assist_desktop.services import campaigns
from assist_desktop.services.campaigns import VisitRow
from assist_desktop.storage.engine import Database
from assist_desktop.storage.models import User
from assist_desktop.ui.background import Op, run_op

PAGE_SIZE = 200
ID_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = ("recipient", "group", "unit", "status", "cash", "goods", "total", "source", "cadres", "planned_date",
           "actual_date", "photo", "voucher")
# columns the service can order by (campaigns.list_visits ``order``)
ORDER_KEYS = {"recipient": "name", "group": "group", "unit": "unit", "cash": "cash", "goods": "goods",
              "total": "total", "status": "status", "cadres": "cadres", "planned_date": "planned_date",
              "actual_date": "actual_date"}
MONEY = frozenset({"cash", "goods", "total"})
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignCenter
_STATUS_COLOURS = {"draft": "#5f6368", "submitted": "#1565c0", "reviewed": "#6a1b9a", "approved": "#2e7d32",
                   "paid": "#1b5e20", "cancelled": "#9e9e9e"}

AnyIndex = QModelIndex | QPersistentModelIndex


def status_labels() -> dict[str, str]:
    """How a county office names the steps of a visit (a draft is a household planned for a visit)."""
    return {
        "draft": QCoreApplication.translate("VisitLabels", "Planned"),
        "submitted": QCoreApplication.translate("VisitLabels", "Submitted"),
        "reviewed": QCoreApplication.translate("VisitLabels", "Reviewed"),
        "on_notice": QCoreApplication.translate("VisitLabels", "On notice"),
        "approved": QCoreApplication.translate("VisitLabels", "Approved"),
        "paid": QCoreApplication.translate("VisitLabels", "Paid"),
        "cancelled": QCoreApplication.translate("VisitLabels", "Removed from the list"),
    }


def row_status(row: VisitRow, labels: dict[str, str]) -> str:
    """The state shown in the list: an approved visit is either still to be made or made and not yet paid."""
    if row.status == "approved":
        return (QCoreApplication.translate("VisitLabels", "Visited, to pay") if row.actual_date
                else QCoreApplication.translate("VisitLabels", "Approved, to visit"))
    return labels.get(row.status, row.status_label)


@dataclass(frozen=True)
class VisitQuery:
    campaign_id: str | None = None
    text: str = ""
    status: tuple[str, ...] = ()
    group: tuple[str, ...] = ()
    unit: str = ""  # a grassroots union's id
    cadre: str = ""
    visited: bool | None = None
    order: str = "name"

    def kwargs(self) -> dict[str, Any]:
        """The arguments of ``campaigns.list_visits`` for this query."""
        return {"campaign_id": self.campaign_id or "-", "text": self.text, "status": self.status or None,
                "group": self.group or None, "unit": self.unit or None, "cadre": self.cadre or None,
                "visited": self.visited, "order": self.order}


@dataclass
class _Page:
    generation: int
    total: int
    rows: list[VisitRow] = field(default_factory=list)


class VisitsModel(QAbstractTableModel):
    """Rows shown grow by ``PAGE_SIZE`` as the view scrolls (fetchMore); every read runs in a worker."""

    searched = Signal(int)  # total matches of the new query
    failed = Signal(object)

    def __init__(self, db: Database, user: User, parent: QObject | None = None, *, page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self.db, self.user, self.page_size = db, user, page_size
        self.query = VisitQuery()
        self.total = 0
        self.rows: list[VisitRow] = []
        self._generation = 0
        self._loading = False
        self.ops: list[Op[Any]] = []
        self.labels = status_labels()
        self._headers = {
            "recipient": self.tr("Recipient"), "group": self.tr("Group"), "unit": self.tr("Unit"),
            "cash": self.tr("Cash (yuan)"), "goods": self.tr("Goods (yuan)"), "total": self.tr("Total (yuan)"),
            "source": self.tr("Fund source"), "status": self.tr("Status"), "cadres": self.tr("Visiting cadres"),
            "planned_date": self.tr("Planned on"), "actual_date": self.tr("Visit date"), "photo": self.tr("Photo"),
            "voucher": self.tr("Voucher no."),
        }

    # --- queries ----------------------------------------------------------------------------------

    def set_query(self, query: VisitQuery) -> None:
        self.query = query
        self.refresh()

    def refresh(self) -> None:
        """Read the query again from the first row (after a write, or a new query)."""
        self._generation += 1
        self._load(0, self._generation, max(self.page_size, len(self.rows)) if self.rows else self.page_size)

    def _load(self, offset: int, generation: int, limit: int) -> None:
        db, user, query = self.db, self.user, self.query
        self._loading = True

        def work(_progress: object) -> _Page:
            with db.session() as s:
                total, ids = campaigns.list_visits(s, user, **query.kwargs(), offset=offset, limit=limit)
                return _Page(generation, total, campaigns.visit_rows(s, user, ids))

        def done(page: _Page) -> None:
            if page.generation != self._generation:
                return  # overtaken by a newer query, whose read is still running
            self._loading = False
            if offset == 0:
                self.beginResetModel()
                self.rows = list(page.rows)
                self.total = page.total
                self.endResetModel()
                self.searched.emit(page.total)
            elif page.rows:
                start = len(self.rows)
                self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
                self.rows.extend(page.rows)
                self.endInsertRows()

        def error(exc: BaseException) -> None:
            if generation == self._generation:
                self._loading = False
            self.failed.emit(exc)

        op = run_op(None, work, on_done=done, on_error=error, show_progress=False, owner=self)
        self.ops = [o for o in self.ops if not o.done] + [op]

    @property
    def busy(self) -> bool:
        return self._loading or any(not op.done for op in self.ops)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Process events until no read of this model is running (tests)."""
        from PySide6.QtCore import QDeadlineTimer, QEventLoop, QThread

        deadline = QDeadlineTimer(timeout_ms)
        while self.busy and not deadline.hasExpired():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            QThread.msleep(1)
        return not self.busy

    # --- Qt model ---------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: AnyIndex) -> bool:  # noqa: N802
        return not parent.isValid() and len(self.rows) < self.total and not self._loading

    def fetchMore(self, parent: AnyIndex) -> None:  # noqa: N802
        if self.canFetchMore(parent):
            self._load(len(self.rows), self._generation, self.page_size)

    def row(self, index: int) -> VisitRow | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(COLUMNS):
            return None
        row = self.row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()]
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if key in MONEY else _CENTRE if key == "photo" else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "status":
                return QColor(_STATUS_COLOURS.get(row.status, "#202124"))
            if row.status == "cancelled":
                return QColor("#9e9e9e")
            if key in MONEY and row.amount_overridden:
                return QColor("#c62828")
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, key)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._text(row, key)

    def _text(self, row: VisitRow, key: str) -> str:
        if key == "recipient":
            return f"{row.recipient_name}（{row.masked_id}）"
        if key == "group":
            return row.group_label
        if key == "unit":
            return row.unit_name
        if key == "cash":
            return format_amount(row.cash_fen)
        if key == "goods":
            return format_amount(row.goods_fen)
        if key == "total":
            return format_amount(row.total_fen) + (" *" if row.amount_overridden else "")
        if key == "source":
            return row.fund_source_name
        if key == "status":
            return row_status(row, self.labels)
        if key == "cadres":
            return row.cadres
        if key == "planned_date":
            return row.planned_date.isoformat() if row.planned_date else ""
        if key == "actual_date":
            return row.actual_date.isoformat() if row.actual_date else ""
        if key == "photo":
            return self.tr("yes") if row.has_photo else ""
        if key == "voucher":
            return row.voucher_no
        return ""

    def _tooltip(self, row: VisitRow, key: str) -> str | None:
        if key in MONEY and row.amount_overridden:
            return self.tr("Above the standard ({0} cash + {1} goods, yuan): raised by the approver").format(
                format_amount(row.standard_cash_fen), format_amount(row.standard_goods_fen))
        if key == "goods" and row.goods_description:
            return row.goods_description
        if key == "recipient" and row.file_no:
            return self.tr("File {0}").format(row.file_no)
        if key == "status" and row.cancel_reason:
            return self.tr("Reason: {0}").format(row.cancel_reason)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[COLUMNS[section]]
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section] in MONEY:
            return _RIGHT
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = ORDER_KEYS.get(COLUMNS[column])
        if key is None:
            return  # fund source, photo and voucher are not orders of the list
        prefix = "-" if order == Qt.SortOrder.DescendingOrder else ""
        if self.query.order != prefix + key:
            self.set_query(replace(self.query, order=prefix + key))
