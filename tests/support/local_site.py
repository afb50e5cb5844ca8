"""A small web site on 127.0.0.1 (ephemeral port, daemon thread) for the netguard and web_fetch tests.

The pages are the awkward ones a fetcher meets: an article buried in navigation, scripts and footers; redirect
chains and loops; a page far larger than any limit (it counts what it really sent, so a test can see that the
rest was never downloaded); a page that never answers until the test ends; images and binaries; text in
windows-1252 with a wrong or missing charset; a gzip bomb. `add()` and `redirect()` put more pages up.

Next to it the other stand-ins for the network: `FakeDNS` answers for names instead of getaddrinfo (no test
asks a real DNS server), `ConnectLog` records every socket `connect()`, and `tls_contexts()` makes a
certificate for a made-up host name, for the HTTPS tests.

    with LocalSite() as site:
        result = await fetch(site.url("/article"), allowlist=[site.host], max_bytes=..., timeout_seconds=...)
"""

from __future__ import annotations

import datetime as dt
import gzip
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HTML = "text/html; charset=utf-8"
HUGE_BYTES = 64 * 1024 * 1024
BOMB_BYTES = 32 * 1024 * 1024
SLOW_WAIT_SECONDS = 30.0

ARTICLE_HTML = """<!doctype html>
<html><head><title>Fresh offers &amp; news</title>
<style>body { color: red; } .secret-style {}</style>
<script>var trackingSecret = "SCRIPT-NOISE";</script></head>
<body>
<header><a href="/">MySite home</a> HEADER-NOISE</header>
<nav><ul><li><a href="/a">NAV-NOISE one</a></li><li><a href="/b">NAV-NOISE two</a></li></ul></nav>
<main><article>
<h1>Bike sale starts Monday</h1>
<p>The   shop on <b>Main Street</b> sells
   city bikes for 299&nbsp;EUR from Monday.</p>
<h2>Opening hours</h2>
<ul><li>Monday to Friday: 9 to 18</li><li>Saturday: 10 to 14</li></ul>
<p>Details on the <a href="/offers/bikes">offer page</a>.</p>
<form><input name="q"><button>FORM-NOISE</button></form>
<noscript>NOSCRIPT-NOISE</noscript>
<div hidden>HIDDEN-NOISE</div>
<svg><title>SVG-NOISE</title><text>SVG-NOISE</text></svg>
</article></main>
<aside>ASIDE-NOISE related links</aside>
<footer>FOOTER-NOISE &copy; 2026</footer>
<script>document.write("SCRIPT-NOISE")</script>
</body></html>
"""
NOISE: tuple[str, ...] = ("SCRIPT-NOISE", "HEADER-NOISE", "NAV-NOISE", "FORM-NOISE", "NOSCRIPT-NOISE")
NOISE += ("HIDDEN-NOISE", "SVG-NOISE", "ASIDE-NOISE", "FOOTER-NOISE", "secret-style", "trackingSecret")
"""Words from the article page's script, style, nav, header, footer, form, hidden parts: none may come back."""

GERMAN = "Grüße aus Köln: 5 € günstiger"
_LATIN = f"<html><head><title>Umlaute</title></head><body><p>{GERMAN}</p></body></html>"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@dataclass(frozen=True)
class Page:
    body: bytes = b""
    content_type: str | None = HTML
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


def html_page(text: str, status: int = 200) -> Page:
    return Page(text.encode(), status=status)


PAGES: dict[str, Page] = {
    "/article": html_page(ARTICLE_HTML),
    "/plain.txt": Page(b"line one\nline two\n", "text/plain; charset=utf-8"),
    "/data.json": Page(b'{"price": 299, "currency": "EUR"}', "application/json"),
    "/image.png": Page(PNG, "image/png"),
    "/download.bin": Page(b"\x00\x01\x02\x03" * 64, "application/octet-stream"),
    "/paper.pdf": Page(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
    "/latin1-no-charset": Page(_LATIN.encode("cp1252"), "text/html"),
    "/latin9-meta": Page(
        _LATIN.replace("<head>", '<head><meta charset="iso-8859-15">').encode("iso-8859-15"), "text/html"
    ),
    "/latin9-header": Page(_LATIN.encode("iso-8859-15"), "text/html; charset=ISO-8859-15"),
    "/utf8-says-latin1": Page(_LATIN.encode(), "text/html; charset=iso-8859-1"),
    "/unknown-charset": Page(_LATIN.encode(), "text/html; charset=no-such-charset"),
    "/no-type": Page(ARTICLE_HTML.encode(), None),
    "/gzip": Page(gzip.compress(ARTICLE_HTML.encode()), HTML, headers={"Content-Encoding": "gzip"}),
    "/missing": html_page("<html><body><h1>Not found</h1></body></html>", status=404),
    "/gone": html_page("<html><body>gone</body></html>", status=410),
    "/broken": html_page("<html><body>oops</body></html>", status=500),
    "/no-main": html_page("<html><title>Plain</title><body><div><p>Just a paragraph.</p></div></body></html>"),
}


@dataclass(frozen=True)
class SeenRequest:
    path: str
    headers: dict[str, str]
    """Lower-cased names."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        site = self.server.site
        site._seen(SeenRequest(self.path, {name.lower(): value for name, value in self.headers.items()}))
        route = site._route(self.path)
        if isinstance(route, Page):
            self._send(route)
        else:
            route(self)

    def _send(self, page: Page) -> None:
        self.send_response(page.status)
        if page.content_type is not None:
            self.send_header("Content-Type", page.content_type)
        self.send_header("Content-Length", str(len(page.body)))
        for name, value in page.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(page.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    site: LocalSite


Route = Page | Callable[[_Handler], None]


class LocalSite:
    """`tls` serves HTTPS instead (see `tls_contexts`); the server names clients ask for land in `sni_names`."""

    host = "127.0.0.1"

    def __init__(self, *, tls: ssl.SSLContext | None = None) -> None:
        self.pages: dict[str, Page] = dict(PAGES)
        self.requests: list[SeenRequest] = []
        self.sni_names: list[str | None] = []
        self.huge_sent = 0
        self.huge_done = threading.Event()
        self.release = threading.Event()
        """Slow pages answer once this is set (at the latest when the site stops)."""
        self._tls = tls
        self._lock = threading.Lock()
        self._server: _Server | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return int(self._server.server_address[1])

    def url(self, path: str = "/article", host: str | None = None) -> str:
        scheme = "https" if self._tls else "http"
        return f"{scheme}://{host or self.host}:{self.port}{path}"

    def add(self, path: str, page: Page) -> None:
        self.pages[path] = page

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.pages[path] = Page(b"", None, status, {"Location": location})

    def paths(self) -> list[str]:
        with self._lock:
            return [request.path for request in self.requests]

    def _seen(self, request: SeenRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _route(self, path: str) -> Route:
        if path in self.pages:
            return self.pages[path]
        if path.startswith("/chain/") and path[7:].isdigit():
            left = int(path[7:])
            return self.pages["/article"] if left == 0 else Page(b"", None, 302, {"Location": f"/chain/{left - 1}"})
        dynamic: dict[str, Route] = {
            "/loop": Page(b"", None, 301, {"Location": "/loop"}),
            "/huge": self._huge,
            "/slow": self._slow,
            "/gzip-bomb": lambda handler: handler._send(Page(_bomb(), HTML, headers={"Content-Encoding": "gzip"})),
            "/echo": self._echo,
            "/cookie": Page(b"", None, 302, {"Set-Cookie": "session=SECRET; Path=/", "Location": "/echo"}),
        }
        return dynamic.get(path.split("?", 1)[0], self.pages["/missing"])

    def _huge(self, handler: _Handler) -> None:
        """Paragraph after paragraph until HUGE_BYTES, or until the client hangs up."""
        chunk = b"<p>" + b"All work and no play makes a long page. " * 1600 + b"</p>\n"
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", HTML)
            handler.send_header("Content-Length", str(HUGE_BYTES))
            handler.end_headers()
            while self.huge_sent < HUGE_BYTES:
                piece = chunk[: HUGE_BYTES - self.huge_sent]
                handler.wfile.write(piece)
                self.huge_sent += len(piece)
        except OSError:
            pass
        finally:
            self.huge_done.set()

    def _slow(self, handler: _Handler) -> None:
        self.release.wait(SLOW_WAIT_SECONDS)
        handler._send(html_page("<p>finally</p>"))

    def _echo(self, handler: _Handler) -> None:
        headers = {name.lower(): value for name, value in handler.headers.items()}
        handler._send(Page(json.dumps(headers).encode(), "application/json"))

    def start(self) -> Self:
        self._server = _Server((self.host, 0), _Handler)
        self._server.site = self
        if self._tls is not None:
            self._tls.sni_callback = self._note_sni
            self._server.socket = self._tls.wrap_socket(self._server.socket, server_side=True)
        thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), name="local-site", daemon=True)
        thread.start()
        return self

    def _note_sni(self, _sock: ssl.SSLObject | ssl.SSLSocket, name: str | None, _ctx: ssl.SSLContext) -> None:
        self.sni_names.append(name)

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


_BOMB: list[bytes] = []


def _bomb() -> bytes:
    """BOMB_BYTES of HTML in about 32 KiB of gzip; built once, on first use."""
    if not _BOMB:
        _BOMB.append(gzip.compress(b"<p>" + b"A" * (BOMB_BYTES - 7) + b"</p>", compresslevel=9))
    return _BOMB[0]


# -- DNS, connections, certificates -------------------------------------------------------------------------


class FakeDNS:
    """Stands in for getaddrinfo (`netguard.Resolver`): names in `records` answer, any other name does not
    exist. `lookups` lists every name asked for."""

    def __init__(self, records: Mapping[str, Sequence[str]] | None = None) -> None:
        self.records = dict(records or {})
        self.lookups: list[str] = []

    async def __call__(self, host: str, timeout_seconds: float) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        self.lookups.append(host)
        if host not in self.records:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [ipaddress.ip_address(address) for address in self.records[host]]


class ConnectLog:
    """Every address a socket `connect()`s to while active, recorded before the connect happens (on top of
    pytest-socket's guard, which would only fail the attempt, perhaps inside some except clause)."""

    def __init__(self) -> None:
        self.addresses: list[str] = []
        self._original: Callable[..., Any] | None = None

    def __enter__(self) -> Self:
        original = self._original = socket.socket.connect
        log = self.addresses

        def connect(sock: socket.socket, address: Any) -> Any:
            log.append(str(address[0]) if isinstance(address, tuple) else str(address))
            return original(sock, address)

        socket.socket.connect = connect  # type: ignore[method-assign,assignment]
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._original is not None
        socket.socket.connect = self._original  # type: ignore[method-assign]

    @property
    def outside_loopback(self) -> list[str]:
        return [address for address in self.addresses if not _is_loopback(address)]


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # a Unix socket path
        return True


def tls_contexts(hostname: str, folder: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server, client) contexts: the server shows a self-signed certificate for `hostname`; the client
    trusts exactly that certificate and checks host names as usual."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(hostname)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"{hostname}.crt", folder / f"{hostname}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


def lines(text: str) -> Iterator[str]:
    """The non-empty lines of a result, stripped."""
    return (line.strip() for line in text.splitlines() if line.strip())
