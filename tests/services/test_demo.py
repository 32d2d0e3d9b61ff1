"""Demo data must look like a real county's registry: valid, consistent, and by the domain's rules."""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from datetime import date
from pathlib import Path

from tests.dbtools import connect
import pytest

from assist_desktop.domain.hardship import HardshipCategory, per_capita_monthly_income, propose_category
from assist_desktop.domain.ids import parse_id_number
from assist_desktop.domain.names import pinyin_initials
from assist_desktop.domain.regions import region_name
from assist_desktop.domain.uscc import parse_uscc
from assist_desktop.services.demo import generate_demo
from assist_desktop.services.maintenance import check_database
from assist_desktop.storage.schema import open_database

TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    with open_database(path) as db:
        summary = generate_demo(db, 400, seed=11, today=TODAY)
    assert summary.families == 400
    return path


def _rows(path: Path, sql: str) -> list[sqlite3.Row]:
    with closing(connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


def test_people_have_valid_consistent_id_numbers(demo_db: Path) -> None:
    workers = _rows(demo_db, "SELECT id_number, sex, birth_date, id_tail, name, name_initials FROM hardship_file")
    members = _rows(demo_db, "SELECT id_number, sex, birth_date, relation, name, name_initials FROM member")
    everyone = [r["id_number"] for r in workers] + [r["id_number"] for r in members]
    assert len(everyone) == len(set(everyone)), "a person appears twice in the registry"
    for row in list(workers) + list(members):
        parsed = parse_id_number(row["id_number"], today=TODAY)
        assert parsed.sex.value == row["sex"]
        assert parsed.birth_date.isoformat() == row["birth_date"]
        assert parsed.region_code.startswith("61") and region_name(parsed.region_code)
        assert row["name_initials"] == pinyin_initials(row["name"])
    for row in workers:
        assert 18 <= parse_id_number(row["id_number"]).age_on(TODAY) <= 60
        assert row["id_tail"] == row["id_number"][-6:]
    relations = {(r["relation"], r["sex"]) for r in members}
    assert ("son", "female") not in relations and ("daughter", "male") not in relations


def test_categories_follow_the_formula(demo_db: Path) -> None:
    rows = _rows(demo_db, """SELECT category, household_annual_income_fen, medical_expenses_fen,
        schooling_expenses_fen, household_size, per_capita_monthly_income_fen, subsistence_line_fen,
        hardship_costs_fen, disaster_or_accident, worker_monthly_income_fen, other_annual_income_fen, id
        FROM hardship_file""")
    member_income = {r["file_id"]: r["s"] for r in _rows(
        demo_db, "SELECT file_id, sum(monthly_income_fen) * 12 AS s FROM member GROUP BY file_id")}
    sizes = Counter(r["file_id"] for r in _rows(demo_db, "SELECT file_id FROM member"))
    for r in rows:
        assert r["household_size"] == 1 + sizes.get(r["id"], 0)
        assert r["household_annual_income_fen"] == (r["worker_monthly_income_fen"] * 12 + r["other_annual_income_fen"]
                                                    + member_income.get(r["id"], 0))
        per_capita = per_capita_monthly_income(r["household_annual_income_fen"],
                                               r["medical_expenses_fen"] + r["schooling_expenses_fen"],
                                               r["household_size"])
        assert per_capita == r["per_capita_monthly_income_fen"]
        proposed = propose_category(per_capita_fen=per_capita, subsistence_line_fen=r["subsistence_line_fen"],
                                    annual_income_fen=r["household_annual_income_fen"],
                                    hardship_costs_fen=r["hardship_costs_fen"],
                                    disaster_or_accident=bool(r["disaster_or_accident"]))
        assert proposed is not None and proposed.value == r["category"]
    assert {r["category"] for r in rows} == {c.value for c in HardshipCategory}


def test_employers_have_valid_credit_codes_and_file_numbers_are_unique(demo_db: Path) -> None:
    for row in _rows(demo_db, "SELECT uscc FROM employer"):
        assert parse_uscc(row["uscc"]) == row["uscc"]
    numbers = [r["file_no"] for r in _rows(demo_db, "SELECT file_no FROM hardship_file")]
    assert len(numbers) == len(set(numbers))
    assert all(n.startswith("610826-") and len(n.split("-")[2]) == 5 for n in numbers)
    per_year = Counter(n.split("-")[1] for n in numbers)
    sequences = {r["prefix"]: r["last"] for r in _rows(demo_db, "SELECT prefix, last FROM number_sequence")}
    for year, count in per_year.items():
        assert sequences[f"file:610826:{year}"] == count


def test_history_is_paid_with_unique_vouchers(demo_db: Path) -> None:
    campaign = _rows(demo_db, "SELECT id, budget_fen FROM campaign")
    assert len(campaign) == 1
    visits = _rows(demo_db, "SELECT id, status, cash_fen, goods_fen, category FROM visit")
    assert visits and all(v["status"] == "paid" for v in visits)
    assert sum(v["cash_fen"] + v["goods_fen"] for v in visits) <= campaign[0]["budget_fen"]
    paid = {r["grant_id"]: r["amount_fen"] for r in _rows(demo_db, "SELECT grant_id, amount_fen FROM disbursement")}
    assert all(paid[v["id"]] == v["cash_fen"] for v in visits)
    vouchers = [r["voucher_no"] for r in _rows(demo_db, "SELECT voucher_no FROM disbursement")]
    assert len(vouchers) == len(set(vouchers))
    scholarships = _rows(demo_db, "SELECT round_id, student_id_number, plan, id FROM scholarship")
    assert scholarships
    assert len({(s["round_id"], s["student_id_number"]) for s in scholarships}) == len(scholarships)
    for s in scholarships:
        if s["plan"] == "one_off":
            assert s["id"] in paid


def test_database_passes_check(demo_db: Path) -> None:
    report = check_database(demo_db)
    assert report.ok, report.lines


def test_second_run_adds_families_without_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    with open_database(path) as db:
        generate_demo(db, 50, seed=1, today=TODAY)
        generate_demo(db, 50, seed=1, today=TODAY)  # the same seed again must not repeat people or numbers
    rows = _rows(path, "SELECT count(*) AS n, count(DISTINCT file_no) AS f, count(DISTINCT id_number) AS i "
                       "FROM hardship_file")[0]
    assert (rows["n"], rows["f"], rows["i"]) == (100, 100, 100)
    assert len(_rows(path, "SELECT id FROM campaign")) == 1  # history only on the first run
    assert check_database(path).ok
