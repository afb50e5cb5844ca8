"""What a template reads as. Every fixed set of strings is a `Literal`, so the UI's generated client knows them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from openorchestrator.core.i18n import Language
from openorchestrator.notifications.rules import Format, NotifyRule

TemplateCategory = Literal["monitoring", "reading", "language", "writing", "research"]
ToolName = Literal["web_search", "web_fetch", "files"]
ModelTier = Literal["cheap", "good", "best"]
"""Matches the `tier` of the models in `GET /api/providers/catalog`: the UI picks a model of that tier."""


class TemplateRead(BaseModel):
    """One template in one language. `name` … `max_runtime_seconds` fill a `POST /api/bots` body as they are;
    the rest are suggestions for the UI (a channel link's rule and format, the run input field, the model)."""

    id: str = Field(description="stable, e.g. `web_scout`; the same in every language")
    language: Language
    category: TemplateCategory
    emoji: str
    name: str
    description: str
    prompt: str
    tools: list[ToolName]
    schedule: str | None = Field(description="5-field cron; null = runs when asked (on demand)")
    schedule_description: str | None = Field(description='the schedule in plain words ("Täglich um 08:00")')
    max_runtime_seconds: int
    notify_rule: NotifyRule = Field(description="suggested rule when the bot is linked to a channel")
    format: Format = Field(description="suggested message format for that link")
    needs_input: bool = Field(description="true: a run needs an input text (the text to summarise, translate …)")
    input_placeholder: str = Field(description="a hint for the run's input field")
    model_tier: ModelTier
    customize_hint: str | None = Field(description="what to change in the prompt before the first run, if anything")
