"""A BID's people and everyone's accounts: members, pending invitations and users as each role
sees them; taking a role away and closing an account, with their immediate effect, every refusal
and the audit entries."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from shopwatch.accounts.models import Invite, Membership, Role, User
from shopwatch.accounts.sessions import start_session
from shopwatch.api.ids import encode_id
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.clock import now
from shopwatch.core.mail.models import OutboxEmail
from tests.api.test_connections import malformed_cursors
from tests.api.test_invites import accept, invite_staff
from tests.support.graphql import GraphQLClient
from tests.support.world import PASSWORD, World, make_colleague

NOT_ADMINS = [Role.SHOP_STAFF, Role.BID_MANAGER, Role.POLICE]

MEMBERS = """
query ($bidId: ID!, $first: Int, $after: String) {
  members(bidId: $bidId, first: $first, after: $after) {
    edges { cursor node { id role createdAt user { id email name active } shop { id } team { id } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

INVITATIONS = """
query ($bidId: ID!) {
  invitations(bidId: $bidId) { edges { node { id email role expiresAt shop { id } } } }
}
"""

USERS = """
query ($search: String, $first: Int, $after: String) {
  users(search: $search, first: $first, after: $after) {
    edges { node { email name active } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

REVOKE = """
mutation ($id: ID!) {
  revokeMembership(membershipId: $id) {
    __typename
    ... on RevokeMembershipSuccess { membership { id role user { email } bid { id } } }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""

DEACTIVATE = """
mutation ($id: ID!) {
  deactivateUser(userId: $id) {
    __typename
    ... on DeactivateUserSuccess { user { email active } }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""

LOGIN = """
mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) { __typename ... on AuthError { message } }
}
"""

ME = "{ me { email } }"
RESET = "mutation ($email: String!) { requestPasswordReset(email: $email) }"
BIDS = "{ bids { slug } }"
MAY_NOT_REVOKE = (
    "Only an administrator, or this BID's managers for its shop staff and managers, can take this "
    "role away; no one can take away their own."
)


async def entries() -> list[tuple[str, str, int | None, dict[str, Any]]]:
    return [
        (e.action, e.subject, e.bid_id, json.loads(e.detail)) for e in await AuditEntry.all().order_by("id")
    ]


async def members(gql: GraphQLClient, token: str | None, bid_id: str, **paging: Any) -> dict[str, Any]:
    return dict((await gql.execute(MEMBERS, {"bidId": bid_id, **paging}, token=token))["members"])


def emails(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["user"]["email"] for edge in page["edges"]]


async def membership_id(world: World, role: Role, town: str = "home") -> str:
    user = (world.home if town == "home" else world.away).users[role]
    membership = await Membership.get(user=user)
    return encode_id("Membership", membership.id)


async def revoke(gql: GraphQLClient, token: str | None, membership: str) -> dict[str, Any]:
    return dict((await gql.execute(REVOKE, {"id": membership}, token=token))["revokeMembership"])


async def deactivate(gql: GraphQLClient, token: str | None, user_id: str) -> dict[str, Any]:
    return dict((await gql.execute(DEACTIVATE, {"id": user_id}, token=token))["deactivateUser"])


# --- members -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.BID_MANAGER, Role.ADMIN])
async def test_the_bids_managers_and_admins_see_its_members_newest_first(
    gql: GraphQLClient, world: World, role: Role
) -> None:
    page = await members(gql, world.token(role), world.home.bid_id)
    assert emails(page) == [
        "police@home.example.org",
        "bid_manager@home.example.org",
        "shop_staff@home.example.org",
    ]
    staff = page["edges"][2]["node"]
    membership = await Membership.get(user=world.home.users[Role.SHOP_STAFF])
    assert staff["id"] == encode_id("Membership", membership.id)
    assert (staff["role"], staff["shop"], staff["team"]) == (
        "SHOP_STAFF",
        {"id": world.home.shop_id(0)},
        None,
    )
    assert staff["user"] == {
        "id": encode_id("User", world.home.users[Role.SHOP_STAFF].id),
        "email": "shop_staff@home.example.org",
        "name": "home SHOP_STAFF",
        "active": True,
    }
    assert staff["createdAt"].endswith("+00:00")
    assert page["edges"][0]["node"]["team"] == {"id": world.home.team_id}


async def test_members_come_a_page_at_a_time(gql: GraphQLClient, world: World) -> None:
    token = world.token(Role.BID_MANAGER)
    first = await members(gql, token, world.home.bid_id, first=2)
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await members(gql, token, world.home.bid_id, first=2, after=first["pageInfo"]["endCursor"])
    assert rest["pageInfo"]["hasNextPage"] is False
    assert emails(first) + emails(rest) == emails(await members(gql, token, world.home.bid_id))


@pytest.mark.parametrize("role", [Role.SHOP_STAFF, Role.POLICE])
async def test_staff_and_police_see_no_members(gql: GraphQLClient, world: World, role: Role) -> None:
    assert emails(await members(gql, world.token(role), world.home.bid_id)) == []


@pytest.mark.parametrize("role", NOT_ADMINS)
async def test_no_one_sees_another_bids_members(gql: GraphQLClient, world: World, role: Role) -> None:
    assert emails(await members(gql, world.token(role, "away"), world.home.bid_id)) == []


async def test_members_of_no_bid_or_a_made_up_one_are_none(gql: GraphQLClient, world: World) -> None:
    for bid_id in (encode_id("Bid", 999_999), "nonsense", world.home.shop_id()):
        assert emails(await members(gql, world.admin_token, bid_id)) == []


async def test_logged_out_may_not_list_members(gql: GraphQLClient, world: World) -> None:
    assert await gql.errors(MEMBERS, {"bidId": world.home.bid_id}) == ["Log in to see this."]


async def test_a_cursor_of_another_list_is_refused(gql: GraphQLClient, world: World) -> None:
    users = (await gql.execute(USERS, {"first": 1}, token=world.admin_token))["users"]
    variables = {"bidId": world.home.bid_id, "after": users["pageInfo"]["endCursor"]}
    errors = await gql.errors(MEMBERS, variables, token=world.token(Role.BID_MANAGER))
    assert errors == ["`after` is not a cursor from this list."]


# --- invitations -------------------------------------------------------------------------------


async def test_managers_see_the_invitations_still_open(gql: GraphQLClient, world: World) -> None:
    await invite_staff(gql, world, "waiting@example.org")
    used = await invite_staff(gql, world, "joined@example.org")
    assert (await accept(gql, used))["__typename"] == "LoginSuccess"
    await invite_staff(gql, world, "late@example.org")
    await Invite.filter(email="late@example.org").update(expires_at=now() - timedelta(minutes=1))

    for token in (world.token(Role.BID_MANAGER), world.admin_token):
        edges = (await gql.execute(INVITATIONS, {"bidId": world.home.bid_id}, token=token))["invitations"][
            "edges"
        ]
        assert [(e["node"]["email"], e["node"]["role"], e["node"]["shop"]) for e in edges] == [
            ("waiting@example.org", "SHOP_STAFF", {"id": world.home.shop_id(1)})
        ]
    for token in (
        world.token(Role.SHOP_STAFF),
        world.token(Role.POLICE),
        *[world.token(role, "away") for role in NOT_ADMINS],
    ):
        edges = (await gql.execute(INVITATIONS, {"bidId": world.home.bid_id}, token=token))["invitations"][
            "edges"
        ]
        assert edges == []


# --- users -------------------------------------------------------------------------------------


async def test_admins_list_and_search_every_account(gql: GraphQLClient, world: World) -> None:
    everyone = (await gql.execute(USERS, {"first": 100}, token=world.admin_token))["users"]["edges"]
    assert len(everyone) == 7
    assert everyone[0]["node"]["email"] == "admin@example.org"  # newest first
    found = (await gql.execute(USERS, {"search": " AWAY "}, token=world.admin_token))["users"]["edges"]
    assert sorted(edge["node"]["email"] for edge in found) == [
        "bid_manager@away.example.org",
        "police@away.example.org",
        "shop_staff@away.example.org",
    ]
    by_name = (await gql.execute(USERS, {"search": "home shop"}, token=world.admin_token))["users"]["edges"]
    assert [edge["node"]["name"] for edge in by_name] == ["home SHOP_STAFF"]


async def test_users_come_a_page_at_a_time(gql: GraphQLClient, world: World) -> None:
    first = (await gql.execute(USERS, {"first": 4}, token=world.admin_token))["users"]
    after = first["pageInfo"]["endCursor"]
    rest = (await gql.execute(USERS, {"first": 4, "after": after}, token=world.admin_token))["users"]
    assert (first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)
    assert len({edge["node"]["email"] for edge in first["edges"] + rest["edges"]}) == 7


@pytest.mark.parametrize("role", NOT_ADMINS)
async def test_others_get_no_users(gql: GraphQLClient, world: World, role: Role) -> None:
    for town in ("home", "away"):
        assert (await gql.execute(USERS, token=world.token(role, town)))["users"]["edges"] == []


async def test_logged_out_may_not_list_users(gql: GraphQLClient, world: World) -> None:
    assert await gql.errors(USERS) == ["Log in to see this."]


# --- revokeMembership --------------------------------------------------------------------------


async def test_a_revoked_member_is_logged_out_on_their_next_request(gql: GraphQLClient, world: World) -> None:
    staff = world.home.users[Role.SHOP_STAFF]
    token = world.token(Role.SHOP_STAFF)
    assert (await gql.execute(ME, token=token))["me"] == {"email": staff.email}
    membership = await Membership.get(user=staff)

    result = await revoke(gql, world.token(Role.BID_MANAGER), encode_id("Membership", membership.id))
    assert result == {
        "__typename": "RevokeMembershipSuccess",
        "membership": {
            "id": encode_id("Membership", membership.id),
            "role": "SHOP_STAFF",
            "user": {"email": staff.email},
            "bid": {"id": world.home.bid_id},
        },
    }
    assert (await gql.execute(ME, token=token))["me"] is None
    assert await gql.errors(BIDS, token=token) == ["Log in to see this."]
    assert await entries() == [
        (
            "membership.revoke",
            f"User:{staff.id}",
            world.home.bid.id,
            {"role": "SHOP_STAFF", "shop": world.home.shops[0].id, "team": None, "sessions_ended": True},
        )
    ]
    assert emails(await members(gql, world.token(Role.BID_MANAGER), world.home.bid_id)) == [
        "police@home.example.org",
        "bid_manager@home.example.org",
    ]


async def test_someone_with_another_role_keeps_it_and_their_session(gql: GraphQLClient, world: World) -> None:
    manager = world.home.users[Role.BID_MANAGER]
    await Membership.create(user=manager, role=Role.SHOP_STAFF, bid=world.away.bid, shop=world.away.shops[0])
    token = world.token(Role.BID_MANAGER)
    assert sorted(bid["slug"] for bid in (await gql.execute(BIDS, token=token))["bids"]) == ["away", "home"]

    home_role = await Membership.get(user=manager, bid=world.home.bid)
    result = await revoke(gql, world.admin_token, encode_id("Membership", home_role.id))
    assert result["__typename"] == "RevokeMembershipSuccess"
    # The very next request is scoped by what is left.
    assert (await gql.execute(BIDS, token=token))["bids"] == [{"slug": "away"}]
    assert emails(await members(gql, token, world.home.bid_id)) == []
    assert (await entries())[0][3]["sessions_ended"] is False


async def test_a_manager_revokes_a_fellow_manager(gql: GraphQLClient, world: World) -> None:
    other = await User.create(email="second@home.example.org", name="Second", password_hash="-")
    membership = await Membership.create(user=other, role=Role.BID_MANAGER, bid=world.home.bid)
    result = await revoke(gql, world.token(Role.BID_MANAGER), encode_id("Membership", membership.id))
    assert result["__typename"] == "RevokeMembershipSuccess"
    assert not await Membership.exists(id=membership.id)


async def test_a_manager_may_not_revoke_police_or_themselves(gql: GraphQLClient, world: World) -> None:
    manager = world.token(Role.BID_MANAGER)
    for role in (Role.POLICE, Role.BID_MANAGER):
        result = await revoke(gql, manager, await membership_id(world, role))
        assert result == {"__typename": "PermissionDenied", "message": MAY_NOT_REVOKE}
    assert await Membership.all().count() == 7
    assert await entries() == []


async def test_an_admin_revokes_police_but_not_their_own_role(gql: GraphQLClient, world: World) -> None:
    result = await revoke(gql, world.admin_token, await membership_id(world, Role.POLICE, "away"))
    assert result["__typename"] == "RevokeMembershipSuccess"
    own = await Membership.get(user=world.admin)
    refused = await revoke(gql, world.admin_token, encode_id("Membership", own.id))
    assert refused == {"__typename": "PermissionDenied", "message": MAY_NOT_REVOKE}
    assert await Membership.exists(id=own.id)


@pytest.mark.parametrize("role", [Role.SHOP_STAFF, Role.POLICE])
async def test_staff_and_police_may_not_revoke(gql: GraphQLClient, world: World, role: Role) -> None:
    colleague = await make_colleague(world.home)
    membership = await Membership.get(user=colleague)
    result = await revoke(gql, world.token(role), encode_id("Membership", membership.id))
    assert result == {"__typename": "PermissionDenied", "message": MAY_NOT_REVOKE}
    assert await Membership.exists(id=membership.id)


@pytest.mark.parametrize("role", NOT_ADMINS)
@pytest.mark.parametrize("target", NOT_ADMINS)
async def test_another_bids_membership_is_not_found(
    gql: GraphQLClient, world: World, role: Role, target: Role
) -> None:
    result = await revoke(gql, world.token(role, "away"), await membership_id(world, target))
    assert result == {"__typename": "NotFound", "message": "There is no such membership."}
    assert await Membership.all().count() == 7


async def test_an_admins_membership_is_not_found_by_a_manager(gql: GraphQLClient, world: World) -> None:
    own = await Membership.get(user=world.admin)
    result = await revoke(gql, world.token(Role.BID_MANAGER), encode_id("Membership", own.id))
    assert result["__typename"] == "NotFound"


async def test_a_membership_that_does_not_exist_is_not_found(gql: GraphQLClient, world: World) -> None:
    for membership in (encode_id("Membership", 999_999), "nonsense", world.home.bid_id):
        result = await revoke(gql, world.admin_token, membership)
        assert result == {"__typename": "NotFound", "message": "There is no such membership."}


async def test_logged_out_may_not_revoke(gql: GraphQLClient, world: World) -> None:
    result = await revoke(gql, None, await membership_id(world, Role.SHOP_STAFF))
    assert result == {"__typename": "PermissionDenied", "message": "Log in first."}


# --- deactivateUser ----------------------------------------------------------------------------


async def test_a_deactivated_account_is_logged_out_everywhere_and_cannot_log_in(
    gql: GraphQLClient, world: World
) -> None:
    staff = world.home.users[Role.SHOP_STAFF]
    second_phone = await start_session(staff)
    result = await deactivate(gql, world.admin_token, encode_id("User", staff.id))
    assert result == {"__typename": "DeactivateUserSuccess", "user": {"email": staff.email, "active": False}}

    for token in (world.token(Role.SHOP_STAFF), second_phone):
        assert (await gql.execute(ME, token=token))["me"] is None
    login = await gql.execute(LOGIN, {"email": staff.email, "password": PASSWORD})
    assert login["login"] == {
        "__typename": "AuthError",
        "message": "That email and password do not match an account.",
    }
    found = (await gql.execute(USERS, {"search": staff.email}, token=world.admin_token))["users"]["edges"]
    assert found == [{"node": {"email": staff.email, "name": staff.name, "active": False}}]
    page = await members(gql, world.token(Role.BID_MANAGER), world.home.bid_id)
    assert [edge["node"]["user"]["active"] for edge in page["edges"]] == [True, True, False]
    assert await entries() == [("user.deactivate", f"User:{staff.id}", None, {})]

    again = await deactivate(gql, world.admin_token, encode_id("User", staff.id))
    assert again["__typename"] == "DeactivateUserSuccess"
    assert len(await entries()) == 1


async def test_a_deactivated_account_cannot_take_up_an_invitation(gql: GraphQLClient, world: World) -> None:
    staff = world.away.users[Role.SHOP_STAFF]
    token = await invite_staff(gql, world, staff.email)
    await deactivate(gql, world.admin_token, encode_id("User", staff.id))
    result = await accept(gql, token, password=PASSWORD)
    assert result == {
        "__typename": "AuthError",
        "message": "This account has been closed by an administrator.",
    }
    assert await Membership.filter(user=staff).count() == 1


@pytest.mark.parametrize("role", NOT_ADMINS)
@pytest.mark.parametrize("town", ["home", "away"])
async def test_only_admins_deactivate(gql: GraphQLClient, world: World, role: Role, town: str) -> None:
    target = world.home.users[Role.SHOP_STAFF]
    result = await deactivate(gql, world.token(role, town), encode_id("User", target.id))
    assert result == {"__typename": "PermissionDenied", "message": "Only an administrator can do this."}
    assert (await User.get(id=target.id)).is_active
    assert (await gql.execute(ME, token=world.token(Role.SHOP_STAFF)))["me"] is not None


async def test_an_admin_may_not_deactivate_themselves(gql: GraphQLClient, world: World) -> None:
    result = await deactivate(gql, world.admin_token, encode_id("User", world.admin.id))
    assert result == {"__typename": "PermissionDenied", "message": "You cannot deactivate your own account."}
    assert (await gql.execute(ME, token=world.admin_token))["me"] is not None


async def test_deactivating_no_one_is_not_found(gql: GraphQLClient, world: World) -> None:
    for user_id in (encode_id("User", 999_999), "nonsense", world.home.bid_id):
        result = await deactivate(gql, world.admin_token, user_id)
        assert result == {"__typename": "NotFound", "message": "There is no such user."}


async def test_logged_out_may_not_deactivate(gql: GraphQLClient, world: World) -> None:
    result = await deactivate(gql, None, encode_id("User", world.admin.id))
    assert result == {"__typename": "PermissionDenied", "message": "Log in first."}


@pytest.mark.parametrize(
    ("name", "query", "kind"),
    [
        ("users", "query ($after: String) { users(after: $after) { edges { node { id } } } }", "User"),
        (
            "auditEntries",
            "query ($after: String) { auditEntries(after: $after) { edges { node { id } } } }",
            "AuditEntry",
        ),
    ],
)
async def test_an_administrators_lists_refuse_cursors_they_did_not_give(
    gql: GraphQLClient, world: World, name: str, query: str, kind: str
) -> None:
    cursors = malformed_cursors(kind)
    members_page = await members(gql, world.admin_token, world.home.bid_id, first=1)
    cursors["a cursor of members"] = members_page["pageInfo"]["endCursor"]
    for label, cursor in cursors.items():
        errors = await gql.errors(query, {"after": cursor}, token=world.admin_token)
        assert errors == ["`after` is not a cursor from this list."], (name, label)


@pytest.mark.parametrize("first", [0, -1, 101])
@pytest.mark.parametrize(
    "field", ['members(bidId: "BID", ', 'invitations(bidId: "BID", ', "users(", "auditEntries("]
)
async def test_a_page_size_out_of_range_is_refused(
    gql: GraphQLClient, world: World, first: int, field: str
) -> None:
    query = f"query ($first: Int) {{ {field}first: $first) {{ edges {{ cursor }} }} }}"
    errors = await gql.errors(
        query.replace("BID", world.home.bid_id), {"first": first}, token=world.admin_token
    )
    assert errors == ["`first` must be between 1 and 100."]


async def test_a_deactivated_account_is_sent_no_password_reset(gql: GraphQLClient, world: World) -> None:
    staff, colleague = world.home.users[Role.SHOP_STAFF], world.away.users[Role.SHOP_STAFF]
    await deactivate(gql, world.admin_token, encode_id("User", staff.id))
    for user in (staff, colleague):
        asked = await gql.execute(RESET, {"email": user.email})
        assert asked == {"requestPasswordReset": True}
    assert await OutboxEmail.filter(to_address=staff.email).count() == 0
    assert await OutboxEmail.filter(to_address=colleague.email).count() == 1
