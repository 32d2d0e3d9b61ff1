"""The statistics page's charts (QtCharts): bars by a dimension, the trend over the years, a pie of the causes.

Each chart holds the ``Cell`` of every bar, point and slice and emits ``figure_clicked(cell)`` when one is
clicked, so the page opens the records behind it. Money is drawn in yuan, or in units of ten thousand
yuan when the figures are large (the axis says which); the figures themselves stay integer fen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCharts import (QBarCategoryAxis, QBarSet, QCategoryAxis, QChart, QChartView, QHorizontalBarSeries,
                              QLineSeries, QPieSeries, QPieSlice, QValueAxis)
from PySide6.QtCore import QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QWidget

from assist_desktop.services.statistics import Cell, Measure

PALETTE = ("#c62828", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#4e342e", "#558b2f",
           "#283593", "#f9a825", "#37474f")
MAX_BARS = 25  # more categories than this would not be readable: the rest are in the table
MAX_LABEL = 12  # characters of a bar's name (an enterprise union's runs to twenty); the table has it whole


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"


def _scale(measure: Measure, values: Sequence[int]) -> tuple[float, str]:
    """(divisor, unit) that turns the figures into the numbers drawn."""
    if not measure.money:
        return 1.0, ""
    if max(values, default=0) >= 10_000_000:  # 100,000 yuan and more: in units of 10,000 yuan
        return 1_000_000.0, "万元"
    return 100.0, "元"


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


class _ChartView(QChartView):
    figure_clicked = Signal(object)  # Cell

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(320, 240)
        self.cells: list[Cell] = []
        self.series: Any = None
        self._new_chart("")

    def _new_chart(self, title: str) -> QChart:
        chart = QChart()
        chart.setTitle(title)
        chart.setTitleFont(_font(11, True))
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setFont(_font(9))
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()  # the view lets go of the old chart, it does not delete it
        self.series = None
        return chart

    def _empty(self, title: str, text: str) -> None:
        chart = self._new_chart(f"{title}：{text}" if title else text)
        chart.legend().hide()
        self.cells = []
        self.empty_text = text
        self.setToolTip(text)

    def _axis_font(self, axis: Any) -> None:
        axis.setLabelsFont(_font(9))
        axis.setTitleFont(_font(9))


class BarChart(_ChartView):
    """Horizontal bars (Chinese labels read along the left axis), one per row of the table, top to bottom."""

    def set_data(self, title: str, labels: Sequence[str], values: Sequence[int], cells: Sequence[Cell],
                 measure: Measure, empty_text: str, axis_title: str) -> None:
        labels, values, cells = list(labels)[:MAX_BARS], list(values)[:MAX_BARS], list(cells)[:MAX_BARS]
        if not values:
            self._empty(title, empty_text)
            return
        chart = self._new_chart(title)
        divisor, unit = _scale(measure, values)
        bars = QBarSet(measure.label + (f"（{unit}）" if unit else ""))
        bars.setColor(QColor(PALETTE[1]))
        bars.setLabelColor(QColor("#222222"))
        bars.setLabelFont(_font(8))
        for value in reversed(values):  # the first row at the top
            bars.append(value / divisor)
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setBarWidth(0.7)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        shown: list[str] = []
        for label in reversed(labels):  # a category axis takes each name once
            name, n = _short(str(label)), 1
            while name in shown:
                n += 1
                name = f"{_short(str(label))}（{n}）"
            shown.append(name)
        categories.append(shown)
        self._axis_font(categories)
        categories.setTruncateLabels(False)  # Qt would cut every name to “…” once one is long
        if len(labels) > 12:
            categories.setLabelsFont(_font(8))
        numbers = QValueAxis()
        numbers.setLabelFormat("%.0f" if divisor in (1.0, 100.0) or max(values) / divisor >= 100 else "%.1f")
        numbers.setRange(0, max(values) / divisor * 1.15 or 1)
        numbers.applyNiceNumbers()
        numbers.setTitleText(axis_title + (f"（{unit}）" if unit else ""))
        self._axis_font(numbers)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(numbers, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(numbers)
        chart.legend().hide()
        self.cells = list(reversed(cells))
        self.series, self.bar_set = series, bars
        self.setToolTip("")
        bars.clicked.connect(self._clicked)

    def _clicked(self, index: int) -> None:
        if 0 <= index < len(self.cells):
            self.figure_clicked.emit(self.cells[index])

    def labels(self) -> list[str]:
        """The bars' labels top to bottom (tests)."""
        if self.series is None:
            return []
        axis = next(a for a in self.chart().axes(Qt.Orientation.Vertical))
        return list(reversed(axis.categories()))


class TrendChart(_ChartView):
    """A line over the years, a point per year, its figure written beside it."""

    def set_data(self, title: str, years: Sequence[int], values: Sequence[int | None], cells: Sequence[Cell | None],
                 measure: Measure, empty_text: str, axis_title: str) -> None:
        points = [(y, v, c) for y, v, c in zip(years, values, cells) if v is not None and c is not None]
        if not points:
            self._empty(title, empty_text)
            return
        chart = self._new_chart(title)
        divisor, unit = _scale(measure, [v for _y, v, _c in points])
        series = QLineSeries()
        series.setName(measure.label + (f"（{unit}）" if unit else ""))
        series.setColor(QColor(PALETTE[0]))
        for year, value, _cell in points:
            series.append(QPointF(year, value / divisor))
        series.setPointsVisible(True)
        series.setMarkerSize(5)
        series.setPointLabelsColor(QColor("#333333"))
        series.setPointLabelsVisible(True)
        series.setPointLabelsFormat("@yPoint")
        series.setPointLabelsFont(_font(8))
        series.setPointLabelsClipping(False)
        chart.addSeries(series)
        first, last = points[0][0], points[-1][0]
        x = QCategoryAxis()  # a label on each year, half a year of room at either end for the figures
        x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        x.setRange(first - 0.5, last + 0.5)
        step = 1 if last - first <= 12 else (last - first) // 10 + 1
        for year in range(first, last + 1, step):
            x.append(str(year), year)
        x.setTitleText(axis_title)
        y = QValueAxis()
        top = max(v for _y, v, _c in points) / divisor
        y.setRange(0, top * 1.2 or 1)
        y.applyNiceNumbers()
        y.setLabelFormat("%.0f" if divisor in (1.0, 100.0) or top >= 100 else "%.1f")
        y.setTitleText(measure.label + (f"（{unit}）" if unit else ""))
        for axis in (x, y):
            self._axis_font(axis)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        chart.legend().hide()
        self.cells = [c for _y, _v, c in points]
        self.years = [y for y, _v, _c in points]
        self.series = series
        self.setToolTip("")
        series.clicked.connect(self._clicked)

    def _clicked(self, point: QPointF) -> None:
        if not self.cells:
            return
        index = min(range(len(self.years)), key=lambda i: abs(self.years[i] - point.x()))
        self.figure_clicked.emit(self.cells[index])


class PieChart(_ChartView):
    """Shares of a whole: one slice per row, labelled with its name and share."""

    def set_data(self, title: str, labels: Sequence[str], values: Sequence[int], cells: Sequence[Cell],
                 empty_text: str) -> None:
        items = [(label, value, cell) for label, value, cell in zip(labels, values, cells) if value > 0]
        if not items:
            self._empty(title, empty_text)
            return
        chart = self._new_chart(title)
        total = sum(v for _l, v, _c in items)
        series = QPieSeries()
        series.setPieSize(0.82)
        for i, (label, value, _cell) in enumerate(items):
            share = value * 100 / total
            # the name and share go in the legend (labels around a small pie get cut short)
            piece = QPieSlice(f"{label}  {value:,}（{share:.1f}%）", float(value))
            piece.setColor(QColor(PALETTE[i % len(PALETTE)]))
            piece.setBorderColor(QColor("#ffffff"))
            piece.hovered.connect(piece.setExploded)
            series.append(piece)
        chart.addSeries(series)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        chart.legend().setFont(_font(8))
        self.cells = [c for _l, _v, c in items]
        self.series = series
        self.setToolTip("")
        series.clicked.connect(self._clicked)

    def _clicked(self, piece: QPieSlice) -> None:
        index = self.series.slices().index(piece) if self.series is not None else -1
        if 0 <= index < len(self.cells):
            self.figure_clicked.emit(self.cells[index])


__all__ = ["BarChart", "PieChart", "TrendChart"]
