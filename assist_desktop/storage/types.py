"""Column types that read the same on both engines but are stored as each engine does best.

- ``WIDE_INTEGER``: SQLite's INTEGER is 64 bits; PostgreSQL's is 32. Times in milliseconds (``mtime``,
  1.7 × 10¹² today) and money in fen (a province's Spring Festival budget passes 2³¹ fen, 21 million yuan)
  are BIGINT there. On SQLite the column stays INTEGER, so no SQLite file is rebuilt for it.
- ``JSONText``: a JSON document kept as its text by the program (the audit chain hashes the exact text):
  TEXT on SQLite, JSONB on PostgreSQL (indexable, checked as JSON on the way in); read back on PostgreSQL it
  is written out again in the program's canonical form (sorted keys, no spaces), which is the form the
  program writes, so the audit chain verifies the same on both engines.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import BigInteger, Integer, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

WIDE_INTEGER = BigInteger().with_variant(Integer(), "sqlite")


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


class JSONText(TypeDecorator[str]):
    impl = Text
    cache_ok = True

    class comparator_factory(TypeDecorator.Comparator[str]):  # noqa: N801 - SQLAlchemy's name
        """``LIKE`` on the document's text, as on SQLite (JSONB has no LIKE of its own)."""

        def like(self, other: Any, escape: str | None = None) -> Any:
            from sqlalchemy import cast

            return cast(self.expr, Text).like(other, escape=escape)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "postgresql":
            return value
        return json.loads(value) if isinstance(value, str) else value  # JSONB's own processor writes it

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "postgresql" or isinstance(value, str) and not value:
            return value
        return canonical_json(value)


# 统计's summary (services.tally): its sums of fen, and its counts beside them
WIDE_SUMS = {"stat_tally": ("n", "v1", "v2")}


def widen(metadata_tables: Any) -> None:
    """Give every ``mtime`` and ``*_fen`` column of the given tables, and the summary's sums, the wide integer
    type."""
    for table in metadata_tables:
        for column in table.columns:
            if column.name == "mtime" or column.name.endswith("_fen") or column.name in WIDE_SUMS.get(table.name, ()):
                column.type = WIDE_INTEGER
