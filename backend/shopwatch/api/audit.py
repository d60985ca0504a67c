"""GraphQL for reading the audit trail and checking its chain: administrators only."""

from __future__ import annotations

from datetime import datetime

import strawberry
from graphql import GraphQLError

from shopwatch.api.accounts import User
from shopwatch.api.context import Info
from shopwatch.api.ids import decode_id, encode_id
from shopwatch.api.pagination import Connection, connection, decode_cursor, empty_connection, page_size
from shopwatch.api.permissions import IsAuthenticated
from shopwatch.api.places import Bid
from shopwatch.core.audit import models
from shopwatch.core.audit.reading import AuditFilter, entries_matching, page_after
from shopwatch.core.audit.trail import verify_chain

_NOTHING = -1  # a key that matches nothing
ONLY_ADMINS = "Only an administrator can check the audit trail."


@strawberry.type(description="One entry of the audit trail: who did or saw what, when, from where.")
class AuditEntry:
    id: strawberry.ID
    at: datetime
    actor: str = strawberry.field(description="The actor's email at the time, or `system`.")
    action: str = strawberry.field(
        description="What was done, such as `offender.view` (README: Audit trail)."
    )
    subject: str = strawberry.field(
        description='What it concerned, as "Kind:key" (e.g. "Offender:12"), or "".'
    )
    detail: str = strawberry.field(description="The action's particulars, as JSON.")
    address: str = strawberry.field(description="The address the request came from.")
    actor_pk: strawberry.Private[int | None]
    bid_pk: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, entry: models.AuditEntry) -> AuditEntry:
        return cls(
            id=encode_id("AuditEntry", entry.id),
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            subject=entry.subject,
            detail=entry.detail,
            address=entry.address,
            actor_pk=entry.actor_user_id,
            bid_pk=entry.bid_id,
        )

    @strawberry.field(description="The actor's account; null for the system or an account since removed.")
    async def actor_user(self, info: Info) -> User | None:
        user = await info.context.loaders.user.load(self.actor_pk) if self.actor_pk else None
        return User.from_model(user) if user else None

    @strawberry.field(description="The BID it concerned; null when none in particular.")
    async def bid(self, info: Info) -> Bid | None:
        bid = await info.context.loaders.bid.load(self.bid_pk) if self.bid_pk else None
        return Bid.from_model(bid) if bid else None


@strawberry.input(description="Each value given narrows the entries.")
class AuditEntryFilter:
    actor_id: strawberry.ID | None = None
    action: str | None = None
    bid_id: strawberry.ID | None = None
    from_: datetime | None = strawberry.field(name="from", default=None, description="At or after.")
    to: datetime | None = strawberry.field(default=None, description="Before.")


@strawberry.type(description="What checking the audit trail's hash chain found (`shopwatch audit verify`).")
class AuditChainCheck:
    intact: bool
    entries: int = strawberry.field(description="How many entries, from the first, are intact.")
    first_broken_id: strawberry.ID | None = strawberry.field(
        description="The first entry that no longer fits: altered, or the one before it removed."
    )
    head: str = strawberry.field(description="The hash of the last intact entry.")
    message: str = strawberry.field(description="The command's own words.")


def _key(kind: str, value: strawberry.ID | None) -> int | None:
    return None if value is None else decode_id(kind, value) or _NOTHING


@strawberry.type
class AuditQuery:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="The audit trail, newest first: for administrators; empty for anyone else.",
    )
    async def audit_entries(
        self,
        info: Info,
        filter: AuditEntryFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEntry]:
        viewer = info.context.viewer
        assert viewer is not None
        size = page_size(first)
        key = decode_cursor("AuditEntry", after)
        if not viewer.is_admin:
            return empty_connection()
        wanted = filter or AuditEntryFilter()
        query = entries_matching(
            AuditFilter(
                actor_id=_key("User", wanted.actor_id),
                action=wanted.action,
                bid_id=_key("Bid", wanted.bid_id),
                start=wanted.from_,
                end=wanted.to,
            )
        )
        rows = await page_after(query, key[1] if key else None, size)
        return connection(rows, size, AuditEntry.from_model, "AuditEntry", lambda row: (row.at, row.id))

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="Checks every entry's hash chain, as `shopwatch audit verify` does. Administrators only.",
    )
    async def audit_chain(self, info: Info) -> AuditChainCheck:
        viewer = info.context.viewer
        assert viewer is not None
        if not viewer.is_admin:
            raise GraphQLError(ONLY_ADMINS)
        result = await verify_chain()
        broken = result.first_broken_id
        return AuditChainCheck(
            intact=result.intact,
            entries=result.entries,
            first_broken_id=encode_id("AuditEntry", broken) if broken is not None else None,
            head=result.head,
            message=result.message,
        )
