"""The error tree. Every error a client can see carries a machine `code` and a human message.

    AppError                    (status chosen here, rendered in one handler: app.py)
    ├── InvalidInput            422 invalid_input   a field and the reason
    ├── NotFound                404 not_found
    ├── Conflict                409 <code>
    ├── QueueFull               429 queue_full
    ├── TooManyConnections      429 too_many_connections  (live streams)
    └── ProviderRejected        400 <validation code>  a credential failed its check

Run failures are not exceptions that reach the client: they are data on the run (`error_code`), see
`providers/llm.py` (`classify`) and `core/i18n.py`.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            error["details"] = self.details
        return {"error": error}


class InvalidInput(AppError):
    status_code = 422
    code = "invalid_input"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", details=[{"field": field, "reason": reason}])
        self.field = field
        self.reason = reason


class NotFound(AppError):
    status_code = 404
    code = "not_found"

    def __init__(self, what: str, ident: str) -> None:
        super().__init__(f"No {what} with id {ident!r}.")


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class QueueFull(AppError):
    status_code = 429
    code = "queue_full"


class TooManyConnections(AppError):
    status_code = 429
    code = "too_many_connections"


class ProviderRejected(AppError):
    status_code = 400
