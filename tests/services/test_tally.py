"""统计's summary table (services.tally): made by the upgrade from every record already there, kept equal to a
recount by every kind of write (the suite checks it after every test of the services, sync, UI and end-to-end
runs; tests/conftest.py), untouched by a write that is refused, and the figures read from it equal plain
sqlite3 sums. A damaged table is found by ``assist-desktop check`` and made again by ``--rebuild-statistics``."""

from __future__ import annotations

import gzip
import shutil
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from assist_desktop.services import statistics as st
from assist_desktop.services import tally
from assist_desktop.storage import models as m
from assist_desktop.storage.schema import open_database

FIXTURE = Path(__file__).parents[1] / "storage" / "fixtures" / "revision-0005.sqlite.gz"
TODAY = date(2026, 11, 20)


def rows(path: Path) -> set[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return set(conn.execute("SELECT * FROM stat_tally WHERE n != 0 OR v1 != 0 OR v2 != 0"))


@pytest.fixture
def upgraded(tmp_path: Path) -> Path:
    """The demo county as revision 0005 wrote it (no summary table), upgraded to the head."""
    path = tmp_path / "assist.sqlite"
    with gzip.open(FIXTURE) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    open_database(path, tmp_path / "backups").close()
    return path


def test_the_upgrade_counts_every_record_already_there(upgraded: Path) -> None:
    with closing(sqlite3.connect(upgraded)) as conn:
        files = conn.execute("SELECT count(*), sum(household_size) FROM hardship_file WHERE status='active'").fetchone()
        paid = conn.execute("SELECT count(*), sum(amount_fen) FROM disbursement").fetchone()
        total = {(r[0], r[3], r[4], r[5]): r[6:] for r in conn.execute(
            "SELECT * FROM stat_tally WHERE dimension = ''")}
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert files[0] > 0 and paid[0] > 0
    active = [v for (program, _y, _ey, status), v in total.items() if program == "files" and status == "active"]
    assert (sum(v[0] for v in active), sum(v[1] for v in active)) == files
    payments = [v for (program, *_rest), v in total.items() if program == "payments"]
    assert (sum(v[0] for v in payments), sum(v[1] for v in payments)) == paid
    assert "ix_hardship_file_list" in indexes
    with open_database(upgraded) as db, db.engine.connect() as conn:
        assert tally.verify(conn).ok


def test_a_write_that_fails_after_its_changes_leaves_the_summary_as_it_was(upgraded: Path) -> None:
    """The summary moves in the write's own transaction: a write that fails after its changes reached the
    database (a full disk at the commit, say) takes the summary's changes back with its own."""
    before = rows(upgraded)
    with closing(sqlite3.connect(upgraded)) as conn:
        file_id = conn.execute("SELECT id FROM hardship_file WHERE status = 'active' LIMIT 1").fetchone()[0]
    with open_database(upgraded) as db:
        with pytest.raises(RuntimeError), db.transaction() as s:
            f = s.get(m.HardshipFile, file_id)
            f.status, f.exit_date, f.exit_reason = "exited", TODAY, "out_of_hardship"
            s.flush()  # the file and the summary changed inside the transaction …
            with db.engine.connect() as other:  # (another connection still sees the old figures)
                assert tally.verify(other).ok
            assert rows(upgraded) == before
            raise RuntimeError("磁盘已满")  # … and then the write fails
    assert rows(upgraded) == before


def test_a_file_whose_category_changes_moves_its_grants_figures(upgraded: Path) -> None:
    """The grants are counted under their file's category: an annual review that changes it moves every
    scholarship and voucher of the household to the new category in the same transaction."""
    from assist_desktop.services import registry

    with closing(sqlite3.connect(upgraded)) as conn:
        file_id, category = conn.execute(
            "SELECT f.id, f.category FROM hardship_file f JOIN scholarship s ON s.file_id = f.id "
            "WHERE f.status = 'active' AND s.status IN ('approved', 'paid') AND f.category = 'relative' "
            "LIMIT 1").fetchone()
    with open_database(upgraded) as db:
        with db.session() as s:
            user = s.exec(select(m.User).where(m.User.username == "jingban")).one()
            before = st.breakdown(s, user, "scholarships", "category")
            f = s.get(m.HardshipFile, file_id)
            version = f.version
            amount = sum(x.amount_fen for x in s.exec(select(m.Scholarship).where(
                m.Scholarship.file_id == file_id, m.Scholarship.status.in_(("approved", "paid")))))
            s.expunge_all()
        with db.transaction() as s:  # as the editor saves it: one write
            f = s.get(m.HardshipFile, file_id)
            f.category = "deep"
            f.version = version + 1
        with db.session() as s:
            after = st.breakdown(s, user, "scholarships", "category")
        with db.engine.connect() as conn:
            assert tally.verify(conn).ok
    assert amount > 0
    assert after.value("deep", "amount") == before.value("deep", "amount") + amount
    assert after.value(category, "amount") == before.value(category, "amount") - amount
    assert after.totals == before.totals


def test_check_finds_a_damaged_summary_and_rebuild_makes_it_again(upgraded: Path, capsys) -> None:
    from assist_desktop import cli

    assert cli.main(["check", "--db", str(upgraded)]) == cli.CHECK_OK
    assert "统计汇总与明细一致" in capsys.readouterr().out
    with closing(sqlite3.connect(upgraded)) as conn, conn:
        conn.execute("UPDATE stat_tally SET n = n + 1 WHERE program = 'visits' AND dimension = ''")
    assert cli.main(["check", "--db", str(upgraded)]) == cli.CHECK_DAMAGED
    out = capsys.readouterr().out
    assert "统计汇总与明细不一致" in out and "--rebuild-statistics" in out
    secret = upgraded.parent / "password.txt"
    secret.write_text("demo12345\n", encoding="utf-8")
    assert cli.main(["check", "--db", str(upgraded), "--rebuild-statistics", "--user", "admin",
                     "--password-file", str(secret)]) == cli.CHECK_OK
    out = capsys.readouterr().out
    assert "已按明细重新汇总统计" in out and "统计汇总与明细一致" in out
    with open_database(upgraded) as db, db.engine.connect() as conn:
        assert tally.verify(conn).ok


def test_the_figures_read_from_the_summary_equal_sqlites_sums(upgraded: Path) -> None:
    """Besides tests/services/test_statistics.py: every breakdown of every programme and year, against the
    same SQL run over the records (``figure``), key by key and measure by measure."""
    with open_database(upgraded) as db, db.session() as s:
        user = s.exec(select(m.User).where(m.User.username == "jingban")).one()
        years = st.available_years(s, TODAY)
        checked = 0
        for program, dimensions in st.PROGRAM_DIMENSIONS.items():
            for dimension in dimensions:
                for year in ([None] if dimension == "year" else [None, *years[:3]]):
                    table = st.breakdown(s, user, program, dimension, year)
                    for row in table.rows:
                        for cell, value in zip(row.cells, row.values):
                            assert st.figure(s, user, cell) == value, cell
                            checked += 1
    assert checked > 300


def test_a_writes_records_added_up_by_the_server_give_the_rows_the_recount_does(
        tmp_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL ``record_contributions`` has the server add a write's records up (GROUPING SETS over the
    one-row-a-record select, which sixty rows of a county's 50,000 vouchers come back from); on SQLite they are
    added up here. On both: the rows ``contributions`` (the recount's way) gives — for all of a programme's
    records, every third, one with an id that is not there, and in chunks of seven ids added together — with
    the records whose key is empty (an unfiled household has no category) under the empty key."""
    from assist_desktop.services.demo import generate_demo

    with open_database(tmp_db) as db:
        generate_demo(db, 60, seed=5, today=TODAY)
        with db.engine.connect() as conn:
            empty_keys = 0
            for entity, program in tally.PROGRAMS.items():
                ids = sorted(r[0] for r in conn.exec_driver_sql(f"SELECT id FROM {entity}"))
                assert ids, entity
                for some in (ids, ids[::3], ids[:1] + ["no-such-record"]):
                    got = tally.record_contributions(conn, program, some)
                    assert got == tally.contributions(conn, program, some), (program, len(some))
                everything = tally.record_contributions(conn, program, ids)
                assert everything, program
                empty_keys += sum(1 for (_p, dimension, key, *_rest) in everything
                                  if dimension != tally.TOTAL and key == tally.NONE_KEY)
                monkeypatch.setattr(tally, "ARRAY_CHUNK", 7)
                monkeypatch.setattr(tally, "CHUNK", 7)
                assert tally.record_contributions(conn, program, ids) == everything, program
                monkeypatch.undo()
            assert empty_keys


def test_a_record_read_alone_gives_the_rows_the_grouped_recount_does(upgraded: Path) -> None:
    """``record_contributions`` (one row a record, grouped in Python: a write's way) equals ``contributions``
    (one grouped statement a dimension: the recount's way) for every record of every programme, and the widest
    dimension's joins hold every other's."""
    from sqlalchemy import literal
    from sqlalchemy import select as sa_select
    from sqlalchemy.sql.util import find_tables

    def tables(dimension: str | None) -> set[str]:
        froms = source.joins(sa_select(literal(1)), dimension).get_final_froms()
        return {t.name for f in froms for t in find_tables(f, include_aliases=True)}

    with open_database(upgraded) as db, db.engine.connect() as conn:
        for entity, program in tally.PROGRAMS.items():
            ids = [r[0] for r in conn.exec_driver_sql(f"SELECT id FROM {entity}")]
            assert ids, entity
            assert tally.record_contributions(conn, program, ids) == tally.contributions(conn, program, ids), program
            source = st.source_of(program)
            for dimension in tally.dimensions(program):
                assert tables(dimension or None) <= tables(tally.WIDEST[program]), (program, dimension)
