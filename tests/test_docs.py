"""Everything a user can set or call is documented (as simonw/datasette's tests/test_docs.py does): every
runtime setting and every `OPENORCH_*` variable in docs/configuration.md, every API route in docs/api.md.

The lists come from the code itself (`AppSettings`, `Config`, the routes of `create_app`), so a new setting,
variable or route fails here, by name, until the docs say what it is.

How the docs are read:
- configuration.md: the first cell of a table row, in backticks (`| \\`timezone\\` | ... |`), in the section
  "Runtime settings" for settings and "Process settings" for variables.
- api.md: a backticked span that starts with the method(s) and the path, e.g. `GET /api/bots/{id}`,
  `GET\\|PATCH\\|DELETE /api/bots/{id}` or `POST /api/providers[?validate=false]`. Path parameter names do
  not matter (`{id}` documents `{bot_id}`); the query after `?` or `[` is not part of the path.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from openorchestrator.app import create_app
from openorchestrator.config import Config
from openorchestrator.settings.schemas import AppSettings

DOCS = Path(__file__).parent.parent / "docs"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PARAM = re.compile(r"\{[^}]*\}")
_TABLE_KEY = re.compile(r"^\|\s*`([^`]+)`\s*\|", re.MULTILINE)
_ROUTE = re.compile(rf"^((?:{'|'.join(METHODS)})(?:\\?\|(?:{'|'.join(METHODS)}))*) (/api[^\s?\[`]*)")


def section(markdown: str, heading: str) -> str:
    """The text under the `## ` heading that starts with `heading`, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## |\Z)", markdown, re.MULTILINE | re.DOTALL)
    assert match, f"docs: no section '## {heading}'"
    return match.group(1)


def table_keys(markdown: str) -> set[str]:
    return set(_TABLE_KEY.findall(markdown))


def route_key(method: str, path: str) -> str:
    """`GET /api/bots/{}`: the method and the path with its parameter names left out."""
    return f"{method} {_PARAM.sub('{}', path)}"


def documented_routes(markdown: str) -> set[str]:
    routes = set()
    for span in re.findall(r"`([^`\n]+)`", markdown):
        match = _ROUTE.match(span)
        if match:
            methods, path = match.groups()
            routes |= {route_key(method, path) for method in re.split(r"\\?\|", methods)}
    return routes


def app_routes(app: FastAPI) -> dict[str, str]:
    """Every method and path under /api the app answers (HEAD is Starlette's, for GET), as its key and as
    written in the code."""
    routes = {}
    for route in iter_route_contexts(app.routes):  # app.routes holds included routers unflattened
        path, methods = getattr(route, "path", ""), getattr(route, "methods", None) or set()
        if path == "/api" or path.startswith("/api/"):
            routes |= {route_key(method, path): f"{method} {path}" for method in methods if method != "HEAD"}
    return routes


def missing(names: set[str], documented: set[str]) -> str:
    return ", ".join(f"`{name}`" for name in sorted(names - documented))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    config = Config(data_dir=tmp_path_factory.mktemp("docs") / "data", _env_file=None)  # type: ignore[call-arg]
    return create_app(config)


def test_every_runtime_setting_is_documented() -> None:
    markdown = (DOCS / "configuration.md").read_text()
    documented = table_keys(section(markdown, "Runtime settings"))
    settings = set(AppSettings.model_fields)
    assert settings <= documented, (
        f"docs/configuration.md does not document the setting(s) {missing(settings, documented)}"
    )


def test_every_environment_variable_is_documented() -> None:
    markdown = (DOCS / "configuration.md").read_text()
    documented = table_keys(section(markdown, "Process settings"))
    variables = {f"OPENORCH_{name.upper()}" for name in Config.model_fields}
    assert variables <= documented, f"docs/configuration.md does not document {missing(variables, documented)}"


def test_every_api_route_is_documented(app: FastAPI) -> None:
    documented = documented_routes((DOCS / "api.md").read_text())
    routes = app_routes(app)
    undocumented = {routes[key] for key in routes.keys() - documented}
    assert not undocumented, f"docs/api.md does not document {missing(undocumented, set())}"


def test_every_documented_route_exists(app: FastAPI) -> None:
    """The other way round: a renamed or removed route does not live on in the docs."""
    documented = documented_routes((DOCS / "api.md").read_text())
    routes = set(app_routes(app))
    assert documented <= routes, f"docs/api.md documents {missing(documented, routes)}, which the app does not have"


def test_the_routes_are_read_from_the_app_completely(app: FastAPI) -> None:
    """Guards the test itself: every operation in the OpenAPI document is among the routes read from the app,
    so a change in how FastAPI lists routes cannot make the checks above pass on an empty set."""
    in_openapi = {
        route_key(method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/")
        for method in operations
    }
    assert "GET /api/health" in in_openapi
    assert in_openapi <= set(app_routes(app))


def test_the_route_reader_understands_the_docs_shapes() -> None:
    markdown = "| `GET\\|PATCH /api/bots/{id}` | x |\n`POST /api/providers[?validate=false]`, `GET /api/usage?from=`"
    assert documented_routes(markdown) == {
        "GET /api/bots/{}",
        "PATCH /api/bots/{}",
        "POST /api/providers",
        "GET /api/usage",
    }
