"""The tools a run gets: its bot's `tools`, with the context they need (folder, allow-list, keys, endpoints).

Keys are decrypted here, for this run only, and added to the run log's redaction list; a tool never sees a
key it does not need and the model never sees one at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openorchestrator.core.crypto import SecretBox, SecretError
from openorchestrator.db.models import Bot, ProviderCredential
from openorchestrator.engine.runlog import RunLog
from openorchestrator.providers.credentials import purpose
from openorchestrator.settings.service import SettingsStore
from openorchestrator.tools.base import ToolContext
from openorchestrator.tools.loop import ToolUse, tool_use

SEARCH_KEY_TYPE = "brave"
BRAVE_PATH = "/res/v1/web/search"


@dataclass(frozen=True)
class ToolSetup:
    """What a run's tools are made from: the settings, the bot folders, the Brave key's store."""

    sessionmaker: async_sessionmaker[AsyncSession]
    box: SecretBox
    settings: SettingsStore
    bot_dir: Callable[[str], Path]
    search_fallback_url: str | None

    async def for_run(self, bot: Bot, log: RunLog) -> ToolUse | None:
        return await tools_for_run(self, bot, log)


async def tools_for_run(engine: ToolSetup, bot: Bot, log: RunLog) -> ToolUse | None:
    if not bot.tools:
        return None
    settings = engine.settings.current
    secrets: dict[str, str] = {}
    options: dict[str, Any] = {}
    if "web_search" in bot.tools:
        await _search_key(engine, secrets, options, log)
        options["count"] = settings.search_results
        if settings.search_language:
            options["search_lang"] = settings.search_language
        if settings.search_country:
            options["country"] = settings.search_country
    if engine.search_fallback_url:
        options["fallback_url"] = engine.search_fallback_url
    context = ToolContext(
        bot_id=bot.id,
        bot_dir=engine.bot_dir(bot.id),
        fetch_allowlist=tuple(settings.fetch_allowlist),
        language=settings.language,
        secrets=secrets,
        options=options,
    )

    def record(level: str, message: str, fields: dict[str, Any]) -> None:
        log.add(level, message, **fields)

    return tool_use(bot.tools, context, max_requests=bot.max_model_requests, record=record)


async def _search_key(engine: ToolSetup, secrets: dict[str, str], options: dict[str, Any], log: RunLog) -> None:
    """The Brave Search key (a credential of type `brave`, added like a provider key), if there is one."""
    async with engine.sessionmaker() as session:
        credential = await session.scalar(
            select(ProviderCredential)
            .where(ProviderCredential.type == SEARCH_KEY_TYPE)  # a key found invalid is still used: the model
            .order_by(ProviderCredential.created_at)  # and the run log then say so, rather than a silent fallback
            .limit(1)
        )
    if credential is None or credential.api_key_sealed is None:
        return
    try:
        key = engine.box.open(credential.api_key_sealed, purpose(credential.id))
    except SecretError:
        log.warning(f"The stored key of {credential.name!r} cannot be decrypted: searching without it.")
        return
    secrets["brave"] = key
    log.add_secret(key)
    if credential.base_url:  # a proxy or a test's stand-in, in place of https://api.search.brave.com
        options["brave_url"] = credential.base_url.rstrip("/") + BRAVE_PATH
