"""DataLoaders, made fresh for each request so nothing cached leaks between viewers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import QuerySet

from shopwatch.accounts.models import Membership, User
from shopwatch.accounts.viewer import Viewer
from shopwatch.accounts.visibility import visible_memberships
from shopwatch.alerts.emails import RecipientDelivery, delivery_state
from shopwatch.alerts.models import Alert
from shopwatch.api.settled_batches import SettledBatches
from shopwatch.api.slices import RequestSlices
from shopwatch.evidence.models import (
    BusinessImpactStatement,
    Exhibit,
    PoliceCaseUpdate,
    PropertyLine,
    WitnessStatement,
)
from shopwatch.evidence.reading import (
    exhibits_by_incident,
    impact_statements_by_shop,
    police_cases_by_incident,
    property_by_incident,
    statements_by_incident,
)
from shopwatch.incidents.models import Incident, IncidentStatusChange, Photo
from shopwatch.incidents.services import visible_incidents
from shopwatch.incidents.triage import history_by_incident
from shopwatch.offenders.duplicates import possible_duplicates
from shopwatch.offenders.exclusions import exclusions_by_offender
from shopwatch.offenders.gallery import Sightings, visible_offenders, visible_sightings
from shopwatch.offenders.incident_pages import incident_pages
from shopwatch.offenders.matching import IncidentKey, Suggestion, suggest_offenders
from shopwatch.offenders.models import Exclusion, Offender, OffenderPhoto
from shopwatch.offenders.services import offenders_by_incident
from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop
from shopwatch.places.services import bids_by_team, teams_by_bid, visible_bids

M = TypeVar("M", bound=Model)
K = TypeVar("K")
V = TypeVar("V")


def _loader(load: Callable[[Sequence[K]], Awaitable[Sequence[V]]]) -> Callable[[], DataLoader[K, V]]:
    def make() -> DataLoader[K, V]:
        return DataLoader(load_fn=load)  # type: ignore[arg-type]

    return make


async def _by_ids(query: QuerySet[M], ids: Sequence[int]) -> list[M | None]:
    found = {row.pk: row for row in await query.filter(id__in=list(ids))}
    return [found.get(pk) for pk in ids]


def _by_id(model: type[M]) -> Callable[[], DataLoader[int, M | None]]:
    return _loader(lambda ids: _by_ids(model.all(), ids))


async def _grouped(query: QuerySet[M], key: str, ids: Sequence[int], *ordering: str) -> list[list[M]]:
    """Rows of `query` whose `key` column is each id asked for, in one query."""
    rows = await query.filter(**{f"{key}__in": list(ids)}).order_by(*ordering)
    grouped: dict[Any, list[M]] = {pk: [] for pk in ids}
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return [grouped[pk] for pk in ids]


def _grouped_by(model: type[M], key: str, *ordering: str) -> Callable[[], DataLoader[int, list[M]]]:
    return _loader(lambda ids: _grouped(model.all(), key, ids, *ordering))


async def deliveries_by_alert(alert_ids: Sequence[int]) -> list[list[RecipientDelivery]]:
    states = await delivery_state(alert_ids)
    return [states[pk] for pk in alert_ids]


async def _incidents_by_alert(alert_ids: Sequence[int], visible: QuerySet[Incident]) -> list[list[Incident]]:
    """Each alert's incidents among `visible`, newest first: two queries for any number of alerts."""
    pairs = await Alert.filter(id__in=list(alert_ids)).values_list("id", "incidents__id")
    incident_ids = {int(incident_id) for _, incident_id in pairs if incident_id is not None}
    found = (
        {
            row.id: row
            for row in await visible.filter(id__in=list(incident_ids)).order_by("-occurred_at", "-id")
        }
        if incident_ids
        else {}
    )
    grouped: dict[int, list[Incident]] = {pk: [] for pk in alert_ids}
    for alert_id, incident_id in pairs:
        if incident_id is not None and int(incident_id) in found:
            grouped[int(alert_id)].append(found[int(incident_id)])
    for incidents in grouped.values():
        incidents.sort(key=lambda row: (row.occurred_at, row.id), reverse=True)
    return [grouped[pk] for pk in alert_ids]


# An offender's page of incidents: (offender id, the cursor's place or None, page size).
IncidentPageKey = tuple[int, tuple[datetime, int] | None, int]


async def _incident_pages(viewer: Viewer, keys: Sequence[IncidentPageKey]) -> list[list[Incident]]:
    """One statement per distinct page asked for; every parent of one field asks for the same."""
    by_page: dict[tuple[tuple[datetime, int] | None, int], list[int]] = {}
    for offender_id, after, size in keys:
        by_page.setdefault((after, size), []).append(offender_id)
    answers: dict[IncidentPageKey, list[Incident]] = {}
    for (after, size), offender_ids in by_page.items():
        pages = await incident_pages(viewer, offender_ids, after, size)
        answers.update(((pk, after, size), page) for pk, page in zip(offender_ids, pages, strict=True))
    return [answers[key] for key in keys]


@dataclass
class Loaders:
    bid: DataLoader[int, Bid | None] = field(default_factory=_by_id(Bid))
    shop: DataLoader[int, Shop | None] = field(default_factory=_by_id(Shop))
    team: DataLoader[int, NeighbourhoodTeam | None] = field(default_factory=_by_id(NeighbourhoodTeam))
    user: DataLoader[int, User | None] = field(default_factory=_by_id(User))
    shops_by_bid: DataLoader[int, list[Shop]] = field(
        default_factory=_grouped_by(Shop, "bid_id", "name", "id")
    )
    teams_by_bid: DataLoader[int, list[NeighbourhoodTeam]] = field(default_factory=_loader(teams_by_bid))
    memberships_by_user: DataLoader[int, list[Membership]] = field(
        default_factory=_grouped_by(Membership, "user_id", "id")
    )
    photos_by_incident: DataLoader[int, list[Photo]] = field(
        default_factory=_grouped_by(Photo, "incident_id", "id")
    )
    status_history: DataLoader[int, list[IncidentStatusChange]] = field(
        default_factory=_loader(history_by_incident)
    )
    police_case: DataLoader[int, list[PoliceCaseUpdate]] = field(
        default_factory=_loader(police_cases_by_incident)
    )
    statements_by_incident: DataLoader[int, list[WitnessStatement]] = field(
        default_factory=_loader(statements_by_incident)
    )
    exhibits_by_incident: DataLoader[int, list[Exhibit]] = field(
        default_factory=_loader(exhibits_by_incident)
    )
    exhibits_by_photo: DataLoader[int, list[Exhibit]] = field(
        default_factory=_grouped_by(Exhibit, "photo_id", "id")
    )
    property_by_incident: DataLoader[int, list[PropertyLine]] = field(
        default_factory=_loader(property_by_incident)
    )
    impact_statement: DataLoader[int, BusinessImpactStatement | None] = field(
        default_factory=_loader(impact_statements_by_shop)
    )
    photos_by_offender: DataLoader[int, list[OffenderPhoto]] = field(
        default_factory=_grouped_by(OffenderPhoto, "offender_id", "id")
    )
    exclusions_by_offender: DataLoader[int, list[Exclusion]] = field(
        default_factory=_loader(exclusions_by_offender)
    )
    possible_offenders: DataLoader[IncidentKey, list[Suggestion]] = field(
        default_factory=_loader(suggest_offenders)
    )
    possible_duplicates: DataLoader[int, list[Offender]] = field(default_factory=_loader(possible_duplicates))
    deliveries_by_alert: DataLoader[int, list[RecipientDelivery]] = field(
        default_factory=_loader(deliveries_by_alert)
    )
    # Loaders whose answers depend on who is asking; the viewer is fixed for the request.
    _for_viewer: dict[str, DataLoader[Any, Any]] = field(default_factory=dict, repr=False)
    # The request's work in slices, set by execution (api/execution.py): each loader loads what it
    # was asked for once its work has settled. (Not a method of this object: a loader holding one
    # would make every request's loaders a cycle, left for the garbage collector.)
    work: RequestSlices = field(default_factory=RequestSlices, repr=False)

    def __post_init__(self) -> None:
        for value in vars(self).values():
            if isinstance(value, DataLoader):
                self._load_when_settled(value)

    def _load_when_settled(self, loader: DataLoader[Any, Any]) -> None:
        loader.load_fn = SettledBatches(loader.load_fn, self.work.settled, self.work.in_pieces)

    def _per_viewer(
        self, name: str, load: Callable[[Sequence[K]], Awaitable[Sequence[V]]]
    ) -> DataLoader[K, V]:
        """One loader of this name per request, made on first use."""
        loader = self._for_viewer.get(name)
        if loader is None:
            loader = self._for_viewer[name] = DataLoader(load_fn=load)  # type: ignore[arg-type]
            self._load_when_settled(loader)
        return loader

    def incidents_by_alert(self, viewer: Viewer) -> DataLoader[int, list[Incident]]:
        """Each alert's incidents that the viewer may see."""
        return self._per_viewer(
            "incidents_by_alert", lambda ids: _incidents_by_alert(ids, visible_incidents(viewer))
        )

    def visible_sightings(self, viewer: Viewer) -> DataLoader[int, Sightings]:
        """Per offender, how many linked incidents the viewer may see and the latest: one GROUP BY per
        batch."""
        return self._per_viewer(
            "visible_sightings", lambda ids: visible_sightings(ids, visible_incidents(viewer))
        )

    def bids_by_team(self, viewer: Viewer) -> DataLoader[int, list[Bid]]:
        """Per team, the BIDs it covers that the viewer may see."""
        return self._per_viewer("bids_by_team", lambda ids: bids_by_team(ids, visible_bids(viewer)))

    def visible_memberships(self, viewer: Viewer) -> DataLoader[int, list[Membership]]:
        """Per user, the memberships the viewer may see."""
        return self._per_viewer(
            "visible_memberships", lambda ids: _grouped(visible_memberships(viewer), "user_id", ids, "id")
        )

    def offenders_by_incident(self, viewer: Viewer) -> DataLoader[int, list[Offender]]:
        """Per incident, the linked offenders the viewer may see in the gallery."""
        return self._per_viewer(
            "offenders_by_incident", lambda ids: offenders_by_incident(ids, visible_offenders(viewer))
        )

    def incident_pages(self, viewer: Viewer) -> DataLoader[IncidentPageKey, list[Incident]]:
        """Per offender, a page of the incidents the viewer may see: one statement per batch."""
        return self._per_viewer("incident_pages", lambda keys: _incident_pages(viewer, keys))

    def visible_offender(self, viewer: Viewer) -> DataLoader[int, Offender | None]:
        """Offenders by id, among those the viewer may see in the gallery."""
        return self._per_viewer("visible_offender", lambda ids: _by_ids(visible_offenders(viewer), ids))
