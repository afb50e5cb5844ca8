"""A unit of work: one session that commits once at its end (or rolls back), then runs what must follow the commit.

Services write through the session they are given and never commit; whoever opened the unit (a request, through
`api_deps.SessionDep`) commits once. What may only happen once the rows are visible to other connections (the
scheduler re-reading a bot, a gateway forgetting a credential, a folder removed after its bot) is registered with
`after_commit` and runs after the commit, in order, and not at all if the unit rolls back.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openorchestrator.db.base import Base
from openorchestrator.errors import NotFound

AfterCommit = Callable[[], Awaitable[None] | None]
ModelT = TypeVar("ModelT", bound=Base)

_AFTER_COMMIT = "openorchestrator.after_commit"


@asynccontextmanager
async def unit_of_work(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session that commits when the block ends without an error and rolls back when it raises."""
    async with sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
        for work in session.info.pop(_AFTER_COMMIT, []):
            done = work()
            if inspect.isawaitable(done):
                await done


def after_commit(session: AsyncSession, work: AfterCommit) -> None:
    """Run `work` (a plain or an async function) once this session's unit of work has committed."""
    session.info.setdefault(_AFTER_COMMIT, []).append(work)


async def get_or_404(session: AsyncSession, model: type[ModelT], ident: str, *, kind: str | None = None) -> ModelT:
    """The row of `model` with this primary key, or `NotFound` naming `kind` (default: the model's name, lower case)."""
    row = await session.get(model, ident)
    if row is None:
        raise NotFound(kind or model.__name__.lower(), ident)
    return row
