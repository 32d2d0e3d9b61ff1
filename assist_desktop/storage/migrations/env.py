"""Alembic environment: always run on a connection handed over by storage.schema."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from assist_desktop.storage import models  # noqa: F401  (registers the tables)

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the program's own runner is supported
    raise RuntimeError("请通过 assist_desktop.storage.schema 升级数据库")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things; batch mode copies the table. PostgreSQL alters in place.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    # columns and indexes the engine keeps beyond the models (storage.derived: PostgreSQL's rowid)
    include_object=lambda obj, name, kind, reflected, compare_to: not (
        reflected and compare_to is None and name in ("rowid", "ux_hardship_file_rowid")),
)
with context.begin_transaction():
    context.run_migrations()
