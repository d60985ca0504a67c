"""Reporting an incident (its offender links, the alert rules, its photos) and adding a photo later.

The report, its links and the rules' alerts and emails are one transaction; photos are processed
after it, each on its own, so a refused photo never costs the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from shopwatch.actions.acting import Acting
from shopwatch.actions.live import raise_live_alerts
from shopwatch.actions.photos import PhotoFile, PhotoRefused
from shopwatch.alerts.services import evaluate_rules
from shopwatch.core.errors import InvalidInput, PermissionRefused
from shopwatch.incidents import services
from shopwatch.incidents.attachments import attach_photo
from shopwatch.incidents.models import Incident, Photo
from shopwatch.incidents.photos import PhotoRejected
from shopwatch.live.broker import publish
from shopwatch.live.models import LiveAlert
from shopwatch.offenders.services import link_offenders, offenders_in_bid
from shopwatch.places.models import Shop
from shopwatch.places.services import check_shop_open

NOT_YOUR_REPORT = "Only the reporter or the BID's managers can add photos."


@dataclass(frozen=True)
class ReportedIncident:
    incident: Incident
    duplicate: bool
    photo_errors: list[PhotoRefused]


async def report_incident(
    by: Acting,
    shop: Shop,
    report: services.IncidentReport,
    offender_ids: Sequence[int] = (),
    photos: Sequence[PhotoFile] = (),
) -> ReportedIncident:
    """Store the report (or find it again by its clientId) and its photos. `InvalidInput` for an
    offender outside the BID's gallery, a clientId of a report the viewer cannot see, or a shop
    that has closed. Its live alerts go out once it has committed."""
    # A closed shop takes no new reports; one made before it closed, resent, is still found.
    if shop.closed_at is not None and not await Incident.exists(client_id=report.client_id):
        check_shop_open(shop)
    offenders = await offenders_in_bid(offender_ids, shop.bid_id)
    # Numbered once it is known good, in a moment of its own: reports in one BID need not wait for
    # each other's transactions.
    numbered = await services.number_report(shop.bid_id, report.client_id)
    live_alerts: list[LiveAlert] = []
    async with in_transaction():
        reported = await services.report_incident(by.user, shop.bid_id, shop.id, report, numbered)
        if not reported.duplicate:
            await link_offenders(reported.incident, offenders, by.user)
            # The rules see the report and its links, and their emails go out with it.
            raised = await evaluate_rules(reported.incident, by.settings)
            live_alerts = await raise_live_alerts(reported.incident, offenders, raised)
    await publish(live_alerts)
    incident = reported.incident
    if reported.duplicate and not await services.visible_incidents(by.viewer).filter(id=incident.id).exists():
        raise InvalidInput("clientId", "This clientId belongs to another report.")
    photo_errors = []
    for index, photo in enumerate(photos):
        try:
            await _attach(by, incident, photo)
        except (PhotoRejected, PermissionRefused) as error:
            photo_errors.append(PhotoRefused(index=index, message=f"{photo.name}: {error}"))
    return ReportedIncident(incident=incident, duplicate=reported.duplicate, photo_errors=photo_errors)


async def add_incident_photo(by: Acting, incident: Incident, photo: PhotoFile) -> Photo:
    """One more photo for a report; `PermissionRefused` unless the viewer reported it or manages
    its BID, `PhotoRejected` for a photo that cannot be kept."""
    return await _attach(by, incident, photo)


async def _attach(by: Acting, incident: Incident, photo: PhotoFile) -> Photo:
    # The one check for every way a photo reaches a report, a resent clientId included.
    if not services.may_add_photos(by.viewer, incident):
        raise PermissionRefused(NOT_YOUR_REPORT)
    return await attach_photo(incident, await photo.read(), by.store)
