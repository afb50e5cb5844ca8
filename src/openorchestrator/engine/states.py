"""The run lifecycle. `transition` is the only writer of a run's `status`.

    pending ──▶ running ──▶ completed | failed | cancelled | timeout
       │
       └──▶ cancelled | failed   (cancelled while waiting; refused before start, e.g. interrupted)

Each change is a conditional UPDATE (`WHERE status = <from>`), so two parties racing on one run (a cancel
and a finishing worker) cannot both win: the loser sees `False` and leaves the run alone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from openorchestrator.db.models import Run


class RunStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMEOUT = "timeout"


class Trigger(StrEnum):
    MANUAL = "manual"
    SCHEDULE = "schedule"
    BOT = "bot"
    PIPELINE = "pipeline"
    API = "api"
    RETRY = "retry"


TERMINAL = frozenset({RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.TIMEOUT})

ALLOWED: dict[RunStatus, frozenset[RunStatus]] = {
    RunStatus.PENDING: frozenset({RunStatus.RUNNING, RunStatus.CANCELLED, RunStatus.FAILED}),
    RunStatus.RUNNING: frozenset(TERMINAL),
}


class IllegalTransition(Exception):
    pass


async def transition(
    session: AsyncSession, run_id: str, source: RunStatus, target: RunStatus, **values: Any
) -> bool:
    """Move one run from `source` to `target`, setting `values` too. False if the run was not in `source`."""
    if target not in ALLOWED.get(source, frozenset()):
        raise IllegalTransition(f"{source} → {target}")
    result = await session.execute(
        update(Run)
        .where(Run.id == run_id, Run.status == source.value)
        .values(status=target.value, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]
