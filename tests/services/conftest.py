"""A county database with one user per role, grassroots unions, and helpers to file households."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from assist_desktop.domain.ids import id_check_character
from assist_desktop.domain.lifecycle import Role
from assist_desktop.services.demo import ensure_demo_unit
from assist_desktop.services.passwords import hash_password
from assist_desktop.services.registry import FileInput, MemberInput
from assist_desktop.storage import models as m
from assist_desktop.storage.engine import Database
from assist_desktop.storage.location import Location
from assist_desktop.storage.schema import open_database
from tests.dbtools import Databases, Template, count

TODAY = date(2026, 11, 20)  # a Friday


def make_id(born: str, seq: int, region: str = "610826") -> str:
    """A valid ID number: ``born`` as YYYYMMDD, ``seq`` 0-999 (odd = male)."""
    first17 = f"{region}{born}{seq:03d}"
    return first17 + id_check_character(first17)


@dataclass
class County:
    path: Location  # the file, or the server database (tests/dbtools.py)
    db: Database
    users: dict[str, m.User]
    grassroots_id: str

    def session(self) -> Session:
        return self.db.session()

    def count(self, table: str, where: str = "1 = 1") -> int:
        return count(self.path, table, where)

    def counts(self) -> dict[str, int]:
        return {t: self.count(t) for t in ("hardship_file", "member", "audit_event", "workflow_event",
                                           "number_sequence", "annual_review", "tombstone")}


def _add_user(db: Database, unit_id: str, username: str, display: str, roles: tuple[Role, ...]) -> None:
    with db.transaction() as s:
        user = m.User(owner_unit_id=unit_id, username=username, display_name=display, unit_id=unit_id,
                      password_hash=hash_password("password-123"))
        s.add(user)
        s.flush()
        for role in roles:
            s.add(m.UserRole(user_id=user.id, role=role.value))


def _build_county(location: Location) -> None:
    with open_database(location) as db:
        ensure_demo_unit(db)  # admin, jingban (clerk), shenhe (reviewer), shenpi (approver)
        with db.session() as s:
            unit_id = s.get(m.Meta, "local_unit_id").value
        _add_user(db, unit_id, "clerk2", "赵敏", (Role.clerk,))
        _add_user(db, unit_id, "allround", "刘强", (Role.clerk, Role.reviewer, Role.approver))
        with db.transaction() as s:
            s.add(m.OrgUnit(owner_unit_id=unit_id, code="610826G001", name="名州镇总工会", level="grassroots",
                            parent_id=unit_id))


@pytest.fixture(scope="session")
def county_template(databases: Databases) -> Template:
    """Built once per engine (password hashing is slow on purpose), copied for every test."""
    return databases.template("county", _build_county)


@pytest.fixture
def county(tmp_path: Path, county_template: Template, databases: Databases) -> Iterator[County]:
    path = databases.copy(county_template, tmp_path, "county.sqlite")
    db = open_database(path)
    with db.session() as s:
        grass_id = s.exec(select(m.OrgUnit.id).where(m.OrgUnit.code == "610826G001")).one()
        users = {u.username: u for u in s.exec(select(m.User))}
    yield County(path, db, users, grass_id)
    db.close()
    databases.drop(path)


@pytest.fixture
def household(county: County) -> FileInput:
    """A deep-hardship household of three: worker, wife, a son at senior high."""
    return FileInput(
        name="王建国", id_number=make_id("19800315", 123), phone="13912345678",
        address="陕西省榆林市绥德县名州镇张家村12号", employer_name="绥德县兴业建筑工程有限公司",
        unit_id=county.grassroots_id, primary_cause=6, secondary_causes=(9,),
        worker_monthly_income_fen=80_000, other_annual_income_fen=120_000, medical_expenses_fen=1_000_000,
        members=[
            MemberInput(name="李秀英", relation="spouse", id_number=make_id("19820611", 224), identity="unemployed"),
            MemberInput(name="王浩", relation="son", id_number=make_id("20090901", 331), identity="student",
                        education_level="senior_high", admission_year=2024, study_years=3),
        ],
        bank_name="中国农业银行", bank_account="6228480123456789012",
    )


def other_household(base: FileInput, county: County, **changes: object) -> FileInput:
    return replace(base, name="张伟", id_number=make_id("19750102", 457), members=[], **changes)
