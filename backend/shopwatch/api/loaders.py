"""DataLoaders, made fresh for each request so nothing cached leaks between viewers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop
from shopwatch.places.services import shops_by_bid, teams_by_bid

M = TypeVar("M", bound=Model)


def _by_id(model: type[M]) -> DataLoader[int, M | None]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        found = {row.pk: row for row in await model.filter(id__in=list(ids))}
        return [found.get(pk) for pk in ids]

    return DataLoader(load_fn=load)


@dataclass
class Loaders:
    bid: DataLoader[int, Bid | None] = field(default_factory=lambda: _by_id(Bid))
    shop: DataLoader[int, Shop | None] = field(default_factory=lambda: _by_id(Shop))
    team: DataLoader[int, NeighbourhoodTeam | None] = field(default_factory=lambda: _by_id(NeighbourhoodTeam))
    shops_by_bid: DataLoader[int, list[Shop]] = field(
        default_factory=lambda: DataLoader(load_fn=shops_by_bid)
    )
    teams_by_bid: DataLoader[int, list[NeighbourhoodTeam]] = field(
        default_factory=lambda: DataLoader(load_fn=teams_by_bid)
    )
