"""`core.triggers` on its own: standard cron meaning across daylight-saving changes (Europe/Berlin and
America/New_York, 2026), and the per-bot jitter (bounds, determinism, fire = nominal + offset)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from openorchestrator.core.cron import build_trigger
from openorchestrator.core.triggers import JitteredCron, jitter_offset

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"
# 2026: Berlin jumps 02:00 → 03:00 on 29 March and falls back 03:00 → 02:00 on 25 October;
# New York jumps 02:00 → 03:00 on 8 March and falls back 02:00 → 01:00 on 1 November.


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def fires(expression: str, timezone: str, after: datetime, count: int) -> list[datetime]:
    """The trigger driven as APScheduler drives it: `now` first, then each fire handed back as `previous`."""
    trigger = build_trigger(expression, timezone)
    times: list[datetime] = []
    previous = None
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, after if previous is None else previous)
        assert fire is not None
        times.append(fire)
        previous = fire
    return times


def gaps(times: list[datetime]) -> list[timedelta]:
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


def walls(times: list[datetime], timezone: str) -> list[str]:
    """The fires as read on the local wall clock, with the UTC offset (which tells the two 02:30s apart)."""
    return [moment.astimezone(ZoneInfo(timezone)).strftime("%m-%d %H:%M %z") for moment in times]


# -- a 09:00 daily fire across both changes ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("timezone", "start", "expected"),
    [
        (BERLIN, utc(2026, 3, 27),
         ["03-27 09:00 +0100", "03-28 09:00 +0100", "03-29 09:00 +0200", "03-30 09:00 +0200"]),
        (BERLIN, utc(2026, 10, 23),
         ["10-23 09:00 +0200", "10-24 09:00 +0200", "10-25 09:00 +0100", "10-26 09:00 +0100"]),
        (NEW_YORK, utc(2026, 3, 6),
         ["03-06 09:00 -0500", "03-07 09:00 -0500", "03-08 09:00 -0400", "03-09 09:00 -0400"]),
        (NEW_YORK, utc(2026, 10, 30),
         ["10-30 09:00 -0400", "10-31 09:00 -0400", "11-01 09:00 -0500", "11-02 09:00 -0500"]),
    ],
)  # fmt: skip
def test_a_daily_0900_stays_at_0900_on_the_wall_across_a_change(
    timezone: str, start: datetime, expected: list[str]
) -> None:
    assert walls(fires("0 9 * * *", timezone, start, 4), timezone) == expected


def test_the_day_of_a_change_is_23_or_25_real_hours_long_for_a_daily_fire() -> None:
    spring = fires("0 9 * * *", BERLIN, utc(2026, 3, 28), 2)
    autumn = fires("0 9 * * *", BERLIN, utc(2026, 10, 24), 2)
    assert spring == [utc(2026, 3, 28, 8), utc(2026, 3, 29, 7)]
    assert autumn == [utc(2026, 10, 24, 7), utc(2026, 10, 25, 8)]


def test_fire_times_are_utc_so_adding_a_timedelta_is_real_time() -> None:
    (fire,) = fires("0 9 * * *", NEW_YORK, utc(2026, 3, 8), 1)
    assert fire.utcoffset() == timedelta(0)
    assert fire == utc(2026, 3, 8, 13)


def test_asked_exactly_at_a_fire_time_that_fire_is_still_ahead() -> None:
    trigger = build_trigger("0 9 * * *", BERLIN)
    assert trigger.get_next_fire_time(None, utc(2026, 3, 29, 7)) == utc(2026, 3, 29, 7)
    assert trigger.get_next_fire_time(utc(2026, 3, 29, 7), utc(2026, 3, 29, 7)) == utc(2026, 3, 30, 7)


# -- a time in the spring gap --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("timezone", "start", "expected"),
    [
        (BERLIN, utc(2026, 3, 28), ["03-28 02:30 +0100", "03-29 03:30 +0200", "03-30 02:30 +0200"]),
        (NEW_YORK, utc(2026, 3, 7), ["03-07 02:30 -0500", "03-08 03:30 -0400", "03-09 02:30 -0400"]),
    ],
)
def test_a_time_the_spring_change_skips_fires_once_an_hour_later(
    timezone: str, start: datetime, expected: list[str]
) -> None:
    assert walls(fires("30 2 * * *", timezone, start, 3), timezone) == expected


def test_a_skipped_time_and_the_time_it_lands_on_fire_once_together() -> None:
    """02:30 and 03:30 on the spring day are the same instant; the bot runs once for both."""
    times = fires("30 2,3 * * *", BERLIN, utc(2026, 3, 29), 3)
    assert walls(times, BERLIN) == ["03-29 03:30 +0200", "03-30 02:30 +0200", "03-30 03:30 +0200"]


def test_an_hourly_schedule_fires_every_real_hour_through_the_spring_gap() -> None:
    times = fires("30 * * * *", BERLIN, utc(2026, 3, 28, 23), 4)
    assert gaps(times) == [timedelta(hours=1)] * 3
    assert walls(times, BERLIN) == ["03-29 00:30 +0100", "03-29 01:30 +0100", "03-29 03:30 +0200", "03-29 04:30 +0200"]


# -- the doubled hour in autumn ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("expression", "timezone", "start", "expected"),
    [
        ("30 2 * * *", BERLIN, utc(2026, 10, 24, 12), ["10-25 02:30 +0200", "10-26 02:30 +0100"]),
        ("30 1 * * *", NEW_YORK, utc(2026, 10, 31, 12), ["11-01 01:30 -0400", "11-02 01:30 -0500"]),
    ],
)
def test_a_fixed_time_in_the_doubled_hour_fires_once_at_the_first(
    expression: str, timezone: str, start: datetime, expected: list[str]
) -> None:
    assert walls(fires(expression, timezone, start, 2), timezone) == expected


def test_an_hourly_schedule_fires_in_both_copies_of_the_doubled_hour() -> None:
    times = fires("30 * * * *", BERLIN, utc(2026, 10, 24, 23), 4)
    assert gaps(times) == [timedelta(hours=1)] * 3
    assert walls(times, BERLIN) == ["10-25 01:30 +0200", "10-25 02:30 +0200", "10-25 02:30 +0100", "10-25 03:30 +0100"]


def test_asked_inside_the_second_copy_a_fixed_time_waits_for_the_next_day() -> None:
    """At 02:45 CET (the second pass of the hour) 02:30 has already fired, as CEST."""
    trigger = build_trigger("30 2 * * *", BERLIN)
    assert trigger.get_next_fire_time(None, utc(2026, 10, 25, 1, 45)) == utc(2026, 10, 26, 1, 30)


# -- jitter --------------------------------------------------------------------------------------------------
BOT_IDS = [f"01JBOT{index:04d}" for index in range(300)]


@pytest.mark.parametrize("jitter", [1, 30, 3600])
def test_every_offset_lies_within_plus_minus_the_jitter_to_the_millisecond(jitter: int) -> None:
    offsets = [jitter_offset(bot_id, jitter) for bot_id in BOT_IDS]
    assert all(abs(offset) <= timedelta(seconds=jitter) for offset in offsets)
    assert all(offset.microseconds % 1000 == 0 for offset in offsets)


def test_offsets_spread_over_the_whole_window() -> None:
    seconds = sorted(jitter_offset(bot_id, 60).total_seconds() for bot_id in BOT_IDS)
    assert seconds[0] < -50 and seconds[-1] > 50
    assert sum(1 for value in seconds if value < 0) in range(100, 201)  # about half early, half late
    assert len(set(seconds)) > 290  # twenty bots at 09:00 do not fire in the same second


@pytest.mark.parametrize("jitter", [0, -5])
def test_no_jitter_means_no_offset(jitter: int) -> None:
    assert jitter_offset("01JBOT0001", jitter) == timedelta(0)


def test_a_bots_offset_is_the_same_every_time_and_in_another_process() -> None:
    """Derived from the id alone (not from `hash()`, which differs per process), so a restart keeps the rhythm."""
    here = jitter_offset("01JBOT0042", 30)
    assert jitter_offset("01JBOT0042", 30) == here
    code = "from openorchestrator.core.triggers import jitter_offset as j; print(j('01JBOT0042', 30).total_seconds())"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert float(there.stdout) == here.total_seconds()


def test_the_offset_scales_with_the_jitter() -> None:
    """The same bot keeps its place in the window when the window is widened."""
    small, large = jitter_offset("01JBOT0007", 10), jitter_offset("01JBOT0007", 1000)
    assert abs(large.total_seconds() - small.total_seconds() * 100) < 0.1


def test_a_jittered_fire_is_the_nominal_time_plus_the_bots_offset_across_a_change() -> None:
    offset = jitter_offset("01JBOT0003", 45)
    trigger = JitteredCron(build_trigger("0 9 * * *", BERLIN), offset)
    times, previous = [], None
    for _ in range(3):
        previous = trigger.get_next_fire_time(previous, utc(2026, 3, 28) if previous is None else previous)
        times.append(previous)
    assert [fire - offset for fire in times] == [utc(2026, 3, 28, 8), utc(2026, 3, 29, 7), utc(2026, 3, 30, 7)]


def test_an_early_offset_already_passed_moves_to_the_next_day() -> None:
    nominal = utc(2026, 6, 1, 7)  # 09:00 in Berlin
    trigger = JitteredCron(build_trigger("0 9 * * *", BERLIN), timedelta(seconds=-30))
    assert trigger.get_next_fire_time(None, nominal - timedelta(seconds=10)) == nominal + timedelta(days=1, seconds=-30)
    assert trigger.get_next_fire_time(None, nominal - timedelta(seconds=30)) == nominal - timedelta(seconds=30)


def test_a_late_offset_still_ahead_fires_after_the_nominal_time() -> None:
    nominal = utc(2026, 6, 1, 7)
    trigger = JitteredCron(build_trigger("0 9 * * *", BERLIN), timedelta(seconds=30))
    assert trigger.get_next_fire_time(None, nominal + timedelta(seconds=10)) == nominal + timedelta(seconds=30)


# -- what fell due while asleep ------------------------------------------------------------------------------
def test_due_counts_the_nominal_times_whose_fire_time_has_come() -> None:
    trigger = JitteredCron(build_trigger("0 9 * * *", BERLIN), timedelta(seconds=20))
    since = utc(2026, 3, 27, 8)  # 27 March, 09:00 CET: the last fire before the sleep
    due = trigger.due(since, utc(2026, 3, 30, 7, 0, 19), keep=2)  # 30 March 09:00:19 CEST: not yet
    assert (due.count, due.exact) == (2, True)
    assert due.times == [utc(2026, 3, 28, 8), utc(2026, 3, 29, 7)]
    due = trigger.due(since, utc(2026, 3, 30, 7, 0, 20), keep=2)
    assert (due.count, due.times) == (3, [utc(2026, 3, 29, 7), utc(2026, 3, 30, 7)])


def test_due_after_a_long_sleep_keeps_the_newest_and_says_the_count_is_a_lower_bound() -> None:
    trigger = JitteredCron(build_trigger("* * * * *", BERLIN), timedelta(0))
    since, now = utc(2026, 3, 1), utc(2026, 3, 15, 12, 0, 30)  # two weeks of fires every minute
    due = trigger.due(since, now, keep=3)
    assert due.exact is False
    assert 2_000 <= due.count <= 14 * 24 * 60 + 12 * 60
    assert due.times == [utc(2026, 3, 15, 11, 58), utc(2026, 3, 15, 11, 59), utc(2026, 3, 15, 12, 0)]


def test_nothing_is_due_before_the_first_fire_time() -> None:
    trigger = JitteredCron(build_trigger("0 9 * * *", BERLIN), timedelta(seconds=-5))
    due = trigger.due(utc(2026, 6, 1, 7), utc(2026, 6, 2, 6, 59, 54), keep=5)
    assert (due.times, due.count, due.exact) == ([], 0, True)
