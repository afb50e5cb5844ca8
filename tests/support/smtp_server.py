"""A real SMTP server for the e-mail channel's tests: aiosmtpd on 127.0.0.1 in its own thread, AUTH required.

`security` picks the server's side of the handshake: "none" (plain, AUTH allowed without TLS), "starttls"
(STARTTLS required before AUTH) or "ssl" (implicit TLS from the first byte). The TLS variants use a self-signed
certificate made at start (`cryptography`), so the client must be told not to verify it (`tls_verify: False`).

    with SmtpServer(user="bot", password="pw") as smtp:
        await channel.send(smtp.channel_config(), message)
        smtp.messages[0].mail["Subject"]
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import socket
import ssl
import tempfile
import threading
import warnings
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

Security = Literal["none", "starttls", "ssl"]


@dataclass(frozen=True)
class ReceivedMail:
    """One accepted mail: the envelope and the parsed message (policy.default: headers decoded)."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    mail: EmailMessage
    login: str | None


def free_port() -> int:
    """A port nobody listens on right now (for the server, or for "server down")."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 / localhost and its key (EC P-256: fast to make), written to `directory`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    alt_names = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(alt_names, critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class _Handler:
    server: SmtpServer
    rejected: set[str] = field(default_factory=set)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if address.lower() in self.rejected:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        mail = message_from_bytes(raw, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        self.server._record(ReceivedMail(str(envelope.mail_from), list(envelope.rcpt_tos), raw, mail, login))
        return "250 Message accepted"


class SmtpServer:
    """aiosmtpd with AUTH (LOGIN, PLAIN) for one user; records what it accepts in `messages`."""

    def __init__(
        self,
        *,
        user: str = "bot@example.com",
        password: str = "s3cret-SMTP-pass",
        security: Security = "none",
        reject_recipients: tuple[str, ...] = (),
    ) -> None:
        self.user = user
        self.password = password
        self.security: Security = security
        self.host = "127.0.0.1"
        self.port = 0
        self.messages: list[ReceivedMail] = []
        self.failed_logins = 0
        self._lock = threading.Lock()
        self._handler = _Handler(self, {address.lower() for address in reject_recipients})
        self._controller: Controller | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def _record(self, mail: ReceivedMail) -> None:
        with self._lock:
            self.messages.append(mail)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == self.user.encode()
            and auth_data.password == self.password.encode()
        )
        if not ok:
            with self._lock:
                self.failed_logins += 1
            # handled=False lets aiosmtpd answer 535 at once; handled=True would leave the client waiting.
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=auth_data)

    def _tls_context(self) -> ssl.SSLContext:
        self._tmp = tempfile.TemporaryDirectory(prefix="oo-smtp-")
        cert, key = self_signed_cert(Path(self._tmp.name))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        return context

    def start(self) -> Self:
        kwargs: dict[str, Any] = {"auth_required": True, "auth_require_tls": self.security == "starttls"}
        if self.security == "starttls":
            kwargs.update(tls_context=self._tls_context(), require_starttls=True)
        elif self.security == "ssl":
            kwargs.update(ssl_context=self._tls_context())
        self.port = free_port()
        self._controller = Controller(
            self._handler, hostname=self.host, port=self.port, authenticator=self._authenticate, **kwargs
        )
        # aiosmtpd warns on each connection to the plain variant (AUTH without TLS): that is its point. Set here,
        # not at import, so that it holds inside pytest's per-test warning capture.
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS", category=UserWarning)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            with contextlib.suppress(Exception):
                self._controller.stop()
            self._controller = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def channel_config(self, **overrides: Any) -> dict[str, Any]:
        """An e-mail channel config pointing at this server (TLS not verified: the certificate is self-signed)."""
        config: dict[str, Any] = {
            "smtp_host": self.host,
            "smtp_port": self.port,
            "smtp_user": self.user,
            "smtp_pass": self.password,
            "security": self.security,
            "from": "openOrchestrator <bot@example.com>",
            "to": "me@example.org",
            "tls_verify": False,
        }
        config.update(overrides)
        return config
