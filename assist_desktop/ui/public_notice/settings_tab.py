"""The 设置 page's 公示与节假日 tab: how many working days a public notice runs, the 联系人 and 监督电话 every
printed notice names, and the official holiday arrangement the working days are counted by.

The arrangement of the years the program ships with comes from the ``chinesecalendar`` library; when the
State Council publishes a year the program does not know yet, the administrator enters its days off and
its make-up working days (调休上班) here, and approvals and printed notices count by them at once. Until then
a notice period running into that year is refused with a message pointing here. Everyone sees the tab;
only the administrator changes it (the services refuse anyone else).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QSpinBox, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)
from sqlmodel import Session

from assist_desktop.domain.dates import cn_date
from assist_desktop.domain.lifecycle import Role
from assist_desktop.domain.workdays import MAX_NOTICE_DAYS
from assist_desktop.services import public_notice
from assist_desktop.services.public_notice import DayRow, NoticeSettings, YearArrangement
from assist_desktop.ui.background import Op, Progress, run_op
from assist_desktop.ui.context import AppContext

OK_COLOUR, ERROR_COLOUR = "#2e7d32", "#c62828"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def _date_edit(name: str, day: date) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(_qdate(day))
    return edit


class NoticeSettingsTab(QWidget):
    """公示与节假日. ``idle()`` is True when nothing is being read or written (tests)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice_settings_tab")
        self.ctx = ctx
        self.admin = ctx.has(Role.admin)
        self.ops: list[Op[Any]] = []
        self.days: list[DayRow] = []
        self.arrangements: list[YearArrangement] = []
        self.weekday_names = [self.tr("Monday"), self.tr("Tuesday"), self.tr("Wednesday"), self.tr("Thursday"),
                              self.tr("Friday"), self.tr("Saturday"), self.tr("Sunday")]
        layout = QVBoxLayout(self)

        notice = QGroupBox(self.tr("Public notice"))
        form = QFormLayout(notice)
        self.days_spin = QSpinBox()
        self.days_spin.setObjectName("notice_days")
        self.days_spin.setRange(1, MAX_NOTICE_DAYS)
        self.days_spin.setSuffix(self.tr(" working days"))
        form.addRow(self.tr("Notice period"), self.days_spin)
        self.contact_edit = QLineEdit()
        self.contact_edit.setObjectName("contact_person")
        self.contact_edit.setMaxLength(public_notice.CONTACT_MAX)
        self.contact_edit.setPlaceholderText(self.tr("Who answers questions about a notice"))
        form.addRow(self.tr("Contact person"), self.contact_edit)
        self.phone_edit = QLineEdit()
        self.phone_edit.setObjectName("supervision_phone")
        self.phone_edit.setMaxLength(public_notice.PHONE_MAX)
        self.phone_edit.setPlaceholderText("0912-5621234")
        form.addRow(self.tr("Supervision phone"), self.phone_edit)
        for w, width in ((self.days_spin, 160), (self.contact_edit, 320), (self.phone_edit, 320)):
            w.setMaximumWidth(width)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("save_notice_settings")
        self.save_button.clicked.connect(self.save_settings)
        row.addWidget(self.save_button)
        self.settings_status = self._status("notice_settings_status")
        row.addWidget(self.settings_status, 1)
        form.addRow(row)
        hint = QLabel(self.tr("Approval waits until a notice has run this many official working days (public "
                              "holidays are skipped, make-up working days count); every printed notice names the "
                              "contact person and the supervision phone."))
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        form.addRow(hint)
        layout.addWidget(notice)

        holidays = QGroupBox(self.tr("Official holiday arrangement"))
        box = QVBoxLayout(holidays)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Year")))
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("holiday_year")
        self.year_combo.currentIndexChanged.connect(lambda _i: self.refresh_days())
        top.addWidget(self.year_combo)
        self.year_label = QLabel()
        self.year_label.setObjectName("holiday_year_state")
        self.year_label.setWordWrap(True)
        top.addWidget(self.year_label, 1)
        box.addLayout(top)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("holiday_days")
        self.table.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Weekday"), self.tr("Kind"),
                                              self.tr("Holiday"), self.tr("Source")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        box.addWidget(self.table, 1)

        today = ctx.today()
        entry = QWidget()
        entry_form = QFormLayout(entry)
        entry_form.setContentsMargins(0, 0, 0, 0)
        off = QHBoxLayout()
        self.off_from = _date_edit("holiday_from", today)
        self.off_to = _date_edit("holiday_to", today)
        self.off_name = QLineEdit()
        self.off_name.setObjectName("holiday_name")
        self.off_name.setPlaceholderText(self.tr("e.g. Spring Festival"))
        self.off_name.setMaxLength(public_notice.HOLIDAY_NAME_MAX)
        self.add_off_button = QPushButton(self.tr("Add days off"))
        self.add_off_button.setObjectName("add_holidays")
        self.add_off_button.clicked.connect(self.add_holidays)
        for w in (self.off_from, QLabel(self.tr("to")), self.off_to, self.off_name, self.add_off_button):
            off.addWidget(w)
        entry_form.addRow(self.tr("Days off"), off)
        work = QHBoxLayout()
        self.work_day = _date_edit("makeup_day", today)
        self.work_name = QLineEdit()
        self.work_name.setObjectName("makeup_name")
        self.work_name.setPlaceholderText(self.tr("the holiday it makes up for"))
        self.work_name.setMaxLength(public_notice.HOLIDAY_NAME_MAX)
        self.add_work_button = QPushButton(self.tr("Add make-up working day"))
        self.add_work_button.setObjectName("add_makeup_day")
        self.add_work_button.clicked.connect(self.add_makeup_day)
        self.remove_button = QPushButton(self.tr("Remove selected"))
        self.remove_button.setObjectName("remove_days")
        self.remove_button.clicked.connect(self.remove_selected)
        for w in (self.work_day, self.work_name, self.add_work_button):
            work.addWidget(w)
        work.addStretch(1)
        work.addWidget(self.remove_button)
        entry_form.addRow(self.tr("Make-up working day"), work)
        self.days_status = self._status("holiday_status")
        entry_form.addRow(self.days_status)
        box.addWidget(entry)
        source = QLabel(self.tr("Enter a new year's arrangement as the State Council's notice on public holidays "
                                "gives it: each holiday's days off (weekends inside included) and the Saturdays or "
                                "Sundays worked instead. Entered days take precedence over the built-in ones."))
        source.setWordWrap(True)
        source.setProperty("role", "hint")
        box.addWidget(source)
        layout.addWidget(holidays, 1)

        for w in (self.days_spin, self.contact_edit, self.phone_edit, self.save_button, self.off_from, self.off_to,
                  self.off_name, self.add_off_button, self.work_day, self.work_name, self.add_work_button):
            w.setEnabled(self.admin)
        if not self.admin:
            self.settings_status.setText(self.tr("Only an administrator changes these settings."))
        self._update_buttons()
        self.refresh()

    def title(self) -> str:
        return self.tr("Public notice and holidays")

    # --- plumbing -------------------------------------------------------------------------------------

    @staticmethod
    def _status(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    @staticmethod
    def _say(label: QLabel, text: str, *, error: bool = False) -> None:
        label.setStyleSheet(f"color: {ERROR_COLOUR if error else OK_COLOUR};" if text else "")
        label.setText(text)

    def _run(self, work: Callable[[Session], Any], done: Callable[[Any], None], status: QLabel) -> Op[Any]:
        def failed(exc: BaseException) -> None:
            self._say(status, getattr(exc, "message", "") or type(exc).__name__, error=True)

        def job(_progress: Progress) -> Any:
            with self.ctx.db.session() as session:
                return work(session)

        self.ops = [op for op in self.ops if not op.done]
        op = run_op(self, job, on_done=done, on_error=failed, show_progress=False, cancellable=False)
        self.ops.append(op)
        return op

    def idle(self) -> bool:
        return all(op.done for op in self.ops)

    def year(self) -> int:
        data = self.year_combo.currentData()
        return int(data) if data is not None else self.ctx.today().year

    # --- reading ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        around = self.ctx.today().year

        def work(s: Session) -> tuple[NoticeSettings, list[YearArrangement]]:
            return public_notice.notice_settings(s), public_notice.arrangements(s, around=around)

        def done(result: tuple[NoticeSettings, list[YearArrangement]]) -> None:
            settings, arrangements = result
            self.days_spin.setValue(settings.days)
            self.contact_edit.setText(settings.contact_person)
            self.phone_edit.setText(settings.supervision_phone)
            self._show_years(arrangements)

        self._run(work, done, self.settings_status)

    def _show_years(self, arrangements: list[YearArrangement]) -> None:
        self.arrangements = arrangements
        chosen = self.year_combo.currentData()
        if chosen is None:  # first time: the first year not known, else the year after this one
            unknown = [a.year for a in arrangements if not a.known]
            chosen = min(unknown) if unknown else self.ctx.today().year + 1
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for a in arrangements:
            self.year_combo.addItem(str(a.year), a.year)
        self.year_combo.setCurrentIndex(max(0, self.year_combo.findData(chosen)))
        self.year_combo.blockSignals(False)
        self.refresh_days()

    def _year_state(self, year: int) -> tuple[str, bool]:
        a = next((a for a in self.arrangements if a.year == year), None)
        if a is None or not a.known:
            return self.tr("{0}: not entered yet. A notice period running into {0} cannot be counted until its "
                           "arrangement is entered.").format(year), True
        if a.in_library and not (a.holidays_entered or a.workdays_entered):
            return self.tr("{0}: built into the program (State Council notice).").format(year), False
        text = self.tr("{0}: {1} days off and {2} make-up working days entered by the administrator.").format(
            year, a.holidays_entered, a.workdays_entered)
        if a.in_library:
            text += self.tr(" They take precedence over the built-in arrangement.")
        return text, False

    def refresh_days(self) -> None:
        year = self.year()
        text, missing = self._year_state(year)
        self.year_label.setText(text)
        self.year_label.setStyleSheet(f"color: {ERROR_COLOUR};" if missing else "")
        first = date(year, 1, 1) if year != self.ctx.today().year else self.ctx.today()
        for edit in (self.off_from, self.off_to, self.work_day):
            if edit.date().year() != year:
                edit.setDate(_qdate(first))

        def done(rows: list[DayRow]) -> None:
            if year != self.year():
                return  # another year was chosen meanwhile
            self.days = rows
            self.table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                values = [cn_date(row.day), self.weekday_names[row.day.weekday()],
                          self.tr("Make-up working day") if row.workday else self.tr("Day off"), row.name,
                          self.tr("Entered") if row.entered else self.tr("Built in")]
                for c, value in enumerate(values):
                    item = QTableWidgetItem(value)
                    if c == 0:
                        item.setData(Qt.ItemDataRole.UserRole, row.day)
                    self.table.setItem(r, c, item)
            self._update_buttons()

        self._run(lambda s: public_notice.year_days(s, year), done, self.days_status)

    def _update_buttons(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        entered = [self.days[r] for r in rows if r < len(self.days) and self.days[r].entered]
        self.remove_button.setEnabled(self.admin and bool(entered))

    # --- writing (the administrator) ----------------------------------------------------------------

    def save_settings(self) -> Op[Any]:
        user = self.ctx.user
        days, person, phone = self.days_spin.value(), self.contact_edit.text(), self.phone_edit.text()

        def done(saved: NoticeSettings) -> None:
            self.contact_edit.setText(saved.contact_person)
            self.phone_edit.setText(saved.supervision_phone)
            self._say(self.settings_status, self.tr("Saved: notices run {0} working days.").format(saved.days))

        return self._run(lambda s: public_notice.save_notice_settings(
            s, user, days=days, contact_person=person, supervision_phone=phone), done, self.settings_status)

    def _after_change(self, message: str) -> None:
        self._say(self.days_status, message)
        self.refresh()

    def add_holidays(self) -> Op[Any]:
        user, first, last, name = self.ctx.user, _pydate(self.off_from), _pydate(self.off_to), self.off_name.text()
        year = first.year

        def done(count: int) -> None:
            self.year_combo.blockSignals(True)
            self.year_combo.setCurrentIndex(max(0, self.year_combo.findData(year)))
            self.year_combo.blockSignals(False)
            self._after_change(self.tr("{0} days off entered.").format(count))

        return self._run(lambda s: public_notice.enter_holidays(s, user, first, last, name), done, self.days_status)

    def add_makeup_day(self) -> Op[Any]:
        user, day, name = self.ctx.user, _pydate(self.work_day), self.work_name.text()
        return self._run(lambda s: public_notice.enter_makeup_workday(s, user, day, name),
                         lambda _r: self._after_change(self.tr("Make-up working day entered.")), self.days_status)

    def remove_selected(self) -> Op[Any] | None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        days = [self.days[r].day for r in rows if r < len(self.days) and self.days[r].entered]
        if not days:
            return None
        user = self.ctx.user
        return self._run(lambda s: public_notice.remove_official_days(s, user, days),
                         lambda n: self._after_change(self.tr("{0} entered days removed.").format(n)),
                         self.days_status)


__all__ = ["NoticeSettingsTab"]
