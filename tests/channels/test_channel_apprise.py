"""The apprise channel, through Apprise's own `json://` service against a local receiver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError
from tests.support.webhook_receiver import WebhookReceiver

from openorchestrator.channels import registry
from openorchestrator.channels.base import Message, SendError
from openorchestrator.channels.types.apprise_url import AppriseChannel, AppriseConfig

SUBJECT = "🛒 eBay-Scout — 3 neue Treffer"


def make_message(**fields: Any) -> Message:
    values: dict[str, Any] = {
        "subject": SUBJECT,
        "text": "3 neue Treffer: Fahrrad 120 €, Helm 15 €",
        "html": None,
        "payload": {"event": "run.finished", "status": "completed"},
        "delivery_id": "run_1.ch_3",
        "language": "de",
        "footer": "openOrchestrator · 14:30",
    }
    return Message(**(values | fields))


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


def json_url(hook: WebhookReceiver, path: str = "/apprise") -> str:
    return f"json://127.0.0.1:{hook.port}{path}"


async def test_title_and_body_arrive(hook: WebhookReceiver) -> None:
    await AppriseChannel().send({"url": json_url(hook)}, make_message())

    [request] = hook.requests
    assert request.method == "POST" and request.path == "/apprise"
    body = request.json()
    assert body["title"] == SUBJECT
    assert body["message"] == "3 neue Treffer: Fahrrad 120 €, Helm 15 €"
    assert body["type"] == "info"


async def test_a_failed_run_goes_out_as_a_failure(hook: WebhookReceiver) -> None:
    await AppriseChannel().send({"url": json_url(hook)}, make_message(payload={"status": "failed"}))
    assert hook.requests[0].json()["type"] == "failure"


async def test_a_refusing_service_is_transient_without_the_url(hook: WebhookReceiver) -> None:
    hook.script(500)
    url = json_url(hook, "/token-XYZ")
    with pytest.raises(SendError) as caught:
        await AppriseChannel().send({"url": url}, make_message())

    assert caught.value.transient
    assert caught.value.text("en") == "Apprise could not deliver (see the service's status)."
    assert all("token-XYZ" not in text for text in caught.value.texts.values())


async def test_test_sends_a_short_notification(hook: WebhookReceiver) -> None:
    await AppriseChannel().test({"url": json_url(hook)}, "de")
    assert hook.requests[0].json()["message"] == "openOrchestrator ist verbunden ✅"


@pytest.mark.parametrize(
    "url",
    ["nosuchservice://abc", "https//missing-colon", "json://a json://b", "   "],
)
def test_unknown_urls_are_refused_in_plain_words(url: str) -> None:
    with pytest.raises(ValidationError) as caught:
        AppriseConfig.model_validate({"url": url})
    assert "Apprise does not know this URL" in str(caught.value) or "at least 1 character" in str(caught.value)


def test_known_urls_are_accepted() -> None:
    assert AppriseConfig.model_validate({"url": " ntfy://ntfy.sh/my-topic "}).url == "ntfy://ntfy.sh/my-topic"
    with pytest.raises(ValidationError):
        AppriseConfig.model_validate({"url": "ntfy://ntfy.sh/my-topic", "title": "x"})


def test_the_type_is_registered_with_its_url_as_secret() -> None:
    kind = registry.get("apprise")
    assert kind.config_model is AppriseConfig
    assert kind.secret_fields == frozenset({"url"})
    assert kind.default_format == "short"
