"""Live updates for the browser: a run's life (created, started, ended) and its output while the model writes.

    RunLifecycle ──▶ LiveHub (one ordered pump) ──▶ one bounded queue per connected client ──▶ GET /api/live

The hub listens to the engine only while a client is connected, so runs stream from the provider only when
somebody watches. Each change is read from the database once (after its commit) and sent to every client as
the run's summary. A client that cannot keep up is dropped; its browser reconnects and reloads what it shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from openorchestrator.db.models import Run
from openorchestrator.engine.lifecycle import ChangeKind, RunChanged, RunEvent, RunLifecycle, RunOutput
from openorchestrator.live.schemas import LiveOutput, LiveRun, LiveRunEvent

log = logging.getLogger(__name__)

CLIENT_QUEUE = 1_000
"""Messages a client may lag behind before it is dropped (its browser reconnects)."""
MAX_CLIENTS = 64
HEARTBEAT_SECONDS = 15.0


@dataclass(frozen=True)
class Message:
    """One server-sent event: its name and its JSON data."""

    event: str
    data: str

    def encode(self) -> bytes:
        return f"event: {self.event}\ndata: {self.data}\n\n".encode()


_CLOSE = Message("close", "{}")
_TYPES: dict[ChangeKind, Literal["run.created", "run.started", "run.ended"]] = {
    "created": "run.created",
    "started": "run.started",
    "ended": "run.ended",
}


class TooManyClients(Exception):
    pass


class LiveHub:
    def __init__(self, lifecycle: RunLifecycle, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._lifecycle = lifecycle
        self._sessionmaker = sessionmaker
        self._clients: set[asyncio.Queue[Message]] = set()
        self._events: asyncio.Queue[RunEvent] = asyncio.Queue()
        self._pump: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def clients(self) -> int:
        return len(self._clients)

    def connect(self) -> asyncio.Queue[Message]:
        if len(self._clients) >= MAX_CLIENTS:
            raise TooManyClients
        client: asyncio.Queue[Message] = asyncio.Queue(CLIENT_QUEUE)
        self._clients.add(client)
        if self._unsubscribe is None:
            self._unsubscribe = self._lifecycle.subscribe(self._events.put_nowait, output=True)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.get_running_loop().create_task(self._run(), name="live-hub")
        return client

    def disconnect(self, client: asyncio.Queue[Message]) -> None:
        self._clients.discard(client)
        if not self._clients and self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def close_soon(self) -> None:
        """`close` from a signal handler (the server got SIGTERM or Ctrl-C)."""
        with contextlib.suppress(RuntimeError):  # no loop running any more: nothing to end
            self._loop().call_soon_threadsafe(lambda: asyncio.ensure_future(self.close()))

    def _loop(self) -> asyncio.AbstractEventLoop:
        if self._pump is None:
            raise RuntimeError("not started")
        return self._pump.get_loop()

    async def close(self) -> None:
        """End every stream (the server is stopping) and the pump."""
        for client in tuple(self._clients):
            self._offer(client, _CLOSE, drop=False)
            self.disconnect(client)
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
            self._pump = None

    async def stream(self, client: asyncio.Queue[Message]) -> AsyncIterator[bytes]:
        """The bytes of one client's event stream, until it disconnects or the hub closes."""
        try:
            yield b"retry: 2000\n\n"
            while True:
                try:
                    async with asyncio.timeout(HEARTBEAT_SECONDS):
                        message = await client.get()
                except TimeoutError:
                    yield b": ping\n\n"
                    continue
                if message is _CLOSE:
                    return
                yield message.encode()
        finally:
            self.disconnect(client)

    async def _run(self) -> None:
        while True:
            event = await self._events.get()
            try:
                message = await self._message(event)
            except Exception:  # a failed read must not end live updates for everybody
                log.exception("live: could not read run %s", event.run_id)
                continue
            if message is not None:
                for client in tuple(self._clients):
                    self._offer(client, message)

    async def _message(self, event: RunEvent) -> Message | None:
        if isinstance(event, RunOutput):
            data = LiveOutput(run_id=event.run_id, bot_id=event.bot_id, text=event.text, restart=event.restart)
            return Message("output", data.model_dump_json())
        assert isinstance(event, RunChanged)
        async with self._sessionmaker() as session:
            run = await session.get(Run, event.run_id)
        if run is None:  # deleted with its bot meanwhile
            return None
        payload = LiveRunEvent(type=_TYPES[event.kind], run=LiveRun.model_validate(run))
        return Message("run", payload.model_dump_json())

    def _offer(self, client: asyncio.Queue[Message], message: Message, *, drop: bool = True) -> None:
        try:
            client.put_nowait(message)
        except asyncio.QueueFull:
            if drop:  # too slow: its stream ends, the browser reconnects and reloads
                self.disconnect(client)
                with contextlib.suppress(asyncio.QueueEmpty):
                    client.get_nowait()
                client.put_nowait(_CLOSE)
