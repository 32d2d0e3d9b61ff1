"""Generating the visit list from the registry: choose → preview with the totals against the budget → generate
in one transaction in the background (progress, cancel: nothing half-made)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QGridLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from assist_desktop.domain.dates import parse_date_text
from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.money import format_amount
from assist_desktop.services import campaigns, file_list
from assist_desktop.services.approvals import BatchCancelled
from assist_desktop.services.campaigns import (FILE_GROUPS, FLAGS, GROUPS, GenerationCriteria, GenerationPreview,
                                               GenerationResult, SourcePreview)
from assist_desktop.ui.background import Op, Progress, run_op
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.editor.fields import STYLE, Field
from assist_desktop.ui.screen import fitted_size

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CRITERIA, PREVIEW, DONE = range(3)


def _money(fen: int) -> str:
    return format_amount(fen)


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: list[list[str]], bold_last: bool = False) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if c > 0:
                item.setTextAlignment(_RIGHT)
            if bold_last and r == len(rows) - 1:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            table.setItem(r, c, item)
    height = table.horizontalHeader().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(height + 2)


class GenerationWizard(QDialog):
    """Three steps on one dialog: the criteria, the preview (writes nothing), the generation."""

    generated = Signal(object)  # GenerationResult

    def __init__(self, ctx: AppContext, campaign_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.campaign_id = ctx, campaign_id
        self.ops: list[Op[Any]] = []
        self.op: Op[Any] | None = None
        self.preview_result: GenerationPreview | None = None
        self.result_: GenerationResult | None = None
        self.campaign_name = ""
        self.period: tuple[date, date] | None = None
        self.fields: dict[str, Field] = {}
        self.setWindowTitle(self.tr("Generate the visit list"))
        self.setStyleSheet(STYLE)
        self.resize(fitted_size(self, 820, 660))
        layout = QVBoxLayout(self)
        self.step_label = QLabel()
        self.step_label.setObjectName("step")
        self.step_label.setProperty("role", "header")
        layout.addWidget(self.step_label)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._criteria_page())
        self.stack.addWidget(self._preview_page())
        self.stack.addWidget(self._done_page())
        layout.addWidget(self.stack, 1)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setProperty("role", "error")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.back_button = QPushButton(self.tr("< Back"))
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(lambda: self.go(CRITERIA))
        self.preview_button = QPushButton(self.tr("Preview >"))
        self.preview_button.setObjectName("preview")
        self.preview_button.clicked.connect(self.preview)
        self.generate_button = QPushButton(self.tr("Generate the list"))
        self.generate_button.setObjectName("generate")
        self.generate_button.clicked.connect(self.generate)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("close")
        self.close_button.clicked.connect(self.reject)
        for button in (self.back_button, self.preview_button, self.generate_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.go(CRITERIA)
        self.load()

    # --- pages -------------------------------------------------------------------------------------------

    def _criteria_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        categories = QGroupBox(self.tr("Categories"))
        box = QVBoxLayout(categories)
        self.category_boxes: dict[str, QCheckBox] = {}
        for key in FILE_GROUPS:
            check = QCheckBox(GROUPS[key])
            check.setObjectName(f"category_{key}")
            check.setChecked(True)
            self.category_boxes[key] = check
            box.addWidget(check)
        self.fields["categories"] = Field("categories_field", QLineEdit(), labels=("困难类别",), parent=self)
        box.addWidget(self.fields["categories"].message)
        box.addStretch(1)
        top.addWidget(categories)
        flags = QGroupBox(self.tr("Only households that are all of"))
        grid = QGridLayout(flags)
        self.flag_boxes: dict[str, QCheckBox] = {}
        for i, (key, (label, _condition)) in enumerate(FLAGS.items()):
            check = QCheckBox(label)
            check.setObjectName(f"flag_{key}")
            self.flag_boxes[key] = check
            grid.addWidget(check, i // 2, i % 2)
        self.fields["flags"] = Field("flags_field", QLineEdit(), labels=("筛选条件",), parent=self)
        grid.addWidget(self.fields["flags"].message, len(FLAGS), 0, 1, 2)
        top.addWidget(flags, 1)
        layout.addLayout(top)

        units = QGroupBox(self.tr("Grassroots unions (none ticked: all)"))
        box = QVBoxLayout(units)
        self.units = QListWidget()
        self.units.setObjectName("units")
        self.units.setFlow(QListWidget.Flow.LeftToRight)
        self.units.setWrapping(True)
        self.units.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.units.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.units.setMinimumHeight(96)
        self.units.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        box.addWidget(self.units)
        self.fields["units"] = Field("units_field", QLineEdit(), labels=("所属工会",), parent=self)
        box.addWidget(self.fields["units"].message)
        layout.addWidget(units)

        visit = QGroupBox(self.tr("The visits"))
        grid = QGridLayout(visit)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.source = QComboBox()
        self.planned = QLineEdit()
        self.planned.setPlaceholderText(self.tr("yyyy-mm-dd (optional)"))
        self.cadres = QLineEdit()
        self.cadres.setPlaceholderText(self.tr("optional; each visit can be given its own later"))
        for row, col, key, widget, caption, labels, check in (
                (0, 0, "fund_source", self.source, self.tr("Charged to"), ("经费来源",), None),
                (0, 2, "planned_date", self.planned, self.tr("Planned date"), ("计划走访日期",), self._check_planned),
                (2, 0, "cadres", self.cadres, self.tr("Visiting cadres"), ("走访干部",), None)):
            field = Field(key, widget, labels=labels, check=check, parent=self)
            self.fields[key] = field
            grid.addWidget(QLabel(caption), row, col)
            grid.addWidget(widget, row, col + 1, 1, 3 if key == "cadres" else 1)
            grid.addWidget(field.message, row + 1, col + 1, 1, 3 if key == "cadres" else 1)
        self.standards_label = QLabel()
        self.standards_label.setObjectName("standards")
        self.standards_label.setProperty("role", "hint")
        self.standards_label.setWordWrap(True)
        grid.addWidget(self.standards_label, 4, 0, 1, 4)
        layout.addWidget(visit)
        layout.addStretch(1)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.preview_summary = QLabel()
        self.preview_summary.setObjectName("preview_summary")
        self.preview_summary.setTextFormat(Qt.TextFormat.RichText)
        self.preview_summary.setWordWrap(True)
        layout.addWidget(self.preview_summary)
        groups = QGroupBox(self.tr("Households to add, by group"))
        box = QVBoxLayout(groups)
        self.groups_table = _table([self.tr("Group"), self.tr("Households"), self.tr("Cash (yuan)"),
                                    self.tr("Goods (yuan)"), self.tr("Total (yuan)"),
                                    self.tr("Already on the list (skipped)")], "preview_groups")
        box.addWidget(self.groups_table)
        layout.addWidget(groups)
        money = QGroupBox(self.tr("Against the budget (yuan; planned = every household on the list)"))
        box = QVBoxLayout(money)
        self.budget_table = _table([self.tr("Fund source"), self.tr("Amount"), self.tr("Planned so far"),
                                    self.tr("Adding"), self.tr("Planned after"), self.tr("Approved or paid"),
                                    self.tr("Over")], "preview_budget")
        box.addWidget(self.budget_table)
        layout.addWidget(money)
        self.over_label = QLabel()
        self.over_label.setObjectName("over")
        self.over_label.setProperty("role", "banner")
        self.over_label.setWordWrap(True)
        layout.addWidget(self.over_label)
        layout.addStretch(1)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.done_label = QLabel()
        self.done_label.setObjectName("done")
        self.done_label.setTextFormat(Qt.TextFormat.RichText)
        self.done_label.setWordWrap(True)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        return page

    def go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        titles = {CRITERIA: self.tr("Step 1 of 3: which households"),
                  PREVIEW: self.tr("Step 2 of 3: check the list against the budget"),
                  DONE: self.tr("Step 3 of 3: done")}
        self.step_label.setText(titles[step])
        self.back_button.setVisible(step == PREVIEW)
        self.preview_button.setVisible(step == CRITERIA)
        self.generate_button.setVisible(step == PREVIEW)
        self.close_button.setText(self.tr("Close") if step == DONE else self.tr("Cancel"))
        if step != PREVIEW:
            self.message.clear()

    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    # --- background ----------------------------------------------------------------------------------------

    def idle(self) -> bool:
        return all(op.done for op in self.ops)

    def _run(self, work: Any, done: Any, on_error: Any = None, **kwargs: Any) -> Op[Any]:
        kwargs.setdefault("show_progress", False)
        op = run_op(self, work, on_done=done, on_error=on_error or self.show_error, **kwargs)
        self.ops = [o for o in self.ops if not o.done] + [op]
        self.op = op
        return op

    def load(self) -> None:
        db, cid = self.ctx.db, self.campaign_id

        def work(_p: Progress) -> dict[str, Any]:
            with db.session() as s:
                c = campaigns.get_campaign(s, cid)
                return {"name": c.name, "period": (c.visit_start, c.visit_end),
                        "sources": [(f.id, f.name, f.amount_fen) for f in campaigns.fund_sources(s, cid)],
                        "standards": [(r.group_key, r.cash_fen, r.goods_fen) for r in
                                      campaigns.campaign_standards(s, cid)],
                        "units": [(u.id, u.name) for u in file_list.unit_choices(s)]}

        def done(out: dict[str, Any]) -> None:
            self.campaign_name, self.period = out["name"], out["period"]
            self.setWindowTitle(self.tr("Generate the visit list – {0}").format(self.campaign_name))
            self.source.clear()
            for sid, name, amount in out["sources"]:
                self.source.addItem(self.tr("{0} ({1} yuan)").format(name, _money(amount)), sid)
            self.units.clear()
            metrics = self.units.fontMetrics()
            widest = max((metrics.horizontalAdvance(name) for _uid, name in out["units"]), default=80)
            self.units.setGridSize(QSize(widest + 64, metrics.height() + 12))
            for uid, name in out["units"]:
                item = QListWidgetItem(name)
                item.setData(Qt.ItemDataRole.UserRole, uid)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.units.addItem(item)
            parts = [self.tr("{0} {1} + {2}").format(GROUPS.get(k, k), _money(c), _money(g))
                     for k, c, g in out["standards"] if k in FILE_GROUPS]
            self.standards_label.setText(self.tr("Standards of the campaign (cash + goods, yuan): {0}").format(
                "；".join(parts)))

        self._run(work, done)

    # --- the criteria ----------------------------------------------------------------------------------------

    def _check_planned(self) -> str | None:
        day = parse_date_text(self.planned.text(), label="计划走访日期", today=date(9999, 12, 31))
        if day is not None and self.period and not self.period[0] <= day <= self.period[1]:
            start, end = self.period
            return f"计划走访日期{day:%Y-%m-%d}不在活动走访期间（{start:%Y-%m-%d}至{end:%Y-%m-%d}）内"
        return None

    def set_units(self, unit_ids: list[str]) -> None:
        for i in range(self.units.count()):
            item = self.units.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in unit_ids
                               else Qt.CheckState.Unchecked)

    def criteria(self) -> GenerationCriteria:
        units = [self.units.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.units.count())
                 if self.units.item(i).checkState() == Qt.CheckState.Checked]
        return GenerationCriteria(
            categories=tuple(k for k, b in self.category_boxes.items() if b.isChecked()), unit_ids=tuple(units),
            flags=tuple(k for k, b in self.flag_boxes.items() if b.isChecked()),
            fund_source_id=self.source.currentData() or None,
            planned_date=parse_date_text(self.planned.text(), label="计划走访日期", today=date(9999, 12, 31)),
            cadres=self.cadres.text().strip() or None)

    def show_error(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, DomainError) else self.tr("Failed: {0}").format(type(exc).__name__)
        label = getattr(exc, "field", None)
        for field in self.fields.values():
            if label and label in field.labels:
                self.go(CRITERIA)
                field.show_result(message)
                return
        self.message.setText(message)

    def preview(self) -> None:
        for field in self.fields.values():
            field.clear()
        self.message.clear()
        if self.fields["planned_date"].validate():
            return
        try:
            criteria = self.criteria()
        except DomainError as exc:
            self.show_error(exc)
            return
        db, user, cid = self.ctx.db, self.ctx.user, self.campaign_id

        def work(_p: Progress) -> GenerationPreview:
            with db.session() as s:
                return campaigns.preview_visits(s, user, cid, criteria)

        def done(preview: GenerationPreview) -> None:
            self.preview_result = preview
            self.criteria_used = criteria
            self._show_preview(preview)
            self.go(PREVIEW)

        self._run(work, done)

    def _show_preview(self, p: GenerationPreview) -> None:
        self.preview_summary.setText(self.tr(
            "<b>{0}</b> households will be added: cash {1}, goods {2}, together <b>{3}</b> yuan, charged to "
            "“{4}”. {5} households that match are already on the list and are skipped.").format(
            p.count, _money(p.cash_fen), _money(p.goods_fen), _money(p.total_fen), p.fund_source.name, p.skipped))
        rows = [[g.label, str(g.count), _money(g.cash_fen), _money(g.goods_fen), _money(g.total_fen), str(g.skipped)]
                for g in p.groups]
        rows.append([self.tr("Together"), str(p.count), _money(p.cash_fen), _money(p.goods_fen), _money(p.total_fen),
                     str(p.skipped)])
        _fill(self.groups_table, rows, bold_last=True)

        def line(s: SourcePreview, name: str) -> list[str]:
            return [name, _money(s.amount_fen), _money(s.planned_fen), _money(s.adding_fen),
                    _money(s.planned_after_fen), _money(s.committed_fen), _money(s.over_fen) if s.over_fen else ""]

        rows = [line(s, s.name) for s in p.sources] + [line(p.budget, self.tr("Whole campaign"))]
        _fill(self.budget_table, rows, bold_last=True)
        for r in range(self.budget_table.rowCount()):
            over = self.budget_table.item(r, 6)
            if over is not None and over.text():
                over.setForeground(QColor("#c62828"))
        warnings = []
        if p.fund_source.over_fen:
            warnings.append(self.tr("After this list, the households planned on “{0}” come to {1} yuan, {2} yuan "
                                    "more than the source holds.").format(
                p.fund_source.name, _money(p.fund_source.planned_after_fen), _money(p.fund_source.over_fen)))
        if p.budget.over_fen:
            warnings.append(self.tr("The whole plan is {0} yuan over the budget.").format(_money(p.budget.over_fen)))
        if warnings:
            warnings.append(self.tr("The list can be generated, but approval stops where the money ends: "
                                    "charge some households to another source or raise the budget."))
        self.over_label.setText(" ".join(warnings))
        self.over_label.setVisible(bool(warnings))
        self.generate_button.setEnabled(p.count > 0)

    # --- generating -------------------------------------------------------------------------------------------

    def generate(self) -> None:
        if self.preview_result is None:
            return
        criteria = self.criteria_used
        db, user, cid = self.ctx.db, self.ctx.user, self.campaign_id
        count = self.preview_result.count
        self.message.clear()
        writing = self.tr("Writing the list: {0} of {1} households")

        def work(progress: Progress) -> GenerationResult:
            with db.session() as s:
                return campaigns.generate_visits(
                    s, user, cid, criteria,
                    progress=lambda done, total: progress.report(done, total, writing.format(done, total)),
                    cancelled=lambda: progress.cancelled)

        def done(result: GenerationResult) -> None:
            self.result_ = result
            self.done_label.setText(self.tr(
                "<b>{0}</b> households are on the list of {1} as planned visits (cash {2}, goods {3} yuan); {4} "
                "were on it already. Next: check the list, then submit it for review.").format(
                result.created, self.campaign_name, _money(result.cash_fen), _money(result.goods_fen),
                result.skipped))
            self.go(DONE)
            self.generated.emit(result)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, BatchCancelled):
                self.message.setText(self.tr("Cancelled: the list was not generated, no household was added."))
                return
            self.show_error(exc)

        self._run(work, done, failed, show_progress=True, cancellable=True,
                  title=self.tr("Generating the list of {0} households").format(count))
