"""`python -m tests.live.seed DATABASE_URL`: the test world and one gallery offender in a database
that the test process is not connected to (its servers' own), printed as JSON."""

from __future__ import annotations

import asyncio
import json
import sys

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.core import db
from shopwatch.offenders.models import Offender
from tests.support.world import make_world


async def seed(database_url: str) -> dict[str, str]:
    await db.open_database(database_url)
    try:
        world = await make_world()
        offender = await Offender.create(bid=world.home.bid, display_name="Red cap")
        return {
            "bid": world.home.bid_id,
            "shop": world.home.shop_id(0),
            "offender": encode_id("Offender", offender.id),
            "staff": world.home.tokens[Role.SHOP_STAFF],
            "manager": world.home.tokens[Role.BID_MANAGER],
        }
    finally:
        await db.close_database()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(seed(sys.argv[1]))))
