"""`shopwatch demo`: a town centre and a retail park whose every screen has something to show, made
by replaying months of history through the real actions. These tests only read the town, so it is
loaded once for them all and emptied after the last."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio

from shopwatch.accounts.models import Role, User
from shopwatch.accounts.viewer import load_viewer
from shopwatch.actions.demo import UNSEEN, DemoLoaded, load_demo_town
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.audit.trail import verify_chain
from shopwatch.core.clock import now
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.incidents.models import Incident, IncidentStatus, IncidentStatusChange
from shopwatch.offenders.demo import GALLERY, HOTSPOT_SHOP, REGULAR, UNIDENTIFIED, UNWORKED
from shopwatch.offenders.exclusions import today
from shopwatch.offenders.matching import IncidentKey, suggest_offenders
from shopwatch.offenders.models import Exclusion, Offender, OffenderLink, OffenderPhoto, OffenderStatus
from shopwatch.places.demo import DEMO_SLUG, PARK_SLUG
from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop
from shopwatch.summaries.area import area_figures
from shopwatch.summaries.periods import Period
from tests.conftest import empty_database, settings_for_tests


@pytest_asyncio.fixture(scope="module")
async def loaded(database: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DemoLoaded]:
    loaded = await load_demo_town(settings_for_tests(database, tmp_path_factory.mktemp("demo")))
    assert loaded is not None
    yield loaded
    await empty_database(database)


@pytest.fixture(autouse=True)
def empty_tables() -> None:
    """Nothing to empty between these tests: `loaded` empties the database after the last."""


async def test_the_demo_town_has_a_hotspot_regulars_and_an_exclusion(loaded: DemoLoaded) -> None:
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
    exclusion = await Exclusion.get(offender=excluded, ended_at__isnull=True)
    assert exclusion.starts_on < today() < exclusion.ends_on


async def test_every_gallery_record_has_drawn_photos(loaded: DemoLoaded) -> None:
    for offender in await Offender.all():
        photos = await OffenderPhoto.filter(offender=offender)
        assert photos, offender.display_name
        assert offender.created_at < now() - timedelta(days=100)
    assert await OffenderPhoto.filter(offender__display_name=GALLERY[REGULAR].name).count() == 2


async def test_the_alerts_are_the_rules_at_work_over_the_months(loaded: DemoLoaded) -> None:
    town = await Bid.get(slug=DEMO_SLUG)
    alerts = await Alert.filter(bid=town).prefetch_related("incidents")
    assert {alert.rule for alert in alerts} == set(AlertRule)
    for alert in alerts:
        # Raised by a report as it arrived: it holds that report (and those that joined it later).
        assert alert.created_at in {incident.reported_at for incident in alert.incidents}, alert.summary
    assert min(alert.created_at for alert in alerts) < now() - timedelta(days=60)
    breaches = [alert for alert in alerts if alert.rule == AlertRule.EXCLUSION_BREACH]
    exclusion = await Exclusion.get(offender__bid=town, ended_at__isnull=True)
    assert breaches and any(alert.created_at.date() >= exclusion.starts_on for alert in breaches)
    # The months before were emailed then; the police have seen all but the last two days'.
    assert await OutboxEmail.filter(state=DeliveryState.PENDING).count() == 0
    assert await OutboxEmail.filter(state=DeliveryState.SENT).count() >= len(alerts)
    recent = now() - UNSEEN
    assert all(alert.acknowledged_at is not None for alert in alerts if alert.created_at < recent)
    assert any(alert.acknowledged_at is None for alert in alerts)
    # Each change through the actions wrote its audit entry, at the time it was made.
    issued = await AuditEntry.filter(action="exclusion.issue").order_by("-id").first()
    assert issued is not None
    assert abs((issued.at.date() - exclusion.starts_on).days) <= 1
    assert (await verify_chain()).intact


async def test_two_unnamed_reports_suggest_someone_by_photo_and_by_vehicle(loaded: DemoLoaded) -> None:
    linked = await OffenderLink.all().values_list("incident_id", flat=True)
    unnamed = await Incident.filter(occurred_at__gte=now() - timedelta(days=3)).exclude(id__in=linked)
    suggestions = await suggest_offenders(
        [IncidentKey(i.id, i.bid_id, i.vehicle_registration) for i in unnamed]
    )
    reasons = [s.reason for found in suggestions for s in found]
    assert any(reason.startswith("Photo 1 looks like a gallery photo") for reason in reasons), reasons
    assert any(reason.startswith("Vehicle MH19 VNX appears on") for reason in reasons), reasons


async def test_a_second_bid_and_a_police_team_covering_both(loaded: DemoLoaded) -> None:
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


async def test_reports_in_every_status_each_change_kept_with_its_note(loaded: DemoLoaded) -> None:
    # The last days' reports are still new; every older one has been moved on.
    recent = await Incident.filter(reported_at__gte=now() - UNWORKED).values_list("status", flat=True)
    assert recent and set(recent) == {IncidentStatus.NEW}
    town = await Bid.get(slug=DEMO_SLUG)
    older = Incident.filter(bid=town, reported_at__lt=now() - UNWORKED)
    assert set(await older.values_list("status", flat=True)) == set(IncidentStatus) - {IncidentStatus.NEW}
    for incident in await older:
        history = await IncidentStatusChange.filter(incident=incident).order_by("changed_at", "id")
        assert history and history[-1].status == incident.status
        assert all(change.note and change.changed_by_id for change in history)
        assert all(incident.reported_at < change.changed_at < now() for change in history)
    referred = await Incident.filter(bid=town, status=IncidentStatus.REFERRED_TO_POLICE)
    assert all(incident.police_reference for incident in referred)
    # The police close what was referred to them; every change has its audit entry, in order.
    assert await IncidentStatusChange.filter(changed_by__memberships__role=Role.POLICE).count() > 0
    changes = await IncidentStatusChange.all().count()
    assert await AuditEntry.filter(action="incident.status").count() == changes
    assert (await verify_chain()).intact
    times = await AuditEntry.all().order_by("id").values_list("at", flat=True)
    assert times == sorted(times)  # one timeline for both BIDs


async def test_someone_not_yet_identified_and_an_exclusion_ended_early(loaded: DemoLoaded) -> None:
    sought = await Offender.get(status=OffenderStatus.ID_SOUGHT)
    assert sought.display_name == GALLERY[UNIDENTIFIED].name
    assert await OffenderLink.filter(offender=sought).count() == 2
    ended = await Exclusion.get(ended_at__isnull=False)
    assert ended.end_reason and (await Offender.get(id=ended.offender_id)).status == OffenderStatus.ACTIVE
