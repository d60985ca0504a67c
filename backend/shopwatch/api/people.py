"""GraphQL for a BID's people and everyone's accounts: lists of members, pending invitations and
users; taking a role away; closing an account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

import strawberry
from tortoise.queryset import QuerySet

from shopwatch.accounts import models, people
from shopwatch.accounts.models import Invite, Role
from shopwatch.accounts.models import User as UserModel
from shopwatch.accounts.visibility import visible_memberships
from shopwatch.actions import people as actions
from shopwatch.api.accounts import InBid, Membership, User
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied
from shopwatch.api.ids import decode_id, encode_id
from shopwatch.api.pagination import Connection, connection, decode_cursor, empty_connection, page_size
from shopwatch.api.permissions import LOG_IN_FIRST, IsAdmin, IsAuthenticated, refusal
from shopwatch.core.errors import NotFoundError

Row = TypeVar("Row", models.Membership, Invite)
Node = TypeVar("Node")

NO_SUCH_MEMBERSHIP = people.NO_SUCH_MEMBERSHIP
NO_SUCH_USER = "There is no such user."
MAY_NOT_REVOKE = (
    "Only an administrator, or this BID's managers for its shop staff and managers, can take this "
    "role away; no one can take away their own."
)
NOT_YOURSELF = "You cannot deactivate your own account."


@strawberry.type(description="An invitation sent and not yet accepted or expired.")
class Invitation(InBid):
    id: strawberry.ID
    email: str
    role: Role
    created_at: datetime
    expires_at: datetime

    @classmethod
    def from_model(cls, invite: Invite) -> Invitation:
        return cls(
            id=encode_id("Invitation", invite.id),
            email=invite.email,
            role=invite.role,
            created_at=invite.created_at,
            expires_at=invite.expires_at,
            shop_pk=invite.shop_id,
            team_pk=invite.team_id,
        )


async def _page_of_bid(
    info: Info,
    bid_id: strawberry.ID,
    first: int | None,
    after: str | None,
    kind: str,
    rows: Callable[[int], QuerySet[Row]],
    node: Callable[[Row], Node],
) -> Connection[Node]:
    """A page of the BID's `rows`, newest first, if the viewer manages it (administrators manage
    every BID); an empty page otherwise."""
    viewer = info.context.viewer
    assert viewer is not None
    size = page_size(first)
    key = decode_cursor(kind, after)
    pk = decode_id("Bid", bid_id)
    if pk is None or not viewer.manages_bid(pk):
        return empty_connection()
    found = await people.page_after(rows(pk), key, size)
    return connection(found, size, node, kind, lambda row: (row.created_at, row.id))


@strawberry.type
class PeopleQuery:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="The BID's memberships, newest first: for its managers and administrators; "
        "empty for anyone else.",
    )
    async def members(
        self, info: Info, bid_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[Membership]:
        return await _page_of_bid(
            info, bid_id, first, after, "Membership", people.bid_members, Membership.from_model
        )

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="The BID's invitations not yet accepted or expired, newest first: for its managers "
        "and administrators; empty for anyone else.",
    )
    async def invitations(
        self, info: Info, bid_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[Invitation]:
        return await _page_of_bid(
            info, bid_id, first, after, "Invitation", people.pending_invites, Invitation.from_model
        )

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="Every account, newest first, or those whose name or email contains `search`: "
        "for administrators; empty for anyone else.",
    )
    async def users(
        self, info: Info, first: int | None = None, after: str | None = None, search: str | None = None
    ) -> Connection[User]:
        viewer = info.context.viewer
        assert viewer is not None
        size = page_size(first)
        key = decode_cursor("User", after)
        if not viewer.is_admin:
            return empty_connection()
        rows = await people.page_after(people.users_matching(search), key, size)
        return connection(rows, size, User.from_model, "User", lambda row: (row.created_at, row.id))


@strawberry.type
class RevokeMembershipSuccess:
    membership: Membership = strawberry.field(description="The membership as it was before it ended.")


RevokeMembershipResult = Annotated[
    RevokeMembershipSuccess | PermissionDenied | NotFound, strawberry.union("RevokeMembershipResult")
]


@strawberry.type
class DeactivateUserSuccess:
    user: User


DeactivateUserResult = Annotated[
    DeactivateUserSuccess | PermissionDenied | NotFound, strawberry.union("DeactivateUserResult")
]


@strawberry.type
class PeopleMutation:
    @strawberry.mutation(
        description="Ends a membership at once. Administrators; the BID's managers for its shop "
        "staff and managers; never one's own. Someone left with no membership is logged out everywhere."
    )
    async def revoke_membership(self, info: Info, membership_id: strawberry.ID) -> RevokeMembershipResult:
        viewer = info.context.viewer
        if viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        pk = decode_id("Membership", membership_id)
        membership = await visible_memberships(viewer).get_or_none(id=pk) if pk else None
        if membership is None:
            return NotFound(message=NO_SUCH_MEMBERSHIP)
        if not people.may_revoke(viewer, membership):
            return PermissionDenied(message=MAY_NOT_REVOKE)
        try:
            revoked = await actions.revoke_membership(info.context.acting, membership)
        except NotFoundError as error:
            return NotFound.from_error(error)
        return RevokeMembershipSuccess(membership=Membership.from_model(revoked))

    @strawberry.mutation(
        description="Closes an account: every session ends at once and logging in is refused. "
        "Administrators only, never for themselves."
    )
    async def deactivate_user(self, info: Info, user_id: strawberry.ID) -> DeactivateUserResult:
        viewer = info.context.viewer
        if denied := refusal(viewer, IsAdmin()):
            return denied
        assert viewer is not None
        pk = decode_id("User", user_id)
        user = await UserModel.get_or_none(id=pk) if pk else None
        if user is None:
            return NotFound(message=NO_SUCH_USER)
        if user.id == viewer.user.id:
            return PermissionDenied(message=NOT_YOURSELF)
        return DeactivateUserSuccess(
            user=User.from_model(await actions.deactivate_user(info.context.acting, user))
        )
