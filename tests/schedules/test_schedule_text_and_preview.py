"""Schedules in plain words, the preview for the picker (API and CLI), and `openorch bots schedule`."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest
from tests.conftest import error_of, make_bot

from openorchestrator.core.schedule_text import describe
from openorchestrator.schedules.service import preview


@pytest.mark.parametrize(
    ("cron", "de", "en"),
    [
        ("0 * * * *", "Jede Stunde", "Every hour"),
        ("*/15 * * * *", "Alle 15 Minuten", "Every 15 minutes"),
        ("0 */6 * * *", "Alle 6 Stunden", "Every 6 hours"),
        ("30 7 * * *", "Täglich um 07:30", "Daily at 07:30"),
        ("0 9 * * 1", "Montags um 09:00", "Mondays at 09:00"),
        ("0 9 * * 7", "Sonntags um 09:00", "Sundays at 09:00"),
        ("0 9 * * 0", "Sonntags um 09:00", "Sundays at 09:00"),
        ("0 9 * * mon-fri", "Werktags um 09:00", "Weekdays at 09:00"),
        ("0 9 * * 1,3,5", "Montags, Mittwochs und Freitags um 09:00", "Mondays, Wednesdays and Fridays at 09:00"),
        ("0 9 1 * *", "Monatlich am 1. um 09:00", "Monthly on day 1 at 09:00"),
        ("5 4 * 1 *", "Zeitplan: 5 4 * 1 *", "Schedule: 5 4 * 1 *"),
    ],
)
def test_schedules_in_plain_words(cron: str, de: str, en: str) -> None:
    assert (describe(cron, "de"), describe(cron, "en")) == (de, en)


def test_monday_nine_is_monday_nine_in_berlin() -> None:
    shown = preview("0 9 * * 1", "Europe/Berlin", datetime(2026, 11, 26, 12, tzinfo=UTC), "de")
    assert [(t.strftime("%a %H:%M"), t.tzname()) for t in shown.next_runs] == [("Mon 09:00", "CET")] * 5
    assert shown.next_runs[0].date().isoformat() == "2026-11-30"


def test_the_preview_keeps_local_time_across_daylight_saving() -> None:
    shown = preview("0 9 * * *", "Europe/Berlin", datetime(2027, 3, 26, 12, tzinfo=UTC), "en")
    local = [t.strftime("%m-%d %H:%M %Z") for t in shown.next_runs]
    assert local == ["03-27 09:00 CET", "03-28 09:00 CEST", "03-29 09:00 CEST", "03-30 09:00 CEST", "03-31 09:00 CEST"]
    assert [t.astimezone(UTC).hour for t in shown.next_runs] == [8, 7, 7, 7, 7]


async def test_preview_endpoints(client: httpx2.AsyncClient, credential: dict[str, Any]) -> None:
    shown = (await client.get("/api/schedule/preview", params={"cron": "0 9 * * 1-5", "timezone": "UTC"})).json()
    assert shown["description"] == "Werktags um 09:00" and len(shown["next_runs"]) == 5
    bot = await make_bot(client, timezone="America/New_York")
    for_bot = (await client.get(f"/api/bots/{bot['id']}/schedule/preview", params={"cron": "0 9 * * *"})).json()
    assert for_bot["timezone"] == "America/New_York"
    assert for_bot["next_runs"][0].endswith(("-05:00", "-04:00")), for_bot
    error_of(await client.get("/api/schedule/preview", params={"cron": "0 0 31 2 *"}), 422, "invalid_input")
    bad = await client.get("/api/schedule/preview", params={"cron": "0 9 * * *", "timezone": "Mars/Base"})
    assert error_of(bad, 422, "invalid_input")["details"][0]["field"] == "timezone"
    error_of(await client.get("/api/bots/nope/schedule/preview", params={"cron": "0 9 * * *"}), 404, "not_found")


async def test_a_bot_shows_its_schedule_in_the_apps_language(
    client: httpx2.AsyncClient, credential: dict[str, Any]
) -> None:
    bot = await make_bot(client, schedule="0 * * * *")
    assert bot["schedule_description"] == "Jede Stunde"
    await client.patch("/api/settings", json={"language": "en"})
    assert (await client.get(f"/api/bots/{bot['id']}")).json()["schedule_description"] == "Every hour"
    manual = await make_bot(client, name="Manual")
    assert manual["schedule_description"] is None


async def test_presets(client: httpx2.AsyncClient) -> None:
    presets = (await client.get("/api/schedule/presets")).json()
    assert [preset["id"] for preset in presets] == ["every_n_minutes", "hourly", "daily", "weekdays", "weekly"]
    assert presets[3]["cron"] == "{minute} {hour} * * 1-5" and presets[3]["label"] == "Werktags um HH:MM"


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "openorchestrator", *args, "--data-dir", str(data_dir)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


async def test_cli_sets_previews_and_removes_a_schedule(
    client: httpx2.AsyncClient, credential: dict[str, Any], config: Any
) -> None:
    bot = await make_bot(client)
    data_dir = config.data_dir
    dry = _cli(data_dir, "bots", "schedule", "Scout", "0 9 * * 1", "--timezone", "Europe/Berlin", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[0] == "Scout would run: Montags um 09:00 (Europe/Berlin)"
    assert len(dry.stdout.splitlines()) == 6 and "Mon" in dry.stdout.splitlines()[1]
    assert (await client.get(f"/api/bots/{bot['id']}")).json()["schedule"] is None
    done = _cli(data_dir, "bots", "schedule", "scout", "*/30 * * * *")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Scout runs: Alle 30 Minuten")
    assert (await client.get(f"/api/bots/{bot['id']}")).json()["schedule"] == "*/30 * * * *"
    bad = _cli(data_dir, "bots", "schedule", "Scout", "61 * * * *")
    assert bad.returncode != 0 and bad.stderr.strip().count("\n") == 0 and "Traceback" not in bad.stderr
    assert "minute must be between 0 and 59" in bad.stderr
    off = _cli(data_dir, "bots", "schedule", "Scout", "--off")
    assert off.returncode == 0 and "no schedule" in off.stdout
    assert (await client.get(f"/api/bots/{bot['id']}")).json()["schedule"] is None
    shown = _cli(data_dir, "schedule", "preview", "0 9 * * 7", "--timezone", "UTC")
    assert shown.stdout.splitlines()[0] == "Sonntags um 09:00 (UTC)"
