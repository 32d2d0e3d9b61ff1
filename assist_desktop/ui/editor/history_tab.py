"""历史: the approval steps and logged changes of a file, newest first, read-only."""

from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from assist_desktop.services.file_history import WORKFLOW, HistoryEntry, file_history, local_time_text
from assist_desktop.ui.background import Op, Progress, run_op
from assist_desktop.ui.context import AppContext


class HistoryTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.file_id: str | None = None
        self.entries: list[HistoryEntry] = []
        self.loaded = False
        self.op: Op | None = None
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("history_summary")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("history")
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("By"), self.tr("What"), self.tr("Details")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((140, 90, 130)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        note = QLabel(self.tr("Approval steps are shown in bold. Sensitive values are never shown here."))
        note.setProperty("role", "hint")
        layout.addWidget(note)
        self._show()

    def set_file(self, file_id: str | None) -> None:
        if file_id != self.file_id:
            self.file_id = file_id
            self.loaded = False

    def refresh(self) -> None:
        if not self.file_id:
            self.entries, self.loaded = [], True
            self._show()
            return
        db, user, file_id = self.ctx.db, self.ctx.user, self.file_id

        def work(_p: Progress) -> list[HistoryEntry]:
            with db.session() as session:
                return file_history(session, user, file_id)

        def done(entries: object) -> None:
            self.entries = list(entries)  # type: ignore[call-overload]
            self.loaded = True
            self._show()

        self.op = run_op(self, work, on_done=done, show_progress=False)

    def _show(self) -> None:
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            for column, value in enumerate((local_time_text(entry.at), entry.actor, entry.title, entry.detail)):
                cell = QTableWidgetItem(value)
                cell.setToolTip(value if column == 3 else "")
                if entry.source == WORKFLOW and column == 2:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, column, cell)
        self.table.resizeRowsToContents()
        if not self.file_id:
            self.summary.setText(self.tr("The history starts when the file is first saved."))
        elif self.loaded:
            self.summary.setText(self.tr("{0} entries, newest first").format(len(self.entries)))
        else:
            self.summary.setText(self.tr("Loading…"))
