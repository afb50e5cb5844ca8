"""Bots: validation against the rest of the data (credentials, other bots, loops), CRUD, duplicate.

Services never commit: the request's unit of work (`api_deps.SessionDep`) commits once.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from openorchestrator.bots.schemas import NAME_MAX, NULLABLE_FIELDS, BotCreate, BotRead, BotUpdate, RunSummary
from openorchestrator.core.clock import Clock
from openorchestrator.core.cron import CronError, validate_cron
from openorchestrator.core.i18n import Language
from openorchestrator.core.ids import new_id
from openorchestrator.core.schedule_text import describe
from openorchestrator.core.tz import is_timezone
from openorchestrator.db.models import Bot, ProviderCredential, Run
from openorchestrator.errors import InvalidInput, NotFound
from openorchestrator.providers.credentials import offers_model, unknown_model_reason
from openorchestrator.providers.types import PROVIDERS, ProviderType, split_model
from openorchestrator.schedules.fires import anchor


async def find_bot(session: AsyncSession, name_or_id: str) -> Bot:
    """By id, else by name (case-insensitive): what the CLI accepts."""
    bot = await session.get(Bot, name_or_id)
    if bot is None:
        bot = await session.scalar(select(Bot).where(Bot.name_key == name_or_id.casefold()))
    if bot is None:
        raise NotFound("bot", name_or_id)
    return bot


async def list_bots(session: AsyncSession) -> list[Bot]:
    return list(await session.scalars(select(Bot).order_by(Bot.created_at, Bot.id)))


async def create_bot(
    session: AsyncSession,
    clock: Clock,
    data: BotCreate,
    default_tz: str,
    missed_runs_default: str = "skip",
    jitter_seconds: int = 0,
) -> Bot:
    values = data.model_dump()
    if values["missed_runs"] is None:
        values["missed_runs"] = missed_runs_default
    await _check(session, values, None, default_tz, clock)
    now = clock.now()
    bot = Bot(id=new_id(), name_key=values["name"].casefold(), created_at=now, updated_at=now, **values)
    bot.fired_until, bot.failed_fires = anchor(bot.id, now, jitter_seconds), 0
    session.add(bot)
    await _write_named(session, bot.name)
    return bot


async def update_bot(
    session: AsyncSession, clock: Clock, bot: Bot, patch: BotUpdate, default_tz: str, jitter_seconds: int = 0
) -> Bot:
    changes = patch.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None and key not in NULLABLE_FIELDS:
            raise InvalidInput(key, "may not be null")
    merged = {column: getattr(bot, column) for column in BotCreate.model_fields} | changes
    await _check(session, merged, bot.id, default_tz, clock, changed=set(changes))
    restarts = any(key in changes and changes[key] != getattr(bot, key) for key in ("schedule", "timezone", "enabled"))
    for key, value in changes.items():
        setattr(bot, key, value)
    bot.name_key = bot.name.casefold()
    bot.updated_at = clock.now()
    if restarts:  # a new schedule, or one resumed after a pause, starts now: nothing before counts as missed
        bot.fired_until, bot.failed_fires = anchor(bot.id, bot.updated_at, jitter_seconds), 0
    await _write_named(session, bot.name)
    return bot


async def duplicate_bot(session: AsyncSession, clock: Clock, bot: Bot, copy_word: str, jitter_seconds: int = 0) -> Bot:
    values = {column: getattr(bot, column) for column in BotCreate.model_fields}
    values["name"] = await _free_name(session, bot.name, f" ({copy_word})")
    now = clock.now()
    copy = Bot(id=new_id(), name_key=values["name"].casefold(), created_at=now, updated_at=now, **values)
    copy.fired_until, copy.failed_fires = anchor(copy.id, now, jitter_seconds), 0
    session.add(copy)
    await _write_named(session, copy.name)
    return copy


async def _write_named(session: AsyncSession, name: str) -> None:
    """Write the bot now (not yet commit): two requests racing for one name meet the unique index here, and the
    loser gets a 422 (its unit of work rolls back)."""
    try:
        await session.flush()
    except IntegrityError:
        raise InvalidInput("name", f"another bot is already called {name!r}") from None


async def delete_bot(session: AsyncSession, bot: Bot) -> None:
    """Delete the bot and its runs; other bots stop handing their output to it."""
    for other in await session.scalars(select(Bot).where(Bot.id != bot.id)):
        if bot.id in (other.on_complete or []):
            other.on_complete = [target for target in other.on_complete if target != bot.id]
    await session.delete(bot)


def remove_bot_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


async def active_run_ids(session: AsyncSession, bot_id: str) -> list[str]:
    query = select(Run.id).where(Run.bot_id == bot_id, Run.status.in_(("pending", "running")))
    return list(await session.scalars(query))


# -- reading -------------------------------------------------------------------------------------------
async def last_runs(session: AsyncSession, bot_ids: list[str]) -> dict[str, Run]:
    """The newest run of each bot: one walk down the `(bot_id, created_at)` index per bot, so the dashboard's
    list costs the same with 100 runs as with 100,000 (a MAX over each bot's runs read all of them)."""
    if not bot_ids:
        return {}
    newest = (
        select(Run.id)
        .where(Run.bot_id == Bot.id)
        .order_by(Run.created_at.desc(), Run.id.desc())
        .limit(1)
        .correlate(Bot)
        .scalar_subquery()
    )
    runs = await session.scalars(select(Run).where(Run.id.in_(select(newest).where(Bot.id.in_(bot_ids)))))
    return {run.bot_id: run for run in runs}


def to_read(bot: Bot, last_run: Run | None, language: Language, next_run_at: datetime | None) -> BotRead:
    """The bot as the API shows it."""
    summary = RunSummary.model_validate(last_run, from_attributes=True) if last_run else None
    data: dict[str, Any] = {column: getattr(bot, column) for column in BotRead.model_fields if hasattr(bot, column)}
    description = describe(bot.schedule, language) if bot.schedule else None
    data.update(last_run=summary, next_run_at=next_run_at, schedule_description=description)
    return BotRead.model_validate(data)


# -- validation against stored data --------------------------------------------------------------------
async def _check(
    session: AsyncSession,
    values: dict[str, Any],
    bot_id: str | None,
    default_tz: str,
    clock: Clock,
    changed: set[str] | None = None,
) -> None:
    def touched(field: str) -> bool:
        return changed is None or field in changed

    if touched("name"):
        clash = select(Bot.id).where(Bot.name_key == values["name"].casefold())
        if bot_id:
            clash = clash.where(Bot.id != bot_id)
        if await session.scalar(clash):
            raise InvalidInput("name", f"another bot is already called {values['name']!r}")
    credentials = {row.name: row for row in await session.scalars(select(ProviderCredential))}
    if touched("model"):
        _check_model("model", values["model"], credentials)
    if touched("fallback_models"):
        for index, model in enumerate(values["fallback_models"]):
            _check_model(f"fallback_models[{index}]", model, credentials)
    if touched("timezone") and values["timezone"] is not None and not is_timezone(values["timezone"]):
        raise InvalidInput("timezone", f"unknown time zone {values['timezone']!r}; use e.g. Europe/Berlin")
    if (touched("schedule") or touched("timezone")) and values["schedule"]:
        try:
            validate_cron(values["schedule"], values["timezone"] or default_tz, clock.now())
        except CronError as exc:
            raise InvalidInput("schedule", str(exc)) from None
    if touched("on_complete"):
        await _check_on_complete(session, bot_id, values["on_complete"])


def _check_model(field: str, model: str, credentials: dict[str, ProviderCredential]) -> None:
    try:
        credential_name, model_name = split_model(model)
    except ValueError as exc:
        raise InvalidInput(field, str(exc)) from None
    credential = credentials.get(credential_name)
    if credential is None:
        known = ", ".join(sorted(credentials)) or "none yet"
        raise InvalidInput(field, f"no AI provider named {credential_name!r} is set up (set up: {known})")
    if not PROVIDERS[ProviderType(credential.type)].is_llm:
        raise InvalidInput(field, f"{credential_name!r} is a key for a tool (web search), not an AI model")
    if not offers_model(credential, model_name):
        raise InvalidInput(field, unknown_model_reason(credential, model_name))


async def _check_on_complete(session: AsyncSession, bot_id: str | None, targets: list[str]) -> None:
    if not targets:
        return  # no hand-off, no loop (and no need to read every bot)
    if len(set(targets)) != len(targets):
        raise InvalidInput("on_complete", "lists a bot twice")
    if bot_id and bot_id in targets:
        raise InvalidInput("on_complete", "a bot cannot hand its output to itself")
    rows = (await session.execute(select(Bot.id, Bot.name, Bot.on_complete))).all()
    graph = {row.id: list(row.on_complete or []) for row in rows}
    names = {row.id: row.name for row in rows}
    for target in targets:
        if target not in graph:
            raise InvalidInput("on_complete", f"no bot with id {target!r}")
    if bot_id is None:
        return  # a new bot has no incoming edges yet, so it cannot close a loop
    graph[bot_id] = targets
    path = _find_path(graph, targets, bot_id)
    if path:
        loop = [names.get(node, node) for node in (bot_id, *path)]
        raise InvalidInput("on_complete", "this would make a loop: " + " → ".join(loop))


def _find_path(graph: dict[str, list[str]], starts: list[str], goal: str) -> list[str] | None:
    """A path from one of `starts` to `goal` (depth-first), or None."""
    stack: list[tuple[str, list[str]]] = [(start, [start]) for start in starts]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        if node in seen:
            continue
        seen.add(node)
        stack.extend((child, [*path, child]) for child in graph.get(node, []))
    return None


async def _free_name(session: AsyncSession, base: str, suffix: str) -> str:
    """`<base><suffix>`, then `<base><suffix> 2`, … — the base shortened so the name stays within the limit."""
    taken = set((await session.scalars(select(Bot.name_key))).all())
    counter = 1
    while True:
        ending = suffix if counter == 1 else f"{suffix} {counter}"
        name = base[: NAME_MAX - len(ending)].rstrip() + ending
        if name.casefold() not in taken:
            return name
        counter += 1
