"""The webhook channel against a local receiver: Standard Webhooks signatures, headers, and what each answer
means for another attempt."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from tests.support.clock import FakeClock
from tests.support.webhook_receiver import Reply, WebhookReceiver, verify

from openorchestrator.channels import registry
from openorchestrator.channels.base import Message, SendError
from openorchestrator.channels.types.webhook import WebhookChannel, WebhookConfig, sign

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"fedcba9876543210fedcba9876543210").decode()
NOW = datetime(2025, 3, 14, 13, 30, tzinfo=UTC)
PAYLOAD: dict[str, Any] = {
    "event": "run.finished",
    "bot_id": "bot_1",
    "bot_name": "eBay-Scout",
    "status": "completed",
    "output": "3 neue Treffer: Fahrrad 120 €",
    "is_new": True,
}


def make_message(**fields: Any) -> Message:
    values: dict[str, Any] = {
        "subject": "🛒 eBay-Scout — 3 neue Treffer",
        "text": "3 neue Treffer",
        "html": None,
        "payload": PAYLOAD,
        "delivery_id": "msg_run1_ch2",
        "language": "de",
        "footer": "openOrchestrator · 14:30",
    }
    return Message(**(values | fields))


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def channel() -> WebhookChannel:
    return WebhookChannel(clock=FakeClock(NOW))


async def test_a_signed_post_verifies_with_the_secret_only(hook: WebhookReceiver, channel: WebhookChannel) -> None:
    await channel.send({"url": hook.url("/webhook/n8n?x=1"), "secret": SECRET}, make_message())

    [request] = hook.requests
    assert request.method == "POST" and request.path == "/webhook/n8n?x=1"
    assert request.json() == PAYLOAD
    assert "120 €".encode() in request.body  # UTF-8, not \\u escapes
    assert request.body == json.dumps(PAYLOAD, ensure_ascii=False, separators=(",", ":")).encode()
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "openOrchestrator"
    assert request.headers["webhook-id"] == "msg_run1_ch2"
    assert request.headers["webhook-timestamp"] == str(int(NOW.timestamp()))
    assert request.verify(SECRET, now=NOW.timestamp())
    assert not request.verify(OTHER_SECRET, now=NOW.timestamp())
    assert not request.verify(SECRET, now=NOW.timestamp() + 6 * 60)  # too old for the receiver
    assert not verify(SECRET, request.headers, request.body + b" ", now=NOW.timestamp())  # body changed


async def test_without_a_secret_there_is_no_signature(hook: WebhookReceiver, channel: WebhookChannel) -> None:
    await channel.send({"url": hook.url(), "method": "put"}, make_message())

    [request] = hook.requests
    assert request.method == "PUT"
    assert "webhook-signature" not in request.headers
    assert request.headers["webhook-id"] == "msg_run1_ch2"


async def test_custom_headers_arrive(hook: WebhookReceiver, channel: WebhookChannel) -> None:
    headers = {"X-N8N-Key": "abc123", "Authorization": "Bearer t0ken"}
    await channel.send({"url": hook.url(), "headers": headers}, make_message())

    [request] = hook.requests
    assert request.headers["x-n8n-key"] == "abc123"
    assert request.headers["authorization"] == "Bearer t0ken"


async def test_the_delivery_id_is_stable_across_attempts(hook: WebhookReceiver, channel: WebhookChannel) -> None:
    hook.script(503)
    config = {"url": hook.url(), "secret": SECRET}
    with pytest.raises(SendError):
        await channel.send(config, make_message())
    await channel.send(config, make_message())

    first, second = hook.requests
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == "msg_run1_ch2"
    assert first.body == second.body


def test_sign_matches_the_standard_webhooks_example() -> None:
    # The example of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks, libraries/).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


@pytest.mark.parametrize("status", [500, 502, 503, 408])
async def test_server_trouble_is_transient(hook: WebhookReceiver, channel: WebhookChannel, status: int) -> None:
    hook.script(status)
    with pytest.raises(SendError) as caught:
        await channel.send({"url": hook.url()}, make_message())
    assert caught.value.transient
    assert str(status) in caught.value.text("de") and str(status) in caught.value.text("en")


async def test_429_honours_retry_after(hook: WebhookReceiver, channel: WebhookChannel) -> None:
    hook.script(Reply(429, {"Retry-After": "42"}), Reply(503, {"Retry-After": "Fri, 14 Mar 2025 13:32:00 GMT"}))
    errors = []
    for _ in range(2):
        with pytest.raises(SendError) as caught:
            await channel.send({"url": hook.url()}, make_message())
        errors.append(caught.value)

    assert [error.transient for error in errors] == [True, True]
    assert [error.retry_after for error in errors] == [42.0, 120.0]
    assert "429 Too Many Requests" in errors[0].text("en")


async def test_410_gone_is_final(hook: WebhookReceiver, channel: WebhookChannel) -> None:
    hook.script(410)
    with pytest.raises(SendError) as caught:
        await channel.send({"url": hook.url()}, make_message())
    assert not caught.value.transient
    assert "410 Gone" in caught.value.text("de") and "410 Gone" in caught.value.text("en")


@pytest.mark.parametrize("status", [400, 401, 404, 422, 301])
async def test_other_refusals_are_final(hook: WebhookReceiver, channel: WebhookChannel, status: int) -> None:
    hook.script(Reply(status, {"Location": "http://127.0.0.1:1/elsewhere"}))
    with pytest.raises(SendError) as caught:
        await channel.send({"url": hook.url()}, make_message())
    assert not caught.value.transient
    assert str(status) in caught.value.text("en")
    assert len(hook.requests) == 1  # a redirect is not followed


async def test_unreachable_is_transient_and_keeps_the_secret_out(channel: WebhookChannel) -> None:
    with WebhookReceiver() as gone:
        url = gone.url()
    with pytest.raises(SendError) as caught:
        await channel.send({"url": url, "secret": SECRET}, make_message())
    assert caught.value.transient
    assert caught.value.text("de").startswith("Webhook-Ziel nicht erreichbar")
    assert all(SECRET not in text and SECRET[6:] not in text for text in caught.value.texts.values())


async def test_test_posts_a_test_event(hook: WebhookReceiver, channel: WebhookChannel) -> None:
    await channel.test({"url": hook.url(), "secret": SECRET}, "en")

    [request] = hook.requests
    assert request.json()["event"] == "test"
    assert request.json()["message"] == "openOrchestrator is connected ✅"
    assert request.verify(SECRET, now=NOW.timestamp())


# -- configuration ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "example.com/hook"}, "url"),
        ({"url": "https://user:pw@example.com/hook"}, "url"),
        ({"url": "https://example.com:99999/hook"}, "url"),
        ({"url": "https://example.com/a b"}, "url"),
        ({"url": "https://example.com", "method": "GET"}, "method"),
        ({"url": "https://example.com", "headers": {"Host": "evil.test"}}, "headers"),
        ({"url": "https://example.com", "headers": {"content-length": "1"}}, "headers"),
        ({"url": "https://example.com", "headers": {"Webhook-Signature": "v1,x"}}, "headers"),
        ({"url": "https://example.com", "headers": {"X-A": "1\r\nX-B: 2"}}, "headers"),
        ({"url": "https://example.com", "headers": {"bad name": "1"}}, "headers"),
        ({"url": "https://example.com", "headers": {f"X-{i}": "v" for i in range(21)}}, "headers"),
        ({"url": "https://example.com", "secret": "plain-secret"}, "secret"),
        ({"url": "https://example.com", "secret": "whsec_not*base64"}, "secret"),
        ({"url": "https://example.com", "secret": "whsec_" + base64.b64encode(b"short").decode()}, "secret"),
        ({"url": "https://example.com", "extra": True}, "extra"),
    ],
)
def test_invalid_configs_are_refused(config: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        WebhookConfig.model_validate(config)
    assert field in {str(error["loc"][0]) for error in caught.value.errors()}


def test_valid_configs() -> None:
    config = WebhookConfig.model_validate(
        {"url": "http://192.168.1.5:5678/webhook/abc", "method": "put", "secret": "", "headers": {"X-Key": "1"}}
    )
    assert (config.method, config.secret) == ("PUT", None)
    assert WebhookConfig.model_validate({"url": "http://localhost/hook", "secret": SECRET}).secret == SECRET


def test_the_type_is_registered_with_its_secret() -> None:
    kind = registry.get("webhook")
    assert kind.config_model is WebhookConfig
    assert kind.secret_fields == frozenset({"secret"})
