"""check_budgets at the boundaries (exactly at the limit fits, a cent more does not), warnings once per period,
and the events a verdict records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from tests.usage.usage_support import add_bot, add_run, utc

from openorchestrator.db.models import Bot, Event, EventKind
from openorchestrator.engine.budget import BudgetVerdict, check_budgets, record_budget_events

BERLIN = "Europe/Berlin"
NOW = utc("2026-12-10 12:00")  # 13:00 in Berlin


@pytest.fixture
def bots(db: Session) -> tuple[Bot, Bot]:
    """Scout spent 0.75 today, 4.25 this month (Berlin); all bots together 8.25 this month."""
    scout, writer = add_bot(db, "Scout"), add_bot(db, "Writer")
    add_run(db, scout, "2026-12-10 08:00", 0.5)
    add_run(db, scout, "2026-12-09 23:30", 0.25)  # 00:30 today in Berlin
    add_run(db, scout, "2026-12-09 22:30", 3.5)  # 23:30 yesterday in Berlin: this month, not today
    add_run(db, scout, "2026-11-30 22:30", 100.0)  # last month in Berlin
    add_run(db, scout, "2026-12-10 09:00", None)  # unknown price
    add_run(db, writer, "2026-12-05 10:00", 4.0)
    db.commit()
    return scout, writer


def check(db: Session, bot: Bot, worst: str | None, **overrides: Any) -> BudgetVerdict:
    values: dict[str, Any] = {
        "settings_budget_monthly_usd": None,
        "warn_percent": 100,
        "tz": BERLIN,
        "now": NOW,
        "language": "en",
        **overrides,
    }
    return check_budgets(db, bot=bot, worst_case=None if worst is None else Decimal(worst), **values)


@pytest.mark.parametrize(
    ("daily", "monthly", "global_", "fits", "exceeds", "budget", "spent"),
    [
        (1.0, None, None, "0.25", "0.26", "bot_daily", "0.75"),
        (None, 5.0, None, "0.75", "0.76", "bot_monthly", "4.25"),
        (None, None, 10.0, "1.75", "1.76", "global_monthly", "8.25"),
    ],
)
def test_a_run_that_lands_exactly_on_the_limit_fits_and_one_a_cent_over_does_not(
    db: Session,
    bots: tuple[Bot, Bot],
    daily: float | None,
    monthly: float | None,
    global_: float | None,
    fits: str,
    exceeds: str,
    budget: str,
    spent: str,
) -> None:
    scout, _ = bots
    scout.budget_daily_usd, scout.budget_monthly_usd = daily, monthly

    allowed = check(db, scout, fits, settings_budget_monthly_usd=global_)
    refused = check(db, scout, exceeds, settings_budget_monthly_usd=global_)

    assert allowed.allowed and allowed.exceeded is None and allowed.message is None
    assert not refused.allowed
    assert refused.exceeded == budget
    assert refused.spent_usd == Decimal(spent)
    assert refused.limit_usd == Decimal(str(daily or monthly or global_))
    assert refused.worst_case_usd == Decimal(exceeds)
    assert refused.message is not None and "paused" in refused.message


def test_the_bots_daily_budget_is_named_first_when_several_are_exceeded(db: Session, bots: tuple[Bot, Bot]) -> None:
    scout, _ = bots
    scout.budget_daily_usd, scout.budget_monthly_usd = 0.5, 1.0

    verdict = check(db, scout, "1", settings_budget_monthly_usd=1.0, language="de")

    assert verdict.exceeded == "bot_daily"
    assert verdict.message == (
        "Budget erreicht — der Bot wurde pausiert. Tagesbudget von „Scout“: 0,50 $, davon 0,75 $ ausgegeben; "
        "dieser Run hätte bis zu 1,00 $ gekostet."
    )


def test_another_bots_budget_does_not_count_against_this_one(db: Session, bots: tuple[Bot, Bot]) -> None:
    _, writer = bots
    writer.budget_daily_usd, writer.budget_monthly_usd = 0.1, 4.1

    assert check(db, writer, "0.1").allowed  # Writer: nothing today, 4.00 this month


def test_no_budgets_no_verdict(db: Session, bots: tuple[Bot, Bot]) -> None:
    scout, _ = bots

    verdict = check(db, scout, "1000000", warn_percent=1)

    assert verdict == BudgetVerdict(worst_case_usd=Decimal(1000000))


def test_an_unpriced_run_fits_unless_the_budget_is_already_overspent(db: Session, bots: tuple[Bot, Bot]) -> None:
    scout, _ = bots
    scout.budget_daily_usd = 0.75

    at_the_limit = check(db, scout, None)
    scout.budget_daily_usd = 0.74
    overspent = check(db, scout, None)

    assert at_the_limit.allowed and at_the_limit.unpriced
    assert overspent.exceeded == "bot_daily" and overspent.unpriced
    assert overspent.message is not None and overspent.message.endswith("the budget is already overspent.")


def test_a_refused_run_records_one_budget_exceeded_event(db: Session, bots: tuple[Bot, Bot]) -> None:
    scout, _ = bots
    scout.budget_monthly_usd = 4.5

    verdict = check(db, scout, "0.26", warn_percent=50)
    events = record_budget_events(db, verdict, bot=scout, run_id="RUN1", now=NOW)
    db.commit()

    assert verdict.warnings == []  # a refused run warns about nothing: it spends nothing
    [event] = db.scalars(select(Event)).all()
    assert events == [event]
    assert (event.kind, event.bot_id, event.run_id, event.created_at) == ("budget_exceeded", scout.id, "RUN1", NOW)
    assert event.message == verdict.message
    assert event.data == {
        "budget": "bot_monthly",
        "limit_usd": 4.5,
        "spent_usd": 4.25,
        "worst_case_usd": 0.26,
        "period_start": "2026-11-30T23:00:00+00:00",
    }


def test_a_warning_is_recorded_once_per_budget_and_period(db: Session, bots: tuple[Bot, Bot]) -> None:
    scout, _ = bots
    scout.budget_monthly_usd = 5.0  # 4.25 spent: 85 %

    first = check(db, scout, "0", warn_percent=80)
    record_budget_events(db, first, bot=scout, run_id="RUN1", now=NOW)
    db.commit()
    again = check(db, scout, "0.5", warn_percent=80)
    add_run(db, scout, "2027-01-02 10:00", 4.0)  # next month: 80 % again
    db.commit()
    next_month = check(db, scout, "0", warn_percent=80, now=utc("2027-01-03 12:00"))

    [warning] = first.warnings
    assert first.allowed
    assert (warning.budget, warning.spent_usd, warning.projected_usd) == (
        "bot_monthly",
        Decimal("4.25"),
        Decimal("4.25"),
    )
    assert warning.message == (
        "Monthly budget of “Scout” nearly used up: $4.25 of $5.00 spent, up to $4.25 with the next run (85 %)."
    )
    [event] = db.scalars(select(Event)).all()
    assert (event.kind, event.bot_id, event.data["budget"]) == ("budget_warning", scout.id, "bot_monthly")
    assert again.allowed and again.warnings == []
    assert [w.budget for w in next_month.warnings] == ["bot_monthly"]


def test_the_worst_case_counts_towards_the_warning(db: Session, bots: tuple[Bot, Bot]) -> None:
    scout, _ = bots
    scout.budget_daily_usd = 1.0  # 0.75 spent today

    assert check(db, scout, "0.04", warn_percent=80).warnings == []
    assert [w.budget for w in check(db, scout, "0.05", warn_percent=80).warnings] == ["bot_daily"]


def test_a_new_limit_is_a_new_budget_that_may_warn_again(db: Session, bots: tuple[Bot, Bot]) -> None:
    scout, _ = bots
    scout.budget_daily_usd = 0.9
    record_budget_events(db, check(db, scout, "0", warn_percent=80), bot=scout, run_id=None, now=NOW)
    db.commit()
    scout.budget_daily_usd = 0.8

    assert [w.limit_usd for w in check(db, scout, "0", warn_percent=80).warnings] == [Decimal("0.8")]


def test_the_global_warning_is_given_once_whichever_bot_runs(db: Session, bots: tuple[Bot, Bot]) -> None:
    scout, writer = bots
    settings = {"settings_budget_monthly_usd": 10.0, "warn_percent": 80}  # 8.25 spent: 82.5 %

    first = check(db, scout, "0", **settings)
    record_budget_events(db, first, bot=scout, run_id="RUN1", now=NOW)
    db.commit()

    [warning] = first.warnings
    assert warning.budget == "global_monthly"
    assert db.scalars(select(Event.bot_id)).all() == [None]  # about all bots, not about Scout
    assert check(db, writer, "0", **settings).warnings == []
    assert check(db, scout, "0", **settings).warnings == []


def test_events_of_a_deleted_bot_go_with_it(db: Session, bots: tuple[Bot, Bot]) -> None:
    scout, _ = bots
    scout.budget_daily_usd = 0.9
    settings = {"settings_budget_monthly_usd": 10.0, "warn_percent": 80}
    record_budget_events(db, check(db, scout, "0", **settings), bot=scout, run_id=None, now=NOW)
    db.commit()
    assert sorted(db.scalars(select(Event.kind)).all()) == [EventKind.BUDGET_WARNING] * 2

    db.execute(delete(Bot).where(Bot.id == scout.id))
    db.commit()

    assert db.execute(select(Event.bot_id, Event.data["budget"].as_string())).all() == [(None, "global_monthly")]
