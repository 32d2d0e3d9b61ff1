"""The pinyin sort keys stored beside the names of the big lists (files, applications, visits).

Names sort by pinyin in every list (李安 before 连, 单 as Shàn); the lists are lazy SQL queries over up to
300k rows, so the order must come from an indexed column, not from a Python collation run per
comparison. The key is ``domain.names.pinyin_sort_key`` of the name, kept by the program on every write:

- ORM writes (the services): the mapper events below, on insert and whenever the name changes;
- Core bulk inserts (demo data, ledger import, visit-list generation): ``storage.bulk.insert_rows``;
- sync import: ``sync.importer`` (the key is not part of the package: each program computes its own);
- files made before: migration 0008.

The same key orders PostgreSQL's lists (a plain text column sorts the same in the C collation).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any

from sqlalchemy import event, inspect

from assist_desktop.domain.names import pinyin_sort_key
from assist_desktop.storage.models import HardshipFile, Scholarship, Visit

# table → (name column, sort-key column)
SORT_KEYS: dict[str, tuple[str, str]] = {
    "hardship_file": ("name", "name_sort"),
    "scholarship": ("student_name", "student_name_sort"),
    "visit": ("recipient_name", "recipient_name_sort"),
}
DERIVED_COLUMNS = frozenset((table, key) for table, (_name, key) in SORT_KEYS.items())


def fill(table: str, rows: Iterable[MutableMapping[str, Any]]) -> None:
    """Set the sort key of dict rows about to be inserted (those that carry the name)."""
    pair = SORT_KEYS.get(table)
    if pair is None:
        return
    name, key = pair
    for row in rows:
        if name in row:
            row[key] = pinyin_sort_key(row[name])


def _keep(model: type, name: str, key: str) -> None:
    def on_insert(_mapper: Any, _conn: Any, target: Any) -> None:
        setattr(target, key, pinyin_sort_key(getattr(target, name)))

    def on_update(_mapper: Any, _conn: Any, target: Any) -> None:
        if inspect(target).attrs[name].history.has_changes():
            setattr(target, key, pinyin_sort_key(getattr(target, name)))

    event.listen(model, "before_insert", on_insert)
    event.listen(model, "before_update", on_update)


for _model in (HardshipFile, Scholarship, Visit):
    _keep(_model, *SORT_KEYS[_model.__tablename__])  # type: ignore[attr-defined]
