"""What the benchmark command reports: figures of repeated runs, and a verdict for every goal it measures.

A ``Figure`` is one quantity measured in several runs (at least five for a verdict): its median, min and
max are printed, and the median is what a goal is judged on. A ``Goal`` is one promise of an issue
("keystroke p95 ≤ 30 ms"); a benchmark returns every goal it measured, met or not, and the command's
verdict is the verdict of each goal — never "ok" while one is missed. The machine's load (``uptime``) is
written beside every benchmark, because the figures move with it on a shared machine.
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MIN_RUNS = 5


@dataclass
class Figure:
    """One quantity over several runs (seconds, milliseconds, MB, a ratio …)."""

    name: str
    unit: str
    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(float(value))

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def low(self) -> float:
        return min(self.values) if self.values else math.nan

    @property
    def high(self) -> float:
        return max(self.values) if self.values else math.nan

    def value_text(self) -> str:
        if not self.values:
            return "not measured"
        if len(self.values) == 1:
            return f"{_num(self.median)} {self.unit} (one run)"
        return (f"{_num(self.median)} {self.unit} (median of {len(self.values)}, "
                f"min {_num(self.low)}, max {_num(self.high)})")

    def text(self) -> str:
        return f"{self.name}: {self.value_text()}"

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "median": _round(self.median), "min": _round(self.low),
                "max": _round(self.high), "runs": len(self.values), "values": [_round(v) for v in self.values]}


@dataclass
class Goal:
    """A promise judged on a figure's median: ``figure <= limit`` (or ``>=`` with ``at_least``)."""

    name: str
    figure: Figure
    limit: float
    at_least: bool = False

    @property
    def runs_ok(self) -> bool:
        return len(self.figure.values) >= MIN_RUNS

    @property
    def met(self) -> bool:
        value = self.figure.median
        if math.isnan(value) or not self.runs_ok:
            return False
        return value >= self.limit if self.at_least else value <= self.limit

    def verdict(self) -> str:
        if not self.runs_ok:
            return f"NOT JUDGED ({len(self.figure.values)} runs, {MIN_RUNS} needed)"
        return "ok" if self.met else "MISSED"

    def text(self) -> str:
        sign = "≥" if self.at_least else "≤"
        return f"[{self.verdict()}] {self.name}: {self.figure.value_text()}; goal {sign} {_num(self.limit)} {self.figure.unit}"

    def as_dict(self) -> dict[str, Any]:
        return {"goal": self.name, "limit": self.limit, "at_least": self.at_least, "met": self.met,
                "verdict": self.verdict(), **self.figure.as_dict()}


@dataclass
class Result:
    """A benchmark's report: its goals, the other figures it measured, and notes (sizes, load)."""

    name: str
    goals: list[Goal] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)

    def goal(self, name: str, figure: Figure, limit: float, *, at_least: bool = False) -> Goal:
        made = Goal(name, figure, limit, at_least)
        self.goals.append(made)
        return made

    def figure(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    @property
    def met(self) -> bool:
        return bool(self.goals) and all(g.met for g in self.goals)

    def lines(self) -> list[str]:
        out = [f"  {g.text()}" for g in self.goals]
        out += [f"  · {f.text()}" for f in self.figures]
        out += [f"  · {k}: {v}" for k, v in self.notes.items()]
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"met": self.met, "goals": [g.as_dict() for g in self.goals],
                "figures": {f.name: f.as_dict() for f in self.figures}, "notes": self.notes}


def load_average() -> str:
    """``uptime``'s three load averages, as text (the machine is shared: figures move with its load)."""
    try:
        one, five, fifteen = os.getloadavg()
    except (OSError, AttributeError):
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    out = work()
    return time.perf_counter() - started, out


def p95(values: Sequence[float]) -> float:
    """The 95th percentile by the nearest-rank method (the value 95 % of the values are at or below)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def figure_of(name: str, unit: str, values: Iterable[float]) -> Figure:
    return Figure(name, unit, [float(v) for v in values])


def _round(value: float) -> float | None:
    if math.isnan(value):
        return None
    return round(value, 4) if abs(value) < 10 else round(value, 2)


def _num(value: float) -> str:
    if math.isnan(value):
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"
