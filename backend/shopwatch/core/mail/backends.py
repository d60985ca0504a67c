"""Where emails go: an SMTP server (aiosmtplib) or, with no SMTP_URL, `.eml` files on disk."""

from __future__ import annotations

import asyncio
import os
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from shopwatch.core.mail.models import OutboxEmail

SMTP_TIMEOUT_SECONDS = 30


class TransientDeliveryError(Exception):
    """Worth trying again later: the server was unreachable, slow, or answered 4xx."""


class PermanentDeliveryError(Exception):
    """The server refused the message for good (5xx): retrying would not help."""


class MailBackend(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


def build_message(email: OutboxEmail, sender: str, text_body: str, html_body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = formatdate(email.created_at.timestamp(), localtime=False)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text_body)
    message.add_alternative(html_body, subtype="html")
    return message


class FileBackend:
    """Writes each email as `<message id>.eml` under a folder, so a laptop run shows them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._write, message)

    def _write(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").replace("/", "_")
        target = self.folder / f"{name}.eml"
        temporary = target.with_suffix(".tmp")
        temporary.write_bytes(message.as_bytes())
        os.replace(temporary, target)


class SmtpBackend:
    """`smtp://` requires STARTTLS; `smtps://` is TLS from the first byte."""

    def __init__(self, url: str, tls_context: ssl.SSLContext | None = None) -> None:
        parts = urlsplit(url)
        self.implicit_tls = parts.scheme == "smtps"
        self.hostname = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.tls_context = tls_context or ssl.create_default_context()

    async def send(self, message: EmailMessage) -> None:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.hostname,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.implicit_tls,
                start_tls=not self.implicit_tls,
                tls_context=self.tls_context,
                timeout=SMTP_TIMEOUT_SECONDS,
            )
        except aiosmtplib.SMTPAuthenticationError as error:
            # Our credentials, not the message, are wrong: keep the mail until an operator fixes SMTP_URL.
            raise TransientDeliveryError(f"SMTP login refused: {error.code} {error.message}") from error
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refusal.code for refusal in error.recipients]
            raise _by_code(min(codes), str(error)) from error
        except aiosmtplib.SMTPResponseException as error:
            raise _by_code(error.code, f"{error.code} {error.message}") from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise TransientDeliveryError(f"{type(error).__name__}: {error}") from error


def _by_code(code: int, text: str) -> Exception:
    return PermanentDeliveryError(text) if code >= 500 else TransientDeliveryError(text)


def backend_for(smtp_url: str | None, mail_dir: Path) -> MailBackend:
    return SmtpBackend(smtp_url) if smtp_url else FileBackend(mail_dir)
