"""What the audit trail records: who viewed an offender or opened an original photo, who linked,
unlinked, merged and excluded, who invited whom and which role an invitation granted."""

from __future__ import annotations

import json
import re

import httpx

from shopwatch.accounts.models import Role
from shopwatch.api.ids import decode_id
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.audit.trail import verify_chain
from shopwatch.core.mail.models import OutboxEmail
from tests.api.offenders.helpers import (
    ISSUE_EXCLUSION,
    LINK,
    MERGE,
    UNLINK,
    incident_id,
    make_incident,
    make_offender,
    offender_id,
)
from tests.api.offenders.test_offender_photos import create_with_photo
from tests.support.graphql import GraphQLClient
from tests.support.images import jpeg, scene
from tests.support.outbox import plain_text
from tests.support.world import World

OFFENDER = "query O($id: ID!) { offender(id: $id) { id } }"
INVITE = """
mutation I($input: InviteUserInput!) { inviteUser(input: $input) { __typename } }
"""
ACCEPT = """
mutation A($token: String!) {
  acceptInvite(token: $token, name: "New Worker", password: "a long new password") { __typename }
}
"""


def decode_pk(value: str) -> int | None:
    return decode_id("OffenderPhoto", value)


async def entries() -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.subject) for e in await AuditEntry.all().order_by("id")]


async def test_viewing_an_offender_is_recorded_and_a_refusal_is_not(gql: GraphQLClient, world: World) -> None:
    offender = await make_offender(world.home)
    await gql.execute(OFFENDER, {"id": offender_id(offender)}, token=world.token(Role.POLICE))
    await gql.execute(OFFENDER, {"id": offender_id(offender)}, token=world.token(Role.POLICE, "away"))
    assert await entries() == [
        (world.home.users[Role.POLICE].email, "offender.view", f"Offender:{offender.id}")
    ]


async def test_gallery_changes_are_recorded(gql: GraphQLClient, world: World) -> None:
    manager = world.home.users[Role.BID_MANAGER].email
    token = world.token(Role.BID_MANAGER)
    offender, duplicate = await make_offender(world.home), await make_offender(world.home, "Again")
    incident = await make_incident(world.home)
    ids = {"incidentId": incident_id(incident), "offenderId": offender_id(offender)}
    await gql.execute(LINK, ids, token=token)
    await gql.execute(LINK, ids, token=token)  # linking twice changes nothing, records nothing
    await gql.execute(UNLINK, ids, token=token)
    await gql.execute(
        ISSUE_EXCLUSION,
        {"input": {"offenderId": offender_id(offender), "startsOn": "2026-12-01", "reason": "Thefts."}},
        token=token,
    )
    await gql.execute(
        MERGE, {"keepId": offender_id(offender), "mergeId": offender_id(duplicate)}, token=token
    )
    subject = f"Offender:{offender.id}"
    assert await entries() == [
        (manager, "offender.link", subject),
        (manager, "offender.unlink", subject),
        (manager, "exclusion.issue", subject),
        (manager, "offender.merge", subject),
    ]
    exclusion = await AuditEntry.get(action="exclusion.issue")
    assert json.loads(exclusion.detail)["starts_on"] == "2026-12-01"
    assert (await verify_chain()).intact


async def test_opening_an_original_photo_is_recorded(
    gql: GraphQLClient, http: httpx.AsyncClient, world: World
) -> None:
    result = await create_with_photo(http, world, ("face.jpg", jpeg(scene(4)), "image/jpeg"))
    photo = result["offender"]["photos"][0]
    headers = {"Authorization": f"Bearer {world.token(Role.BID_MANAGER)}"}
    assert (await http.get(photo["thumbnailUrl"], headers=headers)).status_code == 200
    assert await AuditEntry.all().count() == 0  # display copies are not evidence
    assert (await http.get(photo["originalUrl"], headers=headers)).status_code == 200
    staff = {"Authorization": f"Bearer {world.token(Role.SHOP_STAFF)}"}
    assert (await http.get(photo["url"].replace("/display", "/original"), headers=staff)).status_code == 403
    assert await entries() == [
        (
            world.home.users[Role.BID_MANAGER].email,
            "photo.open_original",
            f"OffenderPhoto:{decode_pk(photo['id'])}",
        )
    ]


async def test_invitations_and_the_roles_they_grant_are_recorded(gql: GraphQLClient, world: World) -> None:
    data = await gql.execute(
        INVITE,
        {
            "input": {
                "email": "new@example.org",
                "role": "SHOP_STAFF",
                "bidId": world.home.bid_id,
                "shopId": world.home.shop_id(1),
            }
        },
        token=world.token(Role.BID_MANAGER),
    )
    assert data["inviteUser"]["__typename"] == "InviteUserSuccess"
    email = await OutboxEmail.get(to_address="new@example.org")
    token = re.search(r"#/invite/([A-Za-z0-9_-]+)", plain_text(email)).group(1)  # type: ignore[union-attr]
    assert (await gql.execute(ACCEPT, {"token": token}))["acceptInvite"]["__typename"] == "LoginSuccess"
    invited, granted = await AuditEntry.all().order_by("id")
    assert (invited.actor, invited.action, invited.subject) == (
        world.home.users[Role.BID_MANAGER].email,
        "invite.create",
        f"Bid:{world.home.bid.id}",
    )
    assert (granted.actor, granted.action) == ("new@example.org", "membership.grant")
    assert json.loads(granted.detail) == {
        "role": "SHOP_STAFF",
        "bid": world.home.bid.id,
        "shop": world.home.shops[1].id,
        "team": None,
    }
