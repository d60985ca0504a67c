"""Reading an incident's evidence, for the API, the documents and the evidence pack. No scope
checks here: callers decide who may see the incident before they ask."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from tortoise.expressions import Subquery
from tortoise.functions import Max
from tortoise.queryset import QuerySet

from shopwatch.evidence.models import (
    BusinessImpactStatement,
    Exhibit,
    PoliceCaseState,
    PoliceCaseUpdate,
    PropertyLine,
    WitnessStatement,
)
from shopwatch.incidents.models import Incident
from shopwatch.places.models import Shop

_Row = TypeVar("_Row", PoliceCaseUpdate, WitnessStatement, Exhibit, PropertyLine)


async def police_case_of(incident: Incident) -> list[PoliceCaseUpdate]:
    """The case's steps, oldest first: the referral (REPORTED) first; empty until referred."""
    return await PoliceCaseUpdate.filter(incident_id=incident.id).order_by("id")


async def statements_of(incident: Incident) -> list[WitnessStatement]:
    """Every version of every statement, oldest first."""
    return await WitnessStatement.filter(incident_id=incident.id).order_by("id")


async def exhibits_of(incident: Incident) -> list[Exhibit]:
    """Exhibits with their photos, in the order they were produced."""
    return await Exhibit.filter(incident_id=incident.id).order_by("id").prefetch_related("photo")


async def property_of(incident: Incident) -> list[PropertyLine]:
    return await PropertyLine.filter(incident_id=incident.id).order_by("position")


async def impact_statement_of(shop: Shop) -> BusinessImpactStatement | None:
    """The latest one recorded for the shop."""
    return await BusinessImpactStatement.filter(shop_id=shop.id).order_by("-id").first()


def _grouped(rows: Sequence[_Row], incident_ids: Sequence[int]) -> list[list[_Row]]:
    grouped: dict[int, list[_Row]] = {pk: [] for pk in incident_ids}
    for row in rows:
        grouped[row.incident_id].append(row)
    return [grouped[pk] for pk in incident_ids]


# The same, for many incidents in one query each (the API's loaders).
async def police_cases_by_incident(incident_ids: Sequence[int]) -> list[list[PoliceCaseUpdate]]:
    rows = await PoliceCaseUpdate.filter(incident_id__in=list(incident_ids)).order_by("id")
    return _grouped(rows, incident_ids)


async def statements_by_incident(incident_ids: Sequence[int]) -> list[list[WitnessStatement]]:
    rows = await WitnessStatement.filter(incident_id__in=list(incident_ids)).order_by("id")
    return _grouped(rows, incident_ids)


async def exhibits_by_incident(incident_ids: Sequence[int]) -> list[list[Exhibit]]:
    rows = await Exhibit.filter(incident_id__in=list(incident_ids)).order_by("id")
    return _grouped(rows, incident_ids)


async def property_by_incident(incident_ids: Sequence[int]) -> list[list[PropertyLine]]:
    rows = await PropertyLine.filter(incident_id__in=list(incident_ids)).order_by("position")
    return _grouped(rows, incident_ids)


async def impact_statements_by_shop(shop_ids: Sequence[int]) -> list[BusinessImpactStatement | None]:
    """Each shop's latest, in one query."""
    latest: dict[int, BusinessImpactStatement] = {}
    for row in await BusinessImpactStatement.filter(shop_id__in=list(shop_ids)).order_by("id"):
        latest[row.shop_id] = row
    return [latest.get(pk) for pk in shop_ids]


def with_case_states(query: QuerySet[Incident], states: Sequence[PoliceCaseState]) -> QuerySet[Incident]:
    """The incidents of `query` referred to the police whose case is now (its latest step) at one of
    `states`; in the SQL, so it pages like any other filter."""
    latest = PoliceCaseUpdate.annotate(latest=Max("id")).group_by("incident_id").values("latest")
    current = PoliceCaseUpdate.filter(id__in=Subquery(latest), state__in=list(states)).values("incident_id")
    return query.filter(id__in=Subquery(current))
