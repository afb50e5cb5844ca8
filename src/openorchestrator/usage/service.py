"""Usage: runs, tokens and known costs over a period, grouped by bot, provider (credential), model or local day.

A period is half-open, [from, to), in the app's time zone; its default is the current month. Costs are the
runs' `cost_estimate`; runs a model answered without a known price are counted in `runs_without_price`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from openorchestrator.core.calendar import local_date, local_midnight, month_start, next_month_start
from openorchestrator.db.models import Bot, ProviderCredential, Run
from openorchestrator.engine.budget import as_usd
from openorchestrator.errors import InvalidInput
from openorchestrator.usage.schemas import GroupBy, UsageRow, UsageSummary

NO_MODEL_LABEL = "—"
_BOUND_HELP = "use an ISO date (2026-11-01) or date and time (2026-11-01T08:00:00+01:00)"


# -- the period --------------------------------------------------------------------------------------------
def parse_bound(value: str | None, field: str, tz: str) -> datetime | None:
    """An ISO date (local midnight in `tz`) or datetime (without offset: local time in `tz`), in UTC."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            moment = local_midnight(date.fromisoformat(text), tz)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=ZoneInfo(tz))
        moment = moment.astimezone(UTC)
    except ValueError:
        raise InvalidInput(field, f"{value!r} is not a date; {_BOUND_HELP}") from None
    except OverflowError:  # year 1 east of UTC, year 9999 west of it
        raise InvalidInput(field, f"{value!r} is out of range; use a year between 1970 and 9998") from None
    return moment


def period(from_text: str | None, to_text: str | None, tz: str, now: datetime) -> tuple[datetime, datetime]:
    """[from, to) in UTC; a missing bound is that of the current month in `tz`."""
    start = parse_bound(from_text, "from", tz) or month_start(now, tz)
    end = parse_bound(to_text, "to", tz) or next_month_start(now, tz)
    if end <= start:
        raise InvalidInput("to", f"must be later than from ({start.isoformat()})")
    return start, end


# -- adding up ---------------------------------------------------------------------------------------------
@dataclass
class Tally:
    runs: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost: Decimal = Decimal(0)
    runs_without_price: int = 0

    def add(self, runs: int, tokens_in: int | None, tokens_out: int | None, cost: Any, unpriced: int | None) -> None:
        """Add SQL values (sums over no rows are NULL)."""
        self.runs += runs
        self.tokens_in += tokens_in or 0
        self.tokens_out += tokens_out or 0
        self.cost += as_usd(cost)
        self.runs_without_price += unpriced or 0

    def merge(self, other: Tally) -> None:
        self.runs += other.runs
        self.tokens_in += other.tokens_in
        self.tokens_out += other.tokens_out
        self.cost += other.cost
        self.runs_without_price += other.runs_without_price

    def row(self, key: str | None, label: str, provider_type: str | None = None) -> UsageRow:
        return UsageRow(
            key=key,
            label=label,
            runs=self.runs,
            tokens_in=self.tokens_in,
            tokens_out=self.tokens_out,
            cost_usd=float(self.cost),
            runs_without_price=self.runs_without_price,
            provider_type=provider_type,
        )


def _unpriced() -> Any:
    """1 for a run a model answered (it has a model) whose price is unknown."""
    return case((and_(Run.model.is_not(None), Run.cost_estimate.is_(None)), 1), else_=0)


def _aggregates() -> tuple[Any, ...]:
    return (
        func.count(Run.id),
        func.sum(Run.tokens_in),
        func.sum(Run.tokens_out),
        func.sum(Run.cost_estimate),
        func.sum(_unpriced()),
    )


def _in_period(start: datetime, end: datetime) -> Any:
    return and_(Run.created_at >= start, Run.created_at < end)


def _ranked(rows: Iterable[UsageRow]) -> list[UsageRow]:
    """Most expensive first, then busiest, then by name."""
    return sorted(rows, key=lambda row: (-row.cost_usd, -row.runs, row.label))


# -- the groupings -----------------------------------------------------------------------------------------
async def usage(session: AsyncSession, group_by: GroupBy, start: datetime, end: datetime, tz: str) -> list[UsageRow]:
    if group_by == "bot":
        return await _by_bot(session, start, end)
    if group_by == "day":
        return await _by_day(session, start, end, tz)
    by_model = await _by_model(session, start, end)
    if group_by == "model":
        return _ranked(tally.row(model, model or NO_MODEL_LABEL) for model, tally in by_model.items())
    return await _by_provider(session, by_model)


async def _by_bot(session: AsyncSession, start: datetime, end: datetime) -> list[UsageRow]:
    query = (
        select(Run.bot_id, Bot.name, *_aggregates())
        .join(Bot, Bot.id == Run.bot_id)
        .where(_in_period(start, end))
        .group_by(Run.bot_id, Bot.name)
    )
    rows = []
    for bot_id, name, *values in await session.execute(query):
        tally = Tally()
        tally.add(*values)
        rows.append(tally.row(bot_id, name))
    return _ranked(rows)


async def _by_model(session: AsyncSession, start: datetime, end: datetime) -> dict[str | None, Tally]:
    query = select(Run.model, *_aggregates()).where(_in_period(start, end)).group_by(Run.model)
    tallies: dict[str | None, Tally] = {}
    for model, *values in await session.execute(query):
        tallies.setdefault(model, Tally()).add(*values)
    return tallies


async def _by_provider(session: AsyncSession, by_model: dict[str | None, Tally]) -> list[UsageRow]:
    """Models rolled up by their credential name (the part of `credential:model` before the first colon)."""
    tallies: dict[str | None, Tally] = {}
    for model, tally in by_model.items():
        name = model.partition(":")[0] if model else None
        tallies.setdefault(name, Tally()).merge(tally)
    credentials = await session.execute(select(ProviderCredential.name, ProviderCredential.type))
    types = {name: type_ for name, type_ in credentials}
    return _ranked(tally.row(name, name or NO_MODEL_LABEL, types.get(name or "")) for name, tally in tallies.items())


async def _by_day(session: AsyncSession, start: datetime, end: datetime, tz: str) -> list[UsageRow]:
    """Days in `tz` cannot be computed portably in SQL (time zones, summer time): the runs are added up here."""
    query = select(Run.created_at, Run.tokens_in, Run.tokens_out, Run.cost_estimate, _unpriced()).where(
        _in_period(start, end)
    )
    tallies: dict[str, Tally] = {}
    for created_at, tokens_in, tokens_out, cost, unpriced in await session.execute(query):
        day = local_date(created_at, tz).isoformat()
        tallies.setdefault(day, Tally()).add(1, tokens_in, tokens_out, cost, unpriced)
    return [tallies[day].row(day, day) for day in sorted(tallies)]


# -- the dashboard -----------------------------------------------------------------------------------------
async def summary(session: AsyncSession, tz: str, now: datetime, budget_monthly_usd: float | None) -> UsageSummary:
    """This month so far, and how much of the global monthly budget it used."""
    start, end = month_start(now, tz), next_month_start(now, tz)
    values: Sequence[Any] = (await session.execute(select(*_aggregates()).where(_in_period(start, end)))).one()
    tally = Tally()
    tally.add(*values)
    return UsageSummary(
        from_=start,
        to=end,
        runs=tally.runs,
        tokens_in=tally.tokens_in,
        tokens_out=tally.tokens_out,
        cost_usd=float(tally.cost),
        budget_monthly_usd=budget_monthly_usd,
        budget_used_percent=used_percent(tally.cost, budget_monthly_usd),
    )


def used_percent(cost: Decimal, budget_usd: float | None) -> float | None:
    """cost as a percentage of the budget, to 0.1 %; a zero budget is 100 % used by any cost, else 0 %."""
    if budget_usd is None:
        return None
    if budget_usd == 0:
        return 100.0 if cost > 0 else 0.0
    return round(float(cost * 100 / Decimal(repr(float(budget_usd)))), 1)
