"""`shopwatch demo`: a town centre and a retail park whose every screen has something to show, made
by replaying months of history through the real actions."""

from __future__ import annotations

from datetime import timedelta

from shopwatch.accounts.models import Role, User
from shopwatch.accounts.viewer import load_viewer
from shopwatch.actions.demo import UNSEEN, UNWORKED, load_demo_town
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.audit.trail import verify_chain
from shopwatch.core.clock import now
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.incidents.models import Incident, IncidentStatus, IncidentStatusChange
from shopwatch.offenders.demo import GALLERY, HOTSPOT_SHOP, ID_SOUGHT, REGULAR
from shopwatch.offenders.exclusions import today
from shopwatch.offenders.matching import IncidentKey, suggest_offenders
from shopwatch.offenders.models import Exclusion, Offender, OffenderLink, OffenderPhoto, OffenderStatus
from shopwatch.places.demo import DEMO_SLUG, PARK_SLUG
from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop
from shopwatch.settings import Settings
from shopwatch.summaries.area import area_figures
from shopwatch.summaries.periods import Period


async def test_the_demo_town_has_a_hotspot_regulars_and_an_exclusion(
    database: str, settings: Settings
) -> None:
    loaded = await load_demo_town(settings)
    assert loaded is not None
    bid = await Bid.get(slug=DEMO_SLUG)
    last = today()
    figures = await area_figures(bid.id, Period(last - timedelta(days=89), last))
    assert 0 < figures.total <= loaded.reports
    assert figures.previous_total > 0 and figures.value_stolen_pence > 0
    hotspot = await Shop.get(bid=bid, name=HOTSPOT_SHOP)
    assert hotspot.id in [spot.shop_id for spot in figures.hotspots]
    assert figures.repeat_offender_share > 0.2
    assert figures.top_offenders[0].count > figures.top_offenders[-1].count
    [excluded] = await bid.offenders.filter(status=OffenderStatus.EXCLUDED)
    assert excluded.display_name == GALLERY[REGULAR].name
    exclusion = await Exclusion.get(offender=excluded)
    assert exclusion.starts_on < today() < exclusion.ends_on


async def test_every_gallery_record_has_drawn_photos(database: str, settings: Settings) -> None:
    await load_demo_town(settings)
    for offender in await Offender.all():
        photos = await OffenderPhoto.filter(offender=offender)
        assert photos, offender.display_name
        assert offender.created_at < now() - timedelta(days=100)
    assert await OffenderPhoto.filter(offender__display_name=GALLERY[REGULAR].name).count() == 2


async def test_the_alerts_are_the_rules_at_work_over_the_months(database: str, settings: Settings) -> None:
    await load_demo_town(settings)
    town = await Bid.get(slug=DEMO_SLUG)
    alerts = await Alert.filter(bid=town).prefetch_related("incidents")
    assert {alert.rule for alert in alerts} == set(AlertRule)
    for alert in alerts:
        # Raised by a report as it arrived: it holds that report (and those that joined it later).
        assert alert.created_at in {incident.reported_at for incident in alert.incidents}, alert.summary
    assert min(alert.created_at for alert in alerts) < now() - timedelta(days=60)
    breaches = [alert for alert in alerts if alert.rule == AlertRule.EXCLUSION_BREACH]
    exclusion = await Exclusion.get(offender__bid=town)
    assert breaches and all(alert.created_at.date() >= exclusion.starts_on for alert in breaches)
    # The months before were emailed then; the police have seen all but the last two days'.
    assert await OutboxEmail.filter(state=DeliveryState.PENDING).count() == 0
    assert await OutboxEmail.filter(state=DeliveryState.SENT).count() >= len(alerts)
    recent = now() - UNSEEN
    assert all(alert.acknowledged_at is not None for alert in alerts if alert.created_at < recent)
    assert any(alert.acknowledged_at is None for alert in alerts)
    # Each change through the actions wrote its audit entry, at the time it was made.
    issued = await AuditEntry.get(action="exclusion.issue")
    assert abs((issued.at.date() - exclusion.starts_on).days) <= 1
    assert (await verify_chain()).intact


async def test_two_unnamed_reports_suggest_someone_by_photo_and_by_vehicle(
    database: str, settings: Settings
) -> None:
    await load_demo_town(settings)
    linked = await OffenderLink.all().values_list("incident_id", flat=True)
    unnamed = await Incident.filter(occurred_at__gte=now() - timedelta(days=3)).exclude(id__in=linked)
    suggestions = await suggest_offenders(
        [IncidentKey(i.id, i.bid_id, i.vehicle_registration) for i in unnamed]
    )
    reasons = [s.reason for found in suggestions for s in found]
    assert any(reason.startswith("Photo 1 looks like a gallery photo") for reason in reasons), reasons
    assert any(reason.startswith("Vehicle MH19 VNX appears on") for reason in reasons), reasons


async def test_a_second_bid_and_a_police_team_covering_both(database: str, settings: Settings) -> None:
    loaded = await load_demo_town(settings)
    assert loaded is not None
    town, park = await Bid.get(slug=DEMO_SLUG), await Bid.get(slug=PARK_SLUG)
    assert await Shop.filter(bid=park).count() >= 4
    assert await Incident.filter(bid=park).count() > 30
    assert await Alert.filter(bid=park).count() > 0
    team = await NeighbourhoodTeam.get(bids__id=park.id)
    assert {bid.id for bid in await team.bids.all()} == {town.id, park.id}
    pcso = await load_viewer(await User.get(email="pcso@example.org"), session_id=0)
    assert pcso.police_bid_ids == {town.id, park.id}
    park_manager = await User.get(memberships__role=Role.BID_MANAGER, memberships__bid_id=park.id)
    assert park_manager.email in [login.email for login in loaded.logins]


async def test_older_reports_are_worked_through_every_status_with_their_history(
    database: str, settings: Settings
) -> None:
    await load_demo_town(settings)
    recent = await Incident.filter(reported_at__gte=now() - UNWORKED).values_list("status", flat=True)
    assert recent and set(recent) == {IncidentStatus.NEW}
    older = Incident.filter(reported_at__lt=now() - UNWORKED)
    assert set(await older.values_list("status", flat=True)) == set(IncidentStatus)
    for incident in await older.filter(status__not=IncidentStatus.NEW).limit(20):
        history = await IncidentStatusChange.filter(incident_id=incident.id).order_by("id")
        assert history[-1].status == incident.status
        assert all(change.note and change.changed_by_id for change in history)
        assert all(incident.reported_at < change.changed_at < now() for change in history)
    police_closed = await IncidentStatusChange.filter(changed_by__memberships__role=Role.POLICE).count()
    assert police_closed > 0
    changes = await IncidentStatusChange.all().count()
    assert await AuditEntry.filter(action="incident.status").count() == changes
    assert (await verify_chain()).intact


async def test_one_gallery_record_is_sought_for_shop_staff_to_identify(
    database: str, settings: Settings
) -> None:
    await load_demo_town(settings)
    sought = await Offender.get(status=OffenderStatus.ID_SOUGHT)
    assert sought.display_name == GALLERY[ID_SOUGHT].name
