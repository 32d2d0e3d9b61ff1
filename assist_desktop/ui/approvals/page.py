"""审批: the items waiting for this user's roles, and the steps on one or on a selection."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit,
                               QPushButton, QTabBar, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from assist_desktop.domain.lifecycle import Action, FileStatus, GrantStatus
from assist_desktop.services import approvals
from assist_desktop.services.approvals import PendingItem
from assist_desktop.ui.background import Progress, run_op
from assist_desktop.ui.context import AppContext

# The buttons of the page, in the order a caseworker works.
STEP_BUTTONS = (Action.submit, Action.review, Action.put_on_notice, Action.approve, Action.return_to_draft)
# The kinds of item the page lists, one tab each.
KINDS = ("hardship_file", "scholarship", "visit")


def _approve_many(entity_type: str) -> Any:
    """The service that approves a list of this kind: grants check their budget (and a yearly plan
    gets its installments) in their own service; files take the generic step."""
    if entity_type == "scholarship":
        from assist_desktop.services import scholarships

        return scholarships.approve_many
    if entity_type == "visit":
        from assist_desktop.services import campaigns

        return campaigns.approve_many
    return None


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
        self.by_kind: dict[str, list[PendingItem]] = {kind: [] for kind in KINDS}
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("Waiting for you"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout.addWidget(heading)
        self.kinds = QTabBar()
        self.kinds.setObjectName("kinds")
        self.kind_titles = {"hardship_file": self.tr("Hardship files"), "scholarship": self.tr("Scholarships"),
                            "visit": self.tr("Spring Festival visits")}
        for kind in KINDS:
            self.kinds.addTab(self.kind_titles[kind])
        self.kinds.setCurrentIndex(KINDS.index(entity_type))
        self.kinds.currentChanged.connect(self._kind_changed)
        from assist_desktop.ui.approvals.import_batches import ImportBatchesPanel

        self.batches = ImportBatchesPanel(ctx)  # 台账导入批次: shown while one waits for this user
        layout.addWidget(self.batches)
        layout.addWidget(self.kinds)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("pending")
        self._set_headers()
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

    def _set_headers(self) -> None:
        first, third = {"hardship_file": (self.tr("File no."), self.tr("Category")),
                        "scholarship": (self.tr("Application no."), self.tr("Amount")),
                        "visit": (self.tr("Campaign"), self.tr("Cash and goods"))}[self.entity_type]
        self.table.setHorizontalHeaderLabels([first, self.tr("Name"), third, self.tr("Status"), self.tr("Since"),
                                              self.tr("You can")])

    def _kind_changed(self, index: int) -> None:
        self.entity_type = KINDS[index]
        self._set_headers()
        self._show(self.by_kind[self.entity_type])

    def refresh(self) -> None:
        db, user = self.ctx.db, self.ctx.user

        def work(_p: Progress) -> dict[str, list[PendingItem]]:
            with db.session() as session:
                return {kind: approvals.pending(session, user, entity_type=kind) for kind in KINDS}

        def done(found: dict[str, list[PendingItem]]) -> None:
            self.by_kind = found
            for index, kind in enumerate(KINDS):
                count = len(found[kind])
                self.kinds.setTabText(index, self.kind_titles[kind] + (f"（{count}）" if count else ""))
            self._show(found[self.entity_type])

        self.op = run_op(self, work, on_done=done, show_progress=False)

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

        today = self.ctx.today()
        approve_many = _approve_many(entity_type) if action is Action.approve else None

        def work(progress: Progress) -> int:
            with db.session() as session:
                if approve_many is not None:
                    done = approve_many(session, user, ids, opinion=opinion or None, today=today,
                                        progress=progress.report, cancelled=lambda: progress.cancelled)
                else:
                    done = approvals.act_many(session, user, entity_type, ids, action, opinion=opinion or None,
                                              today=today, progress=progress.report,
                                              cancelled=lambda: progress.cancelled)
            return len(done)

        def finished(count: int) -> None:
            self.opinion.clear()
            self.ctx.events.workflow_changed.emit()
            if entity_type == "hardship_file":
                self.ctx.events.files_changed.emit(ids)

        self.op = run_op(self, work, on_done=finished, title=self.tr("{0}: {1} items").format(action.label, len(ids)))
