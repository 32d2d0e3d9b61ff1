"""审批: the items waiting for this user's roles, and the steps on one or on a selection."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from assist_desktop.domain.lifecycle import Action, FileStatus, GrantStatus
from assist_desktop.services import approvals
from assist_desktop.services.approvals import PendingItem
from assist_desktop.ui.background import Progress, run_op
from assist_desktop.ui.context import AppContext

# The buttons of the page, in the order a caseworker works.
STEP_BUTTONS = (Action.submit, Action.review, Action.put_on_notice, Action.approve, Action.return_to_draft)


def _state_label(status: str) -> str:
    try:
        return FileStatus(status).label
    except ValueError:
        return GrantStatus(status).label


class ApprovalsPage(QWidget):
    def __init__(self, ctx: AppContext, entity_type: str = "hardship_file") -> None:
        super().__init__()
        self.ctx = ctx
        self.entity_type = entity_type
        self.items: list[PendingItem] = []
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Waiting for you"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(heading)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("pending")
        self.table.setHorizontalHeaderLabels([self.tr("File no."), self.tr("Name"), self.tr("Category"),
                                              self.tr("Status"), self.tr("Since"), self.tr("You can")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Opinion")))
        self.opinion = QLineEdit()
        self.opinion.setObjectName("opinion")
        self.opinion.setPlaceholderText(self.tr("Written into the approval record (required to send back)"))
        row.addWidget(self.opinion, 1)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        self.buttons: dict[Action, QPushButton] = {}
        for action in STEP_BUTTONS:
            button = QPushButton(action.label)
            button.setObjectName(f"step_{action.value}")
            button.clicked.connect(lambda _=False, a=action: self.take_step(a))
            buttons.addWidget(button)
            self.buttons[action] = button
        buttons.addStretch(1)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        buttons.addWidget(refresh)
        layout.addLayout(buttons)
        self.op = None
        self._update_buttons()
        ctx.events.files_changed.connect(lambda _ids: self.refresh())
        ctx.events.workflow_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        db, user, entity_type = self.ctx.db, self.ctx.user, self.entity_type

        def work(_p: Progress) -> list[PendingItem]:
            with db.session() as session:
                return approvals.pending(session, user, entity_type=entity_type)

        self.op = run_op(self, work, on_done=self._show, show_progress=False)

    def _show(self, items: list[PendingItem]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            since = item.since.astimezone().strftime("%Y-%m-%d %H:%M") if item.since else ""
            values = (item.number, item.name, item.detail, _state_label(item.status), since,
                      "、".join(a.label for a in item.actions))
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, item.entity_id)
                self.table.setItem(row, column, cell)
        self.summary.setText(self.tr("{0} items wait for your step.").format(len(items)) if items
                             else self.tr("Nothing waits for you."))
        self._update_buttons()

    def selected(self) -> list[PendingItem]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.items[r] for r in rows if r < len(self.items)]

    def _update_buttons(self) -> None:
        chosen = self.selected()
        common = set(STEP_BUTTONS)
        for item in chosen:
            common &= set(item.actions)
        for action, button in self.buttons.items():
            button.setEnabled(bool(chosen) and action in common)
            button.setVisible(any(action in item.actions for item in self.items) or not self.items)

    def take_step(self, action: Action) -> None:
        chosen = self.selected()
        if not chosen:
            return
        opinion = self.opinion.text().strip()
        if action is Action.return_to_draft and not opinion:
            opinion, ok = QInputDialog.getText(self, self.tr("Send back"), self.tr("Reason for sending back:"))
            if not ok or not opinion.strip():
                return
        db, user, entity_type = self.ctx.db, self.ctx.user, self.entity_type
        ids = [item.entity_id for item in chosen]

        def work(progress: Progress) -> int:
            with db.session() as session:
                done = approvals.act_many(session, user, entity_type, ids, action, opinion=opinion or None,
                                          today=date.today(), progress=progress.report,
                                          cancelled=lambda: progress.cancelled)
            return len(done)

        def finished(count: int) -> None:
            self.opinion.clear()
            self.ctx.events.workflow_changed.emit()
            self.ctx.events.files_changed.emit(ids)

        self.op = run_op(self, work, on_done=finished, title=self.tr("{0}: {1} items").format(action.label, len(ids)))
