"""Standard 5-field cron, read with standard meaning (0 and 7 = Sunday; day-of-month and day-of-week both
restricted = either matches), turned into triggers APScheduler 3.x can run.

APScheduler's own `CronTrigger.from_crontab("0 9 * * 1")` would fire on Tuesdays (it counts Monday = 0), and its
CronTrigger loses fires near daylight-saving changes, so the fire times are computed by `core.triggers`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apscheduler.triggers.base import BaseTrigger

_DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
_NAME_TO_NUM = {name: index for index, name in enumerate(_DAY_NAMES)}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_FIELDS = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
]
_PART = re.compile(r"^(\*|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/([0-9]+))?$")


class CronError(ValueError):
    pass


def _value(token: str, field: int) -> int:
    name, low, high = _FIELDS[field]
    if token.isdigit():
        number = int(token)
    elif field == 4 and token in _NAME_TO_NUM:
        number = _NAME_TO_NUM[token]
    elif field == 3 and token in _MONTHS:
        number = _MONTHS.index(token) + 1
    else:
        raise CronError(f"{token!r} is not a valid {name}")
    if not low <= number <= high:
        raise CronError(f"{name} must be between {low} and {high}, not {number}")
    return number


def _expand(text: str, field: int) -> set[int] | None:
    """The values a field allows; None for `*` (every value)."""
    _, low, high = _FIELDS[field]
    if text == "*":
        return None
    values: set[int] = set()
    for part in text.split(","):
        match = _PART.match(part)
        if not match:
            raise CronError(f"{part!r} is not a valid {_FIELDS[field][0]}")
        base, step_text = match.groups()
        step = int(step_text) if step_text else 1
        if step < 1:
            raise CronError("a step must be at least 1")
        if base == "*":
            start, end = low, high if field != 4 else 6
        elif "-" in base:
            start, end = (_value(token, field) for token in base.split("-"))
            if start > end:
                raise CronError(f"the range {base!r} runs backwards")
        else:
            start = _value(base, field)
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    if field == 4 and 7 in values:
        values.discard(7)
        values.add(0)
    return values


def parse_cron(expression: str) -> list[set[int] | None]:
    """Check a 5-field cron string; the allowed values per field. Raises CronError with a plain reason."""
    fields = expression.lower().split()
    if len(fields) != 5:
        raise CronError("a schedule needs 5 fields: minute hour day-of-month month day-of-week (e.g. '0 9 * * 1')")
    return [_expand(text, index) for index, text in enumerate(fields)]


def build_trigger(expression: str, timezone: str) -> BaseTrigger:
    """The schedule as an APScheduler trigger with standard meaning (weekdays, day OR weekday, DST: see
    `core.triggers.StandardCron`)."""
    from openorchestrator.core.triggers import StandardCron

    return StandardCron(parse_cron(expression), timezone)


def next_fire_times(expression: str, timezone: str, after: datetime, count: int = 1) -> list[datetime]:
    trigger = build_trigger(expression, timezone)
    times: list[datetime] = []
    previous = None
    now = after
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None:
            break
        times.append(fire)
        previous = fire
        now = fire
    return times


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def validate_cron(expression: str, timezone: str, now: datetime) -> None:
    """Refuse what can never fire (`0 0 31 2 *`) as well as what is malformed."""
    _, _, days, months, weekdays = parse_cron(expression)
    if days is not None and weekdays is None:  # only then can the date alone make it impossible
        longest = max(_MONTH_DAYS[month - 1] for month in (months or range(1, 13)))
        if min(days) > longest:
            raise CronError("this schedule never fires (that date does not exist)")
    if not next_fire_times(expression, timezone, now):
        raise CronError("this schedule never fires (that date does not exist)")
