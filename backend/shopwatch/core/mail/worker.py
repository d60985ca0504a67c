"""Sends the outbox: claims due rows, delivers them, records the outcome, retries with backoff.

Rows are claimed for a lease as `core.claims` does it, so two workers never send the same row at
once. A worker that dies mid-send leaves its rows to be reclaimed when the lease runs out; the
message goes again with the same Message-ID. Sealed bodies are opened here, in memory, and emptied
once the email is sent or has failed for good, so the one-time link leaves the database with it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import timedelta

from shopwatch.core import claims
from shopwatch.core.clock import now
from shopwatch.core.mail.backends import (
    MailBackend,
    PermanentDeliveryError,
    TransientDeliveryError,
    build_message,
)
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.core.mail.sealing import OutboxSeal, SealBroken

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
GIVE_UP_AFTER = timedelta(hours=24)
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
BATCH_SIZE = 20


def retry_delay(attempts: int, first_retry: timedelta = FIRST_RETRY) -> timedelta:
    """Exponential backoff from `first_retry` (30 s) to at most an hour, spread a little so retries
    do not bunch."""
    # The exponent is bounded so a row retried many times cannot overflow timedelta.
    delay = first_retry * 2 ** min(max(attempts - 1, 0), 16)
    spread = delay * (1 + 0.1 * random.random())  # noqa: S311 - spreading, not secrecy
    return min(spread, LONGEST_RETRY)


async def claim_due(batch_size: int = BATCH_SIZE) -> list[OutboxEmail]:
    return await claims.claim_due(OutboxEmail, batch_size, LEASE)


def _bodies(email: OutboxEmail, seal: OutboxSeal | None) -> tuple[str, str]:
    """The text and HTML bodies to send, opening sealed ones."""
    if not email.sealed:
        return email.text_body, email.html_body
    if seal is None:
        raise PermanentDeliveryError("the body is sealed and no SECRET_KEY was given to open it")
    try:
        return seal.open(email.text_body), seal.open(email.html_body)
    except SealBroken as error:
        raise PermanentDeliveryError(f"the body cannot be opened: {error}") from error


async def deliver(
    email: OutboxEmail,
    backend: MailBackend,
    sender: str,
    first_retry: timedelta = FIRST_RETRY,
    seal: OutboxSeal | None = None,
) -> DeliveryState:
    try:
        text_body, html_body = _bodies(email, seal)
        await backend.send(build_message(email, sender, text_body, html_body))
    except PermanentDeliveryError as error:
        await _finish(email, DeliveryState.FAILED, last_error=str(error))
        log.warning("email %s to %s refused: %s", email.id, email.to_address, error)
        return DeliveryState.FAILED
    except TransientDeliveryError as error:
        if now() - email.created_at >= GIVE_UP_AFTER:
            await _finish(email, DeliveryState.FAILED, last_error=f"gave up after 24 hours: {error}")
            return DeliveryState.FAILED
        await OutboxEmail.filter(id=email.id).update(
            state=DeliveryState.PENDING,
            next_attempt_at=now() + retry_delay(email.attempts, first_retry),
            claimed_until=None,
            last_error=str(error),
        )
        log.info("email %s to %s will be retried: %s", email.id, email.to_address, error)
        return DeliveryState.PENDING
    await _finish(email, DeliveryState.SENT, sent_at=now(), last_error="")
    return DeliveryState.SENT


async def _finish(email: OutboxEmail, state: DeliveryState, **changes: object) -> None:
    """Record a final state; a sealed email's bodies go with it, as nothing will send them again."""
    if email.sealed:
        changes.update(text_body="", html_body="")
    await OutboxEmail.filter(id=email.id).update(state=state, claimed_until=None, **changes)


async def deliver_due(
    backend: MailBackend,
    sender: str,
    batch_size: int = BATCH_SIZE,
    first_retry: timedelta = FIRST_RETRY,
    seal: OutboxSeal | None = None,
) -> int:
    """Claim one batch of due emails and deliver them; the number claimed. Sealed emails need `seal`."""
    claimed = await claim_due(batch_size)
    await asyncio.gather(*(deliver(email, backend, sender, first_retry, seal) for email in claimed))
    return len(claimed)


async def run(
    backend: MailBackend,
    sender: str,
    stop: asyncio.Event,
    poll_seconds: float = 1.0,
    first_retry: timedelta = FIRST_RETRY,
    seal: OutboxSeal | None = None,
) -> None:
    """Deliver until `stop` is set."""
    await claims.keep_sending(
        lambda: deliver_due(backend, sender, first_retry=first_retry, seal=seal),
        BATCH_SIZE,
        stop,
        poll_seconds,
        "outbox worker",
    )
