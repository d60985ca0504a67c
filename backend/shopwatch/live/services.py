"""Which live alerts an event raises, what each member of the BID is shown of one, and the recent
ones a phone fetches after it was offline.

Every member of the BID may be sent a live alert, so one carries only what every role there may
read: the kind, the shop's name and a gallery offender, never a report's description, value or
reporter. What differs by role is decided when it is shown (`view_for`): shop staff are not sent
pattern alerts (they do not see alerts), nor an offender outside their part of the gallery (an
ARCHIVED record, or one merged into another).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from shopwatch.accounts.models import User
from shopwatch.accounts.viewer import Viewer
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident
from shopwatch.live.models import LiveAlert, LiveAlertKind
from shopwatch.offenders.exclusions import current_or_latest, effective_status, today
from shopwatch.offenders.gallery import STAFF_STATUSES, sees_whole_gallery
from shopwatch.offenders.models import Exclusion, Offender, OffenderPhoto, OffenderStatus
from shopwatch.places.models import Shop

# A link made to an incident older than this is paperwork, not a sighting: it raises no live alert.
SIGHTING_FRESH_FOR = timedelta(hours=24)
# How far back `liveAlerts` looks, and how many it returns at most (the newest).
CATCH_UP_WINDOW = timedelta(hours=24)
MAX_CATCH_UP = 100
# Housekeeping deletes live alerts older than this: they are a warning of the moment, not a record.
KEEP_FOR = timedelta(days=2)
MAX_BROADCAST = 280
# The offender statuses a broadcast may point at: those every member of the BID can see.
BROADCAST_STATUSES = STAFF_STATUSES

MESSAGES = {
    LiveAlertKind.OFFENDER_SEEN: "Known offender reported at {shop}",
    LiveAlertKind.EXCLUSION_BREACH: "Excluded offender reported at {shop}",
    LiveAlertKind.PATTERN_ALERT: "{rule} at {shop}",
}


@dataclass(frozen=True)
class LiveShop:
    id: int
    name: str


@dataclass(frozen=True)
class LiveOffender:
    id: int
    display_name: str
    status: OffenderStatus
    photo_id: int | None  # the first gallery photo, for its thumbnail


@dataclass(frozen=True)
class LiveAlertView:
    """A live alert as one viewer is shown it."""

    id: int
    bid_id: int
    kind: LiveAlertKind
    created_at: datetime
    message: str
    shop: LiveShop | None
    offender: LiveOffender | None


@dataclass(frozen=True)
class LoadedAlert:
    """A stored live alert with everything any role may be shown, loaded once per process."""

    alert: LiveAlert
    shop: LiveShop | None
    offender: LiveOffender | None
    offender_merged: bool

    @property
    def bid_id(self) -> int:
        return self.alert.bid_id


def receives(viewer: Viewer, bid_id: int) -> bool:
    """Live alerts go to the BID's members: its shop staff, its managers and its covering police."""
    return bid_id in viewer.visible_bid_ids


def view_for(viewer: Viewer, loaded: LoadedAlert) -> LiveAlertView | None:
    """What `viewer` is shown of the alert, or None when it is not for them."""
    if not receives(viewer, loaded.bid_id):
        return None
    return _view(loaded, whole_gallery=sees_whole_gallery(viewer, loaded.bid_id))


def sender_view(loaded: LoadedAlert) -> LiveAlertView:
    """The alert as its sender (a manager, police officer or administrator) is shown it."""
    view = _view(loaded, whole_gallery=True)
    assert view is not None  # only staff are ever shown nothing
    return view


def _view(loaded: LoadedAlert, *, whole_gallery: bool) -> LiveAlertView | None:
    alert = loaded.alert
    offender = None if loaded.offender_merged else loaded.offender
    if not whole_gallery:
        if alert.kind == LiveAlertKind.PATTERN_ALERT:
            return None
        if offender is not None and offender.status not in STAFF_STATUSES:
            offender = None
        if offender is None and alert.kind != LiveAlertKind.BROADCAST:
            return None  # a sighting of someone they may not see tells them nothing they may read
    return LiveAlertView(
        id=alert.id,
        bid_id=alert.bid_id,
        kind=alert.kind,
        created_at=alert.created_at,
        message=alert.message,
        shop=loaded.shop,
        offender=offender,
    )


async def statuses_today(offenders: Sequence[Offender]) -> dict[int, OffenderStatus]:
    """Each offender's status as the gallery shows it today: EXCLUDED exactly while a notice is in
    force (the stored status may not have caught up with a notice that ran out)."""
    if not offenders:
        return {}
    notices: dict[int, list[Exclusion]] = {}
    for notice in await Exclusion.filter(offender_id__in=[offender.id for offender in offenders]):
        notices.setdefault(notice.offender_id, []).append(notice)
    day = today()
    statuses: dict[int, OffenderStatus] = {}
    for offender in offenders:
        latest = current_or_latest(notices.get(offender.id, []), day)
        statuses[offender.id] = effective_status(offender.status, latest, day)
    return statuses


async def load_alerts(alerts: QuerySet[LiveAlert]) -> list[LoadedAlert]:
    """The alerts with their shops and offenders (three queries)."""
    rows = await alerts.select_related("shop", "offender")
    offenders = {row.offender.id: row.offender for row in rows if isinstance(row.offender, Offender)}
    first_photos: dict[int, int] = {}
    if offenders:
        photos = (
            await OffenderPhoto.filter(offender_id__in=list(offenders))
            .order_by("id")
            .values_list("offender_id", "id")
        )
        for offender_id, photo_id in photos:
            first_photos.setdefault(offender_id, photo_id)
    statuses = await statuses_today(list(offenders.values()))
    return [_loaded(row, first_photos, statuses) for row in rows]


def _loaded(row: LiveAlert, first_photos: dict[int, int], statuses: dict[int, OffenderStatus]) -> LoadedAlert:
    shop = row.shop if isinstance(row.shop, Shop) else None
    offender = row.offender if isinstance(row.offender, Offender) else None
    return LoadedAlert(
        alert=row,
        shop=LiveShop(shop.id, shop.name) if shop else None,
        offender=LiveOffender(
            offender.id, offender.display_name, statuses[offender.id], first_photos.get(offender.id)
        )
        if offender
        else None,
        offender_merged=offender is not None and offender.merged_into_id is not None,
    )


async def load_alert(alert_id: int) -> LoadedAlert | None:
    found = await load_alerts(LiveAlert.filter(id=alert_id))
    return found[0] if found else None


async def missed_alerts(viewer: Viewer, bid_id: int, since: datetime | None) -> list[LiveAlertView]:
    """The BID's live alerts after `since` (at most the last day's, the newest `MAX_CATCH_UP`),
    oldest first, as `viewer` is shown them; none for someone who is not a member of the BID."""
    if not receives(viewer, bid_id):
        return []
    earliest = now() - CATCH_UP_WINDOW
    query = LiveAlert.filter(bid_id=bid_id, created_at__gt=max(since, earliest) if since else earliest)
    if not sees_whole_gallery(viewer, bid_id):
        # What view_for would drop, left out by the query so the newest MAX_CATCH_UP are all shown.
        query = query.filter(
            Q(kind=LiveAlertKind.BROADCAST)
            | Q(
                offender__status__in=list(STAFF_STATUSES),
                offender__merged_into_id__isnull=True,
                kind__in=[LiveAlertKind.OFFENDER_SEEN, LiveAlertKind.EXCLUSION_BREACH],
            )
        )
    newest = query.order_by("-created_at", "-id").limit(MAX_CATCH_UP)
    shown = [view for loaded in await load_alerts(newest) if (view := view_for(viewer, loaded))]
    return shown[::-1]


async def record_sightings(
    incident: Incident, offender_ids: Sequence[int], breached: Collection[int]
) -> list[LiveAlert]:
    """One live alert per gallery offender just linked to a recent incident: an exclusion breach
    for those in `breached`, a sighting for the rest. Call inside the link's transaction."""
    if not offender_ids or incident.occurred_at < now() - SIGHTING_FRESH_FOR:
        return []
    shop = await Shop.get(id=incident.shop_id)
    alerts = []
    for offender_id in offender_ids:
        kind = LiveAlertKind.EXCLUSION_BREACH if offender_id in breached else LiveAlertKind.OFFENDER_SEEN
        alerts.append(
            await LiveAlert.create(
                bid_id=incident.bid_id,
                kind=kind,
                created_at=now(),
                message=MESSAGES[kind].format(shop=shop.name),
                shop_id=shop.id,
                offender_id=offender_id,
            )
        )
    return alerts


async def record_pattern(incident: Incident, rule_title: str, offender_id: int | None) -> LiveAlert:
    """A pattern alert that fired on `incident`, named by its rule's title (never its summary)."""
    shop = await Shop.get(id=incident.shop_id)
    return await LiveAlert.create(
        bid_id=incident.bid_id,
        kind=LiveAlertKind.PATTERN_ALERT,
        created_at=now(),
        message=MESSAGES[LiveAlertKind.PATTERN_ALERT].format(rule=rule_title, shop=shop.name),
        shop_id=shop.id,
        offender_id=offender_id,
    )


def clean_broadcast(message: str) -> str:
    """The message as sent; `InvalidInput` on `message` when blank or too long."""
    text = " ".join(message.split())
    if not 1 <= len(text) <= MAX_BROADCAST:
        raise InvalidInput("message", f"Write a message of 1 to {MAX_BROADCAST} characters.")
    return text


async def broadcast_offender(bid_id: int, offender_id: int | None) -> Offender | None:
    """The offender a broadcast points at: one every member of the BID can see. `InvalidInput` on
    `offenderId` for any other."""
    if offender_id is None:
        return None
    offender = await Offender.filter(
        id=offender_id, bid_id=bid_id, merged_into_id__isnull=True, status__in=list(BROADCAST_STATUSES)
    ).first()
    if offender is None:
        raise InvalidInput("offenderId", "Pick an offender of this BID's gallery that its shops can see.")
    return offender


async def record_broadcast(user: User, bid_id: int, message: str, offender: Offender | None) -> LiveAlert:
    return await LiveAlert.create(
        bid_id=bid_id,
        kind=LiveAlertKind.BROADCAST,
        created_at=now(),
        message=clean_broadcast(message),
        offender_id=offender.id if offender else None,
        created_by=user,
    )


async def delete_old_alerts() -> int:
    return await LiveAlert.filter(created_at__lt=now() - KEEP_FOR).delete()
