"""``Database.snapshot``: a list's reads (count, page, rows) see one moment while other desks write."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import InternalError, OperationalError

from assist_desktop.storage.models import OrgUnit
from assist_desktop.storage.schema import open_database


def _add_unit(db, name: str) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        unit = str(uuid.uuid4())
        s.add(OrgUnit(id=unit, owner_unit_id=unit, code="653122", name=name, level="county"))


def test_a_snapshot_sees_one_moment_though_another_desk_commits(tmp_db, engine) -> None:  # type: ignore[no-untyped-def]
    count = select(func.count()).select_from(OrgUnit)
    with open_database(tmp_db) as db:
        _add_unit(db, "疏勒县总工会")
        with db.snapshot() as reading, db.session() as plain:
            before = reading.execute(count).scalar_one()
            plain_before = plain.execute(count).scalar_one()
            _add_unit(db, "新疆维吾尔自治区喀什地区疏附县总工会")  # another desk, committed
            assert reading.execute(count).scalar_one() == before  # fails on a server at READ COMMITTED
            if db.is_server:  # (a plain session on a server sees each commit; a file's transaction does not)
                assert plain.execute(count).scalar_one() == plain_before + 1
        with db.snapshot() as later:
            assert later.execute(count).scalar_one() == before + 1  # a new snapshot sees it
        if db.is_server:  # and it only reads
            with db.snapshot() as reading, pytest.raises((InternalError, OperationalError), match="read-only"):
                reading.add(OrgUnit(id=str(uuid.uuid4()), owner_unit_id=None, code="1", name="x", level="county"))
                reading.flush()
        with db.session() as s:  # the pool's connections go back as they were: a plain session writes
            unit = str(uuid.uuid4())
            s.add(OrgUnit(id=unit, owner_unit_id=unit, code="653121", name="疏附县总工会", level="county"))
            s.commit()
