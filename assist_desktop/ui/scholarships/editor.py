"""The application form: household, student (ID → birth date, sex, age), school, exclusions, amount."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractButton, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QGridLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QRadioButton,
                               QScrollArea, QTabWidget, QVBoxLayout, QWidget)

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.ids import parse_id_number
from assist_desktop.domain.lifecycle import GrantStatus, Role
from assist_desktop.domain.money import format_amount
from assist_desktop.domain.names import normalise_name
from assist_desktop.domain.policy import SCHOLARSHIP, SCHOLARSHIP_LEVELS
from assist_desktop.domain.study_plan import StudyPlan, planned_years
from assist_desktop.services import file_list, policy_admin, scholarships
from assist_desktop.services.scholarships import EXCLUSIONS, UNFILED_KINDS, ApplicationInput, UnfiledInput
from assist_desktop.services.search import FileFilters, search
from assist_desktop.ui.background import Debouncer, Op, Progress, run_op
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.editor.attachments_tab import ApplicationAttachments
from assist_desktop.ui.editor.fields import STYLE, EnumCombo, Field, MoneyEdit, derived_box, mandatory
from assist_desktop.ui.screen import fitted_size


def _value(result: object) -> int:
    return int(getattr(result, "value", result))  # type: ignore[call-overload]


def _year(text: str, label: str) -> int:
    value = (text or "").strip()
    if not value.isdigit():
        raise DomainError(f"{label}应填写整数", field=label)
    return int(value)


class ApplicationEditor(QDialog):
    saved = Signal(str)

    def __init__(self, ctx: AppContext, round_id: str, scholarship_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.round_id, self.scholarship_id = ctx, round_id, scholarship_id
        self.version = 0
        self.status = GrantStatus.draft.value
        self.round_year = ctx.today().year
        self.file_id: str | None = None
        self.unfiled_household_id: str | None = None
        self.op: Op[Any] | None = None
        self.ops: list[Op[Any]] = []
        self.setWindowTitle(self.tr("Scholarship application"))
        self.setStyleSheet(STYLE)
        self.resize(fitted_size(self, 760, 640))
        self.fields: dict[str, Field] = {}
        layout = QVBoxLayout(self)
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        form = QWidget()
        outer_layout, layout = layout, QVBoxLayout(form)
        layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()  # the whole form reaches on a 1024×768 screen, scrolling if it must
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(form)
        self.tabs.addTab(scroll, self.tr("Application"))
        self.attachments = ApplicationAttachments(ctx)
        self.tabs.addTab(self.attachments, self.tr("Materials"))
        self.tabs.currentChanged.connect(self._tab_changed)
        outer_layout.addWidget(self.tabs, 1)

        # household
        household = QGroupBox(self.tr("Household"))
        grid = QGridLayout(household)
        self.filed_radio = QRadioButton(self.tr("Active hardship file"))
        self.filed_radio.setObjectName("filed")
        self.unfiled_radio = QRadioButton(self.tr("Household without a file"))
        self.unfiled_radio.setObjectName("unfiled")
        self.filed_radio.setChecked(True)
        self.filed_radio.toggled.connect(self._household_mode)
        grid.addWidget(self.filed_radio, 0, 0)
        grid.addWidget(self.unfiled_radio, 0, 1)
        self.file_search = QLineEdit()
        self.file_search.setObjectName("file_search")
        self.file_search.setPlaceholderText(self.tr("File no. or name of the worker"))
        self.file_search.returnPressed.connect(self.find_files)
        find = QPushButton(self.tr("Find"))
        find.setObjectName("find_file")
        find.setAutoDefault(False)
        find.clicked.connect(self.find_files)
        self.file_combo = QComboBox()
        self.file_combo.setObjectName("file")
        self.file_combo.currentIndexChanged.connect(self._file_chosen)
        self.file_label = QLabel(mandatory(self.tr("File")))
        grid.addWidget(self.file_label, 1, 0)
        row = QHBoxLayout()
        row.addWidget(self.file_search, 1)
        row.addWidget(find)
        row.addWidget(self.file_combo, 2)
        self.file_row = QWidget()
        self.file_row.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.file_row, 1, 1, 1, 3)
        self._field(grid, 2, 0, "file_pick", self.file_combo, (), ("档案", "家庭"), None, place=False)
        self.parent_name = QLineEdit()
        self.parent_id = QLineEdit()
        self.kind = EnumCombo(UNFILED_KINDS.items())
        self.unfiled_box = QWidget()
        ugrid = QGridLayout(self.unfiled_box)
        ugrid.setContentsMargins(0, 0, 0, 0)
        self._field(ugrid, 0, 0, "parent_name", self.parent_name, self.tr("Parent's name"), ("家长姓名",),
                    lambda: self._check_name(self.parent_name.text(), "家长姓名"), required=True)
        self._field(ugrid, 0, 2, "parent_id", self.parent_id, self.tr("Parent's ID number"), ("家长身份证号",),
                    lambda: self._check_id(self.parent_id.text(), "家长身份证号"), required=True)
        self._field(ugrid, 2, 0, "kind", self.kind, self.tr("Kind"), ("未建档户类别",), None)
        # a household already recorded (an earlier application, a sibling) is found by the parent's ID
        self.unfiled_hint = QLabel()
        self.unfiled_hint.setObjectName("unfiled_hint")
        self.unfiled_hint.setWordWrap(True)
        self.unfiled_hint.setStyleSheet("color: #1565c0;")
        ugrid.addWidget(self.unfiled_hint, 2, 2, 1, 2)
        self._parent_lookup = Debouncer(400, self.look_up_parent, self)
        self.parent_id.textChanged.connect(lambda _t: self._parent_lookup.poke())
        grid.addWidget(self.unfiled_box, 3, 0, 1, 4)
        layout.addWidget(household)

        # student
        student = QGroupBox(self.tr("Student"))
        sgrid = QGridLayout(student)
        # a filed household's student is one of its members: picked, not typed again
        self.member_pick = QComboBox()
        self.member_pick.setObjectName("member_pick")
        self.member_pick.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.member_pick.setMinimumContentsLength(24)
        self.member_pick.activated.connect(self._member_picked)
        self.member_pick_label = QLabel(self.tr("From the household"))
        pick_row = QHBoxLayout()
        pick_row.addWidget(self.member_pick_label)
        pick_row.addWidget(self.member_pick, 1)
        sgrid.addLayout(pick_row, 9, 0, 1, 4)
        self.member_pick_label.hide()
        self.member_pick.hide()
        self.student_name = QLineEdit()
        self.student_id = QLineEdit()
        self._field(sgrid, 0, 0, "student_name", self.student_name, self.tr("Name"), ("学生姓名",),
                    lambda: self._check_name(self.student_name.text(), "学生姓名"), required=True)
        self._field(sgrid, 0, 2, "student_id", self.student_id, self.tr("ID number"), ("学生身份证号",),
                    self._check_student_id, required=True)
        self.birth, self.sex, self.age = derived_box(), derived_box(width=50), derived_box(width=50)
        for box, name in ((self.birth, "birth"), (self.sex, "sex"), (self.age, "age")):
            box.setObjectName(name)
        derived = QHBoxLayout()
        derived.addWidget(QLabel(self.tr("Born")))
        derived.addWidget(self.birth)
        derived.addWidget(QLabel(self.tr("Sex")))
        derived.addWidget(self.sex)
        derived.addWidget(QLabel(self.tr("Age on 1 September")))
        derived.addWidget(self.age)
        derived.addStretch(1)
        sgrid.addLayout(derived, 2, 0, 1, 4)
        self.school = QLineEdit()
        self.major = QLineEdit()
        self.level = EnumCombo(SCHOLARSHIP_LEVELS.items(), blank=self.tr("(choose)"))
        self.level.currentIndexChanged.connect(self.load_standard)
        self.admission = QLineEdit()
        self.study_years = QLineEdit()
        self.notice_no = QLineEdit()
        self._field(sgrid, 3, 0, "school", self.school, self.tr("School"), ("学校",),
                    lambda: None if self.school.text().strip() else "学校不能为空", required=True)
        self._field(sgrid, 3, 2, "major", self.major, self.tr("Major"), ("专业",), None)
        self._field(sgrid, 5, 0, "level", self.level, self.tr("Level"), ("学段",),
                    lambda: None if self.level.code() else "请选择学段", required=True)
        self._field(sgrid, 5, 2, "admission_year", self.admission, self.tr("Admission year"), ("入学年份",),
                    lambda: self._check_year(self.admission.text(), "入学年份"), required=True)
        self._field(sgrid, 7, 0, "study_years", self.study_years, self.tr("Years of study"), ("学制",),
                    self._check_years, required=True)
        self._field(sgrid, 7, 2, "notice_no", self.notice_no, self.tr("Admission notice no."), ("录取通知书编号",), None)
        layout.addWidget(student)

        # exclusions
        exclusions = QGroupBox(self.tr("Not eligible if any applies"))
        egrid = QGridLayout(exclusions)
        self.exclusion_boxes: dict[str, QCheckBox] = {}
        texts = {"funded_elsewhere": self.tr("Funded through another channel"),
                 "self_funded_abroad": self.tr("Self-funded study abroad"),
                 "high_fee_programme": self.tr("High-fee private or Sino-foreign programme"),
                 "tuition_free_programme": self.tr("Military school or tuition-free programme")}
        for i, (flag, _label, _why) in enumerate(EXCLUSIONS):
            box = QCheckBox(texts[flag])
            box.setObjectName(flag)
            self.exclusion_boxes[flag] = box
            egrid.addWidget(box, i // 2, i % 2)
        self.exclusion_field = Field("exclusions", QLineEdit(), labels=("资助排除条件",), parent=self)
        egrid.addWidget(self.exclusion_field.message, 2, 0, 1, 2)
        layout.addWidget(exclusions)

        # amount
        amount = QGroupBox(self.tr("Amount"))
        agrid = QGridLayout(amount)
        self.standard_label = QLabel()
        self.standard_label.setObjectName("standard")
        agrid.addWidget(self.standard_label, 0, 0, 1, 4)
        self.amount = MoneyEdit("助学金额")
        self.amount_reason = QLineEdit()
        self._field(agrid, 1, 0, "amount", self.amount, self.tr("Amount (yuan)"), ("助学金额",), None)
        self._field(agrid, 1, 2, "amount_reason", self.amount_reason, self.tr("Reason for another amount"),
                    ("金额调整理由",), None)
        # the payment plan the application makes (before approval) or made (the installments): the
        # years left to graduation, never the whole length of study
        self.plan_label = QLabel()
        self.plan_label.setObjectName("plan")
        self.plan_label.setWordWrap(True)
        agrid.addWidget(self.plan_label, 3, 0, 1, 4)
        self.plan_kind: str | None = None
        self.recorded_plan: StudyPlan | None = None
        self.approver = ctx.has(Role.approver)
        amount.setVisible(True)
        self.amount.setEnabled(False)
        self.amount_reason.setEnabled(False)
        layout.addWidget(amount)

        layout.addStretch(1)
        layout = outer_layout
        self.general_error = QLabel()
        self.general_error.setObjectName("general_error")
        self.general_error.setProperty("role", "error")
        self.general_error.setWordWrap(True)
        layout.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("Save"))
        self.save_button.setObjectName("save")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))

        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._household_mode()
        self.student_id.textChanged.connect(self._derive)
        for edit in (self.admission, self.study_years, self.amount):
            edit.textChanged.connect(self._show_plan)
        self._baseline = self._state()  # typed data is asked about before closing (reject)
        self.load()

    # --- building --------------------------------------------------------------------------------------

    def _field(self, grid: QGridLayout, row: int, col: int, key: str, widget: QWidget, caption: Any,
               labels: tuple[str, ...], check: Any, *, required: bool = False, place: bool = True) -> Field:
        field = Field(key, widget, labels=labels, check=check, parent=self)
        self.fields[key] = field
        if place:
            grid.addWidget(QLabel(mandatory(caption) if required else caption), row, col)
            grid.addWidget(widget, row, col + 1)
        grid.addWidget(field.message, row + 1, col + (0 if not place else 1), 1, 1 if place else 4)
        return field

    def _household_mode(self, *_a: object) -> None:
        filed = self.filed_radio.isChecked()
        self.file_row.setVisible(filed)
        self.file_label.setVisible(filed)
        self.unfiled_box.setVisible(not filed)
        self.load_standard()

    # --- checks as the user types ----------------------------------------------------------------------

    def _check_name(self, text: str, label: str) -> str | None:
        try:
            normalise_name(text)
        except DomainError as exc:
            return f"{label[:2]}{exc.message}"
        return None

    def _check_id(self, text: str, label: str) -> str | None:
        try:
            parse_id_number(text)
        except DomainError as exc:
            return f"{label[:2]}{exc.message}"
        return None

    def _check_student_id(self) -> str | None:
        return self._check_id(self.student_id.text(), "学生身份证号")

    def _check_year(self, text: str, label: str) -> str | None:
        value = _year(text, label)
        if value > self.round_year:
            return f"{label}{value}年晚于本轮活动年度{self.round_year}年，请核对"
        if value < 1990:
            return f"{label}{value}年不合理"
        return None

    def _check_years(self) -> str | None:
        years = _year(self.study_years.text(), "学制")
        level = self.level.code()
        rule = scholarships.LEVEL_RULES.get(str(level)) if level else None
        if rule and not rule.min_years <= years <= rule.max_years:
            return f"学制{years}年不合理：该学段学制为{rule.min_years}至{rule.max_years}年"
        return None

    def _derive(self) -> None:
        try:
            number = parse_id_number(self.student_id.text())
        except DomainError:
            self.birth.clear()
            self.sex.clear()
            self.age.clear()
            return
        self.birth.setText(number.birth_date.isoformat())
        self.sex.setText(self.tr("male") if number.sex.value == "male" else self.tr("female"))
        self.age.setText(str(number.age_on(scholarships.age_reference_day(self.round_year))))

    # --- background reads ---------------------------------------------------------------------------------

    def _run(self, work: Any, done: Any, on_error: Any = None) -> Op[Any]:
        op = run_op(self, work, on_done=done, on_error=on_error, show_progress=False)
        self.op = op
        self.ops.append(op)
        return op

    def idle(self) -> bool:
        return all(op.done for op in self.ops)

    def load(self) -> None:
        db, user, rid, sid, local_id = self.ctx.db, self.ctx.user, self.round_id, self.scholarship_id, self.ctx.unit.id

        def work(_p: Progress) -> dict[str, Any]:
            with db.session() as s:
                rnd = scholarships.get_round(s, rid)
                out: dict[str, Any] = {"year": rnd.year, "round": rnd.name}
                if rnd.owner_unit_id != local_id:  # another unit's round (a county's, at the city): view only
                    out["owner"] = scholarships.owner_names(s).get(rnd.owner_unit_id, rnd.owner_unit_id)
                if sid:
                    app, _inst = scholarships.get_application(s, user, sid)
                    out["plan"] = scholarships.plan_of(s, app)
                    out["app"] = {k: getattr(app, k) for k in (
                        "student_name", "student_id_number", "school", "major", "education_level", "admission_year",
                        "study_years", "admission_notice_no", "file_id", "unfiled_household_id", "amount_fen",
                        "standard_amount_fen", "amount_override_reason", "status", "version", "application_no")}
                    if app.file_id:
                        row = file_list.file_rows(s, user, [app.file_id])
                        out["file"] = (app.file_id, f"{row[0].file_no} {row[0].name}") if row else None
                    elif app.unfiled_household_id:
                        out["unfiled"] = scholarships.find_unfiled(s, user, household_id=app.unfiled_household_id)
                return out

        def done(out: dict[str, Any]) -> None:
            self.round_year = out["year"]
            app = out.get("app")
            if app is None:
                self.setWindowTitle(self.tr("New application – {0}").format(out["round"]))
                return
            self.setWindowTitle(self.tr("Application {0}").format(app["application_no"]))
            self.version, self.status = app["version"], app["status"]
            plan = out["plan"]
            self.plan_kind = plan.plan
            self.recorded_plan = None if plan.projected else plan
            self.student_name.setText(app["student_name"])
            self.student_id.setText(app["student_id_number"])
            self.school.setText(app["school"])
            self.major.setText(app["major"] or "")
            self.level.set_code(app["education_level"])
            self.admission.setText(str(app["admission_year"]))
            self.study_years.setText(str(app["study_years"]))
            self.notice_no.setText(app["admission_notice_no"] or "")
            self.amount.set_fen(app["amount_fen"])
            self.amount_reason.setText(app["amount_override_reason"] or "")
            if app["file_id"] and out.get("file"):
                self.file_combo.addItem(out["file"][1], out["file"][0])
            elif app["unfiled_household_id"]:
                self.unfiled_radio.setChecked(True)
                self.unfiled_household_id = app["unfiled_household_id"]
                view = out.get("unfiled")
                if view is not None:  # the household as recorded; its ID masked, as on any list
                    self.parent_name.setText(view.name)
                    self.parent_id.setText(view.masked_id)
                    self.kind.set_code(view.kind)
                self.unfiled_box.setEnabled(False)
            owner = out.get("owner")
            editable = self.status == GrantStatus.draft.value and self.ctx.has(Role.clerk) and owner is None
            amount_editable = (self.approver and self.status not in ("approved", "paid", "cancelled")
                               and owner is None)
            for widget in (self.student_name, self.student_id, self.school, self.major, self.admission,
                           self.study_years, self.notice_no, self.file_search):
                widget.setReadOnly(not editable)
            for widget in (self.level, self.file_combo, self.filed_radio, self.unfiled_radio,
                           *self.exclusion_boxes.values()):
                widget.setEnabled(editable)
            self.amount.setEnabled(amount_editable)
            self.amount_reason.setEnabled(amount_editable)
            self.save_button.setEnabled(editable or amount_editable)
            self.save_button.setVisible(owner is None)
            if owner is not None:
                self.banner.setText(self.tr("This application belongs to {0}; here it can only be viewed (that unit "
                                            "changes it and reports it again).").format(owner))
                self.banner.show()
            elif not editable:
                self.banner.setText(self.tr("Status: {0}. Only a draft can be changed.").format(
                    GrantStatus(self.status).label))
                self.banner.show()
            self.load_standard()
            self.attachments.set_file(self.scholarship_id, self.status, own=owner is None)
            self.load_members()  # offered only while the student can still be changed
            self._baseline = self._state()

        self._run(work, done)

    def look_up_parent(self) -> None:
        """Say whether the parent's household is already recorded, and fill its kind (and name if empty)."""
        text, db, user = self.parent_id.text().strip(), self.ctx.db, self.ctx.user
        if self.unfiled_household_id or self.filed_radio.isChecked() or self._check_id(text, "家长身份证号"):
            self.unfiled_hint.clear()
            return

        def work(_p: Progress) -> Any:
            with db.session() as s:
                return scholarships.find_unfiled(s, user, id_number=text)

        def done(view: Any) -> None:
            if view is None:
                self.unfiled_hint.setText(self.tr("A new household: it will be recorded with this application."))
                return
            self.unfiled_hint.setText(self.tr("Already recorded: {0} ({1}); this application joins that household.")
                                      .format(view.name, view.kind_label))
            if not self.parent_name.text().strip():
                self.parent_name.setText(view.name)
            self.kind.set_code(view.kind)

        self._run(work, done)

    def find_files(self) -> None:
        text, db, user = self.file_search.text().strip(), self.ctx.db, self.ctx.user

        def work(_p: Progress) -> list[tuple[str, str]]:
            with db.session() as s:
                _total, ids = search(s, user, text, FileFilters(status=frozenset({"active"})), limit=30)
                return [(r.id, f"{r.file_no} {r.name}") for r in file_list.file_rows(s, user, ids)]

        def done(rows: list[tuple[str, str]]) -> None:
            self.file_combo.clear()
            for fid, label in rows:
                self.file_combo.addItem(label, fid)
            self.fields["file_pick"].show_result(None if rows else self.tr("No active file matches"))

        self._run(work, done)

    def _file_chosen(self, *_a: object) -> None:
        self.file_id = self.file_combo.currentData()
        self.load_standard()
        self.load_members()

    def load_members(self) -> None:
        """The members of the chosen file who could be the student, to pick instead of typing."""
        file_id, db, user = self.file_id, self.ctx.db, self.ctx.user
        editable = not self.student_name.isReadOnly()
        self.member_pick.clear()
        self.member_pick.setVisible(False)
        self.member_pick_label.setVisible(False)
        if not file_id or not editable or not self.filed_radio.isChecked():
            return

        def work(_p: Progress) -> list[Any]:
            with db.session() as s:
                return scholarships.student_candidates(s, user, file_id)

        def done(found: list[Any]) -> None:
            if file_id != self.file_id or self.student_name.isReadOnly():
                return
            self.member_pick.clear()
            self.member_pick.addItem(self.tr("(choose a member, or type below)"), None)
            for c in found:
                detail = "，".join(x for x in (c.relation_label, c.masked_id, c.education_label) if x)
                self.member_pick.addItem(f"{c.name}（{detail}）", c.member_id)
            self.member_pick.setVisible(bool(found))
            self.member_pick_label.setVisible(bool(found))

        self._run(work, done)

    def _member_picked(self, index: int) -> None:
        member_id, file_id, db, user = self.member_pick.itemData(index), self.file_id, self.ctx.db, self.ctx.user
        if not member_id or not file_id:
            return

        def work(_p: Progress) -> Any:
            with db.session() as s:
                return scholarships.pick_student(s, user, file_id, member_id)

        def done(pick: Any) -> None:
            for edit, value in ((self.student_name, pick.name), (self.student_id, pick.id_number),
                                (self.school, pick.school)):
                edit.setText(value)
            if pick.level:
                self.level.set_code(pick.level)
            if pick.admission_year:
                self.admission.setText(str(pick.admission_year))
            if pick.study_years:
                self.study_years.setText(str(pick.study_years))

        self._run(work, done)

    # --- unsaved changes ------------------------------------------------------------------------------------

    def _state(self) -> tuple[Any, ...]:
        """What the caseworker typed or chose: compared with what was loaded before closing."""
        texts = (self.parent_name, self.parent_id, self.student_name, self.student_id, self.school, self.major,
                 self.admission, self.study_years, self.notice_no, self.amount_reason, self.file_search)
        return (self.filed_radio.isChecked(), self.file_combo.currentData(), self.kind.code(), self.level.code(),
                *(w.text().strip() for w in texts), *(b.isChecked() for b in self.exclusion_boxes.values()),
                self.amount.text().strip() if self.amount.isEnabled() else None)

    @property
    def dirty(self) -> bool:
        return self._state() != self._baseline

    def reject(self) -> None:
        """Closing (Esc, 关闭, the window's ×) with typed data asks first: save, drop it, or stay."""
        if self.dirty and self.result() != QDialog.DialogCode.Accepted:
            box = QMessageBox(QMessageBox.Icon.Question, self.tr("Unsaved changes"),
                              self.tr("This application has changes that are not saved. Save them before closing?"),
                              QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                              | QMessageBox.StandardButton.Cancel, self)
            box.button(QMessageBox.StandardButton.Save).setText(self.tr("Save"))
            box.button(QMessageBox.StandardButton.Discard).setText(self.tr("Don't save"))
            box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Cancel"))
            box.setDefaultButton(QMessageBox.StandardButton.Save)
            answer = _value(box.exec())
            if answer == QMessageBox.StandardButton.Save.value:
                self.save()  # closes once saved; a refusal stays on the form
                return
            if answer != QMessageBox.StandardButton.Discard.value:
                return
        super().reject()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt
        """Enter in a field (the file search sends it on) does not also press 保存: only a focused button
        takes Enter here."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not isinstance(self.focusWidget(),
                                                                                  QAbstractButton):
            event.accept()
            return
        super().keyPressEvent(event)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.attachments and not self.attachments.loaded:
            self.attachments.refresh()

    def load_standard(self, *_a: object) -> None:
        level, filed, db, year = self.level.code(), self.filed_radio.isChecked(), self.ctx.db, self.round_year
        if not level:
            self.standard_label.setText(self.tr("Choose the level to see the standard."))
            return

        def work(_p: Progress) -> Any:
            with db.session() as s:
                return policy_admin.lookup(s, SCHOLARSHIP, year, str(level), filed)

        def done(std: Any) -> None:
            if std is None:
                self.standard_label.setText(self.tr("No standard set for this level."))
                return
            self.standard_label.setText(self.tr("Standard {0} yuan, {1}").format(format_amount(std.amount_fen),
                                                                                  std.plan_label))
            if not self.scholarship_id:
                self.plan_kind = std.plan
                self.amount.set_fen(std.amount_fen)
            self._show_plan()

        self._run(work, done)

    def _show_plan(self, *_a: object) -> None:
        """The plan line: the installments once made, else what approval will make from the fields."""
        if self.recorded_plan is not None:
            self.plan_label.setText(self.tr("Payment plan: {0}").format(self.recorded_plan.text()))
            return
        try:
            admission = _year(self.admission.text(), "入学年份")
            years = _year(self.study_years.text(), "学制")
            amount = self.amount.fen()
        except DomainError:
            amount = None
        if not self.plan_kind or amount is None or admission + years <= self.round_year or admission > self.round_year:
            self.plan_label.clear()
            return
        plan = StudyPlan(self.plan_kind, tuple(planned_years(self.plan_kind, admission, years, self.round_year, amount)),
                         projected=True)
        self.plan_label.setText(self.tr("Payment plan: {0}").format(plan.text()))

    # --- saving ------------------------------------------------------------------------------------------

    def data(self) -> ApplicationInput:
        filed = self.filed_radio.isChecked()
        unfiled = None
        if not filed and not self.unfiled_household_id:
            unfiled = UnfiledInput(name=self.parent_name.text(), id_number=self.parent_id.text(),
                                   kind=str(self.kind.code()))
        return ApplicationInput(
            round_id=self.round_id, student_name=self.student_name.text(), student_id_number=self.student_id.text(),
            school=self.school.text(), education_level=str(self.level.code()),
            admission_year=_year(self.admission.text(), "入学年份"), study_years=_year(self.study_years.text(), "学制"),
            file_id=self.file_combo.currentData() if filed else None,
            unfiled_household_id=None if filed else self.unfiled_household_id, unfiled=unfiled,
            major=self.major.text() or None, admission_notice_no=self.notice_no.text() or None,
            **{flag: box.isChecked() for flag, box in self.exclusion_boxes.items()})

    def validate(self) -> bool:
        ok = True
        for key, field in self.fields.items():
            if key in ("parent_name", "parent_id") and (self.filed_radio.isChecked() or self.unfiled_household_id):
                field.clear()
                continue
            if field.validate():
                ok = False
        return ok

    def show_error(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, DomainError) else type(exc).__name__
        label = getattr(exc, "field", None)
        for field in [*self.fields.values(), self.exclusion_field]:
            if label and label in field.labels:
                field.show_result(message)
                self.general_error.clear()
                return
        self.general_error.setText(message)

    def save(self) -> None:
        self.general_error.clear()
        if self.status == GrantStatus.draft.value and self.ctx.has(Role.clerk):
            if not self.validate():
                return
            try:
                data = self.data()
            except DomainError as exc:
                self.show_error(exc)
                return
        else:
            data = None
        try:
            amount = self.amount.fen() if self.amount.isEnabled() else None
        except DomainError as exc:
            self.show_error(exc)
            return
        reason = self.amount_reason.text()
        db, user, sid, version = self.ctx.db, self.ctx.user, self.scholarship_id, self.version
        today = self.ctx.today()

        def work(_p: Progress) -> str:
            with db.session() as s:
                if data is not None and sid is None:
                    return scholarships.create_application(s, user, data, today=today).id
                if data is not None:
                    return scholarships.update_application(s, user, sid, data, expected_version=version,
                                                          today=today).id
                assert sid is not None and amount is not None
                return scholarships.set_amount(s, user, sid, amount, reason, expected_version=version).id

        def done(new_id: str) -> None:
            self.scholarship_id = new_id
            self._baseline = self._state()
            self.saved.emit(new_id)
            self.accept()

        self._run(work, done, self.show_error)
