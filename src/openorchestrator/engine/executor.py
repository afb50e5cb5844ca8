"""Executing one run: start it, build its context, call the model within the bot's time limit, finish it.

Every ending (completed, failed, timeout, cancelled, interrupted) is written in one transaction together
with what follows from it (the retry run, the runs of `on_complete` bots), so a crash never leaves half of it.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm import Session

from openorchestrator.core.i18n import run_error_message
from openorchestrator.db.models import Bot, ProviderCredential, Run
from openorchestrator.db.models.event import EventKind
from openorchestrator.engine.budget import (
    DEFAULT_MAX_OUTPUT_TOKENS,
    BudgetVerdict,
    record_budget_events,
    record_event,
    worst_case_cost,
)
from openorchestrator.engine.context import BotContext, build_context, read_notes
from openorchestrator.engine.runlog import RunLog
from openorchestrator.engine.states import RunStatus
from openorchestrator.engine.store import BudgetQuestion, Previous, Started
from openorchestrator.engine.tooling import tools_for_run
from openorchestrator.notifications.outbox import QuietPolicy, plan_for_run
from openorchestrator.notifications.render import RunFacts
from openorchestrator.providers.service import target_for
from openorchestrator.providers.types import (
    PROVIDERS,
    Completion,
    ModelTarget,
    ProviderFailure,
    ProviderType,
    load_sdks,
)
from openorchestrator.schedules.fires import FireOutcome, record_fire_outcome
from openorchestrator.tools.loop import BudgetGuard, ToolUse

if TYPE_CHECKING:
    from openorchestrator.engine.runner import RunEngine

Target = ModelTarget | ProviderFailure


@dataclass
class Outcome:
    status: RunStatus
    completion: Completion | None = None
    failure: ProviderFailure | None = None
    answered_by: ModelTarget | None = None
    credential_errors: dict[str, str] = field(default_factory=dict)
    """Credentials that failed for a reason their owner must fix (invalid key, no credit): id → error code."""
    budget: BudgetVerdict | None = None
    """Set when a budget refused the run: the bot is paused and the event recorded when the run ends."""
    tools: ToolUse | None = None
    """The run's tools: what they spent counts also when the run did not complete."""


FALLBACK_CODES = frozenset(
    {
        "provider_error",
        "unreachable",
        "invalid_key",
        "quota_exhausted",
        "model_not_found",
        "context_too_long",
    }
)
"""Failures after which the next of a bot's `fallback_models` is asked (rate limits: only on the retry)."""
CREDENTIAL_CODES = frozenset({"invalid_key", "quota_exhausted"})


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
        starting = asyncio.ensure_future(engine.store.start(run_id, engine.clock.now()))
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
        candidates = [self._target(started, model) for model in [bot.model, *(bot.fallback_models or [])]]
        secrets = tuple(c.api_key for c in candidates if isinstance(c, ModelTarget) and c.api_key)
        log = RunLog(engine.clock, secrets)
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
            await self._fail_internal(started.run.id, log, duration_ms)
            raise
        if outcome.status == RunStatus.CANCELLED or engine.stopping:
            raise asyncio.CancelledError

    def _target(self, started: Started, model: str) -> Target:
        try:
            credential = started.credentials.get(model.partition(":")[0])
            return target_for(credential, self._engine.box, model)
        except ProviderFailure as failure:
            return failure

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
                outcome.failure = _final(ProviderFailure("timeout", "timed out", transient=True), outcome.tools, log)
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
        if self._engine.stopping:  # nobody cancelled this run
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
        tools = outcome.tools = await tools_for_run(self._engine, started.bot, log)
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
                completion = await self._engine.gateway.complete(
                    candidate, context.system, context.user, max_output_tokens=self._output_cap(started.bot), **extra
                )
            except ProviderFailure as failure:
                failure.target = failure.target or candidate
                first = first or failure
                if failure.code in CREDENTIAL_CODES:
                    outcome.credential_errors[candidate.credential_id] = failure.code
                if not self._may_fall_back(failure, started.run.attempt) or index == len(candidates) - 1:
                    raise _final(first, tools, log) from None
                if tools is not None and tools.acted:  # another model would write the same files again
                    log.warning(f"{candidate.label} failed ({failure.code}) after its tools changed files: no fallback")
                    raise _final(failure, tools, log) from None
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
        settings = self._engine.settings.current
        return not (
            bot.budget_daily_usd is None and bot.budget_monthly_usd is None and settings.budget_monthly_usd is None
        )

    async def _within_budget(
        self, started: Started, target: ModelTarget, context: BotContext, log: RunLog, outcome: Outcome
    ) -> BudgetVerdict | None:
        """Before any tokens are spent: would this call's worst case (prompt + max output) exceed a budget?"""
        engine, bot = self._engine, started.bot
        settings = engine.settings.current
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
            now=engine.clock.now(),
        )
        verdict = await engine.store.check_budget(question)
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
        return context

    def _local(self, moment: datetime, bot: Bot) -> datetime:
        return moment.astimezone(ZoneInfo(bot.timezone or self._engine.settings.current.timezone))

    async def _finish(self, started: Started, primary: Target, outcome: Outcome, log: RunLog, duration_ms: int) -> None:
        engine, run, bot = self._engine, started.run, started.bot
        target = outcome.answered_by or (outcome.failure.target if outcome.failure else None) or primary
        values: dict[str, Any] = {"finished_at": engine.clock.now(), "duration_ms": duration_ms}
        values.update(self._ending_values(started, target, outcome, log))
        credential_updates = self._credential_updates(started, outcome)
        retry = None
        if outcome.failure and outcome.failure.transient and run.attempt == 1:
            retry = engine.retry_run(run, outcome.failure, log)
        log.info(f"Run {outcome.status.value}.", duration_ms=duration_ms)
        values["log"] = log.entries  # the same list: entries the hand-off adds below are stored too
        room = engine.queue_room()

        def follow_ups(session: Session) -> list[Run]:
            self._record_effects(session, started, outcome, credential_updates)
            if run.scheduled_for is not None and retry is None:
                self._record_fire(session, started, outcome.status, values)
            if outcome.status != RunStatus.CANCELLED:
                self._plan_notifications(session, started, outcome.status, values)
            if outcome.status == RunStatus.COMPLETED:
                return engine.follow_ups(session, run, bot, values["output"], log, room)
            return [retry] if retry else []

        for follow_up in await engine.store.finish(run.id, outcome.status, values, follow_ups):
            engine.queue.submit(follow_up.id, follow_up.not_before)
        if engine.after_finish is not None:
            engine.after_finish()

    def _record_effects(
        self, session: Session, started: Started, outcome: Outcome, credential_updates: dict[str, dict[str, Any]]
    ) -> None:
        """What a run's ending changes beyond the run, in the same transaction: credentials, a paused bot, events."""
        now, run, bot = self._engine.clock.now(), started.run, started.bot
        for credential_id, change in credential_updates.items():
            session.execute(update(ProviderCredential).where(ProviderCredential.id == credential_id).values(change))
            if change["status"] == "error":
                record_event(
                    session,
                    EventKind.CREDENTIAL_ERROR,
                    change["error_message"],
                    bot_id=bot.id,
                    run_id=run.id,
                    credential_id=credential_id,
                    now=now,
                )
        if outcome.budget is not None:
            session.execute(update(Bot).where(Bot.id == bot.id).values(enabled=False, updated_at=now))
            record_budget_events(session, outcome.budget, bot=bot, run_id=run.id, now=now)

    def _record_fire(self, session: Session, started: Started, status: RunStatus, values: dict[str, Any]) -> None:
        """A scheduled fire has its final outcome (its retry, if any, is over): count it for `bot_stale`.
        A run cancelled by its user says nothing about the bot."""
        if status == RunStatus.CANCELLED:
            return
        current = self._engine.settings.current
        outcome = FireOutcome(
            bot_id=started.bot.id,
            bot_name=started.bot.name,
            completed=status == RunStatus.COMPLETED,
            error_code=values.get("error_code"),
            error_message=values.get("error_message"),
            run_id=started.run.id,
        )
        now = self._engine.clock.now()
        record_fire_outcome(session, outcome, stale_after=current.stale_after_fires, language=current.language, now=now)

    def _plan_notifications(
        self, session: Session, started: Started, status: RunStatus, values: dict[str, Any]
    ) -> None:
        """The outbox rows this ending brings, in its transaction: a crash cannot lose or double them."""
        current = self._engine.settings.current
        run, bot = started.run, started.bot
        facts = RunFacts(
            bot_id=bot.id,
            bot_name=bot.name,
            emoji=bot.emoji,
            run_id=run.id,
            status=status.value,
            output=values.get("output"),
            error_message=values.get("error_message"),
            is_new=values.get("is_new"),
            tokens_in=values.get("tokens_in"),
            tokens_out=values.get("tokens_out"),
            cost_estimate=values.get("cost_estimate"),
            finished_at=values.get("finished_at"),
            duration_ms=values.get("duration_ms"),
        )
        quiet = (current.quiet_hours.start, current.quiet_hours.end) if current.quiet_hours else None
        policy = QuietPolicy(self._engine.clock.now(), ZoneInfo(current.timezone), quiet, current.language)
        plan_for_run(session, facts, bot, policy)

    def _credential_updates(self, started: Started, outcome: Outcome) -> dict[str, dict[str, Any]]:
        """Credentials whose key proved bad get status `error` with the message; a working one is `connected`."""
        language = self._engine.settings.current.language
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
            values = _completed_values(outcome.completion, target, started.previous, log)
        else:
            values = self._failed_values(started, target, outcome)
        # what every request of a run with tools spent (a figure it could not price keeps the one it has)
        return values | {key: value for key, value in _spent_by_tools(outcome.tools).items() if value is not None}

    def _failed_values(self, started: Started, target: Target, outcome: Outcome) -> dict[str, Any]:
        language = self._engine.settings.current.language
        bot = started.bot
        if outcome.status == RunStatus.TIMEOUT:
            message = run_error_message("timeout", language, seconds=bot.max_runtime_seconds)
            return {"error_code": "timeout", "error_message": message}
        if outcome.status == RunStatus.CANCELLED:
            return {"error_code": "cancelled", "error_message": run_error_message("cancelled", language)}
        failure = outcome.failure or ProviderFailure("internal", "no outcome")
        if outcome.budget is not None and outcome.budget.message:
            return {"error_code": failure.code, "error_message": outcome.budget.message}
        provider = PROVIDERS[target.type].display_name if isinstance(target, ModelTarget) else "?"
        model = target.model_name if isinstance(target, ModelTarget) else bot.model
        if failure.wording:
            return {
                "error_code": failure.code,
                "error_message": run_error_message(failure.wording, language, **failure.values),
            }
        message = run_error_message(
            failure.code,
            language,
            provider=provider,
            model=model,
            detail=failure.detail,
            seconds=bot.max_runtime_seconds,
        )
        return {"error_code": failure.code, "error_message": message}


def _spent_by_tools(tools: ToolUse | None) -> dict[str, Any]:
    """Tokens and cost of every request of a run with tools (all models asked), whatever its ending."""
    if tools is None or tools.usage is None:
        return {}
    tokens_in, tokens_out, cost = tools.usage
    return {
        "tokens_in": tokens_in,
        "tokens_out": tokens_out,
        "cost_estimate": float(cost) if cost is not None else None,
    }


def _final(failure: ProviderFailure, tools: ToolUse | None, log: RunLog) -> ProviderFailure:
    """The failure a run ends with; not retried once its tools changed files (the retry would change them again)."""
    if tools is not None and tools.acted and failure.transient:
        log.warning("Not retried: the bot's tools already changed files in this run.")
        failure.transient = False
    return failure


def _completed_values(completion: Completion, target: Target, previous: Previous | None, log: RunLog) -> dict[str, Any]:
    digest = output_hash(completion.text)
    cost = float(completion.cost_usd) if completion.cost_usd is not None else None
    if cost is None and isinstance(target, ModelTarget) and target.type == ProviderType.OLLAMA:
        cost = 0.0  # a local model costs nothing
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
