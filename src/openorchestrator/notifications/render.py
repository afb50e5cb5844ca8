"""Notifications as people read them: the formats `short`, `full`, `summary`, events, and quiet-hours digests.

Every renderer returns a `channels.base.Message`, which carries all the forms a channel type may use
(subject line, Markdown-ish text, sanitised HTML, webhook JSON).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openorchestrator.channels.base import Message
from openorchestrator.core.i18n import Language

SUBJECT_GIST_MAX = 80
SHORT_GIST_MAX = 200

_STATUS: dict[str, dict[Language, str]] = {
    "completed": {"de": "fertig", "en": "done"},
    "failed": {"de": "fehlgeschlagen", "en": "failed"},
    "timeout": {"de": "Zeitlimit überschritten", "en": "timed out"},
}
_WORDS: dict[str, dict[Language, str]] = {
    "next": {"de": "Nächster Run", "en": "Next run"},
    "empty": {"de": "(keine Ausgabe)", "en": "(no output)"},
    "tokens": {"de": "Tokens", "en": "tokens"},
    "digest": {"de": "{count} Nachrichten aus der Ruhezeit", "en": "{count} messages from quiet hours"},
}
_EVENT_EMOJI = {"budget_exceeded": "⛔", "budget_warning": "⚠️", "credential_error": "🔑", "bot_stale": "💤"}


@dataclass(frozen=True)
class RunFacts:
    bot_id: str
    bot_name: str
    emoji: str
    run_id: str
    status: str
    output: str | None
    error_message: str | None
    is_new: bool | None
    tokens_in: int | None
    tokens_out: int | None
    cost_estimate: float | None
    finished_at: datetime | None
    duration_ms: int | None


@dataclass(frozen=True)
class EventFacts:
    event_id: str
    kind: str
    bot_id: str | None
    bot_name: str | None
    message: str
    data: dict[str, Any]
    created_at: datetime


def gist(output: str | None, limit: int) -> str:
    """The first line that says something: Markdown marks and list bullets removed, cut to `limit`."""
    for line in (output or "").splitlines():
        text = re.sub(r"^\s*(?:(?:[#>*\-•]+|\d+[.)])\s*)*", "", line).strip().rstrip(":").strip("*_` ")
        if text:
            return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return ""


def _clock(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M") if moment else "—"


def _seconds(ms: int | None, language: Language) -> str:
    if ms is None:
        return "—"
    text = f"{ms / 1000:.1f} s"
    return text.replace(".", ",") if language == "de" else text


def footer(language: Language, zone: ZoneInfo, at: datetime | None, next_run_at: datetime | None) -> str:
    parts = ["openOrchestrator", _clock(at, zone)]
    if next_run_at is not None:
        parts.append(f"{_WORDS['next'][language]}: {_clock(next_run_at, zone)}")
    return " · ".join(parts)


def run_payload(run: RunFacts) -> dict[str, Any]:
    return {
        "event": f"run.{run.status}",
        "bot_id": run.bot_id,
        "bot_name": run.bot_name,
        "run_id": run.run_id,
        "status": run.status,
        "output": run.output,
        "is_new": run.is_new,
        "tokens_in": run.tokens_in,
        "tokens_out": run.tokens_out,
        "cost_estimate": run.cost_estimate,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def render_run(
    run: RunFacts,
    fmt: str,
    *,
    language: Language,
    zone: ZoneInfo,
    next_run_at: datetime | None,
    delivery_id: str,
    summary: str | None = None,
) -> Message:
    ok = run.status == "completed"
    headline = gist(run.output, SUBJECT_GIST_MAX) if ok else (run.error_message or _STATUS[run.status][language])
    subject = f"{run.emoji} {run.bot_name} — {headline or _STATUS[run.status][language]}"
    tokens = (run.tokens_in or 0) + (run.tokens_out or 0)
    took = _seconds(run.duration_ms, language)
    facts = f"{_clock(run.finished_at, zone)} · {took} · {tokens} {_WORDS['tokens'][language]}"
    foot = footer(language, zone, run.finished_at, next_run_at)
    if fmt == "short" or not ok:
        line = gist(run.output, SHORT_GIST_MAX) if ok else (run.error_message or "")
        text = "\n".join(
            part for part in (f"{run.emoji} {run.bot_name}: {_STATUS[run.status][language]}", line, facts) if part
        )
        html = _html(text)
    elif fmt == "summary" and summary:
        text = summary.strip()
        html = _html(text)
    else:  # full (and summary when no summary could be made: the whole output is better than nothing)
        text = (run.output or "").strip() or _WORDS["empty"][language]
        html = markdown_html(text)
    payload = run_payload(run)
    if fmt == "summary" and summary and ok:
        payload["summary"] = summary.strip()
    return Message(
        subject=subject,
        text=text,
        html=html,
        payload=payload,
        delivery_id=delivery_id,
        language=language,
        footer=foot,
    )


def render_event(event: EventFacts, *, language: Language, zone: ZoneInfo, delivery_id: str) -> Message:
    emoji = _EVENT_EMOJI.get(event.kind, "ℹ️")
    subject = f"{emoji} {event.bot_name + ' — ' if event.bot_name else ''}{gist(event.message, SUBJECT_GIST_MAX)}"
    payload = {
        "event": event.kind,
        "bot_id": event.bot_id,
        "bot_name": event.bot_name,
        "message": event.message,
        "data": event.data,
        "created_at": event.created_at.isoformat(),
    }
    return Message(
        subject=subject,
        text=event.message,
        html=_html(event.message),
        payload=payload,
        delivery_id=delivery_id,
        language=language,
        footer=footer(language, zone, event.created_at, None),
    )


def render_digest(
    items: list[Message], *, language: Language, zone: ZoneInfo, at: datetime, delivery_id: str
) -> Message:
    """Messages held in quiet hours, as one: each one's subject and short text, oldest first."""
    subject = "🌙 openOrchestrator — " + _WORDS["digest"][language].format(count=len(items))
    blocks = [f"{item.subject}\n{gist(item.text, SHORT_GIST_MAX)}" for item in items]
    text = "\n\n".join(blocks)
    return Message(
        subject=subject,
        text=text,
        html=_html(text),
        payload={"event": "digest", "items": [item.payload for item in items]},
        delivery_id=delivery_id,
        language=language,
        footer=footer(language, zone, at, None),
    )


# -- HTML ----------------------------------------------------------------------------------------------------
def markdown_html(text: str) -> str:
    """Markdown → HTML, sanitised: an LLM's output is hostile input (no scripts, no styles, safe links only)."""
    import nh3
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").render(text)
    return str(nh3.clean(rendered, url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow"))


def _html(text: str) -> str:
    import html

    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"
