"""Alembic migrations, applied at start-up and by `openorch db upgrade`.

Start-up asks SQLite for the stored revision first and imports Alembic only when there is work to do,
which keeps a normal start fast.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from openorchestrator.db.connection import sync_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
HEAD_REVISION = "0005"


def _sqlite_revision(url: str) -> str | None:
    path = make_url(url).database
    if not path or not Path(path).exists():
        return None
    with sqlite3.connect(path) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0] if row else None


def upgrade(url: str) -> bool:
    """Bring the database to the newest revision. Returns True when a migration ran."""
    sqlite = make_url(url).get_backend_name() == "sqlite"
    if sqlite and _sqlite_revision(url) == HEAD_REVISION:
        return False
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", sync_url(url))
    command.upgrade(config, "head")
    return True
