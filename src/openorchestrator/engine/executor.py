"""Executing one run: start it, build its context, call the model within the bot's time limit, finish it.

Every ending (completed, failed, timeout, cancelled) is written by `_finish` in one transaction together with
what follows from it (the retry run, the runs of `on_complete` bots), so a crash can never leave half of it.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from openorchestrator.core.i18n import run_error_message
from openorchestrator.db.models import Bot, Run
from openorchestrator.engine.context import build_context, read_notes
from openorchestrator.engine.runlog import RunLog
from openorchestrator.engine.states import RunStatus, Trigger, transition
from openorchestrator.providers.service import resolve_target
from openorchestrator.providers.types import PROVIDERS, Completion, ModelTarget, ProviderFailure

if TYPE_CHECKING:
    from openorchestrator.engine.runner import RunEngine


@dataclass
class Outcome:
    status: RunStatus
    completion: Completion | None = None
    failure: ProviderFailure | None = None
    values: dict[str, Any] = field(default_factory=dict)


_SPACES = re.compile(r"\s+")


def output_hash(text: str) -> str:
    """The hash behind `is_new`: whitespace-insensitive, so re-wrapped identical text is not "new"."""
    return hashlib.sha256(_SPACES.sub(" ", text).strip().encode()).hexdigest()


class Executor:
    def __init__(self, engine: RunEngine) -> None:
        self._engine = engine

    async def execute(self, run_id: str) -> None:
        engine = self._engine
        started = engine.clock.now()
        t0 = time.perf_counter()
        async with engine.sessionmaker() as session:
            row = (await session.execute(select(Run, Bot).join(Bot).where(Run.id == run_id))).one_or_none()
            if row is None or row[0].status != RunStatus.PENDING:
                return
            run, bot = row
            if not await transition(
                session, run_id, RunStatus.PENDING, RunStatus.RUNNING, started_at=started
            ):
                return
            previous = await _previous_result(session, bot.id)
            target: ModelTarget | ProviderFailure
            try:
                target = await resolve_target(session, engine.box, bot.model)
            except ProviderFailure as failure:
                target = failure
            await session.commit()

        secrets = (target.api_key,) if isinstance(target, ModelTarget) and target.api_key else ()
        log = RunLog(engine.clock, secrets)
        log.extend(run.log or [])
        log.info("Run started.", attempt=run.attempt, trigger=run.trigger)
        outcome = await self._think(run, bot, previous, target, log)
        duration_ms = int((time.perf_counter() - t0) * 1000)
        await asyncio.shield(self._finish(run, bot, previous, target, outcome, log, started, duration_ms))
        if outcome.status == RunStatus.CANCELLED or engine.stopping:
            raise asyncio.CancelledError

    async def _think(
        self,
        run: Run,
        bot: Bot,
        previous: tuple[str | None, str | None, datetime | None] | None,
        target: ModelTarget | ProviderFailure,
        log: RunLog,
    ) -> Outcome:
        engine = self._engine
        try:
            async with asyncio.timeout(bot.max_runtime_seconds) as scope:
                if isinstance(target, ProviderFailure):
                    raise target
                notes = await asyncio.to_thread(read_notes, engine.config.bot_dir(bot.id))
                language = engine.settings.current.language
                context = build_context(
                    name=bot.name,
                    description=bot.description,
                    prompt=bot.prompt,
                    run_input=run.input,
                    last_output=previous[0] if previous else None,
                    last_output_at=previous[2] if previous else None,
                    notes=notes,
                    now_text=self._now_text(bot),
                    language=language,
                )
                log.extend(context.log)
                completion = await engine.gateway.complete(
                    target, context.system, context.user, max_output_tokens=bot.max_output_tokens
                )
                return Outcome(RunStatus.COMPLETED, completion=completion)
        except TimeoutError:
            if scope.expired():
                log.error(f"Stopped after the bot's limit of {bot.max_runtime_seconds} s.")
                return Outcome(RunStatus.TIMEOUT)
            log.error("The provider call timed out.")
            return Outcome(RunStatus.FAILED, failure=ProviderFailure("timeout", "timed out", transient=True))
        except ProviderFailure as failure:
            log.error(failure.detail, error_code=failure.code, http_status=failure.status)
            return Outcome(RunStatus.FAILED, failure=failure)
        except asyncio.CancelledError:
            if engine.stopping:  # the app is shutting down; nobody cancelled this run
                log.error("The app stopped while this run was running.")
                return Outcome(RunStatus.FAILED, failure=ProviderFailure("interrupted", "app stopped"))
            log.warning("Cancelled.")
            return Outcome(RunStatus.CANCELLED)
        except Exception as exc:  # a bug of ours: record it on the run, never lose the run
            log.error(f"Internal error: {type(exc).__name__}: {exc}"[:500])
            return Outcome(RunStatus.FAILED, failure=ProviderFailure("internal", type(exc).__name__))

    def _now_text(self, bot: Bot) -> str:
        zone = ZoneInfo(bot.timezone or self._engine.settings.current.timezone)
        return self._engine.clock.now().astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    async def _finish(
        self,
        run: Run,
        bot: Bot,
        previous: tuple[str | None, str | None, datetime | None] | None,
        target: ModelTarget | ProviderFailure,
        outcome: Outcome,
        log: RunLog,
        started: datetime,
        duration_ms: int,
    ) -> None:
        engine = self._engine
        finished = engine.clock.now()
        values: dict[str, Any] = {"finished_at": finished, "duration_ms": duration_ms}
        follow_ups: list[Run] = []
        language = engine.settings.current.language
        if outcome.status == RunStatus.COMPLETED and outcome.completion:
            values.update(self._completed_values(outcome.completion, target, previous, log))
        elif outcome.status == RunStatus.TIMEOUT:
            values.update(
                error_code="timeout",
                error_message=run_error_message("timeout", language, seconds=bot.max_runtime_seconds),
            )
        elif outcome.status == RunStatus.CANCELLED:
            values.update(error_code="cancelled", error_message=run_error_message("cancelled", language))
        elif outcome.failure:
            values.update(self._failed_values(outcome.failure, bot, target))
        async with engine.sessionmaker() as session:
            if outcome.status == RunStatus.COMPLETED:
                follow_ups = await engine.follow_ups(session, run, bot, values["output"], log)
            elif outcome.failure and outcome.failure.transient and run.attempt == 1:
                follow_ups = [engine.retry_run(run, outcome.failure, log)]
            log.info(f"Run {outcome.status.value}.", duration_ms=duration_ms)
            values["log"] = log.entries
            session.add_all(follow_ups)
            await transition(session, run.id, RunStatus.RUNNING, outcome.status, **values)
            await session.commit()
        for follow_up in follow_ups:
            engine.queue.submit(follow_up.id, follow_up.not_before)

    def _completed_values(
        self,
        completion: Completion,
        target: ModelTarget | ProviderFailure,
        previous: tuple[str | None, str | None, datetime | None] | None,
        log: RunLog,
    ) -> dict[str, Any]:
        digest = output_hash(completion.text)
        label = target.label if isinstance(target, ModelTarget) else None
        cost = float(completion.cost_usd) if completion.cost_usd is not None else None
        if cost is None:
            log.info("No price known for this model: cost stays unknown.")
        return {
            "output": completion.text,
            "model": label,
            "tokens_in": completion.tokens_in,
            "tokens_out": completion.tokens_out,
            "cost_estimate": cost,
            "output_hash": digest,
            "is_new": previous is None or previous[1] != digest,
        }

    def _failed_values(
        self, failure: ProviderFailure, bot: Bot, target: ModelTarget | ProviderFailure
    ) -> dict[str, Any]:
        language = self._engine.settings.current.language
        provider = PROVIDERS[target.type].display_name if isinstance(target, ModelTarget) else "?"
        model = target.model_name if isinstance(target, ModelTarget) else bot.model
        message = run_error_message(
            failure.code,
            language,
            provider=provider,
            model=model,
            detail=failure.detail,
            seconds=bot.max_runtime_seconds,
        )
        return {"error_code": failure.code, "error_message": message}


async def _previous_result(
    session: Any, bot_id: str
) -> tuple[str | None, str | None, datetime | None] | None:
    """The bot's last completed run: (output, output_hash, finished_at)."""
    row = (
        await session.execute(
            select(Run.output, Run.output_hash, Run.finished_at)
            .where(Run.bot_id == bot_id, Run.status == RunStatus.COMPLETED.value)
            .order_by(Run.created_at.desc(), Run.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1], row[2]) if row else None


def retry_at(now: datetime, base: float, retry_after: float | None, cap: float) -> datetime:
    """When the one retry may start: after `base` seconds, or later if the provider asked (capped)."""
    return now + timedelta(seconds=min(max(base, retry_after or 0.0), cap))


__all__ = ["Executor", "Trigger", "output_hash", "retry_at"]
