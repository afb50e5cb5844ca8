"""Executing one run: start it, build its context, call the model within the bot's time limit, finish it.

Every ending (completed, failed, timeout, cancelled, interrupted) is written in one transaction together
with what follows from it: the retry run and whatever the ending hooks write (outbox rows, fire bookkeeping,
credential status, the runs of `on_complete` bots; see `engine/lifecycle.py`), so a crash never leaves half
of it. The executor is given what it uses (store, gateway, clock, settings, …), not the engine.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openorchestrator.core.clock import Clock
from openorchestrator.core.crypto import SecretBox
from openorchestrator.core.i18n import run_error_message
from openorchestrator.db.models import Bot
from openorchestrator.engine.budget import BudgetVerdict
from openorchestrator.engine.context import BotContext, build_context, read_notes
from openorchestrator.engine.lifecycle import RunChanged, RunEnding, RunLifecycle, RunOutput
from openorchestrator.engine.outcome import (
    CREDENTIAL_CODES,
    FALLBACK_CODES,
    Outcome,
    Target,
    completed_values,
    failed_values,
    final,
    spent_by_tools,
)
from openorchestrator.engine.runlog import RunLog
from openorchestrator.engine.spawning import Spawner
from openorchestrator.engine.states import RunStatus
from openorchestrator.engine.store import BudgetQuestion, RunStore, Started
from openorchestrator.engine.tooling import ToolSetup
from openorchestrator.providers.credentials import target_for
from openorchestrator.providers.llm import LLMGateway
from openorchestrator.providers.pricing import DEFAULT_MAX_OUTPUT_TOKENS, worst_case_cost
from openorchestrator.providers.types import (
    PROVIDERS,
    Completion,
    ModelTarget,
    ProviderFailure,
    ProviderType,
    load_sdks,
)
from openorchestrator.settings.service import SettingsStore
from openorchestrator.tools.loop import BudgetGuard


class Executor:
    """Runs one run from `pending` to its ending; given exactly what it uses (wired by `RunEngine`)."""

    def __init__(
        self,
        *,
        store: RunStore,
        gateway: LLMGateway,
        box: SecretBox,
        clock: Clock,
        settings: SettingsStore,
        tools: ToolSetup,
        bot_dir: Callable[[str], Path],
        spawner: Spawner,
        lifecycle: RunLifecycle,
        submit: Callable[[str, datetime | None], None],
        queue_room: Callable[[], int],
        stopping: Callable[[], bool],
    ) -> None:
        self._store = store
        self.gateway = gateway
        self._box = box
        self._clock = clock
        self._settings = settings
        self._tools = tools
        self._bot_dir = bot_dir
        self._spawner = spawner
        self._lifecycle = lifecycle
        self._submit = submit
        self._queue_room = queue_room
        self._stopping = stopping

    async def execute(self, run_id: str) -> None:
        t0 = time.perf_counter()
        starting = asyncio.ensure_future(self._store.start(run_id, self._clock.now()))
        try:
            started = await asyncio.shield(starting)
            cancelled_at_start = False
        except asyncio.CancelledError:  # the start commits in the store's thread anyway: end what it started
            started, cancelled_at_start = await starting, True
        if started is None:
            if cancelled_at_start:
                raise asyncio.CancelledError
            return  # cancelled meanwhile, or already handled by someone else
        bot = started.bot
        self._lifecycle.publish(RunChanged("started", run_id, bot.id, RunStatus.RUNNING))
        candidates = [self._target(started, model) for model in [bot.model, *(bot.fallback_models or [])]]
        secrets = tuple(c.api_key for c in candidates if isinstance(c, ModelTarget) and c.api_key)
        log = RunLog(self._clock, secrets)
        log.extend(started.run.log or [])
        log.info("Run started.", attempt=started.run.attempt, trigger=started.run.trigger)
        if cancelled_at_start:
            outcome = self._stopped(log, Outcome(RunStatus.FAILED))
        else:
            outcome = await self._think(started, candidates, log)
        duration_ms = int((time.perf_counter() - t0) * 1000)
        try:
            await asyncio.shield(self._finish(started, candidates[0], outcome, log, duration_ms))
        except Exception as exc:  # never leave a run `running` behind: end it as an internal error
            log.error(f"Internal error while ending the run: {type(exc).__name__}: {exc}"[:500])
            await self._fail_internal(started, log, duration_ms)
            raise
        if outcome.status == RunStatus.CANCELLED or self._stopping():
            raise asyncio.CancelledError

    def _target(self, started: Started, model: str) -> Target:
        try:
            credential = started.credentials.get(model.partition(":")[0])
            return target_for(credential, self._box, model)
        except ProviderFailure as failure:
            return failure

    async def _fail_internal(self, started: Started, log: RunLog, duration_ms: int) -> None:
        """End the run `internal` without its hooks (one of them may be what failed)."""
        values = {
            "finished_at": self._clock.now(),
            "duration_ms": duration_ms,
            "error_code": "internal",
            "error_message": run_error_message("internal", self._settings.current.language),
            "log": log.entries,
        }
        ending = RunEnding(run=started.run, bot=started.bot, status=RunStatus.FAILED, values=values, log=log)
        if await self._store.finish(ending, lambda _session, _ending: []) is not None:
            self._lifecycle.ended(started.run.id, started.bot.id, RunStatus.FAILED)

    async def _think(self, started: Started, candidates: list[Target], log: RunLog) -> Outcome:
        bot, run, primary = started.bot, started.run, candidates[0]
        outcome = Outcome(RunStatus.FAILED)
        try:
            usable = [candidate for candidate in candidates if isinstance(candidate, ModelTarget)]
            if not usable:
                assert isinstance(primary, ProviderFailure)
                raise primary  # preflight: no model of the bot is usable; say what to fix
            await load_sdks(usable[0].type)  # the one-time import is the app's start-up, not the bot's time
            async with asyncio.timeout(bot.max_runtime_seconds) as scope:
                outcome.completion, outcome.answered_by = await self._ask(started, candidates, log, outcome)
                outcome.status = RunStatus.COMPLETED
        except TimeoutError:
            if scope.expired():
                log.error(f"Stopped after the bot's limit of {bot.max_runtime_seconds} s.")
                outcome.status = RunStatus.TIMEOUT
            else:
                log.error("The provider call timed out.")
                outcome.failure = final(ProviderFailure("timeout", "timed out", transient=True), outcome.tools, log)
        except ProviderFailure as failure:
            log.error(failure.detail, error_code=failure.code, http_status=failure.status)
            outcome.failure = failure
        except asyncio.CancelledError:
            self._stopped(log, outcome)
        except Exception as exc:  # a bug of ours: record it on the run, never lose the run
            log.error(f"Internal error in run {run.id}: {type(exc).__name__}: {exc}"[:500])
            outcome.failure = ProviderFailure("internal", type(exc).__name__)
        return outcome

    def _stopped(self, log: RunLog, outcome: Outcome) -> Outcome:
        """A run's task was cancelled: by its owner (`cancelled`), or by the app shutting down (`interrupted`)."""
        if self._stopping():  # nobody cancelled this run
            log.error("The app stopped while this run was running.")
            outcome.status, outcome.failure = RunStatus.FAILED, ProviderFailure("interrupted", "app stopped")
        else:
            log.warning("Cancelled.")
            outcome.status = RunStatus.CANCELLED
        return outcome

    async def _ask(
        self, started: Started, candidates: list[Target], log: RunLog, outcome: Outcome
    ) -> tuple[Completion, ModelTarget]:
        """Ask the bot's model; on a provider-side failure, its fallback models in order."""
        context = await self._context(started, log)
        tools = outcome.tools = await self._tools.for_run(started.bot, log)
        extra: dict[str, Any] = {"tools": tools} if tools is not None else {}
        first: ProviderFailure | None = None
        for index, candidate in enumerate(candidates):
            if isinstance(candidate, ProviderFailure):
                log.warning(f"Model skipped: {candidate.detail}", error_code=candidate.code)
                continue
            verdict = await self._within_budget(started, candidate, context, log, outcome)
            if tools is not None:
                tools.budget_guard = self._budget_guard(started.bot, candidate, verdict)
            try:
                await load_sdks(candidate.type)
                streaming = self._streaming(started, restart=index > 0)
                completion = await self.gateway.complete(
                    candidate,
                    context.system,
                    context.user,
                    max_output_tokens=self._output_cap(started.bot),
                    **extra,
                    **streaming,
                )
            except ProviderFailure as failure:
                failure.target = failure.target or candidate
                first = first or failure
                if failure.code in CREDENTIAL_CODES:
                    outcome.credential_errors[candidate.credential_id] = failure.code
                if not self._may_fall_back(failure, started.run.attempt) or index == len(candidates) - 1:
                    raise final(first, tools, log) from None
                if tools is not None and tools.acted:  # another model would write the same files again
                    log.warning(f"{candidate.label} failed ({failure.code}) after its tools changed files: no fallback")
                    raise final(failure, tools, log) from None
                log.warning(
                    f"{candidate.label} failed ({failure.code}): asking the next fallback model.",
                    error_code=failure.code,
                    detail=failure.detail,
                )
                continue
            if index > 0:
                log.info(f"Answered by fallback model {candidate.label}.", fallback_index=index)
            return completion, candidate
        raise first or ProviderFailure("config_error", "no usable model")

    def _streaming(self, started: Started, *, restart: bool) -> dict[str, Any]:
        """`on_text` for the gateway while someone watches output live (the browser); else a plain request."""
        if not self._lifecycle.watching_output:
            return {}
        run_id, bot_id, publish = started.run.id, started.bot.id, self._lifecycle.publish
        if restart:  # a fallback model starts the answer anew
            publish(RunOutput(run_id, bot_id, "", restart=True))

        def on_text(text: str) -> None:
            publish(RunOutput(run_id, bot_id, text))

        return {"on_text": on_text}

    def _budget_guard(self, bot: Bot, target: ModelTarget, verdict: BudgetVerdict | None) -> BudgetGuard | None:
        """Stop a run with tools before a request that could go over a budget: what it has spent so far plus a
        request as large as its last one, with the full output allowance, must fit the room the budgets had
        left. Tool results can make the next request larger still; the next run's check then counts it."""
        if verdict is None or verdict.headroom_usd is None:
            return None
        room, cap = verdict.headroom_usd, self._output_cap(bot)

        def price(tokens_in: int, tokens_out: int | None) -> Decimal | None:
            return worst_case_cost(target.type, target.model_name, target.base_url, tokens_in, tokens_out)

        def stop(tokens_in: int, tokens_out: int, last_tokens_in: int) -> bool:
            spent, upcoming = price(tokens_in, tokens_out), price(last_tokens_in, cap)
            return spent is not None and upcoming is not None and spent + upcoming > room

        return stop

    def _output_cap(self, bot: Bot) -> int | None:
        """The bot's answer limit; under a budget never unlimited, so the priced worst case is a real bound."""
        if bot.max_output_tokens or not self._has_budget(bot):
            return bot.max_output_tokens
        return DEFAULT_MAX_OUTPUT_TOKENS

    def _has_budget(self, bot: Bot) -> bool:
        settings = self._settings.current
        return not (
            bot.budget_daily_usd is None and bot.budget_monthly_usd is None and settings.budget_monthly_usd is None
        )

    async def _within_budget(
        self, started: Started, target: ModelTarget, context: BotContext, log: RunLog, outcome: Outcome
    ) -> BudgetVerdict | None:
        """Before any tokens are spent: would this call's worst case (prompt + max output) exceed a budget?"""
        bot = started.bot
        settings = self._settings.current
        if not self._has_budget(bot):
            return None
        question = BudgetQuestion(
            bot=bot,
            target=target,
            prompt_tokens=context.tokens,
            max_output_tokens=self._output_cap(bot),
            run_id=started.run.id,
            global_monthly_usd=settings.budget_monthly_usd,
            warn_percent=settings.budget_warn_percent,
            timezone=settings.timezone,
            language=settings.language,
            now=self._clock.now(),
        )
        verdict = await self._store.check_budget(question)
        if verdict.unpriced:
            log.warning(f"No price is known for {target.label}: the budget check cannot count this run's own cost.")
        for warning in verdict.warnings:
            log.warning(warning.message, budget=warning.budget)
        if not verdict.allowed:
            outcome.budget = verdict
            raise ProviderFailure("budget_exceeded", verdict.message or "budget exceeded")
        return verdict

    def _may_fall_back(self, failure: ProviderFailure, attempt: int) -> bool:
        return failure.code in FALLBACK_CODES or (failure.code == "rate_limited" and attempt > 1)

    async def _context(self, started: Started, log: RunLog) -> BotContext:
        bot, run, previous = started.bot, started.run, started.previous
        folder = self._bot_dir(bot.id)
        notes = await asyncio.to_thread(read_notes, folder) if folder.is_dir() else []
        context = build_context(
            name=bot.name,
            description=bot.description,
            prompt=bot.prompt,
            run_input=run.input,
            last_output=previous.output if previous else None,
            last_output_at=self._local(previous.finished_at, bot) if previous and previous.finished_at else None,
            notes=notes,
            now_text=self._local(self._clock.now(), bot).strftime("%Y-%m-%d %H:%M %Z"),
            language=self._settings.current.language,
        )
        log.extend(context.log)
        return context

    def _local(self, moment: datetime, bot: Bot) -> datetime:
        return moment.astimezone(ZoneInfo(bot.timezone or self._settings.current.timezone))

    async def _finish(self, started: Started, primary: Target, outcome: Outcome, log: RunLog, duration_ms: int) -> None:
        """Write the ending and what follows from it in one transaction (the ending hooks), then tell listeners."""
        run, bot = started.run, started.bot
        target = outcome.answered_by or (outcome.failure.target if outcome.failure else None) or primary
        values: dict[str, Any] = {"finished_at": self._clock.now(), "duration_ms": duration_ms}
        values.update(self._ending_values(started, target, outcome, log))
        retry = None
        if outcome.failure and outcome.failure.transient and run.attempt == 1:
            retry = self._spawner.retry_run(run, outcome.failure, log)
        log.info(f"Run {outcome.status.value}.", duration_ms=duration_ms)
        values["log"] = log.entries  # the same list: entries the hooks add are stored too
        ending = RunEnding(
            run=run,
            bot=bot,
            status=outcome.status,
            values=values,
            log=log,
            retry=retry,
            credential_updates=self._credential_updates(started, outcome),
            budget=outcome.budget,
            queue_room=self._queue_room(),
        )
        spawned = await self._store.finish(ending, self._lifecycle.run_ending_hooks)
        if spawned is None:
            return  # the run is gone (its bot was deleted) or someone else ended it
        for new in spawned:
            self._submit(new.id, new.not_before)
        self._lifecycle.ended(run.id, bot.id, outcome.status, spawned)

    def _credential_updates(self, started: Started, outcome: Outcome) -> dict[str, dict[str, Any]]:
        """Credentials whose key proved bad get status `error` with the message; a working one is `connected`."""
        language = self._settings.current.language
        by_id = {credential.id: credential for credential in started.credentials.values()}
        updates: dict[str, dict[str, Any]] = {}
        for credential_id, code in outcome.credential_errors.items():
            provider = PROVIDERS[ProviderType(by_id[credential_id].type)].display_name
            message = run_error_message(code, language, provider=provider)
            updates[credential_id] = {"status": "error", "error_message": message}
        answered = outcome.answered_by
        if answered and by_id[answered.credential_id].status != "connected":
            updates[answered.credential_id] = {"status": "connected", "error_message": None}
        return updates

    def _ending_values(self, started: Started, target: Target, outcome: Outcome, log: RunLog) -> dict[str, Any]:
        if outcome.status == RunStatus.COMPLETED and outcome.completion:
            values = completed_values(outcome.completion, target, started.previous, log)
        else:
            values = failed_values(started.bot, target, outcome, self._settings.current.language)
        # what every request of a run with tools spent (a figure it could not price keeps the one it has)
        return values | {key: value for key, value in spent_by_tools(outcome.tools).items() if value is not None}
