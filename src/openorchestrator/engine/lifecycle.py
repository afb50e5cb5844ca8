"""A run's life told as events, and the two kinds of subscribers to it.

The engine writes a run's state (`engine/states.py` checks every move) and tells what happened:

    create ──▶ RunChanged("created")
    start  ──▶ RunChanged("started")
    model writes ──▶ RunOutput(text)                 (streamed, never stored on its own)
    end    ──▶ RunEnding ──▶ ending hooks  ┐ one transaction with the final status
                                          ┘ (outbox rows, fire bookkeeping, follow-up runs, …)
           ──▶ RunChanged("ended")                     after the commit (wake the dispatcher, live updates)

- An **ending hook** runs inside the transaction that ends the run, in the run store's worker thread, with a
  synchronous `Session`. It may add rows and return new runs (a retry, the runs of `on_complete` bots); it
  must not commit, sleep or call out. If it raises, the whole ending rolls back and the run ends `internal`.
- A **listener** is called on the event loop after the commit, for every `RunChanged` and `RunOutput`. It must
  return at once (hand slow work to a task); an exception is logged and never reaches the engine.

Subscribers are wired in one place, `runtime.open_runtime`. The engine imports none of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlalchemy.orm import Session

from openorchestrator.db.models import Bot, Run
from openorchestrator.engine.budget import BudgetVerdict
from openorchestrator.engine.runlog import RunLog
from openorchestrator.engine.states import RunStatus

log = logging.getLogger(__name__)

ChangeKind = Literal["created", "started", "ended"]


@dataclass(frozen=True)
class RunEnding:
    """Everything known when a run ends, handed to the ending hooks inside the ending's transaction."""

    run: Run
    """The run as it started (detached; its final values are in `values`)."""
    bot: Bot
    """The bot as it was when the run started."""
    status: RunStatus
    values: dict[str, Any]
    """The columns written with the final status: finished_at, duration_ms, output, is_new, tokens, cost, error…"""
    log: RunLog
    """The run's log: lines a hook adds are stored with the ending."""
    retry: Run | None = None
    """The one retry this ending brings (a transient failure of a first attempt)."""
    credential_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Credential id → new `status` and `error_message` (a key that proved bad, or one that works again)."""
    budget: BudgetVerdict | None = None
    """The verdict of the budget that refused the run, when one did."""
    queue_room: int = 0
    """How many more runs may wait in the queue (read on the event loop before the transaction)."""

    @property
    def output(self) -> str | None:
        return self.values.get("output")

    @property
    def error_code(self) -> str | None:
        return self.values.get("error_code")

    @property
    def error_message(self) -> str | None:
        return self.values.get("error_message")


@dataclass(frozen=True)
class RunChanged:
    """A committed change of a run: it was created, started or ended (with the runs its ending created)."""

    kind: ChangeKind
    run_id: str
    bot_id: str
    status: RunStatus
    spawned: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunOutput:
    """A piece of the answer text while the model writes it (appended to what came before)."""

    run_id: str
    bot_id: str
    text: str
    restart: bool = False
    """The text so far is void (a fallback model answers instead): start again with `text`."""


RunEvent = RunChanged | RunOutput


class EndingHook(Protocol):
    def __call__(self, session: Session, ending: RunEnding) -> Iterable[Run] | None: ...


Listener = Callable[[RunEvent], None]


class RunLifecycle:
    """The subscribers of a run's life: ending hooks (in the transaction) and listeners (after the commit)."""

    def __init__(self) -> None:
        self._hooks: list[EndingHook] = []
        self._listeners: list[Listener] = []
        self._output_listeners: list[Listener] = []

    def on_ending(self, hook: EndingHook) -> Callable[[], None]:
        """Run `hook` inside every ending's transaction, after the hooks added before it; returns the undo."""
        self._hooks.append(hook)
        return lambda: self._hooks.remove(hook) if hook in self._hooks else None

    def subscribe(self, listener: Listener, *, output: bool = False) -> Callable[[], None]:
        """Call `listener` after each committed change, and with `output` for each piece of streamed output too;
        returns the undo. Runs stream from the provider only while an output listener is subscribed."""
        chosen = self._output_listeners if output else self._listeners
        chosen.append(listener)
        return lambda: chosen.remove(listener) if listener in chosen else None

    @property
    def watching_output(self) -> bool:
        return bool(self._output_listeners)

    def run_ending_hooks(self, session: Session, ending: RunEnding) -> list[Run]:
        """The ending hooks in order; the runs they return are added by the caller in the same transaction."""
        spawned: list[Run] = []
        for hook in self._hooks:
            spawned.extend(hook(session, ending) or ())
        return spawned

    def publish(self, event: RunEvent) -> None:
        chosen = self._output_listeners if isinstance(event, RunOutput) else [*self._listeners, *self._output_listeners]
        for listener in tuple(chosen):
            try:
                listener(event)
            except Exception:  # a listener's bug must never end a run or lose its ending
                log.exception("run listener %r failed on %s", listener, type(event).__name__)

    def ended(self, run_id: str, bot_id: str, status: RunStatus, spawned: Iterable[Run] = ()) -> None:
        """Tell listeners about a committed ending, then about the runs it created."""
        new = tuple(spawned)
        self.publish(RunChanged("ended", run_id, bot_id, status, tuple(run.id for run in new)))
        for run in new:
            self.publish(RunChanged("created", run.id, run.bot_id, RunStatus(run.status)))


__all__ = ["EndingHook", "Listener", "RunChanged", "RunEnding", "RunEvent", "RunLifecycle", "RunOutput"]
