"""DataLoaders, made fresh for each request so nothing cached leaks between viewers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from shopwatch.accounts.models import Membership, User
from shopwatch.incidents.models import Photo
from shopwatch.offenders.models import Offender
from shopwatch.offenders.services import offenders_by_incident
from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop
from shopwatch.places.services import teams_by_bid

M = TypeVar("M", bound=Model)
K = TypeVar("K")
V = TypeVar("V")


def _loader(load: Callable[[Sequence[K]], Awaitable[Sequence[V]]]) -> Callable[[], DataLoader[K, V]]:
    def make() -> DataLoader[K, V]:
        return DataLoader(load_fn=load)  # type: ignore[arg-type]

    return make


def _by_id(model: type[M]) -> Callable[[], DataLoader[int, M | None]]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        found = {row.pk: row for row in await model.filter(id__in=list(ids))}
        return [found.get(pk) for pk in ids]

    return _loader(load)


def _grouped_by(model: type[M], key: str, *ordering: str) -> Callable[[], DataLoader[int, list[M]]]:
    """Rows of `model` whose `key` column is each id asked for, in one query."""

    async def load(ids: Sequence[int]) -> list[list[M]]:
        rows = await model.filter(**{f"{key}__in": list(ids)}).order_by(*ordering)
        grouped: dict[Any, list[M]] = {pk: [] for pk in ids}
        for row in rows:
            grouped[getattr(row, key)].append(row)
        return [grouped[pk] for pk in ids]

    return _loader(load)


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
    offenders_by_incident: DataLoader[int, list[Offender]] = field(
        default_factory=_loader(offenders_by_incident)
    )
