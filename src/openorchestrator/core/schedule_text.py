"""Schedules in plain words ("Jede Stunde", "Montags um 09:00", "Every 15 minutes") and the presets a
schedule picker offers. Common shapes get a sentence; anything else is shown as its cron fields.
"""

from __future__ import annotations

from typing import Any

from openorchestrator.core.cron import parse_cron
from openorchestrator.core.i18n import Language

_DAYS: dict[Language, list[str]] = {
    "de": ["Sonntags", "Montags", "Dienstags", "Mittwochs", "Donnerstags", "Freitags", "Samstags"],
    "en": ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"],
}
_WORDS: dict[Language, dict[str, str]] = {
    "de": {
        "every_minute": "Jede Minute",
        "every_n_minutes": "Alle {n} Minuten",
        "every_hour": "Jede Stunde",
        "hourly_at": "Jede Stunde um :{mm}",
        "every_n_hours": "Alle {n} Stunden",
        "daily": "Täglich um {time}",
        "weekdays": "Werktags um {time}",
        "weekends": "Am Wochenende um {time}",
        "days": "{days} um {time}",
        "monthly": "Monatlich am {day}. um {time}",
        "and": " und ",
        "cron": "Zeitplan: {cron}",
    },
    "en": {
        "every_minute": "Every minute",
        "every_n_minutes": "Every {n} minutes",
        "every_hour": "Every hour",
        "hourly_at": "Every hour at :{mm}",
        "every_n_hours": "Every {n} hours",
        "daily": "Daily at {time}",
        "weekdays": "Weekdays at {time}",
        "weekends": "Weekends at {time}",
        "days": "{days} at {time}",
        "monthly": "Monthly on day {day} at {time}",
        "and": " and ",
        "cron": "Schedule: {cron}",
    },
}

PRESETS: list[dict[str, Any]] = [
    {"id": "every_n_minutes", "cron": "*/{n} * * * *", "params": {"n": [5, 10, 15, 20, 30]}},
    {"id": "hourly", "cron": "{minute} * * * *", "params": {"minute": "0-59"}},
    {"id": "daily", "cron": "{minute} {hour} * * *", "params": {"time": "HH:MM"}},
    {"id": "weekdays", "cron": "{minute} {hour} * * 1-5", "params": {"time": "HH:MM"}},
    {
        "id": "weekly",
        "cron": "{minute} {hour} * * {weekday}",
        "params": {"time": "HH:MM", "weekday": "0-6 (0 = Sunday)"},
    },
]


def describe(expression: str, language: Language) -> str:
    """One line for people; raises CronError for a malformed expression."""
    words = _WORDS[language]
    minute, hour, day, month, dow = parse_cron(expression)
    if month is None and day is None and dow is None:
        text = _every(minute, hour, words)
        if text:
            return text
    if minute is not None and hour is not None and len(minute) == 1 and month is None:
        at = ", ".join(f"{h:02d}:{next(iter(minute)):02d}" for h in sorted(hour))
        if day is None and dow is None:
            return words["daily"].format(time=at)
        if day is None and dow is not None:
            return _on_days(sorted(dow), at, language)
        if dow is None and day is not None and len(day) == 1:
            return words["monthly"].format(day=next(iter(day)), time=at)
    return words["cron"].format(cron=" ".join(expression.split()))


def _every(minute: set[int] | None, hour: set[int] | None, words: dict[str, str]) -> str | None:
    if hour is None:
        if minute is None:
            return words["every_minute"]
        step = _step(minute, 60)
        if step:
            return words["every_n_minutes"].format(n=step)
        if len(minute) == 1:
            mm = next(iter(minute))
            return words["every_hour"] if mm == 0 else words["hourly_at"].format(mm=f"{mm:02d}")
        return None
    step = _step(hour, 24)
    if minute is not None and len(minute) == 1 and next(iter(minute)) == 0 and step:
        return words["every_n_hours"].format(n=step)
    return None


def _step(values: set[int], size: int) -> int | None:
    """N when the values are 0, N, 2N, … covering the range (and N > 1)."""
    ordered = sorted(values)
    if len(ordered) < 2 or ordered[0] != 0:
        return None
    step = ordered[1]
    return step if ordered == list(range(0, size, step)) else None


def _on_days(days: list[int], at: str, language: Language) -> str:
    words = _WORDS[language]
    if days == [1, 2, 3, 4, 5]:
        return words["weekdays"].format(time=at)
    if days == [0, 6]:
        return words["weekends"].format(time=at)
    names = [_DAYS[language][d] for d in days]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + words["and"] + names[-1]
    return words["days"].format(days=joined, time=at)
