"""Loading the demo town centre: its places and logins, then months of history, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from shopwatch.offenders.demo import load_demo_history
from shopwatch.places.demo import DEMO_SLUG, DemoLogin, load_demo
from shopwatch.places.models import Bid


@dataclass(frozen=True)
class DemoLoaded:
    logins: list[DemoLogin]
    reports: int


async def load_demo_town() -> DemoLoaded | None:
    """None if the database already holds data (nothing is loaded then)."""
    async with in_transaction():
        logins = await load_demo()
        if logins is None:
            return None
        reports = await load_demo_history(await Bid.get(slug=DEMO_SLUG))
    return DemoLoaded(logins=logins, reports=reports)
