"""The year's standards table of one program, edited by the administrator and saved all at once.

Scholarships: one line per education level and household kind (建档 / 未建档) with the amount, and the
level's plan (one-off, or yearly until graduation), which both lines of a level share. Spring Festival:
one line per group (and household kind) with the cash, the goods' value and what the goods are. A
column says where each line comes from: the year's policy file, or this unit's own setting.

Amounts are typed in yuan and checked as typed; Save sends only the changed lines, with the reason,
through ``policy_admin.set_standards`` in the background (all or nothing), then reloads the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from assist_desktop.domain import policy as pol
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import Role
from assist_desktop.domain.money import format_amount, parse_amount
from assist_desktop.services import policy_admin
from assist_desktop.services.policy_admin import FROM_DATABASE, FROM_FILE, Standard, StandardChange
from assist_desktop.ui.background import Op, Progress, run_op
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.editor.fields import STYLE, EnumCombo, Field, MoneyEdit, mandatory
from assist_desktop.ui.screen import fitted_size

GOODS_LABEL = "慰问品折价"  # the names the service gives these inputs in DomainError.field
DESCRIPTION_LABEL = "慰问品内容"
PLAN_LABEL = "发放方式"
REASON_LABEL = "修改理由"
CHANGED_COLOUR = "#b26a00"
EXTRA_STYLE = """
QTableWidget QLineEdit { padding: 0 6px; }
QTableWidget QLineEdit[readOnly="true"] { background: transparent; }
QLabel[role="ok"] { color: #2e7d32; }
"""


class MessageLabel(QLabel):
    """A line of text under the table that takes no room while it has nothing to say."""

    def __init__(self, name: str, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", role)
        self.setWordWrap(True)
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")


class AmountEdit(MoneyEdit):
    """Yuan of a standard: 0 shows as 0.00 (not funded), empty means the line is not set."""

    def set_fen(self, fen: int | None) -> None:
        self.setText("" if fen is None else format_amount(fen))

    def value(self) -> int | None:
        """The amount in fen, None if empty; a wrong amount raises ``DomainError`` with its message."""
        text = self.text().strip()
        if not text:
            return None
        return policy_admin.check_amount(parse_amount(text, field=self.label), self.label)

    def reformat(self) -> None:
        try:
            fen = self.value()
        except DomainError:
            return
        if fen is not None and format_amount(fen) != self.text():
            self.setText(format_amount(fen))


@dataclass
class Line:
    """One row of the table: the standard shown (None: not set yet) and its inputs."""

    key: str
    filed: bool
    name: str  # how messages name the line: 本科（未建档）
    standard: Standard | None
    row: int
    amount: AmountEdit
    plan: EnumCombo | None = None
    goods: AmountEdit | None = None
    description: QLineEdit | None = None
    fields: dict[str, Field] = field(default_factory=dict)

    def change(self) -> StandardChange | None:
        """What Save sends for this line, None if nothing changed; raises ``DomainError`` on a bad cell."""
        std, amount = self.standard, self.amount.value()
        goods = self.goods.value() if self.goods is not None else None
        description = self.description.text().strip() if self.description is not None else None
        plan = str(self.plan.code()) if self.plan is not None else None
        if std is None:  # a line not set yet is added once it has an amount
            if amount is None:
                return None
            return StandardChange(self.key, self.filed, amount_fen=amount, goods_fen=goods,
                                  goods_description=description or None, plan=plan, expected_version=0)
        changed: dict[str, Any] = {}
        if amount != std.amount_fen:
            changed["amount_fen"] = amount
        if self.goods is not None and (goods or 0) != std.goods_fen:
            changed["goods_fen"] = goods or 0
        if description is not None and description != std.goods_description:
            changed["goods_description"] = description
        if plan is not None and plan != std.plan:
            changed["plan"] = plan
        if not changed:
            return None
        version = std.version if std.source == FROM_DATABASE else 0
        return StandardChange(self.key, self.filed, expected_version=version, **changed)

    def changed(self) -> bool:
        try:
            return self.change() is not None
        except DomainError:
            return True  # a cell being typed that does not parse yet


class StandardsDialog(QDialog):
    """救助标准 of one program for a year; read-only unless the user is the administrator."""

    saved = Signal(int)  # how many lines were written

    def __init__(self, ctx: AppContext, program: str, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if program not in pol.PROGRAM_LABELS:
            raise ValueError(f"unknown program {program!r}")
        self.ctx, self.program = ctx, program
        self.scholarship = program == pol.SCHOLARSHIP
        self.editable = ctx.has(Role.admin)
        self.amount_label = policy_admin.amount_label(program)
        self.lines: list[Line] = []
        self.standards: list[Standard] = []
        self.loaded_year: int | None = None
        self.busy = False
        self.ops: list[Op[Any]] = []
        label = pol.PROGRAM_LABELS[program]
        self.setWindowTitle(self.tr("Aid standards: {0}").format(label))
        self.setStyleSheet(STYLE + EXTRA_STYLE)
        if self.scholarship:
            self.resize(fitted_size(self, 900, 520))
        else:
            self.resize(fitted_size(self, 1100, 540))
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        heading = QLabel(self.tr("{0} standards").format(label))
        heading.setProperty("role", "header")
        top.addWidget(heading)
        top.addSpacing(24)
        top.addWidget(QLabel(self.tr("Year")))
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(2000, max(ctx.today().year + 1, year))
        self.year.setValue(year)
        self.year.setKeyboardTracking(False)
        self.year.setMinimumWidth(90)
        self.year.valueChanged.connect(self._year_changed)
        top.addWidget(self.year)
        top.addStretch(1)
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.setObjectName("reload")
        self.reload_button.setAutoDefault(False)
        self.reload_button.clicked.connect(self.reload)
        top.addWidget(self.reload_button)
        self.import_button = QPushButton(self.tr("Import from the policy file"))
        self.import_button.setObjectName("import")
        self.import_button.setAutoDefault(False)
        self.import_button.setToolTip(self.tr("Copies the year's figures of the policy file into this unit's "
                                              "settings; lines this unit has already set are kept."))
        self.import_button.clicked.connect(self.import_policy_file)
        self.import_button.setVisible(self.editable)
        top.addWidget(self.import_button)
        self.copy_button = QPushButton(self.tr("Copy the previous year's…"))
        self.copy_button.setObjectName("copy_previous_year")
        self.copy_button.setAutoDefault(False)
        self.copy_button.setToolTip(self.tr("Copies the table of the nearest earlier year into this year; lines this "
                                            "year already has are kept."))
        self.copy_button.clicked.connect(lambda: self.copy_previous_year())
        self.copy_button.setVisible(self.editable)
        top.addWidget(self.copy_button)
        layout.addLayout(top)

        self.banner = QLabel(self.tr("Only the administrator can change the standards; they are shown here "
                                     "for reference."))
        self.banner.setObjectName("banner")
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(not self.editable)
        layout.addWidget(self.banner)
        hint = QLabel(self.tr("Amounts in yuan per student; 0 means the level is not funded for that kind of "
                              "household. How a level is paid applies to both of its lines.") if self.scholarship
                      else self.tr("Amounts in yuan per household: the cash, and the goods at their value."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)

        self.columns = self._columns()
        self.table = QTableWidget(0, len(self.columns))
        self.table.setObjectName("table")
        self.table.setHorizontalHeaderLabels([title for _key, title, _width in self.columns])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for index, (key, _title, width) in enumerate(self.columns):
            if key in ("amount", "goods"):  # money: the title over the figures, on the right
                self.table.horizontalHeaderItem(index).setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if width:
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Interactive)
                self.table.setColumnWidth(index, width)
            else:
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.empty = MessageLabel("empty", "hint")
        layout.addWidget(self.empty)

        # the messages of the cells, each naming its line, then what concerns the whole table
        self.messages = QVBoxLayout()
        self.messages.setContentsMargins(0, 0, 0, 0)
        self.messages.setSpacing(2)
        layout.addLayout(self.messages)
        self.general_error = MessageLabel("general_error", "error")
        layout.addWidget(self.general_error)
        self.info = MessageLabel("info", "ok")
        layout.addWidget(self.info)

        self.reason_box = QWidget()
        reason_row = QHBoxLayout(self.reason_box)
        reason_row.setContentsMargins(0, 4, 0, 0)
        reason_row.addWidget(QLabel(mandatory(self.tr("Reason for the change"))))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Required, e.g. the number of the document that sets the standards"))
        self.reason.setMaxLength(policy_admin.REASON_MAX)
        self.reason_field = Field("reason", self.reason, labels=(REASON_LABEL,), parent=self)
        reason_row.addWidget(self.reason, 1)
        self.reason_box.setVisible(self.editable)
        layout.addWidget(self.reason_box)
        layout.addWidget(self.reason_field.message)

        bottom = QHBoxLayout()
        self.changed_label = QLabel()
        self.changed_label.setObjectName("changed")
        bottom.addWidget(self.changed_label)
        bottom.addStretch(1)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("save")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.save_button.setVisible(self.editable)
        bottom.addWidget(self.save_button)
        close = QPushButton(self.tr("Close"))
        close.setObjectName("close")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.load()

    def _columns(self) -> list[tuple[str, str, int]]:
        """(key, title, width; 0 = takes the rest) of the table's columns."""
        if self.scholarship:
            return [("label", self.tr("Level"), 150), ("kind", self.tr("Household"), 90),
                    ("amount", self.tr("Amount (yuan)"), 150), ("plan", self.tr("How it is paid"), 190),
                    ("source", self.tr("Source"), 0)]
        return [("label", self.tr("Group"), 170), ("kind", self.tr("Household"), 90),
                ("amount", self.tr("Cash (yuan)"), 140), ("goods", self.tr("Goods value (yuan)"), 150),
                ("description", self.tr("Goods"), 0), ("source", self.tr("Source"), 140)]

    def _column(self, key: str) -> int:
        return next(i for i, (k, _t, _w) in enumerate(self.columns) if k == key)

    # --- state ---------------------------------------------------------------------------------------

    def idle(self) -> bool:
        return all(op.done for op in self.ops)

    @property
    def dirty(self) -> bool:
        return any(line.changed() for line in self.lines)

    def line(self, key: str, filed: bool = True) -> Line:
        return next(line for line in self.lines if (line.key, line.filed) == (key, filed))

    def fields(self) -> list[Field]:
        return [f for line in self.lines for f in line.fields.values()]

    def _run(self, work: Callable[[Progress], Any], done: Callable[[Any], None],
             failed: Callable[[BaseException], None] | None = None, *, title: str = "") -> Op[Any]:
        op = run_op(self, work, on_done=done, on_error=failed or self._show_failure, title=title,
                    cancellable=False, show_progress=bool(title))
        self.ops.append(op)
        self.ops = [o for o in self.ops if not o.done]
        return op

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(self, self.tr("Unsaved changes"),
                                      self.tr("The changes made in the table have not been saved. Discard them?"),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def reject(self) -> None:
        if self.editable and self.dirty and not self._confirm_discard():
            return
        super().reject()

    # --- loading -------------------------------------------------------------------------------------

    def _year_changed(self, year: int) -> None:
        if year == self.loaded_year:
            return
        if self.editable and self.dirty and not self._confirm_discard():
            self.year.blockSignals(True)
            self.year.setValue(self.loaded_year or year)
            self.year.blockSignals(False)
            return
        self.info.clear()
        self.load()

    def reload(self) -> None:
        if self.editable and self.dirty and not self._confirm_discard():
            return
        self.info.clear()
        self.load()

    def load(self) -> None:
        db, program, year, editable = self.ctx.db, self.program, self.year.value(), self.editable

        def work(_p: Progress) -> tuple[list[Standard], list[tuple[str, bool]]]:
            with db.session() as s:
                missing = policy_admin.missing_lines(s, program, year) if editable else []
                return policy_admin.standards(s, program, year), missing

        def done(result: tuple[list[Standard], list[tuple[str, bool]]]) -> None:
            if year != self.year.value():
                return  # the user has moved on to another year; its own load follows
            self._build(year, *result)

        self._run(work, done)

    def _clear(self) -> None:
        for f in [*self.fields()]:
            f.flush()  # no check left pending on an input about to go
            f.message.deleteLater()
            f.deleteLater()
        self.lines = []
        self.table.setRowCount(0)

    def _build(self, year: int, standards: list[Standard], missing: list[tuple[str, bool]]) -> None:
        self._clear()
        self.loaded_year, self.standards = year, standards
        self.general_error.clear()
        self.reason_field.clear()
        found: dict[tuple[str, bool], Standard | None] = {(s.key, s.filed): s for s in standards}
        found.update({line: None for line in missing})
        order = list(pol.SCHOLARSHIP_LEVELS if self.scholarship else pol.SPRING_FESTIVAL_GROUPS)
        lines = sorted(found, key=lambda kf: (order.index(kf[0]) if kf[0] in order else len(order), kf[0],
                                              not kf[1]))
        self.table.setRowCount(len(lines))
        for row, (key, filed) in enumerate(lines):
            self.lines.append(self._make_line(row, key, filed, found[key, filed]))
        for line in self.lines:
            for f in line.fields.values():
                f.changed.connect(self._mark_changes)
        self.empty.setText(self.tr("No standards for {0} yet.").format(year) if not lines else "")
        self._mark_changes()

    def _make_line(self, row: int, key: str, filed: bool, std: Standard | None) -> Line:
        labels = pol.SCHOLARSHIP_LEVELS if self.scholarship else pol.SPRING_FESTIVAL_GROUPS
        name = std.label if std else labels.get(key, key)
        self._item(row, "label", name)
        self._item(row, "kind", self.tr("Filed") if filed else self.tr("Unfiled"))
        suffix = f"{key}_{'filed' if filed else 'unfiled'}"
        amount = AmountEdit(self.amount_label)
        amount.set_fen(std.amount_fen if std else None)
        line = Line(key, filed, policy_admin.line_label(self.program, key, filed), std, row, amount)
        self._cell(line, "amount", amount, f"amount_{suffix}", (self.amount_label,),
                   lambda: self._check_amount(line))
        if self.scholarship and not self.editable:  # read only: the plan as text, not a greyed-out choice
            self._item(row, "plan", pol.PLANS.get((std.plan if std else None) or "", ""))
        elif self.scholarship:
            plan = EnumCombo(pol.PLANS.items())
            plan.set_code((std.plan if std else None) or self._level_plan(key))
            line.plan = plan
            self._cell(line, "plan", plan, f"plan_{suffix}", (PLAN_LABEL,), None)
            plan.currentIndexChanged.connect(lambda _i: self._plan_changed(line))
        else:
            goods = AmountEdit(GOODS_LABEL)
            goods.set_fen(std.goods_fen if std else None)
            line.goods = goods
            self._cell(line, "goods", goods, f"goods_{suffix}", (GOODS_LABEL,), lambda: self._check_goods(line))
            description = QLineEdit(std.goods_description if std else "")
            description.setMaxLength(policy_admin.DESCRIPTION_MAX)
            line.description = description
            self._cell(line, "description", description, f"description_{suffix}", (DESCRIPTION_LABEL,), None)
        self._item(row, "source", "")
        return line

    def _level_plan(self, key: str) -> str:
        sibling = next((s for s in self.standards if s.key == key and s.plan), None)
        return sibling.plan if sibling and sibling.plan else "one_off"

    def _item(self, row: int, column: str, text: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.table.setItem(row, self._column(column), item)
        return item

    def _cell(self, line: Line, column: str, widget: QWidget, name: str, labels: tuple[str, ...],
              check: Callable[[], str | None] | None) -> Field:
        f = Field(name, widget, labels=labels, check=check, parent=self)
        line.fields[column] = f
        if isinstance(widget, QLineEdit):
            widget.setFrame(False)
        f.set_read_only(not self.editable)
        self.table.setCellWidget(line.row, self._column(column), widget)
        self.messages.addWidget(f.message)
        return f

    # --- checks as the user types -------------------------------------------------------------------

    def _check_amount(self, line: Line) -> str | None:
        if not line.amount.text().strip():
            if line.standard is not None:
                return self.tr("{0}: enter the amount (0 if not funded)").format(line.name)
            others = [w.text().strip() for w in (line.goods, line.description) if w is not None]
            if any(others):
                return self.tr("{0}: enter the cash as well").format(line.name)
            return None
        return self._check_money(line, line.amount)

    def _check_goods(self, line: Line) -> str | None:
        assert line.goods is not None
        return self._check_money(line, line.goods)

    def _check_money(self, line: Line, edit: AmountEdit) -> str | None:
        try:
            edit.value()
        except DomainError as exc:
            return f"{line.name}：{exc.message}"
        return None

    def _plan_changed(self, line: Line) -> None:
        """A plan belongs to the level: the other line of the level follows at once."""
        assert line.plan is not None
        code = line.plan.code()
        for other in self.lines:
            if other is not line and other.key == line.key and other.plan is not None and other.plan.code() != code:
                other.plan.set_code(code)

    def _mark_changes(self) -> None:
        changed = 0
        for line in self.lines:
            item = self.table.item(line.row, self._column("source"))
            font = QFont(item.font())
            if line.changed():
                changed += 1
                item.setText(self.tr("Changed, not saved"))
                item.setForeground(QBrush(QColor(CHANGED_COLOUR)))
                font.setBold(True)
            else:
                std = line.standard
                item.setText(self.tr("Set by this unit") if std and std.source == FROM_DATABASE
                             else self.tr("Policy file") if std and std.source == FROM_FILE
                             else self.tr("Not set"))
                item.setForeground(QBrush(QColor("#202124" if std else "#80868b")))
                font.setBold(False)
            item.setFont(font)
        self.changed_label.setText(self.tr("{0} lines changed, not saved").format(changed) if changed else "")

    # --- saving ---------------------------------------------------------------------------------------

    def save(self) -> None:
        if not self.editable or self.busy:
            return
        self.general_error.clear()
        self.info.clear()
        bad = [f for f in self.fields() if f.validate()]
        if bad:
            self.general_error.setText(self.tr("Correct the lines marked in red first; nothing was saved."))
            bad[0].widget.setFocus()
            return
        changes = [c for line in self.lines if (c := line.change()) is not None]
        if not changes:
            self.general_error.setText(self.tr("Nothing has been changed."))
            return
        reason = self.reason.text().strip()
        if not reason:
            self.reason_field.show_result(self.tr("Enter the reason for the change (e.g. the document number) "
                                                  "before saving."))
            self.reason.setFocus()
            return
        self.reason_field.clear()
        db, user, program, year, today = self.ctx.db, self.ctx.user, self.program, self.loaded_year, self.ctx.today()
        assert year is not None

        def work(_p: Progress) -> int:
            with db.session() as s:
                return len(policy_admin.set_standards(s, user, program=program, year=year, changes=changes,
                                                      reason=reason, today=today))

        def done(count: int) -> None:
            self._set_busy(False)
            self.reason.clear()
            self.reason_field.clear()
            self.info.setText(self.tr("Saved: {0} lines changed.").format(count))
            self.saved.emit(count)
            self.load()

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self._show_failure(exc)

        self._set_busy(True)
        self._run(work, done, failed, title=self.tr("Saving the standards…"))

    def import_policy_file(self) -> None:
        if not self.editable or self.busy or (self.dirty and not self._confirm_discard()):
            return
        self.general_error.clear()
        self.info.clear()
        db, user, program, year, today = self.ctx.db, self.ctx.user, self.program, self.year.value(), self.ctx.today()

        def work(_p: Progress) -> int:
            with db.session() as s:
                return policy_admin.seed_year(s, user, year, program=program, today=today)

        def done(added: int) -> None:
            self._set_busy(False)
            self.info.setText(self.tr("{0} lines imported from the policy file.").format(added) if added else
                              self.tr("Every line of the policy file is already set by this unit."))
            self.load()

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self._show_failure(exc)

        self._set_busy(True)
        self._run(work, done, failed, title=self.tr("Importing from the policy file…"))

    def copy_previous_year(self, confirm: bool = True) -> None:
        """The nearest earlier year's table copied into this year, once the administrator agrees."""
        if not self.editable or self.busy or (self.dirty and not self._confirm_discard()):
            return
        self.general_error.clear()
        self.info.clear()
        db, user, program, year, today = self.ctx.db, self.ctx.user, self.program, self.year.value(), self.ctx.today()

        def find(_p: Progress) -> int | None:
            with db.session() as s:
                return policy_admin.last_year_with_standards(s, program, year)

        def ask(last: int | None) -> None:
            self._set_busy(False)
            if last is None:
                self.general_error.setText(self.tr("No earlier year has standards to copy."))
                return
            if confirm and QMessageBox.question(
                    self, self.tr("Copy the previous year's"),
                    self.tr("Copy the {0} standards to {1}? Lines {1} already has are kept.").format(last, year),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No) != QMessageBox.StandardButton.Yes:
                return

            def work(_p: Progress) -> int:
                with db.session() as s:
                    return policy_admin.copy_year(s, user, program=program, from_year=last, to_year=year, today=today)

            def done(added: int) -> None:
                self._set_busy(False)
                self.info.setText(self.tr("{0} lines copied from {1}.").format(added, last) if added else
                                  self.tr("Every line of {0} is already set for this year.").format(last))
                self.load()

            def failed(exc: BaseException) -> None:
                self._set_busy(False)
                self._show_failure(exc)

            self._set_busy(True)
            self._run(work, done, failed, title=self.tr("Copying the standards…"))

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self._show_failure(exc)

        self._set_busy(True)
        self._run(find, ask, failed, title=self.tr("Copying the standards…"))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for button in (self.save_button, self.import_button, self.reload_button, self.copy_button):
            button.setEnabled(not busy)

    def _show_failure(self, exc: BaseException) -> None:
        """A refusal at the cell of its line (or the reason), else under the table."""
        if not isinstance(exc, DomainError):
            self.general_error.setText(self.tr("The operation failed unexpectedly; nothing was saved. ({0})")
                                       .format(type(exc).__name__))
            return
        if exc.field == REASON_LABEL:
            self.reason_field.show_result(exc.message)
            return
        where = policy_admin.refused_line(exc)
        line = next((ln for ln in self.lines if (ln.key, ln.filed) == where), None)
        target = next((f for f in line.fields.values() if exc.field in f.labels), None) if line else None
        if target is not None:
            target.show_result(exc.message)
            self.general_error.setText(self.tr("Nothing was saved."))
        else:
            self.general_error.setText(exc.message)


def open_standards(ctx: AppContext, program: str, year: int, parent: QWidget | None) -> StandardsDialog:
    """Show the standards of ``program`` for ``year`` without blocking (``open()``); the one already
    open over ``parent`` for the program is raised instead of opening a second."""
    if parent is not None:
        for dialog in parent.findChildren(StandardsDialog):
            if dialog.program == program and dialog.isVisible():
                if dialog.year.value() != year and not dialog.dirty:
                    dialog.year.setValue(year)
                dialog.raise_()
                dialog.activateWindow()
                return dialog
    dialog = StandardsDialog(ctx, program, year, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
