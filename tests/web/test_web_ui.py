"""The built web UI as a browser gets it from the app: a temporary build (index.html, a hashed asset, a
favicon) in `Config.web_dist_dir`, reached through the guard like every request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
from tests.conftest import app_client, error_of

from openorchestrator.config import Config
from openorchestrator.runtime import Runtime

INDEX = '<!doctype html><html><head><title>openOrchestrator</title></head><body><div id="root"></div></body></html>'
ASSET = "assets/index-Bx7f3k2a.js"
SCRIPT = "console.log('ui');"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    build = tmp_path / "web_dist"
    (build / "assets").mkdir(parents=True)
    (build / "index.html").write_text(INDEX, encoding="utf-8")
    (build / ASSET).write_text(SCRIPT, encoding="utf-8")
    (build / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not for the web", encoding="utf-8")
    return build


@pytest.fixture
def config(tmp_path: Path, dist: Path) -> Config:
    return Config(data_dir=tmp_path / "data", web_dist_dir=dist, _env_file=None)  # type: ignore[call-arg]


def is_index(response: httpx2.Response) -> bool:
    return response.status_code == 200 and response.text == INDEX


async def test_the_start_page_is_the_builds_index_and_is_revalidated(client: httpx2.AsyncClient) -> None:
    response = await client.get("/")

    assert is_index(response)
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers.get("etag")


async def test_hashed_assets_are_cached_for_a_year(client: httpx2.AsyncClient) -> None:
    response = await client.get(f"/{ASSET}")

    assert response.status_code == 200
    assert response.text == SCRIPT
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("path", ["/bots", "/bots/01JABCDEF/runs", "/settings/providers?tab=keys", "/index.html"])
async def test_a_client_side_route_survives_a_reload(client: httpx2.AsyncClient, path: str) -> None:
    response = await client.get(path)

    assert is_index(response)
    assert response.headers["cache-control"] == "no-cache"


async def test_other_files_of_the_build_are_served_as_they_are(client: httpx2.AsyncClient) -> None:
    response = await client.get("/favicon.svg")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["cache-control"] == "no-cache"


async def test_a_missing_asset_is_a_404_not_the_page(client: httpx2.AsyncClient) -> None:
    error_of(await client.get("/assets/index-gone.js"), 404, "not_found")


async def test_nothing_outside_the_build_is_served(client: httpx2.AsyncClient) -> None:
    for path in ("/%2e%2e/secret.txt", "/..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt"):
        response = await client.get(path)
        assert "not for the web" not in response.text, path


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
async def test_unknown_api_paths_keep_the_json_404(client: httpx2.AsyncClient, method: str) -> None:
    error_of(await client.request(method, "/api/no-such-thing"), 404, "not_found")
    error_of(await client.request(method, "/api"), 404, "not_found")


async def test_the_api_keeps_its_405_and_its_documents(client: httpx2.AsyncClient) -> None:
    response = await client.delete("/api/bots")
    error_of(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET, POST"

    assert (await client.get("/openapi.json")).json()["info"]["title"] == "openOrchestrator"
    docs = await client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    error_of(await client.get("/docs/nothing-here"), 404, "not_found")


async def test_the_page_answers_head(client: httpx2.AsyncClient) -> None:
    response = await client.head("/bots")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


async def test_the_guard_covers_the_ui_too(client: httpx2.AsyncClient) -> None:
    response = await client.get("/", headers={"host": "evil.example"})
    error_of(response, 403, "forbidden_host")


@pytest.fixture
async def tokened(tmp_path: Path, dist: Path) -> AsyncIterator[httpx2.AsyncClient]:
    from openorchestrator.runtime import open_runtime

    config = Config(data_dir=tmp_path / "tok", web_dist_dir=dist, access_token="t0ken", _env_file=None)  # type: ignore[call-arg]
    runtime: Runtime = await open_runtime(config)
    try:
        async with app_client(config, runtime) as http:
            yield http
    finally:
        await runtime.close()


async def test_with_an_access_token_the_page_loads_but_the_api_asks_for_it(tokened: httpx2.AsyncClient) -> None:
    assert is_index(await tokened.get("/bots"))
    assert (await tokened.get(f"/{ASSET}")).status_code == 200
    error_of(await tokened.get("/api/bots"), 401, "unauthorized")


async def test_without_a_build_the_start_page_says_how_to_make_one(tmp_path: Path) -> None:
    from openorchestrator.runtime import open_runtime

    empty = tmp_path / "no-build"
    empty.mkdir()
    config = Config(data_dir=tmp_path / "data2", web_dist_dir=empty, _env_file=None)  # type: ignore[call-arg]
    runtime = await open_runtime(config)
    try:
        async with app_client(config, runtime) as http:
            home = await http.get("/")
            assert home.status_code == 200 and "make run" in home.text
            deep = await http.get("/bots/1")
            assert deep.status_code == 404 and "make run" in deep.text
            error_of(await http.get("/assets/index.js"), 404, "not_found")
            error_of(await http.get("/api/nope"), 404, "not_found")
    finally:
        await runtime.close()


async def test_a_build_made_while_the_server_runs_is_served_at_once(tmp_path: Path) -> None:
    from openorchestrator.runtime import open_runtime

    later = tmp_path / "later"
    config = Config(data_dir=tmp_path / "data3", web_dist_dir=later, _env_file=None)  # type: ignore[call-arg]
    runtime = await open_runtime(config)
    try:
        async with app_client(config, runtime) as http:
            assert "make run" in (await http.get("/")).text
            (later / "assets").mkdir(parents=True)
            (later / "index.html").write_text(INDEX, encoding="utf-8")
            (later / ASSET).write_text(SCRIPT, encoding="utf-8")
            assert is_index(await http.get("/"))
            assert (await http.get(f"/{ASSET}")).text == SCRIPT
    finally:
        await runtime.close()
