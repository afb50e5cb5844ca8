"""Time-ordered ids: 48 bits of milliseconds and 80 random bits, as 26 Crockford base32 characters (ULID).

Ids sort like their creation time, so `before=<run id>` pagination and FIFO order need no extra column.
Within one millisecond (or if the clock steps back) the next id is the previous one plus one, so ids made
by this process are strictly increasing ("monotonic ULID").
"""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_lock = threading.Lock()
_last = 0


def new_id() -> str:
    global _last
    fresh = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    with _lock:
        value = fresh if fresh >> 80 > _last >> 80 else _last + 1
        _last = value
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))
