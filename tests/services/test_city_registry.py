"""The registry at a city: the 上报单位 filter (``FileFilters.owner_unit_id``) finds exactly each reporting unit's
files, alone and with the other filters and text, in the count, the pages and the counts by status; it is found
through the ``owner_unit_id`` index; the 所属工会 filter still works across the counties; a county offers no
choice of reporting unit.

The offices are the sync tests' network (tests/sync/conftest.py): 绥德 and 米脂 report to 榆林, whose database
then holds its own files and both counties'. Every figure is checked against sqlite3 on the database file."""

from __future__ import annotations

import pytest

from typing import Any

from assist_desktop.services import search
from assist_desktop.services.search import FileFilters
from tests.services.conftest_city import city, sql  # noqa: F401 - city is a fixture
from tests.sync.conftest import Network, net, network_template  # noqa: F401 - the fixtures

OWNERS = ("yulin", "suide", "mizhi")




def test_the_reporting_units_are_offered_the_local_unit_first(city: Network) -> None:
    yulin = city["yulin"]
    with yulin.session() as s:
        choices = search.owner_choices(s)
    assert [c.id for c in choices] == [city[k].unit_id for k in OWNERS]  # 榆林 (own), then 610826, 610827
    assert [c.name for c in choices] == ["榆林市总工会", "绥德县总工会", "米脂县总工会"]
    assert [c.own for c in choices] == [True, False, False]
    held = {owner for (owner,) in sql(yulin.path, "SELECT DISTINCT owner_unit_id FROM hardship_file")}
    assert {c.id for c in choices} == held
    with city["suide"].session() as s:  # a county holds only its own files: nothing to choose
        assert [(c.name, c.own) for c in search.owner_choices(s)] == [("绥德县总工会", True)]
        assert search.owner_name(s, city["suide"].unit_id) == "绥德县总工会"


def test_each_reporting_unit_counts_and_lists_exactly_its_files(city: Network) -> None:
    yulin = city["yulin"]
    user = yulin.user("jingban")
    expected = dict(sql(yulin.path, "SELECT owner_unit_id, count(*) FROM hardship_file GROUP BY owner_unit_id"))
    assert len(expected) == 3 and all(expected.values())
    with yulin.session() as s:
        for owner, n in expected.items():
            ids = {i for (i,) in sql(yulin.path, "SELECT id FROM hardship_file WHERE owner_unit_id = ?", owner)}
            total, found = search.search(s, user, filters=FileFilters(owner_unit_id=owner), limit=None)
            assert total == n == len(found) and set(found) == ids
            # pages of 5 in the order of the file number join up to the whole list
            pages = [search.search(s, user, filters=FileFilters(owner_unit_id=owner), offset=k, limit=5)[1]
                     for k in range(0, n, 5)]
            assert [i for page in pages for i in page] == [i for (i,) in sql(
                yulin.path, "SELECT id FROM hardship_file WHERE owner_unit_id = ? ORDER BY file_no", owner)]
            by_status = dict(sql(yulin.path, "SELECT status, count(*) FROM hardship_file WHERE owner_unit_id = ? "
                                             "GROUP BY status", owner))
            counts = search.count_by_status(s, user, filters=FileFilters(owner_unit_id=owner, status={"active"}))
            assert {k: v for k, v in counts.items() if v} == by_status
            active = sql(yulin.path, "SELECT count(*) FROM hardship_file WHERE owner_unit_id = ? AND status = 'active' "
                                     "AND category = 'deep'", owner)[0][0]
            assert search.search(s, user, filters=FileFilters(owner_unit_id=owner, status={"active"},
                                                              category="deep"), limit=0)[0] == active
        # two counties at once; and a unit that holds nothing here
        counties = {city["suide"].unit_id, city["mizhi"].unit_id}
        assert search.search(s, user, filters=FileFilters(owner_unit_id=counties), limit=0)[0] == \
            sum(expected[c] for c in counties)
        assert search.search(s, user, filters=FileFilters(owner_unit_id=city["shaanxi"].unit_id), limit=0)[0] == 0
        assert search.search(s, user, filters=FileFilters(owner_unit_id=frozenset()), limit=0)[0] == 0


def test_the_owner_filter_combines_with_text_and_with_the_union_filter(city: Network) -> None:
    yulin, suide = city["yulin"], city["suide"].unit_id
    user = yulin.user("jingban")
    # a surname the counties share: the text alone finds them in every unit, the owner narrows it to one
    name, owner = sql(yulin.path, "SELECT substr(name, 1, 1), owner_unit_id FROM hardship_file "
                                  "WHERE owner_unit_id = ? ORDER BY file_no LIMIT 1", suide)[0]
    everywhere = sql(yulin.path, "SELECT count(*) FROM hardship_file WHERE instr(name, ?) > 0", name)[0][0]
    in_suide = sql(yulin.path, "SELECT count(*) FROM hardship_file WHERE instr(name, ?) > 0 AND owner_unit_id = ?",
                   name, owner)[0][0]
    # 所属工会 at the city: a grassroots union of 绥德 holds only 绥德's files
    unit, held = sql(yulin.path, "SELECT unit_id, count(*) FROM hardship_file WHERE owner_unit_id = ? "
                                 "GROUP BY unit_id ORDER BY count(*) DESC LIMIT 1", suide)[0]
    with yulin.session() as s:
        assert search.search(s, user, name, limit=0)[0] >= everywhere  # (members' names may match too)
        total, ids = search.search(s, user, name, FileFilters(owner_unit_id=suide), limit=None)
        owners = {o for (o,) in sql(yulin.path, f"SELECT DISTINCT owner_unit_id FROM hardship_file WHERE id IN "
                                                f"({','.join('?' * len(ids))})", *ids)}
        assert owners == {suide} and total >= in_suide > 0
        assert search.search(s, user, filters=FileFilters(unit_id=unit), limit=0)[0] == held
        assert search.search(s, user, filters=FileFilters(unit_id=unit, owner_unit_id=suide), limit=0)[0] == held
        assert search.search(s, user, filters=FileFilters(unit_id=unit, owner_unit_id=city["mizhi"].unit_id),
                             limit=0)[0] == 0


@pytest.mark.sqlite_only  # SQLite's own plan, chosen by the search (a server plans from its statistics)
def test_the_owner_filter_is_found_through_its_index(city: Network) -> None:
    """No text: the reporting unit's files are found with the ``owner_unit_id`` index (one county of a city's
    ten or twenty), for the count and for a page sorted by an unindexed column; a long list sorted by an
    indexed column still walks that index with the owner kept off its own."""
    yulin, suide = city["yulin"], city["suide"].unit_id
    filters = FileFilters(owner_unit_id=suide)
    with yulin.session() as s:
        connection = s.connection()

        def plan(stmt: Any) -> str:
            compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
            return " | ".join(r[-1] for r in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))

        assert "ix_hardship_file_owner_unit_id" in plan(search.count_statement("", filters))
        page = search.page_statement("", filters, "-per_capita", total=20_000, table_rows=300_000)
        assert "ix_hardship_file_owner_unit_id" in plan(page)
        # with the status and category too: not the status index, which holds most of the file for "active"
        busy = FileFilters(owner_unit_id=suide, status={"active"}, category="deep")
        assert "ix_hardship_file_owner_unit_id" in plan(search.count_statement("", busy))
        assert "ix_hardship_file_owner_unit_id" in plan(
            search.page_statement("", busy, "name", total=2_000, table_rows=300_000))
        walked = search.page_statement("", filters, "file_no", total=200_000, table_rows=300_000)
        assert "ix_hardship_file_owner_unit_id" not in plan(walked)
        assert "+hardship_file.owner_unit_id" in str(walked.compile())
    assert "owner_unit_id" in str(search.count_statement("", filters).compile())


def test_one_owner_and_a_set_of_one_are_the_same_filter() -> None:
    """Filters are cache keys of the list: the same choice must give the same key."""
    assert FileFilters(owner_unit_id="a") == FileFilters(owner_unit_id={"a"}) != FileFilters()
    assert hash(FileFilters(owner_unit_id="a")) == hash(FileFilters(owner_unit_id=frozenset({"a"})))
