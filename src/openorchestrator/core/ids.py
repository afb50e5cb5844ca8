"""Time-ordered ids: 48 bits of milliseconds and 80 random bits, as 26 Crockford base32 characters (ULID).

Ids sort like their creation time, so `before=<run id>` pagination and FIFO order need no extra column.
"""

from __future__ import annotations

import os
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))
