"""SIGKILL in the middle of the long writes (see crash.py). ``RELIABILITY_KILLS`` kills in all (40 by
default, as CI runs them), spread evenly over the operations; the full round is

    RELIABILITY_KILLS=250 nice -n 10 .venv/bin/python -m pytest tests/reliability/test_crash.py -s
"""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path

import pytest

from tests.reliability import crash

KILLS = int(os.environ.get("RELIABILITY_KILLS", "40"))
# KILLS shared out over the operations (the first ones take the remainder), at least 4 each
RUNS = {name: max(4, KILLS // len(crash.OPERATIONS) + (i < KILLS % len(crash.OPERATIONS)))
        for i, name in enumerate(crash.OPERATIONS)}


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return crash.make_templates(tmp_path_factory.mktemp("crash"))


@pytest.mark.parametrize("operation", list(crash.OPERATIONS))
def test_a_killed_operation_is_wholly_there_or_wholly_absent(operation: str, templates: dict[str, Path],
                                                            tmp_path: Path) -> None:
    rng = random.Random(f"{operation}-{KILLS}")
    template = templates[operation]
    durations, before, after = crash.time_write(template, tmp_path / "timing", operation)
    runs = RUNS[operation]
    schedule = crash.Schedule(durations, runs, rng)
    seen: Counter[str] = Counter()
    when: Counter[str] = Counter()
    for k, delay in enumerate(schedule):
        outcome = crash.run_once(template, tmp_path / f"run-{k % 2}", operation, delay, before, after)
        schedule.observe(outcome)
        seen[outcome.state] += 1
        when[outcome.moment] += 1
    took = f"{min(schedule.durations):.2f}–{max(schedule.durations):.2f} s"
    print(f"\n{operation}: {runs} kills over a write of {took}: {dict(when)}; the file held the state {dict(seen)} (integrity, foreign keys, audit chain, "
          f"all-or-nothing held every time; the write: {crash.describe(before, after)})")
    assert sum(seen.values()) == runs
    # on a busy machine a write can run faster or slower than measured (the schedule follows it), and a
    # tenth of the kills aim past its end; but a round where the kills missed the write tells little
    during = when["during the write"]
    assert during >= runs / 3, f"only {during} of {runs} kills came during the write"
