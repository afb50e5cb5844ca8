"""A run's structured log: entries `{"at", "level", "message", ...}`, with every known secret blanked out."""

from __future__ import annotations

from typing import Any

from openorchestrator.core.clock import Clock


class RunLog:
    def __init__(self, clock: Clock, secrets: tuple[str, ...] = ()) -> None:
        self._clock = clock
        self._secrets = tuple(secret for secret in secrets if secret and len(secret) >= 4)
        self.entries: list[dict[str, Any]] = []

    def add(self, level: str, message: str, *, at: str | None = None, **extra: Any) -> None:
        entry: dict[str, Any] = {
            "at": at or self._clock.now().isoformat(),
            "level": level,
            "message": self.redact(message),
        }
        for key, value in extra.items():
            entry[key] = self.redact(value) if isinstance(value, str) else value
        self.entries.append(entry)

    def info(self, message: str, **extra: Any) -> None:
        self.add("info", message, **extra)

    def warning(self, message: str, **extra: Any) -> None:
        self.add("warning", message, **extra)

    def error(self, message: str, **extra: Any) -> None:
        self.add("error", message, **extra)

    def extend(self, entries: list[dict[str, Any]]) -> None:
        """Take over entries made elsewhere (the run's earlier log, the context builder), keeping their time."""
        for entry in entries:
            extra = {key: value for key, value in entry.items() if key not in ("level", "message", "at")}
            self.add(entry["level"], entry["message"], at=entry.get("at"), **extra)

    def add_secret(self, secret: str) -> None:
        """Blank out one more secret from now on (a tool's key, decrypted during the run)."""
        if secret and len(secret) >= 4:
            self._secrets = (*self._secrets, secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "…" + secret[-4:])
        return text
