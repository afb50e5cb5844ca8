"""What a schedule's fire does to the database: one code path for fires on time, missed fires and catch-ups.

`settle` looks at each scheduled bot's `fired_until` (how far its schedule is handled) and the clock, and for the
fires that are due since then decides, in one transaction:

- the newest due fire, if it is at most `GRACE` late, becomes a `pending` run (trigger `schedule`);
- older ones (app off, computer asleep, clock changed, app too busy) are *missed*: with `missed_runs = "skip"` one
  `cancelled` run with `error_code: "missed"` records them (times, reason, decision); with `"catch_up"` the bot
  runs once, and that run's log names what it stands in for;
- a fire whose bot still has an earlier scheduled run waiting is *dropped* (`cancelled`, `error_code: "dropped"`):
  the queue holds at most one scheduled run per bot, so a thousand bots due at once all run, and a bot that
  cannot keep up does not pile up.

Exactly once: `fired_until` moves forward only by a conditional UPDATE, and runs are unique per
(bot, nominal fire time); a second process, a repeated wake-up or a clock set back finds nothing left to do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from openorchestrator.core.clock import Clock
from openorchestrator.core.cron import CronError, build_trigger
from openorchestrator.core.i18n import AT_LEAST, BOT_STALE, MISS_REASONS, MORE_TIMES, Language, run_error_message
from openorchestrator.core.ids import new_id
from openorchestrator.core.triggers import JitteredCron, jitter_offset
from openorchestrator.db.models import Bot, EventKind, Run
from openorchestrator.engine.lifecycle import RunEnding
from openorchestrator.engine.states import RunStatus, Trigger
from openorchestrator.events.record import record_event
from openorchestrator.settings.service import SettingsStore

log = logging.getLogger(__name__)

GRACE = timedelta(seconds=120)
"""A fire this late still runs as itself; later ones count as missed."""
KEEP = 50
"""Missed fire times listed in a record (the count is always complete)."""
LISTED = 5
"""Missed fire times spelled out in the message people read."""


@dataclass(frozen=True)
class FirePolicy:
    now: datetime
    default_tz: str
    jitter_seconds: int
    language: Language
    reason: str
    """Why fires were missed, if any are: `app_off`, `asleep` or `late` (see `i18n.MISS_REASONS`)."""
    stale_after: int


@dataclass
class Settled:
    runs: list[Run] = field(default_factory=list)
    """New pending runs, for the queue."""
    missed: int = 0
    dropped: int = 0


@lru_cache(maxsize=4096)
def _trigger(schedule: str, timezone: str, offset: timedelta) -> JitteredCron:
    return JitteredCron(build_trigger(schedule, timezone), offset)


def trigger_for(bot_id: str, schedule: str, timezone: str | None, default_tz: str, jitter: int) -> JitteredCron:
    return _trigger(schedule, timezone or default_tz, jitter_offset(bot_id, jitter))


def next_fire(trigger: JitteredCron, fired_until: datetime | None, now: datetime) -> datetime | None:
    """When the bot fires next: the first fire at or after `now` that is not handled yet."""
    first = trigger.get_next_fire_time(None, now)
    if first is not None and fired_until is not None and first - trigger.offset <= fired_until:
        nominal = trigger.after(fired_until)  # the clock went back: what is handled does not fire again
        first = nominal + trigger.offset if nominal is not None else None
    return first


def anchor(bot_id: str, now: datetime, jitter: int) -> datetime:
    """`fired_until` for "handled up to now": the nominal time whose fire (with this bot's offset) is now."""
    return now - jitter_offset(bot_id, jitter)


def next_run_at(bot: Bot, now: datetime, default_tz: str, jitter: int) -> datetime | None:
    """`next_run_at` of the API: null for a bot without schedule or paused."""
    if not bot.schedule or not bot.enabled:
        return None
    try:
        trigger = trigger_for(bot.id, bot.schedule, bot.timezone, default_tz, jitter)
    except (CronError, ValueError):
        return None
    return next_fire(trigger, bot.fired_until, now)


# -- settling ----------------------------------------------------------------------------------------------
_COLUMNS = (Bot.id, Bot.name, Bot.schedule, Bot.timezone, Bot.missed_runs, Bot.fired_until)


def settle(session: Session, bot_ids: list[str] | None, policy: FirePolicy) -> Settled:
    """Handle every due fire of these bots (None: all scheduled bots) and commit. Bots that another process
    handled meanwhile are left alone."""
    query = select(*_COLUMNS).where(Bot.enabled.is_(True), Bot.schedule.is_not(None))
    if bot_ids is not None:
        query = query.where(Bot.id.in_(bot_ids))
    bots = session.execute(query).all()
    if not bots:
        return Settled()
    waiting = set(
        session.scalars(
            select(Run.bot_id).where(Run.status == RunStatus.PENDING.value, Run.trigger == Trigger.SCHEDULE.value)
        )
    )
    result = Settled()
    try:
        with session.no_autoflush:  # the new runs go in with one INSERT at the commit, not one flush per bot
            for bot in bots:
                _settle_bot(session, bot, waiting, policy, result)
        session.commit()
    except IntegrityError:  # a fire clashed with an existing run: settle one by one and skip what clashes
        session.rollback()
        result = Settled()
        for bot in bots:
            try:
                _settle_bot(session, bot, waiting, policy, result)
                session.commit()
            except IntegrityError:
                session.rollback()
                log.warning("bot %s: a fire clashed with an existing run; skipped", bot.id)
    return result


def _settle_bot(session: Session, bot: Any, waiting: set[str], policy: FirePolicy, result: Settled) -> None:
    now = policy.now
    try:
        trigger = trigger_for(bot.id, bot.schedule, bot.timezone, policy.default_tz, policy.jitter_seconds)
    except (CronError, ValueError) as exc:  # stored before validation got stricter: never fire, never crash
        log.warning("bot %s: schedule %r cannot be used: %s", bot.id, bot.schedule, exc)
        return
    if bot.fired_until is None:  # scheduled before fire bookkeeping existed: handled from now on
        _claim(session, bot.id, None, now - trigger.offset)
        return
    due = trigger.due(bot.fired_until, now, KEEP)
    if not due.times:
        return
    last = due.times[-1]
    if not _claim(session, bot.id, bot.fired_until, last):
        return  # another process got here first
    on_time = now - (last + trigger.offset) <= GRACE
    missed = due.times[:-1] if on_time else due.times
    missed_count = due.count - 1 if on_time else due.count
    catch_up = bot.missed_runs == "catch_up"
    zone = ZoneInfo(bot.timezone or policy.default_tz)
    notes: list[dict[str, Any]] = []
    if missed_count:
        result.missed += missed_count
        miss = _miss_entry(missed, missed_count, due.exact, policy, zone, "catch_up" if catch_up else "skip")
        if catch_up:
            notes.append(miss)
        else:
            session.add(_missed_record(bot.id, missed[-1], miss, missed, missed_count, due.exact, policy, zone))
    fire = last if on_time else (missed[-1] if catch_up else None)
    if fire is None:
        return
    if bot.id in waiting:
        result.dropped += 1
        record = _dropped_record(bot.id, fire, policy)
        session.add(record)
        outcome = FireOutcome(bot.id, bot.name, False, record.error_code, record.error_message, record.id)
        record_fire_outcome(session, outcome, stale_after=policy.stale_after, language=policy.language, now=policy.now)
        return
    entry = {
        "at": now.isoformat(),
        "level": "info",
        "message": f"Scheduled for {_clock_time(fire, zone, now)}" + ("." if on_time else " (catching up)."),
        "scheduled_for": fire.isoformat(),
    }
    run = _run(bot.id, fire, now, RunStatus.PENDING, log=[*notes, entry])
    session.add(run)
    result.runs.append(run)


_BOTS = cast(Table, Bot.__table__)
_CLAIM = (
    update(_BOTS)
    .where(_BOTS.c.id == bindparam("bot_id"), _BOTS.c.fired_until == bindparam("seen"))
    .values(fired_until=bindparam("until"))
)
_CLAIM_FIRST = (
    update(_BOTS)
    .where(_BOTS.c.id == bindparam("bot_id"), _BOTS.c.fired_until.is_(None))
    .values(fired_until=bindparam("until"))
)


def _claim(session: Session, bot_id: str, seen: datetime | None, until: datetime) -> bool:
    """Move `fired_until` from what this process read to `until`; False when someone else moved it first.
    (Core statements on the session's connection: a thousand of them in one settle cost milliseconds.)"""
    connection = session.connection()
    if seen is None:
        moved = connection.execute(_CLAIM_FIRST, {"bot_id": bot_id, "until": until})
    else:
        moved = connection.execute(_CLAIM, {"bot_id": bot_id, "seen": seen, "until": until})
    return bool(moved.rowcount == 1)


# -- records -----------------------------------------------------------------------------------------------
def _run(bot_id: str, scheduled_for: datetime, now: datetime, status: RunStatus, **values: Any) -> Run:
    values.setdefault("log", [])
    return Run(
        id=new_id(),
        bot_id=bot_id,
        status=status.value,
        trigger=Trigger.SCHEDULE.value,
        created_at=now,
        scheduled_for=scheduled_for,
        attempt=1,
        **values,
    )


def _miss_entry(
    missed: list[datetime], count: int, exact: bool, policy: FirePolicy, zone: ZoneInfo, decision: str
) -> dict[str, Any]:
    shown = ", ".join(_clock_time(moment, zone, policy.now) for moment in missed[-LISTED:])
    what = "Caught up once for" if decision == "catch_up" else "Skipped"
    return {
        "at": policy.now.isoformat(),
        "level": "warning",
        "message": f"{what} {'' if exact else 'at least '}{count} missed fire(s) ({policy.reason}): {shown}.",
        "missed": [moment.isoformat() for moment in missed],
        "missed_count": count,
        "reason": policy.reason,
        "decision": decision,
    }


def _missed_record(
    bot_id: str,
    newest: datetime,
    entry: dict[str, Any],
    missed: list[datetime],
    count: int,
    exact: bool,
    policy: FirePolicy,
    zone: ZoneInfo,
) -> Run:
    language = policy.language
    listed = [_clock_time(moment, zone, policy.now) for moment in missed[-LISTED:]]
    rest = count - len(listed)
    if rest > 0:
        more = MORE_TIMES[language].format(count=rest if exact else AT_LEAST[language].format(count=rest))
        listed.append(more)
    reason = MISS_REASONS[policy.reason][language]
    message = run_error_message("missed", language, times=", ".join(listed), reason=reason)
    return _run(
        bot_id,
        newest,
        policy.now,
        RunStatus.CANCELLED,
        finished_at=policy.now,
        error_code="missed",
        error_message=message,
        log=[entry],
    )


def _dropped_record(bot_id: str, fire: datetime, policy: FirePolicy) -> Run:
    entry = {
        "at": policy.now.isoformat(),
        "level": "warning",
        "message": "Fire dropped: this bot's previous scheduled run is still waiting for a free slot.",
        "scheduled_for": fire.isoformat(),
    }
    return _run(
        bot_id,
        fire,
        policy.now,
        RunStatus.CANCELLED,
        finished_at=policy.now,
        error_code="dropped",
        error_message=run_error_message("dropped", policy.language),
        log=[entry],
    )


def _clock_time(moment: datetime, zone: ZoneInfo, now: datetime) -> str:
    """`13:00` today, `25.11. 13:00` on another day (in the bot's time zone)."""
    local = moment.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%d.%m. %H:%M")


# -- stale bots --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FireOutcome:
    """How one scheduled fire ended, for the count of fires in a row without success."""

    bot_id: str
    bot_name: str
    completed: bool
    error_code: str | None
    error_message: str | None
    run_id: str | None


def record_fire_outcome(
    session: Session, outcome: FireOutcome, *, stale_after: int, language: Language, now: datetime
) -> None:
    """Count scheduled fires that did not complete; at exactly `stale_after` in a row, record `bot_stale`."""
    bot_id = outcome.bot_id
    if outcome.completed:
        session.execute(update(Bot).where(Bot.id == bot_id, Bot.failed_fires != 0).values(failed_fires=0))
        return
    session.execute(update(Bot).where(Bot.id == bot_id).values(failed_fires=Bot.failed_fires + 1))
    count = session.scalar(select(Bot.failed_fires).where(Bot.id == bot_id))
    if count != stale_after:
        return
    last = outcome.error_message or outcome.error_code or "?"
    record_event(
        session,
        EventKind.BOT_STALE,
        BOT_STALE[language].format(name=outcome.bot_name, count=count, last=last),
        bot_id=bot_id,
        run_id=outcome.run_id,
        data={"failed_fires": count, "last_error_code": outcome.error_code},
        now=now,
    )


class FireBookkeeping:
    """Ending hook: a scheduled fire has its final outcome (its retry, if any, is over): count it for
    `bot_stale`. A run cancelled by its user says nothing about the bot."""

    def __init__(self, settings: SettingsStore, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock

    def __call__(self, session: Session, ending: RunEnding) -> None:
        if ending.run.scheduled_for is None or ending.retry is not None or ending.status == RunStatus.CANCELLED:
            return
        current = self._settings.current
        outcome = FireOutcome(
            bot_id=ending.bot.id,
            bot_name=ending.bot.name,
            completed=ending.status == RunStatus.COMPLETED,
            error_code=ending.error_code,
            error_message=ending.error_message,
            run_id=ending.run.id,
        )
        now = self._clock.now()
        record_fire_outcome(session, outcome, stale_after=current.stale_after_fires, language=current.language, now=now)
