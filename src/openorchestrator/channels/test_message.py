"""The message `POST /api/channels/{id}/test` sends: a short "connected" line in the app's language."""

from __future__ import annotations

import html

from openorchestrator.channels.base import Message
from openorchestrator.core.i18n import Language

TEXT: dict[Language, str] = {"de": "✅ openOrchestrator ist verbunden.", "en": "✅ openOrchestrator is connected."}


def test_message(language: Language, delivery_id: str) -> Message:
    text = TEXT[language]
    return Message(
        subject=text,
        text=text,
        html="<p>" + html.escape(text) + "</p>",
        payload={"event": "test", "message": text},
        delivery_id=delivery_id,
        language=language,
    )
