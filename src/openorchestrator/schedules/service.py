"""Schedule previews for the picker and the CLI: the plain-words description and the next fire times."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from openorchestrator.core.cron import CronError, next_fire_times, validate_cron
from openorchestrator.core.i18n import Language
from openorchestrator.core.schedule_text import PRESETS, describe
from openorchestrator.core.tz import is_timezone
from openorchestrator.errors import InvalidInput

PREVIEW_COUNT = 5

_PRESET_LABELS: dict[str, dict[Language, str]] = {
    "every_n_minutes": {"de": "Alle N Minuten", "en": "Every N minutes"},
    "hourly": {"de": "Stündlich", "en": "Hourly"},
    "daily": {"de": "Täglich um HH:MM", "en": "Daily at HH:MM"},
    "weekdays": {"de": "Werktags um HH:MM", "en": "Weekdays at HH:MM"},
    "weekly": {"de": "Wöchentlich", "en": "Weekly"},
}


class SchedulePreview(BaseModel):
    cron: str
    timezone: str
    description: str
    next_runs: list[datetime]


def preview(cron: str, timezone: str, now: datetime, language: Language) -> SchedulePreview:
    """Validate a schedule and show it; 422 naming `cron` or `timezone` when it cannot be used."""
    if not is_timezone(timezone):
        raise InvalidInput("timezone", f"unknown time zone {timezone!r}; use e.g. Europe/Berlin")
    try:
        validate_cron(cron, timezone, now)
        runs = next_fire_times(cron, timezone, now, PREVIEW_COUNT)
        description = describe(cron, language)
    except CronError as exc:
        raise InvalidInput("cron", str(exc)) from None
    local = [moment.astimezone(ZoneInfo(timezone)) for moment in runs]  # shown with the zone's own offset
    return SchedulePreview(cron=" ".join(cron.split()), timezone=timezone, description=description, next_runs=local)


def presets(language: Language) -> list[dict[str, Any]]:
    return [{**preset, "label": _PRESET_LABELS[preset["id"]][language]} for preset in PRESETS]
