"""Every gallery mutation for every kind of viewer, at home and in another BID.

The BID's managers and administrators keep the gallery; the incident's reporter may also link an
offender to their own report; anyone who cannot see the thing gets NotFound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from shopwatch.accounts.models import Role
from shopwatch.incidents.models import Incident
from shopwatch.offenders.exclusions import today
from shopwatch.offenders.models import Exclusion, Offender, OffenderLink
from tests.api.offenders.helpers import (
    CREATE,
    EVERY_VIEWER,
    ISSUE_EXCLUSION,
    LINK,
    MERGE,
    UNLINK,
    UPDATE,
    incident_id,
    link,
    make_incident,
    make_offender,
    offender_id,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World


@dataclass
class Scene:
    world: World
    offender: Offender
    duplicate: Offender
    incident: Incident  # reported by the home shop's staff
    linked: Incident  # already linked to `offender`


@pytest.fixture
async def scene(world: World) -> Scene:
    offender = await make_offender(world.home, "Red cap")
    linked = await make_incident(world.home, description="linked already")
    await link(linked, offender)
    return Scene(
        world=world,
        offender=offender,
        duplicate=await make_offender(world.home, "Red cap (again)"),
        incident=await make_incident(world.home),
        linked=linked,
    )


Operation = Callable[[Scene], tuple[str, dict[str, Any]]]

OPERATIONS: dict[str, Operation] = {
    "createOffender": lambda s: (
        CREATE,
        {"input": {"bidId": s.world.home.bid_id, "displayName": "Blue coat", "description": "Tall"}},
    ),
    "updateOffender": lambda s: (
        UPDATE,
        {"input": {"offenderId": offender_id(s.offender), "description": "Usually with a dog"}},
    ),
    "mergeOffenders": lambda s: (
        MERGE,
        {"keepId": offender_id(s.offender), "mergeId": offender_id(s.duplicate)},
    ),
    "linkOffender": lambda s: (
        LINK,
        {"incidentId": incident_id(s.incident), "offenderId": offender_id(s.offender)},
    ),
    "unlinkOffender": lambda s: (
        UNLINK,
        {"incidentId": incident_id(s.linked), "offenderId": offender_id(s.offender)},
    ),
    "issueExclusion": lambda s: (
        ISSUE_EXCLUSION,
        {
            "input": {
                "offenderId": offender_id(s.offender),
                "startsOn": today().isoformat(),
                "reason": "Repeated thefts",
            }
        },
    ),
}

SUCCESS = {
    "createOffender": "CreateOffenderSuccess",
    "updateOffender": "UpdateOffenderSuccess",
    "mergeOffenders": "MergeOffendersSuccess",
    "linkOffender": "LinkOffenderSuccess",
    "unlinkOffender": "UnlinkOffenderSuccess",
    "issueExclusion": "IssueExclusionSuccess",
}


def expected(operation: str, role: Role | None, town: str) -> str:
    if role is None:
        return "PermissionDenied"
    if town == "away" and role != Role.ADMIN:
        return "NotFound"
    if role in (Role.BID_MANAGER, Role.ADMIN):
        return SUCCESS[operation]
    if role == Role.SHOP_STAFF and operation == "linkOffender":
        return SUCCESS[operation]  # the incident's own reporter
    return "PermissionDenied"


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_who_may_keep_the_gallery(
    gql: GraphQLClient, scene: Scene, operation: str, role: Role | None, town: str
) -> None:
    document, variables = OPERATIONS[operation](scene)
    data = await gql.execute(document, variables, token=scene.world.token(role, town))
    assert data[operation]["__typename"] == expected(operation, role, town), data
    changed = expected(operation, role, town) == SUCCESS[operation]
    if operation == "createOffender":
        assert await Offender.filter(display_name="Blue coat").exists() is changed
    elif operation == "updateOffender":
        assert (await Offender.get(id=scene.offender.id)).description == (
            "Usually with a dog" if changed else ""
        )
    elif operation == "mergeOffenders":
        assert await Offender.filter(id=scene.duplicate.id, merged_into_id__isnull=False).exists() is changed
    elif operation == "linkOffender":
        assert await OffenderLink.exists(incident_id=scene.incident.id) is changed
    elif operation == "unlinkOffender":
        assert await OffenderLink.exists(incident_id=scene.linked.id) is not changed
    elif operation == "issueExclusion":
        assert await Exclusion.exists(offender_id=scene.offender.id) is changed


async def test_staff_may_link_only_to_their_own_reports(gql: GraphQLClient, scene: Scene) -> None:
    world = scene.world
    by_manager = await make_incident(world.home, reporter=Role.BID_MANAGER)
    variables = {"incidentId": incident_id(by_manager), "offenderId": offender_id(scene.offender)}
    data = await gql.execute(LINK, variables, token=world.token(Role.SHOP_STAFF))
    assert data["linkOffender"] == {
        "__typename": "PermissionDenied",
        "message": "Only the BID's managers or the incident's reporter can link an offender to it.",
    }


async def test_messages_say_who_may(gql: GraphQLClient, scene: Scene) -> None:
    document, variables = OPERATIONS["createOffender"](scene)
    data = await gql.execute(document, variables, token=scene.world.token(Role.SHOP_STAFF))
    assert data["createOffender"]["message"] == "Only this BID's managers or an administrator can do this."
    data = await gql.execute(document, variables, token=scene.world.token(Role.BID_MANAGER, "away"))
    assert data["createOffender"] == {"__typename": "NotFound", "message": "There is no such BID."}
    data = await gql.execute(document, variables)
    assert data["createOffender"] == {"__typename": "PermissionDenied", "message": "Log in first."}
