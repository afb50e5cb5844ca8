"""The built web UI (Vite's output in `web_dist/`), served next to the API by the same app.

- `/assets/*`: the hashed bundles; their names change with their content, so browsers keep them a year.
- any other GET that is not the API's (`/api/*`), `/docs` or `/openapi.json`: a file of the build when one
  exists at that path (favicon, robots.txt), else `index.html`, so a client-side route survives a reload.
  Both are sent with `no-cache`: the browser revalidates (ETag) and a new build shows at once.
- unknown `/api/*` paths never reach this: they keep the API's JSON 404 (and 405 where a route knows the path).

The build is looked up on every request, so `make web` next to a running server needs no restart. Without a
build, those paths show a page that says how to make one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

ASSETS_CACHE = "public, max-age=31536000, immutable"
PAGE_CACHE = "no-cache"
_NOT_UI = ("/api", "/docs", "/openapi.json")


def _is_ui_path(path: str) -> bool:
    return not any(path == prefix or path.startswith(prefix + "/") for prefix in _NOT_UI)


class _ImmutableAssets(StaticFiles):
    async def check_config(self) -> None:
        if self.directory is not None and not await run_in_threadpool(os.path.isdir, self.directory):
            return  # no build yet: every asset is a 404 until there is one (Starlette would answer 500)
        await super().check_config()

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["cache-control"] = ASSETS_CACHE
        return response


class _UiRoute(Route):
    """Matches every path the API does not own, so it never turns an API 404 or 405 into a page."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and not _is_ui_path(scope["path"]):
            return Match.NONE, {}
        return super().matches(scope)


def ui_routes(dist_dir: Path) -> list[Route | Mount]:
    """The routes to add after every API router: assets first, then the catch-all page route."""
    root = dist_dir.resolve()

    def page(request: Request) -> Response:  # sync: Starlette runs it in a thread, the stat calls block
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(_NO_BUILD, status_code=200 if request.url.path == "/" else 404)
        found = _file_in(root, request.path_params["path"])
        return FileResponse(found or index, headers={"cache-control": PAGE_CACHE})

    return [
        Mount("/assets", app=_ImmutableAssets(directory=root / "assets", check_dir=False), name="ui-assets"),
        _UiRoute("/{path:path}", page, methods=["GET"], include_in_schema=False, name="ui"),
    ]


def _file_in(root: Path, relative: str) -> Path | None:
    """A regular file of the build at `relative`, never outside it (`..`, symlinks)."""
    if not relative or relative.endswith("/"):
        return None
    candidate = (root / relative).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


_NO_BUILD = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>openOrchestrator</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:.1rem .3rem;border-radius:4px}</style></head><body>
<h1>🤖 openOrchestrator is running</h1>
<p>The web interface has not been built on this machine. In the project folder, stop the server and start it
with <code>make run</code>: it builds the interface (Node.js 20 or newer is needed) and serves it here.</p>
<p>Meanwhile the command line (<code>openorch --help</code>) and the HTTP API work:
<a href="/docs">/docs</a> describes every endpoint, <a href="/api/status">/api/status</a> shows the run queue.</p>
</body></html>"""
