"""Which incidents a viewer may see, said twice: as an ORM query and as a condition of our own SQL."""

from __future__ import annotations

from shopwatch.accounts.models import User
from shopwatch.accounts.viewer import load_viewer
from shopwatch.core.sql import Statement, dialect, fetch
from shopwatch.incidents.services import visible_incidents, visible_incidents_sql
from tests.api.offenders.helpers import make_incident
from tests.support.world import World


async def test_the_sql_condition_keeps_exactly_what_the_query_keeps(world: World) -> None:
    for town in (world.home, world.away):
        for shop in (0, 1):
            await make_incident(town, shop)
    nobody = await User.create(email="nobody@example.org", name="No roles", password_hash="x")
    users = [*world.home.users.values(), *world.away.users.values(), world.admin, nobody]
    seen_counts = set()
    for user in users:
        viewer = await load_viewer(user, session_id=0)
        by_query = set(await visible_incidents(viewer).values_list("id", flat=True))
        sql = Statement(dialect())
        condition = visible_incidents_sql(viewer, sql, "incident")
        by_sql = {
            row["id"] for row in await fetch(sql, f"SELECT incident.id FROM incident WHERE {condition}")
        }
        assert by_sql == by_query, user.email
        seen_counts.add(len(by_query))
    assert seen_counts == {0, 1, 2, 4}  # nobody, shop staff, a BID's managers and police, admins
