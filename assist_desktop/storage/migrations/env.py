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
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
