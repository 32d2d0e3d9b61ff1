"""A city holding its counties' records, for the services' tests at an upper unit: the sync tests' network
(tests/sync/conftest.py), with 绥德 and 米脂 carried to 榆林; and a helper to check figures with sqlite3."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

from tests.dbtools import connect
import pytest

from tests.sync.conftest import Network, net, network_template  # noqa: F401 - the fixtures


@pytest.fixture
def city(net: Network) -> Network:  # noqa: F811
    net.carry("suide", "yulin")
    net.carry("mizhi", "yulin")
    return net


def sql(path: Any, query: str, *args: Any) -> list[tuple]:
    with closing(connect(path)) as conn:
        return conn.execute(query, args).fetchall()
