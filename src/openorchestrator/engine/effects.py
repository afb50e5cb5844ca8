"""Ending hook: what a run's ending changes beyond the run itself, in its transaction.

- a credential whose key proved bad gets status `error` (and a `credential_error` event); one that answered
  again is `connected`;
- a run a budget refused pauses its bot and records `budget_exceeded`.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from openorchestrator.db.models import Bot, ProviderCredential
from openorchestrator.db.models.event import EventKind
from openorchestrator.engine.budget import record_budget_events
from openorchestrator.engine.lifecycle import RunEnding
from openorchestrator.events.record import record_event


def record_run_effects(session: Session, ending: RunEnding) -> None:
    now, run, bot = ending.values["finished_at"], ending.run, ending.bot
    for credential_id, change in ending.credential_updates.items():
        session.execute(update(ProviderCredential).where(ProviderCredential.id == credential_id).values(change))
        if change["status"] == "error":
            record_event(
                session,
                EventKind.CREDENTIAL_ERROR,
                change["error_message"],
                bot_id=bot.id,
                run_id=run.id,
                credential_id=credential_id,
                now=now,
            )
    if ending.budget is not None:
        session.execute(update(Bot).where(Bot.id == bot.id).values(enabled=False, updated_at=now))
        record_budget_events(session, ending.budget, bot=bot, run_id=run.id, now=now)
