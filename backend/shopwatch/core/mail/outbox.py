"""Writing emails to the outbox: rendered from templates, stored in the caller's transaction."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from email.utils import make_msgid
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from shopwatch.core.clock import now
from shopwatch.core.mail.models import OutboxEmail
from shopwatch.core.mail.sealing import OutboxSeal

_templates = Environment(
    loader=PackageLoader("shopwatch.core.mail", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def render(template: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """The plain-text and HTML bodies of `template` (`<template>.txt` and `<template>.html`)."""
    text = _templates.get_template(f"{template}.txt").render(context)
    html = _templates.get_template(f"{template}.html").render(context)
    return text, html


def new_message_id(domain: str) -> str:
    return make_msgid(idstring=uuid.uuid4().hex, domain=domain)


async def enqueue_email(
    to_address: str,
    subject: str,
    template: str,
    context: Mapping[str, Any],
    *,
    message_domain: str,
    message_id: str | None = None,
    seal: OutboxSeal | None = None,
) -> OutboxEmail:
    """Store one email for the worker. Call inside the transaction of the change that causes it.
    With `seal` (for an email carrying a one-time link) its bodies are stored sealed."""
    text, html = render(template, {**context, "subject": subject})
    if seal is not None:
        text, html = seal.seal(text), seal.seal(html)
    return await OutboxEmail.create(
        to_address=to_address,
        subject=subject,
        text_body=text,
        html_body=html,
        sealed=seal is not None,
        message_id=message_id or new_message_id(message_domain),
        next_attempt_at=now(),
    )


def one_line(text: str) -> str:
    """Header-safe: no line breaks (they would break the message), runs of space collapsed."""
    return re.sub(r"\s+", " ", text).strip()


def fit_subject(start: str, name: str, limit: int) -> str:
    """`start` + `name` in at most `limit` characters (what a phone's notification shows); a long
    name is cut at a word, when that keeps most of it, and marked with '…'."""
    name = one_line(name)
    room = limit - len(start)
    if len(name) > room:
        cut = name[: room - 1]
        # At the last space when that keeps most of the name, so no word is left half-written.
        if " " in cut and cut.rindex(" ") >= room // 2:
            cut = cut[: cut.rindex(" ")]
        name = cut.rstrip(" ,.-&'(") + "…"
    return start + name
