"""The outbox: notification rows written in the transaction that ends a run (so a crash cannot lose or double
them), and rows for events planned by the dispatcher. Synchronous: runs in the run store's thread.

A row is `pending` (send when `next_attempt_at` is due), `held` (quiet hours: sent in one digest per channel
when the window ends), `sending` (claimed by the dispatcher), `sent` or `failed`. The in-app feed's rows are
`sent` at once: storing them is delivering them. One row per (run, channel) and per (event, channel).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from openorchestrator.core.clock import Clock
from openorchestrator.core.i18n import Language
from openorchestrator.core.ids import new_id
from openorchestrator.db.models import IN_APP_CHANNEL_ID, Bot, BotChannel, Channel, Event, Notification
from openorchestrator.engine.lifecycle import RunEnding
from openorchestrator.engine.states import RunStatus
from openorchestrator.notifications import render, rules
from openorchestrator.settings.service import SettingsStore

LATE_EVENTS = timedelta(minutes=10)
DEFAULT_IN_APP = ("always", "short")
"""A bot without an explicit link to the in-app feed tells it about every finished run."""
DEFAULT_FORMATS = {"telegram": "short", "email": "full", "webhook": "full", "apprise": "short", "in_app": "short"}


@dataclass(frozen=True)
class QuietPolicy:
    now: datetime
    zone: ZoneInfo
    quiet: tuple[str, str] | None
    """("23:00", "07:00") in `zone`, or None."""
    language: Language


def quiet_until(now: datetime, zone: ZoneInfo, window: tuple[str, str] | None) -> datetime | None:
    """If `now` is inside the quiet window, when it ends; else None. Windows may cross midnight."""
    if window is None:
        return None
    start, end = (time.fromisoformat(part) for part in window)
    if start == end:
        return None
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    crosses = start > end
    inside = (start <= clock or clock < end) if crosses else (start <= clock < end)
    if not inside:
        return None
    day = local.date()
    if crosses and clock >= start:
        day = day + timedelta(days=1)
    return _first_instant_at(day, end, zone).astimezone(now.tzinfo)


def _first_instant_at(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The first moment of `day` whose wall clock in `zone` reads `wall` or later. Normally `wall` itself; when
    the clocks jump forward over it (02:30 on a spring day in Berlin), the moment of the jump (03:00), not an
    hour after it."""
    moment = datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)
    for _ in range(180):  # gaps are at most two hours (Lord Howe: 30 min; a few zones once skipped 2 h)
        earlier = moment - timedelta(minutes=1)
        local = earlier.astimezone(zone)
        if local.date() != day or local.time().replace(tzinfo=None) < wall:
            break
        moment = earlier
    return moment


def _links(session: Session, bot_id: str) -> list[tuple[str, str, str, str]]:
    """(channel id, channel type, rule, format) of the bot's links, the in-app default included."""
    rows = session.execute(
        select(Channel.id, Channel.type, BotChannel.notify_rule, BotChannel.format)
        .join(BotChannel, BotChannel.channel_id == Channel.id)
        .where(BotChannel.bot_id == bot_id)
    ).all()
    links = [(row[0], row[1], row[2], row[3]) for row in rows]
    if not any(channel_id == IN_APP_CHANNEL_ID for channel_id, *_ in links):
        links.append((IN_APP_CHANNEL_ID, "in_app", *DEFAULT_IN_APP))
    return links


def plan_for_run(session: Session, run: render.RunFacts, bot: Bot, policy: QuietPolicy) -> list[Notification]:
    """The notifications a finished run brings, added to `session` (the caller's transaction commits them)."""
    rows: list[Notification] = []
    held_until = quiet_until(policy.now, policy.zone, policy.quiet)
    for channel_id, channel_type, rule, fmt in _links(session, bot.id):
        if not rules.run_matches(
            rule, status=run.status, is_new=run.is_new, output=run.output, pattern=bot.no_results_pattern
        ):
            continue
        notification_id = new_id()
        message = render.render_run(
            run, "short", language=policy.language, zone=policy.zone, next_run_at=None, delivery_id=notification_id
        )
        rows.append(
            _row(
                notification_id,
                channel_id,
                channel_type,
                fmt,
                held_until,
                policy.now,
                message.subject,
                bot_id=bot.id,
                run_id=run.run_id,
            )
        )
    session.add_all(rows)
    return rows


def plan_for_events(session: Session, after_id: str | None, policy: QuietPolicy, limit: int = 200) -> str | None:
    """Rows for events recorded after `after_id` (ids grow with time); the id of the last event looked at.

    Ids are made before their transaction commits, so an event of another process can appear behind the mark:
    events of the last `LATE_EVENTS` without any notification yet are looked at again."""
    unplanned = ~select(Notification.id).where(Notification.event_id == Event.id).exists()
    query = select(Event).where(unplanned).order_by(Event.id).limit(limit)
    if after_id is not None:
        query = query.where(or_(Event.id > after_id, Event.created_at >= policy.now - LATE_EVENTS))
    events = list(session.scalars(query))
    if not events:
        return after_id
    held_until = quiet_until(policy.now, policy.zone, policy.quiet)
    all_links = session.execute(
        select(BotChannel.bot_id, Channel.id, Channel.type, BotChannel.notify_rule, BotChannel.format).join(
            Channel, BotChannel.channel_id == Channel.id
        )
    ).all()
    names: dict[str, str] = {row[0]: row[1] for row in session.execute(select(Bot.id, Bot.name))}
    for event in events:
        targets: dict[str, tuple[str, str]] = {IN_APP_CHANNEL_ID: ("in_app", "short")}
        for bot_id, channel_id, channel_type, rule, fmt in all_links:
            if channel_id == IN_APP_CHANNEL_ID or not rules.event_matches(rule):
                continue
            if event.bot_id is None or bot_id == event.bot_id:  # events about all bots go to every error channel
                targets.setdefault(channel_id, (channel_type, "short" if fmt == "summary" else fmt))
        facts = event_facts(event, names.get(event.bot_id or ""))
        for channel_id, (channel_type, fmt) in targets.items():
            notification_id = new_id()
            subject = render.render_event(
                facts, language=policy.language, zone=policy.zone, delivery_id=notification_id
            ).subject
            session.add(
                _row(
                    notification_id,
                    channel_id,
                    channel_type,
                    fmt,
                    held_until,
                    policy.now,
                    subject,
                    bot_id=event.bot_id,
                    event_id=event.id,
                )
            )
    return max(after_id or "", events[-1].id) or None


def event_facts(event: Event, bot_name: str | None) -> render.EventFacts:
    return render.EventFacts(
        event_id=event.id,
        kind=event.kind,
        bot_id=event.bot_id,
        bot_name=bot_name,
        message=event.message,
        data=dict(event.data or {}),
        created_at=event.created_at,
    )


def _row(
    notification_id: str,
    channel_id: str,
    channel_type: str,
    fmt: str,
    held_until: datetime | None,
    now: datetime,
    subject: str,
    **refs: Any,
) -> Notification:
    if channel_type == "in_app":
        status, when, sent = "sent", None, now
    elif held_until is not None:
        status, when, sent = "held", held_until, None
    else:
        status, when, sent = "pending", now, None
    return Notification(
        id=notification_id,
        channel_id=channel_id,
        format=fmt,
        status=status,
        attempts=0,
        next_attempt_at=when,
        sent_at=sent,
        subject=subject,
        created_at=now,
        **refs,
    )


class RunNotifications:
    """Ending hook: the outbox rows a run's ending brings, in its transaction, so a crash cannot lose or double
    them. A cancelled run tells nobody."""

    def __init__(self, settings: SettingsStore, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock

    def __call__(self, session: Session, ending: RunEnding) -> None:
        if ending.status == RunStatus.CANCELLED:
            return
        current, values, bot = self._settings.current, ending.values, ending.bot
        facts = render.RunFacts(
            bot_id=bot.id,
            bot_name=bot.name,
            emoji=bot.emoji,
            run_id=ending.run.id,
            status=ending.status.value,
            output=values.get("output"),
            error_message=values.get("error_message"),
            is_new=values.get("is_new"),
            tokens_in=values.get("tokens_in"),
            tokens_out=values.get("tokens_out"),
            cost_estimate=values.get("cost_estimate"),
            finished_at=values.get("finished_at"),
            duration_ms=values.get("duration_ms"),
        )
        quiet = (current.quiet_hours.start, current.quiet_hours.end) if current.quiet_hours else None
        policy = QuietPolicy(self._clock.now(), ZoneInfo(current.timezone), quiet, current.language)
        plan_for_run(session, facts, bot, policy)
