"""Web Push: the phones' subscriptions, and the push messages a live alert writes to the outbox in
its own transaction (sent by `live.push_worker`).

A subscription belongs to the session that registered it, so a logout, a revoked session or a
deactivated account stops its pushes. A push carries exactly what the live subscription would show
that member (`services.view_for`): nothing the role may not read, nothing for another BID.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from tortoise.expressions import Q, Subquery

from shopwatch.accounts.models import Membership, Role, User
from shopwatch.accounts.sessions import IDLE_LIFETIME
from shopwatch.accounts.viewer import load_viewers
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.core.ids import encode_id
from shopwatch.core.mail.models import DeliveryState
from shopwatch.live.models import LiveAlert, PushMessage, PushSubscription
from shopwatch.live.services import LiveAlertView, LoadedAlert, load_alerts, view_for
from shopwatch.offenders.photos import offender_photo_url

# A live alert is a warning of the moment: the push service keeps it this long for a phone that is
# off, and the worker stops retrying after it.
TTL = timedelta(minutes=15)
MAX_ENDPOINT = 1000
# Phones a user may hold subscriptions on; registering one more forgets the oldest.
MAX_PER_USER = 10
# Push services take at most 4096 bytes of encrypted payload; aes128gcm adds 103. A message, a shop
# name and an offender's name at their longest, in 4-byte characters, still fit.
MAX_PAYLOAD = 3800
LOCAL_TEST_HOST = "127.0.0.1"


def _b64url(value: str) -> bytes | None:
    if not value or len(value) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def check_subscription(endpoint: str, p256dh: str, auth: str, *, production: bool) -> None:
    """`InvalidInput` naming the first field a push service could not be reached or encrypted for
    with: the endpoint must be https (http://127.0.0.1 too outside production, for tests), p256dh
    a P-256 public key (65 bytes) and auth 16 bytes, both base64url."""
    parts = urlsplit(endpoint)
    local = not production and parts.scheme == "http" and parts.hostname == LOCAL_TEST_HOST
    if (
        len(endpoint) > MAX_ENDPOINT
        or not (parts.scheme == "https" or local)
        or not parts.hostname
        or parts.username is not None
        or any(char.isspace() for char in endpoint)
    ):
        raise InvalidInput("endpoint", "Give the push subscription's https endpoint, as the browser gave it.")
    key = _b64url(p256dh)
    try:
        if key is None or len(key) != 65:
            raise ValueError
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key)
    except ValueError:
        raise InvalidInput(
            "p256dh", "Give the subscription's p256dh key: a P-256 public key, 65 bytes in base64url."
        ) from None
    secret = _b64url(auth)
    if secret is None or len(secret) != 16:
        raise InvalidInput("auth", "Give the subscription's auth secret: 16 bytes in base64url.")


async def register(user: User, session_id: int, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Store (or move to this user and session) the phone's subscription. Call in a transaction."""
    subscription = await PushSubscription.filter(endpoint=endpoint).select_for_update().first()
    if subscription is None:
        subscription = await PushSubscription.create(
            user=user, session_id=session_id, endpoint=endpoint, p256dh=p256dh, auth=auth, created_at=now()
        )
    else:
        await PushSubscription.filter(id=subscription.id).update(
            user_id=user.id, session_id=session_id, p256dh=p256dh, auth=auth
        )
    kept = (
        await PushSubscription.filter(user_id=user.id)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
    )
    if len(kept) > MAX_PER_USER:
        await PushSubscription.filter(id__in=list(kept[MAX_PER_USER:])).delete()
    return subscription


async def remove(user: User, endpoint: str) -> bool:
    """Forget the user's own subscription at `endpoint`; False if they hold none there."""
    return bool(await PushSubscription.filter(user_id=user.id, endpoint=endpoint).delete())


def payload(view: LiveAlertView) -> str:
    """The alert as JSON, with the names the GraphQL LiveAlert has, for the service worker."""
    offender = view.offender
    body: dict[str, Any] = {
        "id": encode_id("LiveAlert", view.id),
        "bidId": encode_id("Bid", view.bid_id),
        "kind": view.kind.value,
        "createdAt": view.created_at.isoformat(),
        "message": view.message,
        "shop": {"id": encode_id("Shop", view.shop.id), "name": view.shop.name} if view.shop else None,
        "offender": {
            "id": encode_id("Offender", offender.id),
            "displayName": offender.display_name,
            "status": offender.status.value,
            "thumbnailUrl": offender_photo_url(offender.photo_id, "thumbnail") if offender.photo_id else None,
        }
        if offender
        else None,
    }
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    excess = len(text.encode()) - MAX_PAYLOAD
    if excess > 0:  # a guard: the message gives way
        body["message"] = view.message[: max(0, len(view.message) - excess)]
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return text


async def _live_subscriptions(bid_id: int) -> list[PushSubscription]:
    """The subscriptions of the BID's members whose session is still open: one statement, however
    many members the BID has."""
    members = Membership.filter(Q(bid_id=bid_id) | Q(role=Role.POLICE, team__bids__id=bid_id))
    return (
        await PushSubscription.filter(
            user_id__in=Subquery(members.values("user_id")),
            user__is_active=True,
            session__revoked_at__isnull=True,
            session__last_used_at__gt=now() - IDLE_LIFETIME,
        )
        .select_related("user")
        .order_by("id")
    )


async def enqueue_pushes(alerts: Sequence[LiveAlert]) -> int:
    """One push message per live subscription of each alert's BID that may be shown it (never to its
    sender). Call in the transaction that stored the alerts; the number written."""
    if not alerts:
        return 0
    subscriptions_of = {bid_id: await _live_subscriptions(bid_id) for bid_id in {a.bid_id for a in alerts}}
    if not any(subscriptions_of.values()):
        return 0  # no phone of these BIDs has push turned on: nothing to load
    loaded_alerts = await load_alerts(LiveAlert.filter(id__in=[alert.id for alert in alerts]).order_by("id"))
    by_bid: dict[int, list[LoadedAlert]] = {}
    for loaded in loaded_alerts:
        by_bid.setdefault(loaded.bid_id, []).append(loaded)
    moment = now()
    rows = []
    for bid_id, bid_alerts in by_bid.items():
        subscriptions = subscriptions_of[bid_id]
        users = {s.user_id: s.user for s in subscriptions if isinstance(s.user, User)}
        viewers = await load_viewers(list(users.values()))
        for loaded in bid_alerts:
            for subscription in subscriptions:
                if subscription.user_id == loaded.alert.created_by_id:
                    continue
                view = view_for(viewers[subscription.user_id], loaded)
                if view is None:
                    continue
                rows.append(
                    PushMessage(
                        subscription_id=subscription.id,
                        live_alert_id=loaded.alert.id,
                        payload=payload(view),
                        state=DeliveryState.PENDING,
                        next_attempt_at=moment,
                        expires_at=moment + TTL,
                        created_at=moment,
                    )
                )
    if rows:
        await PushMessage.bulk_create(rows)
    return len(rows)
