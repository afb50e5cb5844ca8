"""Budget periods in the app's time zone, and what was spent in them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session
from tests.usage.usage_support import add_bot, add_run, utc

from openorchestrator.core.calendar import day_start, month_start, next_month_start
from openorchestrator.engine.budget import spent_usd

BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("now", "tz", "day", "month", "next_month"),
    [
        # 23:30 UTC on 30 November is 00:30 on 1 December in Berlin: a new day and a new month there.
        ("2026-11-30 23:30", BERLIN, "2026-11-30 23:00", "2026-11-30 23:00", "2026-12-31 23:00"),
        ("2026-11-30 22:30", BERLIN, "2026-11-29 23:00", "2026-10-31 23:00", "2026-11-30 23:00"),
        ("2026-11-30 23:30", "UTC", "2026-11-30 00:00", "2026-11-01 00:00", "2026-12-01 00:00"),
        # Summer time (UTC+2), and the month that starts in winter time although it ends in summer time.
        ("2026-07-15 12:00", BERLIN, "2026-07-14 22:00", "2026-06-30 22:00", "2026-07-31 22:00"),
        ("2026-03-31 12:00", BERLIN, "2026-03-30 22:00", "2026-02-28 23:00", "2026-03-31 22:00"),
        ("2026-12-31 23:30", "America/New_York", "2026-12-31 05:00", "2026-12-01 05:00", "2027-01-01 05:00"),
    ],
)
def test_periods_start_at_local_midnight(now: str, tz: str, day: str, month: str, next_month: str) -> None:
    moment = utc(now)

    assert day_start(moment, tz) == utc(day)
    assert month_start(moment, tz) == utc(month)
    assert next_month_start(moment, tz) == utc(next_month)
    assert day_start(moment, tz).tzinfo == UTC


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        month_start(datetime(2026, 11, 30, 23, 30), BERLIN)


def test_spent_per_bot_and_for_all_bots_follows_the_local_month_and_day(db: Session) -> None:
    scout, writer = add_bot(db, "Scout"), add_bot(db, "Writer")
    add_run(db, scout, "2026-11-30 22:30", 1.0)  # 23:30 on 30 Nov in Berlin: November
    add_run(db, scout, "2026-11-30 23:30", 2.0)  # 00:30 on 1 Dec in Berlin: December, but November in UTC
    add_run(db, scout, "2026-12-01 10:00", 0.25)
    add_run(db, scout, "2026-12-01 11:00", None)  # unknown price: adds nothing
    add_run(db, writer, "2026-12-01 05:00", 0.5)
    db.commit()
    now = utc("2026-12-01 12:00")

    assert spent_usd(db, bot_id=scout.id, since=month_start(now, BERLIN)) == Decimal("2.25")
    assert spent_usd(db, bot_id=scout.id, since=day_start(now, BERLIN)) == Decimal("2.25")
    assert spent_usd(db, bot_id=None, since=month_start(now, BERLIN)) == Decimal("2.75")
    assert spent_usd(db, bot_id=scout.id, since=month_start(now, "UTC")) == Decimal("0.25")
    assert spent_usd(db, bot_id=None, since=month_start(now, "UTC")) == Decimal("0.75")
    assert spent_usd(db, bot_id=writer.id, since=utc("2026-12-01 06:00")) == Decimal(0)


def test_float_noise_does_not_count(db: Session) -> None:
    bot = add_bot(db, "Scout")
    for _ in range(10):
        add_run(db, bot, "2026-12-02 10:00", 0.1)
    db.commit()

    assert sum([0.1] * 10) != 1.0
    assert spent_usd(db, bot_id=bot.id, since=utc("2026-12-01 00:00")) == Decimal(1)
