"""Executing one run: start it, build its context, call the model within the bot's time limit, finish it.

Every ending (completed, failed, timeout, cancelled, interrupted) is written in one transaction together
with what follows from it (the retry run, the runs of `on_complete` bots), so a crash never leaves half of it.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from openorchestrator.core.i18n import run_error_message
from openorchestrator.db.models import Bot, Run
from openorchestrator.engine.context import build_context, read_notes
from openorchestrator.engine.runlog import RunLog
from openorchestrator.engine.states import RunStatus
from openorchestrator.engine.store import Previous, Started
from openorchestrator.providers.service import target_for
from openorchestrator.providers.types import PROVIDERS, Completion, ModelTarget, ProviderFailure, load_sdks

if TYPE_CHECKING:
    from openorchestrator.engine.runner import RunEngine

Target = ModelTarget | ProviderFailure


@dataclass
class Outcome:
    status: RunStatus
    completion: Completion | None = None
    failure: ProviderFailure | None = None


_SPACES = re.compile(r"\s+")


def output_hash(text: str) -> str:
    """The hash behind `is_new`: whitespace-insensitive, so re-wrapped identical text is not "new"."""
    return hashlib.sha256(_SPACES.sub(" ", text).strip().encode()).hexdigest()


def retry_at(now: datetime, base: float, retry_after: float | None, cap: float) -> datetime:
    """When the one retry may start: after `base` seconds, or later if the provider asked (capped)."""
    return now + timedelta(seconds=min(max(base, retry_after or 0.0), cap))


class Executor:
    def __init__(self, engine: RunEngine) -> None:
        self._engine = engine

    async def execute(self, run_id: str) -> None:
        engine = self._engine
        t0 = time.perf_counter()
        started = await engine.store.start(run_id, engine.clock.now())
        if started is None:
            return  # cancelled meanwhile, or already handled by someone else
        target: Target
        try:
            target = target_for(started.credential, engine.box, started.bot.model)
        except ProviderFailure as failure:
            target = failure
        secrets = (target.api_key,) if isinstance(target, ModelTarget) and target.api_key else ()
        log = RunLog(engine.clock, secrets)
        log.extend(started.run.log or [])
        log.info("Run started.", attempt=started.run.attempt, trigger=started.run.trigger)
        outcome = await self._think(started, target, log)
        duration_ms = int((time.perf_counter() - t0) * 1000)
        try:
            await asyncio.shield(self._finish(started, target, outcome, log, duration_ms))
        except Exception as exc:  # never leave a run `running` behind: end it as an internal error
            log.error(f"Internal error while ending the run: {type(exc).__name__}: {exc}"[:500])
            await self._fail_internal(started.run.id, log, duration_ms)
            raise
        if outcome.status == RunStatus.CANCELLED or engine.stopping:
            raise asyncio.CancelledError

    async def _fail_internal(self, run_id: str, log: RunLog, duration_ms: int) -> None:
        engine = self._engine
        values = {
            "finished_at": engine.clock.now(),
            "duration_ms": duration_ms,
            "error_code": "internal",
            "error_message": run_error_message("internal", engine.settings.current.language),
            "log": log.entries,
        }
        await engine.store.finish(run_id, RunStatus.FAILED, values, lambda _session: [])

    async def _think(self, started: Started, target: Target, log: RunLog) -> Outcome:
        bot, run = started.bot, started.run
        try:
            if isinstance(target, ModelTarget):
                await load_sdks(target.type)  # the one-time import is the app's start-up, not the bot's time
            async with asyncio.timeout(bot.max_runtime_seconds) as scope:
                if isinstance(target, ProviderFailure):
                    raise target
                completion = await self._ask(started, target, log)
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
            if self._engine.stopping:  # the app is shutting down; nobody cancelled this run
                log.error("The app stopped while this run was running.")
                return Outcome(RunStatus.FAILED, failure=ProviderFailure("interrupted", "app stopped"))
            log.warning("Cancelled.")
            return Outcome(RunStatus.CANCELLED)
        except Exception as exc:  # a bug of ours: record it on the run, never lose the run
            log.error(f"Internal error in run {run.id}: {type(exc).__name__}: {exc}"[:500])
            return Outcome(RunStatus.FAILED, failure=ProviderFailure("internal", type(exc).__name__))

    async def _ask(self, started: Started, target: ModelTarget, log: RunLog) -> Completion:
        engine, bot, run, previous = self._engine, started.bot, started.run, started.previous
        folder = engine.config.bot_dir(bot.id)
        notes = await asyncio.to_thread(read_notes, folder) if folder.is_dir() else []
        context = build_context(
            name=bot.name,
            description=bot.description,
            prompt=bot.prompt,
            run_input=run.input,
            last_output=previous.output if previous else None,
            last_output_at=self._local(previous.finished_at, bot) if previous and previous.finished_at else None,
            notes=notes,
            now_text=self._local(engine.clock.now(), bot).strftime("%Y-%m-%d %H:%M %Z"),
            language=engine.settings.current.language,
        )
        log.extend(context.log)
        return await engine.gateway.complete(
            target, context.system, context.user, max_output_tokens=bot.max_output_tokens
        )

    def _local(self, moment: datetime, bot: Bot) -> datetime:
        return moment.astimezone(ZoneInfo(bot.timezone or self._engine.settings.current.timezone))

    async def _finish(self, started: Started, target: Target, outcome: Outcome, log: RunLog, duration_ms: int) -> None:
        engine, run, bot = self._engine, started.run, started.bot
        values: dict[str, Any] = {"finished_at": engine.clock.now(), "duration_ms": duration_ms}
        values.update(self._ending_values(started, target, outcome, log))
        retry = None
        if outcome.failure and outcome.failure.transient and run.attempt == 1:
            retry = engine.retry_run(run, outcome.failure, log)
        log.info(f"Run {outcome.status.value}.", duration_ms=duration_ms)
        values["log"] = log.entries

        def follow_ups(session: Session) -> list[Run]:
            if outcome.status == RunStatus.COMPLETED:
                return engine.follow_ups(session, run, bot, values["output"], log)
            return [retry] if retry else []

        for follow_up in await engine.store.finish(run.id, outcome.status, values, follow_ups):
            engine.queue.submit(follow_up.id, follow_up.not_before)

    def _ending_values(self, started: Started, target: Target, outcome: Outcome, log: RunLog) -> dict[str, Any]:
        language = self._engine.settings.current.language
        bot = started.bot
        if outcome.status == RunStatus.COMPLETED and outcome.completion:
            return _completed_values(outcome.completion, target, started.previous, log)
        if outcome.status == RunStatus.TIMEOUT:
            message = run_error_message("timeout", language, seconds=bot.max_runtime_seconds)
            return {"error_code": "timeout", "error_message": message}
        if outcome.status == RunStatus.CANCELLED:
            return {"error_code": "cancelled", "error_message": run_error_message("cancelled", language)}
        failure = outcome.failure or ProviderFailure("internal", "no outcome")
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


def _completed_values(completion: Completion, target: Target, previous: Previous | None, log: RunLog) -> dict[str, Any]:
    digest = output_hash(completion.text)
    cost = float(completion.cost_usd) if completion.cost_usd is not None else None
    if cost is None:
        log.info("No price is known for this model: the cost stays unknown.")
    return {
        "output": completion.text,
        "model": target.label if isinstance(target, ModelTarget) else None,
        "tokens_in": completion.tokens_in,
        "tokens_out": completion.tokens_out,
        "cost_estimate": cost,
        "output_hash": digest,
        "is_new": previous is None or previous.output_hash != digest,
    }
