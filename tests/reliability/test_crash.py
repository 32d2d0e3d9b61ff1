"""SIGKILL in the middle of the long writes (see crash.py). CI runs a short round (RELIABILITY_KILLS,
default 40 in all); the full round of 250 is

    RELIABILITY_KILLS=250 .venv/bin/python -m pytest tests/reliability -s
"""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path

import pytest

from tests.reliability import crash

KILLS = int(os.environ.get("RELIABILITY_KILLS", "40"))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("county") / "county.sqlite"
    crash.make_county(path)
    return path


@pytest.mark.parametrize("operation", sorted(crash.OPERATIONS))
def test_a_killed_operation_is_wholly_there_or_wholly_absent(operation: str, county: Path, tmp_path: Path) -> None:
    rng = random.Random(f"{operation}-{KILLS}")
    window = crash.timed_window(county, tmp_path / "timing", operation)
    runs = max(4, KILLS // len(crash.OPERATIONS))
    seen = Counter()
    for k in range(runs):
        outcome = crash.run_once(county, tmp_path / f"run-{k % 2}", operation, rng, window)
        seen[outcome.state] += 1
    print(f"\n{operation}: {runs} kills within {window:.2f} s — {dict(seen)} (integrity, audit chain, "
          f"all-or-nothing held every time)")
    assert sum(seen.values()) == runs
