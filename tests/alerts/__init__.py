"""Helpers for the alert tests: incidents and links made with the ORM, then evaluated as the API would."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from shopwatch.accounts.models import Role
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.alerts.services import evaluate_rules
from shopwatch.core.clock import now
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.offenders.models import Offender, OffenderLink
from shopwatch.settings import Settings
from tests.support.world import Town

# In every incident's description: no email may contain it.
SECRET_DESCRIPTION = "Victim Vera Xylophone-Quince was pushed"


def days_ago(days: float, *, at: datetime | None = None) -> datetime:
    return (at or now()) - timedelta(days=days)


async def make_offender(town: Town, name: str = "Dave Known") -> Offender:
    return await Offender.create(bid=town.bid, display_name=name, description="Tall, red cap")


async def make_incident(
    town: Town,
    occurred_at: datetime,
    *,
    shop: int = 0,
    kind: IncidentKind = IncidentKind.THEFT,
    vehicle: str | None = None,
    reference: str = "",
) -> Incident:
    return await Incident.create(
        reference=reference,  # empty: numbered as a report is (tests/support/references.py)
        client_id=uuid.uuid4(),
        bid=town.bid,
        shop=town.shops[shop],
        reporter=town.users[Role.SHOP_STAFF],
        kind=kind,
        occurred_at=occurred_at,
        reported_at=now(),
        description=SECRET_DESCRIPTION,
        value_stolen_pence=12345,
        police_reference="PR-99887766",
        vehicle_registration=vehicle,
    )


async def report(
    town: Town,
    settings: Settings,
    occurred_at: datetime,
    *,
    offenders: Sequence[Offender] = (),
    shop: int = 0,
    kind: IncidentKind = IncidentKind.THEFT,
    vehicle: str | None = None,
) -> tuple[Incident, list[Alert]]:
    """An incident, its offender links, then the rules evaluated on it: what reportIncident does."""
    incident = await make_incident(town, occurred_at, shop=shop, kind=kind, vehicle=vehicle)
    for offender in offenders:
        await OffenderLink.create(incident=incident, offender=offender)
    return incident, await evaluate_rules(incident, settings)


async def link(incident: Incident, offender: Offender, settings: Settings) -> list[Alert]:
    """An offender linked to a stored incident, then the rules evaluated again: what linkOffender does."""
    await OffenderLink.create(incident=incident, offender=offender)
    return await evaluate_rules(incident, settings)


def of_rule(alerts: Sequence[Alert], rule: AlertRule) -> list[Alert]:
    return [alert for alert in alerts if alert.rule == rule]


async def incident_ids(alert: Alert) -> set[int]:
    return {incident.id for incident in await alert.incidents.all()}
