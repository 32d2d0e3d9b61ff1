"""导入台账: an Excel or CSV ledger into the registry, or past scholarships and visits, in four steps —

1. the file: its sheet, the header row found (even below a title row), a preview of the top rows;
2. the columns: what each column holds, guessed from its name, corrected with a box per column;
3. the check, in the background with progress and cancel: a row-by-row report (row, column, problem),
   the duplicates, saved as a workbook if wanted;
4. the import, only on confirm, in one transaction in the background (cancel leaves nothing), optionally
   of the valid rows only; then the counts.

Nothing is written before the “Import” button of step 3 (``services.ledger``: ``prepare_import`` writes
nothing, ``commit_import`` writes everything or nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QStandardPaths, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSpinBox, QStackedWidget,
                               QTableView, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from assist_desktop.domain.errors import DomainError
from assist_desktop.domain.lifecycle import FileStatus
from assist_desktop.services import units as units_service
from assist_desktop.services.approvals import BatchCancelled
from assist_desktop.services.ledger import (KINDS, HeaderGuess, ImportOptions, ImportPlan, ImportResult,
                                            MappingError, SheetData, commit_import, detect_header, fields_for,
                                            guess_kind, prepare_import, save_report)
from assist_desktop.services.ledger.importer import sheet_roles
from assist_desktop.services.ledger.mapping import IGNORED, mapping_by_titles
from assist_desktop.services.ledger.profile import MappingProfile, load_profile
from assist_desktop.services.ledger.reading import read_sheets
from assist_desktop.ui.ledger.values import ValuesTab
from assist_desktop.services.scholarships import UNFILED_KINDS
from assist_desktop.ui.background import Op, Progress, run_op, show_error
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.screen import fitted_size

FILE, MAPPING, REPORT, DONE = range(4)
PREVIEW_ROWS = 20
SAMPLE_ROWS = 3
AnyIndex = QModelIndex | QPersistentModelIndex
_LEVEL_COLOURS = {"error": "#b00020", "warning": "#a15c00", "info": "#555555"}


def _shown(value: Any) -> str:
    """A cell as the sheet shows it: integral floats without “.0”, dates without a time of day."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e11:
        return str(int(value))
    if isinstance(value, float) and abs(value) >= 1e11:
        return f"{value:.6G}"  # as Excel's General format shows it: an ID stored as a number reads 6.10826E+17
    if isinstance(value, datetime):
        return value.date().isoformat() if not (value.hour or value.minute or value.second) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\n", " ")


@dataclass(frozen=True)
class SheetRead:
    """What step 1 reads in the background: every sheet of the workbook, the one previewed (and mapped), the
    kind of ledger and where its header is, and which sheets the import reads or skips."""

    sheet: SheetData
    kind: str
    guess: HeaderGuess | None
    problem: str = ""  # why no header was found
    sheets: tuple[SheetData, ...] = ()
    roles: tuple[tuple[str, bool, str], ...] = ()  # (sheet, read, why not)


def _sheet_read(sheets: list[SheetData], name: str | None, kind: str | None) -> SheetRead:
    """The sheet to preview (``name``, or the first the import reads) with its header, and every sheet's role."""
    from assist_desktop.services.ledger.importer import _find_kind

    try:
        found = kind or _find_kind(sheets)
    except MappingError as exc:
        return SheetRead(sheets[0], kind or "files", None, exc.message, tuple(sheets))
    roles = tuple(sheet_roles(sheets, found))
    readable = [r[0] for r in roles if r[1]]
    chosen = name or (readable[0] if readable else sheets[0].name)
    data = next((d for d in sheets if d.name == chosen), sheets[0])
    try:
        return SheetRead(data, found, detect_header(data, found), "", tuple(sheets), roles)
    except MappingError as exc:
        return SheetRead(data, found, None, exc.message, tuple(sheets), roles)


class TableModel(QAbstractTableModel):
    """Rows of text with a colour per row: the report's problems and the duplicates (a 100,000-row sheet
    can have as many problems; a model shows them without an item per cell)."""

    def __init__(self, headers: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[tuple[str, ...]] = []
        self.colours: list[str | None] = []

    def set_rows(self, rows: list[tuple[str, ...]], colours: list[str | None] | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.colours = colours or [None] * len(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and self.colours[index.row()]:
            return QBrush(QColor(self.colours[index.row()]))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None


def _view(model: TableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    return view


class ImportWizard(QDialog):
    imported = Signal(object)  # ImportResult

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, kind: str | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.read: SheetRead | None = None
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.units: list[Any] = []
        self.read_op: Op[Any] | None = None
        self.check_op: Op[Any] | None = None
        self.commit_op: Op[Any] | None = None
        self.report_path: Path | None = None
        self._combos: dict[int, QComboBox] = {}
        self.value_map: dict[str, dict[str, str]] = {}  # words of the sheet mapped by the caseworker
        self._quiet = False
        self.setWindowTitle(self.tr("Import a ledger"))
        self.resize(fitted_size(self, 1040, 680))
        layout = QVBoxLayout(self)

        self.steps = QLabel()
        self.steps.setObjectName("steps")
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.steps)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_file_page(kind))
        self.stack.addWidget(self._build_mapping_page())
        self.stack.addWidget(self._build_report_page())
        self.stack.addWidget(self._build_done_page())
        layout.addWidget(self.stack, 1)

        buttons = QHBoxLayout()
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        buttons.addWidget(self.message, 1)
        self.back_button = QPushButton(self.tr("Back"))
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton()
        self.next_button.setObjectName("next")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.go_next)
        self.close_button = QPushButton(self.tr("Cancel"))
        self.close_button.setObjectName("close")
        self.close_button.clicked.connect(self.reject)
        for button in (self.back_button, self.next_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self._load_units()
        self._show_step(FILE)

    # --- step 1: the file ----------------------------------------------------------------------------

    def _build_file_page(self, kind: str | None) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Ledger file")))
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("path")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("An Excel workbook (.xlsx, .xls) or a CSV file (UTF-8 or GBK)"))
        row.addWidget(self.path_edit, 1)
        browse = QPushButton(self.tr("Choose file…"))
        browse.setObjectName("browse")
        browse.clicked.connect(self.browse)
        row.addWidget(browse)
        layout.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Kind of ledger")))
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kind")
        self.kind_combo.addItem(self.tr("Recognise from the header"), None)
        for key, label in KINDS.items():
            self.kind_combo.addItem(label, key)
        if kind:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._reread())
        row.addWidget(self.kind_combo)
        row.addSpacing(16)
        row.addWidget(QLabel(self.tr("Sheet")))
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheet")
        self.sheet_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sheet_combo.currentIndexChanged.connect(lambda _i: self._reread())
        row.addWidget(self.sheet_combo)
        row.addStretch(1)
        layout.addLayout(row)
        self.header_label = QLabel(self.tr("Choose the ledger file. Nothing is written before you confirm the import."))
        self.header_label.setObjectName("header_info")
        self.header_label.setWordWrap(True)
        layout.addWidget(self.header_label)
        self.sheets_label = QLabel()
        self.sheets_label.setObjectName("sheets_info")
        self.sheets_label.setWordWrap(True)
        self.sheets_label.setStyleSheet("color: #555;")
        layout.addWidget(self.sheets_label)
        self.preview = QTableWidget()
        self.preview.setObjectName("preview")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setWordWrap(False)
        self.preview.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        layout.addWidget(self.preview, 1)
        return page

    def browse(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the ledger"), folder,
                                              self.tr("Ledgers (*.xlsx *.xls *.csv);;All files (*)"))
        if path:
            self.choose_file(path)

    def choose_file(self, path: Path | str) -> Op[Any]:
        """Read ``path`` (its first sheet) in the background and show where its header is."""
        self.path = Path(path)
        self.path_edit.setText(str(self.path))
        self._quiet = True
        self.sheet_combo.clear()
        self._quiet = False
        return self._read(None)

    def _reread(self) -> None:
        if self._quiet or self.path is None:
            return
        read = self.read
        name = self.sheet_combo.currentText()
        if read is not None and read.sheets and name in [d.name for d in read.sheets]:
            self._sheet_read(_sheet_read(list(read.sheets), name, self.kind_combo.currentData()))  # no new read
            return
        self._read(None)

    def _read(self, sheet: str | None) -> Op[Any]:
        path, kind = self.path, self.kind_combo.currentData()
        self.read = None
        self.message.setText("")
        self.header_label.setText(self.tr("Reading {0}…").format(path.name if path else ""))
        self._update_buttons()
        label = self.tr("Reading row {0}…")

        def work(progress: Progress) -> SheetRead:
            sheets = read_sheets(path, all_sheets=True, cancelled=lambda: progress.cancelled,
                                 progress=lambda done, total: progress.report(done, total, label.format(done)))
            return _sheet_read(sheets, sheet, kind)

        def failed(exc: BaseException) -> None:
            self.header_label.setText(self.tr("The file cannot be imported."))
            self.message.setText(exc.message if isinstance(exc, DomainError) else
                                 self.tr("The file could not be read ({0}).").format(type(exc).__name__))
            self.preview.clear()
            self.preview.setRowCount(0)
            self._update_buttons()

        self.read_op = run_op(self, work, on_done=self._sheet_read, on_error=failed,
                              title=self.tr("Reading the ledger"))
        return self.read_op

    def _sheet_read(self, read: SheetRead) -> None:
        self.read = read
        data = read.sheet
        self._quiet = True
        names = [d.name for d in read.sheets] or [data.name]
        if [self.sheet_combo.itemText(i) for i in range(self.sheet_combo.count())] != names:
            self.sheet_combo.clear()
            self.sheet_combo.addItems(names)
        self.sheet_combo.setCurrentText(data.name)
        self._quiet = False
        self._show_sheets(read)
        guess = read.guess
        if guess is None:
            self.header_label.setText(self.tr("No header found."))
            self.message.setText(read.problem)
        else:
            rows = "、".join(str(r + 1) for r in guess.header_rows)
            known = [h for c, h in enumerate(guess.headers) if guess.mapping.get(c) not in (None, IGNORED)]
            self.header_label.setText(self.tr("{0} ledger, sheet “{1}”: the header is in row {2}; {3} of {4} columns "
                                              "recognised. The data starts in row {5}.").format(
                KINDS[read.kind], data.name, rows, len(known), len(guess.headers), guess.first_data_row + 1))
            if self.kind_combo.currentData() is None:
                self.header_label.setText(self.header_label.text() + " " +
                                          self.tr("(Recognised from the header; choose another kind above if wrong.)"))
        self._fill_preview(data, guess)
        self._update_buttons()

    def _show_sheets(self, read: SheetRead) -> None:
        """Which sheets the import reads and which it skips (why); the hidden rows and columns of this one."""
        lines = []
        taken = [name for name, ok, _ in read.roles if ok]
        skipped = [(name, why) for name, ok, why in read.roles if not ok]
        if len(read.roles) > 1:
            lines.append(self.tr("All sheets are imported in one run: {0}.").format("、".join(f"“{n}”" for n in taken))
                         if taken else self.tr("No sheet holds a ledger header."))
        if skipped:
            lines.append(self.tr("Not read: {0}.").format("；".join(f"“{n}”（{why}）" for n, why in skipped)))
        data = read.sheet
        if data.hidden_cols:
            lines.append(self.tr("Hidden columns in this sheet: {0} (shown grey below; a hidden column is not chosen "
                                 "over a visible one of the same name).").format(
                "、".join(get_column_letter(c + 1) for c in sorted(data.hidden_cols))))
        if data.hidden_rows:
            rows = sorted(r + 1 for r in data.hidden_rows)
            lines.append(self.tr("Hidden rows in this sheet: {0} (checked and imported like the others).").format(
                "、".join(str(r) for r in rows[:20]) + ("…" if len(rows) > 20 else "")))
        self.sheets_label.setText("\n".join(lines))
        self.sheets_label.setVisible(bool(lines))

    def _fill_preview(self, data: SheetData, guess: HeaderGuess | None) -> None:
        rows = data.rows[:PREVIEW_ROWS]
        width = max((len(r) for r in rows), default=0)
        self.preview.clear()
        self.preview.setRowCount(len(rows))
        self.preview.setColumnCount(width)
        hidden_rows, hidden_cols = data.hidden_rows, data.hidden_cols
        self.preview.setHorizontalHeaderLabels([get_column_letter(c + 1) + (self.tr(" (hidden)") if c in hidden_cols
                                                                            else "") for c in range(width)])
        self.preview.setVerticalHeaderLabels([str(r + 1) + (self.tr(" (hidden)") if r in hidden_rows else "")
                                              for r in range(len(rows))])
        header_rows = set(guess.header_rows) if guess else set()
        first = guess.first_data_row if guess else 0
        bold = QFont(self.font())
        bold.setBold(True)
        for r, row in enumerate(rows):
            for c in range(width):
                item = QTableWidgetItem(_shown(row[c]) if c < len(row) else "")
                if r in header_rows:
                    item.setBackground(QBrush(QColor("#dbe9f8")))
                    item.setFont(bold)
                elif r < first:
                    item.setForeground(QBrush(QColor("#888888")))
                if r in hidden_rows or c in hidden_cols:  # hidden in the sheet: shown, marked
                    item.setBackground(QBrush(QColor("#eeeeee")))
                    item.setForeground(QBrush(QColor("#777777")))
                self.preview.setItem(r, c, item)
        self.preview.clearSpans()
        for r1, c1, r2, c2 in data.merged:  # merged cells as the sheet shows them (a title across the table)
            if r1 < len(rows) and c1 < width and (r2 > r1 or c2 > c1):
                self.preview.setSpan(r1, c1, min(r2, len(rows) - 1) - r1 + 1, min(c2, width - 1) - c1 + 1)
        # widths from the header and the data (a title row would make its first column as wide as itself)
        metrics = self.preview.fontMetrics()
        for c in range(width):
            texts = [self.preview.horizontalHeaderItem(c).text()]
            start = min(guess.header_rows) if guess else 0
            texts += [self.preview.item(r, c).text() for r in range(start, len(rows))]
            needed = int(max(metrics.horizontalAdvance(t) for t in texts) * 1.1) + 16  # header rows are bold
            self.preview.setColumnWidth(c, max(36, min(needed, 220)))

    # --- step 2: the columns -------------------------------------------------------------------------

    def _build_mapping_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.tr("What each column holds, guessed from its name: correct a box where the guess is "
                               "wrong. Fields marked * are required."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.mapping_table = QTableWidget(0, 4)
        self.mapping_table.setObjectName("mapping")
        self.mapping_table.setHorizontalHeaderLabels([self.tr("Column"), self.tr("Name in the sheet"),
                                                      self.tr("First values"), self.tr("Import as")])
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.mapping_table, 1)
        self.missing_label = QLabel()
        self.missing_label.setObjectName("missing")
        self.missing_label.setStyleSheet("color: #b00020;")
        self.missing_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.missing_label, 1)
        self.load_mapping_button = QPushButton(self.tr("Use a saved mapping…"))
        self.load_mapping_button.setObjectName("load_mapping")
        self.load_mapping_button.clicked.connect(lambda: self.load_mapping())
        row.addWidget(self.load_mapping_button)
        self.save_mapping_button = QPushButton(self.tr("Save this mapping…"))
        self.save_mapping_button.setObjectName("save_mapping")
        self.save_mapping_button.setToolTip(self.tr("The columns by name and the words you mapped, for next time and "
                                                    "for “ledger import --mapping” in a terminal"))
        self.save_mapping_button.clicked.connect(lambda: self.save_mapping())
        row.addWidget(self.save_mapping_button)
        layout.addLayout(row)

        self.options_box = QGroupBox(self.tr("Import options"))
        form = QFormLayout(self.options_box)
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("default_unit")
        self.unit_combo.setToolTip(self.tr("The union of the households whose row names none"))
        form.addRow(self.tr("Union when the sheet names none"), self.unit_combo)
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("file_status")
        self.status_combo.addItem(self.tr("Drafts (then submitted, reviewed, posted and approved as usual)"),
                                  FileStatus.draft.value)
        self.status_combo.addItem(self.tr("Active files (approved in earlier years): one batch the approver "
                                          "approves on the approvals page"), FileStatus.active.value)
        form.addRow(self.tr("Files come in as"), self.status_combo)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("category_reason")
        self.reason_edit.setPlaceholderText(self.tr("Recorded where the ledger's category differs from the formula's"))
        form.addRow(self.tr("Reason for the categories"), self.reason_edit)
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("year")
        self.year_spin.setRange(1999, 2100)
        self.year_spin.setSpecialValueText(self.tr("From the sheet's year column"))
        self.year_spin.setValue(1999)
        form.addRow(self.tr("Year"), self.year_spin)
        self.household_combo = QComboBox()
        self.household_combo.setObjectName("household_kind")
        for key, label in UNFILED_KINDS.items():
            self.household_combo.addItem(label, key)
        self.household_combo.setCurrentIndex(self.household_combo.findData("low_income"))
        form.addRow(self.tr("Household without a file"), self.household_combo)
        self._form = form
        layout.addWidget(self.options_box)
        return page

    def _load_units(self) -> None:
        ctx = self.ctx

        def work(_progress: Progress) -> list[Any]:
            with ctx.db.session() as s:
                return units_service.list_grassroots_units(s)

        def done(units: list[Any]) -> None:
            self.units = units
            self.unit_combo.clear()
            self.unit_combo.addItem(self.tr("(none: the sheet's union column)"), None)
            for unit in units:
                self.unit_combo.addItem(unit.name, unit.id)

        self.units_op = run_op(self, work, on_done=done, show_progress=False)

    def _fill_mapping(self) -> None:
        read = self.read
        assert read is not None and read.guess is not None
        guess, data = read.guess, read.sheet
        specs = fields_for(read.kind)
        width = max(len(guess.headers), max((len(r) for r in data.rows[guess.first_data_row:][:50]), default=0))
        samples: dict[int, list[str]] = {}
        for row in data.rows[guess.first_data_row:]:
            for c in range(width):
                value = _shown(row[c]) if c < len(row) else ""
                if value and len(samples.setdefault(c, [])) < SAMPLE_ROWS:
                    samples[c].append(value)
            if all(len(samples.get(c, [])) >= SAMPLE_ROWS for c in range(width)):
                break
        self.mapping_table.setRowCount(width)
        self._combos = {}
        for c in range(width):
            self.mapping_table.setItem(c, 0, QTableWidgetItem(get_column_letter(c + 1)))
            self.mapping_table.setItem(c, 1, QTableWidgetItem(guess.headers[c] if c < len(guess.headers) else ""))
            self.mapping_table.setItem(c, 2, QTableWidgetItem(" | ".join(samples.get(c, []))))
            combo = QComboBox()
            combo.setObjectName(f"column_{c}")
            combo.addItem(self.tr("(not imported)"), None)
            for spec in specs:
                if spec.key != IGNORED:
                    combo.addItem(spec.label + (" *" if spec.required else ""), spec.key)
                    if spec.note:
                        combo.setItemData(combo.count() - 1, spec.note, Qt.ItemDataRole.ToolTipRole)
            key = guess.mapping.get(c)
            combo.setCurrentIndex(max(combo.findData(key if key != IGNORED else None), 0))
            combo.currentIndexChanged.connect(lambda _i, col=c: self._mapping_changed(col))
            self.mapping_table.setCellWidget(c, 3, combo)
            self._combos[c] = combo
        self.mapping_table.resizeColumnToContents(1)
        self.mapping_table.setColumnWidth(3, max(self.mapping_table.columnWidth(3), 200))
        kind = read.kind
        self._set_option_rows(files=kind == "files", grants=kind != "files", scholarships=kind == "scholarships")
        self._mapping_changed(None)

    def _set_option_rows(self, *, files: bool, grants: bool, scholarships: bool) -> None:
        for widget, shown in ((self.unit_combo, files), (self.status_combo, files), (self.reason_edit, files),
                              (self.year_spin, grants), (self.household_combo, scholarships)):
            self._form.setRowVisible(widget, shown)

    def mapping_combo(self, column: int) -> QComboBox:
        return self._combos[column]

    def set_mapping(self, column: int, key: str | None) -> None:
        """Choose what ``column`` is imported as (None: not imported), as the box does."""
        combo = self._combos[column]
        combo.setCurrentIndex(combo.findData(key))

    def _mapping_changed(self, column: int | None) -> None:
        if column is not None:  # a field goes to one column: the column that had it lets go
            key = self._combos[column].currentData()
            if key is not None:
                for other, combo in self._combos.items():
                    if other != column and combo.currentData() == key:
                        combo.blockSignals(True)
                        combo.setCurrentIndex(0)
                        combo.blockSignals(False)
        missing = self.missing_fields()
        self.missing_label.setText(self.tr("Still missing: {0}").format("、".join(missing)) if missing else "")
        self._update_buttons()

    def mapping(self) -> dict[int, str | None]:
        """The columns the user changed from the guess ({column: field or None})."""
        guess = self.read.guess if self.read else None
        if guess is None:
            return {}
        changes: dict[int, str | None] = {}
        for c, combo in self._combos.items():
            chosen = combo.currentData()
            guessed = guess.mapping.get(c)
            if (guessed if guessed != IGNORED else None) != chosen:
                changes[c] = chosen
        return changes

    def missing_fields(self) -> list[str]:
        if self.read is None:
            return []
        chosen = {combo.currentData() for combo in self._combos.values()}
        return [f.label for f in fields_for(self.read.kind) if f.required and f.key not in chosen]

    def titles(self) -> dict[str, str]:
        """The columns the caseworker changed, by name: they apply to every sheet of the workbook."""
        guess = self.read.guess if self.read else None
        if guess is None:
            return {}
        return {guess.headers[c]: key or "" for c, key in self.mapping().items()
                if c < len(guess.headers) and guess.headers[c]}

    def profile(self) -> MappingProfile:
        """The mapping as a file keeps it: every named column of this sheet and the words mapped."""
        guess = self.read.guess if self.read else None
        kind = self.read.kind if self.read else "files"
        columns = {}
        if guess is not None:
            for c, combo in self._combos.items():
                if c < len(guess.headers) and guess.headers[c] and guess.headers[c] not in columns:
                    columns[guess.headers[c]] = combo.currentData() or ""
        return MappingProfile(kind, columns, {k: dict(v) for k, v in self.value_map.items() if v})

    def save_mapping(self, path: Path | str | None = None) -> Path | None:
        if self.read is None:
            return None
        if path is None:
            suggested = str((self.path or Path("台账")).with_suffix("")) + self.tr(" column mapping.json")
            chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Save the column mapping"), suggested,
                                                    self.tr("Column mapping (*.json)"))
            if not chosen:
                return None
            path = chosen
        target = Path(path) if str(path).lower().endswith(".json") else Path(f"{path}.json")
        saved = self.profile().save(target)
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText(self.tr("Column mapping saved to {0}").format(saved))
        return saved

    def load_mapping(self, path: Path | str | None = None) -> bool:
        """Set the boxes from a saved mapping (columns by name) and take its mapped words."""
        read = self.read
        if read is None or read.guess is None:
            return False
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Use a saved column mapping"),
                                                    str(self.path.parent if self.path else Path.home()),
                                                    self.tr("Column mapping (*.json)"))
            if not chosen:
                return False
            path = chosen
        try:
            profile = load_profile(path, read.kind)
        except DomainError as exc:
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(exc.message)
            return False
        for col, key in mapping_by_titles(read.guess, profile.columns).items():
            if col in self._combos:
                self.set_mapping(col, key or None)
        self.value_map = {k: dict(v) for k, v in profile.values.items()}
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText(self.tr("Column mapping taken from {0}").format(Path(path).name))
        return True

    def options(self) -> ImportOptions:
        kind = self.read.kind if self.read else "files"
        values = {k: dict(v) for k, v in self.value_map.items() if v}
        if kind == "files":
            return ImportOptions(unit_id=self.unit_combo.currentData(), file_status=self.status_combo.currentData(),
                                 category_reason=self.reason_edit.text().strip() or None, value_map=values,
                                 titles=self.titles())
        year = self.year_spin.value()
        return ImportOptions(year=None if year == self.year_spin.minimum() else year,
                             household_kind=self.household_combo.currentData() or "low_income", value_map=values,
                             titles=self.titles())

    # --- step 3: the check and its report ------------------------------------------------------------

    def _build_report_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet("font-size: 14px; font-weight: bold;")
        layout.addWidget(self.summary_label)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("counts")
        layout.addWidget(self.counts_label)
        self.report_tabs = QTabWidget()
        self.issues_model = TableModel([self.tr("Row"), self.tr("Column"), self.tr("Level"), self.tr("Problem")], self)
        self.issues_view = _view(self.issues_model, "issues")
        self.duplicates_model = TableModel([self.tr("Row"), self.tr("Person"), self.tr("Also in"), self.tr("Where")],
                                           self)
        self.duplicates_view = _view(self.duplicates_model, "duplicates")
        self.report_tabs.addTab(self.issues_view, self.tr("Problems"))
        self.report_tabs.addTab(self.duplicates_view, self.tr("Duplicates"))
        self.values_tab = ValuesTab()
        self.values_tab.recheck.connect(self._recheck_values)
        self.report_tabs.addTab(self.values_tab, self.tr("Words to map"))
        layout.addWidget(self.report_tabs, 1)
        row = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save report as Excel…"))
        self.save_button.setObjectName("save_report")
        self.save_button.clicked.connect(lambda: self.save_report())
        row.addWidget(self.save_button)
        self.skip_invalid = QCheckBox()
        self.skip_invalid.setObjectName("skip_invalid")
        self.skip_invalid.toggled.connect(lambda _on: self._update_buttons())
        row.addWidget(self.skip_invalid)
        row.addStretch(1)
        layout.addLayout(row)
        self.confirm_label = QLabel(self.tr("Nothing has been written yet. “Import” writes the checked records in "
                                            "one go; cancelling it leaves nothing behind."))
        self.confirm_label.setObjectName("confirm")
        self.confirm_label.setWordWrap(True)
        self.confirm_label.setStyleSheet("color: #555;")
        layout.addWidget(self.confirm_label)
        return page

    def check(self) -> Op[Any] | None:
        """Check every row in the background (progress, cancel); nothing is written."""
        read = self.read
        if read is None or read.guess is None or self.missing_fields():
            return None
        ctx, options, kind = self.ctx, self.options(), read.kind
        label = self.tr("Checking row {0} of {1}…")  # translated here: the work runs in a worker thread
        self.plan = None
        self.message.setText("")
        source = list(read.sheets) if read.sheets else read.sheet

        def work(progress: Progress) -> ImportPlan:
            with ctx.db.session() as s:
                return prepare_import(s, ctx.user, source, kind, options=options,
                                      progress=lambda done, total: progress.report(done, total, label.format(done, total)),
                                      cancelled=lambda: progress.cancelled, today=ctx.today())

        def failed(exc: BaseException) -> None:
            if isinstance(exc, BatchCancelled):
                self.message.setText(self.tr("The check was cancelled. Nothing was written."))
            elif isinstance(exc, DomainError):
                self.message.setText(exc.message)
            else:
                show_error(self, exc)

        self.check_op = run_op(self, work, on_done=self._checked, on_error=failed,
                               title=self.tr("Checking the ledger"))
        return self.check_op

    def _checked(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.summary_label.setText(plan.summary())
        self.counts_label.setText(self.tr("{0} errors · {1} warnings · {2} duplicates · {3} records ready to import")
                                  .format(len(plan.errors), len(plan.warnings), len(plan.duplicates), plan.valid_count))
        rows, colours = [], []
        for issue in plan.sorted_issues():
            rows.append((str(issue.row) if issue.row else self.tr("whole sheet"), issue.column, issue.level_label,
                         issue.message))
            colours.append(_LEVEL_COLOURS.get(issue.level))
        self.issues_model.set_rows(rows, colours)
        self.duplicates_model.set_rows([(str(d.row), d.who, d.other, self.tr("already in the database")
                                         if d.in_database else self.tr("twice in the sheet")) for d in plan.duplicates])
        self.report_tabs.setTabText(0, self.tr("Problems ({0})").format(len(plan.issues)))
        self.report_tabs.setTabText(1, self.tr("Duplicates ({0})").format(len(plan.duplicates)))
        self.values_tab.show_plan(plan, self.units, self.value_map)
        self.report_tabs.setTabText(2, self.tr("Words to map ({0})").format(len(plan.unknown) + len(plan.matches)))
        for view in (self.issues_view, self.duplicates_view):
            view.resizeColumnsToContents()
            view.setColumnWidth(1, min(view.columnWidth(1), 260))
        self.skip_invalid.setChecked(False)
        self.skip_invalid.setText(self.tr("Import only the {0} valid records (leave out the {1} with errors)")
                                  .format(plan.valid_count, plan.invalid_count))
        self.skip_invalid.setVisible(plan.invalid_count > 0 and plan.valid_count > 0)
        self._show_step(REPORT)

    def _recheck_values(self, mapped: dict[str, dict[str, str]]) -> None:
        """The words the caseworker mapped apply to the whole workbook: check again with them."""
        for field, words in mapped.items():
            self.value_map.setdefault(field, {}).update(words)
        self.check()

    def save_report(self, path: Path | str | None = None) -> Op[Any] | None:
        """The report (every problem row by row, then the duplicates) as an Excel workbook."""
        plan = self.plan
        if plan is None:
            return None
        if path is None:
            suggested = str(plan.path.with_name(self.tr("{0} check report.xlsx").format(plan.path.stem)))
            chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Save the report"), suggested,
                                                    self.tr("Excel workbook (*.xlsx)"))
            if not chosen:
                return None
            path = chosen
        target = Path(path) if str(path).lower().endswith(".xlsx") else Path(f"{path}.xlsx")

        def done(saved: Path) -> None:
            self.report_path = saved
            self.message.setStyleSheet("color: #2e7d32;")
            self.message.setText(self.tr("Report saved to {0}").format(saved))

        self.report_op = run_op(self, lambda _p: save_report(plan, target), on_done=done,
                                title=self.tr("Saving the report"), cancellable=False)
        return self.report_op

    # --- step 4: the import --------------------------------------------------------------------------

    def _build_done_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel(self.tr("Import finished"))
        title.setStyleSheet("font-size: 18px; font-weight: bold; color: #2e7d32;")
        layout.addWidget(title)
        self.done_label = QLabel()
        self.done_label.setObjectName("done")
        self.done_label.setWordWrap(True)
        self.done_label.setStyleSheet("font-size: 15px;")
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        return page

    def commit(self) -> Op[Any] | None:
        """Write the checked records in one transaction in the background (progress; cancel writes nothing)."""
        plan = self.plan
        if plan is None or not self._can_commit():
            return None
        ctx, skip = self.ctx, self.skip_invalid.isChecked()
        label = self.tr("Writing {0} of {1} rows…")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText("")

        def work(progress: Progress) -> ImportResult:
            with ctx.db.session() as s:
                return commit_import(s, ctx.user, plan, skip_invalid=skip,
                                     progress=lambda done, total: progress.report(done, total, label.format(done, total)),
                                     cancelled=lambda: progress.cancelled)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, BatchCancelled):
                self.message.setText(self.tr("The import was cancelled. Nothing was written."))
            elif isinstance(exc, DomainError):
                self.message.setText(exc.message)
            else:
                show_error(self, exc)

        self.commit_op = run_op(self, work, on_done=self._committed, on_error=failed,
                                title=self.tr("Importing the ledger"))
        return self.commit_op

    def _committed(self, result: ImportResult) -> None:
        self.result = result
        name = self.plan.path.name if self.plan else ""
        first = {"files": self.tr("Imported {0} households from “{1}”."),
                 "scholarships": self.tr("Imported {0} scholarships from “{1}”."),
                 "visits": self.tr("Imported {0} visits from “{1}”.")}[result.kind].format(result.written, name)
        if result.skipped_invalid:
            first += self.tr(" {0} records with errors were left out.").format(result.skipped_invalid)
        lines = [first]
        names = {"hardship_file": self.tr("files"), "member": self.tr("members"),
                 "scholarship": self.tr("scholarships"), "scholarship_round": self.tr("scholarship rounds"),
                 "visit": self.tr("visits"), "campaign": self.tr("campaigns"),
                 "campaign_fund_source": self.tr("fund sources"), "campaign_standard": self.tr("standards"),
                 "disbursement": self.tr("vouchers"), "unfiled_household": self.tr("households without a file")}
        written = [self.tr("{0}: {1}").format(names.get(t, t), n) for t, n in result.rows.items() if n]
        if written:
            lines.append(self.tr("Rows written: {0}").format("；".join(written)))
        if result.import_batch_id:
            lines.append(self.tr("The files wait as one batch for the approver, who approves it on the approvals "
                                 "page; then they are active."))
        elif result.kind == "files" and self.plan and self.plan.options.file_status == FileStatus.draft.value:
            lines.append(self.tr("The files are drafts: submit them for review from the registry or the approvals page."))
        self.done_label.setText("\n".join(lines))
        if result.kind == "files":
            self.ctx.events.files_changed.emit([])
        self.ctx.events.workflow_changed.emit()
        self.imported.emit(result)
        self._show_step(DONE)

    # --- navigation ----------------------------------------------------------------------------------

    def step(self) -> int:
        return self.stack.currentIndex()

    def go_next(self) -> None:
        step = self.step()
        if step == FILE and self.read is not None and self.read.guess is not None:
            self._fill_mapping()
            self._show_step(MAPPING)
        elif step == MAPPING:
            self.check()
        elif step == REPORT:
            self.commit()

    def go_back(self) -> None:
        step = self.step()
        if step in (MAPPING, REPORT):
            self.plan = None
            self._show_step(step - 1)

    def _can_commit(self) -> bool:
        plan = self.plan
        return plan is not None and plan.valid_count > 0 and (plan.ok or self.skip_invalid.isChecked())

    def _show_step(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        names = [self.tr("1 The file"), self.tr("2 The columns"), self.tr("3 The check"), self.tr("4 Done")]
        self.steps.setText("　›　".join(f"<b style='color:#c62828'>{n}</b>" if i == step else
                                       f"<span style='color:#888'>{n}</span>" for i, n in enumerate(names)))
        if step != REPORT:
            self.message.setStyleSheet("color: #b00020;")
        self._update_buttons()

    def _update_buttons(self) -> None:
        step = self.step()
        self.back_button.setVisible(step in (MAPPING, REPORT))
        self.next_button.setVisible(step != DONE)
        self.next_button.setText({FILE: self.tr("Next"), MAPPING: self.tr("Check"), REPORT: self.tr("Import")}
                                 .get(step, ""))
        if step == FILE:
            self.next_button.setEnabled(self.read is not None and self.read.guess is not None)
        elif step == MAPPING:
            self.next_button.setEnabled(not self.missing_fields())
        elif step == REPORT:
            self.next_button.setEnabled(self._can_commit())
        self.close_button.setText(self.tr("Close") if step == DONE else self.tr("Cancel"))

    def idle(self) -> bool:
        """No read, check, save or import running (tests)."""
        ops = (self.read_op, self.check_op, self.commit_op, getattr(self, "report_op", None),
               getattr(self, "units_op", None))
        return all(op is None or op.done for op in ops)
