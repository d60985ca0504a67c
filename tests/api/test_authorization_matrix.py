"""Who may do what: every query and mutation in the schema, as every role, against their own BID and
another BID, allowed or refused.

The matrix is the policy written down. A new operation without its row fails
`test_every_operation_has_a_row`, so nothing reaches the schema without a decision about who may
use it. Roles act from the home BID; "own" targets things of the home BID, "other" things of the
away BID. A refusal is PermissionDenied, NotFound, null, an absent item or a GraphQL error; anything
else (a ValidationError, say) fails the cell, because it means the cell tested nothing.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest

from shopwatch.accounts.models import Invite, Membership, Role
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.api.ids import encode_id
from shopwatch.api.schema import build_schema
from shopwatch.core.audit.trail import SYSTEM, record
from shopwatch.core.clock import now
from shopwatch.evidence.models import (
    BusinessImpactStatement,
    PoliceCaseState,
    PoliceCaseUpdate,
    WitnessStatement,
)
from shopwatch.incidents.models import Incident
from shopwatch.live.models import LiveAlert, LiveAlertKind
from shopwatch.offenders.exclusions import today
from shopwatch.offenders.models import Exclusion, Offender
from tests.api.offenders.helpers import link, make_incident, make_offender
from tests.api.summaries.test_area_summary import LAST_30_DAYS
from tests.api.summaries.test_public_summary import JUNE
from tests.api.test_invites import link_token_in_outbox
from tests.api.test_password_reset import reset_tokens_in_outbox
from tests.support.evidence import signature_png, signature_url
from tests.support.graphql import GraphQLClient
from tests.support.images import jpeg, scene
from tests.support.push_receiver import Phone
from tests.support.world import PASSWORD, Town, World

ANONYMOUS, STAFF, MANAGER, POLICE, ADMIN = None, Role.SHOP_STAFF, Role.BID_MANAGER, Role.POLICE, Role.ADMIN
EVERYONE = frozenset({ANONYMOUS, STAFF, MANAGER, POLICE, ADMIN})
LOGGED_IN = EVERYONE - {ANONYMOUS}


@dataclass
class Things:
    """What each town holds for the operations to act on."""

    incident: Incident  # reported by the town's shop staff at its first shop
    offender: Offender
    duplicate: Offender  # a second record of the same person, to merge
    linked: Incident  # already linked to `offender`
    alert: Alert
    exclusion: Exclusion  # in force today, on `offender`
    membership: Membership  # the shop staff's
    referred: Incident  # referred to the police, with a statement the manager took down
    live_alert: LiveAlert  # a broadcast, for every member of the BID


@dataclass
class Scene:
    world: World
    things: dict[str, Things]
    gql: GraphQLClient
    tokens: dict[str, str]  # one-time link tokens by operation, for the links that need one

    def of(self, town: Town) -> Things:
        return self.things[town.bid.slug]


Variables = Callable[[Scene, Town], dict[str, Any]]


def _success(name: str) -> Callable[[dict[str, Any], Scene, Town], bool]:
    def allowed(data: dict[str, Any], scene: Scene, town: Town) -> bool:
        typename = data[name]["__typename"]
        assert typename.endswith("Success") or typename in ("PermissionDenied", "NotFound"), data
        return bool(typename.endswith("Success"))

    return allowed


def _present(name: str) -> Callable[[dict[str, Any], Scene, Town], bool]:
    return lambda data, scene, town: data[name] is not None


def _lists(name: str, item: Callable[[Scene, Town], str]) -> Callable[[dict[str, Any], Scene, Town], bool]:
    """Allowed when the target's item is in the list (a connection's nodes or a plain list)."""

    def allowed(data: dict[str, Any], scene: Scene, town: Town) -> bool:
        value = data[name]
        nodes = [edge["node"] for edge in value["edges"]] if isinstance(value, dict) else value
        return item(scene, town) in [node["id"] for node in nodes]

    return allowed


@dataclass(frozen=True)
class Row:
    document: str
    variables: Variables
    allowed: Callable[[dict[str, Any], Scene, Town], bool]
    own: frozenset[Role | None]
    other: frozenset[Role | None]
    upload: str | None = None  # the variable path that carries a photo, for multipart


def mutation(name: str, signature: str, call: str) -> str:
    return f"mutation M{signature} {{ {name}{call} {{ __typename }} }}"


def _incident_id(scene: Scene, town: Town) -> str:
    return encode_id("Incident", scene.of(town).incident.id)


def _offender_id(scene: Scene, town: Town) -> str:
    return encode_id("Offender", scene.of(town).offender.id)


def _referred_id(scene: Scene, town: Town) -> str:
    return encode_id("Incident", scene.of(town).referred.id)


def _alert_id(scene: Scene, town: Town) -> str:
    return encode_id("Alert", scene.of(town).alert.id)


def _live_alert_id(scene: Scene, town: Town) -> str:
    return encode_id("LiveAlert", scene.of(town).live_alert.id)


def _period(scene: Scene, town: Town) -> dict[str, Any]:
    return {"bidId": town.bid_id, **LAST_30_DAYS}


async def _invite_token(scene: Scene, town: Town) -> str:
    email = f"new.{uuid.uuid4().hex[:8]}@example.org"
    data = await scene.gql.execute(
        "mutation I($input: InviteUserInput!) { inviteUser(input: $input) { __typename } }",
        {"input": {"email": email, "role": "SHOP_STAFF", "bidId": town.bid_id, "shopId": town.shop_id(1)}},
        token=scene.world.admin_token,
    )
    assert data["inviteUser"]["__typename"] == "InviteUserSuccess"
    return await link_token_in_outbox(email)


def _phone() -> dict[str, str]:
    return Phone(name="matrix", endpoint=f"http://127.0.0.1:9/push/{uuid.uuid4().hex}").subscription()


async def _staff_phone(scene: Scene, town: Town) -> str:
    """The endpoint of a phone the town's shop staff registered: theirs alone to remove."""
    phone = _phone()
    data = await scene.gql.execute(
        mutation("registerPushSubscription", "($input: PushSubscriptionInput!)", "(input: $input)"),
        {"input": phone},
        token=scene.world.token(STAFF, "home" if town is scene.world.home else "away"),
    )
    assert data["registerPushSubscription"]["__typename"] == "PushSubscriptionSuccess", data
    return phone["endpoint"]


async def _reset_token(scene: Scene, town: Town) -> str:
    email = town.users[STAFF].email
    await scene.gql.execute("mutation R($e: String!) { requestPasswordReset(email: $e) }", {"e": email})
    return (await reset_tokens_in_outbox(email))[-1]


OWN_BID_WIDE = frozenset({MANAGER, POLICE, ADMIN})
OWN_ALL_ROLES = frozenset({STAFF, MANAGER, POLICE, ADMIN})
MANAGERS = frozenset({MANAGER, ADMIN})
ADMINS = frozenset({ADMIN})

MATRIX: dict[str, Row] = {
    # Queries
    "me": Row("query { me { id } }", lambda s, t: {}, _present("me"), LOGGED_IN, LOGGED_IN),
    "bids": Row(
        "query { bids { id } }", lambda s, t: {}, _lists("bids", lambda s, t: t.bid_id), OWN_ALL_ROLES, ADMINS
    ),
    "incidents": Row(
        "query { incidents(first: 100) { edges { node { id } } } }",
        lambda s, t: {},
        _lists("incidents", _incident_id),
        OWN_ALL_ROLES,
        ADMINS,
    ),
    "incident": Row(
        "query Q($id: ID!) { incident(id: $id) { id } }",
        lambda s, t: {"id": _incident_id(s, t)},
        _present("incident"),
        OWN_ALL_ROLES,
        ADMINS,
    ),
    "offenders": Row(
        "query Q($bidId: ID!) { offenders(bidId: $bidId) { edges { node { id } } } }",
        lambda s, t: {"bidId": t.bid_id},
        _lists("offenders", _offender_id),
        OWN_ALL_ROLES,
        ADMINS,
    ),
    "offender": Row(
        "query Q($id: ID!) { offender(id: $id) { id } }",
        lambda s, t: {"id": _offender_id(s, t)},
        _present("offender"),
        OWN_ALL_ROLES,
        ADMINS,
    ),
    "alerts": Row(
        "query { alerts(first: 100) { edges { node { id } } } }",
        lambda s, t: {},
        _lists("alerts", _alert_id),
        OWN_BID_WIDE,
        ADMINS,
    ),
    "alert": Row(
        "query Q($id: ID!) { alert(id: $id) { id } }",
        lambda s, t: {"id": _alert_id(s, t)},
        _present("alert"),
        OWN_BID_WIDE,
        ADMINS,
    ),
    "shop": Row(
        "query Q($id: ID!) { shop(id: $id) { id } }",
        lambda s, t: {"id": t.shop_id(0)},
        _present("shop"),
        OWN_ALL_ROLES,
        ADMINS,
    ),
    # The VAPID public key is what every phone needs before it can subscribe: it is public (answered
    # without an error; null here, where Web Push is not configured).
    "pushPublicKey": Row(
        "query { pushPublicKey }",
        lambda s, t: {},
        lambda data, s, t: "pushPublicKey" in data,
        EVERYONE,
        EVERYONE,
    ),
    # Live alerts are for the BID's members: administrators belong to none.
    "liveAlerts": Row(
        "query Q($bidId: ID!) { liveAlerts(bidId: $bidId) { id } }",
        lambda s, t: {"bidId": t.bid_id},
        _lists("liveAlerts", _live_alert_id),
        frozenset({STAFF, MANAGER, POLICE}),
        frozenset(),
    ),
    "alertRules": Row(
        "query Q($bidId: ID!) { alertRules(bidId: $bidId) { rule } }",
        lambda s, t: {"bidId": t.bid_id},
        _present("alertRules"),
        MANAGERS,
        ADMINS,
    ),
    "areaSummary": Row(
        "query Q($bidId: ID!, $from: Date!, $to: Date!) { areaSummary(bidId: $bidId, from: $from, to: $to) "
        "{ totalIncidents } }",
        _period,
        _present("areaSummary"),
        OWN_BID_WIDE,
        ADMINS,
    ),
    "areaSummaries": Row(
        "query Q($bidIds: [ID!]!, $from: Date!, $to: Date!) { areaSummaries(bidIds: $bidIds, from: $from, "
        "to: $to) { totalIncidents } }",
        lambda s, t: {"bidIds": [t.bid_id], **LAST_30_DAYS},
        _present("areaSummaries"),
        OWN_BID_WIDE,
        ADMINS,
    ),
    "publicSummary": Row(
        "query Q($slug: String!, $from: Date!, $to: Date!) { publicSummary(bidSlug: $slug, from: $from, "
        "to: $to) { bidName } }",
        lambda s, t: {"slug": t.bid.slug, **JUNE},
        _present("publicSummary"),
        EVERYONE,
        EVERYONE,
    ),
    "neighbourhoodTeams": Row(
        "query { neighbourhoodTeams { id } }",
        lambda s, t: {},
        _lists("neighbourhoodTeams", lambda s, t: t.team_id),
        OWN_ALL_ROLES,
        ADMINS,
    ),
    "members": Row(
        "query Q($bidId: ID!) { members(bidId: $bidId) { edges { node { id } } } }",
        lambda s, t: {"bidId": t.bid_id},
        _lists("members", lambda s, t: encode_id("Membership", s.of(t).membership.id)),
        MANAGERS,
        ADMINS,
    ),
    "invitations": Row(
        "query Q($bidId: ID!) { invitations(bidId: $bidId) { edges { node { email } } } }",
        lambda s, t: {"bidId": t.bid_id},
        lambda data, s, t: bool(data["invitations"]["edges"]),
        MANAGERS,
        ADMINS,
    ),
    "users": Row(
        "query { users(first: 100) { edges { node { id } } } }",
        lambda s, t: {},
        _lists("users", lambda s, t: encode_id("User", t.users[STAFF].id)),
        ADMINS,
        ADMINS,
    ),
    "auditEntries": Row(
        "query Q($bidId: ID!) { auditEntries(filter: {bidId: $bidId}) { edges { node { id } } } }",
        lambda s, t: {"bidId": t.bid_id},
        lambda data, s, t: bool(data["auditEntries"]["edges"]),
        ADMINS,
        ADMINS,
    ),
    "auditChain": Row(
        "query { auditChain { intact } }", lambda s, t: {}, _present("auditChain"), ADMINS, ADMINS
    ),
    "exportOffenderData": Row(
        "query Q($id: ID!) { exportOffenderData(offenderId: $id) { offender { id } } }",
        lambda s, t: {"id": _offender_id(s, t)},
        _present("exportOffenderData"),
        MANAGERS,
        ADMINS,
    ),
    # Accounts: logging in and one-time links work for whoever holds the secret.
    "login": Row(
        "mutation M($e: String!, $p: String!) { login(email: $e, password: $p) { __typename } }",
        lambda s, t: {"e": t.users[STAFF].email, "p": PASSWORD},
        lambda data, s, t: data["login"]["__typename"] == "LoginSuccess",
        EVERYONE,
        EVERYONE,
    ),
    "logout": Row(
        "mutation { logout }", lambda s, t: {}, lambda data, s, t: data["logout"], LOGGED_IN, LOGGED_IN
    ),
    "inviteUser": Row(
        mutation("inviteUser", "($input: InviteUserInput!)", "(input: $input)"),
        lambda s, t: {
            "input": {
                "email": "new.worker@example.org",
                "role": "SHOP_STAFF",
                "bidId": t.bid_id,
                "shopId": t.shop_id(1),
            }
        },
        _success("inviteUser"),
        MANAGERS,
        ADMINS,
    ),
    "acceptInvite": Row(
        'mutation M($token: String!) { acceptInvite(token: $token, name: "New Worker", '
        'password: "a long new password") { __typename } }',
        lambda s, t: {"token": s.tokens["acceptInvite"]},
        lambda data, s, t: data["acceptInvite"]["__typename"] == "LoginSuccess",
        EVERYONE,
        EVERYONE,
    ),
    "requestPasswordReset": Row(
        "mutation M($e: String!) { requestPasswordReset(email: $e) }",
        lambda s, t: {"e": t.users[STAFF].email},
        lambda data, s, t: data["requestPasswordReset"],
        EVERYONE,
        EVERYONE,
    ),
    "resetPassword": Row(
        'mutation M($token: String!) { resetPassword(token: $token, password: "a long new password") '
        "{ __typename } }",
        lambda s, t: {"token": s.tokens["resetPassword"]},
        lambda data, s, t: data["resetPassword"]["__typename"] == "LoginSuccess",
        EVERYONE,
        EVERYONE,
    ),
    # Places
    "createBid": Row(
        mutation("createBid", "($input: CreateBidInput!)", "(input: $input)"),
        lambda s, t: {"input": {"name": "Newtown BID", "slug": f"newtown-{t.bid.slug}"}},
        _success("createBid"),
        ADMINS,
        ADMINS,
    ),
    "createShop": Row(
        mutation("createShop", "($input: CreateShopInput!)", "(input: $input)"),
        lambda s, t: {
            "input": {
                "bidId": t.bid_id,
                "name": "New Shop",
                "address": "9 High Street",
                "postcode": "MH1 1AA",
                "latitude": 52.19,
                "longitude": -1.70,
            }
        },
        _success("createShop"),
        MANAGERS,
        ADMINS,
    ),
    "updateRetention": Row(
        mutation("updateRetention", "($input: UpdateRetentionInput!)", "(input: $input)"),
        lambda s, t: {"input": {"bidId": t.bid_id, "offenderRetentionMonths": 18}},
        _success("updateRetention"),
        MANAGERS,
        ADMINS,
    ),
    "updateBid": Row(
        mutation("updateBid", "($input: UpdateBidInput!)", "(input: $input)"),
        lambda s, t: {"input": {"bidId": t.bid_id, "name": "Renamed BID"}},
        _success("updateBid"),
        ADMINS,
        ADMINS,
    ),
    "updateShop": Row(
        mutation("updateShop", "($input: UpdateShopInput!)", "(input: $input)"),
        lambda s, t: {"input": {"shopId": t.shop_id(1), "name": "Renamed Shop", "closed": True}},
        _success("updateShop"),
        MANAGERS,
        ADMINS,
    ),
    "updateNeighbourhoodTeam": Row(
        mutation("updateNeighbourhoodTeam", "($input: UpdateTeamInput!)", "(input: $input)"),
        lambda s, t: {"input": {"teamId": t.team_id, "name": "Renamed NPT"}},
        _success("updateNeighbourhoodTeam"),
        ADMINS,
        ADMINS,
    ),
    # People: managers take away the roles they may give; administrators any, and close accounts.
    "revokeMembership": Row(
        mutation("revokeMembership", "($id: ID!)", "(membershipId: $id)"),
        lambda s, t: {"id": encode_id("Membership", s.of(t).membership.id)},
        _success("revokeMembership"),
        MANAGERS,
        ADMINS,
    ),
    "deactivateUser": Row(
        mutation("deactivateUser", "($id: ID!)", "(userId: $id)"),
        lambda s, t: {"id": encode_id("User", t.users[STAFF].id)},
        _success("deactivateUser"),
        ADMINS,
        ADMINS,
    ),
    "createNeighbourhoodTeam": Row(
        mutation("createNeighbourhoodTeam", "($input: CreateTeamInput!)", "(input: $input)"),
        lambda s, t: {"input": {"name": "New NPT", "email": "npt@new.example.org", "bidIds": [t.bid_id]}},
        _success("createNeighbourhoodTeam"),
        ADMINS,
        ADMINS,
    ),
    # Incidents: reported by the shop's staff or the BID's managers; administrators run the system
    # and report nothing.
    "reportIncident": Row(
        mutation("reportIncident", "($input: ReportIncidentInput!)", "(input: $input)"),
        lambda s, t: {
            "input": {
                "clientId": str(uuid.uuid4()),
                "shopId": t.shop_id(0),
                "kind": "THEFT",
                "occurredAt": (now() - timedelta(minutes=10)).isoformat(),
                "description": "Took razor blades.",
            }
        },
        _success("reportIncident"),
        frozenset({STAFF, MANAGER}),
        frozenset(),
    ),
    "addIncidentPhoto": Row(
        mutation(
            "addIncidentPhoto",
            "($incidentId: ID!, $photo: Upload!)",
            "(incidentId: $incidentId, photo: $photo)",
        ),
        lambda s, t: {"incidentId": _incident_id(s, t), "photo": None},
        _success("addIncidentPhoto"),
        frozenset({STAFF, MANAGER}),
        frozenset(),
        upload="variables.photo",
    ),
    # The gallery
    "createOffender": Row(
        mutation("createOffender", "($input: CreateOffenderInput!)", "(input: $input)"),
        lambda s, t: {"input": {"bidId": t.bid_id, "displayName": "Blue coat"}},
        _success("createOffender"),
        MANAGERS,
        ADMINS,
    ),
    "updateOffender": Row(
        mutation("updateOffender", "($input: UpdateOffenderInput!)", "(input: $input)"),
        lambda s, t: {"input": {"offenderId": _offender_id(s, t), "description": "Now wears glasses."}},
        _success("updateOffender"),
        MANAGERS,
        ADMINS,
    ),
    "mergeOffenders": Row(
        mutation("mergeOffenders", "($keepId: ID!, $mergeId: ID!)", "(keepId: $keepId, mergeId: $mergeId)"),
        lambda s, t: {"keepId": _offender_id(s, t), "mergeId": encode_id("Offender", s.of(t).duplicate.id)},
        _success("mergeOffenders"),
        MANAGERS,
        ADMINS,
    ),
    "addOffenderPhoto": Row(
        mutation(
            "addOffenderPhoto",
            "($offenderId: ID!, $photo: Upload!)",
            "(offenderId: $offenderId, photo: $photo)",
        ),
        lambda s, t: {"offenderId": _offender_id(s, t), "photo": None},
        _success("addOffenderPhoto"),
        MANAGERS,
        ADMINS,
        upload="variables.photo",
    ),
    # The reporter may link their own report; managers and admins any.
    "linkOffender": Row(
        mutation(
            "linkOffender",
            "($incidentId: ID!, $offenderId: ID!)",
            "(incidentId: $incidentId, offenderId: $offenderId)",
        ),
        lambda s, t: {"incidentId": _incident_id(s, t), "offenderId": _offender_id(s, t)},
        _success("linkOffender"),
        frozenset({STAFF, MANAGER, ADMIN}),
        ADMINS,
    ),
    "unlinkOffender": Row(
        mutation(
            "unlinkOffender",
            "($incidentId: ID!, $offenderId: ID!)",
            "(incidentId: $incidentId, offenderId: $offenderId)",
        ),
        lambda s, t: {
            "incidentId": encode_id("Incident", s.of(t).linked.id),
            "offenderId": _offender_id(s, t),
        },
        _success("unlinkOffender"),
        MANAGERS,
        ADMINS,
    ),
    "issueExclusion": Row(
        mutation("issueExclusion", "($input: IssueExclusionInput!)", "(input: $input)"),
        lambda s, t: {
            "input": {
                "offenderId": _offender_id(s, t),
                "startsOn": LAST_30_DAYS["to"],
                "reason": "Repeated thefts across the town centre.",
            }
        },
        _success("issueExclusion"),
        MANAGERS,
        ADMINS,
    ),
    # "Not this person": whoever may link.
    "dismissSuggestion": Row(
        mutation(
            "dismissSuggestion",
            "($incidentId: ID!, $offenderId: ID!)",
            "(incidentId: $incidentId, offenderId: $offenderId)",
        ),
        lambda s, t: {"incidentId": _incident_id(s, t), "offenderId": _offender_id(s, t)},
        _success("dismissSuggestion"),
        frozenset({STAFF, MANAGER, ADMIN}),
        ADMINS,
    ),
    "endExclusion": Row(
        mutation("endExclusion", "($input: EndExclusionInput!)", "(input: $input)"),
        lambda s, t: {
            "input": {"exclusionId": encode_id("Exclusion", s.of(t).exclusion.id), "reason": "Moved away."}
        },
        _success("endExclusion"),
        MANAGERS,
        ADMINS,
    ),
    # Working a case: the status for the BID's managers and covering police; the police reference for
    # the reporter (here the town's shop staff) and the managers.
    "updateIncidentStatus": Row(
        mutation("updateIncidentStatus", "($input: UpdateIncidentStatusInput!)", "(input: $input)"),
        lambda s, t: {"input": {"incidentId": _incident_id(s, t), "status": "REVIEWED", "note": "Seen."}},
        _success("updateIncidentStatus"),
        OWN_BID_WIDE,
        ADMINS,
    ),
    "updateIncident": Row(
        mutation("updateIncident", "($input: UpdateIncidentInput!)", "(input: $input)"),
        lambda s, t: {"input": {"incidentId": _incident_id(s, t), "policeReference": "WM-2026-1234"}},
        _success("updateIncident"),
        frozenset({STAFF, MANAGER, ADMIN}),
        ADMINS,
    ),
    # Evidence: the BID's managers refer (staff only where the BID allows it, which it does not here);
    # covering police record the case; the reporter and managers sign statements and list property;
    # the shop's staff and managers record its impact statement.
    "referToPolice": Row(
        mutation("referToPolice", "($input: ReferToPoliceInput!)", "(input: $input)"),
        lambda s, t: {"input": {"incidentId": _incident_id(s, t), "crimeReference": "43/1/26"}},
        _success("referToPolice"),
        MANAGERS,
        ADMINS,
    ),
    "updatePoliceCase": Row(
        mutation("updatePoliceCase", "($input: UpdatePoliceCaseInput!)", "(input: $input)"),
        lambda s, t: {"input": {"incidentId": _referred_id(s, t), "state": "CRIME_NUMBER_ISSUED"}},
        _success("updatePoliceCase"),
        frozenset({POLICE, ADMIN}),
        ADMINS,
    ),
    "recordWitnessStatement": Row(
        mutation("recordWitnessStatement", "($input: RecordWitnessStatementInput!)", "(input: $input)"),
        lambda s, t: {
            "input": {
                "incidentId": _incident_id(s, t),
                "witnessName": "Ann Lee",
                "occupation": "Cashier",
                "over18": True,
                "text": "I saw him take the razor blades.",
                "signature": {"image": signature_url(), "typedName": "Ann Lee"},
            }
        },
        _success("recordWitnessStatement"),
        frozenset({STAFF, MANAGER, ADMIN}),
        ADMINS,
    ),
    "setIncidentProperty": Row(
        mutation("setIncidentProperty", "($input: SetIncidentPropertyInput!)", "(input: $input)"),
        lambda s, t: {
            "input": {
                "incidentId": _incident_id(s, t),
                "lines": [{"description": "Razor blades", "quantity": 4, "unitPricePence": 899}],
            }
        },
        _success("setIncidentProperty"),
        frozenset({STAFF, MANAGER, ADMIN}),
        ADMINS,
    ),
    "recordImpactStatement": Row(
        mutation("recordImpactStatement", "($input: RecordImpactStatementInput!)", "(input: $input)"),
        lambda s, t: {
            "input": {
                "shopId": t.shop_id(0),
                "text": "Staff fear the late shift.",
                "authorName": "Ann Lee",
                "position": "Store manager",
            }
        },
        _success("recordImpactStatement"),
        frozenset({STAFF, MANAGER, ADMIN}),
        ADMINS,
    ),
    # Alerts
    "broadcast": Row(
        mutation("broadcast", "($input: BroadcastInput!)", "(input: $input)"),
        lambda s, t: {"input": {"bidId": t.bid_id, "message": "Red cap heading to the market"}},
        _success("broadcast"),
        OWN_BID_WIDE,
        ADMINS,
    ),
    # A phone is its user's own, whatever the BID: anyone logged in registers theirs; only its owner
    # removes it.
    "registerPushSubscription": Row(
        mutation("registerPushSubscription", "($input: PushSubscriptionInput!)", "(input: $input)"),
        lambda s, t: {"input": _phone()},
        _success("registerPushSubscription"),
        LOGGED_IN,
        LOGGED_IN,
    ),
    "removePushSubscription": Row(
        mutation("removePushSubscription", "($endpoint: String!)", "(endpoint: $endpoint)"),
        lambda s, t: {"endpoint": s.tokens["removePushSubscription"]},
        _success("removePushSubscription"),
        frozenset({STAFF}),
        frozenset(),
    ),
    "acknowledgeAlert": Row(
        mutation("acknowledgeAlert", "($alertId: ID!)", "(alertId: $alertId)"),
        lambda s, t: {"alertId": _alert_id(s, t)},
        _success("acknowledgeAlert"),
        OWN_BID_WIDE,
        ADMINS,
    ),
    "updateAlertRules": Row(
        mutation("updateAlertRules", "($input: UpdateAlertRulesInput!)", "(input: $input)"),
        lambda s, t: {
            "input": {
                "bidId": t.bid_id,
                "rules": [{"rule": "REPEAT_OFFENDER", "enabled": True, "threshold": 4}],
            }
        },
        _success("updateAlertRules"),
        MANAGERS,
        ADMINS,
    ),
}


def test_every_operation_has_a_row() -> None:
    schema = build_schema(production=False)._schema
    operations = set(schema.query_type.fields) | set(schema.mutation_type.fields)  # type: ignore[union-attr]
    assert operations - set(MATRIX) == set(), "add a row for each new operation"
    assert set(MATRIX) - operations == set(), "remove the rows of operations that are gone"


async def _things(town: Town) -> Things:
    offender = await make_offender(town, "Red cap")
    linked = await make_incident(town, description="linked already")
    await link(linked, offender)
    moment = now()
    await record(SYSTEM, "matrix.setup", f"Bid:{town.bid.id}", bid_id=town.bid.id)
    await Invite.create(
        token_hash=uuid.uuid4().hex,
        email=f"invited@{town.bid.slug}.example.org",
        role=STAFF,
        bid=town.bid,
        shop=town.shops[1],
        expires_at=moment + timedelta(days=7),
    )
    alert = await Alert.create(
        bid=town.bid,
        rule=AlertRule.REPEAT_OFFENDER,
        summary="3 incidents in 30 days",
        offender=offender,
        created_at=moment,
        open_until=moment + timedelta(days=7),
    )
    exclusion = await Exclusion.create(
        offender=offender,
        starts_on=today() - timedelta(days=10),
        ends_on=today() + timedelta(days=300),
        reason="Repeated thefts.",
    )
    referred = await make_incident(town, description="referred already")
    await PoliceCaseUpdate.create(incident=referred, state=PoliceCaseState.REPORTED, at=moment)
    await WitnessStatement.create(
        incident=referred,
        version=1,
        taken_by=town.users[MANAGER],
        witness_name="Joe Bloggs",
        occupation="Security officer",
        over_18=True,
        text="I stopped him at the door.",
        signed_name="Joe Bloggs",
        signed_at=moment,
        signature_png=signature_png(),
        sha256="0" * 64,
        created_at=moment,
    )
    await BusinessImpactStatement.create(
        shop=town.shops[0],
        text="Staff fear the late shift.",
        author_name="Ann Lee",
        position="Manager",
        recorded_at=moment,
    )
    return Things(
        referred=referred,
        incident=await make_incident(town),
        offender=offender,
        duplicate=await make_offender(town, "Red cap (again)"),
        linked=linked,
        alert=alert,
        exclusion=exclusion,
        membership=await Membership.get(user=town.users[STAFF]),
        live_alert=await LiveAlert.create(
            bid=town.bid, kind=LiveAlertKind.BROADCAST, created_at=moment, message="Watch the doors"
        ),
    )


@pytest.fixture
async def matrix_scene(world: World, gql: GraphQLClient) -> Scene:
    scene = Scene(world=world, things={}, gql=gql, tokens={})
    for town in (world.home, world.away):
        scene.things[town.bid.slug] = await _things(town)
    return scene


async def _send(
    http: httpx.AsyncClient, row: Row, variables: dict[str, Any], token: str | None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if row.upload is None:
        return await http.post(
            "/graphql", json={"query": row.document, "variables": variables}, headers=headers
        )
    return await http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": row.document, "variables": variables}),
            "map": json.dumps({"0": [row.upload]}),
        },
        files={"0": ("photo.jpg", jpeg(scene(1, (64, 48))), "image/jpeg")},
        headers=headers,
    )


CELLS = [
    (name, role, target)
    for name in MATRIX
    for role in (ANONYMOUS, STAFF, MANAGER, POLICE, ADMIN)
    for target in ("own", "other")
]


@pytest.mark.parametrize(("name", "role", "target"), CELLS)
async def test_cell(
    matrix_scene: Scene, http: httpx.AsyncClient, name: str, role: Role | None, target: str
) -> None:
    row = MATRIX[name]
    world = matrix_scene.world
    town = world.home if target == "own" else world.away
    if name == "acceptInvite":
        matrix_scene.tokens[name] = await _invite_token(matrix_scene, town)
    if name == "resetPassword":
        matrix_scene.tokens[name] = await _reset_token(matrix_scene, town)
    if name == "removePushSubscription":
        matrix_scene.tokens[name] = await _staff_phone(matrix_scene, town)
    response = await _send(http, row, row.variables(matrix_scene, town), world.token(role, "home"))
    expected = role in (row.own if target == "own" else row.other)
    if response.status_code == 403:  # an upload without a bearer token: refused before GraphQL
        assert role is None and row.upload is not None, response.text
        assert not expected
        return
    assert response.status_code == 200, response.text
    body = response.json()
    allowed = False if body.get("errors") else row.allowed(body["data"], matrix_scene, town)
    assert allowed == expected, f"{name} as {role} on the {target} BID: {body}"


# Fields whose answer depends on who asks, on an incident or shop the viewer may otherwise see:
# allowed when the field answers something, refused when it is null or empty.
def _field(path: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any], Scene, Town], bool]:
    def allowed(data: dict[str, Any], scene: Scene, town: Town) -> bool:
        try:
            return bool(path(data))
        except (KeyError, TypeError):
            return False

    return allowed


def _referred_field(name: str, selection: str = "") -> Row:
    return Row(
        f"query Q($id: ID!) {{ incident(id: $id) {{ {name} {selection} }} }}",
        lambda s, t: {"id": _referred_id(s, t)},
        _field(lambda data: data["incident"][name]),
        frozenset(),
        frozenset(),
    )


FIELDS: dict[str, Row] = {
    "Incident.policeCase": dataclasses.replace(
        _referred_field("policeCase", "{ state }"), own=OWN_ALL_ROLES, other=ADMINS
    ),
    # The statement was taken down by the manager, so the reporter (staff) is not its witness.
    "Incident.statements": dataclasses.replace(
        _referred_field("statements", "{ id }"), own=OWN_BID_WIDE, other=ADMINS
    ),
    "Incident.statementDraft": dataclasses.replace(
        _referred_field("statementDraft"), own=frozenset({STAFF, MANAGER, ADMIN}), other=ADMINS
    ),
    "Incident.mayRecordStatement": dataclasses.replace(
        _referred_field("mayRecordStatement"), own=frozenset({STAFF, MANAGER, ADMIN}), other=ADMINS
    ),
    "Incident.mayUpdatePoliceCase": dataclasses.replace(
        _referred_field("mayUpdatePoliceCase"), own=frozenset({POLICE, ADMIN}), other=ADMINS
    ),
    "Incident.mayReferToPolice": Row(
        "query Q($id: ID!) { incident(id: $id) { mayReferToPolice } }",
        lambda s, t: {"id": _incident_id(s, t)},
        _field(lambda data: data["incident"]["mayReferToPolice"]),
        MANAGERS,
        ADMINS,
    ),
    "Incident.evidencePackUrl": dataclasses.replace(
        _referred_field("evidencePackUrl"), own=OWN_BID_WIDE, other=ADMINS
    ),
    # Of the shop where the incident happened (the staff's own).
    "Shop.impactStatement": Row(
        "query Q($id: ID!) { incident(id: $id) { shop { impactStatement { text } } } }",
        lambda s, t: {"id": _referred_id(s, t)},
        _field(lambda data: data["incident"]["shop"]["impactStatement"]),
        OWN_ALL_ROLES,
        ADMINS,
    ),
}

FIELD_CELLS = [
    (name, role, target)
    for name in FIELDS
    for role in (ANONYMOUS, STAFF, MANAGER, POLICE, ADMIN)
    for target in ("own", "other")
]


@pytest.mark.parametrize(("name", "role", "target"), FIELD_CELLS)
async def test_field_cell(
    matrix_scene: Scene, http: httpx.AsyncClient, name: str, role: Role | None, target: str
) -> None:
    row = FIELDS[name]
    world = matrix_scene.world
    town = world.home if target == "own" else world.away
    response = await _send(http, row, row.variables(matrix_scene, town), world.token(role, "home"))
    assert response.status_code == 200, response.text
    body = response.json()
    allowed = False if body.get("errors") else row.allowed(body["data"], matrix_scene, town)
    assert allowed == (role in (row.own if target == "own" else row.other)), (
        f"{name} as {role} on {target}: {body}"
    )
