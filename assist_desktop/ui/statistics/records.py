"""The records behind a figure: the ids come from ``statistics.records_for`` in a worker, the rows are read
page by page as the list scrolls (a figure of a province's file can stand for 300,000 households)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from assist_desktop.domain.money import format_amount
from assist_desktop.services import statistics
from assist_desktop.services.statistics import RECORD_COLUMNS, Cell, RecordSet
from assist_desktop.ui.background import Op, run_op, show_error
from assist_desktop.ui.context import AppContext

PAGE_SIZE = 200
AnyIndex = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_NUMBERS = {"household_size", "amount", "cash", "goods"}


class RecordsModel(QAbstractTableModel):
    """Rows of one kind of record for a fixed run of ids; ``fetchMore`` reads the next page in a worker."""

    loaded = Signal()

    def __init__(self, ctx: AppContext, entity: str, ids: tuple[str, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.entity, self.ids = ctx, entity, ids
        self.columns = RECORD_COLUMNS[entity]
        self.rows: list[tuple[str, ...]] = []
        self.loading = False
        self.op: Op[Any] | None = None
        self._headers = {
            "file_no": self.tr("File no."), "name": self.tr("Name"), "id_number": self.tr("ID number"),
            "category": self.tr("Category"), "cause": self.tr("Primary cause"),
            "household_size": self.tr("Household"), "unit": self.tr("Union"), "status": self.tr("Status"),
            "opened_on": self.tr("Opened"), "exit_date": self.tr("Exited"),
            "application_no": self.tr("Application no."), "year": self.tr("Year"), "school": self.tr("School"),
            "level": self.tr("Education level"), "household": self.tr("Household kind"), "amount": self.tr("Amount (yuan)"),
            "group": self.tr("Group"), "cash": self.tr("Cash (yuan)"), "goods": self.tr("Goods (yuan)"),
            "visit_date": self.tr("Visited"), "voucher_no": self.tr("Voucher no."),
            "programme": self.tr("Programme"), "method": self.tr("Method"), "paid_on": self.tr("Paid on"),
        }
        if entity == "scholarship":
            self._headers["name"] = self.tr("Student")
        elif entity in ("visit", "disbursement"):
            self._headers["name"] = self.tr("Recipient")
            self._headers["unit"] = self.tr("Unit")

    def fetch_next(self) -> None:
        if self.loading or len(self.rows) >= len(self.ids):
            return
        self.loading = True
        ctx, entity, chunk = self.ctx, self.entity, self.ids[len(self.rows):len(self.rows) + PAGE_SIZE]

        def work(_progress: object) -> list[tuple[str, ...]]:
            with ctx.db.session() as s:
                return statistics.record_rows(s, ctx.user, entity, chunk)

        def done(rows: list[tuple[str, ...]]) -> None:
            self.loading = False
            if rows:
                start = len(self.rows)
                self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
                self.rows.extend(rows)
                self.endInsertRows()
            self.loaded.emit()

        def failed(exc: BaseException) -> None:
            self.loading = False
            show_error(None, exc)

        self.op = run_op(None, work, on_done=done, on_error=failed, show_progress=False, owner=self)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: AnyIndex) -> bool:  # noqa: N802
        return not parent.isValid() and len(self.rows) < len(self.ids) and not self.loading

    def fetchMore(self, parent: AnyIndex) -> None:  # noqa: N802
        if self.canFetchMore(parent):
            self.fetch_next()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[index.column()] in _NUMBERS:
            return _RIGHT
        if role == Qt.ItemDataRole.UserRole:
            return self.ids[index.row()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._headers.get(self.columns[section], self.columns[section])
        return str(section + 1)


class RecordsDialog(QDialog):
    """Opened by a click on a figure: what the figure is, how many records and their sum, the list itself."""

    def __init__(self, ctx: AppContext, cell: Cell, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.cell = ctx, cell
        self.records: RecordSet | None = None
        self.model: RecordsModel | None = None
        self.setWindowTitle(self.tr("Records behind the figure"))
        self.resize(980, 560)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setObjectName("figure_title")
        heading.setWordWrap(True)
        heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        layout.addWidget(heading)
        self.summary = QLabel(self.tr("Finding the records…"))
        self.summary.setObjectName("figure_summary")
        layout.addWidget(self.summary)
        self.table = QTableView()
        self.table.setObjectName("records")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        hint = QLabel(self.tr("ID numbers are masked. Double click a household to open its file."))
        hint.setStyleSheet("color: #666;")
        hint.setVisible(cell.program == "files")
        row.addWidget(hint, 1)
        self.open_button = QPushButton(self.tr("Open file"))
        self.open_button.setObjectName("open_file")
        self.open_button.setVisible(cell.program == "files")
        self.open_button.clicked.connect(self.open_selected)
        row.addWidget(self.open_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.op = self._find()

    def _find(self) -> Op[Any]:
        ctx, cell = self.ctx, self.cell

        def work(_progress: object) -> RecordSet:
            with ctx.db.session() as s:
                return statistics.records_for(s, ctx.user, cell)

        def failed(exc: BaseException) -> None:
            self.summary.setText(self.tr("The records could not be read."))
            show_error(self, exc)

        return run_op(self, work, on_done=self._found, on_error=failed, show_progress=False)

    def _found(self, records: RecordSet) -> None:
        self.records = records
        count = len(records.ids)
        measure = next(mm for mm in statistics.measures_of(self.cell.program) if mm.key == self.cell.measure)
        if measure.money:
            text = self.tr("{0} records, adding up to {1} yuan").format(f"{count:,}", format_amount(records.total))
        elif measure.kind == statistics.PEOPLE:
            text = self.tr("{0} households, {1} people").format(f"{count:,}", f"{records.total:,}")
        else:
            text = self.tr("{0} records").format(f"{count:,}")
        self.summary.setText(text)
        self.model = RecordsModel(self.ctx, records.entity, records.ids, self)
        self.table.setModel(self.model)
        self.model.loaded.connect(self._fit_columns)
        self.model.fetch_next()

    def _fit_columns(self) -> None:
        if self.model is not None and len(self.model.rows) <= PAGE_SIZE:
            self.table.resizeColumnsToContents()

    def idle(self) -> bool:
        """Nothing being read (tests)."""
        return self.op.done and (self.model is None or not self.model.loading)

    def open_selected(self) -> None:
        """The selected household's file in the file editor (files only)."""
        if self.cell.program != "files" or self.model is None:
            return
        index = self.table.currentIndex()
        if not index.isValid():
            return
        from assist_desktop.ui.registry.page import load_file_editor

        editor = load_file_editor()
        if editor is None:
            return
        dialog = editor(self.ctx, file_id=self.model.data(index, Qt.ItemDataRole.UserRole), parent=self)
        dialog.open()
        self.editor = dialog
