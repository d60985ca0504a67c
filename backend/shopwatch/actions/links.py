"""Linking a gallery offender to an incident (then the alert rules), unlinking, and turning a
suggested offender down ("not this person"), each with its audit entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from shopwatch.actions.acting import Acting
from shopwatch.actions.live import raise_live_alerts
from shopwatch.alerts.services import evaluate_rules
from shopwatch.core.audit.trail import record
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident
from shopwatch.live.broker import publish
from shopwatch.live.models import LiveAlert
from shopwatch.offenders import services
from shopwatch.offenders.matching import dismiss_suggestion as remember_dismissal
from shopwatch.offenders.models import Offender


@dataclass(frozen=True)
class LinkChange:
    incident: Incident
    offender: Offender  # reloaded: its last sighting may have moved
    changed: bool  # False: already linked (or not linked, for an unlink); nothing was written


async def link_offender(by: Acting, incident: Incident, offender: Offender) -> LinkChange:
    """Link unless already linked; a new link runs the alert rules. `InvalidInput` for an offender
    of another BID's gallery. Its live alerts go out once it has committed."""
    if offender.bid_id != incident.bid_id:
        raise InvalidInput("offenderId", "Pick an offender from this BID's gallery.")
    live_alerts: list[LiveAlert] = []
    async with in_transaction():
        linked = await services.link_offender(incident, offender, by.user)
        if linked:
            raised = await evaluate_rules(incident, by.settings)
            live_alerts = await raise_live_alerts(incident, [offender], raised)
            await record(
                by.actor,
                "offender.link",
                f"Offender:{offender.id}",
                bid_id=incident.bid_id,
                incident=incident.id,
            )
    await publish(live_alerts)
    return LinkChange(incident=incident, offender=await Offender.get(id=offender.id), changed=linked)


async def unlink_offender(by: Acting, incident: Incident, offender: Offender) -> LinkChange:
    async with in_transaction():
        unlinked = await services.unlink_offender(incident, offender)
        if unlinked:
            await record(
                by.actor,
                "offender.unlink",
                f"Offender:{offender.id}",
                bid_id=incident.bid_id,
                incident=incident.id,
            )
    return LinkChange(incident=incident, offender=await Offender.get(id=offender.id), changed=unlinked)


async def dismiss_suggestion(by: Acting, incident: Incident, offender: Offender) -> LinkChange:
    """`possibleOffenders` never offers this offender for this incident again. `InvalidInput` for an
    offender of another BID's gallery or one linked to the incident."""
    async with in_transaction():
        dismissed = await remember_dismissal(incident, offender, by.user)
        if dismissed:
            await record(
                by.actor,
                "suggestion.dismiss",
                f"Offender:{offender.id}",
                bid_id=incident.bid_id,
                incident=incident.id,
            )
    return LinkChange(incident=incident, offender=offender, changed=dismissed)
