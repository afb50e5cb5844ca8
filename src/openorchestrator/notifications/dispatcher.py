"""The dispatcher: sends what the outbox holds, in the process that holds the scheduler lease.

- Claims a row (`pending → sending`, attempts + 1) before sending, so no two passes or processes send it.
- Success: `sent`. A transient failure: `pending` again after 30 s, 2, 8, 32 min (or the other side's
  `Retry-After` if longer), at most `MAX_ATTEMPTS` attempts; then, or for a permanent failure, `failed`,
  with the reason in plain words on the row and on the channel.
- Quiet hours: `held` rows whose window has ended go out as one digest per channel.
- After a crash, rows left `sending` may or may not have arrived: a webhook is sent again with the same
  `webhook-id` (receivers deduplicate by it); other channels are marked `failed` ("not resent, to avoid a
  duplicate") rather than risk a second message.
- Events (budget, stale bot, key invalid) become rows here, after the last event it looked at.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from openorchestrator.channels import registry
from openorchestrator.channels.base import Message, SendError
from openorchestrator.channels.service import open_config
from openorchestrator.core.aio import wait_event
from openorchestrator.core.clock import Clock
from openorchestrator.core.crypto import SecretBox
from openorchestrator.core.i18n import Language
from openorchestrator.db.models import Bot, Channel, Event, Notification, Run, Setting
from openorchestrator.engine.store import RunStore
from openorchestrator.notifications import outbox, render
from openorchestrator.providers.credentials import credentials_for
from openorchestrator.providers.llm import LLMGateway
from openorchestrator.settings.service import SettingsStore

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = (30, 120, 480, 1920)
SEND_TIMEOUT_SECONDS = 60.0
BATCH = 20
EVENTS_MARK = "_notifications.events_after"
"""Settings row (not a user setting) holding the id of the last event turned into notifications."""

_INTERRUPTED: dict[Language, str] = {
    "de": "Die App wurde beim Senden beendet; nicht erneut gesendet, um doppelte Nachrichten zu vermeiden.",
    "en": "The app stopped while sending; not sent again, to avoid a duplicate message.",
}
_SUMMARY_PROMPT: dict[Language, str] = {
    "de": "Fasse den folgenden Text in ein bis zwei Sätzen zusammen. Antworte nur mit der Zusammenfassung.",
    "en": "Summarise the following text in one or two sentences. Answer with the summary only.",
}


class Dispatcher:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        store: RunStore,
        box: SecretBox,
        settings: SettingsStore,
        clock: Clock,
        gateway: LLMGateway,
        next_run_at: Callable[[Bot], datetime | None],
    ) -> None:
        self.sessionmaker = sessionmaker
        self.store = store
        self.box = box
        self.settings = settings
        self.clock = clock
        self.gateway = gateway
        self.next_run_at = next_run_at
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._wake = asyncio.Event()
        self._summaries: dict[str, str] = {}
        self.interval = 5.0
        """Between passes when nothing wakes it (a finished run does, at once): events, digests, retries."""

    # -- life ------------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Called when this process becomes the scheduling one."""
        if self._task is not None:
            return
        await self._after_crash()
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="notifications")

    async def stop(self) -> None:
        """End the loop, a pass in flight included. The flag, not only the cancel: a pass that swallows the
        CancelledError somewhere in a library (bench/notify_delivery.py hung here at the end of its burst) would
        otherwise leave the loop running and this waiting for ever."""
        if self._task is not None:
            self._stopping = True
            self._task.cancel()
            self._wake.set()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def wake(self) -> None:
        self._wake.set()

    async def _loop(self) -> None:
        while True:
            await wait_event(self._wake, self.interval)  # `stop` sets the wake: no waiting out the interval
            if self._stopping:
                return
            self._wake.clear()
            try:
                await self.pump()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("notifications: a pass failed; trying again")

    async def pump(self) -> int:
        """One pass: plan event rows, release digests, send what is due. How many were sent."""
        await self._plan_events()
        sent = await self._release_held()
        async with self.sessionmaker() as session:
            due = list(
                await session.scalars(
                    select(Notification.id)
                    .where(Notification.status == "pending", Notification.next_attempt_at <= self.clock.now())
                    .order_by(Notification.next_attempt_at, Notification.id)
                    .limit(BATCH)
                )
            )
        for notification_id in due:
            sent += await self._deliver(notification_id)
        if len(due) == BATCH:
            self._wake.set()  # more may be due: the next pass starts at once, not after `interval`
        return sent

    # -- sending ---------------------------------------------------------------------------------------
    async def _claim(self, ids: list[str], status: str, digest_id: str | None = None) -> list[Notification]:
        async with self.sessionmaker() as session:
            claimed: list[str] = []
            values: dict[str, Any] = {"status": "sending", "attempts": Notification.attempts + 1}
            if digest_id is not None:
                values["digest_id"] = digest_id
            for notification_id in ids:
                moved = await session.execute(
                    update(Notification)
                    .where(Notification.id == notification_id, Notification.status == status)
                    .values(**values)
                )
                if moved.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(notification_id)
            await session.commit()
            rows = list(await session.scalars(select(Notification).where(Notification.id.in_(claimed))))
        return sorted(rows, key=lambda row: row.id)

    async def _deliver(self, notification_id: str) -> int:
        rows = await self._claim([notification_id], "pending")
        if not rows:
            return 0
        row = rows[0]
        async with self.sessionmaker() as session:
            channel = await session.get(Channel, row.channel_id)
            message = await self._message(session, row)
        if channel is None or message is None:
            await self._finish([row], None, SendError({"de": "Gelöscht.", "en": "Deleted."}, transient=False))
            return 0
        error = await self._send(channel, message)
        await self._finish([row], channel, error)
        return 0 if error else 1

    async def _send(self, channel: Channel, message: Message) -> SendError | None:
        try:
            kind = registry.get(channel.type)
            async with asyncio.timeout(SEND_TIMEOUT_SECONDS):  # not wait_for: see core/aio.py
                await kind.send(open_config(channel, self.box), message)
        except SendError as exc:
            return exc
        except TimeoutError:
            return SendError({"de": "Zeitüberschreitung beim Senden.", "en": "Sending timed out."}, transient=True)
        except Exception as exc:  # a plugin's bug must not stop the others
            log.exception("notifications: channel type %s failed", channel.type)
            name = type(exc).__name__
            return SendError({"de": f"Interner Fehler ({name}).", "en": f"Internal error ({name})."}, transient=False)
        return None

    async def _finish(
        self, rows: list[Notification], channel: Channel | None, error: SendError | None, back: str = "pending"
    ) -> None:
        """Record how a send went. `back`: the status a transient failure returns the rows to."""
        now = self.clock.now()
        language = self.settings.current.language
        async with self.sessionmaker() as session:
            for row in rows:
                values: dict[str, Any]
                if error is None:
                    values = {"status": "sent", "sent_at": now, "error_message": None}
                elif error.transient and row.attempts < MAX_ATTEMPTS:
                    pause = max(BACKOFF_SECONDS[min(row.attempts, len(BACKOFF_SECONDS)) - 1], error.retry_after or 0)
                    values = {
                        "status": back,
                        "next_attempt_at": now + timedelta(seconds=pause),
                        "error_message": error.text(language),
                    }
                else:
                    values = {"status": "failed", "error_message": error.text(language)}
                await session.execute(update(Notification).where(Notification.id == row.id).values(**values))
            if channel is not None:
                change: dict[str, Any] = (
                    {"status": "connected", "error_message": None, "last_used_at": now}
                    if error is None
                    else {"status": "error", "error_message": error.text(language)}
                )
                await session.execute(update(Channel).where(Channel.id == channel.id).values(**change))
            await session.commit()

    # -- rendering -------------------------------------------------------------------------------------
    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.current.timezone)

    async def _message(self, session: AsyncSession, row: Notification) -> Message | None:
        language = self.settings.current.language
        if row.event_id is not None:
            event = await session.get(Event, row.event_id)
            if event is None:
                return None
            bot = await session.get(Bot, event.bot_id) if event.bot_id else None
            about = outbox.event_facts(event, bot.name if bot else None)
            return render.render_event(about, language=language, zone=self._zone(), delivery_id=row.id)
        result = (
            await session.execute(select(Run, Bot).join(Bot, Run.bot_id == Bot.id).where(Run.id == row.run_id))
        ).one_or_none()
        if result is None:
            return None
        run, bot = result
        facts = run_facts(run, bot)
        summary = await self._summary(run, bot) if row.format == "summary" and run.status == "completed" else None
        return render.render_run(
            facts,
            row.format,
            language=language,
            zone=self._zone(),
            next_run_at=self.next_run_at(bot),
            delivery_id=row.id,
            summary=summary,
        )

    async def _summary(self, run: Run, bot: Bot) -> str | None:
        """1–2 sentences by the bot's own model; its tokens and cost are added to the run. None if it fails."""
        if run.id in self._summaries:
            return self._summaries[run.id]
        from openorchestrator.providers.credentials import target_for

        language = self.settings.current.language
        try:
            async with self.sessionmaker() as session:
                credentials = await session.run_sync(lambda sync: credentials_for(sync, [bot.model]))
            target = target_for(credentials.get(bot.model.partition(":")[0]), self.box, bot.model)
            completion = await self.gateway.complete(
                target, _SUMMARY_PROMPT[language], (run.output or "")[:12_000], max_output_tokens=200
            )
        except Exception as exc:  # a summary that fails (ProviderFailure or else) falls back to the full text
            log.warning("notifications: no summary for run %s: %s", run.id, type(exc).__name__)
            return None
        text = completion.text.strip()
        self._summaries[run.id] = text
        async with self.sessionmaker() as session:
            await session.execute(
                update(Run)
                .where(Run.id == run.id)
                .values(
                    tokens_in=(Run.tokens_in if run.tokens_in is not None else 0) + (completion.tokens_in or 0),
                    tokens_out=(Run.tokens_out if run.tokens_out is not None else 0) + (completion.tokens_out or 0),
                    cost_estimate=(Run.cost_estimate + float(completion.cost_usd))
                    if completion.cost_usd is not None and run.cost_estimate is not None
                    else Run.cost_estimate,
                )
            )
            await session.commit()
        return text

    # -- quiet hours -----------------------------------------------------------------------------------
    async def _release_held(self) -> int:
        """Held rows whose window has ended: one message per channel (a digest when there are several)."""
        now = self.clock.now()
        async with self.sessionmaker() as session:
            held = (
                await session.execute(
                    select(Notification.id, Notification.channel_id, Notification.digest_id)
                    .where(Notification.status == "held", Notification.next_attempt_at <= now)
                    .order_by(Notification.id)
                )
            ).all()
        batches: dict[tuple[str, str | None], list[str]] = {}
        for notification_id, channel_id, digest_id in held:  # a digest tried before keeps its rows and its id
            batches.setdefault((channel_id, digest_id), []).append(notification_id)
        sent = 0
        for (channel_id, digest_id), ids in batches.items():
            digest_id = digest_id or f"digest-{ids[0]}"
            rows = await self._claim(ids, "held", digest_id)
            if not rows:
                continue
            async with self.sessionmaker() as session:
                channel = await session.get(Channel, channel_id)
                messages = [message for row in rows if (message := await self._message(session, row)) is not None]
            if channel is None or not messages:
                await self._finish(rows, None, SendError({"de": "Gelöscht.", "en": "Deleted."}, transient=False))
                continue
            language = self.settings.current.language
            message = (
                messages[0]
                if len(messages) == 1
                else render.render_digest(messages, language=language, zone=self._zone(), at=now, delivery_id=digest_id)
            )
            error = await self._send(channel, message)
            await self._finish(rows, channel, error, back="held")
            sent += 0 if error else len(rows)
        return sent

    # -- events ----------------------------------------------------------------------------------------
    async def _plan_events(self) -> None:
        current = self.settings.current
        quiet = (current.quiet_hours.start, current.quiet_hours.end) if current.quiet_hours else None
        policy = outbox.QuietPolicy(self.clock.now(), self._zone(), quiet, current.language)

        def work(session: Session) -> None:
            mark = session.get(Setting, EVENTS_MARK)
            after = mark.value if mark is not None else None
            if after is None:  # first start with notifications: older events are history, not news
                after = session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) or ""
            last = outbox.plan_for_events(session, after or None, policy)
            if last != (mark.value if mark else None) or mark is None:
                session.merge(Setting(key=EVENTS_MARK, value=last or ""))
            session.commit()

        await self.store.transact(work)

    # -- after a crash ---------------------------------------------------------------------------------
    async def _after_crash(self) -> None:
        language = self.settings.current.language
        async with self.sessionmaker() as session:
            stuck = (
                await session.execute(
                    select(Notification.id, Channel.type, Notification.digest_id)
                    .join(Channel, Notification.channel_id == Channel.id)
                    .where(Notification.status == "sending")
                )
            ).all()
            for notification_id, channel_type, digest_id in stuck:
                values: dict[str, Any] = (
                    # a webhook goes again with the same id: its digest as that digest, the rest one by one
                    {"status": "held" if digest_id else "pending", "next_attempt_at": self.clock.now()}
                    if channel_type == "webhook"
                    else {"status": "failed", "error_message": _INTERRUPTED[language]}
                )
                await session.execute(update(Notification).where(Notification.id == notification_id).values(**values))
            await session.commit()
        if stuck:
            log.info("notifications: %d left sending by a stop were settled", len(stuck))


def run_facts(run: Run, bot: Bot) -> render.RunFacts:
    return render.RunFacts(
        bot_id=bot.id,
        bot_name=bot.name,
        emoji=bot.emoji,
        run_id=run.id,
        status=run.status,
        output=run.output,
        error_message=run.error_message,
        is_new=run.is_new,
        tokens_in=run.tokens_in,
        tokens_out=run.tokens_out,
        cost_estimate=run.cost_estimate,
        finished_at=run.finished_at,
        duration_ms=run.duration_ms,
    )
