"""The routers write no SQL and never commit: that is the services' and the request's unit of work's business."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import openorchestrator

PACKAGE = Path(openorchestrator.__file__).parent
ROUTERS = sorted(PACKAGE.glob("*/router.py"))

STATEMENTS = {"select", "update", "delete", "insert"}
"""SQLAlchemy's statement builders, called by their bare (imported) names."""
SESSION_CALLS = {"execute", "commit", "rollback", "flush", "scalar", "scalars", "sessionmaker"}
"""What only a session does, and opening one; `router.delete(...)`, the route decorator, stays allowed. (A stream
may be handed the session factory, `SessionmakerDep`, for its service to open short sessions: not called here.)"""


def sql_in(source: str) -> list[str]:
    """Each place in `source` that builds a statement, runs one, commits, or opens a session, as "line: what"."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in STATEMENTS | {"sessionmaker"}:
            found.append(f"{node.lineno}: {node.func.id}(")
        elif isinstance(node.func, ast.Attribute) and node.func.attr in SESSION_CALLS:
            found.append(f"{node.lineno}: .{node.func.attr}(")
    return found


def test_every_feature_has_its_router_checked() -> None:
    names = {path.parent.name for path in ROUTERS}
    assert {"bots", "runs", "providers", "channels", "settings", "usage", "events", "schedules"} <= names
    assert {"system", "tools", "templates", "live"} <= names


@pytest.mark.parametrize("path", ROUTERS, ids=lambda path: path.parent.name)
def test_a_router_writes_no_sql_and_never_commits(path: Path) -> None:
    found = sql_in(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(PACKAGE)}: move these into the feature's service: {found}"


def test_the_check_finds_what_it_looks_for() -> None:
    offending = """
async def route(request, session):
    async with runtime_of(request).sessionmaker() as session:
        rows = await session.scalars(select(Bot))
    async with sessionmaker() as session:
        pass
        await session.execute(update(Bot).values(enabled=False))
        await session.execute(delete(Bot))
        await session.execute(insert(Bot))
        await session.commit()
"""
    found = {what for _, what in (item.split(": ", 1) for item in sql_in(offending))}
    assert found == {
        ".sessionmaker(",
        "sessionmaker(",
        ".scalars(",
        "select(",
        ".execute(",
        "update(",
        "delete(",
        "insert(",
        ".commit(",
    }


def test_route_decorators_and_services_pass() -> None:
    clean = """
@router.delete("/{bot_id}", status_code=204)
async def delete_bot(bot_id: str, session: SessionDep) -> Response:
    await service.delete_bot(session, await get_or_404(session, Bot, bot_id))
    return Response(status_code=204)
"""
    assert sql_in(clean) == []
