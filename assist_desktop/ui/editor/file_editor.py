"""The hardship-file editor (困难职工档案表): worker, members, income and category, bank account,
attachments and history, for a new file or an existing one.

- Every field is checked as it is typed (debounced) with the domain parsers; the message stands under
  the field in Chinese and the field gets a red border. Save is refused while a message stands.
- On save the registry service decides; a refusal naming a field (``DomainError.field``) is shown at
  that field, or at the member's row and cell; anything else in a dialog. Nothing is written by the UI.
- Loading, saving, revealing sensitive fields, attachments and history all run in background
  operations (``run_op``); the dialog stays responsive.
- Keyboard: Tab order follows the form, Enter moves to the next field, Ctrl+S saves, Esc closes (asking
  about unsaved changes: 保存 / 不保存 / 取消), Alt+1…6 switch tabs.
- ID numbers, the bank account and health stay masked for an existing file until "显示", which the
  service writes to the audit log.
- Read-only when the user is not a clerk, or the file is neither draft nor active, or the file belongs to
  another unit (a county's file held at the city: only the county changes it and reports it again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import QEventLoop, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QDialog, QFrame, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QScrollArea, QTabWidget,
                               QVBoxLayout, QWidget)

from assist_desktop.domain import enums
from assist_desktop.domain.contact import mask_account, parse_bank_account, parse_mobile, parse_postal_code
from assist_desktop.domain.dates import parse_date_text
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.hardship import (HardshipCategory, HardshipCause, InvalidHousehold, check_monthly_income,
                                            per_capita_monthly_income, propose_category)
from assist_desktop.domain.ids import mask_id_number, parse_id_number
from assist_desktop.domain.lifecycle import FileStatus, Role
from assist_desktop.domain.money import format_amount
from assist_desktop.domain.names import normalise_name
from assist_desktop.domain.regions import full_region_name, is_known_region
from assist_desktop.services import registry, search
from assist_desktop.services.base import snapshot
from assist_desktop.services.registry import DuplicatePerson, FileInput
from assist_desktop.services.units import UnitChoice, list_grassroots_units
from assist_desktop.ui.background import Op, Progress, run_op, show_error
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.editor.attachments_tab import AttachmentsTab, FileDialogs
from assist_desktop.ui.editor.fields import (STYLE, EnumCombo, Field, FieldBox, Hint, MoneyEdit, SensitiveStack,
                                             derived_box, mandatory, parse_money_text)
from assist_desktop.ui.editor.history_tab import HistoryTab
from assist_desktop.ui.editor.members_table import SERVICE_LABELS, MembersTab
from assist_desktop.ui.permissions import require_roles
from assist_desktop.ui.screen import fitted_size

HEALTH_FIELDS = ("health", "illness", "disability_type", "disability_grade")
# Money the category formula cannot do without: blank is "not given" (0 is typed as 0).
REQUIRED_MONEY = ("worker_monthly_income_fen",)
MONEY_FIELDS = {  # key → the name the registry's messages use
    "worker_monthly_income_fen": "本人月平均收入", "other_annual_income_fen": "家庭其他非薪资年收入",
    "medical_expenses_fen": "医疗支出", "schooling_expenses_fen": "教育支出", "hardship_costs_fen": "致困支出",
}
DATE_FIELDS = {"work_start_date": "参加工作时间", "exit_target_since": "列为解困脱困对象时间",
               "civil_affairs_check_date": "民政核对日期"}
TEXT_LIMITS = {  # key → (service name, limit, required)
    "address": ("家庭住址", 200, True), "employer_name": ("工作单位", 100, True), "illness": ("所患疾病", 100, False),
    "other_contact": ("其他联系方式", 40, False), "other_cause_text": ("其他致困原因", 200, False),
    "bank_name": ("开户银行", 60, False), "bank_branch": ("支行名称", 100, False),
    "civil_affairs_check_result": ("民政核对结果", 200, False), "filed_by_name": ("建档人", 30, False),
    "reviewed_by_name": ("审核人", 30, False), "entered_by_name": ("录入人", 30, False),
}
ENUM_FIELDS = {  # key → (enum, service name, has a 'not filled' item)
    "political_status": (enums.PoliticalStatus, "政治面貌", True), "marital_status": (enums.MaritalStatus, "婚姻状况", True),
    "work_status": (enums.WorkStatus, "工作状态", True), "model_worker_type": (enums.ModelWorkerType, "劳模类型", False),
    "medical_insurance": (enums.MedicalInsurance, "医保状况", True), "health": (enums.HealthStatus, "健康状况", True),
    "disability_type": (enums.DisabilityType, "残疾类别", True),
    "disability_grade": (enums.DisabilityGrade, "残疾等级", True), "housing_type": (enums.HousingType, "住房类型", True),
    "floor_area": (enums.FloorArea, "建筑面积", True), "hukou_type": (enums.HukouType, "户口类型", True),
    "file_type": (enums.FileType, "档案类型", False), "file_origin": (enums.FileOrigin, "档案来源", False),
}
LABEL_WIDTH = 96
FLAGS = ("single_parent", "zero_employment", "self_help_ability", "is_migrant_worker", "is_new_employment_form")


@dataclass
class Loaded:
    """What the background load hands to the GUI thread (plain values, no live ORM objects)."""

    file: dict[str, Any] | None
    members: list[dict[str, Any]]
    units: list[UnitChoice]
    line_fen: int | None
    line_error: str | None
    owner_name: str | None = None  # the unit the file belongs to, when it is not the local unit


@dataclass
class Saved:
    file_id: str
    version: int
    file_no: str
    status: str
    member_ids: list[str]


def _button_value(result: object) -> int:
    return int(getattr(result, "value", result))  # type: ignore[call-overload]


class FileEditor(QDialog):
    saved = Signal(str)  # file id, after every successful save
    loaded = Signal()

    def __init__(self, ctx: AppContext, file_id: str | None = None, parent: QWidget | None = None, *,
                 dialogs: FileDialogs | None = None, today: date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or date.today()
        self.file_id = file_id
        self.version: int | None = None
        self.file_no: str | None = None
        self.status: str | None = FileStatus.draft.value if file_id is None else None
        self.ready = False
        self.load_error: str | None = None
        self.line_fen: int | None = None
        self.line_error: str | None = None
        self.proposal: HardshipCategory | None = None
        self.proposal_known = False
        self.revealed: set[str] = set()
        self.fields: dict[str, Field] = {}
        self.read_only = not ctx.has(Role.clerk)
        self.owner_name: str | None = None  # set when the file belongs to another unit: view only
        self._file: dict[str, Any] = {}
        self._baseline: object = None
        self._saving = False
        self._populating = False
        self._ops: list[Op] = []
        self._focus: dict[str, list[QWidget]] = {}
        self._current_focus: list[QWidget] = []
        self._not_filled = self.tr("(not filled)")
        self.setObjectName("file_editor")
        self.setStyleSheet(STYLE)
        self.setSizeGripEnabled(True)
        self.resize(fitted_size(self, 1180, 820))
        self._build(dialogs)
        # 显示 reads sensitive fields (audited): the administrator, who manages users, may not — said at once
        for button in (self.id_stack.button, self.health_stack.button, self.bank_stack.button,
                       self.members.show_button):
            require_roles(button, self.ctx.roles, Role.clerk, Role.reviewer, Role.approver)
        self._update_title()
        self._set_enabled_while_loading(False)
        self._load()

    # ======================================================================================================
    # building the form
    # ======================================================================================================

    def _build(self, dialogs: FileDialogs | None) -> None:
        outer = QVBoxLayout(self)
        head = QHBoxLayout()
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setProperty("role", "header")
        head.addWidget(self.heading, 1)
        self.state_label = QLabel()
        self.state_label.setObjectName("state")
        head.addWidget(self.state_label)
        outer.addLayout(head)
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        outer.addWidget(self.banner)
        # a household a ledger gave with more people than it listed (成员待补录): what is missing
        self.pending_note = QLabel()
        self.pending_note.setObjectName("members_pending")
        self.pending_note.setProperty("role", "banner")
        self.pending_note.setWordWrap(True)
        self.pending_note.hide()
        outer.addWidget(self.pending_note)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.addTab(self._scrolled(self._build_worker()), self.tr("Worker (&1)"))
        self.members = MembersTab(self.today)
        self.members.changed.connect(self._on_changed)
        self.members.reveal_requested.connect(lambda: self.reveal(("id_number", "health")))
        self._focus["members"] = [self.members.add_button, self.members.remove_button, self.members.show_button,
                                  self.members.view]
        self.tabs.addTab(self.members, self.tr("Members (&2)"))
        self.tabs.addTab(self._scrolled(self._build_income()), self.tr("Income and category (&3)"))
        self.tabs.addTab(self._build_bank(), self.tr("Bank account (&4)"))
        self.attachments = AttachmentsTab(self.ctx, dialogs)
        self.attachments.changed.connect(self._history_outdated)
        self._focus["attachments"] = self.attachments.focus_order()
        self.tabs.addTab(self.attachments, self.tr("Attachments (&5)"))
        self.history = HistoryTab(self.ctx)
        self._focus["history"] = [self.history.table]
        self.tabs.addTab(self.history, self.tr("History (&6)"))
        self.tabs.currentChanged.connect(self._tab_changed)
        outer.addWidget(self.tabs, 1)

        bottom = QHBoxLayout()
        self.status_line = QLabel()
        self.status_line.setObjectName("status_line")
        self.status_line.setWordWrap(True)
        bottom.addWidget(self.status_line, 1)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("save")
        self.save_button.setToolTip(self.tr("Save the file (Ctrl+S)"))
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("close")
        self.close_button.setToolTip(self.tr("Close the editor (Esc)"))
        for button in (self.save_button, self.close_button):
            button.setAutoDefault(False)
            button.setDefault(False)
            button.setMinimumWidth(96)
            bottom.addWidget(button)
        outer.addLayout(bottom)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        shortcut = QShortcut(QKeySequence("Ctrl+S"), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self.save)
        self._chain_focus()
        QApplication.instance().focusChanged.connect(self._focus_changed)  # type: ignore[union-attr]

    def _scrolled(self, body: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(body)
        return area

    def _group(self, title: str) -> tuple[QGroupBox, QGridLayout]:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)
        for column in (0, 2, 4):  # captions line up from one group to the next
            grid.setColumnMinimumWidth(column, LABEL_WIDTH)
        return box, grid

    def _place(self, grid: QGridLayout, row: int, pair: int, caption: str, field: Field | QWidget, *,
               span: int = 1, required: bool = False, extras: tuple[QWidget, ...] = (),
               inner: QWidget | None = None) -> QLabel:
        """Caption and input on grid row 2·row, the input's message under it on 2·row + 1 (empty rows take no
        space), so captions and inputs stay on one line whether a message shows or not."""
        label = QLabel(mandatory(caption) if required else caption)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(label, 2 * row, pair * 2)
        if isinstance(field, Field):
            cell: QWidget = FieldBox(field, inner, extras)
            label.setBuddy(field.widget)
            if isinstance(inner, SensitiveStack):
                self._current_focus.append(inner.button)
            self._current_focus.append(field.widget)
            grid.addWidget(field.message, 2 * row + 1, pair * 2 + 1, 1, span * 2 - 1)
        else:
            cell = field
        grid.addWidget(cell, 2 * row, pair * 2 + 1, 1, span * 2 - 1)
        return label

    def _field(self, key: str, widget: QWidget, *, labels: tuple[str, ...] = (), check: Any = None) -> Field:
        field = Field(key, widget, labels=labels, check=check, parent=self)
        field.changed.connect(self._on_changed)
        field.checked.connect(self._recount)
        self.fields[key] = field
        return field

    def _line(self, key: str, labels: tuple[str, ...] = (), check: Any = None, placeholder: str = "",
              max_length: int | None = None) -> Field:
        edit = QLineEdit()
        if placeholder:
            edit.setPlaceholderText(placeholder)
        if max_length:
            edit.setMaxLength(max_length)
        return self._field(key, edit, labels=labels, check=check)

    def _text(self, key: str, placeholder: str = "") -> Field:
        """A free-text field with its length limit (and required-ness) from the registry."""
        return self._line(key, (TEXT_LIMITS[key][0],), lambda: self._check_text(key), placeholder)

    def _enum(self, key: str) -> Field:
        enum_type, name, blank = ENUM_FIELDS[key]
        combo = EnumCombo(enum_type.choices(), self._not_filled if blank else None)
        return self._field(key, combo, labels=(name,), check=(lambda: self._check_disability_grade())
                           if key == "disability_grade" else None)

    def _flag(self, key: str, caption: str) -> Field:
        box = QCheckBox(caption)
        return self._field(key, box)

    def _money(self, key: str, placeholder: str) -> Field:
        name = MONEY_FIELDS[key]
        edit = MoneyEdit(name)
        edit.setPlaceholderText(placeholder)
        edit.setMaximumWidth(240)
        return self._field(key, edit, labels=(name,), check=lambda: self._check_money(key))

    def _date(self, key: str) -> Field:
        name = DATE_FIELDS[key]
        edit = QLineEdit()
        edit.setPlaceholderText(self.tr("e.g. 2015-03-01"))
        return self._field(key, edit, labels=(name,), check=lambda: self._check_date(key))

    # --- 职工信息 -------------------------------------------------------------------------------------------

    def _build_worker(self) -> QWidget:
        self._current_focus = []
        page = QWidget()
        column = QVBoxLayout(page)

        box, grid = self._group(self.tr("Basic information"))
        name = self._line("name", ("姓名",), self._check_name, max_length=30)
        self._place(grid, 0, 0, self.tr("Name"), name, required=True)
        id_field = self._line("id_number", ("身份证号",), self._check_id, self.tr("18 characters"), max_length=22)
        id_field.widget.textChanged.connect(self._update_id_derived)
        self.id_stack = SensitiveStack(id_field.widget, self.tr("Show"))
        self.id_stack.setObjectName("id_stack")
        self.id_stack.button.setObjectName("show_id")
        self.id_stack.button.setToolTip(self.tr("Show the full ID number; the look is written to the audit log"))
        self.id_stack.reveal_requested.connect(lambda: self.reveal(("id_number",)))
        self.birth_box, self.sex_box, self.age_box = derived_box(width=100), derived_box(width=40), derived_box(width=56)
        self.birth_box.setObjectName("birth_date")
        self.sex_box.setObjectName("sex")
        self.age_box.setObjectName("age")
        derived: list[QWidget] = []
        for caption, widget in ((self.tr("Birth date"), self.birth_box), (self.tr("Sex"), self.sex_box),
                                (self.tr("Age"), self.age_box)):
            label = QLabel(caption)
            label.setProperty("role", "hint")
            derived += [label, widget]
        self.derived_note = derived
        self._place(grid, 0, 1, self.tr("ID number"), id_field, span=2, required=True, inner=self.id_stack,
                    extras=tuple(derived))
        ethnicity = self._field("ethnicity", EnumCombo([(g, g) for g in enums.ETHNIC_GROUPS], self._not_filled),
                                labels=("民族",))
        self._place(grid, 1, 0, self.tr("Ethnicity"), ethnicity)
        self._place(grid, 1, 1, self.tr("Political status"), self._enum("political_status"))
        self._place(grid, 1, 2, self.tr("Marital status"), self._enum("marital_status"))
        self._place(grid, 2, 0, self.tr("Work status"), self._enum("work_status"))
        self._place(grid, 2, 1, self.tr("Model worker"), self._enum("model_worker_type"))
        self._place(grid, 2, 2, self.tr("Medical insurance"), self._enum("medical_insurance"))
        column.addWidget(box)

        # health: sensitive, behind its own "show"
        inner = QWidget()
        hgrid = QGridLayout(inner)
        hgrid.setContentsMargins(0, 0, 0, 0)
        hgrid.setHorizontalSpacing(10)
        hgrid.setVerticalSpacing(8)
        for c in (1, 3, 5):
            hgrid.setColumnStretch(c, 1)
        for c in (0, 2, 4):
            hgrid.setColumnMinimumWidth(c, LABEL_WIDTH)
        health_focus_start = len(self._current_focus)
        self._place(hgrid, 0, 0, self.tr("Health"), self._enum("health"))
        self._place(hgrid, 0, 1, self.tr("Disability type"), self._enum("disability_type"))
        self._place(hgrid, 0, 2, self.tr("Disability grade"), self._enum("disability_grade"))
        self._place(hgrid, 1, 0, self.tr("Illness"), self._text("illness", self.tr("e.g. malignant tumour, uraemia")),
                    span=3)
        health_focus = self._current_focus[health_focus_start:]
        del self._current_focus[health_focus_start:]
        note = QLabel(self.tr("Health, illness and disability are sensitive personal information and are hidden."))
        note.setProperty("role", "hint")
        self.health_stack = SensitiveStack(inner, self.tr("Show"), note=note)
        self.health_stack.setObjectName("health_stack")
        self.health_stack.button.setObjectName("show_health")
        self.health_stack.button.setToolTip(self.tr("Show health information; the look is written to the audit log"))
        self.health_stack.reveal_requested.connect(lambda: self.reveal(HEALTH_FIELDS))
        self._current_focus += [self.health_stack.button, *health_focus]
        hbox = QGroupBox(self.tr("Health"))
        holder = QVBoxLayout(hbox)
        holder.setContentsMargins(grid.contentsMargins())  # line up with the groups around it
        holder.addWidget(self.health_stack)
        column.addWidget(hbox)

        box, grid = self._group(self.tr("Household"))
        captions = (self.tr("Single parent"), self.tr("Zero-employment household"), self.tr("Some self-help ability"),
                    self.tr("Migrant worker"), self.tr("New form of employment"))
        row = QHBoxLayout()
        row.setSpacing(28)
        for key, caption in zip(FLAGS, captions):
            flag = self._flag(key, caption)
            row.addWidget(flag.widget)
            self._current_focus.append(flag.widget)
        row.addStretch(1)
        grid.addLayout(row, 0, 0, 1, 6)
        grid.setColumnMinimumWidth(0, 0)
        column.addWidget(box)

        box, grid = self._group(self.tr("Housing and contact"))
        self._place(grid, 0, 0, self.tr("Mobile phone"),
                    self._line("phone", ("手机号码",), self._check_phone, self.tr("11 digits"), 20), required=True)
        self._place(grid, 0, 1, self.tr("Other contact"), self._text("other_contact"))
        self._place(grid, 0, 2, self.tr("Postal code"),
                    self._line("postal_code", ("邮政编码",), self._check_postal, self.tr("6 digits"), 6))
        self._place(grid, 1, 0, self.tr("Home address"),
                    self._text("address", self.tr("Province, city, county, town, village or street, number")),
                    span=3, required=True)
        self._place(grid, 2, 0, self.tr("Housing"), self._enum("housing_type"))
        self._place(grid, 2, 1, self.tr("Floor area"), self._enum("floor_area"))
        self._place(grid, 2, 2, self.tr("Hukou type"), self._enum("hukou_type"))
        self._place(grid, 3, 0, self.tr("Hukou region code"),
                    self._line("hukou_region_code", ("户口所在地", "户口所在地行政区划"), self._check_hukou_code,
                               self.tr("6-digit region code"), 6), span=2)
        column.addWidget(box)

        box, grid = self._group(self.tr("Work and union"))
        self._place(grid, 0, 0, self.tr("Employer"), self._text("employer_name"), span=2, required=True)
        self._place(grid, 0, 2, self.tr("Started work"), self._date("work_start_date"))
        unit = self._field("unit_id", EnumCombo([], self.tr("(choose)")), labels=("所属工会", "所属基层工会"),
                           check=self._check_unit)
        self._place(grid, 1, 0, self.tr("Grassroots union"), unit, span=2, required=True)
        column.addWidget(box)

        box, grid = self._group(self.tr("File and sign-off"))
        self._place(grid, 0, 0, self.tr("File type"), self._enum("file_type"))
        self._place(grid, 0, 1, self.tr("File origin"), self._enum("file_origin"))
        target = self._flag("exit_target", self.tr("Target for leaving hardship"))
        self._place(grid, 0, 2, self.tr("Exit target"), target)
        self._place(grid, 1, 0, self.tr("Target since"), self._date("exit_target_since"))
        self._place(grid, 1, 1, self.tr("Income check date"), self._date("civil_affairs_check_date"))
        self._place(grid, 1, 2, self.tr("Income check result"), self._text("civil_affairs_check_result"))
        self._place(grid, 2, 0, self.tr("Filed by"), self._text("filed_by_name"))
        self._place(grid, 2, 1, self.tr("Reviewed by"), self._text("reviewed_by_name"))
        self._place(grid, 2, 2, self.tr("Entered by"), self._text("entered_by_name"))
        column.addWidget(box)
        column.addStretch(1)
        self._focus["worker"] = self._current_focus
        return page

    # --- 收入与类别 -----------------------------------------------------------------------------------------

    def _build_income(self) -> QWidget:
        self._current_focus = []
        page = QWidget()
        grid_page = QGridLayout(page)
        grid_page.setColumnStretch(0, 3)
        grid_page.setColumnStretch(1, 2)

        box, grid = self._group(self.tr("Income and expenses (yuan)"))
        yuan = self.tr("e.g. 1,234.50")
        self._place(grid, 0, 0, self.tr("Worker's monthly income"), self._money("worker_monthly_income_fen", yuan),
                    required=True)
        self._place(grid, 1, 0, self.tr("Other non-wage income per year"),
                    self._money("other_annual_income_fen", yuan))
        self._place(grid, 2, 0, self.tr("Medical expenses this year"), self._money("medical_expenses_fen", yuan))
        self._place(grid, 3, 0, self.tr("Schooling expenses this year"), self._money("schooling_expenses_fen", yuan))
        self._place(grid, 4, 0, self.tr("Hardship costs this year"), self._money("hardship_costs_fen", yuan))
        disaster = self._flag("disaster_or_accident", self.tr("Struck by a natural disaster or an accident"))
        self._place(grid, 5, 0, self.tr("Disaster or accident"), disaster)
        members_note = QLabel(self.tr("Members' incomes are entered on the Members tab."))
        members_note.setProperty("role", "hint")
        grid.addWidget(members_note, 12, 1, 1, 5)
        for c in (3, 5):
            grid.setColumnStretch(c, 0)
        grid_page.addWidget(box, 0, 0)

        panel = QGroupBox(self.tr("By the formula"))
        panel.setObjectName("figures")
        form = QGridLayout(panel)
        form.setVerticalSpacing(8)
        self.figure_labels: dict[str, QLabel] = {}
        rows = (("size", self.tr("Household size")), ("annual", self.tr("Household income per year")),
                ("rigid", self.tr("Rigid expenses (medical + schooling)")),
                ("per_capita", self.tr("Per-capita monthly income")), ("line", self.tr("Subsistence line")),
                ("ratio", self.tr("Compared with the line")), ("proposed", self.tr("Proposed category")))
        for row, (key, caption) in enumerate(rows):
            label = QLabel(caption)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value = QLabel("—")
            value.setObjectName(f"figure_{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addWidget(label, row, 0)
            form.addWidget(value, row, 1)
            self.figure_labels[key] = value
        self.figure_labels["proposed"].setStyleSheet("font-size: 15px; font-weight: bold;")
        self.figure_labels["per_capita"].setStyleSheet("font-weight: bold;")
        formula = QLabel(self.tr("(household income − rigid expenses) ÷ 12 ÷ household size. Below the line: deep "
                                 "hardship; below twice the line: relative hardship; a disaster or accident, or "
                                 "hardship costs above 80% of the year's income: hardship by accident."))
        formula.setWordWrap(True)
        formula.setProperty("role", "hint")
        form.addWidget(formula, len(rows), 0, 1, 2)
        form.setColumnStretch(1, 1)
        form.setRowStretch(len(rows) + 1, 1)
        grid_page.addWidget(panel, 0, 1)

        box, grid = self._group(self.tr("Category and causes"))
        category = self._field("category", EnumCombo([(c.value, c.label) for c in HardshipCategory], ""),
                               labels=("困难类别",), check=self._check_category)
        self._place(grid, 0, 0, self.tr("Hardship category"), category, required=True)
        reason = self._line("category_override_reason", ("类别调整理由",), self._check_reason,
                            self.tr("Why the category differs from the formula"), 500)
        self.reason_label = self._place(grid, 0, 1, self.tr("Reason for the category"), reason, span=2)
        self._reason_caption = self.tr("Reason for the category")
        causes = [(c.value, f"{c.value} {c.label}") for c in HardshipCause]
        primary = self._field("primary_cause", EnumCombo(causes, self.tr("(choose)")), labels=("主要致困原因",),
                              check=self._check_primary)
        self._place(grid, 1, 0, self.tr("Main cause"), primary, required=True)
        for number in (1, 2, 3):
            key = f"secondary_{number}"
            combo = self._field(key, EnumCombo(causes, self.tr("(none)")), labels=("次要致困原因",),
                                check=lambda k=key: self._check_secondary(k))
            combo.changed.connect(self._recheck_causes)
            caption = self.tr("Other cause {0}").format(number)
            self._place(grid, 2, number - 1, caption, combo)
        self.fields["primary_cause"].changed.connect(self._recheck_causes)
        self._place(grid, 3, 0, self.tr("Other cause, described"), self._text("other_cause_text"), span=3)
        grid_page.addWidget(box, 1, 0, 1, 2)
        grid_page.setRowStretch(2, 1)
        self.fields["category"].changed.connect(self._category_changed)
        self._focus["income"] = self._current_focus
        return page

    # --- 银行账户 -------------------------------------------------------------------------------------------

    def _build_bank(self) -> QWidget:
        self._current_focus = []
        page = QWidget()
        column = QVBoxLayout(page)
        box, grid = self._group(self.tr("Account for payments"))
        self._place(grid, 0, 0, self.tr("Bank"), self._text("bank_name", self.tr("e.g. Agricultural Bank of China")),
                    span=2)
        self._place(grid, 1, 0, self.tr("Branch"), self._text("bank_branch"), span=2)
        account = self._line("bank_account", ("银行卡号",), self._check_account, self.tr("12 to 30 digits"), 40)
        self.bank_stack = SensitiveStack(account.widget, self.tr("Show"))
        self.bank_stack.setObjectName("bank_stack")
        self.bank_stack.button.setObjectName("show_account")
        self.bank_stack.button.setToolTip(self.tr("Show the full account number; the look is written to the audit "
                                                  "log"))
        self.bank_stack.reveal_requested.connect(lambda: self.reveal(("bank_account",)))
        self._place(grid, 2, 0, self.tr("Account number"), account, span=2, inner=self.bank_stack)
        column.addWidget(box)
        note = QLabel(self.tr("Aid is paid into the worker's own account; cash is handed over only against a signed "
                              "sign-off sheet."))
        note.setProperty("role", "hint")
        note.setWordWrap(True)
        column.addWidget(note)
        column.addStretch(1)
        self._focus["bank"] = self._current_focus
        return page

    def _chain_focus(self) -> None:
        """Tab order: the tab bar, each tab's fields in reading order, then Save and Close."""
        f = self._focus
        worker, members, income, bank, attachments, history = (f["worker"], f["members"], f["income"], f["bank"],
                                                                f["attachments"], f["history"])
        chain: list[QWidget] = [self.tabs.tabBar(), *worker, *members, *income, *bank, *attachments, *history,
                                self.save_button, self.close_button]
        self._tab_first = {0: worker[0], 1: members[-1], 2: income[0], 3: bank[0], 4: attachments[0], 5: history[0]}
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # ======================================================================================================
    # checks as the user types (domain parsers; no database)
    # ======================================================================================================

    def _check_name(self) -> str | None:
        normalise_name(self.fields["name"].text())
        return None

    def _check_id(self) -> str | Hint | None:
        parsed = parse_id_number(self.fields["id_number"].text(), today=self.today)
        if parsed.age_on(self.today) < 16:
            return self.tr("The worker is under 16 by this ID number; please check it")
        if not is_known_region(parsed.region_code):
            return Hint(self.tr("Region code {0} is not in the current table (an old number may carry a retired "
                                "code)").format(parsed.region_code))
        return Hint(self.tr("Issued in {0}").format(parsed.region_name)) if parsed.region_name else None

    def _update_id_derived(self, text: str) -> None:
        try:
            parsed = parse_id_number(text, today=self.today)
        except DomainError:
            self.birth_box.clear()
            self.sex_box.clear()
            self.age_box.clear()
            self.members.model.worker_id = ""
            return
        self.birth_box.setText(parsed.birth_date.isoformat())
        self.sex_box.setText(parsed.sex.label)
        self.age_box.setText(self.tr("{0} yrs").format(parsed.age_on(self.today)))
        self.members.model.worker_id = parsed.value

    def _check_text(self, key: str) -> str | None:
        _name, limit, required = TEXT_LIMITS[key]
        text = self.fields[key].text()
        if required and not text:
            return self.tr("Required")
        if len(text) > limit:
            return self.tr("Too long: {0} characters, at most {1}").format(len(text), limit)
        return None

    def _check_phone(self) -> str | None:
        parse_mobile(self.fields["phone"].text())
        return None

    def _check_postal(self) -> str | None:
        if self.fields["postal_code"].text():
            parse_postal_code(self.fields["postal_code"].text())
        return None

    def _check_hukou_code(self) -> str | Hint | None:
        code = self.fields["hukou_region_code"].text()
        if not code:
            return None
        if not (len(code) == 6 and code.isdigit()):
            return self.tr("The region code has 6 digits")
        name = full_region_name(code)
        return Hint(name) if name else Hint(self.tr("Not in the current region table; a retired code is accepted"))

    def _check_unit(self) -> str | None:
        return None if self.fields["unit_id"].value() else self.tr("Choose the grassroots union holding the file")

    def _check_disability_grade(self) -> str | None:
        if self.fields["disability_type"].value() and not self.fields["disability_grade"].value():
            return self.tr("A disability type needs its grade")
        return None

    def _check_money(self, key: str) -> str | None:
        if key in REQUIRED_MONEY and not self.fields[key].text():
            return self.tr("Fill in the worker's monthly income (0 if none): without it the category cannot be "
                           "worked out")
        fen = parse_money_text(self.fields[key].text(), label=MONEY_FIELDS[key])
        if key == "worker_monthly_income_fen":
            check_monthly_income(fen, field=MONEY_FIELDS[key])
        return None

    def _check_date(self, key: str) -> str | None:
        parse_date_text(self.fields[key].text(), label=DATE_FIELDS[key], today=self.today)
        return None

    def _check_account(self) -> str | None:
        account = self.fields["bank_account"].text()
        if account:
            parse_bank_account(account)
            if not self.fields["bank_name"].text():
                return self.tr("Fill in the bank as well")
        return None

    def _override_needed(self) -> bool:
        chosen = self.fields["category"].value()
        return bool(chosen) and self.proposal_known and (self.proposal is None or chosen != self.proposal.value)

    def _check_category(self) -> str | None:
        if not self.fields["category"].value() and self.proposal_known and self.proposal is None:
            return self.tr("By the formula the household fits no category; choose one and give the reason")
        return None

    def _check_reason(self) -> str | None:
        text = self.fields["category_override_reason"].text()
        if self._override_needed() and not text:
            proposed = self.proposal.label if self.proposal else self.tr("no category")
            return self.tr("The formula gives “{0}”: a different category needs a reason").format(proposed)
        if len(text) > 500:
            return self.tr("Too long: {0} characters, at most {1}").format(len(text), 500)
        return None

    def _check_primary(self) -> str | None:
        return None if self.fields["primary_cause"].value() else self.tr("Choose the main cause of hardship")

    def _check_secondary(self, key: str) -> str | None:
        value = self.fields[key].value()
        if not value:
            return None
        if value == self.fields["primary_cause"].value():
            return self.tr("Already the main cause")
        for other in ("secondary_1", "secondary_2", "secondary_3"):
            if other == key:
                break
            if self.fields[other].value() == value:
                return self.tr("Chosen twice")
        return None

    def _recheck_causes(self) -> None:
        if self._populating:
            return
        for key in ("secondary_1", "secondary_2", "secondary_3"):
            if self.fields[key].error or self.fields[key].value():
                self.fields[key].validate()

    def _category_changed(self) -> None:
        self._update_reason_caption()
        if not self._populating and (self.fields["category_override_reason"].error or self.fields["category"].error):
            self.fields["category_override_reason"].validate()
            self.fields["category"].validate()

    def _update_reason_caption(self) -> None:
        needed = self._override_needed()
        self.reason_label.setText(mandatory(self._reason_caption) if needed else self._reason_caption)
        self.fields["category_override_reason"].widget.setPlaceholderText(
            self.tr("Required: why the category differs from the formula") if needed
            else self.tr("Only when the category differs from the formula"))

    # ======================================================================================================
    # the live figures
    # ======================================================================================================

    def _declared(self) -> tuple[int | None, int | None]:
        """The ledger's household size and income while fewer people are listed (成员待补录)."""
        declared = getattr(self, "_file", {}).get("declared_household_size")
        listed = 1 + self.members.model.rowCount()
        if declared is not None and declared > listed:
            return declared, self._file.get("declared_annual_income_fen")
        return None, None

    def _update_pending(self) -> None:
        declared, annual = self._declared()
        listed = 1 + self.members.model.rowCount()
        if declared is None:
            self.pending_note.hide()
            return
        text = self.tr("Members to be completed: the ledger gives a household of {0}, {1} listed here, {2} to "
                       "add on the Members tab.").format(declared, listed, declared - listed)
        if annual is not None:
            text += " " + self.tr("Until then the category is judged on the ledger's household size and its "
                                  "household income of {0} yuan a year; once everyone is listed it is "
                                  "computed from the members.").format(format_amount(annual))
        self.pending_note.setText(text)
        self.pending_note.show()

    def _update_figures(self) -> None:
        labels = self.figure_labels
        declared, declared_annual = self._declared()
        self._update_pending()
        size = declared or 1 + self.members.model.rowCount()
        labels["size"].setText(self.tr("{0} persons").format(size) if declared is None else
                               self.tr("{0} persons (as the ledger gives it; {1} listed)")
                               .format(size, 1 + self.members.model.rowCount()))
        incomes = self.members.model.incomes_fen()
        try:
            amounts = {key: parse_money_text(self.fields[key].text(), label=name) for key, name in MONEY_FIELDS.items()}
        except DomainError:
            amounts = None
        self.proposal, self.proposal_known = None, False
        # a blank income is missing, not 0: no figures and no proposal until it is given
        missing = [self.tr("the worker's monthly income") for key in REQUIRED_MONEY if not self.fields[key].text()]
        missing += [self.tr("{0}'s monthly income").format(name) for name in self.members.model.missing_incomes()]
        if amounts is None or incomes is None or missing:
            for key in ("annual", "rigid", "per_capita", "ratio", "proposed"):
                labels[key].setText("—")
            labels["proposed"].setText(self.tr("Not yet: fill in {0} (0 if none)").format("、".join(missing)) if
                                       missing and amounts is not None and incomes is not None
                                       else self.tr("Correct the amounts marked in red first"))
        else:
            annual = amounts["worker_monthly_income_fen"] * 12 + amounts["other_annual_income_fen"] + sum(incomes) * 12
            if declared is not None and declared_annual is not None:
                annual = declared_annual  # the ledger's household income counts the people not listed yet
            rigid = amounts["medical_expenses_fen"] + amounts["schooling_expenses_fen"]
            labels["annual"].setText(self.tr("{0} yuan").format(format_amount(annual)))
            labels["rigid"].setText(self.tr("{0} yuan").format(format_amount(rigid)))
            try:
                per_capita = per_capita_monthly_income(annual, rigid, size)
            except InvalidHousehold as exc:
                labels["per_capita"].setText(exc.message)
                per_capita = None
            if per_capita is not None:
                labels["per_capita"].setText(self.tr("{0} yuan").format(format_amount(per_capita)))
            if self.line_fen is None:
                labels["ratio"].setText("—")
                labels["proposed"].setText(self.line_error or self.tr("Waiting for the subsistence line…"))
            elif per_capita is not None:
                ratio = per_capita / self.line_fen
                if per_capita < self.line_fen:
                    where = self.tr("below the line")
                elif per_capita < 2 * self.line_fen:
                    where = self.tr("below twice the line")
                else:
                    where = self.tr("at or above twice the line")
                labels["ratio"].setText(self.tr("{0:.2f} times the line, {1}").format(ratio, where))
                self.proposal = propose_category(per_capita_fen=per_capita, subsistence_line_fen=self.line_fen,
                                                 annual_income_fen=annual,
                                                 hardship_costs_fen=amounts["hardship_costs_fen"],
                                                 disaster_or_accident=bool(self.fields["disaster_or_accident"].value()))
                self.proposal_known = True
                labels["proposed"].setText(self.proposal.label if self.proposal else self.tr("fits no category"))
        if self.line_fen is not None:
            labels["line"].setText(self.tr("{0} yuan per person per month").format(format_amount(self.line_fen)))
        else:
            labels["line"].setText(self.line_error or self.tr("loading…"))
        combo = self.fields["category"].widget
        assert isinstance(combo, EnumCombo)
        if missing:
            text = self.tr("By the formula (income not filled in yet)")
        elif not self.proposal_known:
            text = self.tr("By the formula")
        else:
            text = self.tr("By the formula ({0})").format(self.proposal.label if self.proposal
                                                          else self.tr("fits no category"))
        combo.setItemText(0, text)
        self._update_reason_caption()

    # ======================================================================================================
    # loading
    # ======================================================================================================

    def _load(self) -> None:
        db, user, file_id, today = self.ctx.db, self.ctx.user, self.file_id, self.today
        region = self.ctx.unit.region_code or self.ctx.unit.code
        local_id = self.ctx.unit.id

        def work(_p: Progress) -> Loaded:
            with db.session() as session:
                data: dict[str, Any] | None = None
                members: list[dict[str, Any]] = []
                owner: str | None = None
                if file_id is not None:
                    hf, rows = registry.get_file(session, user, file_id)
                    data = snapshot(hf)
                    members = [snapshot(m) for m in rows]
                    if hf.owner_unit_id != local_id:
                        owner = search.owner_name(session, hf.owner_unit_id)
                units = list_grassroots_units(session, include_id=data["unit_id"] if data else None)
                try:
                    line, line_error = registry.subsistence_line(session, region, today.year), None
                except DomainError as exc:
                    line, line_error = None, exc.message
                return Loaded(data, members, units, line, line_error, owner)

        def failed(exc: BaseException) -> None:
            self.load_error = exc.message if isinstance(exc, DomainError) else type(exc).__name__
            self.read_only = True
            self._apply_read_only()
            self.banner.setText(self.tr("The file could not be opened: {0}").format(self.load_error))
            self.banner.show()
            self.ready = True
            self.loaded.emit()
            show_error(self, exc)

        self._track(run_op(self, work, on_done=self._loaded, on_error=failed, show_progress=False))

    def _loaded(self, loaded: Loaded) -> None:
        self.line_fen, self.line_error = loaded.line_fen, loaded.line_error
        self.owner_name = loaded.owner_name
        combo = self.fields["unit_id"].widget
        assert isinstance(combo, EnumCombo)
        for unit in loaded.units:
            suffix = "" if unit.active else self.tr(" (deactivated)")
            caption = unit.name if unit.level == "grassroots" else self.tr("{0} (this federation)").format(unit.name)
            combo.addItem(caption + suffix, unit.id)
        self._populating = True
        try:
            if loaded.file is not None:
                self._populate(loaded.file, loaded.members)
            else:
                self._defaults()
        finally:
            self._populating = False
        self._update_figures()
        if loaded.file is not None:
            self._choose_category(loaded.file)
        self._apply_masks()
        self._apply_read_only()
        self._baseline = self._state()
        self.fields["hukou_region_code"].validate()  # shows the region's name
        self._set_enabled_while_loading(True)
        self._update_title()
        self.ready = True
        self.attachments.set_file(self.file_id, self.status, own=self.owner_name is None)
        self.history.set_file(self.file_id)
        self._tab_changed(self.tabs.currentIndex())
        QTimer.singleShot(0, self._focus_first)
        self.loaded.emit()

    def _defaults(self) -> None:
        self.fields["ethnicity"].set_value("汉族")
        self.fields["model_worker_type"].set_value("none")
        self.fields["file_type"].set_value("urban_worker")
        self.fields["file_origin"].set_value("new")
        self.fields["self_help_ability"].set_value(True)
        self.fields["entered_by_name"].set_value(self.ctx.user.display_name)
        self.fields["filed_by_name"].set_value(self.ctx.user.display_name)
        self.members.model.load([])

    def _populate(self, data: dict[str, Any], members: list[dict[str, Any]]) -> None:
        self._file = dict(data)
        self.file_id, self.version = data["id"], data["version"]
        self.file_no, self.status = data["file_no"], data["status"]
        for key, field in self.fields.items():
            if key.startswith("secondary_") or key == "category":
                continue
            if key in data:
                field.set_value(data[key])
        secondary = [int(c) for c in str(data.get("secondary_causes") or "").split(",") if c.strip()]
        for number in (1, 2, 3):
            self.fields[f"secondary_{number}"].set_value(secondary[number - 1] if len(secondary) >= number else "")
        self.fields["primary_cause"].set_value(int(data["primary_cause"]) if data.get("primary_cause") else "")
        for key in REQUIRED_MONEY:  # a recorded 0 was given: it reads 0.00, not blank (which is "not given")
            if data.get(key) is not None:
                self.fields[key].widget.setText(format_amount(int(data[key])))
        self.members.model.load(members)
        if not self.ctx.has(Role.clerk) or self.owner_name is not None:
            self.read_only = True
        elif self.status not in registry.EDITABLE_STATES:
            self.read_only = True

    def _choose_category(self, data: dict[str, Any]) -> None:
        """按公式 when the stored category is what the formula gives now; otherwise the stored category, so that
        a save never changes a category silently (the caseworker then confirms it with a reason)."""
        category, reason = data.get("category"), data.get("category_override_reason")
        self._populating = True
        try:
            formula_agrees = self.proposal_known and self.proposal is not None and self.proposal.value == category
            if reason or not formula_agrees:
                self.fields["category"].set_value(category or "")
            else:
                self.fields["category"].set_value("")
        finally:
            self._populating = False
        self._update_reason_caption()
        if self.fields["category"].value() and not reason and self._override_needed() and not self.read_only:
            self.fields["category_override_reason"].validate()

    def _focus_first(self) -> None:
        if self.tabs.currentIndex() == 0:
            target = self.fields["name"].widget
            if isinstance(target, QLineEdit) and target.isReadOnly():
                target.setCursorPosition(0)
            target.setFocus()

    # ======================================================================================================
    # masks, read-only, state
    # ======================================================================================================

    def _apply_masks(self) -> None:
        existing = bool(self._file)
        hidden = {key for key in ("id_number", "bank_account", *HEALTH_FIELDS) if existing and key not in self.revealed}
        id_value = self.fields["id_number"].text()
        if "id_number" in hidden and id_value:
            self.id_stack.mask(mask_id_number(id_value))
        else:
            self.id_stack.unmask()
        account = self.fields["bank_account"].text()
        if "bank_account" in hidden and account:
            self.bank_stack.mask(mask_account(account))
        else:
            self.bank_stack.unmask()
        if set(HEALTH_FIELDS) & hidden and any(self.fields[k].value() for k in HEALTH_FIELDS):
            self.health_stack.mask()
        else:
            self.health_stack.unmask()
        self.members.set_masked({k for k in ("id_number", "health") if k in hidden})

    def _apply_read_only(self) -> None:
        for field in self.fields.values():
            field.set_read_only(self.read_only)
        self.members.set_read_only(self.read_only)
        self.save_button.setVisible(not self.read_only)
        if self.read_only and not self.load_error:
            if self.owner_name is not None:  # whatever the role or the status: another unit's file
                text = self.tr("This file belongs to {0}; here it can only be viewed (that unit changes it and "
                               "reports it again).").format(self.owner_name)
            elif not self.ctx.has(Role.clerk):
                roles = "、".join(r.label for r in sorted(self.ctx.roles, key=list(Role).index)) or self.tr("none")
                text = self.tr("Your role ({0}) may view this file but not change it.").format(roles)
            elif self.status == FileStatus.exited.value:
                text = self.tr("This file has exited the registry and is kept read-only.")
            else:
                text = self.tr("This file is “{0}” and cannot be changed now; a reviewer can send it back to draft."
                               ).format(FileStatus(self.status).label if self.status else "")
            self.banner.setText(text)
            self.banner.show()

    def _set_enabled_while_loading(self, enabled: bool) -> None:
        self.tabs.setEnabled(enabled)
        self.save_button.setEnabled(enabled)
        if not enabled:
            self.status_line.setText(self.tr("Loading…"))
        elif not self.load_error:
            self.status_line.setText("")

    def _state(self) -> tuple:
        return (tuple((key, field.state()) for key, field in self.fields.items()), self.members.model.state())

    @property
    def dirty(self) -> bool:
        return self.ready and not self.read_only and self._baseline is not None and self._state() != self._baseline

    def _recount(self) -> None:
        """The 'not saved' summary follows the corrections: the count goes down, and it goes away once
        nothing is left to correct."""
        if not getattr(self, "_summary_shown", False):
            return
        messages = [f.error for f in self.fields.values() if f.error]
        member_errors = self.members.model.errors()
        if member_errors:
            row, _key, cell_message = member_errors[0]
            messages.append(self.tr("Member row {0}: {1}").format(row + 1, cell_message))
        if not messages:
            self._summary_shown = False
            self.status_line.clear()
            return
        self.status_line.setText(self.tr("Not saved: {0} item(s) need correcting — {1}").format(
            len(messages), messages[0]))

    def _on_changed(self) -> None:
        self._recount()
        if self._populating or not self.ready:
            return
        self._update_figures()
        self.setWindowModified(self.dirty)

    def _update_title(self) -> None:
        name = self.fields["name"].text() if "name" in self.fields else ""
        if self.file_id is None:
            title = self.tr("New hardship file")
            heading = self.tr("New hardship file — the file number is given when it is first saved")
            state = self.tr("Draft")
        else:
            title = self.tr("Hardship file {0} ({1})").format(name, self.file_no or "")
            heading = self.tr("{0}  ·  file no. {1}").format(name, self.file_no or "")
            state = self.tr("Status: {0}   Version {1}").format(
                FileStatus(self.status).label if self.status else "—", self.version or "—")
        self.setWindowTitle(title + "[*]")
        self.heading.setText(heading)
        self.state_label.setText(state)

    # ======================================================================================================
    # tabs and keyboard
    # ======================================================================================================

    def _tab_changed(self, index: int) -> None:
        if not self.ready:
            return
        # Alt+number, Ctrl+Tab or a click: the caseworker continues at the page's first field (unless they are
        # walking the tab bar itself with the arrow keys)
        focus = QApplication.focusWidget() or self.focusWidget()
        target = self._tab_first.get(index)
        if target is not None and focus is not self.tabs.tabBar() and target.isEnabled():
            target.setFocus(Qt.FocusReason.TabFocusReason)
        widget = self.tabs.widget(index)
        if widget is self.attachments and not self.attachments.loaded:
            self.attachments.refresh()
        elif widget is self.history and not self.history.loaded:
            self.history.refresh()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        try:
            if new is None or not self.isAncestorOf(new):
                return
        except RuntimeError:  # the dialog is gone
            return
        parent = new.parentWidget()
        while parent is not None and parent is not self:
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(new, 20, 40)
                break
            parent = parent.parentWidget()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods & ~Qt.KeyboardModifier.KeypadModifier:
            focus = self.focusWidget()
            if isinstance(focus, QPushButton):
                focus.click()
            elif not isinstance(focus, QAbstractItemView):
                self.focusNextChild()
            event.accept()
            return
        if event.matches(QKeySequence.StandardKey.Save) or (key == Qt.Key.Key_S
                                                            and mods == Qt.KeyboardModifier.ControlModifier):
            self.save()
            event.accept()
            return
        if mods == Qt.KeyboardModifier.AltModifier and Qt.Key.Key_1 <= key <= Qt.Key.Key_6:
            self.go_to_tab(key - Qt.Key.Key_1)
            event.accept()
            return
        super().keyPressEvent(event)

    def go_to_tab(self, index: int) -> None:
        if index == self.tabs.currentIndex():
            self._tab_changed(index)
        self.tabs.setCurrentIndex(index)

    # ======================================================================================================
    # revealing sensitive fields (audited by the service)
    # ======================================================================================================

    def reveal(self, fields: tuple[str, ...]) -> Op | None:
        if not self.file_id or not self._file:
            return None
        db, user, file_id = self.ctx.db, self.ctx.user, self.file_id
        stacks = [s for s in (self.id_stack, self.bank_stack, self.health_stack)]
        for stack in stacks:
            stack.set_busy(True)

        def work(_p: Progress) -> dict[str, Any]:
            with db.session() as session:
                return registry.reveal_sensitive(session, user, file_id, tuple(fields))

        def done(_values: dict[str, Any]) -> None:
            self.revealed |= set(fields)
            self._apply_masks()
            self._history_outdated()

        op = run_op(self, work, on_done=done, show_progress=False)
        op.settled.connect(lambda: [s.set_busy(False) for s in stacks])
        return self._track(op)

    # ======================================================================================================
    # saving
    # ======================================================================================================

    def _validate_all(self) -> list[tuple[int, QWidget | None, str]]:
        problems: list[tuple[int, QWidget | None, str]] = []
        for field in self.fields.values():
            field.flush()
            message = field.validate()
            if message:
                problems.append((self._tab_of(field.widget), field.widget, message))
        for row, key, message in self.members.model.errors():
            problems.append((1, None, self.tr("Member row {0}: {1}").format(row + 1, message)))
            break
        problems.sort(key=lambda p: p[0])
        return problems

    def _tab_of(self, widget: QWidget) -> int:
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if page is widget or page.isAncestorOf(widget):
                return index
        return 0

    def _collect(self) -> FileInput:
        f = self.fields

        def text(key: str) -> str | None:
            return f[key].text() or None

        def code(key: str) -> str | None:
            value = f[key].value()
            return str(value) if value not in ("", None) else None

        def day(key: str) -> date | None:
            return parse_date_text(f[key].text(), label=DATE_FIELDS[key], today=self.today)

        secondary = tuple(int(f[f"secondary_{n}"].value()) for n in (1, 2, 3)  # type: ignore[call-overload]
                          if f[f"secondary_{n}"].value() not in ("", None))
        employer_name = f["employer_name"].text()
        employer_id = self._file.get("employer_id") if employer_name == (self._file.get("employer_name") or "") else None
        primary = f["primary_cause"].value()
        return FileInput(
            name=f["name"].text(), id_number=f["id_number"].text(), phone=f["phone"].text(),
            address=f["address"].text(), employer_name=employer_name, unit_id=str(f["unit_id"].value() or ""),
            primary_cause=int(primary) if primary not in ("", None) else 0,  # type: ignore[call-overload]
            secondary_causes=secondary, members=self.members.model.member_inputs(),
            **({key: parse_money_text(f[key].text(), label=name) for key, name in MONEY_FIELDS.items()}
               | {key: None for key in REQUIRED_MONEY if not f[key].text()}),
            disaster_or_accident=bool(f["disaster_or_accident"].value()),
            category=code("category"), category_override_reason=text("category_override_reason"),
            file_type=code("file_type") or "urban_worker", file_origin=code("file_origin") or "new",
            ethnicity=code("ethnicity"), political_status=code("political_status"), health=code("health"),
            illness=text("illness"), disability_type=code("disability_type"),
            disability_grade=code("disability_grade"), work_status=code("work_status"),
            model_worker_type=code("model_worker_type") or "none", marital_status=code("marital_status"),
            medical_insurance=code("medical_insurance"),
            **{key: bool(f[key].value()) for key in FLAGS},
            housing_type=code("housing_type"), floor_area=code("floor_area"), other_contact=text("other_contact"),
            postal_code=text("postal_code"), hukou_type=code("hukou_type"),
            hukou_region_code=text("hukou_region_code"), employer_id=employer_id,
            work_start_date=day("work_start_date"), other_cause_text=text("other_cause_text"),
            bank_name=text("bank_name"), bank_branch=text("bank_branch"), bank_account=text("bank_account"),
            exit_target=bool(f["exit_target"].value()), exit_target_since=day("exit_target_since"),
            civil_affairs_check_date=day("civil_affairs_check_date"),
            civil_affairs_check_result=text("civil_affairs_check_result"),
            filed_by_name=text("filed_by_name"), reviewed_by_name=text("reviewed_by_name"),
            entered_by_name=text("entered_by_name"),
            # kept as the ledger gave them; the declared size goes once every person is listed
            declared_household_size=self._file.get("declared_household_size"),
            declared_annual_income_fen=self._file.get("declared_annual_income_fen"),
            filed_on=self._file.get("filed_on"), former_file_no=self._file.get("former_file_no"),
        )

    def save(self) -> bool:
        """Check, then save through the registry in the background; True once the file is stored.

        The dialog keeps handling events while the save runs (a local event loop), so it stays responsive;
        closing is held back until the save has settled.
        """
        if self.read_only or not self.ready or self._saving:
            return False
        self.members.commit_pending()
        self.members.model.clear_service_errors()
        problems = self._validate_all()
        if problems:
            tab, widget, message = problems[0]
            self.tabs.setCurrentIndex(tab)
            if widget is not None:
                widget.setFocus()
            else:
                row, key, cell_message = self.members.model.errors()[0]
                self.members.point_at(row, key, self.tr("Row {0}: {1}").format(row + 1, cell_message))
            self.status_line.setText(self.tr("Not saved: {0} item(s) need correcting — {1}").format(
                len(problems), message))
            self._summary_shown = True  # follows the corrections (_recount) and goes once all are made
            return False
        try:
            data = self._collect()
        except DomainError as exc:
            self._show_refusal(exc)
            return False
        db, user, file_id, version, today = self.ctx.db, self.ctx.user, self.file_id, self.version, self.today

        def work(_p: Progress) -> Saved:
            with db.session() as session:
                if file_id is None:
                    hf = registry.create_file(session, user, data, today=today)
                else:
                    hf = registry.update_file(session, user, file_id, data, expected_version=version or 0,
                                              today=today)
                stored, members = registry.get_file(session, user, hf.id)
                return Saved(stored.id, stored.version, stored.file_no, stored.status, [m.id for m in members])

        outcome: dict[str, Any] = {}
        loop = QEventLoop(self)

        def done(result: Saved) -> None:
            outcome["saved"] = result
            loop.quit()

        def failed(exc: BaseException) -> None:
            outcome["error"] = exc
            loop.quit()

        self._saving = True
        self._summary_shown = False
        self.save_button.setEnabled(False)
        self.status_line.setText(self.tr("Saving…"))
        op = self._track(run_op(self, work, on_done=done, on_error=failed, title=self.tr("Saving the file…"),
                                cancellable=False))
        op.destroyed.connect(loop.quit)  # the dialog went away under the save: do not wait for ever
        if not op.done:
            loop.exec()
        if not shiboken6.isValid(self):
            return "saved" in outcome
        self._saving = False
        self.save_button.setEnabled(True)
        if "saved" in outcome:
            self._after_save(outcome["saved"], data)
            return True
        self._show_refusal(outcome.get("error") or RuntimeError("save did not finish"))
        return False

    def _after_save(self, saved: Saved, data: FileInput) -> None:
        created = self.file_id is None
        self.file_id, self.version, self.file_no, self.status = (saved.file_id, saved.version, saved.file_no,
                                                                 saved.status)
        self.members.model.set_ids(saved.member_ids)
        if created:
            self.revealed |= set(registry.SENSITIVE_FIELDS)  # typed here: nothing to hide from this user
        self._file = {**self._file, "id": saved.file_id, "employer_name": data.employer_name,
                      "employer_id": data.employer_id}
        declared = self._file.get("declared_household_size")
        if declared is not None and 1 + len(data.members) >= declared:  # every person listed: as the service does
            self._file["declared_household_size"] = self._file["declared_annual_income_fen"] = None
            self._update_figures()
        self._apply_masks()
        self._baseline = self._state()
        self.setWindowModified(False)
        self._update_title()
        self.status_line.setText(self.tr("Saved: file {0}, version {1}.").format(self.file_no, self.version))
        self.attachments.set_file(self.file_id, self.status)
        self.history.set_file(self.file_id)
        self._history_outdated()
        self.ctx.events.files_changed.emit([self.file_id])
        self.saved.emit(self.file_id)

    # --- refusals --------------------------------------------------------------------------------------------

    def _show_refusal(self, exc: BaseException) -> None:
        """A service refusal at its field, or at a member's cell; otherwise in a dialog."""
        if not isinstance(exc, DomainError):
            self.status_line.setText(self.tr("Not saved."))
            show_error(self, exc)
            return
        message, label = exc.message, exc.field
        self.status_line.setText(self.tr("Not saved: {0}").format(message))
        row = self._member_row_of(exc)
        if row is not None:
            key = next((v for k, v in SERVICE_LABELS.items() if label and label.endswith(k)), "name")
            if isinstance(exc, DuplicatePerson):
                key = "id_number"
            self.tabs.setCurrentWidget(self.members)
            self.members.point_at(row, key, message)
            return
        if label:
            for field in self.fields.values():
                if label in field.labels:
                    self.tabs.setCurrentIndex(self._tab_of(field.widget))
                    field.show_result(message)
                    if field.widget.isVisible():
                        field.widget.setFocus()
                    elif field.key == "id_number":
                        self.id_stack.button.setFocus()
                    return
        show_error(self, exc)

    def _member_row_of(self, exc: DomainError) -> int | None:
        message = exc.message
        match = re.match(r"第(\d+)名家庭成员", message)
        if match:
            return int(match.group(1)) - 1
        if isinstance(exc, DuplicatePerson):
            found = re.search(r"家庭成员(.+?)（", message) if message.startswith("家庭成员") else \
                re.search(r"与家庭成员(.+?)）", message)
            if found:
                return self.members.model.row_of_name(found.group(1))
        return None

    # ======================================================================================================
    # closing
    # ======================================================================================================

    def _ask_unsaved(self) -> str:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Unsaved changes"),
                          self.tr("This file has changes that are not saved. Save them before closing?"),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Save).setText(self.tr("Save"))
        box.button(QMessageBox.StandardButton.Discard).setText(self.tr("Don't save"))
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        result = _button_value(box.exec())
        if result == QMessageBox.StandardButton.Save.value:
            return "save"
        if result == QMessageBox.StandardButton.Discard.value:
            return "discard"
        return "cancel"

    def reject(self) -> None:
        if self._saving:
            self.status_line.setText(self.tr("Saving… please wait."))
            return
        self.members.commit_pending()
        if self.dirty:
            choice = self._ask_unsaved()
            if choice == "cancel" or (choice == "save" and not self.save()):
                return
        super().reject()

    def done(self, result: int) -> None:
        try:
            QApplication.instance().focusChanged.disconnect(self._focus_changed)  # type: ignore[union-attr]
        except (RuntimeError, TypeError):
            pass
        super().done(result)

    def _history_outdated(self) -> None:
        self.history.loaded = False
        if self.tabs.currentWidget() is self.history:
            self.history.refresh()

    # --- background operations --------------------------------------------------------------------------------

    def _track(self, op: Op) -> Op:
        self._ops = [o for o in self._ops if not o.done]
        self._ops.append(op)
        return op

    @property
    def idle(self) -> bool:
        """No background operation of the editor or its tabs is still running (tests wait for this)."""
        ops = [*self._ops, self.attachments.op, self.history.op]
        return all(op is None or op.done for op in ops)
