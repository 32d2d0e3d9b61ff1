"""审批: the items waiting for this user's roles, and the steps on one or on a selection.

Each row names the person (ID tail, union) and, for an item on public notice, the day it may be
approved; a double-click opens the item (read-only where the user cannot change it). A step on a
selection takes every item it can and lists the others with why (``services.batches``); approving
grants first shows the count and the money and asks once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit,
                               QMessageBox, QPushButton, QTabBar, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from assist_desktop.domain.lifecycle import Action, FileStatus, GrantStatus
from assist_desktop.services import approvals, batches
from assist_desktop.services.approvals import PendingItem
from assist_desktop.services.batches import BatchOutcome, ItemDetails, SelectionMoney
from assist_desktop.ui.background import Progress, run_op
from assist_desktop.ui.context import AppContext

# The buttons of the page, in the order a caseworker works.
STEP_BUTTONS = (Action.submit, Action.review, Action.put_on_notice, Action.approve, Action.return_to_draft)
# The kinds of item the page lists, one tab each.
KINDS = ("hardship_file", "scholarship", "visit")
# Grants whose approval commits money: the page shows the count and the total and asks once.
MONEY_KINDS = frozenset({"scholarship", "visit"})
COLUMNS = 8


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
        self.details: dict[str, ItemDetails] = {}
        self.last_outcome: BatchOutcome | None = None
        self.editor: QWidget | None = None
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
        self.table = QTableWidget(0, COLUMNS)
        self.table.setObjectName("pending")
        self._set_headers()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_item(row))
        layout.addWidget(self.table, 3)
        # what the last batch could not take, and why
        self.outcome_label = QLabel()
        self.outcome_label.setObjectName("outcome")
        self.outcome_label.setWordWrap(True)
        self.outcome_label.hide()
        layout.addWidget(self.outcome_label)
        self.not_taken_table = QTableWidget(0, 2)
        self.not_taken_table.setObjectName("not_taken")
        self.not_taken_table.setHorizontalHeaderLabels([self.tr("Item"), self.tr("Why it was not done")])
        self.not_taken_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.not_taken_table.verticalHeader().setVisible(False)
        self.not_taken_table.setWordWrap(True)
        self.not_taken_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.not_taken_table.horizontalHeader().setStretchLastSection(True)
        self.not_taken_table.hide()
        layout.addWidget(self.not_taken_table, 1)
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
        self.open_button = QPushButton(self.tr("Open…"))
        self.open_button.setObjectName("open_item")
        self.open_button.clicked.connect(lambda: self.open_item())
        buttons.addWidget(self.open_button)
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
        first, union, third = {
            "hardship_file": (self.tr("File no."), self.tr("Grassroots union"), self.tr("Category")),
            "scholarship": (self.tr("Application no."), self.tr("Grassroots union"), self.tr("Amount")),
            "visit": (self.tr("Campaign"), self.tr("Union or employer"), self.tr("Cash and goods"))}[self.entity_type]
        self.table.setHorizontalHeaderLabels([first, self.tr("Name"), self.tr("ID tail"), union, third,
                                              self.tr("Status"), self.tr("Since"), self.tr("You can")])

    def _kind_changed(self, index: int) -> None:
        self.entity_type = KINDS[index]
        self.outcome_label.hide()  # the last batch's outcome belongs to the tab it ran on
        self.not_taken_table.hide()
        self._set_headers()
        self._show(self.by_kind[self.entity_type])

    def refresh(self) -> None:
        db, user = self.ctx.db, self.ctx.user

        def work(_p: Progress) -> tuple[dict[str, list[PendingItem]], dict[str, ItemDetails]]:
            with db.session() as session:
                found = {kind: approvals.pending(session, user, entity_type=kind) for kind in KINDS}
                details: dict[str, ItemDetails] = {}
                for kind, items in found.items():
                    details.update(batches.pending_details(session, kind, [i.entity_id for i in items]))
                return found, details

        def done(result: tuple[dict[str, list[PendingItem]], dict[str, ItemDetails]]) -> None:
            self.by_kind, self.details = result
            for index, kind in enumerate(KINDS):
                count = len(self.by_kind[kind])
                self.kinds.setTabText(index, self.kind_titles[kind] + (f"（{count}）" if count else ""))
            self._show(self.by_kind[self.entity_type])

        self.op = run_op(self, work, on_done=done, show_progress=False)

    def _status_text(self, item: PendingItem, details: ItemDetails | None) -> str:
        text = _state_label(item.status)
        until = details.approvable_from if details else None
        if until is None:
            return text
        day = f"{until.month}月{until.day}日" if until.year == self.ctx.today().year else until.isoformat()
        if self.ctx.today() < until:
            return self.tr("{0}, may be approved from {1}").format(text, day)
        return self.tr("{0}, notice period over").format(text)

    def _show(self, items: list[PendingItem]) -> None:
        self.items = items
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            details = self.details.get(item.entity_id)
            since = item.since.astimezone().strftime("%Y-%m-%d %H:%M") if item.since else ""
            values = (item.number, item.name, details.id_tail if details else "", details.unit_name if details else "",
                      item.detail, self._status_text(item, details), since, "、".join(a.label for a in item.actions))
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
        self.open_button.setEnabled(len(chosen) == 1)

    # --- opening an item ---------------------------------------------------------------------------------

    def open_item(self, row: int | None = None) -> QWidget | None:
        """The item in its own form: the file editor, the application form or the visit form; each opens
        read-only where this user may not change it (by role and by the item's state)."""
        if row is None:
            chosen = self.selected()
            if len(chosen) != 1:
                return None
            item = chosen[0]
        elif 0 <= row < len(self.items):
            item = self.items[row]
        else:
            return None
        details = self.details.get(item.entity_id)
        editor: QWidget
        if item.entity_type == "hardship_file":
            from assist_desktop.ui.editor import FileEditor

            editor = FileEditor(self.ctx, item.entity_id, self, today=self.ctx.today())
        elif item.entity_type == "scholarship":
            from assist_desktop.ui.scholarships.editor import ApplicationEditor

            if details is None or details.parent_id is None:
                return None
            editor = ApplicationEditor(self.ctx, details.parent_id, item.entity_id, self)
        else:
            from assist_desktop.ui.campaigns.editor import VisitEditor

            editor = VisitEditor(self.ctx, item.entity_id, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.open()  # type: ignore[attr-defined]
        self.editor = editor
        return editor

    # --- steps ---------------------------------------------------------------------------------------------

    def selection_money(self, chosen: list[PendingItem]) -> SelectionMoney:
        """The count and money of the chosen grants, from what the list loaded with them."""
        cash = sum(d.cash_fen for d in (self.details.get(i.entity_id) for i in chosen) if d)
        goods = sum(d.goods_fen for d in (self.details.get(i.entity_id) for i in chosen) if d)
        return SelectionMoney(len(chosen), cash, goods)

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
        if action is Action.approve and entity_type in MONEY_KINDS:
            money = self.selection_money(chosen)
            answer = QMessageBox.question(
                self, action.label, self.tr("Approve the chosen {0}: {1}?").format(
                    self.kind_titles[entity_type], money.text()),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        ids = [item.entity_id for item in chosen]
        today = self.ctx.today()

        def work(progress: Progress) -> BatchOutcome:
            with db.session() as session:
                return batches.take_each(session, user, entity_type, ids, action, opinion=opinion or None,
                                         today=today, progress=progress.report, cancelled=lambda: progress.cancelled)

        def finished(outcome: BatchOutcome) -> None:
            self.opinion.clear()
            self.show_outcome(outcome)
            if outcome.done:
                self.ctx.events.workflow_changed.emit()
                if entity_type == "hardship_file":
                    self.ctx.events.files_changed.emit([r.entity_id for r in outcome.done])

        self.op = run_op(self, work, on_done=finished, title=self.tr("{0}: {1} items").format(action.label, len(ids)))

    def show_outcome(self, outcome: BatchOutcome) -> None:
        """What the batch did, and each item it could not take with why."""
        self.last_outcome = outcome
        self.outcome_label.setText(outcome.summary() + (self.tr(" Not done, and why:") if outcome.not_taken else ""))
        self.outcome_label.setStyleSheet("color: #8a4b00;" if outcome.not_taken else "color: #2e7d32;")
        self.outcome_label.show()
        table = self.not_taken_table
        table.setRowCount(len(outcome.not_taken))
        for row, item in enumerate(outcome.not_taken):
            table.setItem(row, 0, QTableWidgetItem(item.label))
            table.setItem(row, 1, QTableWidgetItem(item.reason))
        table.resizeRowsToContents()
        table.setVisible(bool(outcome.not_taken))
