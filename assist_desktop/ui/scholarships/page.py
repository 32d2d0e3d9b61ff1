"""金秋助学: the round and its budget, the applications, steps on a selection, installments and payment.

At a city or province the chooser also holds the rounds the units below reported, labelled with their unit (the
local unit's own first, then each other unit's together); their applications, budget and export are shown, but
every action that writes is disabled, as for another unit's installments: only the owning unit changes its
records (DESIGN.md §6; the services refuse it too)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QSpinBox, QTableView, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from assist_desktop.domain.lifecycle import Action, GrantStatus, Role, grant_lifecycle
from assist_desktop.domain.money import format_amount
from assist_desktop.domain.policy import SCHOLARSHIP_LEVELS
from assist_desktop.services import approvals, batches, file_list, payments, scholarships
from assist_desktop.services.batches import SelectionMoney
from assist_desktop.services.scholarships import BudgetSummary, InstallmentDue, RoundInput
from assist_desktop.ui.background import Debouncer, Op, Progress, run_op, show_error
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.flow import FlowLayout
from assist_desktop.ui.keys import CtrlEndReachesTheEnd
from assist_desktop.ui.permissions import require_roles, set_enabled
from assist_desktop.ui.scholarships.dialogs import PayDialog, RoundDialog
from assist_desktop.ui.scholarships.model import ApplicationsModel
from assist_desktop.ui.notes import view_only_note

ENTITY = "scholarship"
# A round as the page holds it: (id, year, name, closed, version, apply_start, apply_end, budget_fen,
# requires_notice, owner_id, owner_name, own).
OWN = 11
DUE_UNIT_COLUMN = 7  # of the installments due: the unit an installment belongs to
STEPS = (Action.submit, Action.review, Action.put_on_notice, Action.approve, Action.return_to_draft, Action.cancel)
_COLOURS = {"paid": "#2e7d32", "approved": "#66bb6a", "continuing": "#8d6e63", "in_process": "#ffcc80"}


class BudgetBar(QWidget):
    """Paid, approved, continuing installments and applications still in the steps, against the budget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary: BudgetSummary | None = None
        self.setMinimumHeight(18)
        self.setMaximumHeight(18)

    def set_summary(self, summary: BudgetSummary | None) -> None:
        self.summary = summary
        self.update()

    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        p = QPainter(self)
        rect = self.rect().adjusted(0, 0, -1, -1)
        p.fillRect(rect, QColor("#eceff1"))
        s = self.summary
        if s is not None and s.budget_fen > 0:
            scale = rect.width() / max(s.budget_fen, s.planned_fen)
            x = float(rect.left())
            for key, fen in (("paid", s.paid_fen), ("approved", s.approved_fen), ("continuing", s.continuing_fen),
                             ("in_process", s.in_process_fen)):
                w = fen * scale
                p.fillRect(int(x), rect.top(), int(round(w)), rect.height(), QColor(_COLOURS[key]))
                x += w
            limit = int(rect.left() + s.budget_fen * scale)
            p.setPen(QColor("#c62828"))
            p.drawLine(limit, rect.top(), limit, rect.bottom())
        p.setPen(QColor("#90a4ae"))
        p.drawRect(rect)
        p.end()


class ScholarshipsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rounds: list[Any] = []
        self.summary: BudgetSummary | None = None
        self.installments: list[InstallmentDue] = []
        self.owners: dict[str, str] = {}  # unit id → name, of the units whose rounds are held here
        self.op: Op[Any] | None = None
        self.ops: list[Op[Any]] = []
        self.last_voucher = ""
        self.editor: QWidget | None = None
        layout = QVBoxLayout(self)

        # --- the round and its budget ---------------------------------------------------------------
        top = QHBoxLayout()
        heading = QLabel(self.tr("Golden Autumn scholarships"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("Round")))
        self.round_combo = QComboBox()
        self.round_combo.setObjectName("round")
        self.round_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.round_combo.currentIndexChanged.connect(self._round_changed)
        top.addWidget(self.round_combo)
        self.round_state = QLabel()
        self.round_state.setObjectName("round_state")
        self.round_state.setWordWrap(True)
        top.addWidget(self.round_state, 1)
        tools = FlowLayout()  # the buttons wrap onto a second line on a 1024×768 screen
        self.new_round_button = QPushButton(self.tr("New round…"))
        self.new_round_button.setObjectName("new_round")
        self.new_round_button.clicked.connect(lambda: self.edit_round(new=True))
        self.edit_round_button = QPushButton(self.tr("Edit round…"))
        self.edit_round_button.setObjectName("edit_round")
        self.edit_round_button.clicked.connect(lambda: self.edit_round(new=False))
        self.close_round_button = QPushButton(self.tr("Close round"))
        self.close_round_button.setObjectName("close_round")
        self.close_round_button.clicked.connect(self.toggle_round_closed)
        for button in (self.new_round_button, self.edit_round_button, self.close_round_button):
            require_roles(button, ctx.roles, Role.approver, Role.admin)  # shown, and who may use it said
            tools.addWidget(button)
        self.standards_button = QPushButton(self.tr("Standards…"))
        self.standards_button.setObjectName("standards")
        self.standards_button.setToolTip(self.tr("Amounts by level and household, and how each level is paid"))
        self.standards_button.clicked.connect(self.show_standards)
        tools.addWidget(self.standards_button)
        self.export_button = QPushButton(self.tr("Export list…"))
        self.export_button.setObjectName("export_list")
        self.export_button.setToolTip(self.tr("The scholarships as an Excel workbook"))
        self.export_button.clicked.connect(self.export_list)
        tools.addWidget(self.export_button)
        layout.addLayout(top)
        tools_row = QWidget()  # a line of their own, wrapping when the page is narrow
        tools_row.setLayout(tools)
        layout.addWidget(tools_row)
        self.owner_note = view_only_note()
        layout.addWidget(self.owner_note)
        self.budget_bar = BudgetBar()
        self.budget_bar.setObjectName("budget_bar")
        layout.addWidget(self.budget_bar)
        self.budget_text = QLabel()
        self.budget_text.setObjectName("budget_text")
        self.budget_text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.budget_text)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.addTab(self._build_applications(), self.tr("Applications"))
        self.tabs.addTab(self._build_installments(), self.tr("Installments due"))
        layout.addWidget(self.tabs, 1)
        self.voucher_label = QLabel()
        self.voucher_label.setObjectName("voucher")
        layout.addWidget(self.voucher_label)
        ctx.events.workflow_changed.connect(self.refresh)
        self.load_rounds()

    # --- applications tab -----------------------------------------------------------------------------

    def _build_applications(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Student name, initials, ID tail, application no. or school"))
        self._debounce = Debouncer(300, self._query_changed, self)
        self.search.textChanged.connect(lambda _t: self._debounce.poke())
        bar.addWidget(self.search, 2)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("status_filter")
        self.status_filter.addItem(self.tr("All statuses"), "")
        for status in GrantStatus:
            self.status_filter.addItem(status.label, status.value)
        self.status_filter.currentIndexChanged.connect(self._query_changed)
        bar.addWidget(self.status_filter)
        self.level_filter = QComboBox()
        self.level_filter.setObjectName("level_filter")
        self.level_filter.addItem(self.tr("All levels"), "")
        for key, label in SCHOLARSHIP_LEVELS.items():
            self.level_filter.addItem(label, key)
        self.level_filter.currentIndexChanged.connect(self._query_changed)
        bar.addWidget(self.level_filter)
        self.school_filter = QLineEdit()
        self.school_filter.setObjectName("school_filter")
        self.school_filter.setPlaceholderText(self.tr("School"))
        self.school_filter.textChanged.connect(lambda _t: self._debounce.poke())
        bar.addWidget(self.school_filter, 1)
        self.unit_filter = QComboBox()
        self.unit_filter.setObjectName("unit_filter")
        self.unit_filter.addItem(self.tr("All unions"), "")
        self.unit_filter.currentIndexChanged.connect(self._query_changed)
        bar.addWidget(self.unit_filter)
        layout.addLayout(bar)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        layout.addWidget(self.count_label)
        self.model = ApplicationsModel(self.ctx.db, self.ctx.user, self)
        self.model.searched.connect(self._searched)
        self.model.failed.connect(lambda exc: show_error(self, exc))
        self.table = QTableView()
        self.table.setObjectName("applications")
        self.table.setModel(self.model)
        self.ctrl_end = CtrlEndReachesTheEnd(self.table, lambda: self.model.fetchMore(QModelIndex()),
                                             lambda: self.model.total)  # Ctrl+End: the last application
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.open_application())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Opinion")))
        self.opinion = QLineEdit()
        self.opinion.setObjectName("opinion")
        self.opinion.setPlaceholderText(self.tr("Written into the approval record (required to send back or cancel)"))
        row.addWidget(self.opinion, 1)
        layout.addLayout(row)
        buttons = FlowLayout()  # wraps on a narrow screen
        self.new_button = QPushButton(self.tr("New application…"))
        self.new_button.setObjectName("new_application")
        self.new_button.clicked.connect(self.new_application)
        require_roles(self.new_button, self.ctx.roles, Role.clerk)
        buttons.addWidget(self.new_button)
        self.open_button = QPushButton(self.tr("Open…"))
        self.open_button.setObjectName("open_application")
        self.open_button.clicked.connect(lambda: self.open_application())
        buttons.addWidget(self.open_button)
        self.step_buttons: dict[Action, QPushButton] = {}
        for action in STEPS:
            button = QPushButton(action.label)
            button.setObjectName(f"step_{action.value}")
            button.clicked.connect(lambda _=False, a=action: self.take_step(a))
            require_roles(button, self.ctx.roles, *[r for r in Role if r in grant_lifecycle(True).roles_for(action)])
            buttons.addWidget(button)
            self.step_buttons[action] = button
        self.pay_button = QPushButton(self.tr("Pay one-off…"))
        self.pay_button.setObjectName("pay_one_off")
        self.pay_button.clicked.connect(lambda: self.pay_selected())
        require_roles(self.pay_button, self.ctx.roles, Role.clerk)
        buttons.addWidget(self.pay_button)
        layout.addLayout(buttons)
        self._update_buttons()
        return page

    # --- installments tab ---------------------------------------------------------------------------

    def _build_installments(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Due up to the year")))
        self.due_year = QSpinBox()
        self.due_year.setObjectName("due_year")
        self.due_year.setRange(2000, 2100)
        self.due_year.setValue(self.ctx.today().year)
        self.due_year.valueChanged.connect(lambda _v: self.load_installments())
        bar.addWidget(self.due_year)
        self.due_count = QLabel()
        self.due_count.setObjectName("due_count")
        bar.addWidget(self.due_count)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.due_table = QTableWidget(0, 8)
        self.due_table.setObjectName("installments")
        self.due_table.setHorizontalHeaderLabels([
            self.tr("Application no."), self.tr("Student"), self.tr("School"), self.tr("Study year"),
            self.tr("Calendar year"), self.tr("Amount (yuan)"), self.tr("State"), self.tr("Reporting unit")])
        self.due_table.setColumnHidden(DUE_UNIT_COLUMN, True)  # shown where other units' installments are held
        self.due_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.due_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.due_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.due_table.verticalHeader().setVisible(False)
        self.due_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.due_table.horizontalHeader().setStretchLastSection(True)
        self.due_table.itemSelectionChanged.connect(self._update_due_buttons)
        layout.addWidget(self.due_table, 1)
        buttons = QHBoxLayout()
        self.enrolled_button = QPushButton(self.tr("Still at school"))
        self.enrolled_button.setObjectName("still_enrolled")
        self.enrolled_button.clicked.connect(lambda: self.check_enrolment(True))
        self.left_button = QPushButton(self.tr("Left school…"))
        self.left_button.setObjectName("left_school")
        self.left_button.clicked.connect(lambda: self.check_enrolment(False))
        self.pay_due_button = QPushButton(self.tr("Pay…"))
        self.pay_due_button.setObjectName("pay_installment")
        self.pay_due_button.clicked.connect(lambda: self.pay_installment())
        for button in (self.enrolled_button, self.left_button, self.pay_due_button):
            buttons.addWidget(button)
        require_roles(self.pay_due_button, self.ctx.roles, Role.clerk)
        require_roles(self.enrolled_button, self.ctx.roles, Role.clerk, Role.reviewer)
        require_roles(self.left_button, self.ctx.roles, Role.clerk, Role.reviewer)
        self.due_note = QLabel()
        self.due_note.setObjectName("due_note")
        self.due_note.setStyleSheet("color: #8a6d00;")
        buttons.addWidget(self.due_note)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._update_due_buttons()
        return page

    # --- loading -------------------------------------------------------------------------------------

    def _run(self, work: Any, done: Any, *, title: str = "", progress: bool = False) -> None:
        self.op = run_op(self, work, on_done=done, title=title, show_progress=progress)
        self.ops.append(self.op)

    def idle(self) -> bool:
        return all(op.done for op in self.ops) and not self.model.busy

    def load_rounds(self, select_id: str | None = None) -> None:
        db, local_id = self.ctx.db, self.ctx.unit.id

        def work(_p: Progress) -> tuple[list[Any], list[Any]]:
            with db.session() as s:
                owners = scholarships.owner_names(s)
                rows = [(r.id, r.year, r.name, r.closed, r.version, r.apply_start, r.apply_end, r.budget_fen,
                         r.requires_notice, r.owner_unit_id, owners.get(r.owner_unit_id, ""),
                         r.owner_unit_id == local_id) for r in scholarships.rounds(s)]
                # the local unit's own first (newest first), then each other unit's together, in code order
                rank = {unit_id: n for n, unit_id in enumerate(owners)}
                rows.sort(key=lambda r: (not r[OWN], rank.get(r[9], len(rank)), -r[1]))
                return rows, file_list.unit_choices(s)

        def done(result: tuple[list[Any], list[Any]]) -> None:
            rows, units = result
            self._set_units(units)
            current = select_id or self.round_id()
            self.rounds = rows
            self.round_combo.blockSignals(True)
            self.round_combo.clear()
            for n, row in enumerate(rows):
                if n and row[9] != rows[n - 1][9]:
                    self.round_combo.insertSeparator(self.round_combo.count())
                self.round_combo.addItem(self.round_label(row), row[0])
            index = self.round_combo.findData(current) if current else -1
            self.round_combo.setCurrentIndex(index if index >= 0 else (0 if rows else -1))
            self.round_combo.blockSignals(False)
            self._round_changed()

        self._run(work, done)

    def _set_units(self, units: list[Any]) -> None:
        chosen = self.unit_filter.currentData()
        self.unit_filter.blockSignals(True)
        while self.unit_filter.count() > 1:
            self.unit_filter.removeItem(1)
        for unit in units:
            self.unit_filter.addItem(unit.name, unit.id)
        index = self.unit_filter.findData(chosen) if chosen else 0
        self.unit_filter.setCurrentIndex(max(0, index))
        self.unit_filter.blockSignals(False)

    def round_label(self, row: tuple) -> str:
        """The round's name in the chooser; another unit's round carries the unit's name."""
        name, closed, owner, own = row[2], row[3], row[10], row[OWN]
        if own:
            return name + (self.tr(" (closed)") if closed else "")
        if closed:
            return self.tr("{0} ({1}, closed)").format(name, owner)
        return self.tr("{0} ({1})").format(name, owner)

    def own(self) -> bool:
        """The chosen round is the local unit's (or none is chosen): the actions that write are offered."""
        rnd = self._round()
        return rnd is None or rnd[OWN]

    def round_id(self) -> str | None:
        data = self.round_combo.currentData()
        return data or None

    def _round(self) -> tuple | None:
        rid = self.round_id()
        return next((r for r in self.rounds if r[0] == rid), None)

    def _round_changed(self, *_a: object) -> None:
        rnd = self._round()
        if rnd is None:
            self.round_state.setText(self.tr("No round yet"))
        else:
            _id, _year, _name, closed, _v, start, end, _b, notice, *_owner = rnd
            state = self.tr("closed") if closed else self.tr("open")
            self.round_state.setText(self.tr("Applications {0} – {1}, {2}{3}").format(
                start.isoformat(), end.isoformat(), state, self.tr(", list posted before approval") if notice else ""))
        own = self.own()
        set_enabled(self.edit_round_button, rnd is not None and not rnd[3] and own)
        set_enabled(self.close_round_button, rnd is not None and own)
        self.close_round_button.setText(self.tr("Reopen round") if rnd and rnd[3] else self.tr("Close round"))
        set_enabled(self.new_button, rnd is not None and not rnd[3] and own)
        self.standards_button.setEnabled(own)
        self.opinion.setEnabled(own)
        if rnd is not None and not own:
            self.owner_note.setText(self.tr("This round belongs to {0}: here it can only be viewed (the budget, the "
                                            "applications and their export); that unit makes every change and step."
                                            ).format(rnd[10]))
        self.owner_note.setVisible(not own)
        self._update_buttons()
        self._query_changed()
        self.load_budget()

    def _query_changed(self, *_a: object) -> None:
        status = self.status_filter.currentData()
        level = self.level_filter.currentData()
        self.model.set_query(replace(self.model.query, round_id=self.round_id() or "-", text=self.search.text(),
                                     status=(status,) if status else (), level=(level,) if level else (),
                                     school=self.school_filter.text().strip(),
                                     unit=self.unit_filter.currentData() or ""))

    def _searched(self, total: int) -> None:
        self.count_label.setText(self.tr("{0} applications").format(total))
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def load_budget(self) -> None:
        rid, db = self.round_id(), self.ctx.db
        if rid is None:
            self.summary = None
            self.budget_bar.set_summary(None)
            self.budget_text.setText("")
            return

        def work(_p: Progress) -> BudgetSummary:
            with db.session() as s:
                return scholarships.budget_summary(s, rid)

        def done(summary: BudgetSummary) -> None:
            self.summary = summary
            self.budget_bar.set_summary(summary)
            text = self.tr("Budget <b>{0}</b> · planned {1} · approved {2} · paid {3} · earlier plans {4} · "
                           "remaining <b>{5}</b> yuan").format(
                format_amount(summary.budget_fen), format_amount(summary.planned_fen),
                format_amount(summary.approved_fen), format_amount(summary.paid_fen),
                format_amount(summary.continuing_fen), format_amount(summary.remaining_fen))
            if summary.over_if_all_approved_fen:
                text += self.tr(" — <span style='color:#c62828'>{0} yuan over if all were approved</span>").format(
                    format_amount(summary.over_if_all_approved_fen))
            self.budget_text.setText(text)

        self._run(work, done)

    def load_installments(self) -> None:
        db, user, year = self.ctx.db, self.ctx.user, self.due_year.value()

        def work(_p: Progress) -> tuple[list[InstallmentDue], dict[str, str]]:
            with db.session() as s:
                return scholarships.installments_due(s, user, year), scholarships.owner_names(s)

        def done(result: tuple[list[InstallmentDue], dict[str, str]]) -> None:
            rows, owners = result
            self.installments = rows
            self.owners = owners
            local_id = self.ctx.unit.id
            self.due_table.setRowCount(len(rows))
            self.due_table.setColumnHidden(DUE_UNIT_COLUMN, all(i.owner_unit_id == local_id for i in rows))
            for r, item in enumerate(rows):
                unit = (self.tr("this unit") if item.owner_unit_id == local_id
                        else owners.get(item.owner_unit_id, item.owner_unit_id))
                values = (item.application_no, f"{item.student_name}（{item.masked_id}）", item.school,
                          str(item.year_index), str(item.academic_year), format_amount(item.amount_fen),
                          item.status_label, unit)
                for c, value in enumerate(values):
                    cell = QTableWidgetItem(value)
                    cell.setData(Qt.ItemDataRole.UserRole, item.id)
                    self.due_table.setItem(r, c, cell)
            self.due_count.setText(self.tr("{0} installments to check or pay").format(len(rows)))
            self._update_due_buttons()

        self._run(work, done)

    def refresh(self) -> None:
        self.model.refresh()
        self.load_budget()
        self.load_installments()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if not self.installments and self.due_table.rowCount() == 0:
            self.load_installments()

    # --- rounds ---------------------------------------------------------------------------------------

    def edit_round(self, *, new: bool, exec_dialog: bool = True) -> RoundDialog | None:
        rnd = None if new else self._round()
        if rnd is not None and not rnd[OWN]:
            return None  # another unit's round is only viewed here
        initial = None
        if rnd is not None:
            rid, year, name, _closed, version, start, end, budget, notice, *_owner = rnd
            initial = RoundInput(year, start, end, budget, name, notice)
        dialog = RoundDialog(self.ctx, self, round_id=rnd[0] if rnd else None, version=rnd[4] if rnd else None,
                             initial=initial)
        dialog.accepted.connect(lambda: self.load_rounds(dialog.saved_id))
        if exec_dialog:
            dialog.open()
        return dialog

    def show_standards(self) -> QWidget:
        """The standards table of the round's year (editable by the administrator)."""
        from assist_desktop.domain.policy import SCHOLARSHIP
        from assist_desktop.ui.standards.dialog import open_standards

        rnd = self._round()
        return open_standards(self.ctx, SCHOLARSHIP, rnd[1] if rnd else self.ctx.today().year, self)

    def export_list(self) -> QWidget:
        """The round's scholarship list (or every round's) as an Excel workbook."""
        from assist_desktop.ui.ledger import open_export

        rnd = self._round()
        scopes = ([(rnd[2], {"round_id": rnd[0]})] if rnd else []) + [(self.tr("All rounds"), {})]
        return open_export(self.ctx, self, "scholarships", scopes)

    def toggle_round_closed(self) -> None:
        rnd = self._round()
        if rnd is None or not rnd[OWN]:
            return
        rid, closed, version, db, user = rnd[0], not rnd[3], rnd[4], self.ctx.db, self.ctx.user

        def work(_p: Progress) -> None:
            with db.session() as s:
                scholarships.set_round_closed(s, user, rid, closed, expected_version=version)

        self._run(work, lambda _r: self.load_rounds(rid))

    # --- applications -------------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [r.id for r in (self.model.row(i) for i in rows) if r is not None]

    def _selected_rows(self) -> list[Any]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [r for r in (self.model.row(i) for i in rows) if r is not None]

    def _update_buttons(self) -> None:
        chosen = self._selected_rows()
        own = self.own()
        for button in self.step_buttons.values():
            set_enabled(button, bool(chosen) and own)
        self.open_button.setEnabled(len(chosen) == 1)
        set_enabled(self.pay_button, len(chosen) == 1 and chosen[0].status == GrantStatus.approved.value
                    and chosen[0].plan == "one_off" and own)

    def new_application(self) -> QWidget | None:
        return self._editor(None) if self.own() else None

    def open_application(self, scholarship_id: str | None = None) -> QWidget | None:
        sid = scholarship_id or next(iter(self.selected_ids()), None)
        return self._editor(sid) if sid else None

    def _editor(self, scholarship_id: str | None) -> QWidget | None:
        rid = self.round_id()
        if rid is None:
            return None
        from assist_desktop.ui.scholarships.editor import ApplicationEditor

        editor = ApplicationEditor(self.ctx, rid, scholarship_id, self)
        editor.saved.connect(lambda _sid: self.refresh())
        editor.open()
        self.editor = editor
        return editor

    def take_step(self, action: Action, ids: list[str] | None = None, opinion: str | None = None,
                  confirmed: bool = False) -> None:
        """The step on the chosen applications, all or none; approving first shows their count and money
        and asks once (``confirmed`` stands for that answer)."""
        ids = ids if ids is not None else self.selected_ids()
        if not ids or not self.own():
            return
        opinion = (opinion if opinion is not None else self.opinion.text()).strip()
        if action in (Action.return_to_draft, Action.cancel) and not opinion:
            opinion, ok = QInputDialog.getText(self, action.label, self.tr("Reason:"))
            if not ok or not opinion.strip():
                return
        if action is Action.approve and not confirmed:
            db = self.ctx.db

            def count(_p: Progress) -> SelectionMoney:
                with db.session() as s:
                    return batches.selection_money(s, ENTITY, ids)

            def ask(money: SelectionMoney) -> None:
                answer = QMessageBox.question(
                    self, action.label, self.tr("Approve the chosen applications: {0}?").format(money.text()),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
                if answer == QMessageBox.StandardButton.Yes:
                    self.take_step(action, ids, opinion, confirmed=True)

            self._run(count, ask)
            return
        db, user, today = self.ctx.db, self.ctx.user, self.ctx.today()

        def work(progress: Progress) -> int:
            if action is Action.cancel:
                for index, sid in enumerate(ids, start=1):
                    progress.check()
                    with db.session() as s:
                        scholarships.cancel(s, user, sid, opinion, today=today)
                    progress.report(index, len(ids))
                return len(ids)
            with db.session() as s:
                if action is Action.approve:
                    done = scholarships.approve_many(s, user, ids, opinion=opinion or None, today=today,
                                                     progress=progress.report, cancelled=lambda: progress.cancelled)
                else:
                    done = approvals.act_many(s, user, ENTITY, ids, action, opinion=opinion or None, today=today,
                                              progress=progress.report, cancelled=lambda: progress.cancelled)
            return len(done)

        def finished(count: int) -> None:
            self.opinion.clear()
            self.voucher_label.setText(self.tr("{0}: {1} applications done.").format(action.label, count))
            self.ctx.events.workflow_changed.emit()

        self.op = run_op(self, work, on_done=finished, title=self.tr("{0}: {1} applications").format(action.label,
                                                                                                      len(ids)))
        self.ops.append(self.op)

    # --- payment and enrolment -----------------------------------------------------------------------

    def _pay(self, grant_type: str, grant_id: str, what: str, amount_fen: int, version: int,
             how: tuple[str, date, str | None] | None) -> None:
        if how is None:
            dialog = PayDialog(what, format_amount(amount_fen), self, today=self.ctx.today())
            if dialog.exec() != PayDialog.DialogCode.Accepted:
                return
            how = dialog.values()
        method, paid_on, account = how
        db, user, today = self.ctx.db, self.ctx.user, self.ctx.today()

        def work(_p: Progress) -> tuple[str, str]:
            with db.session() as s:
                d = payments.pay(s, user, grant_type, grant_id, paid_on=paid_on, method=method, bank_account=account,
                                 expected_version=version, today=today)
                return d.voucher_no, format_amount(d.amount_fen)

        def done(result: tuple[str, str]) -> None:
            self.last_voucher = result[0]
            self.voucher_label.setText(self.tr("Paid {0} yuan to {1}: voucher no. {2}").format(result[1], what,
                                                                                                result[0]))
            self.ctx.events.workflow_changed.emit()

        self._run(work, done, title=self.tr("Paying"), progress=True)

    def pay_selected(self, how: tuple[str, date, str | None] | None = None) -> None:
        chosen = self._selected_rows()
        if len(chosen) != 1 or not self.own():
            return
        row = chosen[0]
        self._pay("scholarship", row.id, row.student_name, row.amount_fen, row.version, how)

    def _current_installment(self) -> InstallmentDue | None:
        rows = {i.row() for i in self.due_table.selectionModel().selectedRows()}
        row = next(iter(rows), -1)
        return self.installments[row] if 0 <= row < len(self.installments) else None

    def _own_installment(self, item: InstallmentDue | None) -> bool:
        """Another unit's installment (a county's, at the city) is listed but only its unit acts on it."""
        return item is not None and item.owner_unit_id in ("", self.ctx.unit.id)

    def _update_due_buttons(self) -> None:
        item = self._current_installment()
        own = self._own_installment(item)
        status = item.status if item is not None and own else None
        set_enabled(self.enrolled_button, status == "pending")
        set_enabled(self.left_button, status == "pending")
        set_enabled(self.pay_due_button, status == "released")
        if item is not None and not own:
            owner = self.owners.get(item.owner_unit_id, "")
            self.due_note.setText(self.tr("This installment belongs to {0}: view only here.").format(owner))
        else:
            self.due_note.setText("")

    def pay_installment(self, how: tuple[str, date, str | None] | None = None) -> None:
        item = self._current_installment()
        if item is not None and self._own_installment(item):
            what = self.tr("{0}, study year {1}").format(item.student_name, item.year_index)
            self._pay("installment", item.id, what, item.amount_fen, item.version, how)

    def check_enrolment(self, still: bool, note: str | None = None) -> None:
        item = self._current_installment()
        if item is None or not self._own_installment(item):
            return
        if not still and note is None:
            note, ok = QInputDialog.getText(self, self.tr("Left school"), self.tr("Why (left, suspended, moved):"))
            if not ok:
                return
        db, user, today = self.ctx.db, self.ctx.user, self.ctx.today()

        def work(_p: Progress) -> None:
            with db.session() as s:
                scholarships.check_enrolment(s, user, item.id, checked_on=today, still_enrolled=still,
                                             note=note, expected_version=item.version, today=today)

        self._run(work, lambda _r: self.ctx.events.workflow_changed.emit())
