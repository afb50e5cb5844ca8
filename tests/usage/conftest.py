"""Budget, usage and events tests: the app on a real migrated SQLite file, with its clock fixed at `NOW`, and a
synchronous session on the same file (the kind the engine's run store uses)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session
from tests.usage.usage_support import NOW, FixedClock

from openorchestrator.config import Config
from openorchestrator.db.connection import _on_sqlite_connect, sync_url
from openorchestrator.runtime import Runtime, open_runtime


@pytest.fixture
async def services(config: Config) -> AsyncIterator[Runtime]:
    svc = await open_runtime(config, clock=FixedClock(NOW))
    try:
        yield svc
    finally:
        await svc.close()


@pytest.fixture
def db(services: Runtime) -> Iterator[Session]:
    """A sync session on the migrated database; tests commit what the app should see."""
    engine = create_engine(sync_url(services.config.db_url))
    event.listen(engine, "connect", _on_sqlite_connect)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()
