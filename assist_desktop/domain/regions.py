"""GB/T 2260 administrative division codes, current and retired (resources/regions/gb2260.csv).

Older workers carry ID numbers with retired codes, so lookups fall back to the
latest historical name instead of failing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from assist_desktop.domain.errors import DomainError
from assist_desktop.paths import resource_path

# Codes that stand for "the districts of a city" and the like rather than a place;
# they are valid in old ID numbers but are skipped in full names and county lists.
_PLACEHOLDER_NAMES = frozenset(
    {"市辖区", "市区", "县", "郊区", "市", "省直辖县级行政单位", "自治区直辖县级行政单位", "省直辖行政单位"}
)


class InvalidRegionCode(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="行政区划代码")


@dataclass(frozen=True, slots=True)
class RegionRecord:
    code: str
    name: str
    start_year: int | None
    end_year: int | None  # None: still in use

    @property
    def current(self) -> bool:
        return self.end_year is None


@cache
def _table() -> dict[str, tuple[RegionRecord, ...]]:
    records: dict[str, list[RegionRecord]] = {}
    with resource_path("regions", "gb2260.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            start, end = row["start_year"], row["end_year"]
            record = RegionRecord(row["code"], row["name"], int(start) if start else None, int(end) if end else None)
            records.setdefault(record.code, []).append(record)
    # Current record first, then the most recently retired: region_name() takes the first.
    return {
        code: tuple(sorted(recs, key=lambda r: (r.current, r.end_year or 0, r.start_year or 0), reverse=True))
        for code, recs in records.items()
    }


@cache
def _current_codes() -> tuple[str, ...]:
    return tuple(sorted(code for code, recs in _table().items() if recs[0].current))


def _check(code: str) -> str:
    if not isinstance(code, str) or len(code) != 6 or not code.isascii() or not code.isdigit():
        raise InvalidRegionCode(f"行政区划代码“{code}”应为6位数字")
    return code


def history(code: str) -> tuple[RegionRecord, ...]:
    """Every record of a code, current first; empty if unknown."""
    return _table().get(code, ())


def is_known_region(code: str) -> bool:
    return code in _table()


def region_name(code: str) -> str | None:
    """The current name, else the latest historical one; None if the code is unknown."""
    records = _table().get(code)
    return records[0].name if records else None


def province_code(code: str) -> str:
    return _check(code)[:2] + "0000"


def city_code(code: str) -> str | None:
    """The prefecture-level code above ``code``; None for a province-level code."""
    code = _check(code)
    return None if code[2:4] == "00" else code[:4] + "00"


def full_region_name(code: str) -> str | None:
    """Province + city + county, e.g. 610826 → 陕西省榆林市绥德县; None if unknown."""
    own = region_name(code)
    if own is None:
        return None
    parts: list[str] = []
    for upper in (province_code(code), city_code(code)):
        if upper is None or upper == code:
            continue
        name = region_name(upper)
        # Municipalities' 市辖区/县 and 省直辖县级行政单位 are groupings, not places.
        if name and name not in _PLACEHOLDER_NAMES:
            parts.append(name)
    parts.append(own)
    return "".join(parts)


def counties_in(prefix: str) -> list[str]:
    """Current county-level codes under a 2-digit province or 4-digit city prefix, sorted."""
    if not isinstance(prefix, str) or len(prefix) not in (2, 4) or not prefix.isascii() or not prefix.isdigit():
        raise InvalidRegionCode(f"行政区划前缀“{prefix}”应为2位（省）或4位（市）数字")
    table = _table()
    return [
        code
        for code in _current_codes()
        if code.startswith(prefix) and code[4:] != "00" and table[code][0].name not in _PLACEHOLDER_NAMES
    ]
