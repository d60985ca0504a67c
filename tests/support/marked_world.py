"""Three town centres whose every name, address, email, description, time and id is a marker that
belongs to one BID, so a response can be searched for anything of a BID out of the viewer's reach.

Each town holds, at its first shop, an incident reported by a user who belongs to every town (the
bridge) and one linked to an ARCHIVED offender; at its second shop, the latest incident of its ACTIVE
offender; an alert the bridge acknowledged and one its own police officer did. Every incident has a
status change with a note by the town's manager, and every exclusion was ended early with a reason.
A viewer who belongs to two of the towns sees into both, from where they stand in each.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from shopwatch.accounts.models import Membership, Role, User
from shopwatch.accounts.sessions import start_session
from shopwatch.alerts.models import Alert, AlertRecipient, AlertRule
from shopwatch.core.clock import now
from shopwatch.core.ids import encode_id
from shopwatch.evidence.models import (
    BusinessImpactStatement,
    Exhibit,
    PoliceCaseState,
    PoliceCaseUpdate,
    PropertyLine,
    WitnessStatement,
)
from shopwatch.incidents.models import Incident, IncidentKind, IncidentStatus, IncidentStatusChange, Photo
from shopwatch.offenders.models import Exclusion, Offender, OffenderLink, OffenderPhoto, OffenderStatus
from tests.support.evidence import signature_png
from tests.support.world import Town, make_town, make_user


@dataclass
class Markers:
    """What belongs to one BID, or to one part of it: matched whole (ids, slugs, times) or inside
    any string (names, addresses, emails, descriptions), and coordinates as numbers."""

    exact: set[str] = field(default_factory=set)
    text: set[str] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)

    def __ior__(self, other: Markers) -> Markers:
        self.exact |= other.exact
        self.text |= other.text
        self.numbers |= other.numbers
        return self

    def found_in(self, value: Any, path: str = "") -> Iterator[tuple[str, str]]:
        """(path, marker) for every marker in a JSON value; cursors and photo URLs are looked into."""
        if isinstance(value, dict):
            for key, item in value.items():
                yield from self.found_in(item, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from self.found_in(item, f"{path}[{index}]")
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, int | float):
            if float(value) in self.numbers:
                yield path, str(value)
        elif isinstance(value, str):
            for candidate in (value, *_inside(value)):
                if candidate in self.exact:
                    yield path, candidate
                for marker in self.text:
                    if marker in candidate:
                        yield path, marker


def _inside(value: str) -> list[str]:
    """What a string carries inside it: the ID in a photo URL or an evidence pack's, the text of a
    base64 cursor."""
    parts = value.split("/")
    inside = [parts[3]] if value.startswith("/media/") and len(parts) > 3 else []
    if value.startswith("/export/evidence/") and len(parts) > 3:
        inside.append(parts[3].removesuffix(".zip"))
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return inside
    return [*inside, decoded, *decoded.split("|")]


@dataclass
class MarkedTown:
    town: Town
    markers: Markers  # everything of the BID
    staff_hidden: dict[int, Markers]  # per shop: what its staff may not see of their own BID
    incidents: list[Incident]
    offenders: list[Offender]
    alerts: list[Alert]

    @property
    def slug(self) -> str:
        return self.town.bid.slug


@dataclass
class Viewer:
    name: str
    token: str
    in_reach: frozenset[str]  # slugs of the BIDs they belong to
    staff_at: dict[str, int]  # slug -> index of the shop where they are only shop staff


@dataclass
class MarkedWorld:
    towns: dict[str, MarkedTown]
    bridge: User

    def out_of_reach(self, viewer: Viewer) -> Markers:
        markers = Markers()
        for slug, town in self.towns.items():
            if slug not in viewer.in_reach:
                markers |= town.markers
            elif slug in viewer.staff_at:
                markers |= town.staff_hidden[viewer.staff_at[slug]]
        return markers

    def ids(self, kind: str) -> list[str]:
        things: dict[str, list[Any]] = {
            "Incident": [i for t in self.towns.values() for i in t.incidents],
            "Offender": [o for t in self.towns.values() for o in t.offenders],
            "Alert": [a for t in self.towns.values() for a in t.alerts],
            "Bid": [t.town.bid for t in self.towns.values()],
            "Shop": [s for t in self.towns.values() for s in t.town.shops],
        }
        return [encode_id(kind, thing.id) for thing in things[kind]]


def _id_markers(kind: str, *things: Any) -> set[str]:
    return {encode_id(kind, thing.id) for thing in things}


async def _mark_shops(town: Town, latitude: float) -> Markers:
    markers = Markers(exact={town.bid.slug, encode_id("Bid", town.bid.id)}, text={town.bid.name})
    for n, shop in enumerate(town.shops, start=1):
        slug = town.bid.slug.title()
        shop.address, shop.postcode = f"{n} {slug}gate Row", f"{slug[:2].upper()}{n} 9ZZ"
        shop.latitude, shop.longitude = latitude + n / 1000, -(latitude + n / 1000) / 50
        await shop.save()
        markers.exact.add(encode_id("Shop", shop.id))
        markers.text |= {shop.name, shop.address, shop.postcode}
        markers.numbers |= {shop.latitude, shop.longitude}
    team = town.team
    markers.exact.add(encode_id("NeighbourhoodTeam", team.id))
    markers.text |= {team.name, team.email}
    for user in town.users.values():
        markers.exact.add(encode_id("User", user.id))
        markers.text |= {user.email, user.name}
    return markers


def _photo_row() -> dict[str, Any]:
    """A photo row with a unique SHA-256; no file behind it (the walk never fetches one)."""
    sha = uuid.uuid4().hex * 2
    return {
        "sha256": sha,
        "content_type": "image/jpeg",
        "original_path": f"originals/{sha}.jpg",
        "display_path": f"display/{sha}.jpg",
        "thumbnail_path": f"thumbnails/{sha}.jpg",
        "width": 640,
        "height": 480,
        "byte_size": 1000,
        "perceptual_hash": "0" * 16,
    }


async def _incident(town: Town, shop: int, hours_ago: int, reporter: User, label: str) -> Incident:
    # Each town's times differ by whole minutes, so a time is a marker of one town.
    minutes = sum(map(ord, town.bid.slug)) % 50
    moment = now().replace(microsecond=0) - timedelta(hours=hours_ago, minutes=minutes)
    incident = await Incident.create(
        client_id=uuid.uuid4(),
        bid=town.bid,
        shop=town.shops[shop],
        reporter=reporter,
        kind=IncidentKind.THEFT,
        occurred_at=moment,
        reported_at=moment,
        description=f"{town.bid.name} {label} description",
        police_reference=f"{town.bid.slug.upper()}-{label}-REF",
        vehicle_registration=f"{town.bid.slug[:2].upper()}{shop}{hours_ago}ZZZ",
    )
    await Photo.create(incident=incident, **_photo_row())
    return await Incident.get(id=incident.id)


async def _incident_markers(incidents: list[Incident]) -> Markers:
    markers = Markers()
    for incident in incidents:
        markers.exact |= {
            encode_id("Incident", incident.id),
            str(incident.client_id),
            incident.occurred_at.isoformat(),
        }
        markers.text |= {incident.description, incident.police_reference or ""}
        markers.text |= set(
            await IncidentStatusChange.filter(incident_id=incident.id).values_list("note", flat=True)
        )
        for photo in await Photo.filter(incident_id=incident.id):
            markers.exact |= {encode_id("Photo", photo.id), photo.sha256}
    return markers


async def _offender(town: Town, label: str, status: OffenderStatus, *linked: Incident) -> Offender:
    offender = await Offender.create(
        bid=town.bid,
        display_name=f"{town.bid.name} {label} offender",
        description=f"{town.bid.name} {label} offender's description",
        status=status,
        last_seen_at=max(incident.occurred_at for incident in linked),
    )
    for incident in linked:
        await OffenderLink.create(incident=incident, offender=offender)
    await OffenderPhoto.create(offender=offender, **_photo_row())
    await Exclusion.create(
        offender=offender,
        starts_on=date.today() - timedelta(days=400),
        ends_on=date.today() - timedelta(days=40),
        reason=f"{town.bid.name} {label} exclusion reason",
        ended_at=now() - timedelta(days=39),
        end_reason=f"{town.bid.name} {label} exclusion end reason",
    )
    return offender


async def _offender_markers(offenders: list[Offender]) -> Markers:
    markers = Markers()
    for offender in offenders:
        markers.exact.add(encode_id("Offender", offender.id))
        markers.text |= {offender.display_name, offender.description}
        markers.exact |= _id_markers("OffenderPhoto", *await OffenderPhoto.filter(offender_id=offender.id))
        for exclusion in await Exclusion.filter(offender_id=offender.id):
            markers.exact.add(encode_id("Exclusion", exclusion.id))
            markers.text |= {exclusion.reason, *filter(None, [exclusion.end_reason])}
    return markers


async def _alert(town: Town, label: str, acknowledged_by: User, **subject: Any) -> Alert:
    moment = now()
    alert = await Alert.create(
        bid=town.bid,
        summary=f"{town.bid.name} {label} alert summary",
        created_at=moment,
        open_until=moment + timedelta(days=7),
        acknowledged_by=acknowledged_by,
        acknowledged_at=moment,
        **subject,
    )
    await AlertRecipient.create(alert=alert, address=town.team.email)
    return alert


async def _evidence(town: Town, incident: Incident) -> tuple[Markers, Markers]:
    """A referral, a statement the manager took down producing the incident's photo as an exhibit,
    a property line and the shop's impact statement: (what the incident's viewers may see, what only
    managers, police and administrators may, the statement)."""
    name, manager = town.bid.name, town.users[Role.BID_MANAGER]
    case = await PoliceCaseUpdate.create(
        incident=incident,
        state=PoliceCaseState.REPORTED,
        note=f"{name} referral note",
        crime_reference=f"{town.bid.slug.upper()}-CRIME-REF",
        by_user=manager,
        at=incident.occurred_at,
    )
    line = await PropertyLine.create(
        incident=incident, position=1, description=f"{name} stolen goods", quantity=1, unit_price_pence=100
    )
    statement = await WitnessStatement.create(
        incident=incident,
        version=1,
        taken_by=manager,
        witness_name=f"{name} Witness",
        occupation=f"{name} occupation",
        over_18=True,
        text=f"{name} statement text",
        signed_name=f"{name} Witness",
        signed_at=incident.occurred_at,
        signature_png=signature_png(),
        sha256=uuid.uuid4().hex * 2,
        created_at=incident.occurred_at,
    )
    photo = await Photo.filter(incident_id=incident.id).first()
    assert photo is not None
    exhibit = await Exhibit.create(
        incident=incident, photo=photo, statement=statement, reference=f"{town.bid.slug.upper()}W/1"
    )
    seen = Markers(
        exact={encode_id("PoliceCaseUpdate", case.id), encode_id("PropertyLine", line.id), exhibit.reference},
        text={case.note, case.crime_reference or "", line.description},
    )
    statements = Markers(
        exact={encode_id("WitnessStatement", statement.id), statement.sha256},
        text={statement.witness_name, statement.occupation, statement.text},
    )
    return seen, statements


async def _impact(town: Town, shop: int) -> Markers:
    impact = await BusinessImpactStatement.create(
        shop=town.shops[shop],
        text=f"{town.bid.name} shop {shop} impact text",
        author_name=f"{town.bid.name} shop {shop} impact author",
        position=f"{town.bid.name} shop {shop} impact position",
        recorded_at=now(),
    )
    return Markers(text={impact.text, impact.author_name, impact.position})


async def _marked_town(slug: str, latitude: float, bridge: User) -> MarkedTown:
    town = await make_town(slug)
    markers = await _mark_shops(town, latitude)
    staff, manager = town.users[Role.SHOP_STAFF], town.users[Role.BID_MANAGER]
    bridged = await _incident(town, 0, 3, bridge, "bridged")
    archived_one = await _incident(town, 0, 2, staff, "archived-offender")
    other_shop = await _incident(town, 1, 1, manager, "second-shop")
    incidents = [bridged, archived_one, other_shop]
    for incident in incidents:
        await IncidentStatusChange.create(
            incident=incident,
            previous_status=IncidentStatus.NEW,
            status=IncidentStatus.REVIEWED,
            note=f"{town.bid.name} {incident.description} status note",
            changed_by=manager,
            changed_at=incident.occurred_at + timedelta(minutes=5),
        )
    case_markers, statement_markers = await _evidence(town, bridged)
    impact_markers = [await _impact(town, 0), await _impact(town, 1)]
    active = await _offender(town, "active", OffenderStatus.ACTIVE, bridged, other_shop)
    archived = await _offender(town, "archived", OffenderStatus.ARCHIVED, archived_one)
    offenders = [active, archived]
    alerts = [
        await _alert(town, "repeat", bridge, rule=AlertRule.REPEAT_OFFENDER, offender=active),
        await _alert(
            town, "hotspot", town.users[Role.POLICE], rule=AlertRule.SHOP_HOTSPOT, shop=town.shops[1]
        ),
    ]
    markers |= await _incident_markers(incidents)
    markers |= await _offender_markers(offenders)
    markers.exact |= _id_markers("Alert", *alerts)
    markers.text |= {alert.summary for alert in alerts}
    markers |= case_markers
    markers |= statement_markers
    for impact in impact_markers:
        markers |= impact
    # Staff of the first shop see neither the second shop's incident nor the archived record; and
    # the other way round.
    first_hidden = await _incident_markers([other_shop])
    # Nor a statement a manager took down, nor another shop's impact statement.
    first_hidden |= await _offender_markers([archived])
    first_hidden |= statement_markers
    first_hidden |= impact_markers[1]
    second_hidden = await _incident_markers([bridged, archived_one])
    second_hidden |= await _offender_markers([archived])
    second_hidden |= case_markers
    second_hidden |= statement_markers
    second_hidden |= impact_markers[0]
    return MarkedTown(
        town=town,
        markers=markers,
        staff_hidden={0: first_hidden, 1: second_hidden},
        incidents=incidents,
        offenders=offenders,
        alerts=alerts,
    )


async def make_marked_world() -> tuple[MarkedWorld, list[Viewer]]:
    """The world, and its viewers: every role of the home town, and a two-BID user (shop staff at
    home's second shop, manager of the side town). The away town is out of everyone's reach."""
    bridge = await User.create(email="bridge@example.org", name="Bridge User", password_hash="-")
    towns = {}
    for slug, latitude in (("home", 51.1), ("away", 53.3), ("side", 55.5)):
        towns[slug] = await _marked_town(slug, latitude, bridge)
    home, away, side = (towns[slug].town for slug in ("home", "away", "side"))
    for role, town, scope in (
        (Role.SHOP_STAFF, home, {"shop": home.shops[0]}),
        (Role.BID_MANAGER, away, {}),
        (Role.POLICE, away, {"team": away.team}),
        (Role.SHOP_STAFF, side, {"shop": side.shops[0]}),
    ):
        await Membership.create(user=bridge, role=role, bid=town.bid, **scope)
    both = await make_user(
        "two.bids@example.org", "Two Bids", Role.SHOP_STAFF, bid=home.bid, shop=home.shops[1]
    )
    await Membership.create(user=both, role=Role.BID_MANAGER, bid=side.bid)
    viewers = [
        Viewer("home shop staff", home.tokens[Role.SHOP_STAFF], frozenset({"home"}), {"home": 0}),
        Viewer("home BID manager", home.tokens[Role.BID_MANAGER], frozenset({"home"}), {}),
        Viewer("home police", home.tokens[Role.POLICE], frozenset({"home"}), {}),
        Viewer(
            "staff at home, manager at side",
            await start_session(both),
            frozenset({"home", "side"}),
            {"home": 1},
        ),
    ]
    return MarkedWorld(towns=towns, bridge=bridge), viewers


def away_viewers(world: MarkedWorld) -> list[str]:
    """Tokens of the away town's own people, whose walks must find every away marker."""
    town = world.towns["away"].town
    return [town.tokens[role] for role in (Role.SHOP_STAFF, Role.BID_MANAGER, Role.POLICE)]
