"""Small asyncio helpers."""

from __future__ import annotations

import asyncio


async def wait_event(event: asyncio.Event, seconds: float | None) -> bool:
    """Until `event` is set (True) or `seconds` pass (False; None waits for ever).

    Not `asyncio.wait_for`: on Python 3.11 it drops a cancellation that arrives in the same loop pass as the
    event is set (python/cpython#86296), and a loop built on it then never stops. `asyncio.timeout` tells its
    own cancellation from the caller's."""
    if seconds is None:
        await event.wait()
        return True
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        return False
    return True
