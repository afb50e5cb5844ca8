"""`wait_event`: a cancellation that arrives as the event is set still cancels (asyncio.wait_for on 3.11 may
drop it, and a loop built on it never stops)."""

from __future__ import annotations

import asyncio

from openorchestrator.core.aio import wait_event


async def test_set_timeout_and_cancel() -> None:
    event = asyncio.Event()
    assert await wait_event(event, 0.01) is False
    event.set()
    assert await wait_event(event, 0.01) is True
    assert await wait_event(event, None) is True


async def test_a_cancel_in_the_same_pass_as_the_wake_is_not_lost() -> None:
    for _ in range(50):
        event = asyncio.Event()
        passes = 0

        async def loop(event: asyncio.Event = event) -> None:
            nonlocal passes
            while True:
                await wait_event(event, 5.0)
                event.clear()
                passes += 1

        task = asyncio.create_task(loop())
        await asyncio.sleep(0)
        event.set()
        task.cancel()  # in the same pass as the wake: wait_for on 3.11 could swallow this
        done, _ = await asyncio.wait({task}, timeout=1.0)
        assert task in done and task.cancelled()
