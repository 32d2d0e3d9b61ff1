"""Small dialogs of the scholarship screens: a round, a payment."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit, QMessageBox, QSpinBox, QVBoxLayout, QWidget)

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.domain.policy import SCHOLARSHIP
from assist_desktop.services import policy_admin, scholarships
from assist_desktop.services.payments import METHODS
from assist_desktop.services.scholarships import RoundInput
from assist_desktop.ui.background import Op, run_op
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.editor.fields import STYLE, MoneyEdit


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


class RoundDialog(QDialog):
    """Open a year's round, or change its window, budget and notice rule (approver or administrator)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, round_id: str | None = None,
                 version: int | None = None, initial: RoundInput | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.round_id, self.version = ctx, round_id, version
        self.saved_id: str | None = None
        self.op: Op[str] | None = None
        self.setWindowTitle(self.tr("Scholarship round") if round_id is None else self.tr("Edit scholarship round"))
        self.setStyleSheet(STYLE)
        today = ctx.today()
        data = initial or RoundInput(today.year, date(today.year, 7, 1), date(today.year, 12, 31), 0)
        form = QFormLayout()
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(2000, today.year + 1)
        self.year.setValue(data.year)
        self.year.setEnabled(round_id is None)
        self.name = QLineEdit(data.name or "")
        self.name.setObjectName("name")
        self.name.setPlaceholderText(self.tr("Default: <year> Golden Autumn scholarship"))
        self.start = QDateEdit(_qdate(data.apply_start))
        self.start.setObjectName("apply_start")
        self.end = QDateEdit(_qdate(data.apply_end))
        self.end.setObjectName("apply_end")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.budget = MoneyEdit("预算")
        self.budget.setObjectName("budget")
        self.budget.set_fen(data.budget_fen)
        if round_id is None:  # a new round's window follows its year (the year after's round: the year after's dates)
            self.year.valueChanged.connect(self._year_changed)
        self.notice = QCheckBox(self.tr("Post the list publicly before approval"))
        self.notice.setObjectName("requires_notice")
        self.notice.setChecked(data.requires_notice)
        form.addRow(self.tr("Year"), self.year)
        form.addRow(self.tr("Round name"), self.name)
        form.addRow(self.tr("Applications from"), self.start)
        form.addRow(self.tr("Applications until"), self.end)
        form.addRow(self.tr("Budget (yuan)"), self.budget)
        form.addRow("", self.notice)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _year_changed(self, year: int) -> None:
        for edit in (self.start, self.end):
            day = edit.date()
            edit.setDate(QDate(year, day.month(), min(day.day(), QDate(year, day.month(), 1).daysInMonth())))

    def data(self) -> RoundInput:
        return RoundInput(year=self.year.value(), apply_start=_pydate(self.start), apply_end=_pydate(self.end),
                          budget_fen=self.budget.fen(), name=self.name.text().strip() or None,
                          requires_notice=self.notice.isChecked())

    def save(self) -> None:
        try:
            data = self.data()
        except DomainError as exc:
            self.message.setText(exc.message)
            return
        db, user, round_id, version = self.ctx.db, self.ctx.user, self.round_id, self.version
        today = self.ctx.today()

        def work(_p: object) -> tuple[str, int | None]:
            with db.session() as s:
                if round_id is None:
                    rid = scholarships.create_round(s, user, data, today=today).id
                else:
                    rid = scholarships.update_round(s, user, round_id, data, expected_version=version or 0,
                                                    today=today).id
                # a year without a standards table: applications could not be given an amount
                if policy_admin.has_standards(s, SCHOLARSHIP, data.year):
                    return rid, None
                return rid, policy_admin.last_year_with_standards(s, SCHOLARSHIP, data.year) or 0

        def done(result: tuple[str, int | None]) -> None:
            rid, missing_since = result
            self.saved_id = rid
            if missing_since is not None:
                self.offer_standards(data.year, missing_since)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.message.setText(exc.message if isinstance(exc, DomainError) else type(exc).__name__)

        self.message.clear()
        self.op = run_op(self, work, on_done=done, on_error=failed, show_progress=False)


    def offer_standards(self, year: int, last: int) -> None:
        """The round's year has no standards: say so; the administrator may copy the last year's table now
        (a change they can make later in 救助标准); anyone else is told who sets it."""
        warning = self.tr("{0} has no Golden Autumn standards yet: no application of this round can be given an "
                          "amount.").format(year)
        if not self.ctx.has(Role.admin):
            how = (self.tr("Ask the administrator to copy the {0} standards in Standards, or to enter them.").format(
                last) if last else self.tr("Ask the administrator to enter them in Standards."))
            QMessageBox.warning(self, self.tr("No standards for the year"), f"{warning}\n\n{how}")
            return
        if not last:
            QMessageBox.warning(self, self.tr("No standards for the year"),
                                warning + "\n\n" + self.tr("Enter them in Standards."))
            return
        answer = QMessageBox.question(
            self, self.tr("No standards for the year"),
            warning + "\n\n" + self.tr("Copy the {0} standards to {1}? They can be changed afterwards in "
                                        "Standards.").format(last, year),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, user, today = self.ctx.db, self.ctx.user, self.ctx.today()

        def work(_p: object) -> int:
            with db.session() as s:
                return policy_admin.copy_year(s, user, program=SCHOLARSHIP, from_year=last, to_year=year, today=today)

        self.copy_op = run_op(self.parent(), work, show_progress=False)


class PayDialog(QDialog):
    """How and when a grant is paid; the voucher number is given by the service."""

    def __init__(self, what: str, amount: str, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Pay"))
        form = QFormLayout(self)
        form.addRow(self.tr("Paying"), QLabel(what))
        form.addRow(self.tr("Amount (yuan)"), QLabel(amount))
        self.method = QComboBox()
        self.method.setObjectName("method")
        cash, transfer = sorted(METHODS)  # the stored codes: cash, transfer
        self.method.addItem(self.tr("Cash"), cash)
        self.method.addItem(self.tr("Bank transfer"), transfer)
        self.paid_on = QDateEdit(_qdate(today or date.today()))
        self.paid_on.setCalendarPopup(True)
        self.paid_on.setDisplayFormat("yyyy-MM-dd")
        self.account = QLineEdit()
        self.account.setObjectName("account")
        self.account.setPlaceholderText(self.tr("Transfer only; empty: the account in the file"))
        form.addRow(self.tr("Method"), self.method)
        form.addRow(self.tr("Paid on"), self.paid_on)
        form.addRow(self.tr("Bank account"), self.account)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Pay"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, date, str | None]:
        return self.method.currentData(), _pydate(self.paid_on), self.account.text().strip() or None
