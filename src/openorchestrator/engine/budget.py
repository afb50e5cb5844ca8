"""Spend caps: what a run could cost at worst, what was spent in a period, and whether a run still fits.

Synchronous functions for the engine's sync Session (engine/store.py calls them in its worker thread, so
checks and the events they lead to never race each other). Nothing here commits.

    worst_case_cost ──▶ check_budgets(session, …) ──▶ BudgetVerdict ──▶ record_budget_events(session, …)

Rules:
- A run *would exceed* a budget when spent + worst case > limit; a run that lands exactly on the limit fits.
- A budget's spent amount is the sum of `runs.cost_estimate` of runs created in its period; runs without a
  known price add nothing, and runs still in flight count only once they have ended.
- Periods (day, month) are in the app's time zone for bot and global budgets alike, the same days and months
  `/api/usage` reports.
- Unknown price (`worst_case` None): never guessed. The run is treated as costing at least nothing, so it is
  refused only where a budget is already overspent; `BudgetVerdict.unpriced` tells the caller to log that
  the cost could not be checked.
- A warning (spent + worst case ≥ warn percent of the limit) is given once per budget, limit and period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from openorchestrator.core.calendar import day_start, month_start
from openorchestrator.core.i18n import Language
from openorchestrator.db.models import Bot, Event, EventKind, Run
from openorchestrator.events.record import record_event

SPENT_QUANTUM = Decimal("0.00000001")
"""Sums of float costs are rounded to this (a millionth of a cent), so float noise never tips a budget."""

BudgetName = Literal["bot_daily", "bot_monthly", "global_monthly"]


# -- what was spent ----------------------------------------------------------------------------------------
def spent_statement(*, bot_id: str | None, since: datetime, until: datetime | None = None) -> Select[float | None]:
    """SUM of the known costs of the runs created in [since, until) (of one bot, or of all when None)."""
    query = select(func.sum(Run.cost_estimate)).where(Run.created_at >= since)  # SUM skips unknown (NULL) costs
    if until is not None:
        query = query.where(Run.created_at < until)
    if bot_id is not None:
        query = query.where(Run.bot_id == bot_id)
    return query


def as_usd(total: float | None) -> Decimal:
    """A SQL sum of float costs as USD, rounded to `SPENT_QUANTUM` (so 0.1 + 0.2 is 0.3)."""
    if total is None:
        return Decimal(0)
    return Decimal(repr(float(total))).quantize(SPENT_QUANTUM)


def spent_usd(session: Session, *, bot_id: str | None, since: datetime) -> Decimal:
    """The known cost of the runs created since `since`, of one bot or (bot_id None) of all bots."""
    return as_usd(session.scalar(spent_statement(bot_id=bot_id, since=since)))


# -- the check ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Budget:
    """One budget that applies to a run, with what its period has spent so far."""

    name: BudgetName
    limit_usd: Decimal
    spent_usd: Decimal
    period_start: datetime


@dataclass(frozen=True)
class BudgetWarning:
    """A budget this run brings to its warn percent or beyond; not yet recorded in this period."""

    budget: BudgetName
    limit_usd: Decimal
    spent_usd: Decimal
    projected_usd: Decimal
    """spent + worst case (spent alone when the price is unknown)."""
    warn_percent: int
    period_start: datetime
    message: str


@dataclass(frozen=True)
class BudgetVerdict:
    exceeded: BudgetName | None = None
    """The first budget the run would exceed (bot_daily, bot_monthly, global_monthly in that order), or None."""
    limit_usd: Decimal | None = None
    spent_usd: Decimal | None = None
    period_start: datetime | None = None
    message: str | None = None
    """Why the run was refused, in plain words in the app's language (for the event and the run)."""
    worst_case_usd: Decimal | None = None
    warnings: list[BudgetWarning] = field(default_factory=list)
    """Only when the run is allowed: budgets it brings to their warn percent, first time this period."""
    unpriced: bool = False
    """No price is known for the run's model: the check could not count what the run itself will cost."""
    headroom_usd: Decimal | None = None
    """The least room any budget has left before this run (runs in flight counted); None without budgets."""

    @property
    def allowed(self) -> bool:
        return self.exceeded is None


def check_budgets(
    session: Session,
    *,
    bot: Bot,
    settings_budget_monthly_usd: float | None,
    warn_percent: int,
    tz: str,
    now: datetime,
    worst_case: Decimal | None,
    language: Language = "de",
    in_flight_bot_usd: Decimal = Decimal(0),
    in_flight_all_usd: Decimal = Decimal(0),
) -> BudgetVerdict:
    """Whether a run of `bot` that could cost `worst_case` fits its daily and monthly budgets and the global one.

    Reads only (spent sums, earlier warnings); record what it says with `record_budget_events`.
    """
    budgets = [
        _with_in_flight(budget, in_flight_bot_usd, in_flight_all_usd)
        for budget in applicable_budgets(session, bot, settings_budget_monthly_usd, tz, now)
    ]
    projected_extra = worst_case if worst_case is not None else Decimal(0)
    unpriced = worst_case is None
    for budget in budgets:
        if budget.spent_usd + projected_extra > budget.limit_usd:
            return BudgetVerdict(
                exceeded=budget.name,
                limit_usd=budget.limit_usd,
                spent_usd=budget.spent_usd,
                period_start=budget.period_start,
                message=exceeded_message(budget, bot.name, worst_case, language),
                worst_case_usd=worst_case,
                unpriced=unpriced,
            )
    crossing = [
        _warning(budget, bot.name, projected_extra, warn_percent, language)
        for budget in budgets
        if budget.limit_usd > 0 and (budget.spent_usd + projected_extra) * 100 >= budget.limit_usd * warn_percent
    ]
    warnings = _not_yet_warned(session, bot.id, crossing) if crossing else []
    headroom = min((budget.limit_usd - budget.spent_usd for budget in budgets), default=None)
    return BudgetVerdict(worst_case_usd=worst_case, warnings=warnings, unpriced=unpriced, headroom_usd=headroom)


def _with_in_flight(budget: Budget, bot_usd: Decimal, all_usd: Decimal) -> Budget:
    """Runs still in flight have not written their cost yet: their worst cases count as spent."""
    extra = all_usd if budget.name == "global_monthly" else bot_usd
    if not extra:
        return budget
    return Budget(budget.name, budget.limit_usd, budget.spent_usd + extra, budget.period_start)


def applicable_budgets(
    session: Session, bot: Bot, global_monthly_usd: float | None, tz: str, now: datetime
) -> list[Budget]:
    """The budgets set for this bot and for all bots, each with its period's spending (one query each)."""
    wanted: list[tuple[BudgetName, float | None, str | None, datetime]] = [
        ("bot_daily", bot.budget_daily_usd, bot.id, day_start(now, tz)),
        ("bot_monthly", bot.budget_monthly_usd, bot.id, month_start(now, tz)),
        ("global_monthly", global_monthly_usd, None, month_start(now, tz)),
    ]
    return [
        Budget(name, Decimal(repr(float(limit))), spent_usd(session, bot_id=owner, since=start), start)
        for name, limit, owner, start in wanted
        if limit is not None
    ]


def _warning(budget: Budget, bot_name: str, extra: Decimal, warn_percent: int, language: Language) -> BudgetWarning:
    projected = budget.spent_usd + extra
    message = warning_message(budget, bot_name, projected, language)
    return BudgetWarning(
        budget.name, budget.limit_usd, budget.spent_usd, projected, warn_percent, budget.period_start, message
    )


def _not_yet_warned(session: Session, bot_id: str, crossing: list[BudgetWarning]) -> list[BudgetWarning]:
    """Drop the warnings already recorded for the same budget and limit in the same period."""
    since = min(warning.period_start for warning in crossing)
    earlier = session.execute(
        select(Event.bot_id, Event.data, Event.created_at).where(
            Event.kind == EventKind.BUDGET_WARNING.value,
            Event.created_at >= since,
            or_(Event.bot_id == bot_id, Event.bot_id.is_(None)),
        )
    ).all()

    def warned(warning: BudgetWarning) -> bool:
        return any(
            (data or {}).get("budget") == warning.budget
            and (data or {}).get("limit_usd") == float(warning.limit_usd)
            and created_at >= warning.period_start
            and (warning.budget == "global_monthly" or event_bot_id == bot_id)
            for event_bot_id, data, created_at in earlier
        )

    return [warning for warning in crossing if not warned(warning)]


def record_budget_events(
    session: Session, verdict: BudgetVerdict, *, bot: Bot, run_id: str | None, now: datetime
) -> list[Event]:
    """The `budget_exceeded` event of a refused run, or the `budget_warning` events of an allowed one.

    Warnings about the global budget carry no bot_id: they are about all bots, and outlive the bot that ran.
    """
    events: list[Event] = []
    if verdict.exceeded is not None and verdict.message is not None:
        data = {
            "budget": verdict.exceeded,
            "limit_usd": _number(verdict.limit_usd),
            "spent_usd": _number(verdict.spent_usd),
            "worst_case_usd": _number(verdict.worst_case_usd),
            "period_start": verdict.period_start.isoformat() if verdict.period_start else None,
        }
        kind = EventKind.BUDGET_EXCEEDED
        events.append(record_event(session, kind, verdict.message, bot_id=bot.id, run_id=run_id, data=data, now=now))
    for warning in verdict.warnings:
        data = {
            "budget": warning.budget,
            "limit_usd": _number(warning.limit_usd),
            "spent_usd": _number(warning.spent_usd),
            "projected_usd": _number(warning.projected_usd),
            "warn_percent": warning.warn_percent,
            "period_start": warning.period_start.isoformat(),
        }
        owner = None if warning.budget == "global_monthly" else bot.id
        kind = EventKind.BUDGET_WARNING
        events.append(record_event(session, kind, warning.message, bot_id=owner, run_id=run_id, data=data, now=now))
    return events


def _number(amount: Decimal | None) -> float | None:
    return None if amount is None else float(amount)


# -- plain words -------------------------------------------------------------------------------------------
BUDGET_NAMES: dict[BudgetName, dict[Language, str]] = {
    "bot_daily": {"de": "Tagesbudget von „{bot}“", "en": "Daily budget of “{bot}”"},
    "bot_monthly": {"de": "Monatsbudget von „{bot}“", "en": "Monthly budget of “{bot}”"},
    "global_monthly": {"de": "Monatsbudget aller Bots", "en": "Monthly budget for all bots"},
}

BUDGET_TEXTS: dict[str, dict[Language, str]] = {
    "exceeded": {
        "de": "Budget erreicht — der Bot wurde pausiert. {budget}: {limit}, davon {spent} ausgegeben; {reason}",
        "en": "Budget reached — the bot was paused. {budget}: {limit}, {spent} spent so far; {reason}",
    },
    "exceeded_by_run": {
        "de": "dieser Run hätte bis zu {worst} gekostet.",
        "en": "this run could have cost up to {worst}.",
    },
    "already_overspent": {
        "de": "das Budget ist schon überschritten.",
        "en": "the budget is already overspent.",
    },
    "warning": {
        "de": "{budget} fast erreicht: {spent} von {limit} ausgegeben, mit dem nächsten Run bis zu {projected} "
        "({percent} %).",
        "en": "{budget} nearly used up: {spent} of {limit} spent, up to {projected} with the next run ({percent} %).",
    },
}


def exceeded_message(budget: Budget, bot_name: str, worst_case: Decimal | None, language: Language) -> str:
    if worst_case is None:
        reason = BUDGET_TEXTS["already_overspent"][language]
    else:
        reason = BUDGET_TEXTS["exceeded_by_run"][language].format(worst=format_usd(worst_case, language))
    return BUDGET_TEXTS["exceeded"][language].format(
        budget=BUDGET_NAMES[budget.name][language].format(bot=bot_name),
        limit=format_usd(budget.limit_usd, language),
        spent=format_usd(budget.spent_usd, language),
        reason=reason,
    )


def warning_message(budget: Budget, bot_name: str, projected: Decimal, language: Language) -> str:
    return BUDGET_TEXTS["warning"][language].format(
        budget=BUDGET_NAMES[budget.name][language].format(bot=bot_name),
        spent=format_usd(budget.spent_usd, language),
        limit=format_usd(budget.limit_usd, language),
        projected=format_usd(projected, language),
        percent=int(projected * 100 / budget.limit_usd),
    )


def format_usd(amount: Decimal, language: Language) -> str:
    """Dollars to the cent as people write them: `$1,234.50` (en), `1.234,50 $` (de); tiny amounts `< $0.01`."""
    if Decimal(0) < amount < _CENT:
        return "< " + format_usd(_CENT, language)
    text = f"{amount.quantize(_CENT, ROUND_HALF_UP):,.2f}"
    if language == "de":
        return text.replace(",", " ").replace(".", ",").replace(" ", ".") + " $"
    return f"${text}"


_CENT = Decimal("0.01")
