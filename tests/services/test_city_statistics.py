"""Statistics at a city by 上报单位 (the unit each record belongs to): for every programme and year, each unit's
figures equal sqlite3's sums over that unit's records, the rows are named with the units' names (the city, then
its counties by code), they add up to the programme's totals, and each figure's records are that unit's.

The offices are the sync tests' network (tests/sync/conftest.py): 榆林 holds its own records and those 绥德 and
米脂 reported."""

from __future__ import annotations

from typing import Any

import pytest

from assist_desktop.services import statistics as st
from tests.services.conftest_city import city, sql  # noqa: F401 - city is a fixture
from tests.sync.conftest import Network, net, network_template  # noqa: F401 - the fixtures

LIVE = "('approved', 'paid')"
YEARS = (None, 2025, 2026)




def _files(year: int | None) -> str:
    """households, people, opened, exited per owner, as the module docstring of services.statistics counts them."""
    if year is None:
        held = "status = 'active'"
        opened = "status IN ('active', 'exited') AND opened_on IS NOT NULL"
        exited = "status = 'exited'"
    else:
        end = f"'{year}-12-31'"
        held = (f"status IN ('active', 'exited') AND opened_on <= {end} AND (exit_date IS NULL OR exit_date > {end})")
        opened = f"status IN ('active', 'exited') AND opened_on BETWEEN '{year}-01-01' AND {end}"
        exited = f"status = 'exited' AND exit_date BETWEEN '{year}-01-01' AND {end}"
    def count(condition: str) -> str:  # a count of the rows that hold (booleans do not add up on a server)
        return f"sum(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    return (f"SELECT owner_unit_id, {count(held)}, sum(CASE WHEN {held} THEN household_size ELSE 0 END), "
            f"{count(opened)}, {count(exited)} FROM hardship_file GROUP BY owner_unit_id")


def _grants(program: str, year: int | None) -> str:
    if program == "scholarships":
        when = "" if year is None else f" AND r.year = {year}"
        return (f"SELECT s.owner_unit_id, count(*), sum(s.amount_fen) FROM scholarship s JOIN scholarship_round r "
                f"ON r.id = s.round_id WHERE s.status IN {LIVE}{when} GROUP BY s.owner_unit_id")
    if program == "visits":
        when = "" if year is None else f" AND c.year = {year}"
        return (f"SELECT v.owner_unit_id, count(*), sum(v.cash_fen), sum(v.goods_fen), sum(v.cash_fen + v.goods_fen) "
                f"FROM visit v JOIN campaign c ON c.id = v.campaign_id WHERE v.status IN {LIVE}{when} "
                f"GROUP BY v.owner_unit_id")
    when = "" if year is None else f" WHERE paid_on BETWEEN '{year}-01-01' AND '{year}-12-31'"
    return f"SELECT owner_unit_id, count(*), sum(amount_fen) FROM disbursement{when} GROUP BY owner_unit_id"


def expected(path: Any, program: str, year: int | None) -> dict[str, tuple[int, ...]]:
    query = _files(year) if program == "files" else _grants(program, year)
    out = {owner: tuple(int(v or 0) for v in values) for owner, *values in sql(path, query)}
    return {owner: values for owner, values in out.items() if any(values)}


@pytest.mark.parametrize("program", list(st.PROGRAMS))
def test_each_units_figures_equal_sqlites_sums_over_its_records(city: Network, program: str) -> None:
    yulin = city["yulin"]
    user = yulin.user("shenhe")
    names = dict(sql(yulin.path, "SELECT id, name FROM org_unit"))
    order = [city[k].unit_id for k in ("yulin", "suide", "mizhi")]  # by code: 610800, 610826, 610827
    counties_seen = set()
    with yulin.session() as s:
        for year in YEARS:
            want = expected(yulin.path, program, year)
            table = st.breakdown(s, user, program, "owner", year)
            got = {row.key: row.values for row in table.rows}
            assert got == want, (program, year)
            assert [row.key for row in table.rows] == [o for o in order if o in want]
            assert [row.label for row in table.rows] == [names[row.key] for row in table.rows]
            counties_seen |= set(got) - {yulin.unit_id}
            # the rows add up to the programme's totals, which are the same as by any other dimension
            whole = st.breakdown(s, user, program, st.PROGRAM_DIMENSIONS[program][0], year)
            assert table.totals == whole.totals
            assert table.title.endswith("按上报单位）")
            # every figure's records are that unit's records, and add up to the figure
            for row in table.rows:
                for cell, value, measure in zip(row.cells, row.values, table.measures):
                    records = st.records_for(s, user, cell)
                    assert records.total == value == st.figure(s, user, cell)
                    if measure.kind == st.COUNT:
                        assert len(records.ids) == value
                    if records.ids:
                        entity = st.ENTITIES[program]
                        marks = ",".join("?" * len(records.ids))
                        owners = {o for (o,) in sql(yulin.path, f"SELECT DISTINCT owner_unit_id FROM {entity} "
                                                                f"WHERE id IN ({marks})", *records.ids)}
                        assert owners == {row.key}
    assert counties_seen == {city["suide"].unit_id, city["mizhi"].unit_id}, program


def test_the_counties_make_the_citys_totals_larger_than_its_own(city: Network) -> None:
    """The overview at the city counts every unit's records; the city's own row is only a part of them."""
    yulin = city["yulin"]
    user = yulin.user("shenhe")
    with yulin.session() as s:
        overview = {f.program: f.count for f in st.overview(s, user, None)}
        for program, count_key in (("files", "households"), ("scholarships", "students"), ("visits", "households"),
                                   ("payments", "payments")):
            table = st.breakdown(s, user, program, "owner", None)
            index = [mm.key for mm in table.measures].index(count_key)
            own = table.value(yulin.unit_id, count_key)
            assert overview[program] == sum(r.values[index] for r in table.rows) > own, program


def test_a_county_has_one_row_its_own(city: Network) -> None:
    suide = city["suide"]
    with suide.session() as s:
        table = st.breakdown(s, suide.user("shenhe"), "files", "owner")
    assert [(r.key, r.label) for r in table.rows] == [(suide.unit_id, "绥德县总工会")]
    assert "owner" in st.UPPER_DIMENSIONS and st.DIMENSIONS["owner"] == "上报单位"


def test_by_union_at_the_city_a_countys_union_is_named_with_its_county(city: Network) -> None:
    """The city and its counties may each have a union of one name (the demo gives each a 名州镇总工会): by
    所属工会, another unit's union carries that unit's name, so no two rows read alike; the figures are sqlite3's."""
    yulin = city["yulin"]
    with yulin.session() as s:
        table = st.breakdown(s, yulin.user("shenhe"), "files", "unit")
    labels = {row.key: row.label for row in table.rows}
    expected = {}
    for unit_id, union, keeper_id, keeper in sql(
            yulin.path, "SELECT u.id, u.name, k.id, k.name FROM org_unit u JOIN org_unit k ON k.id = u.owner_unit_id "
                        "WHERE u.id IN (SELECT unit_id FROM hardship_file WHERE status = 'active')"):
        expected[unit_id] = union if keeper_id == yulin.unit_id else f"{union}（{keeper}）"
    assert labels == expected
    assert len(set(labels.values())) == len(labels) and "名州镇总工会（绥德县总工会）" in labels.values()
    held = dict(sql(yulin.path, "SELECT unit_id, count(*) FROM hardship_file WHERE status = 'active' GROUP BY unit_id"))
    assert {row.key: row.values[0] for row in table.rows} == held
    with city["suide"].session() as s:  # at the county its own unions keep their plain names
        county = st.breakdown(s, city["suide"].user("shenhe"), "files", "unit")
    assert not any("（" in row.label for row in county.rows)
