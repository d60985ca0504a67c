"""Live alerts: those a report or a link raises (written in its transaction by the action that
makes it), and a broadcast to the whole BID with its audit entry; each with its Web Push messages
in the same transaction. Registering and removing a phone's push subscription."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.transactions import in_transaction

from shopwatch.actions.acting import Acting
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.alerts.rules import RULE_TITLES
from shopwatch.core.audit.trail import record
from shopwatch.incidents.models import Incident
from shopwatch.live import push, services
from shopwatch.live.broker import publish
from shopwatch.live.models import LiveAlert, PushSubscription
from shopwatch.live.push import enqueue_pushes
from shopwatch.offenders.models import Offender, OffenderStatus


async def raise_live_alerts(
    incident: Incident, linked: Sequence[Offender], raised: Sequence[Alert]
) -> list[LiveAlert]:
    """The live alerts for offenders just linked to `incident` and for the alerts the rules raised
    on it. Call in that transaction; publish the result once it has committed."""
    # Under a notice: the rule fired (if the BID has it on), or one is in force today.
    breached = {
        alert.offender_id
        for alert in raised
        if alert.rule == AlertRule.EXCLUSION_BREACH and alert.offender_id is not None
    }
    statuses = await services.statuses_today(linked)
    breached |= {pk for pk, status in statuses.items() if status == OffenderStatus.EXCLUDED}
    alerts = await services.record_sightings(incident, [offender.id for offender in linked], breached)
    for alert in raised:
        if alert.rule != AlertRule.EXCLUSION_BREACH:
            alerts.append(await services.record_pattern(incident, RULE_TITLES[alert.rule], alert.offender_id))
    await enqueue_pushes(alerts)
    return alerts


async def broadcast(by: Acting, bid_id: int, message: str, offender_id: int | None) -> LiveAlert:
    """A message to every member of the BID, now. Whether the viewer may send it is the caller's to
    check (`may_broadcast`). `InvalidInput` for a blank or long message, or an offender that not
    every member may see. The audit entry leaves the words out: the trail outlives the alert."""
    async with in_transaction():
        offender = await services.broadcast_offender(bid_id, offender_id)
        alert = await services.record_broadcast(by.user, bid_id, message, offender)
        await enqueue_pushes([alert])
        await record(
            by.actor,
            "live.broadcast",
            f"LiveAlert:{alert.id}",
            bid_id=bid_id,
            offender=offender.id if offender else None,
        )
    await publish([alert])
    return alert


async def register_push_subscription(by: Acting, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """This session's phone gets the BID's live alerts by Web Push. `InvalidInput` for an endpoint
    or keys no push could be sent with."""
    push.check_subscription(endpoint, p256dh, auth, production=by.settings.is_production)
    async with in_transaction():
        return await push.register(by.user, by.viewer.session_id, endpoint, p256dh, auth)


async def remove_push_subscription(by: Acting, endpoint: str) -> bool:
    """No more pushes to the viewer's own subscription at `endpoint`; False if they hold none there."""
    return await push.remove(by.user, endpoint)
