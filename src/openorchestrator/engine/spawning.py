"""New runs that follow from others: the one retry of a transient failure, and the runs of `on_complete` bots.

Both are created inside the transaction that ends the run they follow from, so a crash never keeps an ending
without its retry or hands an output on twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openorchestrator.core.clock import Clock
from openorchestrator.core.ids import new_id
from openorchestrator.db.models import Bot, Run
from openorchestrator.engine.lifecycle import RunEnding
from openorchestrator.engine.runlog import RunLog
from openorchestrator.engine.states import RunStatus, Trigger
from openorchestrator.providers.types import ProviderFailure


def retry_at(now: datetime, base: float, retry_after: float | None, cap: float) -> datetime:
    """When the one retry may start: after `base` seconds, or later if the provider asked (capped)."""
    return now + timedelta(seconds=min(max(base, retry_after or 0.0), cap))


class Spawner:
    """Makes `pending` run rows (not yet added to any session)."""

    def __init__(self, clock: Clock, *, retry_delay: Callable[[], float], max_retry_delay: Callable[[], float]) -> None:
        self._clock = clock
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay

    def new_run(self, bot_id: str, run_input: str | None, trigger: Trigger, **values: Any) -> Run:
        values.setdefault("attempt", 1)
        values.setdefault("created_at", self._clock.now())
        return Run(
            id=new_id(),
            bot_id=bot_id,
            status=RunStatus.PENDING.value,
            trigger=trigger.value,
            input=run_input,
            log=[],
            **values,
        )

    def retry_run(self, run: Run, failure: ProviderFailure, run_log: RunLog) -> Run:
        """The one retry of a run that failed for a transient reason; created with the failed run's ending."""
        now = self._clock.now()
        not_before = retry_at(now, self._retry_delay(), failure.retry_after, self._max_retry_delay())
        retry = self.new_run(
            run.bot_id,
            run.input,
            Trigger.RETRY,
            attempt=run.attempt + 1,
            retry_of=run.id,
            not_before=not_before,
            parent_run_id=run.parent_run_id,
            scheduled_for=run.scheduled_for,  # the retry belongs to the same fire
            created_at=now,
        )
        seconds = round((not_before - now).total_seconds(), 1)
        run_log.info(f"Retrying once in {seconds} s as run {retry.id}.", retry_run_id=retry.id)
        retry.log = [
            {
                "at": now.isoformat(),
                "level": "info",
                "message": f"Retry of run {run.id} ({failure.code}).",
                "retry_of": run.id,
            }
        ]
        return retry

    def follow_ups(self, session: Session, ending: RunEnding) -> list[Run]:
        """Ending hook: runs of the bots in `on_complete`, with the completed run's output as their input."""
        bot, run_log = ending.bot, ending.log
        if ending.status != RunStatus.COMPLETED or not bot.on_complete:
            return []
        targets = session.scalars(select(Bot).where(Bot.id.in_(bot.on_complete))).all()
        by_id = {target.id: target for target in targets}
        runs: list[Run] = []
        for target_id in bot.on_complete:
            target = by_id.get(target_id)
            if target is None or not target.enabled:
                run_log.warning(f"Next bot {target_id} skipped: it is missing or paused.")
            elif len(runs) >= ending.queue_room:
                run_log.warning(f"Next bot {target.name!r} dropped: the queue is full.", dropped_bot_id=target_id)
            else:
                follow_up = self.new_run(target.id, ending.output, Trigger.BOT, parent_run_id=ending.run.id)
                run_log.info(f"Handed the output to {target.name!r} (run {follow_up.id}).", next_run_id=follow_up.id)
                runs.append(follow_up)
        return runs
