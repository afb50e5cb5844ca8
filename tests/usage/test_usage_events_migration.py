"""Migration 0002 (events): the migrated table matches the model, and it goes down and up again cleanly."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from openorchestrator.config import Config
from openorchestrator.db.base import Base
from openorchestrator.db.migrate import HEAD_REVISION, MIGRATIONS_DIR, upgrade


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    return config


def sqlite_file(config: Config) -> tuple[str, Path]:
    config.ensure_dirs()
    return f"sqlite:///{config.sqlite_path}", config.sqlite_path


def only_events(name: str | None, type_: str, _parents: Any) -> bool:
    return type_ != "table" or name == "events"


def only_events_objects(obj: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any) -> bool:
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return table is not None and table.name == "events"


def test_the_migrated_events_table_matches_the_model(config: Config) -> None:
    url, _ = sqlite_file(config)
    assert upgrade(config.db_url)
    engine = create_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": only_events, "include_object": only_events_objects}
        )
        diffs = compare_metadata(context, Base.metadata)
    engine.dispose()

    from alembic.script import ScriptDirectory

    # Start-up skips Alembic when the stored revision equals HEAD_REVISION: it must be the real head.
    assert ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() == HEAD_REVISION
    assert diffs == []


def test_down_to_0001_and_up_again(config: Config) -> None:
    url, path = sqlite_file(config)
    upgrade(config.db_url)

    command.downgrade(alembic_config(url), "0001")
    with sqlite3.connect(path) as conn:
        tables_down = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert upgrade(config.db_url)  # start-up sees 0001 and migrates
    with sqlite3.connect(path) as conn:
        indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'events'")}

    assert "events" not in tables_down and "runs" in tables_down
    assert {"events", "ix_events_kind_created_at", "ix_events_bot_id_created_at"} <= indexes
    assert not upgrade(config.db_url)  # at head: nothing to do
