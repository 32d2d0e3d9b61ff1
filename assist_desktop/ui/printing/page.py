"""打印: choose a document — 发放凭证, 签领表, 公示名单, 统计表, or one file's or one application's approval
form — preview it, then print it or save it as PDF.

Everything is read and rendered in a worker (``services.printing``; progress and cancel through ``run_op``).
Printing runs in the background with its progress and a cancel button on the page itself, so the rest of
the program stays usable: to a CUPS printer the PDF goes as it is (``paper``), elsewhere page by page as a
light raster. A voucher preview records nothing; printed on paper, ``record_printed`` records the copies
(first prints and 补打; only those on the pages printed); saved as a PDF (or printed to a PDF file),
``record_saved`` records the save apart, so a later paper print of the same preview is still the original.
Recording needs the clerk role: for anyone else the voucher preview can be looked at but not printed or saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QStandardPaths, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDateEdit, QDialog, QFileDialog, QFormLayout, QFrame,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QProgressBar,
                               QPushButton, QRadioButton, QSplitter, QVBoxLayout, QWidget)

from assist_desktop.domain.lifecycle import Role
from assist_desktop.reports.base import RenderCancelled
from assist_desktop.services import printing
from assist_desktop.services.campaigns import campaigns as list_campaigns
from assist_desktop.services.file_list import file_rows
from assist_desktop.services.printing import PrintedMeanwhile, VoucherJob, VoucherSelection
from assist_desktop.services.scholarships import application_rows, list_applications
from assist_desktop.services.scholarships import rounds as list_rounds
from assist_desktop.services.search import search as search_files
from assist_desktop.ui.background import Cancelled, Debouncer, Op, Progress, run_op, show_error
from assist_desktop.ui.context import AppContext
from assist_desktop.services.print_queue import media_for
from assist_desktop.ui.printing import paper
from assist_desktop.ui.printing.preview import PdfPreview, prepare_printer

VOUCHERS, SIGNOFF, NOTICE, STATISTICS, FILE_FORM, SCHOLARSHIP_FORM = (
    "vouchers", "signoff", "notice", "statistics", "file_form", "scholarship_form")
ALL, NOT_PRINTED = "all", "not_printed"
SEARCH_LIMIT = 30
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class Source:
    """A campaign or a round to print from."""

    kind: str  # "campaign" | "round"
    id: str
    name: str
    year: int


@dataclass(frozen=True)
class Request:
    """What the caseworker asked for, as plain values (handed to the worker)."""

    document: str
    title: str
    source: Source | None = None
    scope: str = ALL
    per_sheet: int = 3
    notice_start: date | None = None
    year: int | None = None
    record_id: str | None = None  # the file or the application
    counterfoil: bool = False  # vouchers with their 存根联
    new_files: bool = False  # the notice of new hardship files (not a campaign's or round's)
    academic_year: int | None = None  # a round's sign-off: the payments of one school year


@dataclass(frozen=True)
class Rendered:
    request: Request
    pdf: bytes
    job: VoucherJob | None = None

    @property
    def is_vouchers(self) -> bool:
        return self.job is not None


def _selection(source: Source) -> VoucherSelection:
    return VoucherSelection(campaign_id=source.id) if source.kind == "campaign" else VoucherSelection(round_id=source.id)


def _where(source: Source) -> dict[str, str]:
    return {"campaign_id": source.id} if source.kind == "campaign" else {"round_id": source.id}


def render(ctx: AppContext, request: Request, progress: Progress) -> Rendered | None:
    """In a worker: read and render the requested document; None when only unprinted vouchers were asked
    for and every one has been printed already."""
    progress.check()

    def report(done: int, total: int) -> None:
        progress.report(done, total)

    def cancelled() -> bool:
        return progress.cancelled

    today = ctx.today()
    try:
        with ctx.db.session() as s:
            user = ctx.user
            if request.document == VOUCHERS:
                assert request.source is not None
                selection = _selection(request.source)
                waiting: tuple[str, ...] = ()
                if request.scope == NOT_PRINTED:
                    _sheet, items, waiting = printing.voucher_sheet_data(s, user, selection,
                                                                          per_sheet=request.per_sheet)
                    fresh = tuple(i.disbursement_id for i in items if i.copy_no == 1)
                    if not fresh:
                        return None
                    selection = VoucherSelection(disbursement_ids=fresh)
                progress.check()
                job = printing.prepare_vouchers(s, user, selection, per_sheet=request.per_sheet, progress=report,
                                                cancelled=cancelled, counterfoil=request.counterfoil)
                if request.scope == NOT_PRINTED:
                    job = replace(job, not_yet_paid=waiting)
                return Rendered(request, job.pdf, job)
            if request.document == SIGNOFF:
                assert request.source is not None
                pdf = printing.signoff_pdf(s, user, **_where(request.source), today=today, progress=report,
                                           cancelled=cancelled, academic_year=request.academic_year)
            elif request.document == NOTICE and request.new_files:
                pdf = printing.notice_pdf(s, user, files=True, notice_start=request.notice_start, today=today,
                                          progress=report, cancelled=cancelled)
            elif request.document == NOTICE:
                assert request.source is not None
                pdf = printing.notice_pdf(s, user, **_where(request.source), notice_start=request.notice_start,
                                          today=today, progress=report, cancelled=cancelled)
            elif request.document == STATISTICS:
                assert request.year is not None
                pdf = printing.statistics_pdf(s, user, request.year, today=today)
            elif request.document == FILE_FORM:
                assert request.record_id is not None
                pdf = printing.file_form_pdf(s, user, request.record_id, today=today)
            elif request.document == SCHOLARSHIP_FORM:
                assert request.record_id is not None
                pdf = printing.scholarship_form_pdf(s, user, request.record_id, today=today)
            else:
                raise ValueError(request.document)
    except RenderCancelled:
        raise Cancelled from None
    progress.check()
    return Rendered(request, pdf)


class PrintingPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.sources: list[Source] = []
        self.rendered: Rendered | None = None
        self.recorded: VoucherJob | None = None  # the last voucher job recorded from this page
        self.saved_to: Path | None = None
        self.printed_pages = 0
        self.ops: list[Op[Any]] = []
        self.preview_op: Op[Any] | None = None
        self.output_op: Op[Any] | None = None
        self.record_op: Op[Any] | None = None
        self._search_ops: dict[str, Op[Any] | None] = {FILE_FORM: None, SCHOLARSHIP_FORM: None}

        layout = QHBoxLayout(self)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter)

        # --- left: what to print ------------------------------------------------------------------------
        left = QWidget()
        left.setMinimumWidth(300)
        left.setMaximumWidth(420)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 8, 0)
        heading = QLabel(self.tr("Printing"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        column.addWidget(heading)
        column.addWidget(QLabel(self.tr("Document")))
        self.document_combo = QComboBox()
        self.document_combo.setObjectName("document")
        for key, label in ((VOUCHERS, self.tr("Payment vouchers")), (SIGNOFF, self.tr("Sign-off sheet")),
                           (NOTICE, self.tr("Public notice list")), (STATISTICS, self.tr("Annual statistics table")),
                           (FILE_FORM, self.tr("Hardship file approval form")),
                           (SCHOLARSHIP_FORM, self.tr("Golden Autumn application approval form"))):
            self.document_combo.addItem(label, key)
        column.addWidget(self.document_combo)

        self.options = QWidget()
        self.options.setObjectName("options")
        self._options_layout = QVBoxLayout(self.options)
        self._options_layout.setContentsMargins(0, 0, 0, 0)
        self.panels: dict[str, QWidget] = {}
        self.source_combos: dict[str, QComboBox] = {}
        self._build_voucher_panel()
        self._build_list_panel(SIGNOFF, self.tr("Approved and paid grants, with a line to sign and date for each; "
                                                "the header repeats on every page, with page subtotals."))
        self._build_list_panel(NOTICE, self.tr("Name, unit, category and amount, the ID number masked; no address, "
                                               "health or bank data."))
        self._build_statistics_panel()
        self._build_file_panel()
        self._build_scholarship_panel()
        column.addWidget(self.options)

        self.preview_button = QPushButton(self.tr("Preview"))
        self.preview_button.setObjectName("preview")
        self.preview_button.setDefault(True)
        self.preview_button.setMinimumHeight(32)
        self.preview_button.clicked.connect(self.preview)
        column.addWidget(self.preview_button)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.summary_label)
        self.record_label = QLabel()
        self.record_label.setObjectName("record")
        self.record_label.setWordWrap(True)
        self.record_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.record_label.setStyleSheet("QLabel { background: #eef6ee; padding: 6px; }")
        self.record_label.hide()
        column.addWidget(self.record_label)
        self.printing_box = QFrame()
        self.printing_box.setObjectName("printing_progress")
        self.printing_box.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(self.printing_box)
        self.printing_label = QLabel()
        self.printing_label.setObjectName("printing_label")
        self.printing_label.setWordWrap(True)
        box.addWidget(self.printing_label)
        bar_row = QHBoxLayout()
        self.printing_bar = QProgressBar()
        self.printing_bar.setObjectName("printing_bar")
        bar_row.addWidget(self.printing_bar, 1)
        self.printing_cancel = QPushButton(self.tr("Cancel"))
        self.printing_cancel.setObjectName("printing_cancel")
        self.printing_cancel.clicked.connect(self.cancel_printing)
        bar_row.addWidget(self.printing_cancel)
        box.addLayout(bar_row)
        self.printing_box.hide()
        column.addWidget(self.printing_box)
        column.addStretch(1)
        splitter.addWidget(left)

        # --- right: the preview ---------------------------------------------------------------------------
        self.preview_pane = PdfPreview()
        self.preview_pane.print_button.clicked.connect(lambda: self.print_document())
        self.preview_pane.save_button.clicked.connect(lambda: self.save_pdf())
        splitter.addWidget(self.preview_pane)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 860])

        self.document_combo.currentIndexChanged.connect(self._document_chosen)
        self._document_chosen()
        self._update_output_buttons()
        ctx.events.workflow_changed.connect(self.load_sources)
        self.load_sources()

    # --- option panels ------------------------------------------------------------------------------------

    def _panel(self, key: str) -> QFormLayout:
        panel = QWidget()
        panel.setObjectName(f"panel_{key}")
        form = QFormLayout(panel)
        form.setContentsMargins(0, 8, 0, 8)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        panel.hide()  # until chosen: a hidden panel takes no room
        self.panels[key] = panel
        self._options_layout.addWidget(panel)
        return form

    def _source_combo(self, key: str, form: QFormLayout) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"source_{key}")
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(16)
        form.addRow(self.tr("Campaign or round"), combo)
        self.source_combos[key] = combo
        return combo

    def _note(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet("color: #555;")
        return label

    def _build_voucher_panel(self) -> None:
        form = self._panel(VOUCHERS)
        self._source_combo(VOUCHERS, form)
        self.scope_group = QButtonGroup(self)
        self.scope_all = QRadioButton(self.tr("All paid vouchers"))
        self.scope_all.setObjectName("scope_all")
        self.scope_new = QRadioButton(self.tr("Only vouchers not printed yet"))
        self.scope_new.setObjectName("scope_not_printed")
        self.scope_all.setChecked(True)
        scope = QWidget()
        scope_layout = QVBoxLayout(scope)
        scope_layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.scope_all, self.scope_new):
            self.scope_group.addButton(button)
            scope_layout.addWidget(button)
        form.addRow(self.tr("Which vouchers"), scope)
        self.per_sheet_combo = QComboBox()
        self.per_sheet_combo.setObjectName("per_sheet")
        for n in (3, 2, 1):
            self.per_sheet_combo.addItem(self.tr("{0} per A4 sheet").format(n), n)
        form.addRow(self.tr("Per sheet"), self.per_sheet_combo)
        self.counterfoil_check = QCheckBox(self.tr("With counterfoils (kept by the paying unit; 2 per A4 sheet)"))
        self.counterfoil_check.setObjectName("counterfoil")
        self.counterfoil_check.toggled.connect(lambda on: self.per_sheet_combo.setEnabled(not on))
        form.addRow(self.counterfoil_check)
        form.addRow(self._note(self.tr("A preview records nothing. Once printed or saved, the copies are recorded; "
                                       "a voucher printed before is marked as a reprint (补打).")))

    def _build_list_panel(self, key: str, note: str) -> None:
        form = self._panel(key)
        if key == NOTICE:
            self.new_files_check = QCheckBox(self.tr("New hardship files on notice (instead of a campaign or round)"))
            self.new_files_check.setObjectName("new_files")
            form.addRow(self.new_files_check)
        combo = self._source_combo(key, form)
        if key == NOTICE:
            self.new_files_check.toggled.connect(lambda on: combo.setEnabled(not on))
        if key == SIGNOFF:
            self.academic_year_combo = QComboBox()
            self.academic_year_combo.setObjectName("academic_year")
            form.addRow(self.tr("Payments of school year"), self.academic_year_combo)
            combo.currentIndexChanged.connect(lambda _i: self._fill_academic_years())
        if key == NOTICE:
            self.notice_start = QDateEdit()
            self.notice_start.setObjectName("notice_start")
            self.notice_start.setCalendarPopup(True)
            self.notice_start.setDisplayFormat("yyyy-MM-dd")
            today = self.ctx.today()
            self.notice_start.setDate(QDate(today.year, today.month, today.day))
            form.addRow(self.tr("Notice starts on"), self.notice_start)
        form.addRow(self._note(note))

    def _build_statistics_panel(self) -> None:
        form = self._panel(STATISTICS)
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("year")
        form.addRow(self.tr("Year"), self.year_combo)
        form.addRow(self._note(self.tr("Files by category, Spring Festival visits, Golden Autumn scholarships and "
                                       "payments of the year.")))
        self._fill_years([])

    def _build_search_panel(self, key: str, placeholder: str, note: str) -> tuple[QLineEdit, QListWidget]:
        form = self._panel(key)
        edit = QLineEdit()
        edit.setObjectName(f"search_{key}")
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        form.addRow(self.tr("Find"), edit)
        results = QListWidget()
        results.setObjectName(f"results_{key}")
        results.setMinimumHeight(180)
        results.itemDoubleClicked.connect(lambda _item: self.preview())
        form.addRow(results)
        form.addRow(self._note(note))
        debouncer = Debouncer(250, lambda: self.search(key), self)
        edit.textChanged.connect(lambda _t: debouncer.poke())
        edit.returnPressed.connect(debouncer.flush)
        setattr(self, f"_{key}_debouncer", debouncer)
        return edit, results

    def _build_file_panel(self) -> None:
        self.file_search, self.file_results = self._build_search_panel(
            FILE_FORM, self.tr("File number, name, initials or ID number tail"),
            self.tr("The form carries the full ID and bank account numbers: printing it is written to the audit "
                    "log."))

    def _build_scholarship_panel(self) -> None:
        self.scholarship_search, self.scholarship_results = self._build_search_panel(
            SCHOLARSHIP_FORM, self.tr("Application number, student name or school"),
            self.tr("The form carries the full ID numbers: printing it is written to the audit log."))

    def _document_chosen(self, _index: int = 0) -> None:
        key = self.document()
        # only the chosen panel is shown (and takes room), so the preview button follows its options
        for name, panel in self.panels.items():
            panel.setVisible(name == key)
        if key == FILE_FORM and not self.file_results.count():
            self.search(FILE_FORM)
        if key == SCHOLARSHIP_FORM and not self.scholarship_results.count():
            self.search(SCHOLARSHIP_FORM)

    def document(self) -> str:
        return str(self.document_combo.currentData())

    def choose_document(self, key: str) -> None:
        self.document_combo.setCurrentIndex(self.document_combo.findData(key))

    # --- campaigns, rounds and years ----------------------------------------------------------------------

    def load_sources(self) -> Op[Any]:
        ctx = self.ctx

        def work(_progress: Progress) -> list[Source]:
            with ctx.db.session() as s:
                found = [Source("campaign", c.id, c.name, c.year) for c in list_campaigns(s)]
                found += [Source("round", r.id, r.name, r.year) for r in list_rounds(s)]
            return sorted(found, key=lambda x: (-x.year, x.kind, x.name))

        op = run_op(self, work, on_done=self._show_sources, show_progress=False)
        self.ops.append(op)
        return op

    def source_label(self, source: Source) -> str:
        if source.kind == "campaign":
            return self.tr("Spring Festival: {0}").format(source.name)
        return self.tr("Golden Autumn: {0}").format(source.name)

    def _show_sources(self, sources: list[Source]) -> None:
        self.sources = sources
        for combo in self.source_combos.values():
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for source in sources:
                combo.addItem(self.source_label(source), source)
            if not sources:
                combo.addItem(self.tr("(no campaign or round yet)"), None)
            index = next((i for i, s in enumerate(sources) if chosen is not None and s.id == chosen.id), 0)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._fill_years(sorted({s.year for s in sources}, reverse=True))
        self._fill_academic_years()

    def _fill_academic_years(self) -> None:
        """A round's sign-off: all its payments, or those of one school year (a yearly plan's later batches)."""
        combo = self.academic_year_combo
        source = self.source_combos[SIGNOFF].currentData()
        combo.clear()
        combo.addItem(self.tr("All payments"), None)
        if source is not None and source.kind == "round":
            for year in range(source.year, max(source.year, self.ctx.today().year) + 1):
                combo.addItem(self.tr("{0}–{1}").format(year, year + 1), year)
        combo.setEnabled(combo.count() > 1)

    def _fill_years(self, years: list[int]) -> None:
        chosen = self.year_combo.currentData()
        this_year = self.ctx.today().year
        years = sorted(set(years) | {this_year, this_year - 1}, reverse=True)
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in years:
            self.year_combo.addItem(str(year), year)
        index = self.year_combo.findData(chosen) if chosen is not None else -1
        self.year_combo.setCurrentIndex(index if index >= 0 else 0)
        self.year_combo.blockSignals(False)

    def choose_source(self, source_id: str) -> None:
        """Choose a campaign or round (by id) on every panel."""
        for combo in self.source_combos.values():
            index = next((i for i in range(combo.count()) if combo.itemData(i) and combo.itemData(i).id == source_id),
                         -1)
            if index >= 0:
                combo.setCurrentIndex(index)

    def choose_year(self, year: int) -> None:
        index = self.year_combo.findData(year)
        if index >= 0:
            self.year_combo.setCurrentIndex(index)

    # --- finding a file or an application -----------------------------------------------------------------

    def search(self, key: str) -> Op[Any]:
        ctx = self.ctx
        edit, results = ((self.file_search, self.file_results) if key == FILE_FORM
                         else (self.scholarship_search, self.scholarship_results))
        text = edit.text().strip()

        def work(_progress: Progress) -> tuple[int, list[tuple[str, str]]]:
            with ctx.db.session() as s:
                if key == FILE_FORM:
                    total, ids = search_files(s, ctx.user, text, limit=SEARCH_LIMIT)
                    return total, [(r.id, f"{r.file_no}  {r.name}  {r.unit_name}  {r.status_label}")
                                   for r in file_rows(s, ctx.user, ids)]
                total, ids = list_applications(s, ctx.user, text=text, order="-application_no", limit=SEARCH_LIMIT)
                return total, [(r.id, f"{r.application_no}  {r.student_name}  {r.school}  {r.status_label}")
                               for r in application_rows(s, ctx.user, ids)]

        def done(result: tuple[int, list[tuple[str, str]]]) -> None:
            if self._search_ops.get(key) is not op:
                return  # a newer search overtook this one
            total, rows = result
            results.clear()
            for record_id, line in rows:
                item = QListWidgetItem(line)
                item.setData(Qt.ItemDataRole.UserRole, record_id)
                results.addItem(item)
            if total > len(rows):
                more = QListWidgetItem(self.tr("… {0} more: type more to narrow the search").format(total - len(rows)))
                more.setFlags(Qt.ItemFlag.NoItemFlags)
                results.addItem(more)
            if rows:
                results.setCurrentRow(0)

        op = run_op(self, work, on_done=done, show_progress=False)
        self._search_ops[key] = op
        self.ops.append(op)
        return op

    def _chosen_record(self, results: QListWidget) -> tuple[str | None, str]:
        item = results.currentItem()
        record_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return record_id, " ".join(item.text().split("  ")[:2]) if item is not None else ""

    # --- preview ------------------------------------------------------------------------------------------

    def request(self) -> Request | None:
        """What the panel asks for; None (and a message) when something is missing."""
        key = self.document()
        label = self.document_combo.currentText()
        if key == NOTICE and self.new_files_check.isChecked():
            start = self.notice_start.date()
            what = self.tr("New files")
            return Request(key, f"{label}-{what}", new_files=True,
                           notice_start=date(start.year(), start.month(), start.day()))
        if key in (VOUCHERS, SIGNOFF, NOTICE):
            source = self.source_combos[key].currentData()
            if source is None:
                QMessageBox.information(self, self.tr("Printing"), self.tr("Choose a campaign or a round first."))
                return None
            title = f"{label}-{source.name}"
            if key == VOUCHERS:
                counterfoil = self.counterfoil_check.isChecked()
                return Request(key, title, source, scope=NOT_PRINTED if self.scope_new.isChecked() else ALL,
                               per_sheet=2 if counterfoil else int(self.per_sheet_combo.currentData()),
                               counterfoil=counterfoil)
            if key == NOTICE:
                start = self.notice_start.date()
                return Request(key, title, source, notice_start=date(start.year(), start.month(), start.day()))
            year = self.academic_year_combo.currentData()
            return Request(key, title + (f"-{year}" if year else ""), source, academic_year=year)
        if key == STATISTICS:
            year = int(self.year_combo.currentData())
            return Request(key, f"{label}-{year}", year=year)
        results = self.file_results if key == FILE_FORM else self.scholarship_results
        record_id, number = self._chosen_record(results)
        if not record_id:
            what = self.tr("a file") if key == FILE_FORM else self.tr("an application")
            QMessageBox.information(self, self.tr("Printing"),
                                    self.tr("Find {0} and select it in the list first.").format(what))
            return None
        return Request(key, f"{label}-{number}", record_id=record_id)

    def preview(self) -> Op[Any] | None:
        request = self.request()
        if request is None:
            return None
        ctx = self.ctx

        def done(rendered: Rendered | None) -> None:
            if rendered is None:
                self.summary_label.setText(self.tr("Every voucher of this selection has been printed already. "
                                                   "Choose “All paid vouchers” to print reprints."))
                QMessageBox.information(self, self.tr("Nothing to print"), self.summary_label.text())
                return
            self.show_rendered(rendered)

        self.preview_button.setEnabled(False)
        op = run_op(self, lambda progress: render(ctx, request, progress), on_done=done,
                    title=self.tr("Preparing the preview…"))
        op.settled.connect(lambda: self.preview_button.setEnabled(True))
        self.preview_op = op
        self.ops.append(op)
        return op

    def show_rendered(self, rendered: Rendered) -> None:
        self.rendered = rendered
        self.saved_to = None
        pages = self.preview_pane.set_pdf(rendered.pdf)
        self.record_label.hide()
        job = rendered.job
        if job is not None:
            text = self.tr("{0} vouchers on {1} pages ({2} per sheet): {3} first prints, {4} reprints (补打).").format(
                job.count, pages, job.per_sheet, job.first_prints, job.reprints)
            if job.not_yet_paid:
                text += "\n" + self.tr("{0} more approved grants are not paid yet and have no voucher: {1}").format(
                    len(job.not_yet_paid), "、".join(job.not_yet_paid[:5]) + ("…" if len(job.not_yet_paid) > 5 else ""))
        else:
            text = self.tr("{0}: {1} pages.").format(rendered.request.title, pages)
        self.summary_label.setText(text)
        self._update_output_buttons()

    def page_count(self) -> int:
        return self.preview_pane.page_count()

    # --- output: print, save, record ----------------------------------------------------------------------

    def _update_output_buttons(self) -> None:
        rendered = self.rendered
        enabled, tip = rendered is not None, ""
        if rendered is not None and rendered.job is not None:
            if not self.ctx.has(Role.clerk):
                enabled = False
                tip = self.tr("Printing vouchers records each copy; only a clerk (经办) may print or save them. "
                              "You can look at the preview.")
            elif rendered.job.recorded:
                enabled = False
                tip = self.tr("These vouchers were recorded as printed. Preview again to print them once more: "
                              "they will be marked as reprints (补打).")
        if self._busy():
            enabled = False
        for button in (self.preview_pane.print_button, self.preview_pane.save_button):
            button.setEnabled(enabled)
            button.setToolTip(tip)

    def _busy(self) -> bool:
        return any(op is not None and not op.done for op in (self.output_op, self.record_op))

    def print_document(self, printer: QPrinter | None = None) -> Op[Any] | None:
        """Print the preview in the background (progress and cancel on the page). Without ``printer`` the
        print dialog asks for one (tests pass their own)."""
        rendered = self.rendered
        if rendered is None or self._busy() or not self.preview_pane.print_button.isEnabled():
            return None
        first_page = self.preview_pane.first_page_size()
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            prepare_printer(printer, first_page, rendered.request.title)
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle(self.tr("Print"))
            dialog.setMinMax(1, self.page_count())
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
        else:
            prepare_printer(printer, first_page, rendered.request.title)
        if rendered.job is not None and printer.copyCount() > 1:
            QMessageBox.information(self, self.tr("Print"), self.tr(
                "Vouchers are printed one copy at a time: a second copy is a reprint and must say so (补打). "
                "Print once, then preview again for another copy."))
            return None
        self._printer = printer  # kept alive while the worker paints on it
        data, title, pages = rendered.pdf, rendered.request.title, self.page_count()
        media = media_for(first_page.width(), first_page.height()) if first_page is not None else "A4"

        def done(sent: paper.Sent) -> None:
            self._printing_finished()
            if sent.medium == paper.PDF_FILE:
                self.saved_to = Path(sent.where)
                self.ctx_message(self.tr("Saved to {0}").format(sent.where))
            else:
                self.printed_pages = (sent.pages[1] - sent.pages[0] + 1) if sent.pages else pages
                if sent.how == paper.VECTOR:
                    message = self.tr("Sent {0} pages to the printer {1} as PDF (job {2}).").format(
                        self.printed_pages, sent.where, sent.job_id)
                else:
                    message = self.tr("Sent {0} pages to the printer.").format(self.printed_pages)
                self.ctx_message(message)
                self.record_label.setStyleSheet("QLabel { background: #eef6ee; padding: 6px; }")
                self.record_label.setText(message)
                self.record_label.show()
            self._after_output(rendered, sent)

        def failed(exc: BaseException) -> None:
            self._printing_finished()
            show_error(self, exc)

        op = run_op(self, lambda progress: paper.send(data, printer, title, pages, progress, media=media),
                    on_done=done, on_error=failed, show_progress=False)
        op.settled.connect(self._printing_finished)
        op.settled.connect(lambda: op.was_cancelled and self._print_cancelled(printer))
        op.signals.progress.connect(self._printing_progress)
        self.printing_label.setText(self.tr("Printing “{0}”…").format(title))
        self.printing_bar.setRange(0, 0)
        self.printing_cancel.setEnabled(True)
        self.printing_box.show()
        self.output_op = op
        self.ops.append(op)
        self._update_output_buttons()
        return op

    def _print_cancelled(self, printer: QPrinter) -> None:
        """A print to a file (打印到文件) cancelled midway leaves half a PDF: it is removed, and said."""
        name = printer.outputFileName()
        if name and Path(name).exists():
            try:
                Path(name).unlink()
                self.ctx_message(self.tr("Printing cancelled; the unfinished file {0} was removed.").format(name))
            except OSError:
                self.ctx_message(self.tr("Printing cancelled; the unfinished file {0} could not be removed: "
                                         "delete it before using it.").format(name))
            return
        self.ctx_message(self.tr("Printing cancelled."))

    def _printing_progress(self, done: int, total: int, _label: str) -> None:
        if total > 1:
            self.printing_bar.setRange(0, total)
            self.printing_bar.setValue(min(done, total))
            self.printing_label.setText(self.tr("Printing page {0} of {1}…").format(min(done + 1, total), total))

    def cancel_printing(self) -> None:
        op = self.output_op
        if op is not None and not op.done:
            op.cancel()
            self.printing_cancel.setEnabled(False)
            self.printing_label.setText(self.tr("Cancelling…"))

    def _printing_finished(self) -> None:
        self.printing_box.hide()
        self._update_output_buttons()

    def suggested_path(self) -> Path:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        title = self.rendered.request.title if self.rendered else self.tr("Printout")
        return Path(folder) / f"{_UNSAFE_NAME.sub('_', title)}.pdf"

    def save_pdf(self, path: Path | str | None = None) -> Op[Any] | None:
        """Save the preview as a PDF file (asks where unless ``path`` is given)."""
        rendered = self.rendered
        if rendered is None or self._busy() or not self.preview_pane.save_button.isEnabled():
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Save as PDF"), str(self.suggested_path()),
                                                    self.tr("PDF document (*.pdf)"))
            if not chosen:
                return None
            path = chosen
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        data = rendered.pdf

        def work(_progress: Progress) -> Path:
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(data)
            partial.replace(target)
            return target

        def done(saved: Path) -> None:
            self.saved_to = saved
            self.ctx_message(self.tr("Saved to {0}").format(saved))
            self._after_output(rendered, paper.Sent(paper.PDF_FILE, paper.FILE, str(saved), None, size=len(data)))

        op = run_op(self, work, on_done=done, title=self.tr("Saving…"), cancellable=False)
        self.output_op = op
        self.ops.append(op)
        return op

    def ctx_message(self, text: str) -> None:
        self.last_message = text
        window = self.window()
        bar = getattr(window, "statusBar", None)
        if callable(bar) and window is not self:
            bar().showMessage(text, 8000)

    def _after_output(self, rendered: Rendered, sent: paper.Sent) -> None:
        if rendered.job is not None and not rendered.job.recorded:
            self.record(rendered, sent)

    def record(self, rendered: Rendered, sent: paper.Sent | None = None) -> Op[Any]:
        """Record the vouchers (in the background): printed on paper (only those on the pages printed), or
        saved as a PDF file (apart, without counting a copy); the page then says what was recorded."""
        ctx = self.ctx
        job = rendered.job
        assert job is not None
        saved = sent is not None and sent.medium == paper.PDF_FILE
        pages = sent.pages if sent is not None else None

        def work(_progress: Progress) -> VoucherJob:
            with ctx.db.session() as s:
                if saved:
                    return printing.record_saved(s, ctx.user, job, file_name=Path(sent.where).name)
                return printing.record_printed(s, ctx.user, job, pages=pages)

        def done(recorded: VoucherJob) -> None:
            self.recorded = recorded
            if self.rendered is rendered:  # a save keeps the whole job; a paper print uses it up
                self.rendered = replace(rendered, job=recorded if saved else replace(job, recorded=True))
            self.record_label.setStyleSheet("QLabel { background: #eef6ee; padding: 6px; }")
            if saved:
                text = self.tr("Recorded as saved to a PDF file: {0} vouchers (not a paper print: printing this "
                               "preview on paper later is still the original).").format(recorded.count)
            else:
                text = self.tr("Recorded as printed: {0} vouchers, {1} first prints and {2} reprints "
                               "(补打).").format(recorded.count, recorded.first_prints, recorded.reprints)
            self.record_label.setText(text)
            self.record_label.show()
            self._update_output_buttons()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, PrintedMeanwhile):
                if self.rendered is rendered:
                    self.rendered = replace(rendered, job=replace(job, recorded=True))  # stale: preview again
                    self._update_output_buttons()
                message = self.tr("Someone else printed some of these vouchers after this preview was made, so "
                                  "the reprint marks on this printout may be wrong and nothing was recorded. Please "
                                  "preview again and print the new preview.")
                self.record_label.setStyleSheet("QLabel { background: #fdecea; padding: 6px; }")
                self.record_label.setText(message + "\n" + exc.message)  # type: ignore[attr-defined]
                self.record_label.show()
                QMessageBox.warning(self, self.tr("Preview again"), self.record_label.text())
            else:
                show_error(self, exc)

        op = run_op(self, work, on_done=done, on_error=failed, title=self.tr("Recording the printed vouchers…"),
                    cancellable=False)
        self.record_op = op
        self.ops.append(op)
        return op

    def idle(self) -> bool:
        self.ops = [op for op in self.ops if not op.done]
        return not self.ops
