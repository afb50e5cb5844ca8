"""One default TLS context per process.

Building a context loads the CA bundle, about 30 ms of CPU each time; clients that are made per delivery or per
tool call (webhooks, web tools) share this one instead. Read-only after creation, so sharing it is safe.
"""

from __future__ import annotations

import ssl
from functools import cache


@cache
def default_context() -> ssl.SSLContext:
    import httpx2

    return httpx2.create_ssl_context()  # honours SSL_CERT_FILE / SSL_CERT_DIR, as httpx does
