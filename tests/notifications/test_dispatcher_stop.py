"""Stopping the dispatcher ends its loop also when a pass in flight swallows the cancellation (a library may
catch CancelledError mid-send); before, `stop()` then waited for ever and so did the app's shutdown."""

from __future__ import annotations

import asyncio
import contextlib

from openorchestrator.runtime import Runtime


async def test_stop_ends_the_loop_even_when_a_pass_swallows_the_cancel(services: Runtime) -> None:
    dispatcher = services.dispatcher
    entered = asyncio.Event()
    passes = 0

    async def stubborn_pass() -> int:
        nonlocal passes
        passes += 1
        entered.set()
        with contextlib.suppress(asyncio.CancelledError):  # what a misbehaving library does
            await asyncio.sleep(30)
        return 0

    dispatcher.pump = stubborn_pass  # type: ignore[method-assign]
    await dispatcher.start()
    dispatcher.wake()
    await asyncio.wait_for(entered.wait(), 5)
    await asyncio.wait_for(dispatcher.stop(), 2)
    assert passes == 1  # no second pass after the stop
