"""统计 page: the figures in the table, the tiles and the charts equal plain sqlite3 sums over the demo county;
a click on a figure (table cell, bar, point, slice, tile) opens exactly the records behind it; the annual
report goes to Excel and to PDF with the same figures."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt

from assist_desktop.domain.money import format_amount
from tests.ui.conftest import assert_chinese

pytestmark = pytest.mark.usefixtures("qapp")

TODAY = date(2026, 11, 20)
YEAR = 2026
LIVE = "('approved', 'paid')"


def rows(path: Path, sql: str, *args: object) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, args).fetchall()


def _page(qtbot, ctx):
    from assist_desktop.ui.statistics.page import StatisticsPage

    ctx.clock = lambda: TODAY
    page = StatisticsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 720)
    page.show()
    qtbot.waitUntil(page.idle, timeout=20_000)
    return page


def _choose(qtbot, page, **choice) -> None:
    page.set_choice(**choice)
    qtbot.waitUntil(page.idle, timeout=20_000)


def _table(page) -> dict[str, list[str]]:
    """{row label: [cell texts]} of the figures table."""
    out = {}
    for r in range(page.table.rowCount()):
        out[page.table.item(r, 0).text()] = [page.table.item(r, c).text() for c in range(1, page.table.columnCount())]
    return out


def _click_cell(qtbot, page, row: int, column: int):
    """A real mouse click on a figure of the table; returns the records dialog it opened."""
    before = page.dialog
    item = page.table.item(row, column)
    page.table.scrollToItem(item)
    rect = page.table.visualItemRect(item)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.dialog is not before, "the click opened no records"
    return _settled(qtbot, page.dialog)


def _settled(qtbot, dialog):
    qtbot.waitUntil(dialog.idle, timeout=20_000)  # (a child of the page, deleted when closed)
    return dialog


def test_the_files_figures_equal_the_database_and_the_charts_draw_them(qtbot, app_context, demo_db, shot) -> None:
    page = _page(qtbot, app_context("jingban"))
    assert page.program() == "files" and page.dimension() == "category" and page.year() is None
    expected = {cat: (n, people) for cat, n, people in rows(
        demo_db, "SELECT category, count(*), sum(household_size) FROM hardship_file WHERE status='active' "
                 "GROUP BY category")}
    opened = dict(rows(demo_db, "SELECT category, count(*) FROM hardship_file WHERE status IN ('active','exited') "
                                "AND opened_on IS NOT NULL GROUP BY category"))
    exited = dict(rows(demo_db, "SELECT category, count(*) FROM hardship_file WHERE status='exited' GROUP BY category"))
    labels = {"deep": "深度困难", "relative": "相对困难", "accident": "意外致困"}
    table = _table(page)
    for key, (n, people) in expected.items():
        assert table[labels[key]] == [f"{n:,}", f"{people:,}", f"{opened.get(key, 0):,}", f"{exited.get(key, 0):,}"]
    total = sum(n for n, _p in expected.values())
    assert table["合计"][0] == f"{total:,}"
    assert [page.table.horizontalHeaderItem(c).text() for c in range(5)] == ["困难类别", "在档户数", "家庭人口", "新建档", "撤档"]
    # the tiles: the year at a glance, each figure a link
    assert f"{total:,} 户" in page.tiles["files"].text() and "当前在档" in page.tiles["files"].text()
    ((paid_n, paid_sum),) = rows(demo_db, "SELECT count(*), sum(amount_fen) FROM disbursement")
    assert f"{paid_n:,} 笔" in page.tiles["payments"].text() and format_amount(paid_sum) in page.tiles["payments"].text()
    # the bar chart: one bar per category, the figures of the table's first column
    bars = page.bar_chart
    assert bars.series is not None and bars.series.count() == 1
    assert bars.labels() == ["深度困难", "相对困难", "意外致困"]
    values = [bars.bar_set.at(i) for i in range(bars.bar_set.count())]
    assert list(reversed(values)) == [expected[k][0] for k in ("deep", "relative", "accident")]
    # the trend: a point per year, each the registry at the year's end
    trend = page.trend_chart.series
    points = {int(trend.at(i).x()): int(trend.at(i).y()) for i in range(trend.count())}
    for year in (2020, 2023, YEAR):
        ((n,),) = rows(demo_db, "SELECT count(*) FROM hardship_file WHERE status IN ('active','exited') AND opened_on <= ? "
                                "AND (exit_date IS NULL OR exit_date > ?)", f"{year}-12-31", f"{year}-12-31")
        assert points[year] == n
    # the pie: the registry by primary cause
    causes = dict(rows(demo_db, "SELECT primary_cause, count(*) FROM hardship_file WHERE status='active' "
                                "GROUP BY primary_cause"))
    slices = page.pie_chart.series.slices()
    assert sorted(int(s.value()) for s in slices) == sorted(causes.values())
    assert any(s.label().startswith("患重特大疾病") for s in slices)
    assert_chinese(page)
    shot(page, "statistics-1-files-bars")
    page.charts.setCurrentIndex(1)
    shot(page, "statistics-2-files-trend")
    page.charts.setCurrentIndex(2)
    shot(page, "statistics-3-files-causes")


def test_the_visits_of_a_year_by_group_and_union(qtbot, app_context, demo_db, shot) -> None:
    page = _page(qtbot, app_context("jingban"))
    _choose(qtbot, page, year=YEAR, program="visits", dimension="group")
    assert page.year_combo.currentText() == "2026年"
    expected = rows(demo_db, f"SELECT v.group_key, count(*), sum(v.cash_fen), sum(v.goods_fen) FROM visit v "
                             f"JOIN campaign c ON c.id = v.campaign_id WHERE c.year = ? AND v.status IN {LIVE} "
                             f"GROUP BY v.group_key", YEAR)
    groups = {"deep": "深度困难职工", "relative": "相对困难职工", "accident": "意外致困职工"}
    table = _table(page)
    for key, n, cash, goods in expected:
        assert table[groups[key]] == [str(n), format_amount(cash), format_amount(goods), format_amount(cash + goods)]
    assert table["合计"][3] == format_amount(sum(c + g for _k, _n, c, g in expected))
    # by union: the union holding the visited household's file
    _choose(qtbot, page, dimension="unit")
    by_unit = dict(rows(demo_db, f"SELECT u.name, count(*) FROM visit v JOIN campaign c ON c.id = v.campaign_id "
                                 f"JOIN hardship_file f ON f.id = v.file_id JOIN org_unit u ON u.id = f.unit_id "
                                 f"WHERE c.year = ? AND v.status IN {LIVE} GROUP BY u.name", YEAR))
    table = _table(page)
    assert {label: int(values[0]) for label, values in table.items() if label != "合计"} == by_unit
    assert page.bar_chart.labels()[0] == page.table.item(0, 0).text()  # the bars in the table's order
    # the chart follows the figure chosen for it: the cash, in yuan
    page.measure_combo.setCurrentIndex(page.measure_combo.findData("cash"))
    bars = page.bar_chart.bar_set
    assert "慰问金" in bars.label()
    assert_chinese(page)
    shot(page, "statistics-4-visits-by-union")


def test_a_click_on_a_figure_opens_exactly_the_records_behind_it(qtbot, app_context, demo_db, shot) -> None:
    page = _page(qtbot, app_context("jingban"))
    # a table cell: deep-hardship households in the registry
    deep_row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "深度困难")
    dialog = _click_cell(qtbot, page, deep_row, 1)
    expected = {r[0] for r in rows(demo_db, "SELECT id FROM hardship_file WHERE status='active' AND category='deep'")}
    assert dialog.records.entity == "hardship_file" and set(dialog.records.ids) == expected
    assert dialog.model.rowCount() == min(len(expected), 200)
    shown = {r[1] for r in dialog.model.rows}
    names = {r[0] for r in rows(demo_db, "SELECT name FROM hardship_file WHERE status='active' AND category='deep'")}
    assert shown <= names
    assert all("**********" in r[2] for r in dialog.model.rows)  # IDs masked
    assert dialog.summary.text() == f"共 {len(expected)} 条"
    assert "困难职工档案 · 全部年度 · 困难类别：深度困难 · 在档户数" in dialog.findChild(type(dialog.summary), "figure_title").text()
    assert_chinese(dialog)
    shot(dialog, "statistics-5-records")
    dialog.close()

    # a money figure: the records add up to it
    _choose(qtbot, page, year=YEAR, program="visits", dimension="group")
    dialog = _click_cell(qtbot, page, 0, 2)  # 深度困难职工 · 慰问金
    ((n, cash),) = rows(demo_db, f"SELECT count(*), sum(v.cash_fen) FROM visit v JOIN campaign c ON c.id = v.campaign_id "
                                 f"WHERE c.year = ? AND v.group_key = 'deep' AND v.status IN {LIVE} AND v.cash_fen != 0",
                        YEAR)
    assert len(dialog.records.ids) == n and dialog.records.total == cash
    assert dialog.summary.text() == f"共 {n} 条，合计 {format_amount(cash)} 元"
    dialog.close()

    # a bar of the chart
    page.bar_chart.bar_set.clicked.emit(page.bar_chart.bar_set.count() - 1)  # the top bar: the table's first row
    dialog = _settled(qtbot, page.dialog)
    assert dialog.cell == page.cell_at(0, 1) and len(dialog.records.ids) == int(page.table.item(0, 1).text())
    dialog.close()

    # a point of the trend
    page.trend_chart.series.clicked.emit(QPointF(YEAR, 0))
    dialog = _settled(qtbot, page.dialog)
    ((visits,),) = rows(demo_db, f"SELECT count(*) FROM visit v JOIN campaign c ON c.id = v.campaign_id "
                                 f"WHERE c.year = ? AND v.status IN {LIVE}", YEAR)
    assert dialog.cell.year == YEAR and len(dialog.records.ids) == visits
    dialog.close()

    # a slice of the pie: the visited households of one primary cause
    piece = page.pie_chart.series.slices()[0]
    piece.clicked.emit()
    dialog = _settled(qtbot, page.dialog)
    cause = dialog.cell.key
    expected = {r[0] for r in rows(demo_db, f"SELECT v.id FROM visit v JOIN campaign c ON c.id = v.campaign_id "
                                            f"JOIN hardship_file f ON f.id = v.file_id WHERE c.year = ? "
                                            f"AND f.primary_cause = ? AND v.status IN {LIVE}", YEAR, cause)}
    assert set(dialog.records.ids) == expected and int(piece.value()) == len(expected)
    dialog.close()

    # a tile's amount: every payment of the year
    page._tile_clicked("payments:amount")
    dialog = _settled(qtbot, page.dialog)
    ((paid,),) = rows(demo_db, "SELECT sum(amount_fen) FROM disbursement WHERE paid_on BETWEEN ? AND ?",
                      f"{YEAR}-01-01", f"{YEAR}-12-31")
    assert dialog.records.entity == "disbursement" and dialog.records.total == paid
    assert dialog.model.rows[0][0].startswith("610826-")  # voucher numbers
    dialog.close()


def test_the_annual_report_goes_to_excel_and_pdf(qtbot, app_context, demo_db, tmp_path) -> None:
    import python_calamine

    from tests.reports import pdftools

    page = _page(qtbot, app_context("jingban"))
    _choose(qtbot, page, year=YEAR, program="visits", dimension="group")
    visits_total = page.table.item(page.table.rowCount() - 1, 4).text()
    op = page.export_report("xlsx", tmp_path / "年报")
    qtbot.waitUntil(lambda: op.done, timeout=30_000)
    assert page.exported == tmp_path / "年报.xlsx" and "已保存到" in page.status_label.text()
    sheet = python_calamine.load_workbook(str(page.exported)).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "绥德县总工会2026年度帮扶工作统计表"
    spring = next(i for i, r in enumerate(sheet) if str(r[0]).startswith("三、2026年春节送温暖"))
    total_row = next(r for r in sheet[spring:] if r[0] == "合计")
    assert format_amount(round(float(total_row[4]) * 100)) == visits_total
    ((active,),) = rows(demo_db, "SELECT count(*) FROM hardship_file WHERE status IN ('active','exited') "
                                 "AND opened_on <= '2026-12-31' AND (exit_date IS NULL OR exit_date > '2026-12-31')")
    files_total = next(r for r in sheet[3:] if r[0] == "合计")
    assert int(files_total[1]) == active
    op = page.export_report("pdf", tmp_path / "年报.pdf")
    qtbot.waitUntil(lambda: op.done, timeout=30_000)
    pdf = (tmp_path / "年报.pdf").read_bytes()
    text = pdftools.squeeze(pdftools.text(pdf))
    assert "2026年度帮扶工作统计表" in text and "填报单位（盖章）：绥德县总工会" in text
    assert visits_total in text and "七、历年趋势" in text
    assert not list(tmp_path.glob("*.part"))
