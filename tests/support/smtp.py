"""A real SMTP server in the test process (aiosmtpd, on its own thread), recording what it receives.

`SmtpServer.starttls()` offers and requires STARTTLS (as `smtp://` expects),
`SmtpServer.implicit_tls()` speaks TLS from the first byte (as `smtps://` expects) and
`SmtpServer.plain()` offers no TLS at all. The certificates come from a throwaway `trustme` CA for
127.0.0.1 and localhost; `server.backend()` is an `SmtpBackend` that trusts that CA and nothing
else. `server.reply_to("RCPT", "450 ...")` makes the server answer a command with a chosen reply.

    with SmtpServer.starttls() as server:
        await deliver_due(server.backend(), sender)
        [received] = server.messages
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from functools import cache
from typing import Any, Literal

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from shopwatch.core.mail.backends import SmtpBackend

HOST = "127.0.0.1"
Tls = Literal["starttls", "implicit", "none"]


@cache
def certificate_authority() -> trustme.CA:
    return trustme.CA()


@cache
def _server_certificate() -> trustme.LeafCert:
    return certificate_authority().issue_cert(HOST, "localhost")


def server_tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    _server_certificate().configure_cert(context)
    return context


def client_tls_context() -> ssl.SSLContext:
    """Verifies the server's certificate against the test CA, as a real client would."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    certificate_authority().configure_trust(context)
    return context


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    encrypted: bool  # the connection was TLS (after STARTTLS, or from the first byte)
    authenticated_as: str | None

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def body(self, subtype: Literal["plain", "html"]) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        assert part is not None and part.get_content_type() == f"text/{subtype}", self.raw
        content = part.get_content()
        assert isinstance(content, str)
        return content


class RecordingHandler:
    """Accepts everything unless told to answer a command with a given reply."""

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.mail_commands: list[str] = []  # MAIL FROM addresses, even of messages never completed
        self.replies: dict[str, str] = {}
        self._lock = threading.Lock()

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        with self._lock:
            self.mail_commands.append(address)
        if reply := self.replies.get("MAIL"):
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if reply := self.replies.get("RCPT"):
            return reply
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if reply := self.replies.get("DATA"):
            return reply
        assert server.transport is not None and isinstance(envelope.original_content, bytes)
        login = None
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            login = session.auth_data.login.decode()
        received = Received(
            mail_from=str(envelope.mail_from),
            rcpt_tos=list(envelope.rcpt_tos),
            raw=envelope.original_content,
            encrypted=server.transport.get_extra_info("ssl_object") is not None,
            authenticated_as=login,
        )
        with self._lock:
            self.messages.append(received)
        return "250 Message accepted for delivery"


class _Controller(Controller):
    """Listens on the given port or one the OS picks (port 0), then tells the rest of aiosmtpd
    which one it got."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpServer:
    def __init__(self, tls: Tls, credentials: tuple[str, str] | None = None, port: int = 0) -> None:
        self.tls = tls
        self.credentials = credentials
        self.handler = RecordingHandler()
        options: dict[str, Any] = {}
        if tls == "starttls":
            options.update(tls_context=server_tls_context(), require_starttls=True)
        if credentials is not None:
            options.update(auth_required=True, auth_require_tls=True, authenticator=self._authenticate)
        self._controller = _Controller(
            self.handler,
            hostname=HOST,
            port=port,
            ssl_context=server_tls_context() if tls == "implicit" else None,
            server_hostname="mail.test",
            **options,
        )

    @classmethod
    def starttls(cls, credentials: tuple[str, str] | None = None, port: int = 0) -> SmtpServer:
        """`port`: a chosen one, for a server that comes back where clients expect it."""
        return cls("starttls", credentials, port)

    @classmethod
    def implicit_tls(cls) -> SmtpServer:
        return cls("implicit")

    @classmethod
    def plain(cls) -> SmtpServer:
        return cls("none")

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._controller.stop()

    @property
    def port(self) -> int:
        return int(self._controller.port)

    @property
    def url(self) -> str:
        """`smtps://` for implicit TLS, else `smtp://` (to the backend, STARTTLS)."""
        scheme = "smtps" if self.tls == "implicit" else "smtp"
        return f"{scheme}://{HOST}:{self.port}"

    def backend(self, url: str | None = None) -> SmtpBackend:
        return SmtpBackend(url or self.url, tls_context=client_tls_context())

    @property
    def messages(self) -> list[Received]:
        return list(self.handler.messages)

    @property
    def mail_commands(self) -> list[str]:
        return list(self.handler.mail_commands)

    def reply_to(self, command: Literal["MAIL", "RCPT", "DATA"], reply: str) -> None:
        """Answer `command` with `reply` (e.g. "450 Try later") instead of accepting it."""
        self.handler.replies[command] = reply

    def accept_everything(self) -> None:
        self.handler.replies.clear()

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert self.credentials is not None
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        given = (data.login.decode(), data.password.decode())
        return AuthResult(success=given == self.credentials, handled=False, auth_data=data)


@contextmanager
def refusing_port() -> Iterator[int]:
    """A port on 127.0.0.1 where nothing listens: bound, so nobody else takes it, but never
    listening, so every connection to it is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        yield sock.getsockname()[1]
