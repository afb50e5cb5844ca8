"""The engine's hot path to the database: a synchronous SQLAlchemy engine driven by one worker thread.

Each of the three writes of a run (accept, start, finish) is one transaction and one hop to that thread,
instead of a dozen awaited round trips through the async driver. One thread also means the engine's own
writes never contend with each other for SQLite's single writer lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from openorchestrator.core.i18n import Language
from openorchestrator.db.connection import _on_sqlite_connect, sync_url
from openorchestrator.db.models import Bot, ProviderCredential, Run
from openorchestrator.engine.budget import BudgetVerdict, check_budgets, record_budget_events
from openorchestrator.engine.lifecycle import RunEnding
from openorchestrator.engine.states import RunStatus, transition_statement
from openorchestrator.providers.credentials import credentials_for
from openorchestrator.providers.pricing import worst_case_cost
from openorchestrator.providers.types import ModelTarget

T = TypeVar("T")


@dataclass
class Previous:
    """The bot's last completed run, for its memory and for `is_new`."""

    output: str | None
    output_hash: str | None
    finished_at: datetime | None


@dataclass
class Started:
    run: Run
    bot: Bot
    previous: Previous | None
    credentials: dict[str, ProviderCredential]
    """The credentials the bot's model and fallback models name, by name."""


class RunStore:
    def __init__(self, url: str) -> None:
        self._engine = create_engine(
            sync_url(url), connect_args={"check_same_thread": False} if url.startswith("sqlite") else {}
        )
        if self._engine.dialect.name == "sqlite":
            event.listen(self._engine, "connect", _on_sqlite_connect)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="run-store")
        self.owner: str | None = None
        """This process's id, written on each run it starts (see `RunEngine.recover`)."""
        self._in_flight: dict[str, tuple[str, Decimal]] = {}
        """Run id → (bot id, worst-case cost) of runs that passed a budget check and have not ended: their
        cost is not in the runs table yet, so the next checks count it. Touched only in the store's thread."""

    async def _call(self, func: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, partial(func, *args))

    def close(self) -> None:
        self._thread.shutdown(wait=True)
        self._engine.dispose()

    async def transact(self, work: Callable[[Session], T]) -> T:
        """Run `work` with a session in the store's thread (it commits what it wants kept)."""
        return await self._call(self._transact, work)

    def _transact(self, work: Callable[[Session], T]) -> T:
        with self._sessions() as session:
            return work(session)

    # -- accept ----------------------------------------------------------------------------------------
    async def insert(self, run: Run) -> bool:
        """False when the bot does not exist (the foreign key says so; no extra query)."""
        return await self._call(self._insert, run)

    def _insert(self, run: Run) -> bool:
        with self._sessions() as session:
            session.add(run)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
        return True

    # -- start -----------------------------------------------------------------------------------------
    async def start(self, run_id: str, started_at: datetime) -> Started | None:
        """Move a pending run to running and load what executing it needs. None if it is not pending."""
        return await self._call(self._start, run_id, started_at)

    def _start(self, run_id: str, started_at: datetime) -> Started | None:
        with self._sessions() as session:
            row = session.execute(select(Run, Bot).join(Bot).where(Run.id == run_id)).one_or_none()
            if row is None or row[0].status != RunStatus.PENDING:
                return None
            run, bot = row
            moved = session.execute(
                transition_statement(
                    run_id, RunStatus.PENDING, RunStatus.RUNNING, started_at=started_at, owner=self.owner
                )
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                return None
            previous = session.execute(
                select(Run.output, Run.output_hash, Run.finished_at)
                .where(Run.bot_id == bot.id, Run.status == RunStatus.COMPLETED.value)
                .order_by(Run.created_at.desc(), Run.id.desc())  # walks the (bot_id, created_at) index
                .limit(1)
            ).first()
            credentials = credentials_for(session, [bot.model, *(bot.fallback_models or [])])
            session.commit()
        run.status, run.started_at = RunStatus.RUNNING.value, started_at  # detached now: no second UPDATE
        return Started(run, bot, Previous(*previous) if previous else None, credentials)

    # -- budgets ---------------------------------------------------------------------------------------
    async def check_budget(self, question: BudgetQuestion) -> BudgetVerdict:
        """Whether the run may call the model; budget warnings it brings are recorded at once."""
        return await self._call(self._check_budget, question)

    def _check_budget(self, q: BudgetQuestion) -> BudgetVerdict:
        target, bot = q.target, q.bot
        worst = worst_case_cost(
            target.type.value, target.model_name, target.base_url, q.prompt_tokens, q.max_output_tokens, at=q.now
        )
        others = {run_id: entry for run_id, entry in self._in_flight.items() if run_id != q.run_id}
        with self._sessions() as session:
            verdict = check_budgets(
                session,
                bot=bot,
                settings_budget_monthly_usd=q.global_monthly_usd,
                warn_percent=q.warn_percent,
                tz=q.timezone,
                now=q.now,
                worst_case=worst,
                language=q.language,
                in_flight_bot_usd=sum((usd for bot_id, usd in others.values() if bot_id == bot.id), Decimal(0)),
                in_flight_all_usd=sum((usd for _, usd in others.values()), Decimal(0)),
            )
            if verdict.allowed and verdict.warnings:
                record_budget_events(session, verdict, bot=bot, run_id=q.run_id, now=q.now)
                session.commit()
        if verdict.allowed and worst is not None:
            self._in_flight[q.run_id] = (bot.id, worst)
        return verdict

    # -- finish ----------------------------------------------------------------------------------------
    async def finish(self, ending: RunEnding, hooks: Callable[[Session, RunEnding], list[Run]]) -> list[Run] | None:
        """End a running run: its final values, what the ending hooks write, the runs that follow (its retry and
        what the hooks return), in one transaction. None when the run was no longer running (nothing written)."""
        return await self._call(self._finish, ending, hooks)

    def _finish(self, ending: RunEnding, hooks: Callable[[Session, RunEnding], list[Run]]) -> list[Run] | None:
        run_id = ending.run.id
        self._in_flight.pop(run_id, None)  # its cost is in the runs table from now on
        with self._sessions() as session:
            runs = [ending.retry] if ending.retry is not None else []
            runs.extend(hooks(session, ending))
            result = session.execute(transition_statement(run_id, RunStatus.RUNNING, ending.status, **ending.values))
            if result.rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()  # the run is gone (its bot was deleted) or already ended
                return None
            session.add_all(runs)
            session.commit()
        return runs


@dataclass(frozen=True)
class BudgetQuestion:
    """Everything the budget check needs, computed on the event loop, answered in the store's thread."""

    bot: Bot
    target: ModelTarget
    prompt_tokens: int
    max_output_tokens: int | None
    run_id: str
    global_monthly_usd: float | None
    warn_percent: int
    timezone: str
    language: Language
    now: datetime


__all__ = ["Previous", "RunStore", "Started"]
