"""统计: every figure equals an independent sum over the demo county's tables (plain sqlite3 or psycopg), the records
behind a figure are exactly those the figure counts, and the annual report reads back from xlsx and PDF."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

from tests.dbtools import connect
import pytest

from assist_desktop.services import statistics as st
from assist_desktop.storage import models as m
from assist_desktop.storage.schema import open_database

TODAY = date(2026, 11, 20)
YEAR = 2026
LIVE = "('approved', 'paid')"


def _build_demo(location) -> None:  # type: ignore[no-untyped-def]
    from assist_desktop.services.demo import generate_demo

    with open_database(location) as db:
        generate_demo(db, 300, seed=11, today=TODAY)


@pytest.fixture(scope="module")
def demo_file(databases):  # type: ignore[no-untyped-def]
    """The demo county (300 households, eight years of files, last year's and this year's grants), on either
    engine (a file, or a template database of the session's PostgreSQL)."""
    return databases.template("stats_demo", _build_demo)


@pytest.fixture
def county(demo_file, tmp_path: Path, databases) -> Iterator[tuple[Path, object, m.User]]:  # type: ignore[no-untyped-def]
    from assist_desktop.services.users import authenticate

    path = databases.copy(demo_file, tmp_path, "demo.sqlite")
    db = open_database(path)
    with db.session() as s:
        user = authenticate(s, "jingban", "demo12345")
    try:
        yield path, db, user
    finally:
        db.close()
        databases.drop(path)


def sql(path: Path, query: str, *args: object) -> list[tuple]:
    with closing(connect(path)) as conn:
        return conn.execute(query, args).fetchall()


def grouped(path: Path, query: str, *args: object) -> dict:
    """{key: (values…)} from a query whose first column is the key."""
    return {row[0]: tuple(row[1:]) for row in sql(path, query, *args)}


def as_dict(table: st.Breakdown) -> dict:
    return {row.key: row.values for row in table.rows}


def end(year: int) -> str:
    return f"{year}-12-31"


# --- 困难职工档案 -------------------------------------------------------------------------------------------


def test_files_by_category_today_and_at_the_end_of_a_year(county) -> None:
    path, db, user = county
    with db.session() as s:
        today = st.breakdown(s, user, "files", "category")
        year = st.breakdown(s, user, "files", "category", YEAR)
        older = st.breakdown(s, user, "files", "category", 2022)
    active = grouped(path, "SELECT category, count(*), sum(household_size) FROM hardship_file "
                           "WHERE status='active' GROUP BY category")
    opened = grouped(path, "SELECT category, count(*) FROM hardship_file WHERE status IN ('active','exited') "
                           "AND opened_on IS NOT NULL GROUP BY category")
    exited = grouped(path, "SELECT category, count(*) FROM hardship_file WHERE status='exited' GROUP BY category")
    assert as_dict(today) == {k: (n, p, opened.get(k, (0,))[0], exited.get(k, (0,))[0]) for k, (n, p) in active.items()}
    assert [r.label for r in today.rows] == ["深度困难", "相对困难", "意外致困"]  # the categories' own order
    for y, table in ((YEAR, year), (2022, older)):
        at_end = grouped(path, "SELECT category, count(*), sum(household_size) FROM hardship_file "
                               "WHERE status IN ('active','exited') AND opened_on <= ? "
                               "AND (exit_date IS NULL OR exit_date > ?) GROUP BY category", end(y), end(y))
        new = grouped(path, "SELECT category, count(*) FROM hardship_file WHERE status IN ('active','exited') "
                            "AND opened_on BETWEEN ? AND ? GROUP BY category", f"{y}-01-01", end(y))
        gone = grouped(path, "SELECT category, count(*) FROM hardship_file WHERE status='exited' "
                             "AND exit_date BETWEEN ? AND ? GROUP BY category", f"{y}-01-01", end(y))
        got = as_dict(table)
        for key in set(at_end) | set(new) | set(gone):
            n, p = at_end.get(key, (0, 0))
            assert got[key] == (n, p, new.get(key, (0,))[0], gone.get(key, (0,))[0]), (y, key)
        assert table.totals[0] == sum(v[0] for v in at_end.values())
    # this year's end is the registry as it stands (nothing is opened after today)
    assert year.totals[:2] == today.totals[:2]
    assert older.totals[0] < year.totals[0]


def test_files_by_cause_and_union(county) -> None:
    path, db, user = county
    with db.session() as s:
        causes = st.breakdown(s, user, "files", "cause", YEAR)
        units = st.breakdown(s, user, "files", "unit")
    expected = grouped(path, "SELECT primary_cause, count(*), sum(household_size) FROM hardship_file "
                             "WHERE status IN ('active','exited') AND opened_on <= ? AND (exit_date IS NULL OR exit_date > ?) "
                             "GROUP BY primary_cause", end(YEAR), end(YEAR))
    assert {k: v[:2] for k, v in as_dict(causes).items() if v[0]} == expected
    assert [r.key for r in causes.rows] == sorted(r.key for r in causes.rows)  # codes 1 … 10
    assert causes.rows[0].label == "无劳动能力"
    by_unit = grouped(path, "SELECT u.name, count(*) FROM hardship_file f JOIN org_unit u ON u.id = f.unit_id "
                            "WHERE f.status='active' GROUP BY u.name")
    assert {r.label: r.values[0] for r in units.rows if r.values[0]} == {k: v[0] for k, v in by_unit.items()}


def test_the_trend_of_files_over_the_years(county) -> None:
    path, db, user = county
    with db.session() as s:
        trend = st.breakdown(s, user, "files", "year")
    years = [r.key for r in trend.rows]
    first = sql(path, "SELECT min(substr(opened_on, 1, 4)) FROM hardship_file")[0][0]
    assert years == list(range(int(first), YEAR + 1))
    for row in trend.rows:
        y = row.key
        ((n, p),) = sql(path, "SELECT count(*), coalesce(sum(household_size), 0) FROM hardship_file "
                              "WHERE status IN ('active','exited') AND opened_on <= ? "
                              "AND (exit_date IS NULL OR exit_date > ?)", end(y), end(y))
        ((new,),) = sql(path, "SELECT count(*) FROM hardship_file WHERE status IN ('active','exited') "
                              "AND substr(opened_on, 1, 4) = ?", str(y))
        ((gone,),) = sql(path, "SELECT count(*) FROM hardship_file WHERE status='exited' AND substr(exit_date, 1, 4) = ?",
                         str(y))
        assert row.values == (n, p, new, gone), y
        assert row.label == f"{y}年"
    assert trend.totals[:2] == (None, None)  # a file is counted in every year it was held: no sum
    assert trend.totals[2] == sql(path, "SELECT count(*) FROM hardship_file WHERE status IN ('active','exited') "
                                        "AND opened_on IS NOT NULL")[0][0]


# --- grants and payments --------------------------------------------------------------------------------


def test_scholarships_by_level_household_and_year(county) -> None:
    path, db, user = county
    with db.session() as s:
        levels = st.breakdown(s, user, "scholarships", "level", YEAR)
        households = st.breakdown(s, user, "scholarships", "household")
        years = st.breakdown(s, user, "scholarships", "year")
    assert as_dict(levels) == grouped(
        path, f"SELECT s.education_level, count(*), sum(s.amount_fen) FROM scholarship s JOIN scholarship_round r "
              f"ON r.id = s.round_id WHERE r.year = ? AND s.status IN {LIVE} GROUP BY 1", YEAR)
    assert as_dict(households) == grouped(
        path, f"SELECT CASE WHEN s.file_id IS NOT NULL THEN 'filed' ELSE u.kind END, count(*), sum(s.amount_fen) "
              f"FROM scholarship s LEFT JOIN unfiled_household u ON u.id = s.unfiled_household_id "
              f"WHERE s.status IN {LIVE} GROUP BY 1")
    assert as_dict(years) == grouped(
        path, f"SELECT r.year, count(*), sum(s.amount_fen) FROM scholarship s JOIN scholarship_round r "
              f"ON r.id = s.round_id WHERE s.status IN {LIVE} GROUP BY 1")
    assert len(years.rows) >= 2  # last year's round and this year's


def test_visits_by_group_category_cause_and_union(county) -> None:
    path, db, user = county
    with db.session() as s:
        groups = st.breakdown(s, user, "visits", "group", YEAR)
        categories = st.breakdown(s, user, "visits", "category", YEAR)
        causes = st.breakdown(s, user, "visits", "cause")
        units = st.breakdown(s, user, "visits", "unit", YEAR)
    base = (f"FROM visit v JOIN campaign c ON c.id = v.campaign_id LEFT JOIN hardship_file f ON f.id = v.file_id "
            f"LEFT JOIN unfiled_household u ON u.id = v.unfiled_household_id WHERE v.status IN {LIVE}")
    sums = "count(*), sum(v.cash_fen), sum(v.goods_fen), sum(v.cash_fen + v.goods_fen)"
    assert as_dict(groups) == grouped(path, f"SELECT v.group_key, {sums} {base} AND c.year = ? GROUP BY 1", YEAR)
    assert as_dict(categories) == grouped(path, f"SELECT v.category, {sums} {base} AND c.year = ? GROUP BY 1", YEAR)
    assert as_dict(causes) == grouped(path, f"SELECT f.primary_cause, {sums} {base} GROUP BY 1")
    assert as_dict(units) == grouped(path, f"SELECT coalesce(f.unit_id, u.unit_id), {sums} {base} AND c.year = ? "
                                           f"GROUP BY 1", YEAR)
    assert groups.rows[0].label == "深度困难职工"
    assert groups.totals == tuple(sum(r.values[i] for r in groups.rows) for i in range(4))


def test_payments_by_programme_method_category_and_year(county) -> None:
    path, db, user = county
    with db.session() as s:
        programmes = st.breakdown(s, user, "payments", "programme", YEAR)
        methods = st.breakdown(s, user, "payments", "method")
        categories = st.breakdown(s, user, "payments", "category", YEAR)
        years = st.breakdown(s, user, "payments", "year")
    in_year = "paid_on BETWEEN ? AND ?"
    span = (f"{YEAR}-01-01", end(YEAR))
    assert as_dict(programmes) == grouped(
        path, f"SELECT grant_type, count(*), sum(amount_fen) FROM disbursement WHERE {in_year} GROUP BY 1", *span)
    assert as_dict(methods) == grouped(path, "SELECT method, count(*), sum(amount_fen) FROM disbursement GROUP BY 1")
    assert as_dict(years) == grouped(
        path, "SELECT CAST(substr(paid_on, 1, 4) AS INTEGER), count(*), sum(amount_fen) FROM disbursement GROUP BY 1")
    # a payment's category is its household's: through the visit, the scholarship or the installment's scholarship
    rows = sql(path, "SELECT d.grant_type, d.grant_id, d.amount_fen FROM disbursement d WHERE " + in_year, *span)
    expected: dict = {}
    for grant_type, grant_id, amount in rows:
        if grant_type == "visit":
            file_id = sql(path, "SELECT file_id FROM visit WHERE id = ?", grant_id)[0][0]
        else:
            sid = grant_id if grant_type == "scholarship" else sql(
                path, "SELECT scholarship_id FROM installment WHERE id = ?", grant_id)[0][0]
            file_id = sql(path, "SELECT file_id FROM scholarship WHERE id = ?", sid)[0][0]
        category = sql(path, "SELECT category FROM hardship_file WHERE id = ?", file_id)[0][0] if file_id else None
        n, total = expected.get(category, (0, 0))
        expected[category] = (n + 1, total + amount)
    assert as_dict(categories) == expected
    assert {r.label for r in programmes.rows} <= set(st.PAYMENT_PROGRAMMES.values())


def test_overview_gives_each_programme_its_count_and_amount(county) -> None:
    path, db, user = county
    with db.session() as s:
        figures = {f.program: f for f in st.overview(s, user, YEAR)}
        everything = {f.program: f for f in st.overview(s, user)}
    assert figures["files"].count == sql(
        path, "SELECT count(*) FROM hardship_file WHERE status IN ('active','exited') AND opened_on <= ? "
              "AND (exit_date IS NULL OR exit_date > ?)", end(YEAR), end(YEAR))[0][0]
    assert figures["files"].amount is None
    assert (figures["visits"].count, figures["visits"].amount) == sql(
        path, f"SELECT count(*), sum(cash_fen + goods_fen) FROM visit v JOIN campaign c ON c.id = v.campaign_id "
              f"WHERE c.year = ? AND v.status IN {LIVE}", YEAR)[0]
    assert (everything["payments"].count, everything["payments"].amount) == sql(
        path, "SELECT count(*), sum(amount_fen) FROM disbursement")[0]
    assert everything["files"].count == sql(path, "SELECT count(*) FROM hardship_file WHERE status='active'")[0][0]


# --- the records behind a figure ---------------------------------------------------------------------------


def test_the_records_behind_a_figure_are_exactly_those_it_counts(county) -> None:
    path, db, user = county
    with db.session() as s:
        deep = st.breakdown(s, user, "files", "category", 2024).rows[0]
        records = st.records_for(s, user, deep.cells[0])
        visits = st.breakdown(s, user, "visits", "group", YEAR)
        cash = st.records_for(s, user, visits.rows[0].cells[1])
        rows = st.record_rows(s, user, cash.entity, cash.ids[:5])
        file_rows = st.record_rows(s, user, records.entity, records.ids[:3])
    assert deep.key == "deep" and records.entity == "hardship_file"
    expected = {r[0] for r in sql(path, "SELECT id FROM hardship_file WHERE category='deep' AND status IN ('active','exited') "
                                        "AND opened_on <= '2024-12-31' AND (exit_date IS NULL OR exit_date > '2024-12-31')")}
    assert set(records.ids) == expected and len(records.ids) == deep.values[0] == records.total
    group = visits.rows[0].key
    assert cash.entity == "visit" and cash.total == visits.rows[0].values[1]
    assert set(cash.ids) == {r[0] for r in sql(
        path, f"SELECT v.id FROM visit v JOIN campaign c ON c.id = v.campaign_id WHERE c.year = ? AND v.group_key = ? "
              f"AND v.status IN {LIVE} AND v.cash_fen != 0", YEAR, group)}
    # display rows: in the order of the ids, ID numbers masked
    names = dict(sql(path, "SELECT id, recipient_name FROM visit"))
    assert [r[1] for r in rows] == [names[i] for i in cash.ids[:5]]
    assert all("**********" in r[2] for r in rows)
    assert file_rows[0][3] == "深度困难" and "**********" in file_rows[0][2]


def test_every_figure_of_every_breakdown_adds_up_from_its_records(county) -> None:
    _path, db, user = county
    checked = 0
    with db.session() as s:
        for program, dimensions in st.PROGRAM_DIMENSIONS.items():
            for dimension in dimensions:
                for year in (None, 2025, YEAR):
                    table = st.breakdown(s, user, program, dimension, year)
                    for row in table.rows:
                        for cell, value in zip(row.cells, row.values):
                            got = st.records_for(s, user, cell)
                            measure = next(mm for mm in table.measures if mm.key == cell.measure)
                            assert got.total == value, cell
                            if measure.kind == st.COUNT:
                                assert len(got.ids) == value, cell
                            checked += 1
                    for cell, value in zip(table.total_cells, table.totals):
                        if cell is not None:
                            assert st.records_for(s, user, cell).total == value == st.figure(s, user, cell), cell
    assert checked > 500


def test_wrong_programmes_and_dimensions_are_refused_in_chinese(county) -> None:
    _path, db, user = county
    with db.session() as s:
        with pytest.raises(st.StatisticsError, match="统计项目"):
            st.breakdown(s, user, "loans", "year")
        with pytest.raises(st.StatisticsError, match="不能按“慰问类别”统计"):
            st.breakdown(s, user, "files", "group")
        with pytest.raises(st.StatisticsError, match="记录"):
            st.record_rows(s, user, "user", [])


def test_years_offered_are_those_with_data(county) -> None:
    path, db, _user = county
    with db.session() as s:
        years = st.available_years(s, TODAY)
    first = int(sql(path, "SELECT min(substr(opened_on, 1, 4)) FROM hardship_file")[0][0])
    assert years == list(range(YEAR, first - 1, -1))


# --- the annual report ----------------------------------------------------------------------------------


def test_the_annual_report_as_xlsx_and_pdf_holds_the_figures(county, tmp_path: Path) -> None:
    import python_calamine

    from tests.reports import pdftools

    path, db, user = county
    with db.session() as s:
        report = st.annual_report(s, user, YEAR, today=TODAY)
        visits = st.breakdown(s, user, "visits", "group", YEAR)
        files = st.breakdown(s, user, "files", "category", YEAR)
        out = st.export_annual_report_xlsx(s, user, YEAR, tmp_path / "年报.xlsx", today=TODAY)
        pdf = st.annual_report_pdf(s, user, YEAR, today=TODAY)
    titles = [sec.title for sec in report.sections]
    assert titles[0] == "一、困难职工档案" and titles[-1] == "七、历年趋势"
    assert report.title == "绥德县总工会2026年度帮扶工作统计表"
    rows = python_calamine.load_workbook(str(out)).get_sheet_by_index(0).to_python()
    flat = [[c for c in row] for row in rows]
    assert flat[0][0] == report.title
    visit_total = visits.totals[3]
    spring = next(i for i, row in enumerate(flat) if str(row[0]).startswith("三、"))
    total_row = next(row for row in flat[spring:] if row[0] == "合计")
    assert round(float(total_row[4]) * 100) == visit_total
    deep = next(row for row in flat if row[0] == "深度困难")
    assert [int(v) for v in deep[1:5]] == list(files.rows[0].values)
    unit_section = next(sec for sec in report.sections if sec.title.startswith("六"))
    assert sum(values[0] for _label, values in unit_section.rows) == files.totals[0]
    text = pdftools.squeeze(pdftools.text(pdf))
    assert "2026年度帮扶工作统计表" in text and "填报单位（盖章）：绥德县总工会" in text
    assert f"{visit_total // 100:,}.{visit_total % 100:02d}" in text
    for label, values in files_rows(files):
        assert f"{label}{values[0]}{values[1]}" in text
    assert "七、历年趋势" in text


def files_rows(table: st.Breakdown) -> list[tuple[str, tuple[int, ...]]]:
    return [(r.label, r.values) for r in table.rows]
