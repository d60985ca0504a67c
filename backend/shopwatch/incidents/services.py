"""Reporting incidents and finding them: validation, idempotency on clientId, scope by membership."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from shopwatch.accounts.models import User
from shopwatch.accounts.viewer import Viewer
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.core.sql import Statement, dialect
from shopwatch.incidents.models import Incident, IncidentKind, IncidentStatus
from shopwatch.incidents.references import (
    bid_code,
    format_reference,
    next_number,
    normalise_reference,
    reference_year,
)
from shopwatch.places.models import Bid

MAX_FUTURE = timedelta(minutes=5)
MAX_PAST = timedelta(days=365)
MAX_DESCRIPTION = 5000
MAX_VALUE_PENCE = 100_000 * 100
MAX_POLICE_REFERENCE = 40
MAX_REGISTRATION = 12
_REGISTRATION = re.compile(r"^[A-Z0-9]+$")


@dataclass(frozen=True)
class IncidentReport:
    """A report that has passed validation."""

    client_id: uuid.UUID
    kind: IncidentKind
    occurred_at: datetime
    description: str
    value_stolen_pence: int | None = None
    police_reference: str | None = None
    injury: bool | None = None
    vehicle_registration: str | None = None


def normalise_registration(registration: str) -> str:
    """Upper case with no spaces or dashes, so 'ab12 cde' and 'AB12CDE' are the same vehicle."""
    return re.sub(r"[\s-]+", "", registration).upper()


def validate_report(
    client_id: str,
    kind: IncidentKind,
    occurred_at: datetime,
    description: str,
    value_stolen_pence: int | None = None,
    police_reference: str | None = None,
    injury: bool | None = None,
    vehicle_registration: str | None = None,
) -> IncidentReport:
    try:
        parsed_client_id = uuid.UUID(client_id)
    except ValueError:
        raise InvalidInput("clientId", "The report's clientId must be a UUID made by the app.") from None
    if occurred_at.tzinfo is None:
        raise InvalidInput("occurredAt", "Give the time with its time zone.")
    moment = now()
    if occurred_at > moment + MAX_FUTURE:
        raise InvalidInput("occurredAt", "The time is in the future. Check the phone's clock.")
    if occurred_at < moment - MAX_PAST:
        raise InvalidInput("occurredAt", "Incidents more than a year old cannot be reported here.")
    description = description.strip()
    if not description:
        raise InvalidInput("description", "Say what happened.")
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput("description", f"Keep the description to {MAX_DESCRIPTION:,} characters.")
    # PostgreSQL cannot store NUL in text; refused here on every database alike.
    if "\x00" in description:
        raise InvalidInput("description", "Remove the NUL character.")
    if value_stolen_pence is not None and not 0 <= value_stolen_pence <= MAX_VALUE_PENCE:
        raise InvalidInput("valueStolenPence", "The value must be between £0 and £100,000.")
    if police_reference is not None:
        police_reference = police_reference.strip() or None
        if police_reference and len(police_reference) > MAX_POLICE_REFERENCE:
            raise InvalidInput("policeReference", f"Use at most {MAX_POLICE_REFERENCE} characters.")
        if police_reference and "\x00" in police_reference:
            raise InvalidInput("policeReference", "Remove the NUL character.")
    if vehicle_registration is not None:
        vehicle_registration = normalise_registration(vehicle_registration) or None
        if vehicle_registration and (
            len(vehicle_registration) > MAX_REGISTRATION or not _REGISTRATION.match(vehicle_registration)
        ):
            raise InvalidInput(
                "vehicleRegistration", "Enter a registration of letters and digits, e.g. AB12 CDE."
            )
    return IncidentReport(
        client_id=parsed_client_id,
        kind=kind,
        occurred_at=occurred_at,
        description=description,
        value_stolen_pence=value_stolen_pence,
        police_reference=police_reference,
        injury=injury,
        vehicle_registration=vehicle_registration,
    )


@dataclass(frozen=True)
class Reported:
    incident: Incident
    duplicate: bool


@dataclass(frozen=True)
class Numbered:
    """A new report's reference, and the moment it arrived (whose UK year the reference has)."""

    reference: str
    reported_at: datetime


async def number_report(bid_id: int, client_id: uuid.UUID) -> Numbered | None:
    """On PostgreSQL, the BID's next reference for a new report, taken in a transaction of its own
    that commits at once. Call it before the report's transaction: the counter's row is then locked
    for a moment, not for all of a report's rules, live alerts and pushes, so reports in one BID do
    not wait for one another. A report that fails after this (two phones sending one clientId at the
    same instant, a connection lost) leaves its number unused.

    None when the clientId is stored already (a report sent again keeps its reference and takes no
    number), and on SQLite, whose one writer makes every report wait for the one before it anyway:
    there `report_incident` numbers it in its own transaction, which saves a commit."""
    if dialect() != "postgres" or await Incident.exists(client_id=client_id):
        return None
    reported_at = now()
    async with in_transaction() as connection:
        # No wait for the disk: the report's own commit, later in the same log, makes this one
        # durable with it; a number lost in a crash before then was given to no stored report.
        await connection.execute_query("SET LOCAL synchronous_commit TO OFF")
        return Numbered(await new_reference(bid_id, reported_at), reported_at)


async def report_incident(
    reporter: User, bid_id: int, shop_id: int, report: IncidentReport, numbered: Numbered | None
) -> Reported:
    """Store the report under the reference `number_report` gave it (numbered here if it gave
    none), or find the one already stored under its clientId.

    The unique clientId decides between racing submissions: the loser's insert fails (inside a
    savepoint, so the caller's transaction survives) and it returns the winner's incident.
    """
    existing = await Incident.get_or_none(client_id=report.client_id)
    if existing is not None:
        return Reported(incident=existing, duplicate=True)
    try:
        async with in_transaction():
            if numbered is None:
                # Inside the savepoint: a report that loses the clientId race gives its number back.
                reported_at = now()
                numbered = Numbered(await new_reference(bid_id, reported_at), reported_at)
            incident = await Incident.create(
                reference=numbered.reference,
                client_id=report.client_id,
                bid_id=bid_id,
                shop_id=shop_id,
                reporter=reporter,
                kind=report.kind,
                occurred_at=report.occurred_at,
                reported_at=numbered.reported_at,
                description=report.description,
                value_stolen_pence=report.value_stolen_pence,
                police_reference=report.police_reference,
                injury=report.injury,
                vehicle_registration=report.vehicle_registration,
            )
    except IntegrityError:
        return Reported(incident=await Incident.get(client_id=report.client_id), duplicate=True)
    return Reported(incident=incident, duplicate=False)


async def new_reference(bid_id: int, reported_at: datetime) -> str:
    slug = await Bid.filter(id=bid_id).values_list("slug", flat=True)
    year = reference_year(reported_at)
    return format_reference(bid_code(str(slug[0])), year, await next_number(bid_id, year))


def visible_incidents(viewer: Viewer) -> QuerySet[Incident]:
    """Incidents the viewer may see, as a query: BID-wide for managers and police, one shop for staff."""
    if viewer.is_admin:
        return Incident.all()
    bid_wide = list(viewer.managed_bid_ids | viewer.police_bid_ids)
    shops = list(viewer.staff_shop_bids)
    if not bid_wide and not shops:
        return Incident.filter(id__in=[])
    return Incident.filter(Q(bid_id__in=bid_wide) | Q(shop_id__in=shops))


def visible_incidents_sql(viewer: Viewer, sql: Statement, incident: str) -> str:
    """`visible_incidents` as a condition of our own SQL on the incident table called `incident`."""
    if viewer.is_admin:
        return "1 = 1"
    bid_wide = sorted(viewer.managed_bid_ids | viewer.police_bid_ids)
    shops = sorted(viewer.staff_shop_bids)
    conditions = [f"{incident}.bid_id IN ({sql.ids(bid_wide)})"] if bid_wide else []
    conditions += [f"{incident}.shop_id IN ({sql.ids(shops)})"] if shops else []
    return "(" + " OR ".join(conditions) + ")" if conditions else "1 = 0"


def may_see_originals(viewer: Viewer, bid_id: int) -> bool:
    """Evidence originals: BID managers, covering police and administrators only."""
    return viewer.is_admin or bid_id in viewer.managed_bid_ids or bid_id in viewer.police_bid_ids


def may_report_at(viewer: Viewer, bid_id: int, shop_id: int) -> bool:
    return viewer.works_at_shop(shop_id) or bid_id in viewer.managed_bid_ids


def may_add_photos(viewer: Viewer, incident: Incident) -> bool:
    return incident.reporter_id == viewer.user.id or incident.bid_id in viewer.managed_bid_ids


@dataclass(frozen=True)
class IncidentFilter:
    bid_id: int | None = None
    shop_id: int | None = None
    kinds: Sequence[IncidentKind] = ()
    statuses: Sequence[IncidentStatus] = ()
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    offender_id: int | None = None
    text: str | None = None


def filter_incidents(query: QuerySet[Incident], wanted: IncidentFilter) -> QuerySet[Incident]:
    if wanted.bid_id is not None:
        query = query.filter(bid_id=wanted.bid_id)
    if wanted.shop_id is not None:
        query = query.filter(shop_id=wanted.shop_id)
    if wanted.kinds:
        query = query.filter(kind__in=list(wanted.kinds))
    if wanted.statuses:
        query = query.filter(status__in=list(wanted.statuses))
    if wanted.occurred_from is not None:
        query = query.filter(occurred_at__gte=wanted.occurred_from)
    if wanted.occurred_to is not None:
        query = query.filter(occurred_at__lt=wanted.occurred_to)
    if wanted.offender_id is not None:
        query = query.filter(offender_links__offender_id=wanted.offender_id)
    if wanted.text:
        text = wanted.text.strip()[:200]
        matches = Q(description__icontains=text) | Q(police_reference__icontains=text)
        reference = normalise_reference(text)
        if reference is not None:
            matches |= Q(reference=reference)
        registration = normalise_registration(text)
        # Only text that could be a registration is compared with one (the column holds 12).
        if len(registration) <= MAX_REGISTRATION and _REGISTRATION.match(registration):
            matches |= Q(vehicle_registration=registration)
        query = query.filter(matches)
    return query


def page_after(
    query: QuerySet[Incident], after: tuple[datetime, int] | None, size: int
) -> QuerySet[Incident]:
    """Newest first, by (occurred_at, id), continuing after a cursor: stable while reports arrive."""
    if after is not None:
        occurred_at, pk = after
        query = query.filter(Q(occurred_at__lt=occurred_at) | Q(occurred_at=occurred_at, id__lt=pk))
    return query.order_by("-occurred_at", "-id").limit(size + 1)
