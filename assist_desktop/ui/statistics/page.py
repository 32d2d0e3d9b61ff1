"""统计: the year's figures of each programme, a table by the chosen dimension, charts (bars by the dimension,
the trend over the years, the causes), every figure clickable to the records behind it, and the annual
report exported to Excel and PDF.

Every figure is read in a worker (``services.statistics``: SQL aggregates); a newer choice overtakes a
read still running.

At a city or province every programme can also be broken down by 上报单位, the unit each record belongs to (the
local unit's own, and each unit below that reported); a county's page does not offer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout,
                               QWidget)

from assist_desktop.domain.money import format_amount
from assist_desktop.services import statistics
from assist_desktop.services.statistics import (DIMENSIONS, PROGRAM_DIMENSIONS, PROGRAMS, UPPER_DIMENSIONS, Breakdown,
                                                Cell, Measure, ProgramFigure)
from assist_desktop.ui.background import Op, Progress, run_op
from assist_desktop.ui.context import AppContext
from assist_desktop.ui.flow import FlowLayout, labelled
from assist_desktop.ui.statistics.charts import BarChart, PieChart, TrendChart
from assist_desktop.ui.statistics.records import RecordsDialog

CELL_ROLE = Qt.ItemDataRole.UserRole
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LINK = QColor("#1a5fb4")


@dataclass(frozen=True)
class Figures:
    """Everything the page shows for one choice of year, programme and dimension."""

    key: tuple[int | None, str, str]
    years: list[int]
    overview: list[ProgramFigure]
    table: Breakdown
    trend: Breakdown
    causes: Breakdown


def _number(measure: Measure, value: int | None) -> str:
    if value is None:
        return "—"
    return format_amount(value) if measure.money else f"{value:,}"


class StatisticsPage(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        # a city or province holds the records of the units below it: 上报单位 is a dimension there
        self.upper = ctx.unit.level in ("city", "province")
        self.figures: Figures | None = None
        self.op: Op[Any] | None = None
        self.export_op: Op[Any] | None = None
        self.dialog: RecordsDialog | None = None
        self.exported: Path | None = None
        self._filling = False
        self._wanted: tuple[int | None, str, str] | None = None
        self._years: list[int] | None = None  # read once, and again after a write elsewhere
        self._stale = False
        layout = QVBoxLayout(self)

        top = FlowLayout(spacing=10)  # wraps on a narrow screen (1024×768) instead of widening the window
        heading = QLabel(self.tr("Statistics"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        top.addWidget(heading)
        year_label = QLabel(self.tr("Year"))
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("year")
        self.year_combo.addItem(self.tr("All years"), None)
        self.year_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        top.addWidget(labelled(year_label, self.year_combo))
        program_label = QLabel(self.tr("Programme"))
        self.program_combo = QComboBox()
        self.program_combo.setObjectName("program")
        for key, label in PROGRAMS.items():
            self.program_combo.addItem(label, key)
        top.addWidget(labelled(program_label, self.program_combo))
        by_label = QLabel(self.tr("By"))
        self.dimension_combo = QComboBox()
        self.dimension_combo.setObjectName("dimension")
        self.dimension_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        top.addWidget(labelled(by_label, self.dimension_combo))
        chart_label = QLabel(self.tr("Chart"))
        self.measure_combo = QComboBox()
        self.measure_combo.setObjectName("measure")
        self.measure_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.measure_combo.setToolTip(self.tr("The figure the charts draw"))
        top.addWidget(labelled(chart_label, self.measure_combo))
        self.busy_label = QLabel(self.tr("Counting…"))
        self.busy_label.setObjectName("busy")
        self.busy_label.setStyleSheet("color: #666;")
        self.xlsx_button = QPushButton(self.tr("Annual report to Excel…"))
        self.xlsx_button.setObjectName("export_xlsx")
        self.xlsx_button.clicked.connect(lambda: self.export_report("xlsx"))
        top.addWidget(self.xlsx_button)
        self.pdf_button = QPushButton(self.tr("Annual report to PDF…"))
        self.pdf_button.setObjectName("export_pdf")
        self.pdf_button.clicked.connect(lambda: self.export_report("pdf"))
        top.addWidget(self.pdf_button)
        top.addWidget(self.busy_label)  # last: shown and hidden, it moves nothing under the mouse
        layout.addLayout(top)

        # --- the year at a glance: one tile per programme, its figures are links ----------------------
        tiles = QHBoxLayout()
        self.tiles: dict[str, QLabel] = {}
        for key in PROGRAMS:
            tile = QLabel()
            tile.setObjectName(f"tile_{key}")
            tile.setFrameShape(QFrame.Shape.StyledPanel)
            tile.setTextFormat(Qt.TextFormat.RichText)
            tile.setStyleSheet("QLabel { background: #f7f9fc; padding: 6px 10px; }")
            tile.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
            tile.linkActivated.connect(self._tile_clicked)
            tiles.addWidget(tile, 1)
            self.tiles[key] = tile
        layout.addLayout(tiles)

        # --- the table and the charts -----------------------------------------------------------------
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table_title = QLabel()
        self.table_title.setObjectName("table_title")
        self.table_title.setStyleSheet("font-weight: bold;")
        self.table_title.setWordWrap(True)
        left_layout.addWidget(self.table_title)
        self.table = QTableWidget()
        self.table.setObjectName("figures")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellClicked.connect(self._cell_clicked)
        left_layout.addWidget(self.table, 1)
        hint = QLabel(self.tr("Click a figure, a bar, a point or a slice to see the records behind it."))
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        left_layout.addWidget(hint)
        splitter.addWidget(left)

        self.charts = QTabWidget()
        self.charts.setObjectName("charts")
        self.bar_chart = BarChart()
        self.bar_chart.setObjectName("bar_chart")
        self.trend_chart = TrendChart()
        self.trend_chart.setObjectName("trend_chart")
        self.pie_chart = PieChart()
        self.pie_chart.setObjectName("pie_chart")
        self.charts.addTab(self.bar_chart, self.tr("By group"))
        self.charts.addTab(self.trend_chart, self.tr("Over the years"))
        self.charts.addTab(self.pie_chart, self.tr("Causes"))
        for chart in (self.bar_chart, self.trend_chart, self.pie_chart):
            chart.figure_clicked.connect(self.open_cell)
        splitter.addWidget(self.charts)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 6)
        self.splitter = splitter
        layout.addWidget(splitter, 1)

        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self._fill_dimensions()
        self.year_combo.currentIndexChanged.connect(self._choice_changed)
        self.program_combo.currentIndexChanged.connect(self._program_changed)
        self.dimension_combo.currentIndexChanged.connect(self._choice_changed)
        self.measure_combo.currentIndexChanged.connect(lambda _i: self._draw_charts())
        self.ctx.events.workflow_changed.connect(self._data_changed)
        self.ctx.events.files_changed.connect(lambda _ids: self._data_changed())
        self.reload()

    def _data_changed(self) -> None:
        """A write elsewhere: count again now if the page is on screen, else when it is next shown (a
        province's figures take a second or two to count; a day of bulk steps must not recount each time)."""
        self._years = None
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()

    # --- choices ---------------------------------------------------------------------------------------

    def year(self) -> int | None:
        return self.year_combo.currentData()

    def program(self) -> str:
        return self.program_combo.currentData()

    def dimensions(self, program: str) -> tuple[str, ...]:
        """The dimensions offered for ``program`` here (上报单位 only at an upper unit)."""
        return tuple(d for d in PROGRAM_DIMENSIONS[program] if self.upper or d not in UPPER_DIMENSIONS)

    def dimension(self) -> str:
        return self.dimension_combo.currentData() or self.dimensions(self.program())[0]

    def set_choice(self, *, year: int | None | str = "keep", program: str | None = None,
                   dimension: str | None = None) -> None:
        """Choose as a caseworker would in the boxes (tests, and links from other pages)."""
        self._filling = True
        try:
            if program is not None:
                self.program_combo.setCurrentIndex(self.program_combo.findData(program))
                self._fill_dimensions()
            if dimension is not None:
                self.dimension_combo.setCurrentIndex(self.dimension_combo.findData(dimension))
            if year != "keep":
                index = self.year_combo.findData(year)
                if index < 0:
                    self.year_combo.addItem(self.tr("Year {0}").format(year), year)
                    index = self.year_combo.count() - 1
                self.year_combo.setCurrentIndex(index)
        finally:
            self._filling = False
        self.reload()

    def _fill_dimensions(self) -> None:
        program = self.program()
        chosen = self.dimension_combo.currentData()
        filling, self._filling = self._filling, True
        try:
            self.dimension_combo.clear()
            for key in self.dimensions(program):
                self.dimension_combo.addItem(DIMENSIONS[key], key)
            index = self.dimension_combo.findData(chosen)
            self.dimension_combo.setCurrentIndex(max(index, 0))
            self.measure_combo.clear()
            for measure in statistics.measures_of(program):
                self.measure_combo.addItem(measure.label, measure.key)
        finally:
            self._filling = filling

    def _program_changed(self, _index: int) -> None:
        if self._filling:
            return
        self._fill_dimensions()
        self.reload()

    def _choice_changed(self, _index: int) -> None:
        if not self._filling:
            self.reload()

    def chart_measure(self) -> str:
        return self.measure_combo.currentData() or statistics.measures_of(self.program())[0].key

    # --- reading --------------------------------------------------------------------------------------

    def reload(self) -> None:
        key = (self.year(), self.program(), self.dimension())
        self._wanted = key
        ctx = self.ctx
        year, program, dimension = key
        cause_program = program if "cause" in PROGRAM_DIMENSIONS[program] else "files"
        known_years = self._years
        self.busy_label.show()

        def work(progress: Progress) -> Figures:
            with ctx.db.session() as s:
                years = known_years if known_years is not None else statistics.available_years(s, ctx.today())
                progress.check()
                overview = statistics.overview(s, ctx.user, year)
                table = statistics.breakdown(s, ctx.user, program, dimension, year)
                progress.check()
                trend = table if dimension == "year" else statistics.breakdown(s, ctx.user, program, "year")
                causes = statistics.breakdown(s, ctx.user, cause_program, "cause", year)
                return Figures(key, years, overview, table, trend, causes)

        def done(figures: Figures) -> None:
            if figures.key != self._wanted:
                return  # a newer choice is being read
            self.busy_label.hide()
            self.show_figures(figures)

        def failed(exc: BaseException) -> None:
            self.busy_label.hide()
            from assist_desktop.domain.errors import DomainError

            self.status_label.setText(exc.message if isinstance(exc, DomainError)
                                      else self.tr("The figures could not be read. Try again."))

        if self.op is not None and not self.op.done:
            self.op.cancel()
        self.op = run_op(self, work, on_done=done, on_error=failed, show_progress=False)

    def idle(self) -> bool:
        """Nothing being read or written (tests)."""
        return (self.op is None or self.op.done) and (self.export_op is None or self.export_op.done) and \
            self.figures is not None and self.figures.key == self._wanted

    def show_figures(self, figures: Figures) -> None:
        self.figures = figures
        self._years = figures.years
        self._fill_years(figures.years)
        for item in figures.overview:
            self.tiles[item.program].setText(self._tile_text(item))
        table = figures.table
        self.table_title.setText(table.title)
        self._fill_table(table)
        self._draw_charts()
        self.status_label.setText("")

    def _fill_years(self, years: list[int]) -> None:
        chosen = self.year()
        filling, self._filling = self._filling, True
        try:
            while self.year_combo.count() > 1:
                self.year_combo.removeItem(1)
            for y in years:
                self.year_combo.addItem(self.tr("Year {0}").format(y), y)
            index = self.year_combo.findData(chosen) if chosen is not None else 0
            if index < 0:
                self.year_combo.addItem(self.tr("Year {0}").format(chosen), chosen)
                index = self.year_combo.count() - 1
            self.year_combo.setCurrentIndex(index)
        finally:
            self._filling = filling

    def _tile_text(self, item: ProgramFigure) -> str:
        year = self.year()
        if item.program == "files":
            what = self.tr("in the registry at the end of {0}").format(year) if year else self.tr("in the registry")
            count = self.tr("{0} households").format(f"{item.count:,}")
        elif item.program == "scholarships":
            what = self.tr("approved and paid")
            count = self.tr("{0} students").format(f"{item.count:,}")
        elif item.program == "visits":
            what = self.tr("approved and paid")
            count = self.tr("{0} households").format(f"{item.count:,}")
        else:
            what = self.tr("vouchers paid")
            count = self.tr("{0} payments").format(f"{item.count:,}")
        text = (f"<b>{item.label}</b> <span style='color:#666'>{what}</span><br>"
                f"<a href='{item.program}:count' style='color:{_LINK.name()}'>{count}</a>")
        if item.amount is not None:
            money = self.tr("{0} yuan").format(format_amount(item.amount))
            text += f" · <a href='{item.program}:amount' style='color:{_LINK.name()}'>{money}</a>"
        return text

    def _tile_clicked(self, link: str) -> None:
        if self.figures is None:
            return
        program, which = link.split(":")
        item = next(f for f in self.figures.overview if f.program == program)
        cell = item.count_cell if which == "count" else item.amount_cell
        if cell is not None:
            self.open_cell(cell)

    # --- the table ------------------------------------------------------------------------------------

    def _fill_table(self, table: Breakdown) -> None:
        self.table.clear()
        measures = table.measures
        self.table.setColumnCount(1 + len(measures))
        headers = [DIMENSIONS[table.dimension]] + [m.label + (self.tr(" (yuan)") if m.money else "") for m in measures]
        self.table.setHorizontalHeaderLabels(headers)
        has_total = any(t is not None for t in table.totals)
        self.table.setRowCount(len(table.rows) + (1 if has_total else 0))
        bold = QFont(self.font())
        bold.setBold(True)
        for r, row in enumerate(table.rows):
            self.table.setItem(r, 0, QTableWidgetItem(row.label))
            for c, (measure, value, cell) in enumerate(zip(measures, row.values, row.cells), start=1):
                self.table.setItem(r, c, self._figure_item(measure, value, cell))
        if has_total:
            r = len(table.rows)
            label = QTableWidgetItem(self.tr("Total"))
            label.setFont(bold)
            self.table.setItem(r, 0, label)
            for c, (measure, value, cell) in enumerate(zip(measures, table.totals, table.total_cells), start=1):
                item = self._figure_item(measure, value, cell)
                item.setFont(bold)
                self.table.setItem(r, c, item)
        if not table.rows:
            self.table.setRowCount(1)
            self.table.setItem(0, 0, QTableWidgetItem(self.tr("Nothing to count for this choice.")))
        self._fit_table()

    def _fit_table(self) -> None:
        """Room for every column of the table (up to 60% of the page); the charts take the rest."""
        self.table.resizeColumnsToContents()
        needed = sum(self.table.columnWidth(c) for c in range(self.table.columnCount()))
        needed += 2 * self.table.frameWidth() + self.table.verticalScrollBar().sizeHint().width() + 4
        total = sum(self.splitter.sizes()) or self.width()
        left = min(needed, int(total * 0.6))
        self.splitter.setSizes([left, max(total - left, 200)])

    def _figure_item(self, measure: Measure, value: int | None, cell: Cell | None) -> QTableWidgetItem:
        item = QTableWidgetItem(_number(measure, value))
        item.setTextAlignment(_RIGHT)
        if cell is not None and value:
            item.setData(CELL_ROLE, cell)
            item.setForeground(QBrush(_LINK))
            item.setToolTip(self.tr("Click to see the records"))
        return item

    def cell_at(self, row: int, column: int) -> Cell | None:
        item = self.table.item(row, column)
        return item.data(CELL_ROLE) if item is not None else None

    def _cell_clicked(self, row: int, column: int) -> None:
        cell = self.cell_at(row, column)
        if cell is not None:
            self.open_cell(cell)

    # --- the charts -----------------------------------------------------------------------------------

    def _draw_charts(self) -> None:
        figures = self.figures
        if figures is None:
            return
        key = self.chart_measure()
        table = figures.table
        if key not in [m.key for m in table.measures]:
            return
        i = [m.key for m in table.measures].index(key)
        measure = table.measures[i]
        nothing = self.tr("nothing to count")
        rows = table.rows
        self.bar_chart.set_data(self.tr("{0} by {1}").format(measure.label, DIMENSIONS[table.dimension]),
                                [r.label for r in rows], [r.values[i] for r in rows], [r.cells[i] for r in rows],
                                measure, nothing, measure.label)
        trend = figures.trend
        self.trend_chart.set_data(self.tr("{0}, year by year").format(measure.label), [r.key for r in trend.rows],
                                  [r.values[i] for r in trend.rows], [r.cells[i] for r in trend.rows], measure,
                                  nothing, self.tr("Year"))
        causes = figures.causes
        first = causes.measures[0]
        self.pie_chart.set_data(self.tr("{0} by primary cause ({1})").format(first.label, PROGRAMS[causes.program]),
                                [r.label for r in causes.rows], [r.values[0] for r in causes.rows],
                                [r.cells[0] for r in causes.rows], nothing)

    # --- the records behind a figure ------------------------------------------------------------------

    def describe(self, cell: Cell) -> str:
        """程序 · 年度 · 维度：值 · 指标, for the records dialog's heading."""
        measure = next(m for m in statistics.measures_of(cell.program) if m.key == cell.measure)
        parts = [PROGRAMS[cell.program]]
        if cell.year is not None:
            parts.append(self.tr("Year {0}").format(cell.year))
        else:
            parts.append(self.tr("all years"))
        if cell.dimension not in (None, "year"):
            label = next((r.label for r in self._rows_of(cell) if r.key == cell.key), str(cell.key))
            parts.append(f"{DIMENSIONS[cell.dimension]}：{label}")
        parts.append(measure.label)
        return " · ".join(parts)

    def _rows_of(self, cell: Cell) -> list[Any]:
        if self.figures is None:
            return []
        for table in (self.figures.table, self.figures.causes, self.figures.trend):
            if table.program == cell.program and table.dimension == cell.dimension:
                return list(table.rows)
        return []

    def open_cell(self, cell: Cell) -> RecordsDialog:
        """The records behind ``cell``, in a dialog of their own (the page stays usable)."""
        dialog = RecordsDialog(self.ctx, cell, self.describe(cell), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.dialog = dialog
        return dialog

    # --- the annual report ----------------------------------------------------------------------------

    def report_year(self) -> int:
        return self.year() or self.ctx.today().year

    def export_report(self, kind: str, path: Path | str | None = None) -> Op[Any] | None:
        """The annual report of the chosen year (this year when all years are shown) as .xlsx or .pdf."""
        year = self.report_year()
        if path is None:
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
            suggested = str(Path(folder) / self.tr("Annual statistics {0}.{1}").format(year, kind))
            pattern = self.tr("Excel workbook (*.xlsx)") if kind == "xlsx" else self.tr("PDF document (*.pdf)")
            chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Save the annual report"), suggested, pattern)
            if not chosen:
                return None
            path = chosen
        target = Path(path)
        if target.suffix.lower() != f".{kind}":
            target = target.with_name(target.name + f".{kind}")
        ctx = self.ctx

        def work(progress: Progress) -> Path:
            def cancelled() -> bool:
                return progress.cancelled

            with ctx.db.session() as s:
                if kind == "xlsx":
                    return statistics.export_annual_report_xlsx(s, ctx.user, year, target, today=ctx.today(),
                                                                progress=progress.report, cancelled=cancelled)
                pdf = statistics.annual_report_pdf(s, ctx.user, year, today=ctx.today(), cancelled=cancelled)
            progress.check()
            partial = target.with_name(target.name + ".part")
            partial.write_bytes(pdf)
            partial.replace(target)
            return target

        def done(saved: Path) -> None:
            self.exported = saved
            self.status_label.setText(self.tr("The annual report of {0} was saved to {1}").format(year, saved))

        self.export_op = run_op(self, work, on_done=done, title=self.tr("Exporting the annual report"))
        return self.export_op
