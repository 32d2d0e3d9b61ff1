"""The campaign at a glance: households by step, and the money planned, approved and paid against the budget,
for the whole campaign, each fund source and each group (figures from ``campaigns.dashboard``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QSizePolicy, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from assist_desktop.domain.money import format_amount
from assist_desktop.services.campaigns import BudgetLine, CampaignDashboard
from assist_desktop.ui.campaigns.model import status_labels
from assist_desktop.ui.flow import FlowLayout

COLOURS = {"paid": "#2e7d32", "approved": "#81c784", "in_process": "#ffcc80", "limit": "#c62828",
           "empty": "#eceff1", "frame": "#90a4ae"}
STATUS_ORDER = ("draft", "submitted", "reviewed", "approved", "paid", "cancelled")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def money(fen: int | None) -> str:
    return "" if fen is None else format_amount(fen)


class MoneyBar(QWidget):
    """Paid, approved and still in the steps, side by side; a red line marks the budget (none for a group)."""

    def __init__(self, parent: QWidget | None = None, height: int = 16) -> None:
        super().__init__(parent)
        self.line: BudgetLine | None = None
        self.scale_fen = 0
        self.setMinimumSize(160, height)
        self.setMaximumHeight(height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_line(self, line: BudgetLine | None, scale_fen: int | None = None) -> None:
        """``scale_fen``: the amount the full width stands for (default: the budget, or the plan if larger)."""
        self.line = line
        if line is None:
            self.scale_fen = 0
        else:
            self.scale_fen = scale_fen or max(line.budget_fen or 0, line.planned.total_fen)
        self.setToolTip(self._tip())
        self.update()

    def _tip(self) -> str:
        line = self.line
        if line is None:
            return ""
        tip = self.tr("Paid {0} · approved {1} · in the steps {2} yuan").format(
            money(line.paid.total_fen), money(line.approved.total_fen), money(line.in_process.total_fen))
        if line.budget_fen is not None:
            tip += self.tr(" · budget {0} yuan").format(money(line.budget_fen))
        return tip

    def paintEvent(self, _event: Any) -> None:  # noqa: N802
        p = QPainter(self)
        rect = self.rect().adjusted(0, 1, -1, -2)
        p.fillRect(rect, QColor(COLOURS["empty"]))
        line = self.line
        if line is not None and self.scale_fen > 0:
            scale = rect.width() / self.scale_fen
            x = float(rect.left())
            for key, fen in (("paid", line.paid.total_fen), ("approved", line.approved.total_fen),
                             ("in_process", line.in_process.total_fen)):
                w = fen * scale
                p.fillRect(int(round(x)), rect.top(), int(round(w)), rect.height(), QColor(COLOURS[key]))
                x += w
            if line.budget_fen:
                limit = min(rect.right(), int(rect.left() + line.budget_fen * scale))
                pen = p.pen()
                pen.setColor(QColor(COLOURS["limit"]))
                pen.setWidth(2)
                p.setPen(pen)
                p.drawLine(limit, rect.top() - 1, limit, rect.bottom() + 1)
        p.setPen(QColor(COLOURS["frame"]))
        p.drawRect(rect)
        p.end()


class Tile(QFrame):
    """A count with its caption, as on a wall chart."""

    def __init__(self, caption: str, colour: str = "#202124", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("tile", True)
        self.setStyleSheet('QFrame[tile="true"] { border: 1px solid #dadce0; border-radius: 4px; '
                           'background: #fafafa; }')
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(0)
        self.value = QLabel("0")
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.value.setStyleSheet(f"font-size: 22px; font-weight: bold; color: {colour}; border: none;")
        self.caption = QLabel(caption)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setStyleSheet("color: #5f6368; border: none;")
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        self.setMinimumWidth(92)

    def set_value(self, text: str) -> None:
        self.value.setText(text)


def _legend_chip(colour: str, text: str) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 8, 0)
    row.setSpacing(4)
    chip = QLabel()
    chip.setFixedSize(14, 10)
    chip.setStyleSheet(f"background: {colour}; border: 1px solid #90a4ae;")
    row.addWidget(chip)
    row.addWidget(QLabel(text))
    return box


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return table


def _fit_height(table: QTableWidget) -> None:
    """The table as tall as its rows: the dashboard scrolls as a whole, never a table inside it."""
    height = table.horizontalHeader().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(height + 2)


class DashboardView(QWidget):
    """Counts by status, then money by fund source and by group."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board: CampaignDashboard | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)

        progress = QGroupBox(self.tr("Households by step"))
        tiles = FlowLayout(progress)  # the tiles wrap onto a second line on a 1024×768 screen
        tiles.setContentsMargins(9, 9, 9, 9)
        labels = status_labels()
        colours = {"draft": "#5f6368", "submitted": "#1565c0", "reviewed": "#6a1b9a", "approved": "#2e7d32",
                   "paid": "#1b5e20", "cancelled": "#9e9e9e"}
        self.status_tiles: dict[str, Tile] = {}
        for status in STATUS_ORDER:
            tile = Tile(labels[status], colours[status])
            tile.setObjectName(f"tile_{status}")
            self.status_tiles[status] = tile
            tiles.addWidget(tile)
        self.visited_tile = Tile(self.tr("Visited"), "#00695c")
        self.photo_tile = Tile(self.tr("With photo"), "#00695c")
        self.voucher_tile = Tile(self.tr("Vouchers"), "#1b5e20")
        for tile, name in ((self.visited_tile, "tile_visited"), (self.photo_tile, "tile_photo"),
                           (self.voucher_tile, "tile_vouchers")):
            tile.setObjectName(name)
            tiles.addWidget(tile)
        layout.addWidget(progress)

        self.summary = QLabel()
        self.summary.setObjectName("dashboard_summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        sources = QGroupBox(self.tr("Budget by fund source"))
        box = QVBoxLayout(sources)
        self.sources_table = _table([
            self.tr("Fund source"), self.tr("Progress"), self.tr("Budget"), self.tr("Households"),
            self.tr("Planned total"), self.tr("In the steps"), self.tr("Approved, unpaid"), self.tr("Paid"),
            self.tr("Remaining")], "sources_table")
        box.addWidget(self.sources_table)
        layout.addWidget(sources)

        groups = QGroupBox(self.tr("By group"))
        box = QVBoxLayout(groups)
        self.groups_table = _table([
            self.tr("Group"), self.tr("Progress"), self.tr("Households"), self.tr("Cash total"),
            self.tr("Goods total"), self.tr("Planned total"), self.tr("Approved, unpaid"), self.tr("Paid")],
            "groups_table")
        box.addWidget(self.groups_table)
        layout.addWidget(groups)

        legend = QHBoxLayout()
        legend.addWidget(QLabel(self.tr("Amounts in yuan, cash and goods together.")))
        legend.addSpacing(12)
        legend.addWidget(_legend_chip(COLOURS["paid"], self.tr("paid")))
        legend.addWidget(_legend_chip(COLOURS["approved"], self.tr("approved")))
        legend.addWidget(_legend_chip(COLOURS["in_process"], self.tr("in the steps")))
        legend.addWidget(_legend_chip(COLOURS["limit"], self.tr("budget line")))
        legend.addStretch(1)
        layout.addLayout(legend)
        layout.addStretch(1)

    # --- filling -----------------------------------------------------------------------------------

    def set_board(self, board: CampaignDashboard | None) -> None:
        self.board = board
        for tile in [*self.status_tiles.values(), self.visited_tile, self.photo_tile, self.voucher_tile]:
            tile.set_value("–" if board is None else "0")
        self.sources_table.setRowCount(0)
        self.groups_table.setRowCount(0)
        if board is None:
            self.summary.setText(self.tr("No campaign chosen."))
            return
        for status, tile in self.status_tiles.items():
            tile.set_value(str(board.by_status.get(status, 0)))
        self.visited_tile.set_value(str(board.visited))
        self.photo_tile.set_value(str(board.with_photo))
        self.voucher_tile.set_value(str(board.vouchers))
        total = board.total
        text = self.tr("Planned <b>{0}</b> households: cash {1} + goods {2} yuan · approved and paid {3} yuan · "
                       "cash paid out on {4} vouchers: <b>{5}</b> yuan (goods are handed over in kind)").format(
            total.planned.count, money(total.planned.cash_fen), money(total.planned.goods_fen),
            money(total.committed_fen), board.vouchers, money(board.disbursed_fen))
        if total.over_if_all_approved_fen:
            text += self.tr(" — <span style='color:#c62828'>the plan is {0} yuan over the budget</span>").format(
                money(total.over_if_all_approved_fen))
        self.summary.setText(text)
        everything = self.tr("Whole campaign")
        for line in [total, *board.sources]:
            self._source_row(everything if line is total else line.label, line)
        scale = max((g.planned.total_fen for g in board.groups), default=0)
        for line in board.groups:
            self._group_row(line, scale)
        _fit_height(self.sources_table)
        _fit_height(self.groups_table)

    def _cells(self, table: QTableWidget, values: list[str], line: BudgetLine, scale: int | None,
               bold: bool = False) -> None:
        row = table.rowCount()
        table.insertRow(row)
        for column, value in enumerate(values):
            if column == 1:
                bar = MoneyBar()
                bar.set_line(line, scale)
                holder = QWidget()
                grid = QGridLayout(holder)
                grid.setContentsMargins(6, 3, 6, 3)
                grid.addWidget(bar)
                table.setCellWidget(row, column, holder)
                continue
            item = QTableWidgetItem(value)
            item.setData(Qt.ItemDataRole.UserRole, line.key)
            if column > 1:
                item.setTextAlignment(_RIGHT)
            if bold:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            if column == len(values) - 1 and table is self.sources_table and (line.remaining_fen or 0) < 0:
                item.setForeground(QColor(COLOURS["limit"]))
            table.setItem(row, column, item)

    def _source_row(self, label: str, line: BudgetLine) -> None:
        self._cells(self.sources_table, [
            label, "", money(line.budget_fen), str(line.planned.count), money(line.planned.total_fen),
            money(line.in_process.total_fen), money(line.approved.total_fen), money(line.paid.total_fen),
            money(line.remaining_fen)], line, None, bold=line.key == "total")

    def _group_row(self, line: BudgetLine, scale: int) -> None:
        self._cells(self.groups_table, [
            line.label, "", str(line.planned.count), money(line.planned.cash_fen), money(line.planned.goods_fen),
            money(line.planned.total_fen), money(line.approved.total_fen), money(line.paid.total_fen)], line,
            scale or None)

    def cell(self, table: QTableWidget, key: str, column: int) -> str:
        """The text shown for the line ``key`` (total, a fund source id, a group key) in ``column`` (tests)."""
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
                cell = table.item(row, column)
                return cell.text() if cell else ""
        raise KeyError(key)
