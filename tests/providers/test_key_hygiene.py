"""An API key, once given, is never shown again and never stored in the clear (api-v1: "stored encrypted, never
returned"): not in any API answer, not in the SQLite files (main file, -wal, -shm) or anything else in the data dir,
not in the log; the master key file is private (0600) and 32 bytes.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from tests.conftest import make_bot, wait_for_run
from tests.support.fake_openai import FakeOpenAI, error, text

from openorchestrator.config import Config

KEY = "sk-hygiene-Qz7Xw3Kp9Lm2Vb8Nc4Rt6Yh1Jd5Fg0Sa"
FRAGMENTS = (KEY, KEY[:-4], KEY[3:24], KEY[12:40])
"""The key and pieces of it that no hint ("…" + the last four) could explain."""
PROMPT_MARKER = "Hygiene-prompt-marker-7f3a"


@pytest.fixture
def keyed_fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(api_keys=[KEY]) as server:
        yield server


def assert_no_key(where: str, data: str | bytes) -> None:
    for fragment in FRAGMENTS:
        needle = fragment.encode() if isinstance(data, bytes) else fragment
        assert needle not in data, f"{fragment!r} found in {where}"


def data_files(config: Config) -> dict[Path, bytes]:
    """Every file in the data dir except the master key, with the SQLite files (main, -wal, -shm) among them."""
    files = {
        path: path.read_bytes()
        for path in sorted(config.data_dir.rglob("*"))
        if path.is_file() and path != config.key_file
    }
    assert config.sqlite_path in files
    return files


async def test_the_key_is_never_returned_nor_stored_in_the_clear(
    client: httpx2.AsyncClient, keyed_fake: FakeOpenAI, config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    answers: dict[str, str] = {}

    checked = await client.post(
        "/api/providers/validate", json={"type": "openai", "api_key": KEY, "base_url": keyed_fake.base_url}
    )
    answers["validate"] = checked.text
    assert checked.json()["valid"] is True
    created = await client.post(
        "/api/providers", json={"type": "openai", "api_key": KEY, "base_url": keyed_fake.base_url}
    )
    answers["create"] = created.text
    assert created.status_code == 201, created.text
    assert created.json()["api_key_hint"] == "…" + KEY[-4:]
    credential_id = created.json()["id"]
    refused = await client.post(
        "/api/providers", json={"type": "openai", "api_key": KEY, "base_url": keyed_fake.base_url}
    )
    answers["create refused (name taken)"] = refused.text
    assert refused.status_code == 422
    unknown_field = await client.post("/api/providers", json={"type": "openai", "api_key": KEY, "secret": KEY})
    answers["create refused (unknown field)"] = unknown_field.text
    assert unknown_field.status_code == 422

    bot = await make_bot(client, name="Hygiene", prompt=PROMPT_MARKER)
    keyed_fake.script(text("fine"))
    good = (await client.post(f"/api/bots/{bot['id']}/runs", json={"input": "go"})).json()
    assert (await wait_for_run(client, good["id"]))["status"] == "completed"
    # A provider (or gateway) that repeats the key in its error: the run must not carry it on.
    keyed_fake.script(error(401, code="invalid_api_key", message=f"Incorrect API key provided: {KEY}."))
    bad = (await client.post(f"/api/bots/{bot['id']}/runs", json={"input": "go"})).json()
    failed = await wait_for_run(client, bad["id"])
    assert (failed["status"], failed["error_code"]) == ("failed", "invalid_key"), failed
    assert any("…" + KEY[-4:] in entry["message"] for entry in failed["log"]), failed["log"]  # shown, redacted
    assert (await client.patch("/api/settings", json={"language": "en"})).status_code == 200

    for path in (
        "/api/providers",
        f"/api/providers/{credential_id}",
        "/api/bots",
        f"/api/bots/{bot['id']}",
        f"/api/bots/{bot['id']}/runs",
        f"/api/runs/{good['id']}",
        f"/api/runs/{bad['id']}",
        "/api/settings",
        "/api/status",
        "/api/health",
        "/openapi.json",
    ):
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
        answers[path] = response.text
    for where, answer in answers.items():
        assert_no_key(f"the answer to {where}", answer)

    files = data_files(config)
    assert any(PROMPT_MARKER.encode() in data for data in files.values()), "the scan does not see what was written"
    for path, data in files.items():
        assert_no_key(str(path), data)
    assert_no_key("the log", caplog.text)
    assert keyed_fake.requests[-1].api_key == KEY  # the stored key is the one used


async def test_the_master_key_file_is_private(client: httpx2.AsyncClient, config: Config) -> None:
    key_file = config.key_file

    assert key_file == config.data_dir / "secret.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    master = key_file.read_bytes()
    assert len(master) == 32
    assert len(set(master)) > 8  # random, not a constant
    for path, data in data_files(config).items():
        assert master not in data, f"the master key is in {path}"
    assert not key_file.with_suffix(".tmp").exists()
