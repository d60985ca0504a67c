"""Loading the demo: its places and logins, then four months of history replayed through the real
actions, each at the moment it happened (`clock_at`), all or nothing.

The gallery records are made with their drawn photos (`createOffender`, `addOffenderPhoto`), every
report goes through `reportIncident` (so the alert rules run on it as it arrives and raise what they
would have raised then), and the exclusion is issued on its day (`issueExclusion`), so later reports
breach it. The managers and the police then work the older reports through every status
(`updateIncidentStatus`, with notes, a day or two after each arrived), and one record is marked
ID_SOUGHT for shop staff to help identify. The alerts' emails of those months count as sent at the
time; only what happens after loading reaches `./var/mail/`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from shopwatch.accounts.models import Role, User
from shopwatch.actions.acting import Acting, acting_as
from shopwatch.actions.alerts import acknowledge_alert
from shopwatch.actions.exclusions import issue_exclusion
from shopwatch.actions.gallery import add_offender_photo, create_offender, update_offender
from shopwatch.actions.incidents import report_incident
from shopwatch.actions.photos import PhotoFile
from shopwatch.actions.triage import change_incident_status
from shopwatch.alerts.models import Alert
from shopwatch.core.clock import clock_at, now
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.incidents.models import Incident, IncidentStatus
from shopwatch.incidents.services import IncidentReport
from shopwatch.offenders import demo_photos
from shopwatch.offenders.demo import (
    EXCLUDED_DAYS_AGO,
    GALLERY,
    ID_SOUGHT,
    PARK_GALLERY,
    REGULAR,
    DemoOffender,
    PlannedReport,
    gallery_take,
    park_history,
    town_history,
)
from shopwatch.offenders.exclusions import today, validate_exclusion
from shopwatch.offenders.models import Offender, OffenderPhoto, OffenderStatus
from shopwatch.places.demo import DEMO_SLUG, PARK_SLUG, DemoLogin, load_demo
from shopwatch.places.models import Bid, Shop
from shopwatch.settings import Settings

# The gallery is made a little before the history starts.
GALLERY_DAYS_AGO = 125
# Alerts raised this recently are left for the police to see.
UNSEEN = timedelta(days=2)
# Reports this recent are still NEW; older ones are worked through the statuses.
UNWORKED = timedelta(days=3)
# What happens to an older report, by its id: the statuses it goes through, each with its note, and
# who makes the change (the BID's manager, or the police team for a report referred to it).
CASE_PATHS: list[list[tuple[IncidentStatus, str, Role]]] = [
    [],
    [(IncidentStatus.REVIEWED, "Checked the CCTV; nothing more to add.", Role.BID_MANAGER)],
    [
        (IncidentStatus.REVIEWED, "Spoke to the shop manager.", Role.BID_MANAGER),
        (IncidentStatus.CLOSED, "Stock recovered; no further action.", Role.BID_MANAGER),
    ],
    [
        (IncidentStatus.REVIEWED, "CCTV saved for the police.", Role.BID_MANAGER),
        (IncidentStatus.REFERRED_TO_POLICE, "Referred to the neighbourhood team.", Role.BID_MANAGER),
    ],
    [
        (IncidentStatus.REFERRED_TO_POLICE, "Referred to the police the same day.", Role.BID_MANAGER),
        (IncidentStatus.CLOSED, "Offender identified and spoken to.", Role.POLICE),
    ],
    [(IncidentStatus.CLOSED, "Duplicate of an earlier report.", Role.BID_MANAGER)],
]


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
        reports = await _replay(settings, town, GALLERY, town_history(town_shops, moment), exclude=REGULAR)
        reports += await _replay(settings, park, PARK_GALLERY, park_history(park_shops, moment))
        await _acknowledge(settings, moment)
        for bid in (town, park):
            await _work_cases(settings, bid, moment)
        await _mark_id_sought(settings, town)
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


async def _replay(
    settings: Settings,
    bid: Bid,
    gallery: Sequence[DemoOffender],
    history: Sequence[PlannedReport],
    exclude: int | None = None,
) -> int:
    """The BID's gallery, then its reports in the order they arrived; how many reports."""
    manager = await acting_as(
        await User.get(memberships__role=Role.BID_MANAGER, memberships__bid_id=bid.id), settings
    )
    staff_user = await User.filter(memberships__role=Role.SHOP_STAFF, memberships__bid_id=bid.id).first()
    staff = await acting_as(staff_user, settings) if staff_user else None
    staff_shop = next((m.shop_id for m in staff.viewer.memberships if m.shop_id), None) if staff else None
    moment = now()
    with clock_at(moment - timedelta(days=GALLERY_DAYS_AGO)):
        offenders = [
            await _gallery_record(manager, bid, index, record) for index, record in enumerate(gallery)
        ]
    excluded_at = moment - timedelta(days=EXCLUDED_DAYS_AGO)
    for report in history:
        if exclude is not None and report.reported_at >= excluded_at:
            await _exclude(manager, offenders[exclude], excluded_at)
            exclude = None
        by = staff if staff is not None and report.shop.id == staff_shop else manager
        with clock_at(report.reported_at):
            await report_incident(
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
    return len(history)


async def _acknowledge(settings: Settings, moment: datetime) -> None:
    """The police saw every alert of the months before within a day; the last two days' are new."""
    police = await acting_as(await User.get(memberships__role=Role.POLICE), settings)
    for alert in await Alert.filter(created_at__lt=moment - UNSEEN).order_by("created_at", "id"):
        with clock_at(alert.created_at + timedelta(hours=2 + alert.id * 7 % 20)):
            await acknowledge_alert(police, alert)


async def _work_cases(settings: Settings, bid: Bid, moment: datetime) -> None:
    """Each report older than `UNWORKED` goes along its path (`CASE_PATHS`, by its id), a change a
    day after it arrived and the next a day later."""
    manager = await acting_as(
        await User.get(memberships__role=Role.BID_MANAGER, memberships__bid_id=bid.id), settings
    )
    police = await acting_as(await User.get(memberships__role=Role.POLICE), settings)
    by_role = {Role.BID_MANAGER: manager, Role.POLICE: police}
    for incident in await Incident.filter(bid=bid, reported_at__lt=moment - UNWORKED).order_by("reported_at"):
        for step, (status, note, role) in enumerate(CASE_PATHS[incident.id % len(CASE_PATHS)], start=1):
            with clock_at(incident.reported_at + timedelta(days=step, hours=incident.id % 5)):
                incident = (await change_incident_status(by_role[role], incident, status, note)).incident


async def _mark_id_sought(settings: Settings, bid: Bid) -> None:
    manager = await acting_as(
        await User.get(memberships__role=Role.BID_MANAGER, memberships__bid_id=bid.id), settings
    )
    offender = await Offender.get(bid=bid, display_name=GALLERY[ID_SOUGHT].name)
    await update_offender(manager, offender, status=OffenderStatus.ID_SOUGHT)


async def _gallery_record(by: Acting, bid: Bid, index: int, record: DemoOffender) -> Offender:
    photos = [
        PhotoFile.of_bytes(f"gallery-{index}-{n}.jpg", demo_photos.draw(record.look, gallery_take(index, n)))
        for n in range(record.photos)
    ]
    created = await create_offender(by, bid.id, record.name, record.description, photos[0])
    for photo in photos[1:]:
        await add_offender_photo(by, created.offender, photo)
    return created.offender


def _camera_still(gallery: Sequence[DemoOffender], report: PlannedReport) -> PhotoFile:
    """A camera's still of the gallery record the report's photo shows."""
    assert report.photo is not None
    look = gallery[report.photo.offender].look
    return PhotoFile.of_bytes("camera.jpg", demo_photos.draw(look, report.photo.take, cctv=True))


async def _exclude(by: Acting, offender: Offender, at: datetime) -> None:
    """Twelve months from the day, as a manager issues it."""
    with clock_at(at):
        notice = validate_exclusion(today(), None, "Repeated thefts across the town centre.")
        await issue_exclusion(by, offender, notice)
