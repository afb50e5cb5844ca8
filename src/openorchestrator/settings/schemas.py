"""The runtime settings a user can change while the app runs (`GET`/`PATCH /api/settings`)."""

from __future__ import annotations

import re
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from openorchestrator.core.tz import is_timezone

_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_LANG = re.compile(r"[a-z]{2}(-[a-z]{2,4})?")
_COUNTRY = re.compile(r"[A-Z]{2}|ALL")


class QuietHours(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: str = Field(description="HH:MM, 24 h, in the app's time zone")
    end: str = Field(description="HH:MM, 24 h; may be earlier than start (the window crosses midnight)")

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.fullmatch(value):
            raise ValueError("use HH:MM in 24-hour time, e.g. 23:00")
        return value


class AppSettings(BaseModel):
    """All runtime settings with their defaults. Later features add their keys here."""

    model_config = ConfigDict(extra="forbid")

    max_parallel_runs: int = Field(3, ge=1, le=32, description="Runs that may talk to providers at once.")
    timezone: str = Field("UTC", description="IANA time zone for schedules and quiet hours.")
    language: Literal["de", "en"] = Field("de", description="Language of messages meant for people.")
    theme: Literal["light", "dark", "system"] = "system"
    quiet_hours: QuietHours | None = None
    jitter_seconds: int = Field(30, ge=0, le=600, description="Scheduled fires move by up to ± this, per bot.")
    stale_after_fires: int = Field(
        3, ge=1, le=100, description="Scheduled fires in a row without success before a `bot_stale` event."
    )
    missed_runs_default: Literal["skip", "catch_up"] = "skip"
    budget_monthly_usd: float | None = Field(None, ge=0)
    budget_warn_percent: int = Field(80, ge=1, le=100)
    fetch_allowlist: list[str] = Field(default_factory=list, max_length=100)
    search_results: int = Field(5, ge=1, le=20, description="Results the web_search tool gives the model.")
    search_language: str | None = Field(
        None, description='web_search language, e.g. "de", "en", "fr" (null = the app\'s language)'
    )
    search_country: str | None = Field(
        None, description='web_search region, e.g. "DE", "US", "ALL" (null = from the search language)'
    )

    @field_validator("search_language")
    @classmethod
    def _search_language(cls, value: str | None) -> str | None:
        if value is not None and not _LANG.fullmatch(value):
            raise ValueError('use a language code such as "de", "en" or "pt-br"')
        return value

    @field_validator("search_country")
    @classmethod
    def _search_country(cls, value: str | None) -> str | None:
        if value is not None and not _COUNTRY.fullmatch(value):
            raise ValueError('use a two-letter country code such as "DE" or "US", or "ALL"')
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        if not is_timezone(value):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin")
        return value

    @field_validator("fetch_allowlist")
    @classmethod
    def _hosts(cls, values: list[str]) -> list[str]:
        """Checked by the same parser `web_fetch` uses, so what is saved is what the tool understands."""
        from openorchestrator.tools.netguard import Allowlist

        for value in values:
            try:
                Allowlist.parse([value])
            except ValueError:
                raise ValueError(f"{value!r} is neither a host name nor an IP address or CIDR") from None
        return [value.strip() for value in values]


class AppSettingsUpdate(BaseModel):
    """A PATCH: any subset of the settings. `null` is allowed only where the setting itself may be null."""

    model_config = ConfigDict(extra="forbid")

    max_parallel_runs: int | None = None
    timezone: str | None = None
    language: Literal["de", "en"] | None = None
    theme: Literal["light", "dark", "system"] | None = None
    quiet_hours: QuietHours | None = None
    jitter_seconds: int | None = None
    stale_after_fires: int | None = None
    missed_runs_default: Literal["skip", "catch_up"] | None = None
    budget_monthly_usd: float | None = None
    budget_warn_percent: int | None = None
    fetch_allowlist: list[str] | None = None
    search_results: int | None = None
    search_language: str | None = None
    search_country: str | None = None

    NULLABLE: ClassVar[frozenset[str]] = frozenset(
        {"quiet_hours", "budget_monthly_usd", "search_language", "search_country"}
    )
