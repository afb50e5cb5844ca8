"""The e-mail channel: one multipart/alternative mail per notification, sent over SMTP with aiosmtplib.

aiosmtplib loads on the first send. What can go wrong, and what people read (`SendError`):

    wrong user or password (5xx on AUTH)         not transient  "SMTP-Anmeldung fehlgeschlagen — …"
    refused / DNS / timeout / dropped            transient      "Mailserver nicht erreichbar — …"
    STARTTLS missing, TLS on a plain port, AUTH
      only after TLS, untrusted certificate       not transient  a hint about port and security
    recipient, sender or mail refused (5xx)       not transient  the address and the server's code
    any 4xx answer (greylisting, busy)            transient      the server's code

No error text carries the password; the server's own wording is left out because it can echo anything.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import ipaddress
import re
import ssl
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, ClassVar, Literal
from uuid import uuid4

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from openorchestrator.channels import registry
from openorchestrator.channels.base import Message, SendError, Texts, exception_chain
from openorchestrator.core.clock import Clock, SystemClock
from openorchestrator.core.i18n import Language

STEP_TIMEOUT_SECONDS = 15.0
"""Each SMTP step (connect, TLS, AUTH, each command) gets this long; the whole send four times as long."""
MAX_RECIPIENTS = 50

_ADDRESS = re.compile(
    r"[^@\s<>()\[\],;:\"\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
_HOST = re.compile(r"[A-Za-z0-9._:-]{1,253}")
_MESSAGE_ID_PART = re.compile(r"[A-Za-z0-9._-]{1,128}")


def _split_address(value: str) -> tuple[str, str]:
    """("Name", "addr") of "addr" or "Name <addr>"; ValueError if it is not one plain address."""
    text = value.strip()
    if not text or len(text) > 320 or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValueError(f"not an e-mail address: {value!r}")
    name, addr = "", text
    if text.endswith(">") and "<" in text:
        cut = text.rindex("<")
        name, addr = text[:cut].strip().strip('"').strip(), text[cut + 1 : -1].strip()
    if not _ADDRESS.fullmatch(addr) or "<" in name or ">" in name:
        raise ValueError(f"not an e-mail address: {value!r} (expected name@example.com or Name <name@example.com>)")
    return name, addr


class EmailConfig(BaseModel):
    """What an e-mail channel needs; `from` is the header sender ("bot@example.com" or "Bot <bot@example.com>")."""

    model_config = ConfigDict(extra="forbid", validate_by_alias=True, validate_by_name=False, serialize_by_alias=True)

    smtp_host: str = Field(min_length=1, max_length=253)
    smtp_port: int = Field(ge=1, le=65535)
    smtp_user: str | None = Field(default=None, max_length=320)
    smtp_pass: str | None = Field(default=None, max_length=1024)
    security: Literal["starttls", "ssl", "none"]
    sender: str = Field(alias="from")
    to: str | list[str]
    tls_verify: bool = True
    """False accepts any certificate (a home server with a self-signed one)."""

    @field_validator("smtp_host")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip()
        if not _HOST.fullmatch(value):
            raise ValueError("only the host name, e.g. smtp.example.com (no smtp://, no path, no spaces)")
        if ":" in value:  # only an IPv6 address has colons; "host:587" puts the port in the wrong field
            try:
                ipaddress.IPv6Address(value)
            except ValueError:
                raise ValueError("only the host name, without a port (the port has its own field)") from None
        return value

    @field_validator("smtp_user", "smtp_pass", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        _split_address(value)
        return value.strip()

    @field_validator("to")
    @classmethod
    def _to(cls, value: str | list[str]) -> str | list[str]:
        items = [value] if isinstance(value, str) else value
        if not items:
            raise ValueError("at least one recipient")
        if len(items) > MAX_RECIPIENTS:
            raise ValueError(f"at most {MAX_RECIPIENTS} recipients")
        for item in items:
            _split_address(item)
        return value.strip() if isinstance(value, str) else [item.strip() for item in value]

    @model_validator(mode="after")
    def _login_pair(self) -> EmailConfig:
        if (self.smtp_user is None) != (self.smtp_pass is None):
            raise ValueError("smtp_user and smtp_pass go together: give both or neither")
        return self

    @property
    def recipients(self) -> list[str]:
        return [self.to] if isinstance(self.to, str) else list(self.to)

    @property
    def sender_address(self) -> str:
        return _split_address(self.sender)[1]


# -- the mail ---------------------------------------------------------------------------------------------


def message_id(delivery_id: str, sender_address: str) -> str:
    """A Message-ID that is the same on every attempt of one delivery, so a receiver can drop duplicates."""
    local = delivery_id if _MESSAGE_ID_PART.fullmatch(delivery_id) else hashlib.sha256(delivery_id.encode()).hexdigest()
    return f"<{local}@{sender_address.rsplit('@', 1)[1]}>"


def plain_body(message: Message) -> str:
    body = message.text.rstrip()
    return f"{body}\n\n-- \n{message.footer}\n" if message.footer else f"{body}\n"


def html_body(message: Message) -> str:
    content = message.html or (
        '<pre style="font-family:inherit;white-space:pre-wrap;margin:0">'
        + html.escape(message.text.rstrip())
        + "</pre>"
    )
    footer = (
        f'<p style="color:#888888;font-size:12px;margin-top:24px">{html.escape(message.footer)}</p>'
        if message.footer
        else ""
    )
    return f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n{content}\n{footer}\n</body></html>\n'


def build_mail(config: EmailConfig, message: Message, now: datetime) -> EmailMessage:
    """The mail as it goes out: plain text and HTML alternatives, the subject encoded for any emoji."""
    mail = EmailMessage(policy=policy.SMTP)
    mail["Subject"] = " ".join(message.subject.split())  # one line, whatever came in
    mail["From"] = config.sender
    mail["To"] = ", ".join(config.recipients)
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id(message.delivery_id, config.sender_address)
    mail.set_content(plain_body(message), cte="quoted-printable")
    mail.add_alternative(html_body(message), subtype="html", cte="quoted-printable")
    return mail


# -- plain words for what went wrong ----------------------------------------------------------------------

_UNREACHABLE: Texts = {
    "de": "Mailserver nicht erreichbar — Adresse, Port und Internetverbindung prüfen.",
    "en": "Mail server unreachable — check the host, the port and the connection.",
}
_AUTH_FAILED: Texts = {
    "de": "SMTP-Anmeldung fehlgeschlagen — Benutzer oder Passwort falsch.",
    "en": "SMTP login failed — wrong user or password.",
}
_NO_STARTTLS: Texts = {
    "de": "Der Mailserver kann kein STARTTLS — für Port 465 „SSL“ wählen, sonst den Port des Anbieters prüfen.",
    "en": "The mail server does not offer STARTTLS — choose “SSL” for port 465, or check the provider's port.",
}
_NO_AUTH: Texts = {
    "de": "Der Mailserver bietet hier keine Anmeldung an — meist fehlt die Verschlüsselung (587: STARTTLS, 465: SSL).",
    "en": "The mail server offers no login here — usually encryption is missing (587: STARTTLS, 465: SSL).",
}
_BAD_CERT: Texts = {
    "de": "Das Zertifikat des Mailservers ist ungültig oder nicht vertrauenswürdig — Servername prüfen.",
    "en": "The mail server's certificate is invalid or not trusted — check the server name.",
}
_TLS_FAILED: Texts = {
    "de": "Verschlüsselte Verbindung zum Mailserver fehlgeschlagen — passen Port und Verschlüsselung zusammen? "
    "(465: SSL, 587: STARTTLS)",
    "en": "Encrypted connection to the mail server failed — do port and security match? (465: SSL, 587: STARTTLS)",
}
_UNSUPPORTED: Texts = {
    "de": "Der Mailserver kann diese E-Mail nicht annehmen (z. B. Umlaute in einer Adresse).",
    "en": "The mail server cannot accept this e-mail (e.g. non-ASCII characters in an address).",
}
_NO_GREETING: Texts = {
    "de": "Der Mailserver meldet sich nicht — bei Port 465 ist meist „SSL“ die richtige Verschlüsselung.",
    "en": "The mail server does not answer — port 465 usually needs “SSL” as security.",
}


def _refused(code: int, de: str, en: str) -> SendError:
    transient = 400 <= code < 500
    later = (" Wird später erneut versucht.", " Will try again later.") if transient else ("", "")
    return SendError({"de": f"{de} ({code}).{later[0]}", "en": f"{en} ({code}).{later[1]}"}, transient=transient)


def _response_error(exc: Any) -> SendError:
    import aiosmtplib

    code = int(exc.code)
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        if code >= 500:
            return SendError(_AUTH_FAILED, transient=False)
        return _refused(
            code, "Der Mailserver lehnt die Anmeldung gerade ab", "The mail server refuses logins right now"
        )
    if isinstance(exc, aiosmtplib.SMTPRecipientRefused):
        who = exc.recipient
        return _refused(code, f"Der Mailserver hat den Empfänger {who} abgelehnt", f"The mail server refused {who}")
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        who = exc.sender
        de = f"Der Mailserver hat den Absender {who} abgelehnt — viele erlauben nur die eigene Adresse"
        return _refused(code, de, f"The mail server refused the sender {who} — many allow only your own address")
    if isinstance(exc, aiosmtplib.SMTPDataError):
        return _refused(code, "Der Mailserver hat die E-Mail abgelehnt", "The mail server rejected the e-mail")
    return _refused(code, "Der Mailserver hat mit einem Fehler geantwortet", "The mail server answered with an error")


def plain_error(exc: BaseException) -> SendError:
    """What went wrong, in plain words (German and English), without any secret."""
    import aiosmtplib

    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        return _response_error(exc.recipients[0])
    if isinstance(exc, aiosmtplib.SMTPResponseException) and not isinstance(exc, aiosmtplib.SMTPConnectResponseError):
        return _response_error(exc)
    causes = list(exception_chain(exc))
    if any(isinstance(cause, ssl.SSLCertVerificationError) for cause in causes):
        return SendError(_BAD_CERT, transient=False)
    if any(isinstance(cause, ssl.SSLError) for cause in causes):
        return SendError(_TLS_FAILED, transient=False)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):  # e.g. SMTPUTF8 for an address with umlauts
        return SendError(_UNSUPPORTED, transient=False)
    message = str(getattr(exc, "message", "")).lower()
    if "starttls extension not supported" in message:
        return SendError(_NO_STARTTLS, transient=False)
    if "auth extension" in message or "no suitable authentication method" in message:
        return SendError(_NO_AUTH, transient=False)
    if "server ready message" in message:  # connected, but no greeting: often a plain client on an SSL port
        return SendError(_NO_GREETING, transient=True)
    return SendError(_UNREACHABLE, transient=True)


# -- the channel type -------------------------------------------------------------------------------------


async def deliver(config: EmailConfig, mail: EmailMessage, step_timeout: float = STEP_TIMEOUT_SECONDS) -> None:
    """Hand `mail` to the configured server; SendError in plain words if that does not work."""
    import aiosmtplib

    try:
        async with asyncio.timeout(step_timeout * 4):
            await aiosmtplib.send(
                mail,
                sender=config.sender_address,
                recipients=[_split_address(item)[1] for item in config.recipients],
                hostname=config.smtp_host,
                port=config.smtp_port,
                username=config.smtp_user,
                password=config.smtp_pass,
                use_tls=config.security == "ssl",
                start_tls=config.security == "starttls",
                validate_certs=config.tls_verify,
                timeout=step_timeout,
            )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise plain_error(exc) from None


class EmailChannel:
    """The built-in `email` channel type."""

    name: ClassVar[str] = "email"
    config_model: ClassVar[type[BaseModel]] = EmailConfig
    secret_fields: ClassVar[frozenset[str]] = frozenset({"smtp_pass"})
    default_format: ClassVar[str] = "full"

    def __init__(self, clock: Clock | None = None, step_timeout: float = STEP_TIMEOUT_SECONDS) -> None:
        self._clock: Clock = clock or SystemClock()
        self._step_timeout = step_timeout

    async def send(self, config: dict[str, Any], message: Message) -> None:
        settings = EmailConfig.model_validate(config)
        await deliver(settings, build_mail(settings, message, self._clock.now()), self._step_timeout)

    async def test(self, config: dict[str, Any], language: Language) -> None:
        await self.send(config, check_message(language))


def check_message(language: Language) -> Message:
    """The short mail `test` sends."""
    de = language == "de"
    text = (
        "openOrchestrator ist verbunden ✅\n\nDiese Test-E-Mail zeigt, dass der Versand klappt."
        if de
        else "openOrchestrator is connected ✅\n\nThis test e-mail shows that sending works."
    )
    return Message(
        subject="openOrchestrator: Test-E-Mail" if de else "openOrchestrator: test e-mail",
        text=text,
        html=None,
        payload={"event": "test"},
        delivery_id=f"test-{uuid4().hex}",
        language=language,
        footer="openOrchestrator",
    )


registry.register(EmailChannel())
