"""The README's walk-through on the demo town: the report it describes raises the alerts it promises."""

from __future__ import annotations

import uuid
from datetime import timedelta

from shopwatch.accounts.models import User
from shopwatch.actions.acting import acting_as
from shopwatch.actions.demo import load_demo_town
from shopwatch.actions.incidents import report_incident
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.core.clock import now
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.incidents.services import IncidentReport
from shopwatch.offenders.models import Offender
from shopwatch.places.models import NeighbourhoodTeam, Shop
from shopwatch.settings import Settings


async def test_the_staff_walkthrough_report_raises_three_alerts_emailed_to_the_team(
    database: str, settings: Settings
) -> None:
    assert await load_demo_town(settings) is not None
    staff = await acting_as(await User.get(email="staff@example.org"), settings)
    shop = await Shop.get(name="Riverside Supermarket")
    regular = await Offender.get(display_name="Grey hoodie, red trainers")
    month_ago = now() - timedelta(days=30)
    recent = Incident.filter(offender_links__offender_id=regular.id, occurred_at__gte=month_ago)
    # "A dozen recent incidents at several shops".
    assert await recent.count() >= 12
    assert len(set(await recent.values_list("shop_id", flat=True))) >= 3

    report = IncidentReport(
        client_id=uuid.uuid4(),
        kind=IncidentKind.THEFT,
        occurred_at=now() - timedelta(minutes=2),
        description="Took two bottles of spirits.",
    )
    reported = await report_incident(staff, shop, report, [regular.id])

    alerts = await Alert.filter(incidents__id=reported.incident.id)
    assert {alert.rule for alert in alerts} == {
        AlertRule.REPEAT_OFFENDER,
        AlertRule.MULTI_SHOP_OFFENDER,
        AlertRule.EXCLUSION_BREACH,
    }
    # Their three emails wait for the worker; the history's were sent long ago.
    team = await NeighbourhoodTeam.get(bids__id=shop.bid_id)
    waiting = OutboxEmail.filter(to_address=team.email, state=DeliveryState.PENDING)
    assert len(await waiting.values_list("id", flat=True)) == 3
