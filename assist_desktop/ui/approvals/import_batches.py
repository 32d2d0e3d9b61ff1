"""审批 page, 台账导入批次: historic files a clerk imported to be active, waiting for the approver to approve the
batch as a whole (or send it back with a reason, its files staying drafts). Shown only while a batch waits
for this user; one they imported themselves is listed but cannot be approved by them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QGroupBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
                               QLineEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from assist_desktop.domain.errors import DomainError
from assist_desktop.services import import_batches
from assist_desktop.services.import_batches import BatchItem
from assist_desktop.ui.background import Op, Progress, run_op, show_error
from assist_desktop.ui.context import AppContext


class ImportBatchesPanel(QGroupBox):
    decided = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.items: list[BatchItem] = []
        self.op: Op | None = None
        self.setObjectName("import_batches")
        self.setTitle(self.tr("Ledger imports waiting for approval"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Historic files a clerk imported to be active. Approving a batch makes all its files "
                               "active at once, opened on the ledger's filing dates; sending it back leaves them "
                               "drafts to be submitted one by one."))
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        layout.addWidget(intro)
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("batches")
        self.table.setHorizontalHeaderLabels([self.tr("Ledger file"), self.tr("Sheets"), self.tr("Households"),
                                              self.tr("Members"), self.tr("Members to complete"),
                                              self.tr("Imported by"), self.tr("Imported at")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Opinion")))
        self.opinion = QLineEdit()
        self.opinion.setObjectName("batch_opinion")
        self.opinion.setPlaceholderText(self.tr("Written into each file's approval record (required to send back)"))
        row.addWidget(self.opinion, 1)
        self.approve_button = QPushButton(self.tr("Approve the whole batch"))
        self.approve_button.setObjectName("approve_batch")
        self.approve_button.clicked.connect(self.approve)
        row.addWidget(self.approve_button)
        self.return_button = QPushButton(self.tr("Send back"))
        self.return_button.setObjectName("return_batch")
        self.return_button.clicked.connect(lambda: self.send_back())
        row.addWidget(self.return_button)
        layout.addLayout(row)
        self.note = QLabel()
        self.note.setObjectName("batch_note")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.hide()
        ctx.events.workflow_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        db, user = self.ctx.db, self.ctx.user

        def work(_p: Progress) -> list[BatchItem]:
            with db.session() as session:
                return import_batches.pending_batches(session, user)

        self.op = run_op(self, work, on_done=self._show, show_progress=False)

    def _show(self, items: list[BatchItem]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for r, item in enumerate(items):
            values = (item.file_name, item.sheets, str(item.households), str(item.members), str(item.pending_members),
                      item.created_by_name, item.created_at.astimezone().strftime("%Y-%m-%d %H:%M"))
            for c, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                if c in (2, 3, 4):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, cell)
        shown = max(1, min(len(items), 4))  # the page's own list stays the larger part of the page
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + shown * self.table.verticalHeader().defaultSectionSize() + 4)
        self.setTitle(self.tr("Ledger imports waiting for approval ({0})").format(len(items)))
        self.setVisible(bool(items))
        if items and not self.table.selectedItems():
            self.table.selectRow(0)
        self._update_buttons()

    def selected(self) -> BatchItem | None:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return self.items[min(rows)] if rows and min(rows) < len(self.items) else None

    def _update_buttons(self) -> None:
        item = self.selected()
        for button in (self.approve_button, self.return_button):
            button.setEnabled(item is not None and not item.own)
        if item is not None and item.own:
            self.note.setText(self.tr("You imported this batch: another approver must decide on it."))
        else:
            self.note.setText("")

    def _run(self, work: object, title: str) -> Op:
        def done(count: int) -> None:
            self.opinion.clear()
            self.note.setText(self.tr("Done: {0} files.").format(count))
            self.decided.emit()
            self.ctx.events.files_changed.emit([])
            self.ctx.events.workflow_changed.emit()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, DomainError):
                self.note.setText(exc.message)
            else:
                show_error(self, exc)

        self.op = run_op(self, work, on_done=done, on_error=failed, title=title, cancellable=False)  # type: ignore[arg-type]
        return self.op

    def approve(self) -> Op | None:
        item = self.selected()
        if item is None or item.own:
            return None
        db, user, opinion, today = self.ctx.db, self.ctx.user, self.opinion.text(), self.ctx.today()

        def work(_p: Progress) -> int:
            with db.session() as session:
                return import_batches.approve_batch(session, user, item.id, opinion=opinion, today=today)

        return self._run(work, self.tr("Approving the batch: {0} households").format(item.households))

    def send_back(self, reason: str | None = None) -> Op | None:
        item = self.selected()
        if item is None or item.own:
            return None
        reason = reason if reason is not None else self.opinion.text().strip()
        if not reason:
            reason, ok = QInputDialog.getText(self, self.tr("Send back"), self.tr("Reason for sending the batch back:"))
            if not ok or not reason.strip():
                return None
        db, user = self.ctx.db, self.ctx.user

        def work(_p: Progress) -> int:
            with db.session() as session:
                return import_batches.return_batch(session, user, item.id, reason=reason)

        return self._run(work, self.tr("Sending the batch back"))
