"""Alembic environment: runs migrations synchronously on the URL given by `db/migrate.py`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, event, pool

from openorchestrator.db import models  # noqa: F401  (registers the tables)
from openorchestrator.db.base import Base
from openorchestrator.db.connection import _on_sqlite_connect

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url
engine = create_engine(url, poolclass=pool.NullPool)
if engine.dialect.name == "sqlite":
    event.listen(engine, "connect", _on_sqlite_connect)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
