"""A shared engine world per test module: one migrated data dir, one app, one fake OpenAI, one credential.

Building these costs ~0.5 s (migrations, two SDK clients each loading the CA bundle, the key check), so the
engine tests share them per module and clean up between tests instead: every test gets `world` with no bots,
no runs in flight, the default settings and a fake with nothing scripted. Modules using it run on one event
loop: `pytestmark = pytest.mark.asyncio(loop_scope="module")`. A module can set `ENGINE_SETTINGS = {...}` to
build its world with other process settings (e.g. `max_retry_delay_seconds`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx2
import pytest
import pytest_asyncio
from tests.conftest import TEST_KEY
from tests.engine.engine_support import World
from tests.support.fake_openai import FakeOpenAI

from openorchestrator.app import create_app
from openorchestrator.config import Config
from openorchestrator.runtime import open_runtime

DEFAULT_SETTINGS = {"max_parallel_runs": 3, "language": "de"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def _engine_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    overrides = getattr(request.module, "ENGINE_SETTINGS", {})
    config = Config(  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("engine") / "data", retry_delay_seconds=0.05, _env_file=None, **overrides
    )
    with FakeOpenAI(api_keys=[TEST_KEY]) as fake:
        services = await open_runtime(config)
        try:
            app = create_app(config, runtime=services)
            async with app.router.lifespan_context(app):
                transport = httpx2.ASGITransport(app=app)
                async with httpx2.AsyncClient(transport=transport, base_url="http://127.0.0.1:8765") as client:
                    response = await client.post(
                        "/api/providers", json={"type": "openai", "api_key": TEST_KEY, "base_url": fake.base_url}
                    )
                    assert response.status_code == 201, response.text
                    yield World(client, fake, services, config, response.json())
        finally:
            await services.close()


@pytest_asyncio.fixture(loop_scope="module")
async def world(_engine_world: World) -> AsyncIterator[World]:
    w = _engine_world
    w.fake.reset()
    w.fake.api_keys = frozenset({TEST_KEY})
    response = await w.client.patch("/api/settings", json=DEFAULT_SETTINGS)
    assert response.status_code == 200, response.text
    # A test that made the provider reject the key leaves the credential marked `error`: check it again.
    checked = await w.client.post(f"/api/providers/{w.credential['id']}/check")
    assert checked.json()["status"] == "connected", checked.text
    yield w
    # Clean slate for the next test: deleting the bots cancels their runs (waiting and running) and removes
    # their runs and folders; then nothing may be left running or waiting.
    w.fake.reset()  # stop answering from scripts; hangs already accepted go on until the cancel below
    for bot in (await w.client.get("/api/bots")).json():
        assert (await w.client.delete(f"/api/bots/{bot['id']}")).status_code == 204
    for _ in range(300):
        status = w.services.engine.status()
        if status["running"] == 0 and status["queue_depth"] == 0 and status["held"] == 0:
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError(f"the engine did not come to rest after the test: {status}")
