"""Sends the Web Push outbox: claims due push messages (`core.claims`), sends each to its phone's
push service with `pywebpush` (VAPID-signed, `aes128gcm`-encrypted, with the time left of its TTL),
records the outcome, and retries with backoff until the TTL runs out.

What the push service answers decides: 2xx sent; 404 or 410, the subscription is gone and is
removed (its messages with it); 429 and 5xx, or no answer, again later (after Retry-After when it
gives one); anything else refused for good.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
from py_vapid import Vapid
from pywebpush import WebPushException, webpush_async

from shopwatch.core import claims
from shopwatch.core.clock import now
from shopwatch.core.mail.models import DeliveryState
from shopwatch.core.mail.worker import retry_delay
from shopwatch.live.models import PushMessage, PushSubscription

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=1)
FIRST_RETRY = timedelta(seconds=5)
BATCH_SIZE = 50
TIMEOUT_SECONDS = 10.0
GONE = (404, 410)


@dataclass(frozen=True)
class PushSender:
    """The server's VAPID identity and the HTTP session the pushes go out on."""

    vapid: Vapid
    subject: str
    session: aiohttp.ClientSession
    first_retry: timedelta = FIRST_RETRY

    @classmethod
    def of(
        cls,
        private_key: str,
        subject: str,
        session: aiohttp.ClientSession,
        first_retry: timedelta = FIRST_RETRY,
    ) -> PushSender:
        return cls(Vapid.from_raw(private_key.encode()), subject, session, first_retry)


def _retry_after(error: WebPushException) -> timedelta | None:
    value = error.retry_after
    if value is not None and value.strip().isdigit():
        return timedelta(seconds=min(int(value), 3600))
    return None


async def deliver(message: PushMessage, sender: PushSender) -> DeliveryState:
    subscription = await PushSubscription.filter(id=message.subscription_id).first()
    if subscription is None:  # removed meanwhile; its messages went with it
        return DeliveryState.FAILED
    left = int((message.expires_at - now()).total_seconds())
    if left <= 0:
        return await _finish(message, DeliveryState.FAILED, last_error="its TTL ran out before it was sent")
    try:
        await webpush_async(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=message.payload,
            vapid_private_key=sender.vapid,
            # A new dict each time: pywebpush writes the audience and expiry into it.
            vapid_claims={"sub": sender.subject},
            ttl=left,
            headers={"Urgency": "high"},
            timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS),  # type: ignore[arg-type]
            aiohttp_session=sender.session,
        )
    except WebPushException as error:
        status = error.status_code
        if status in GONE:
            await PushSubscription.filter(id=subscription.id).delete()
            log.info("push subscription %s is gone (%s): removed", subscription.id, status)
            return DeliveryState.FAILED
        if status is not None and status != 429 and status < 500:
            return await _finish(message, DeliveryState.FAILED, last_error=f"refused: {status}")
        return await _again(message, sender, f"push service answered {status}", _retry_after(error))
    except (aiohttp.ClientError, TimeoutError, OSError) as error:
        return await _again(message, sender, f"push service unreachable: {error!r}", None)
    return await _finish(message, DeliveryState.SENT, sent_at=now(), last_error="")


async def _again(
    message: PushMessage, sender: PushSender, error: str, wait: timedelta | None
) -> DeliveryState:
    at = now() + (wait or retry_delay(message.attempts, sender.first_retry))
    if at >= message.expires_at:
        return await _finish(message, DeliveryState.FAILED, last_error=f"gave up at its TTL: {error}")
    await PushMessage.filter(id=message.id).update(
        state=DeliveryState.PENDING, next_attempt_at=at, claimed_until=None, last_error=error
    )
    log.info("push message %s will be retried: %s", message.id, error)
    return DeliveryState.PENDING


async def _finish(message: PushMessage, state: DeliveryState, **changes: object) -> DeliveryState:
    await PushMessage.filter(id=message.id).update(state=state, claimed_until=None, **changes)
    return state


async def deliver_due(sender: PushSender, batch_size: int = BATCH_SIZE) -> int:
    """Claim one batch of due push messages and send them; the number claimed."""
    claimed = await claims.claim_due(PushMessage, batch_size, LEASE)
    await asyncio.gather(*(deliver(message, sender) for message in claimed))
    return len(claimed)


async def run(
    private_key: str,
    subject: str,
    stop: asyncio.Event,
    poll_seconds: float = 1.0,
    first_retry: timedelta = FIRST_RETRY,
) -> None:
    """Send until `stop` is set."""
    async with aiohttp.ClientSession() as session:
        sender = PushSender.of(private_key, subject, session, first_retry)
        await claims.keep_sending(lambda: deliver_due(sender), BATCH_SIZE, stop, poll_seconds, "push worker")
