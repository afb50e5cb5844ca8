"""The e-mail channel against a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, and what people read
when it does not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from pydantic import ValidationError
from tests.support.clock import FakeClock
from tests.support.smtp_server import SmtpServer, free_port

from openorchestrator.channels import registry
from openorchestrator.channels.base import Message, SendError
from openorchestrator.channels.types.email import EmailChannel, EmailConfig

SUBJECT = "🛒 eBay-Scout — 3 neue Treffer"
NOW = datetime(2025, 3, 14, 13, 30, tzinfo=UTC)


def make_message(**fields: Any) -> Message:
    values: dict[str, Any] = {
        "subject": SUBJECT,
        "text": "3 neue Angebote:\n- Fahrrad <gebraucht> 120 €\n- Helm 15 €",
        "html": "<p>3 neue Angebote:</p><ul><li>Fahrrad 120 €</li><li>Helm 15 €</li></ul>",
        "payload": {"event": "run.finished"},
        "delivery_id": "run_01HZX3.ch_7",
        "language": "de",
        "footer": "openOrchestrator · 14:30",
    }
    return Message(**(values | fields))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def channel() -> EmailChannel:
    return EmailChannel(clock=FakeClock(NOW))


def parts(mail: EmailMessage) -> tuple[str, str]:
    plain, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert isinstance(plain, EmailMessage) and isinstance(html, EmailMessage)
    return plain.get_content().replace("\r\n", "\n"), html.get_content().replace("\r\n", "\n")


async def test_a_mail_arrives_with_both_parts_and_the_subject_intact(smtp: SmtpServer, channel: EmailChannel) -> None:
    config = smtp.channel_config(to=["me@example.org", "Partner <you@example.net>"])
    await channel.send(config, make_message())

    [received] = smtp.messages
    assert received.login == smtp.user
    assert received.mail_from == "bot@example.com"
    assert received.rcpt_tos == ["me@example.org", "you@example.net"]
    mail = received.mail
    assert mail.get_content_type() == "multipart/alternative"
    assert mail["Subject"] == SUBJECT
    assert b"\xf0\x9f\x9b\x92" not in received.raw.split(b"\r\n\r\n", 1)[0]  # the header is encoded, not raw UTF-8
    assert parsedate_to_datetime(mail["Date"]) == NOW
    assert str(mail["From"]) == "openOrchestrator <bot@example.com>"
    plain, html = parts(mail)
    assert plain.startswith("3 neue Angebote:\n- Fahrrad <gebraucht> 120 €")
    assert plain.rstrip().endswith("-- \nopenOrchestrator · 14:30")
    assert "<li>Fahrrad 120 €</li>" in html
    assert "openOrchestrator · 14:30</p>" in html and "color:#888888" in html


async def test_message_id_is_the_same_on_every_attempt(smtp: SmtpServer, channel: EmailChannel) -> None:
    await channel.send(smtp.channel_config(), make_message())
    await channel.send(smtp.channel_config(), make_message())
    await channel.send(smtp.channel_config(), make_message(delivery_id="run_2.ch_7"))

    first, again, other = (received.mail["Message-ID"] for received in smtp.messages)
    assert first == again == "<run_01HZX3.ch_7@example.com>"
    assert other != first


async def test_without_html_the_text_is_escaped_into_a_pre_block(smtp: SmtpServer, channel: EmailChannel) -> None:
    await channel.send(smtp.channel_config(), make_message(html=None, footer=""))

    plain, html = parts(smtp.messages[0].mail)
    assert "<pre" in html and "Fahrrad &lt;gebraucht&gt; 120 €" in html
    assert "-- " not in plain


async def test_wrong_password_is_a_plain_login_error_without_the_password(
    smtp: SmtpServer, channel: EmailChannel
) -> None:
    wrong = "Wr0ng-Passw0rd-XYZ"
    with pytest.raises(SendError) as caught:
        await channel.send(smtp.channel_config(smtp_pass=wrong), make_message())

    error = caught.value
    assert not error.transient
    assert error.text("de") == "SMTP-Anmeldung fehlgeschlagen — Benutzer oder Passwort falsch."
    assert error.text("en") == "SMTP login failed — wrong user or password."
    assert wrong not in str(error) and all(wrong not in text for text in error.texts.values())
    assert smtp.failed_logins >= 1 and smtp.messages == []  # aiosmtplib tries PLAIN, then LOGIN


async def test_server_down_is_worth_another_attempt(channel: EmailChannel) -> None:
    config = {"smtp_host": "127.0.0.1", "smtp_port": free_port(), "security": "none", "from": "a@b.de", "to": "c@d.de"}
    with pytest.raises(SendError) as caught:
        await channel.send(config, make_message())

    assert caught.value.transient
    assert caught.value.text("de").startswith("Mailserver nicht erreichbar")
    assert caught.value.text("en").startswith("Mail server unreachable")


async def test_refused_recipient_is_final_and_named(channel: EmailChannel) -> None:
    with SmtpServer(reject_recipients=("nobody@example.org",)) as smtp, pytest.raises(SendError) as caught:
        await channel.send(smtp.channel_config(to="nobody@example.org"), make_message())

    assert not caught.value.transient
    assert "nobody@example.org" in caught.value.text("de") and "(550)" in caught.value.text("en")


async def test_starttls_path_delivers(channel: EmailChannel) -> None:
    with SmtpServer(security="starttls") as smtp:
        await channel.send(smtp.channel_config(), make_message())
        assert smtp.messages[0].mail["Subject"] == SUBJECT


async def test_implicit_tls_path_delivers(channel: EmailChannel) -> None:
    with SmtpServer(security="ssl") as smtp:
        await channel.send(smtp.channel_config(), make_message())
        assert smtp.messages[0].login == smtp.user


async def test_self_signed_certificate_is_refused_when_verified(channel: EmailChannel) -> None:
    with SmtpServer(security="starttls") as smtp, pytest.raises(SendError) as caught:
        await channel.send(smtp.channel_config(tls_verify=True), make_message())

    assert not caught.value.transient
    assert "Zertifikat" in caught.value.text("de")


@pytest.mark.parametrize(
    ("server_security", "client_security", "hint"),
    [
        ("none", "starttls", "STARTTLS"),  # the server cannot do STARTTLS
        ("none", "ssl", "465: SSL"),  # TLS spoken to a plain port
        ("starttls", "none", "STARTTLS"),  # AUTH is offered only after TLS
    ],
)
async def test_mismatched_security_gets_a_hint_not_a_retry(
    channel: EmailChannel, server_security: Any, client_security: str, hint: str
) -> None:
    with SmtpServer(security=server_security) as smtp, pytest.raises(SendError) as caught:
        await channel.send(smtp.channel_config(security=client_security), make_message())

    assert not caught.value.transient
    assert hint in caught.value.text("de") and hint in caught.value.text("en")


async def test_plain_client_on_an_ssl_port_hints_at_ssl() -> None:
    channel = EmailChannel(step_timeout=0.3)  # the server waits for a TLS hello that never comes
    with SmtpServer(security="ssl") as smtp, pytest.raises(SendError) as caught:
        await channel.send(smtp.channel_config(security="starttls"), make_message())

    assert "465" in caught.value.text("de") and "SSL" in caught.value.text("en")


async def test_test_sends_a_short_mail_in_the_chosen_language(smtp: SmtpServer, channel: EmailChannel) -> None:
    await channel.test(smtp.channel_config(), "de")
    await channel.test(smtp.channel_config(), "en")

    german, english = (received.mail for received in smtp.messages)
    assert german["Subject"] == "openOrchestrator: Test-E-Mail"
    assert english["Subject"] == "openOrchestrator: test e-mail"
    assert german["Message-ID"] != english["Message-ID"]
    assert "verbunden ✅" in parts(german)[0]


# -- configuration ----------------------------------------------------------------------------------------

VALID: dict[str, Any] = {
    "smtp_host": "smtp.example.com",
    "smtp_port": 587,
    "smtp_user": "me@example.com",
    "smtp_pass": "pw",
    "security": "starttls",
    "from": "me@example.com",
    "to": "me@example.com",
}


def test_a_valid_config_round_trips_with_its_from_key() -> None:
    config = EmailConfig.model_validate(VALID)
    assert config.model_dump()["from"] == "me@example.com"
    assert EmailConfig.model_validate(config.model_dump()) == config
    assert EmailConfig.model_validate(VALID | {"smtp_user": "", "smtp_pass": ""}).smtp_user is None
    assert EmailConfig.model_validate(VALID | {"smtp_host": "::1", "to": ["a@b.de", "B <b@c.de>"]}).smtp_host == "::1"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"smtp_port": 0}, "smtp_port"),
        ({"smtp_port": 65536}, "smtp_port"),
        ({"smtp_host": "smtp://smtp.example.com"}, "smtp_host"),
        ({"smtp_host": "smtp example"}, "smtp_host"),
        ({"smtp_host": "smtp.example.com:587"}, "smtp_host"),
        ({"security": "tls"}, "security"),
        ({"from": "not an address"}, "from"),
        ({"to": "me@example.com\r\nBcc: x@evil.test"}, "to"),
        ({"to": []}, "to"),
        ({"to": ["ok@example.com", "nope"]}, "to"),
        ({"smtp_pass": None}, ""),  # a user without a password
        ({"sender": "me@example.com"}, "sender"),  # the key is `from`
        ({"unknown": 1}, "unknown"),
    ],
)
def test_invalid_configs_are_refused(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        EmailConfig.model_validate(VALID | change)
    assert field in {str(error["loc"][0]) if error["loc"] else "" for error in caught.value.errors()}


def test_the_type_is_registered_with_its_secret() -> None:
    kind = registry.get("email")
    assert kind.config_model is EmailConfig
    assert kind.secret_fields == frozenset({"smtp_pass"})
    assert kind.default_format == "full"
