"""Small dialogs of the Spring Festival screens: a campaign (period, fund sources, standards), a payment."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout,
                               QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.money import format_amount
from assist_desktop.services import campaigns
from assist_desktop.services.campaigns import GROUPS, CampaignInput, FundSourceInput
from assist_desktop.services.payments import METHODS
from assist_desktop.ui.background import Op, Progress, run_op
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.editor.fields import STYLE, Field, mandatory, parse_money_text
from assist_desktop.ui.screen import fitted_size

ID_ROLE = Qt.ItemDataRole.UserRole
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
Standards = dict[str, tuple[int, int, str | None]]


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def festival_year(today: date) -> int:
    """The festival a campaign prepared today is for: from March on, next year's."""
    return today.year + 1 if today.month >= 3 else today.year


def _reformat(table: QTableWidget, item: QTableWidgetItem) -> None:
    """Yuan as typed ('300000', '1200元') shown back as 300,000.00 once it parses; left as typed if not."""
    try:
        fen = parse_money_text(item.text(), label="金额")
    except DomainError:
        return
    text = format_amount(fen) if item.text().strip() else ""
    if text != item.text():
        table.blockSignals(True)
        item.setText(text)
        table.blockSignals(False)


def _fit_rows(table: QTableWidget) -> None:
    """A short table as tall as its rows, without a scroll bar."""
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(height + 2)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


class CampaignDialog(QDialog):
    """Set up a year's campaign, or change its name, period, fund sources and standards (approver or admin).

    The budget is the sum of the fund sources. Standards shown are the campaign's (a new campaign: the
    standards table of its year, or of the year before); only the lines changed here are sent.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, campaign_id: str | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.campaign_id = ctx, campaign_id
        self.version = 0
        self.saved_id: str | None = None
        self.ops: list[Op[Any]] = []
        self.loaded_standards: Standards = {}
        self.setWindowTitle(self.tr("New Spring Festival campaign") if campaign_id is None
                            else self.tr("Edit Spring Festival campaign"))
        self.setStyleSheet(STYLE)
        self.resize(fitted_size(self, 720, 720))
        today = ctx.today()
        year = festival_year(today)
        layout = QVBoxLayout(self)
        self.fields: dict[str, Field] = {}

        basics = QGroupBox(self.tr("Campaign"))
        grid = QGridLayout(basics)
        self.year = QSpinBox()
        self.year.setRange(2000, today.year + 1)
        self.year.setValue(year)
        self.year.setEnabled(campaign_id is None)
        self.year.setFixedWidth(100)
        self.year.valueChanged.connect(self._year_changed)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Default: <year> Spring Festival campaign"))
        self.start = date_edit(date(year - 1, 12, 20))
        self.end = date_edit(date(year, 2, 10))
        period = QWidget()
        row = QHBoxLayout(period)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.start)
        row.addWidget(QLabel(self.tr("to")))
        row.addWidget(self.end)
        row.addStretch(1)
        self._place(grid, 0, "year", self.year, mandatory(self.tr("Festival year")), ("年度",))
        self._place(grid, 2, "name", self.name, self.tr("Campaign name"), ("活动名称",))
        self._place(grid, 4, "period", period, mandatory(self.tr("Visit period")),
                    ("走访期间", "走访开始日期", "走访结束日期"))
        layout.addWidget(basics)

        sources = QGroupBox(self.tr("Fund sources (their sum is the budget)"))
        box = QVBoxLayout(sources)
        self.sources = QTableWidget(0, 2)
        self.sources.setObjectName("sources")
        self.sources.setHorizontalHeaderLabels([self.tr("Fund source"), self.tr("Amount (yuan)")])
        self.sources.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sources.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.sources.setColumnWidth(1, 180)
        self.sources.verticalHeader().setVisible(False)
        self.sources.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sources.setMinimumHeight(110)
        self.sources.itemChanged.connect(self._source_edited)
        box.addWidget(self.sources)
        buttons = QHBoxLayout()
        add = QPushButton(self.tr("Add a source"))
        add.setObjectName("add_source")
        add.setAutoDefault(False)
        add.clicked.connect(lambda: self.add_source("", None))
        remove = QPushButton(self.tr("Remove the source"))
        remove.setObjectName("remove_source")
        remove.setAutoDefault(False)
        remove.clicked.connect(self.remove_source)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        self.total = QLabel()
        self.total.setObjectName("budget_total")
        buttons.addWidget(self.total)
        box.addLayout(buttons)
        self.fields["sources"] = Field("sources_field", QLineEdit(), labels=("经费来源", "预算"), parent=self)
        box.addWidget(self.fields["sources"].message)
        layout.addWidget(sources)

        standards = QGroupBox(self.tr("Standard per household"))
        box = QVBoxLayout(standards)
        self.standards_note = QLabel()
        self.standards_note.setObjectName("standards_note")
        self.standards_note.setProperty("role", "hint")
        self.standards_note.setWordWrap(True)
        box.addWidget(self.standards_note)
        self.standards = QTableWidget(len(GROUPS), 4)
        self.standards.setObjectName("standards")
        self.standards.setHorizontalHeaderLabels([self.tr("Group"), self.tr("Cash (yuan)"),
                                                  self.tr("Goods value (yuan)"), self.tr("Goods")])
        header = self.standards.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.standards.verticalHeader().setVisible(False)
        for r, (key, label) in enumerate(GROUPS.items()):
            item = QTableWidgetItem(label)
            item.setData(ID_ROLE, key)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.standards.setItem(r, 0, item)
            for c in (1, 2, 3):
                cell = QTableWidgetItem("")
                if c < 3:
                    cell.setTextAlignment(_RIGHT)
                self.standards.setItem(r, c, cell)
        self.standards.itemChanged.connect(self._standard_edited)
        box.addWidget(self.standards)
        self.fields["standards"] = Field("standards_field", QLineEdit(), labels=("慰问标准",), parent=self)
        box.addWidget(self.fields["standards"].message)
        layout.addWidget(standards)
        layout.addStretch(1)

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.save_button.setObjectName("save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for edit in (self.start, self.end):
            edit.dateChanged.connect(lambda _d: self.fields["period"].clear())
        self.name.textChanged.connect(lambda _t: self.fields["name"].clear())
        _fit_rows(self.standards)
        if campaign_id is None:
            self.add_source(self.tr("Grant from the federation above"), None)
            self.add_source(self.tr("This federation's own funds"), None)
        self._update_total()
        self.load()

    def _place(self, grid: QGridLayout, row: int, key: str, widget: QWidget, caption: str,
               labels: tuple[str, ...]) -> None:
        field = Field(key, widget, labels=labels, parent=self)
        self.fields[key] = field
        grid.addWidget(QLabel(caption), row, 0)
        grid.addWidget(widget, row, 1)
        grid.addWidget(field.message, row + 1, 1)

    # --- the tables ------------------------------------------------------------------------------------

    def add_source(self, name: str, amount_fen: int | None, source_id: str | None = None) -> None:
        self.sources.blockSignals(True)
        row = self.sources.rowCount()
        self.sources.insertRow(row)
        item = QTableWidgetItem(name)
        item.setData(ID_ROLE, source_id)
        self.sources.setItem(row, 0, item)
        amount = QTableWidgetItem(format_amount(amount_fen) if amount_fen else "")
        amount.setTextAlignment(_RIGHT)
        self.sources.setItem(row, 1, amount)
        self.sources.blockSignals(False)
        self._update_total()

    def remove_source(self) -> None:
        rows = sorted({i.row() for i in self.sources.selectedIndexes()} or {self.sources.currentRow()}, reverse=True)
        for row in rows:
            if row >= 0:
                self.sources.removeRow(row)
        self._update_total()

    def set_source(self, row: int, name: str, amount: str) -> None:
        """Type a line of the sources (tests; the same as editing the cells)."""
        while self.sources.rowCount() <= row:
            self.add_source("", None)
        self.sources.item(row, 0).setText(name)
        self.sources.item(row, 1).setText(amount)

    def source_inputs(self) -> list[FundSourceInput]:
        out = []
        for row in range(self.sources.rowCount()):
            name_item, amount_item = self.sources.item(row, 0), self.sources.item(row, 1)
            name = (name_item.text() if name_item else "").strip()
            amount_text = (amount_item.text() if amount_item else "").strip()
            if not name and not amount_text:
                continue  # an empty line
            label = f"经费来源“{name}”的金额" if name else f"第{row + 1}个经费来源的金额"
            try:
                amount = parse_money_text(amount_text, label=label)
            except DomainError as exc:
                raise DomainError(exc.message, field="经费来源") from None
            out.append(FundSourceInput(name, amount, name_item.data(ID_ROLE) if name_item else None))
        return out

    def _source_edited(self, item: QTableWidgetItem) -> None:
        if item.column() == 1:
            _reformat(self.sources, item)
        self.fields["sources"].clear()
        self._update_total()

    def _standard_edited(self, item: QTableWidgetItem) -> None:
        if item.column() in (1, 2):
            _reformat(self.standards, item)
        self.fields["standards"].clear()

    def _update_total(self) -> None:
        try:
            total = sum(s.amount_fen for s in self.source_inputs())
        except DomainError:
            self.total.setText(self.tr("Budget: (check the amounts)"))
            return
        self.total.setText(self.tr("Budget: <b>{0}</b> yuan").format(format_amount(total)))

    def _show_standards(self, rows: Standards) -> None:
        self.loaded_standards = dict(rows)
        for r in range(self.standards.rowCount()):
            key = self.standards.item(r, 0).data(ID_ROLE)
            cash, goods, description = rows.get(key, (0, 0, None))
            known = key in rows
            self.standards.item(r, 1).setText(format_amount(cash) if known else "")
            self.standards.item(r, 2).setText(format_amount(goods) if known else "")
            self.standards.item(r, 3).setText(description or "")

    def set_standard(self, group: str, cash: str, goods: str, description: str) -> None:
        for r in range(self.standards.rowCount()):
            if self.standards.item(r, 0).data(ID_ROLE) == group:
                self.standards.item(r, 1).setText(cash)
                self.standards.item(r, 2).setText(goods)
                self.standards.item(r, 3).setText(description)
                return
        raise KeyError(group)

    def standard_inputs(self) -> Standards:
        """The lines changed from what was loaded (the others stay as the campaign or the table has them)."""
        out: Standards = {}
        for r in range(self.standards.rowCount()):
            key = self.standards.item(r, 0).data(ID_ROLE)
            label = GROUPS[key]
            cash_text, goods_text = self.standards.item(r, 1).text(), self.standards.item(r, 2).text()
            description = self.standards.item(r, 3).text().strip() or None
            if not cash_text.strip() and not goods_text.strip() and key not in self.loaded_standards:
                continue
            try:
                cash = parse_money_text(cash_text, label=f"“{label}”的慰问金")
                goods = parse_money_text(goods_text, label=f"“{label}”的慰问品折价")
            except DomainError as exc:
                raise DomainError(exc.message, field="慰问标准") from None
            if self.loaded_standards.get(key) != (cash, goods, description):
                out[key] = (cash, goods, description)
        return out

    # --- loading and saving -------------------------------------------------------------------------

    def idle(self) -> bool:
        return all(op.done for op in self.ops)

    def _run(self, work: Any, done: Any, on_error: Any = None) -> None:
        self.ops = [o for o in self.ops if not o.done]
        self.ops.append(run_op(self, work, on_done=done, on_error=on_error or self.show_error, show_progress=False))

    def _year_changed(self, year: int) -> None:
        if self.campaign_id is None:
            self.start.setDate(qdate(date(year - 1, 12, 20)))
            self.end.setDate(qdate(date(year, 2, 10)))
            self.load()

    def load(self) -> None:
        db, cid, year = self.ctx.db, self.campaign_id, self.year.value()

        def work(_p: Progress) -> dict[str, Any]:
            with db.session() as s:
                if cid is None:
                    rows, which = campaigns.default_standards(s, year)
                    return {"standards": rows, "from_year": which}
                c = campaigns.get_campaign(s, cid)
                return {"campaign": (c.year, c.name, c.visit_start, c.visit_end, c.version, c.closed),
                        "sources": [(f.id, f.name, f.amount_fen) for f in campaigns.fund_sources(s, cid)],
                        "standards": {r.group_key: (r.cash_fen, r.goods_fen, r.goods_description)
                                      for r in campaigns.campaign_standards(s, cid)}}

        def done(out: dict[str, Any]) -> None:
            if "campaign" in out:
                year_, name, start, end, self.version, _closed = out["campaign"]
                self.year.setValue(year_)
                self.name.setText(name)
                self.start.setDate(qdate(start))
                self.end.setDate(qdate(end))
                self.sources.setRowCount(0)
                for sid, sname, amount in out["sources"]:
                    self.add_source(sname, amount, sid)
                self.standards_note.setText(self.tr("The campaign's standards. A changed standard also applies to "
                                                    "planned households still at the old one."))
            elif out["from_year"] is None:
                self.standards_note.setText(self.tr("No standards table for this year: fill in the amounts."))
            else:
                self.standards_note.setText(self.tr("From the standards table of {0}; change a line for this "
                                                    "campaign only if needed.").format(out["from_year"]))
            self._show_standards(out["standards"])

        self._run(work, done)

    def data(self) -> CampaignInput:
        return CampaignInput(year=self.year.value(), name=self.name.text().strip() or None,
                             visit_start=pydate(self.start), visit_end=pydate(self.end),
                             fund_sources=self.source_inputs(), standards=self.standard_inputs() or None)

    def show_error(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, DomainError) else self.tr("Failed: {0}").format(type(exc).__name__)
        label = getattr(exc, "field", None)
        for field in self.fields.values():
            if label and label in field.labels:
                field.show_result(message)
                return
        self.message.setText(message)

    def save(self) -> None:
        for field in self.fields.values():
            field.clear()
        self.message.clear()
        try:
            data = self.data()
        except DomainError as exc:
            self.show_error(exc)
            return
        db, user, cid, version, today = self.ctx.db, self.ctx.user, self.campaign_id, self.version, self.ctx.today()

        def work(_p: Progress) -> str:
            with db.session() as s:
                if cid is None:
                    return campaigns.create_campaign(s, user, data, today=today).id
                return campaigns.update_campaign(s, user, cid, data, expected_version=version, today=today).id

        def done(saved: str) -> None:
            self.saved_id = saved
            self.accept()

        self._run(work, done)


class VisitPayDialog(QDialog):
    """When and how the cash of the chosen visits is paid; the vouchers are numbered by the service."""

    def __init__(self, count: int, cash_fen: int | None, parent: QWidget | None = None, *, today: date) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Pay the cash"))
        form = QFormLayout(self)
        form.addRow(self.tr("Households"), QLabel(str(count)))
        form.addRow(self.tr("Cash (yuan)"), QLabel(format_amount(cash_fen) if cash_fen is not None
                                                    else self.tr("the sum is shown on the vouchers")))
        self.method = QComboBox()
        self.method.setObjectName("method")
        cash, transfer = sorted(METHODS)  # the stored codes: cash, transfer
        self.method.addItem(self.tr("Cash against the sign-off sheet"), cash)
        self.method.addItem(self.tr("Transfer to the account in the file"), transfer)
        self.paid_on = date_edit(today)
        self.paid_on.setObjectName("paid_on")
        form.addRow(self.tr("Method"), self.method)
        form.addRow(self.tr("Paid on"), self.paid_on)
        note = QLabel(self.tr("Goods are handed over in kind; each household's cash gets its own voucher."))
        note.setProperty("role", "hint")
        note.setWordWrap(True)
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Pay"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, date]:
        return self.method.currentData(), pydate(self.paid_on)
