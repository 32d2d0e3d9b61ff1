"""Rows of the registry list: the displayed columns of a page of ids, in their order, in one statement;
the unions and years of the filter bar."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from assist_desktop.domain.ids import mask_id_number
from assist_desktop.services import file_list
from assist_desktop.services.base import PermissionDenied
from assist_desktop.services.file_list import FileRow, file_rows, filing_years, unit_choices
from assist_desktop.services.registry import create_file
from assist_desktop.storage import models as m

from .conftest import TODAY, County, make_id, other_household


@pytest.fixture
def filed(county: County, household) -> dict[str, m.HardshipFile]:
    """王建国 (deep, three people) and 张伟 (alone) filed as drafts at 名州镇总工会."""
    clerk = county.users["jingban"]
    with county.session() as s:
        wang = create_file(s, clerk, household, today=TODAY)
    with county.session() as s:
        zhang = create_file(s, clerk, other_household(household, county, phone="13800001111"), today=TODAY)
    return {"王建国": wang, "张伟": zhang}


def test_rows_carry_the_displayed_columns_in_the_order_asked(county: County, filed) -> None:
    wang, zhang = filed["王建国"], filed["张伟"]
    with county.session() as s:
        rows = file_rows(s, county.users["shenhe"], [zhang.id, wang.id])
    assert [r.name for r in rows] == ["张伟", "王建国"]
    row = rows[1]
    assert isinstance(row, FileRow)
    assert row.id == wang.id and row.file_no == wang.file_no and row.file_no.startswith("610826-2026-")
    assert row.masked_id == mask_id_number(make_id("19800315", 123))
    assert row.masked_id.startswith("6108") and "*" * 10 in row.masked_id
    assert make_id("19800315", 123) not in repr(row)  # the whole ID number never reaches the list
    assert (row.category, row.category_label) == (wang.category, {"deep": "深度困难", "relative": "相对困难",
                                                                  "accident": "意外致困"}[wang.category])
    assert (row.primary_cause, row.primary_cause_label) == (6, "患重特大疾病")
    assert row.per_capita_fen == wang.per_capita_monthly_income_fen > 0
    assert (row.status, row.status_label) == ("draft", "草稿")
    assert row.unit_name == "名州镇总工会"
    assert row.last_review is None


@pytest.mark.tally_unchecked  # records changed with raw SQL, as the program never writes them
def test_last_review_and_order_with_unknown_and_repeated_ids(county: County, filed) -> None:
    wang = filed["王建国"]
    with county.db.transaction() as s:
        s.exec(text("UPDATE hardship_file SET status='active', last_review_date='2026-11-02' WHERE id=:i")
               .bindparams(i=wang.id))
    ids = ["no-such-file", wang.id, filed["张伟"].id, wang.id]
    with county.session() as s:
        rows = file_rows(s, county.users["jingban"], ids)
    assert [r.name for r in rows] == ["王建国", "张伟", "王建国"]
    assert rows[0].last_review == date(2026, 11, 2) and rows[0].status_label == "在档"


def test_one_statement_per_chunk_and_only_the_displayed_columns(county: County, filed, monkeypatch) -> None:
    ids = [filed["王建国"].id, filed["张伟"].id]
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if "hardship_file" in statement:
            seen.append(statement)

    event.listen(county.db.engine, "before_cursor_execute", record)
    try:
        with county.session() as s:
            file_rows(s, county.users["jingban"], ids * 3)
        assert len(seen) == 1
        for hidden in ("address", "bank_account", "phone", "health", "illness", "member"):
            assert hidden not in seen[0], hidden
        seen.clear()
        monkeypatch.setattr(file_list, "CHUNK", 1)  # a long list goes in chunks, still in order
        with county.session() as s:
            rows = file_rows(s, county.users["jingban"], list(reversed(ids)))
        assert len(seen) == 2 and [r.id for r in rows] == list(reversed(ids))
    finally:
        event.remove(county.db.engine, "before_cursor_execute", record)


def test_empty_list_and_deactivated_user(county: County, filed) -> None:
    with county.session() as s:
        assert file_rows(s, county.users["jingban"], []) == []
    with county.db.transaction() as s:
        s.get(m.User, county.users["clerk2"].id).active = False
    with county.session() as s, pytest.raises(PermissionDenied, match="停用"):
        file_rows(s, county.users["clerk2"], [filed["张伟"].id])


def test_unknown_codes_show_as_they_are(county: County, filed) -> None:
    """A file imported from a newer version with a code this one does not know still lists."""
    zhang = filed["张伟"]
    with county.db.transaction() as s:
        s.exec(text("UPDATE hardship_file SET category='future', status='archived', primary_cause=77 "
                    "WHERE id=:i").bindparams(i=zhang.id))
    with county.session() as s:
        (row,) = file_rows(s, county.users["jingban"], [zhang.id])
    assert (row.category_label, row.status_label, row.primary_cause_label) == ("future", "archived", "77")


def test_draft_without_category(county: County, filed) -> None:
    zhang = filed["张伟"]
    with county.db.transaction() as s:
        s.exec(text("UPDATE hardship_file SET category=NULL WHERE id=:i").bindparams(i=zhang.id))
    with county.session() as s:
        (row,) = file_rows(s, county.users["jingban"], [zhang.id])
    assert row.category is None and row.category_label == ""


def test_unit_choices_are_the_unions_holding_files(county: County, filed) -> None:
    with county.session() as s:
        assert unit_choices(s) == [file_list.UnitChoice(county.grassroots_id, "名州镇总工会", "610826G001")]
        county_unit = s.exec(select(m.OrgUnit).where(m.OrgUnit.level == "county")).one()
    with county.db.transaction() as s:
        s.add(m.OrgUnit(owner_unit_id=county_unit.id, code="610826G000", name="一个空的工会", level="grassroots",
                        parent_id=county_unit.id))
        s.exec(text("UPDATE hardship_file SET unit_id=:u WHERE id=:i").bindparams(u=county_unit.id,
                                                                                i=filed["张伟"].id))
    with county.session() as s:
        names = [u.name for u in unit_choices(s)]
    assert names == ["绥德县总工会", "名州镇总工会"]  # by code; the union without files is not offered


def test_filing_years(county: County, filed) -> None:
    with county.db.transaction() as s:
        s.add(m.NumberSequence(prefix="file:610826:2009", last=3))
        s.add(m.NumberSequence(prefix="voucher:610826:2001", last=3))
        s.add(m.NumberSequence(prefix="file:610827:2030", last=1))  # another county's files, imported
    with county.session() as s:
        years = filing_years(s, today=date(2026, 11, 21))
    assert years == [2030, *range(2026, 2016, -1), 2009]


def test_a_keystroke_reads_the_users_roles_once_and_a_change_in_the_session_again(county: County, filed) -> None:
    """A keystroke's search and the rows it shows check the user in one transaction: read once (on a server
    each read is a round trip). A change in the session (the user stopped, flushed or not) is read again and
    refused; a new transaction reads afresh."""
    from assist_desktop.services.search import search_page

    clerk = county.users["jingban"]
    reads: list[str] = []

    def count(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        if "user_role" in statement and "FROM user_role" in statement:
            reads.append(statement)

    event.listen(county.db.engine, "before_cursor_execute", count)
    try:
        with county.session() as s:
            found = search_page(s, clerk, "张伟")
            rows = file_rows(s, clerk, found.ids)
            assert [r.name for r in rows] == ["张伟"] and len(reads) == 1
        with county.session() as s:
            file_rows(s, clerk, [filed["张伟"].id])
            assert len(reads) == 2  # another transaction
            s.get(m.User, clerk.id).active = False  # pending, not flushed
            with pytest.raises(PermissionDenied, match="已停用"):
                file_rows(s, clerk, [filed["张伟"].id])
            s.rollback()
            file_rows(s, clerk, [filed["张伟"].id])
            s.get(m.User, clerk.id).active = False
            s.flush()
            with pytest.raises(PermissionDenied, match="已停用"):
                file_rows(s, clerk, [filed["张伟"].id])
            s.rollback()
    finally:
        event.remove(county.db.engine, "before_cursor_execute", count)
