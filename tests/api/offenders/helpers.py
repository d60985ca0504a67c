"""Shared documents and builders for the offender gallery API tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.offenders.models import Offender, OffenderLink, OffenderStatus
from tests.support.world import Town

NOW = datetime.now(UTC)

# Every role, in the home town and away; admins belong to no town; None is anonymous.
EVERY_VIEWER = [
    (None, "home"),
    (Role.SHOP_STAFF, "home"),
    (Role.BID_MANAGER, "home"),
    (Role.POLICE, "home"),
    (Role.ADMIN, "home"),
    (Role.SHOP_STAFF, "away"),
    (Role.BID_MANAGER, "away"),
    (Role.POLICE, "away"),
]

RESULT_MEMBERS = """
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
"""

OFFENDER_FIELDS = "id displayName description status lastSeenAt incidentCount"

CREATE = f"""
mutation Create($input: CreateOffenderInput!) {{
  createOffender(input: $input) {{
    __typename
    ... on CreateOffenderSuccess {{
      offender {{ {OFFENDER_FIELDS} thumbnailUrl photos {{ id url thumbnailUrl originalUrl width height }} }}
      photoErrors {{ field message }}
    }}
    {RESULT_MEMBERS}
  }}
}}
"""

UPDATE = f"""
mutation Update($input: UpdateOffenderInput!) {{
  updateOffender(input: $input) {{
    __typename
    ... on UpdateOffenderSuccess {{ offender {{ {OFFENDER_FIELDS} }} }}
    {RESULT_MEMBERS}
  }}
}}
"""

MERGE = f"""
mutation Merge($keepId: ID!, $mergeId: ID!) {{
  mergeOffenders(keepId: $keepId, mergeId: $mergeId) {{
    __typename
    ... on MergeOffendersSuccess {{ movedLinks offender {{ {OFFENDER_FIELDS} exclusions {{ reason }} }} }}
    {RESULT_MEMBERS}
  }}
}}
"""

LINK = f"""
mutation Link($incidentId: ID!, $offenderId: ID!) {{
  linkOffender(incidentId: $incidentId, offenderId: $offenderId) {{
    __typename
    ... on LinkOffenderSuccess {{ linked incident {{ id offenders {{ id }} }} offender {{ id lastSeenAt }} }}
    {RESULT_MEMBERS}
  }}
}}
"""

UNLINK = f"""
mutation Unlink($incidentId: ID!, $offenderId: ID!) {{
  unlinkOffender(incidentId: $incidentId, offenderId: $offenderId) {{
    __typename
    ... on UnlinkOffenderSuccess {{
      unlinked incident {{ id offenders {{ id }} }} offender {{ id lastSeenAt }}
    }}
    {RESULT_MEMBERS}
  }}
}}
"""

ISSUE_EXCLUSION = f"""
mutation Exclude($input: IssueExclusionInput!) {{
  issueExclusion(input: $input) {{
    __typename
    ... on IssueExclusionSuccess {{
      exclusion {{ id startsOn endsOn reason inForce }}
      offender {{ id status exclusion {{ startsOn endsOn reason }} }}
    }}
    {RESULT_MEMBERS}
  }}
}}
"""

ADD_PHOTO = f"""
mutation AddPhoto($offenderId: ID!, $photo: Upload!) {{
  addOffenderPhoto(offenderId: $offenderId, photo: $photo) {{
    __typename
    ... on AddOffenderPhotoSuccess {{ photo {{ id url originalUrl }} offender {{ photos {{ id }} }} }}
    {RESULT_MEMBERS}
  }}
}}
"""

OFFENDERS = """
query Offenders($bidId: ID!, $first: Int, $after: String) {
  offenders(bidId: $bidId, first: $first, after: $after) {
    edges { cursor node { id displayName status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

OFFENDER = f"""
query One($id: ID!, $first: Int, $after: String) {{
  offender(id: $id) {{
    {OFFENDER_FIELDS}
    bid {{ id }}
    exclusion {{ startsOn endsOn reason inForce }}
    photos {{ id url thumbnailUrl originalUrl }}
    incidents(first: $first, after: $after) {{
      edges {{ cursor node {{ id description }} }}
      pageInfo {{ hasNextPage endCursor }}
    }}
  }}
}}
"""


def offender_id(offender: Offender) -> str:
    return encode_id("Offender", offender.id)


def incident_id(incident: Incident) -> str:
    return encode_id("Incident", incident.id)


async def make_offender(
    town: Town, name: str = "Red cap", status: OffenderStatus = OffenderStatus.ACTIVE, **fields: Any
) -> Offender:
    return await Offender.create(bid=town.bid, display_name=name, status=status, **fields)


async def make_incident(
    town: Town,
    shop: int = 0,
    hours_ago: float = 1,
    description: str = "Took razor blades.",
    reporter: Role = Role.SHOP_STAFF,
    **fields: Any,
) -> Incident:
    return await Incident.create(
        client_id=uuid.uuid4(),
        bid=town.bid,
        shop=town.shops[shop],
        reporter=town.users[reporter],
        kind=fields.pop("kind", IncidentKind.THEFT),
        occurred_at=NOW - timedelta(hours=hours_ago),
        reported_at=NOW,
        description=description,
        **fields,
    )


async def link(incident: Incident, offender: Offender) -> None:
    await OffenderLink.create(incident=incident, offender=offender)
    if offender.last_seen_at is None or offender.last_seen_at < incident.occurred_at:
        offender.last_seen_at = incident.occurred_at
        await offender.save(update_fields=["last_seen_at"])


def typename(data: dict[str, Any], field: str) -> str:
    result: str = data[field]["__typename"]
    return result
