"""Names' pinyin sort keys at the upper unit (issue 18): not carried in the package (each program computes
its own from the name), made on import — for new rows and for a renamed one."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from sqlmodel import select

from assist_desktop.domain.names import pinyin_sort_key
from assist_desktop.storage import models as m
from assist_desktop.sync.tables import specs
from tests.dbtools import connect

from .conftest import Network


def _pairs(path, table: str, name: str, key: str, owner: str) -> list[tuple]:
    with closing(connect(path)) as conn:
        return conn.execute(f'SELECT {name}, {key} FROM "{table}" WHERE owner_unit_id = ?', (owner,)).fetchall()


def test_the_city_makes_the_keys_of_what_it_takes_in(net: Network) -> None:
    suide, yulin = net["suide"], net["yulin"]
    assert "name_sort" not in specs()["hardship_file"].names  # never in the package
    net.carry("suide", "yulin")
    for table, name, key in (("hardship_file", "name", "name_sort"), ("visit", "recipient_name", "recipient_name_sort"),
                             ("scholarship", "student_name", "student_name_sort")):
        pairs = _pairs(yulin.path, table, name, key, suide.unit_id)
        assert pairs and all(k == pinyin_sort_key(n) for n, k in pairs), table
    from assist_desktop.services.base import touch

    with suide.db.transaction() as s:  # a rename at the county travels, and the city's key follows it
        hf = s.exec(select(m.HardshipFile).where(m.HardshipFile.owner_unit_id == suide.unit_id)).first()
        hf.name, renamed = "曾志伟", hf.id
        touch(hf)
    net.carry("suide", "yulin")
    with closing(connect(yulin.path)) as conn:
        assert conn.execute("SELECT name, name_sort FROM hardship_file WHERE id = ?", (renamed,)).fetchone() == (
            "曾志伟", pinyin_sort_key("曾志伟"))
