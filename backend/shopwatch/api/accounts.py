"""GraphQL for the viewer, logging in and out, invitations and password resets."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from starlette.background import BackgroundTasks

from shopwatch.accounts import models, services
from shopwatch.accounts.models import Role
from shopwatch.accounts.sessions import IDLE_LIFETIME, revoke_session
from shopwatch.actions import invitations
from shopwatch.api.context import SESSION_COOKIE, Info
from shopwatch.api.errors import AuthError, NotFound, PermissionDenied, ValidationError
from shopwatch.api.ids import decode_id, encode_id
from shopwatch.api.permissions import LOG_IN_FIRST, MayInvite, refusal
from shopwatch.api.places import Bid, NeighbourhoodTeam, Shop
from shopwatch.core.errors import InvalidInput, NotFoundError

# Registers the domain enum with strawberry (it returns the same class), so annotations use it as is.
strawberry.enum(Role, description="What a membership lets its holder do.")


@strawberry.type
class InBid:
    """A role held or offered in a BID: its shop and team, shared by memberships and invitations."""

    shop_pk: strawberry.Private[int | None]
    team_pk: strawberry.Private[int | None]

    @strawberry.field(description="The shop, for shop staff.")
    async def shop(self, info: Info) -> Shop | None:
        shop = await info.context.loaders.shop.load(self.shop_pk) if self.shop_pk else None
        return Shop.from_model(shop) if shop else None

    @strawberry.field(description="The neighbourhood team, for police officers.")
    async def team(self, info: Info) -> NeighbourhoodTeam | None:
        team = await info.context.loaders.team.load(self.team_pk) if self.team_pk else None
        return NeighbourhoodTeam.from_model(team) if team else None


@strawberry.type
class Membership(InBid):
    id: strawberry.ID
    role: Role
    created_at: datetime
    user_pk: strawberry.Private[int]
    bid_pk: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, membership: models.Membership) -> Membership:
        return cls(
            id=encode_id("Membership", membership.id),
            role=membership.role,
            created_at=membership.created_at,
            user_pk=membership.user_id,
            bid_pk=membership.bid_id,
            shop_pk=membership.shop_id,
            team_pk=membership.team_id,
        )

    @strawberry.field(description="Whose role this is.")
    async def user(self, info: Info) -> User:
        user = await info.context.loaders.user.load(self.user_pk)
        assert user is not None  # a membership goes with its user
        return User.from_model(user)

    @strawberry.field(description="Null for administrators, who are not tied to one BID.")
    async def bid(self, info: Info) -> Bid | None:
        bid = await info.context.loaders.bid.load(self.bid_pk) if self.bid_pk else None
        return Bid.from_model(bid) if bid else None


@strawberry.type
class User:
    id: strawberry.ID
    email: str
    name: str
    active: bool = strawberry.field(
        description="False once an administrator has deactivated the account: it cannot log in."
    )
    pk: strawberry.Private[int]
    # The viewer themself (`me`, or the user who has just logged in), who sees all their roles.
    is_viewer: strawberry.Private[bool] = False

    @classmethod
    def from_model(cls, user: models.User, *, is_viewer: bool = False) -> User:
        return cls(
            id=encode_id("User", user.id),
            email=user.email,
            name=user.name,
            active=user.is_active,
            pk=user.id,
            is_viewer=is_viewer,
        )

    @strawberry.field(description="Their roles. Someone else's show only in the BIDs the viewer belongs to.")
    async def memberships(self, info: Info) -> list[Membership]:
        loaders, viewer = info.context.loaders, info.context.viewer
        if self.is_viewer:
            rows = await loaders.memberships_by_user.load(self.pk)
        elif viewer is None:
            rows = []
        else:
            rows = await loaders.visible_memberships(viewer).load(self.pk)
        return [Membership.from_model(membership) for membership in rows]


def viewer_as_user(info: Info) -> User | None:
    viewer = info.context.viewer
    if viewer is None:
        return None
    # The viewer's memberships are already loaded with the session.
    info.context.loaders.memberships_by_user.prime(viewer.user.id, list(viewer.memberships))
    return User.from_model(viewer.user, is_viewer=True)


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The logged-in user, or null.")
    def me(self, info: Info) -> User | None:
        return viewer_as_user(info)


@strawberry.type
class LoginSuccess:
    token: str = strawberry.field(
        description="The session token, for `Authorization: Bearer`; browsers also get it as a cookie."
    )
    user: User


LoginResult = Annotated[LoginSuccess | AuthError | ValidationError, strawberry.union("LoginResult")]


@strawberry.input
class InviteUserInput:
    email: str
    role: Role
    bid_id: strawberry.ID
    shop_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="For police: their team, if more than one covers the BID."
    )


@strawberry.type
class InviteUserSuccess:
    email: str
    expires_at: str


InviteUserResult = Annotated[
    InviteUserSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("InviteUserResult"),
]


async def _logged_in(info: Info, authenticated: services.Authenticated) -> LoginSuccess:
    """Hand the session to the client as a cookie as well as in the result."""
    settings = info.context.settings
    info.context.response.set_cookie(
        SESSION_COOKIE,
        authenticated.token,
        max_age=int(IDLE_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    user = User.from_model(authenticated.user, is_viewer=True)
    return LoginSuccess(token=authenticated.token, user=user)


@strawberry.type
class AccountsMutation:
    @strawberry.mutation
    async def login(self, info: Info, email: str, password: str) -> LoginResult:
        try:
            authenticated = await services.log_in(
                email, password, info.context.client_address, info.context.user_agent
            )
        except services.AuthFailed as error:
            return AuthError(message=error.message)
        return await _logged_in(info, authenticated)

    @strawberry.mutation(description="Ends the current session; false if there was none.")
    async def logout(self, info: Info) -> bool:
        info.context.response.delete_cookie(SESSION_COOKIE, path="/")
        # The browser's HTTP cache holds the photos this user opened (`Cache-Control: private`):
        # on a phone staff share, they go with the session.
        info.context.response.headers["Clear-Site-Data"] = '"cache"'
        if info.context.viewer is None:
            return False
        await revoke_session(info.context.viewer.session_id)
        return True

    @strawberry.mutation(description="Emails a one-time link, valid for 7 days, to join a BID in a role.")
    async def invite_user(self, info: Info, input: InviteUserInput) -> InviteUserResult:
        viewer = info.context.viewer
        if viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        bid_id = decode_id("Bid", input.bid_id)
        if bid_id is None or not viewer.can_see_bid(bid_id):
            return NotFound(message="There is no such BID.")
        if denied := refusal(viewer, MayInvite(input.role, bid_id)):
            return denied
        shop_id = decode_id("Shop", input.shop_id) if input.shop_id else None
        team_id = decode_id("NeighbourhoodTeam", input.team_id) if input.team_id else None
        try:
            invite = await invitations.invite_user(
                info.context.acting, input.email, input.role, bid_id, shop_id, team_id
            )
        except NotFoundError as error:
            return NotFound.from_error(error)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return InviteUserSuccess(email=invite.email, expires_at=invite.expires_at.isoformat())

    @strawberry.mutation(description="Sets name and password from an invitation link, then logs in.")
    async def accept_invite(self, info: Info, token: str, name: str, password: str) -> LoginResult:
        try:
            authenticated = await invitations.accept_invite(
                token, name, password, info.context.client_address, info.context.user_agent
            )
        except InvalidInput as error:
            return ValidationError.from_error(error)
        except services.AuthFailed as error:
            return AuthError(message=error.message)
        return await _logged_in(info, authenticated)

    @strawberry.mutation(
        description="Emails a one-time reset link if the account exists. Always true, so it reveals nothing."
    )
    async def request_password_reset(self, info: Info, email: str) -> bool:
        # Done once the answer has been sent, so the answer takes as long whether the account exists.
        response = info.context.response
        tasks = response.background if isinstance(response.background, BackgroundTasks) else BackgroundTasks()
        tasks.add_task(services.request_password_reset, email, info.context.settings)
        response.background = tasks
        return True

    @strawberry.mutation(description="Sets a new password from a reset link, ends other sessions, logs in.")
    async def reset_password(self, info: Info, token: str, password: str) -> LoginResult:
        try:
            authenticated = await services.reset_password(token, password, info.context.user_agent)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        except services.AuthFailed as error:
            return AuthError(message=error.message)
        return await _logged_in(info, authenticated)
