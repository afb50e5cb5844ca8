"""Which process this is, and whether another one (named the same way) still exists on this machine.

A process id reads `machine:pid:tag`; it is written on the runs a process starts and on the scheduler lease.
"""

from __future__ import annotations

import os
import socket


def machine() -> str:
    """This host and PID namespace: two containers with one host name must not judge each other's PIDs."""
    try:
        namespace = os.readlink("/proc/self/ns/pid").removeprefix("pid:").strip("[]")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}/{namespace}" if namespace else socket.gethostname()


def holder_is_gone(holder: str) -> bool:
    """Whether a process id (`machine:pid:tag`) was a process on this machine that no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != machine() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, as another user's process
        return False
    return False
