"""Loading the demo: its places and logins, then four months of history replayed through the real
actions, each at the moment it happened (`clock_at`), all or nothing.

The gallery records are made with their drawn photos (`createOffender`, `addOffenderPhoto`), every
report goes through `reportIncident` (so the alert rules run on it as it arrives and raise what they
would have raised then), the exclusions are issued (`issueExclusion`) and one ended early
(`endExclusion`) on their days, and each report is worked as the plan says (`updateIncidentStatus`
with its note, `updateIncident` for the police's crime reference), each step at its moment. The
alerts' emails of those months count as sent at the time; only what happens after loading reaches
`./var/mail/`.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from shopwatch.accounts.models import Role, User
from shopwatch.actions.acting import Acting, acting_as
from shopwatch.actions.alerts import acknowledge_alert
from shopwatch.actions.exclusions import end_exclusion, issue_exclusion
from shopwatch.actions.gallery import add_offender_photo, create_offender, update_offender
from shopwatch.actions.incidents import report_incident
from shopwatch.actions.photos import PhotoFile
from shopwatch.actions.triage import change_incident_status, update_incident
from shopwatch.alerts.models import Alert
from shopwatch.core.clock import clock_at, now
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.incidents.models import Incident
from shopwatch.incidents.services import IncidentReport
from shopwatch.offenders import demo_photos
from shopwatch.offenders.demo import (
    EXCLUSIONS,
    GALLERY,
    PARK_GALLERY,
    DemoExclusion,
    DemoOffender,
    PlannedReport,
    StatusStep,
    gallery_take,
    park_history,
    town_history,
)
from shopwatch.offenders.exclusions import today, validate_exclusion
from shopwatch.offenders.models import Offender, OffenderPhoto
from shopwatch.places.demo import DEMO_SLUG, PARK_SLUG, DemoLogin, load_demo
from shopwatch.places.models import Bid, Shop
from shopwatch.settings import Settings

# The gallery is made a little before the history starts.
GALLERY_DAYS_AGO = 125
# Alerts raised this recently are left for the police to see.
UNSEEN = timedelta(days=2)


@dataclass(frozen=True)
class DemoLoaded:
    logins: list[DemoLogin]
    reports: int


async def load_demo_town(settings: Settings) -> DemoLoaded | None:
    """None if the database already holds data (nothing is loaded then)."""
    async with in_transaction():
        logins = await load_demo()
        if logins is None:
            return None
        moment = now()
        town = await Bid.get(slug=DEMO_SLUG)
        park = await Bid.get(slug=PARK_SLUG)
        town_shops = list(await Shop.filter(bid=town).order_by("id"))
        park_shops = list(await Shop.filter(bid=park).order_by("id"))
        # Both BIDs on one timeline, so that everything (the audit trail too) is in the order it happened.
        timeline = _Timeline(moment)
        town_plan = town_history(town_shops, moment)
        park_plan = park_history(park_shops, moment)
        await _schedule(settings, timeline, town, GALLERY, town_plan, EXCLUSIONS)
        await _schedule(settings, timeline, park, PARK_GALLERY, park_plan)
        await timeline.run()
        reports = len(town_plan) + len(park_plan)
        await _acknowledge(settings, moment)
        # Stored as they were made: when each report arrived, the gallery before them.
        bids = [town.id, park.id]
        await Incident.filter(bid_id__in=bids).update(created_at=F("reported_at"))
        gallery_ids = await Offender.filter(bid_id__in=bids).values_list("id", flat=True)
        made = moment - timedelta(days=GALLERY_DAYS_AGO)
        await Offender.filter(id__in=gallery_ids).update(created_at=made)
        await OffenderPhoto.filter(offender_id__in=gallery_ids).update(created_at=made)
        # The months before today were emailed at the time.
        await OutboxEmail.filter(state=DeliveryState.PENDING, next_attempt_at__lt=moment).update(
            state=DeliveryState.SENT, sent_at=F("next_attempt_at"), attempts=1
        )
    return DemoLoaded(logins=logins, reports=reports)


class _Timeline:
    """What happens in a BID, in the order it happened, each step run at its moment."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment
        self.steps: list[tuple[datetime, int, Callable[[], Awaitable[object]]]] = []
        self.order = itertools.count()  # steps at the same moment run in the order they were added

    def at(self, when: datetime, step: Callable[[], Awaitable[object]]) -> None:
        """Run `step` at `when`, unless that is still to come."""
        if when < self.moment:
            heapq.heappush(self.steps, (when, next(self.order), step))

    async def run(self) -> None:
        while self.steps:
            when, _, step = heapq.heappop(self.steps)
            with clock_at(when):
                await step()


async def _schedule(
    settings: Settings,
    timeline: _Timeline,
    bid: Bid,
    gallery: Sequence[DemoOffender],
    history: Sequence[PlannedReport],
    exclusions: Sequence[DemoExclusion] = (),
) -> None:
    """Puts on the timeline the BID's gallery, then its reports as they arrived, its exclusions on
    their days and the manager's work on each report afterwards."""
    manager = await acting_as(
        await User.get(memberships__role=Role.BID_MANAGER, memberships__bid_id=bid.id), settings
    )
    police = await acting_as(await User.get(memberships__role=Role.POLICE), settings)
    staff_user = await User.filter(memberships__role=Role.SHOP_STAFF, memberships__bid_id=bid.id).first()
    staff = await acting_as(staff_user, settings) if staff_user else None
    staff_shop = next((m.shop_id for m in staff.viewer.memberships if m.shop_id), None) if staff else None
    moment = timeline.moment
    offenders: list[Offender] = []  # filled when the gallery is made, before any report names one

    async def make_gallery() -> None:
        offenders.extend(
            [await _gallery_record(manager, bid, index, record) for index, record in enumerate(gallery)]
        )

    timeline.at(moment - timedelta(days=GALLERY_DAYS_AGO), make_gallery)
    for notice in exclusions:
        timeline.at(
            moment - timedelta(days=notice.issued_days_ago),
            partial(_exclude, manager, timeline, offenders, notice),
        )

    async def arrive(report: PlannedReport) -> None:
        by = staff if staff is not None and report.shop.id == staff_shop else manager
        reported = await report_incident(
            by,
            report.shop,
            IncidentReport(
                client_id=report.client_id,
                kind=report.kind,
                occurred_at=report.occurred_at,
                description=report.description,
                value_stolen_pence=report.value_stolen_pence,
                vehicle_registration=report.vehicle_registration,
            ),
            [offenders[report.offender].id] if report.offender is not None else [],
            [_camera_still(gallery, report)] if report.photo else [],
        )
        for step in report.work:
            timeline.at(
                report.reported_at + step.after, partial(_work, manager, police, reported.incident.id, step)
            )

    for report in history:
        timeline.at(report.reported_at, partial(arrive, report))


async def _work(manager: Acting, police: Acting, incident_id: int, step: StatusStep) -> None:
    by = police if step.by_police else manager
    incident = await Incident.get(id=incident_id)
    if step.police_reference:
        incident = await update_incident(by, incident, police_reference=step.police_reference)
    await change_incident_status(by, incident, step.status, step.note)


async def _acknowledge(settings: Settings, moment: datetime) -> None:
    """The police saw every alert of the months before within a day; the last two days' are new."""
    police = await acting_as(await User.get(memberships__role=Role.POLICE), settings)
    for alert in await Alert.filter(created_at__lt=moment - UNSEEN).order_by("created_at", "id"):
        with clock_at(alert.created_at + timedelta(hours=2 + alert.id * 7 % 20)):
            await acknowledge_alert(police, alert)


async def _gallery_record(by: Acting, bid: Bid, index: int, record: DemoOffender) -> Offender:
    photos = [
        PhotoFile.of_bytes(f"gallery-{index}-{n}.jpg", demo_photos.draw(record.look, gallery_take(index, n)))
        for n in range(record.photos)
    ]
    created = await create_offender(by, bid.id, record.name, record.description, photos[0])
    for photo in photos[1:]:
        await add_offender_photo(by, created.offender, photo)
    if record.status is not None:
        return await update_offender(by, created.offender, status=record.status)
    return created.offender


def _camera_still(gallery: Sequence[DemoOffender], report: PlannedReport) -> PhotoFile:
    """A camera's still of the gallery record the report's photo shows."""
    assert report.photo is not None
    look = gallery[report.photo.offender].look
    return PhotoFile.of_bytes("camera.jpg", demo_photos.draw(look, report.photo.take, cctv=True))


async def _exclude(
    by: Acting, timeline: _Timeline, offenders: Sequence[Offender], notice: DemoExclusion
) -> None:
    """Twelve months from the day, as a manager issues it; ended early on its day if it was."""
    issued = await issue_exclusion(
        by, offenders[notice.offender], validate_exclusion(today(), None, notice.reason)
    )
    if notice.ended_days_ago is not None:
        ended_at = timeline.moment - timedelta(days=notice.ended_days_ago)
        timeline.at(ended_at, partial(end_exclusion, by, issued.exclusion, notice.end_reason))
