"""The run lifecycle. `transition_statement` is the only writer of a run's `status`.

    pending ──▶ running ──▶ completed | failed | cancelled | timeout
       │
       └──▶ cancelled | failed   (cancelled while waiting; refused before start, e.g. interrupted)

Each change is a conditional UPDATE (`WHERE status = <from>`), so two parties racing on one run (a cancel
and a finishing worker) cannot both win: the loser sees `False` and leaves the run alone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Update, update
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


def transition_statement(run_id: str, source: RunStatus, target: RunStatus, **values: Any) -> Update:
    """The one way to change a run's status: checked against `ALLOWED`, conditional on the current status.

    Executed by `transition` (async sessions) or by the engine's run store (its worker thread); either way,
    a result with rowcount 0 means the run was no longer in `source` and nothing changed.
    """
    if target not in ALLOWED.get(source, frozenset()):
        raise IllegalTransition(f"{source} → {target}")
    return (
        update(Run)
        .where(Run.id == run_id, Run.status == source.value)
        .values(status=target.value, **values)
        .execution_options(synchronize_session=False)
    )


async def transition(session: AsyncSession, run_id: str, source: RunStatus, target: RunStatus, **values: Any) -> bool:
    """Move one run from `source` to `target`, setting `values` too. False if the run was not in `source`."""
    result = await session.execute(transition_statement(run_id, source, target, **values))
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]
