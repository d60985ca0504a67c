"""Things for generated requests to find: the world's BIDs, shops, teams and users, plus incidents
and offenders in both towns, so resolvers are fuzzed past their lookups."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.offenders.models import Offender, OffenderLink, OffenderStatus
from tests.support.world import Town, World


async def seed_town(town: Town) -> list[str]:
    reporter = town.users[Role.SHOP_STAFF]
    offender = await Offender.create(
        bid=town.bid, display_name="Fuzz Offender", description="Grey hoodie.", status=OffenderStatus.ACTIVE
    )
    ids = [town.bid_id, town.team_id, encode_id("Offender", offender.id)]
    for index, shop in enumerate(town.shops):
        incident = await Incident.create(
            client_id=str(uuid.uuid4()),
            bid=town.bid,
            shop=shop,
            reporter=reporter,
            kind=IncidentKind.THEFT,
            occurred_at=datetime.now(UTC) - timedelta(days=index + 1),
            reported_at=datetime.now(UTC),
            description="Razor blades taken.",
            value_stolen_pence=1299,
            vehicle_registration="AB12 CDE",
        )
        await OffenderLink.create(incident=incident, offender=offender)
        ids += [town.shop_id(index), encode_id("Incident", incident.id)]
    ids += [encode_id("User", user.id) for user in town.users.values()]
    return ids


async def seed_known_ids(world: World) -> list[str]:
    return [*await seed_town(world.home), *await seed_town(world.away), encode_id("User", world.admin.id)]
