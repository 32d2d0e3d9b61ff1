"""春节送温暖: the campaign and its budget, the dashboard, the visit list with steps on a selection, the
campaigns of every year.

At a city or province the chooser also holds the campaigns the units below reported, labelled with their unit
(the local unit's own first, then each other unit's together): such a campaign is shown — its dashboard, its
list and the list's export — but every action that writes is disabled, since only its own unit changes it
(DESIGN.md §6; the services refuse it too)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QScrollArea, QTableView, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Action, GrantStatus, Role
from assist_desktop.domain.money import format_amount
from assist_desktop.domain.policy import SPRING_FESTIVAL
from assist_desktop.services import batches, campaigns, file_list
from assist_desktop.services.batches import SelectionMoney
from assist_desktop.services.campaigns import GROUPS, CampaignDashboard
from assist_desktop.ui.background import Debouncer, Op, Progress, run_op, show_error
from assist_desktop.ui.campaigns.dashboard import DashboardView, MoneyBar
from assist_desktop.ui.campaigns.dialogs import CampaignDialog, VisitPayDialog
from assist_desktop.ui.campaigns.model import COLUMNS, VisitQuery, VisitsModel, status_labels
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.flow import FlowLayout
from assist_desktop.ui.keys import CtrlEndReachesTheEnd
from assist_desktop.ui.permissions import require_roles, set_enabled
from assist_desktop.ui.notes import view_only_note

# The steps of the list, in the order a caseworker works, and who takes each.
STEPS = ("submit", "review", "approve", "return_to_draft", "remove", "pay")
STEP_ROLES = {"submit": (Role.clerk,), "review": (Role.reviewer,), "approve": (Role.approver,),
              "return_to_draft": (Role.reviewer, Role.approver), "remove": (Role.clerk, Role.reviewer, Role.approver),
              "pay": (Role.clerk,)}
NEEDS_REASON = frozenset({"return_to_draft", "remove"})
ALL = 10**9  # "every match" as a page size for list_visits (ids only)
DASHBOARD, VISITS, CAMPAIGNS = range(3)
UNIT_COLUMN = 8  # of the campaign list: the unit a campaign belongs to


@dataclass(frozen=True)
class CampaignItem:
    id: str
    year: int
    name: str
    visit_start: date
    visit_end: date
    closed: bool
    version: int
    budget_fen: int
    sources: tuple[tuple[str, int], ...]
    households: int  # on the list (not removed)
    paid: int
    owner_id: str = ""
    owner_name: str = ""
    own: bool = True  # False: another unit's campaign (a county's, at the city): view only here


class CampaignsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.items: list[CampaignItem] = []
        self.board: CampaignDashboard | None = None
        self.ops: list[Op[Any]] = []
        self.op: Op[Any] | None = None
        self.dialog: QDialog | None = None
        self.editor: QDialog | None = None
        self.wizard: QDialog | None = None
        self.all_matches = False
        self._selecting = False
        self.last_done = ""
        self.labels = status_labels()
        layout = QVBoxLayout(self)

        # --- the campaign and its budget -------------------------------------------------------------
        top = QHBoxLayout()
        heading = QLabel(self.tr("Spring Festival visits"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        top.addWidget(heading)
        top.addSpacing(16)
        top.addWidget(QLabel(self.tr("Campaign")))
        self.campaign_combo = QComboBox()
        self.campaign_combo.setObjectName("campaign")
        # the whole name shows (a 40-character campaign name included); the row gives way elsewhere
        self.campaign_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.campaign_combo.currentIndexChanged.connect(self._campaign_changed)
        top.addWidget(self.campaign_combo)
        self.campaign_state = QLabel()
        self.campaign_state.setObjectName("campaign_state")
        self.campaign_state.setWordWrap(True)
        top.addWidget(self.campaign_state, 1)
        tools = FlowLayout()  # the buttons wrap onto a second line on a 1024×768 screen
        self.new_campaign_button = QPushButton(self.tr("New campaign…"))
        self.new_campaign_button.setObjectName("new_campaign")
        self.new_campaign_button.clicked.connect(lambda: self.edit_campaign(new=True))
        self.edit_campaign_button = QPushButton(self.tr("Edit campaign…"))
        self.edit_campaign_button.setObjectName("edit_campaign")
        self.edit_campaign_button.clicked.connect(lambda: self.edit_campaign(new=False))
        self.close_campaign_button = QPushButton(self.tr("End campaign"))
        self.close_campaign_button.setObjectName("close_campaign")
        self.close_campaign_button.clicked.connect(self.toggle_closed)
        for button in (self.new_campaign_button, self.edit_campaign_button, self.close_campaign_button):
            require_roles(button, ctx.roles, Role.approver, Role.admin)  # shown, and who may use it said
            tools.addWidget(button)
        self.standards_button = QPushButton(self.tr("Standards…"))
        self.standards_button.setObjectName("standards")
        self.standards_button.setToolTip(self.tr("Cash and goods per household by group, year by year"))
        self.standards_button.clicked.connect(self.show_standards)
        tools.addWidget(self.standards_button)
        self.export_button = QPushButton(self.tr("Export list…"))
        self.export_button.setObjectName("export_list")
        self.export_button.setToolTip(self.tr("The visit list with its totals as an Excel workbook"))
        self.export_button.clicked.connect(self.export_list)
        tools.addWidget(self.export_button)
        layout.addLayout(top)
        tools_row = QWidget()  # a line of their own, wrapping when the page is narrow
        tools_row.setLayout(tools)
        layout.addWidget(tools_row)
        self.owner_note = view_only_note()
        layout.addWidget(self.owner_note)
        self.budget_bar = MoneyBar(height=18)
        self.budget_bar.setObjectName("budget_bar")
        layout.addWidget(self.budget_bar)
        self.budget_text = QLabel()
        self.budget_text.setObjectName("budget_text")
        self.budget_text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.budget_text)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.dashboard = DashboardView()
        self.dashboard.setObjectName("dashboard")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.dashboard)
        self.tabs.addTab(scroll, self.tr("Overview"))
        self.tabs.addTab(self._build_visits(), self.tr("Visit list"))
        self.tabs.addTab(self._build_campaigns(), self.tr("All campaigns"))
        layout.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(lambda index: index == CAMPAIGNS and self.load_campaigns())
        ctx.events.workflow_changed.connect(self.refresh)
        self.load_campaigns()

    # --- the visit list tab -----------------------------------------------------------------------------

    def _build_visits(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Name, ID tail, unit or cadre"))
        self._debounce = Debouncer(300, self._query_changed, self)
        self.search.textChanged.connect(lambda _t: self._debounce.poke())
        bar.addWidget(self.search, 2)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("status_filter")
        self.status_filter.addItem(self.tr("All steps"), "")
        self.status_filter.addItem(self.tr("Planned (draft)"), GrantStatus.draft.value)
        for status in (GrantStatus.submitted, GrantStatus.reviewed, GrantStatus.approved, GrantStatus.paid,
                       GrantStatus.cancelled):
            self.status_filter.addItem(self.labels[status.value], status.value)
        self.status_filter.currentIndexChanged.connect(self._query_changed)
        bar.addWidget(self.status_filter)
        self.group_filter = QComboBox()
        self.group_filter.setObjectName("group_filter")
        self.group_filter.addItem(self.tr("All groups"), "")
        for key, label in GROUPS.items():
            self.group_filter.addItem(label, key)
        self.group_filter.currentIndexChanged.connect(self._query_changed)
        bar.addWidget(self.group_filter)
        self.unit_filter = QComboBox()
        self.unit_filter.setObjectName("unit_filter")
        self.unit_filter.addItem(self.tr("All unions"), "")
        self.unit_filter.currentIndexChanged.connect(self._query_changed)
        bar.addWidget(self.unit_filter)
        self.cadre_filter = QLineEdit()
        self.cadre_filter.setObjectName("cadre_filter")
        self.cadre_filter.setClearButtonEnabled(True)
        self.cadre_filter.setPlaceholderText(self.tr("Cadre"))
        self.cadre_filter.textChanged.connect(lambda _t: self._debounce.poke())
        bar.addWidget(self.cadre_filter, 1)
        self.visited_filter = QComboBox()
        self.visited_filter.setObjectName("visited_filter")
        self.visited_filter.addItem(self.tr("Visited or not"), None)
        self.visited_filter.addItem(self.tr("Visited"), True)
        self.visited_filter.addItem(self.tr("Not yet visited"), False)
        self.visited_filter.currentIndexChanged.connect(self._query_changed)
        bar.addWidget(self.visited_filter)
        layout.addLayout(bar)

        counts = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        counts.addWidget(self.count_label)
        self.select_all_button = QPushButton()
        self.select_all_button.setObjectName("select_all")
        self.select_all_button.setFlat(True)
        self.select_all_button.setStyleSheet("color: #1a73e8; text-decoration: underline;")
        self.select_all_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.select_all_button.clicked.connect(self.select_all_matches)
        counts.addWidget(self.select_all_button)
        counts.addStretch(1)
        self.selection_label = QLabel()
        self.selection_label.setObjectName("selection")
        counts.addWidget(self.selection_label)
        layout.addLayout(counts)

        self.model = VisitsModel(self.ctx.db, self.ctx.user, self)
        self.model.searched.connect(self._searched)
        self.model.failed.connect(lambda exc: show_error(self, exc))
        self.table = QTableView()
        self.table.setObjectName("visits")
        self.table.setModel(self.model)
        self.ctrl_end = CtrlEndReachesTheEnd(self.table, lambda: self.model.fetchMore(QModelIndex()),
                                             lambda: self.model.total)  # Ctrl+End: the last household
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        metrics = self.table.fontMetrics()
        widest = {"recipient": "欧阳秀英（6108**********1234）", "group": "节日坚守岗位职工", "unit": "四十里铺镇总工会",
                  "status": "已走访，待发放", "cash": "慰问金（元）", "goods": "慰问品（元）", "total": "20,000.00 *",
                  "source": "上级工会拨款", "cadres": "张国强、王建军", "planned_date": "2027-01-10",
                  "actual_date": "2027-01-10", "photo": "照片", "voucher": "610826-2027-V000001"}
        for column, key in enumerate(COLUMNS):
            self.table.setColumnWidth(column, metrics.horizontalAdvance(widest[key]) + 22)
        self.table.activated.connect(lambda _i: self.open_visit())  # double-click or Enter
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        layout.addWidget(self.table, 1)

        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Opinion")))
        self.opinion = QLineEdit()
        self.opinion.setObjectName("opinion")
        self.opinion.setPlaceholderText(self.tr("Written into the approval record (the reason, to send back or "
                                                "remove from the list)"))
        row.addWidget(self.opinion, 1)
        layout.addLayout(row)

        buttons = FlowLayout()  # wraps on a narrow screen
        clerk = self.ctx.has(Role.clerk)
        self.add_button = QPushButton(self.tr("Add by hand…"))
        self.add_button.setObjectName("add_visit")
        self.add_button.clicked.connect(lambda: self.add_visit())
        self.generate_button = QPushButton(self.tr("Generate the list…"))
        self.generate_button.setObjectName("generate")
        self.generate_button.clicked.connect(lambda: self.open_wizard())
        for button in (self.add_button, self.generate_button):
            button.setVisible(clerk)
            buttons.addWidget(button)
        self.open_button = QPushButton(self.tr("Open…"))
        self.open_button.setObjectName("open_visit")
        self.open_button.clicked.connect(lambda: self.open_visit())
        buttons.addWidget(self.open_button)
        texts = {"submit": Action.submit.label, "review": Action.review.label, "approve": Action.approve.label,
                 "return_to_draft": Action.return_to_draft.label, "remove": self.tr("Remove from the list…"),
                 "pay": self.tr("Pay…")}
        tips = {"submit": self.tr("Send the chosen households for review"),
                "review": self.tr("Reviewed: pass them to the chair"),
                "approve": self.tr("Approve: checked against each fund source and the budget; all or none"),
                "return_to_draft": self.tr("Send back to the clerk with a reason"),
                "remove": self.tr("Take the households off the list, with a reason (kept in the record)"),
                "pay": self.tr("Pay the cash of approved visits, each on its own voucher")}
        self.step_buttons: dict[str, QPushButton] = {}
        for step in STEPS:
            button = QPushButton(texts[step])
            button.setObjectName(f"step_{step}")
            button.setToolTip(tips[step])
            button.clicked.connect(lambda _=False, s=step: self.take_step(s))
            button.setVisible(any(self.ctx.has(r) for r in STEP_ROLES[step]))
            buttons.addWidget(button)
            self.step_buttons[step] = button
        layout.addLayout(buttons)
        self.result_label = QLabel()
        self.result_label.setObjectName("result")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        self._update_buttons()
        return page

    def _build_campaigns(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.campaign_table = QTableWidget(0, 9)
        self.campaign_table.setObjectName("campaign_list")
        self.campaign_table.setHorizontalHeaderLabels([
            self.tr("Year"), self.tr("Campaign"), self.tr("Visit period"), self.tr("Budget (yuan)"),
            self.tr("Fund sources"), self.tr("Households on the list"), self.tr("Paid"), self.tr("State"),
            self.tr("Reporting unit")])
        self.campaign_table.setColumnHidden(UNIT_COLUMN, True)  # shown where other units' campaigns are held
        self.campaign_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.campaign_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.campaign_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.campaign_table.verticalHeader().setVisible(False)
        header = self.campaign_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.campaign_table.doubleClicked.connect(self._campaign_picked)
        layout.addWidget(self.campaign_table, 1)
        hint = QLabel(self.tr("Double-click a campaign to open it."))
        hint.setStyleSheet("color: #5f6368;")
        layout.addWidget(hint)
        return page

    # --- background ------------------------------------------------------------------------------------

    def _run(self, work: Any, done: Any, **kwargs: Any) -> Op[Any]:
        kwargs.setdefault("show_progress", False)
        op = run_op(self, work, on_done=done, **kwargs)
        self.ops = [o for o in self.ops if not o.done] + [op]
        self.op = op
        return op

    def idle(self) -> bool:
        return all(op.done for op in self.ops) and not self.model.busy

    # --- campaigns -------------------------------------------------------------------------------------

    def load_campaigns(self, select_id: str | None = None) -> None:
        db, user, local_id = self.ctx.db, self.ctx.user, self.ctx.unit.id
        live = tuple(s for s in self.labels if s != "cancelled")

        def work(_p: Progress) -> tuple[list[CampaignItem], list[Any]]:
            with db.session() as s:
                items = []
                owners = campaigns.owner_names(s)
                for c in campaigns.campaigns(s):
                    households = campaigns.list_visits(s, user, campaign_id=c.id, status=live, limit=0)[0]
                    paid = campaigns.list_visits(s, user, campaign_id=c.id, status="paid", limit=0)[0]
                    items.append(CampaignItem(c.id, c.year, c.name, c.visit_start, c.visit_end, c.closed, c.version,
                                              c.budget_fen, tuple((f.name, f.amount_fen) for f in
                                                                  campaigns.fund_sources(s, c.id)), households, paid,
                                              c.owner_unit_id, owners.get(c.owner_unit_id, ""),
                                              c.owner_unit_id == local_id))
                # the local unit's own first (newest first), then each other unit's together, in code order
                rank = {unit_id: n for n, unit_id in enumerate(owners)}
                items.sort(key=lambda i: (not i.own, rank.get(i.owner_id, len(rank)), -i.year))
                return items, file_list.unit_choices(s)

        def done(result: tuple[list[CampaignItem], list[Any]]) -> None:
            items, units = result
            self._set_units(units)
            current = select_id or self.campaign_id()
            self.items = items
            self.campaign_combo.blockSignals(True)
            self.campaign_combo.clear()
            for n, item in enumerate(items):
                if n and item.owner_id != items[n - 1].owner_id:
                    self.campaign_combo.insertSeparator(self.campaign_combo.count())
                self.campaign_combo.addItem(self.campaign_label(item), item.id)
            index = self.campaign_combo.findData(current) if current else -1
            self.campaign_combo.setCurrentIndex(index if index >= 0 else (0 if items else -1))
            self.campaign_combo.blockSignals(False)
            self._fill_campaign_table()
            self._campaign_changed()

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

    def campaign_label(self, item: CampaignItem) -> str:
        """The campaign's name in the chooser; another unit's campaign carries the unit's name."""
        if item.own:
            return item.name + (self.tr(" (ended)") if item.closed else "")
        if item.closed:
            return self.tr("{0} ({1}, ended)").format(item.name, item.owner_name)
        return self.tr("{0} ({1})").format(item.name, item.owner_name)

    def _fill_campaign_table(self) -> None:
        table = self.campaign_table
        table.setRowCount(len(self.items))
        table.setColumnHidden(UNIT_COLUMN, all(item.own for item in self.items))
        for row, item in enumerate(self.items):
            sources = "；".join(f"{name} {format_amount(amount)}" for name, amount in item.sources)
            values = (str(item.year), item.name, f"{item.visit_start.isoformat()} – {item.visit_end.isoformat()}",
                      format_amount(item.budget_fen), sources, str(item.households), str(item.paid),
                      self.tr("ended") if item.closed else self.tr("open"),
                      self.tr("this unit") if item.own else item.owner_name)
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                cell.setData(Qt.ItemDataRole.UserRole, item.id)
                if column in (3, 5, 6):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, cell)

    def _campaign_picked(self, index: Any) -> None:
        cid = self.campaign_table.item(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        self.campaign_combo.setCurrentIndex(self.campaign_combo.findData(cid))
        self.tabs.setCurrentIndex(DASHBOARD)

    def campaign_id(self) -> str | None:
        return self.campaign_combo.currentData() or None

    def campaign(self) -> CampaignItem | None:
        cid = self.campaign_id()
        return next((c for c in self.items if c.id == cid), None)

    def own(self) -> bool:
        """The chosen campaign is the local unit's (or none is chosen): the actions that write are offered."""
        c = self.campaign()
        return c is None or c.own

    def _campaign_changed(self, *_a: object) -> None:
        c = self.campaign()
        own = self.own()
        if c is None:
            self.campaign_state.setText(self.tr("No campaign yet"))
        else:
            self.campaign_state.setText(self.tr("Visits {0} – {1}, {2}").format(
                c.visit_start.isoformat(), c.visit_end.isoformat(), self.tr("ended") if c.closed else self.tr("open")))
        set_enabled(self.edit_campaign_button, c is not None and not c.closed and own)
        set_enabled(self.close_campaign_button, c is not None and own)
        self.close_campaign_button.setText(self.tr("Reopen campaign") if c and c.closed else self.tr("End campaign"))
        self.standards_button.setEnabled(own)
        for button in (self.add_button, self.generate_button):
            button.setEnabled(c is not None and not c.closed and own)
        self.opinion.setEnabled(own)
        if c is not None and not own:
            self.owner_note.setText(self.tr("This campaign belongs to {0}: here it can only be viewed (the overview, "
                                            "the list and its export); that unit makes every change and step."
                                            ).format(c.owner_name))
        self.owner_note.setVisible(not own)
        self._query_changed()
        self._update_buttons()
        self.load_dashboard()

    def edit_campaign(self, *, new: bool, exec_dialog: bool = True) -> CampaignDialog | None:
        c = None if new else self.campaign()
        if c is not None and not c.own:
            return None  # another unit's campaign is only viewed here
        dialog = CampaignDialog(self.ctx, self, campaign_id=c.id if c else None)
        dialog.accepted.connect(lambda: self.load_campaigns(dialog.saved_id))
        self.dialog = dialog
        if exec_dialog:
            dialog.open()
        return dialog

    def toggle_closed(self) -> None:
        c = self.campaign()
        if c is None or not c.own:
            return
        db, user = self.ctx.db, self.ctx.user

        def work(_p: Progress) -> None:
            with db.session() as s:
                campaigns.set_campaign_closed(s, user, c.id, not c.closed, expected_version=c.version)

        self._run(work, lambda _r: self.load_campaigns(c.id))

    def show_standards(self) -> QWidget:
        """The standards table of the campaign's year (editable by the administrator)."""
        from assist_desktop.ui.standards.dialog import open_standards

        c = self.campaign()
        return open_standards(self.ctx, SPRING_FESTIVAL, c.year if c else self.ctx.today().year, self)

    def export_list(self) -> QWidget:
        """The campaign's visit list (or every campaign's) as an Excel workbook."""
        from assist_desktop.ui.ledger import open_export

        c = self.campaign()
        scopes = ([(c.name, {"campaign_id": c.id})] if c else []) + [(self.tr("All campaigns"), {})]
        return open_export(self.ctx, self, "visits", scopes)

    # --- the dashboard -----------------------------------------------------------------------------------

    def load_dashboard(self) -> None:
        cid, db = self.campaign_id(), self.ctx.db
        if cid is None:
            self._show_board(None)
            return

        def work(_p: Progress) -> CampaignDashboard:
            with db.session() as s:
                return campaigns.dashboard(s, cid)

        def done(board: CampaignDashboard) -> None:
            if board.campaign_id == self.campaign_id():
                self._show_board(board)

        self._run(work, done)

    def _show_board(self, board: CampaignDashboard | None) -> None:
        self.board = board
        self.dashboard.set_board(board)
        self.budget_bar.set_line(board.total if board else None)
        if board is None:
            self.budget_text.setText("")
            return
        t = board.total
        text = self.tr("Budget <b>{0}</b> · planned {1} · approved {2} · paid {3} · remaining <b>{4}</b> yuan").format(
            format_amount(board.budget_fen), format_amount(t.planned.total_fen), format_amount(t.approved.total_fen),
            format_amount(t.paid.total_fen), format_amount(t.remaining_fen or 0))
        if t.over_if_all_approved_fen:
            text += self.tr(" — <span style='color:#c62828'>{0} yuan over if all were approved</span>").format(
                format_amount(t.over_if_all_approved_fen))
        self.budget_text.setText(text)

    def refresh(self) -> None:
        self.model.refresh()
        self.load_dashboard()

    # --- the list ---------------------------------------------------------------------------------------

    def query(self) -> VisitQuery:
        status = self.status_filter.currentData()
        group = self.group_filter.currentData()
        return replace(self.model.query, campaign_id=self.campaign_id(), text=self.search.text().strip(),
                       status=(status,) if status else (), group=(group,) if group else (),
                       unit=self.unit_filter.currentData() or "", cadre=self.cadre_filter.text().strip(),
                       visited=self.visited_filter.currentData())

    def _query_changed(self, *_a: object) -> None:
        self.all_matches = False
        self.model.set_query(self.query())

    def _searched(self, total: int) -> None:
        self.count_label.setText(self.tr("{0} households").format(total))
        self.all_matches = False
        self._update_buttons()

    def _selection_changed(self) -> None:
        if not self._selecting:
            self.all_matches = False
        self._update_buttons()

    def select_all_matches(self) -> None:
        """Choose every household matching the list's search and filters, also those not yet shown."""
        self._selecting = True
        try:
            self.table.selectAll()
        finally:
            self._selecting = False
        self.all_matches = self.model.total > 0
        self._update_buttons()

    def selected_rows(self) -> list[Any]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [r for r in (self.model.row(i) for i in rows) if r is not None]

    def selected_ids(self) -> list[str]:
        return [r.id for r in self.selected_rows()]

    def chosen_count(self) -> int:
        return self.model.total if self.all_matches else len(self.selected_rows())

    def _update_buttons(self) -> None:
        count = self.chosen_count()
        own = self.own()
        for button in self.step_buttons.values():
            button.setEnabled(count > 0 and own)
        self.open_button.setEnabled(len(self.selected_rows()) == 1)
        total = self.model.total
        more = self.model.rowCount() < total or len(self.selected_rows()) < total
        self.select_all_button.setText(self.tr("Choose all {0}").format(total))
        self.select_all_button.setVisible(total > 0 and more and not self.all_matches)
        if self.all_matches:
            self.selection_label.setText(self.tr("All {0} households chosen (also those not yet shown)").format(total))
        else:
            self.selection_label.setText(self.tr("{0} chosen").format(count) if count else "")

    # --- visits -----------------------------------------------------------------------------------------

    def open_visit(self, visit_id: str | None = None) -> QDialog | None:
        vid = visit_id or next(iter(self.selected_ids()), None)
        if vid is None:
            return None
        from assist_desktop.ui.campaigns.editor import VisitEditor

        editor = VisitEditor(self.ctx, vid, self)
        editor.saved.connect(lambda _vid: self.ctx.events.workflow_changed.emit())
        editor.open()
        self.editor = editor
        return editor

    def add_visit(self) -> QDialog | None:
        cid = self.campaign_id()
        if cid is None or not self.own():
            return None
        from assist_desktop.ui.campaigns.editor import AddVisitDialog

        dialog = AddVisitDialog(self.ctx, cid, self)
        dialog.saved.connect(lambda _vid: self.ctx.events.workflow_changed.emit())
        dialog.open()
        self.editor = dialog
        return dialog

    def open_wizard(self) -> QDialog | None:
        cid = self.campaign_id()
        if cid is None or not self.own():
            return None
        from assist_desktop.ui.campaigns.wizard import GenerationWizard

        wizard = GenerationWizard(self.ctx, cid, self)
        wizard.generated.connect(lambda _r: self.ctx.events.workflow_changed.emit())
        wizard.open()
        self.wizard = wizard
        return wizard

    def take_step(self, step: str, ids: list[str] | None = None, opinion: str | None = None,
                  how: tuple[str, date] | None = None, confirmed: bool = False) -> None:
        """Run a step on the chosen households in the background: all of them or none (the services refuse
        the whole list with the first reason). ``ids`` None: the selection (or every match). Approving and
        paying first show the count and the money of the households (every match counted in the
        background) and ask once; ``confirmed``/``how`` stand for that answer."""
        if not self.own():
            return
        every = ids is None and self.all_matches
        if ids is None and not every:
            ids = self.selected_ids()
        count = self.model.total if every else len(ids or [])
        if not count:
            return
        opinion = (opinion if opinion is not None else self.opinion.text()).strip()
        if step in NEEDS_REASON and not opinion:
            title = self.step_buttons[step].text().rstrip("…")
            opinion, ok = QInputDialog.getText(self, title, self.tr("Reason:"))
            opinion = opinion.strip()
            if not ok or not opinion:
                return
        if (step == "pay" and how is None) or (step == "approve" and not confirmed):
            self._ask_money(step, list(ids or []), every, opinion)
            return
        self._take_step(step, ids, every, count, opinion, how)

    def _ask_money(self, step: str, ids: list[str], every: bool, opinion: str) -> None:
        """Count the households' money (off the GUI thread), show it, ask once, then take the step."""
        db, user, query = self.ctx.db, self.ctx.user, self.model.query

        def work(_p: Progress) -> tuple[list[str], SelectionMoney]:
            with db.session() as s:
                targets = ids
                if every:
                    _total, targets = campaigns.list_visits(s, user, **query.kwargs(), offset=0, limit=ALL)
                return targets, batches.selection_money(s, "visit", targets)

        def ask(result: tuple[list[str], SelectionMoney]) -> None:
            targets, money = result
            if not targets:
                return
            if step == "pay":
                dialog = VisitPayDialog(money.count, money.cash_fen, self, today=self.ctx.today())
                self.pay_dialog = dialog
                if dialog.exec() != QDialog.DialogCode.Accepted:
                    return
                self._take_step(step, targets, False, len(targets), opinion, dialog.values())
                return
            answer = QMessageBox.question(
                self, self.step_buttons[step].text(), self.tr("Approve the chosen households: {0}?").format(
                    money.text()),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Yes:
                self._take_step(step, targets, False, len(targets), opinion, None)

        self._run(work, ask, title=self.tr("Counting the money"), show_progress=True)

    def _take_step(self, step: str, ids: list[str] | None, every: bool, count: int, opinion: str,
                   how: tuple[str, date] | None) -> None:
        db, user, today, query = self.ctx.db, self.ctx.user, self.ctx.today(), self.model.query
        chosen = list(ids or [])
        nothing = self.tr("No household matches any more; nothing was done.")
        name = self.step_buttons[step].text().rstrip("…")

        def work(progress: Progress) -> tuple[int, list[str]]:
            report, stop = progress.report, (lambda: progress.cancelled)
            with db.session() as s:
                targets = chosen
                if every:
                    _total, targets = campaigns.list_visits(s, user, **query.kwargs(), offset=0, limit=ALL)
                if not targets:
                    raise DomainError(nothing)
                vouchers: list[str] = []
                if step == "approve":
                    done = campaigns.approve_many(s, user, targets, opinion=opinion or None, today=today,
                                                  progress=report, cancelled=stop)
                elif step == "remove":
                    done = campaigns.remove_visits(s, user, targets, opinion, today=today, progress=report,
                                                   cancelled=stop)
                elif step == "pay":
                    assert how is not None
                    paid = campaigns.mark_paid_many(s, user, targets, method=how[0], paid_on=how[1], today=today,
                                                    progress=report, cancelled=stop)
                    vouchers = [d.voucher_no for d in paid]
                    done = paid  # type: ignore[assignment]
                else:
                    done = campaigns.act_many(s, user, targets, Action(step), opinion=opinion or None, today=today,
                                              progress=report, cancelled=stop)
            return len(done), vouchers


        def finished(result: tuple[int, list[str]]) -> None:
            n, vouchers = result
            self.opinion.clear()
            text = self.tr("{0}: done for {1} households.").format(name, n)
            if vouchers:
                text += self.tr(" Vouchers {0} to {1}.").format(vouchers[0], vouchers[-1])
            self.last_done = text
            self.result_label.setStyleSheet("color: #2e7d32;")
            self.result_label.setText(text)
            self.ctx.events.workflow_changed.emit()

        def failed(exc: BaseException) -> None:
            message = exc.message if isinstance(exc, DomainError) else type(exc).__name__
            self.last_done = ""
            self.result_label.setStyleSheet("color: #c62828;")
            self.result_label.setText(self.tr("{0}: not done. {1}").format(name, message))
            show_error(self, exc)

        self._run(work, finished, on_error=failed, show_progress=True, cancellable=True,
                  title=self.tr("{0}: {1} households").format(name, count))
