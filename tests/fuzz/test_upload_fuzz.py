"""Generated files sent as real multipart uploads (schemathesis sends JSON only): random bytes,
photos with bytes changed or cut short, odd names and declared types, to every mutation that takes
a photo. The server must answer each cleanly: the photo stored or refused with a reason."""

from __future__ import annotations

import asyncio
import io
import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import given, seed
from hypothesis import strategies as st
from PIL import Image

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.settings import Settings
from tests.fuzz.support import (
    Blocking,
    against_the_app,
    assert_answered_cleanly,
    production_client,
    run_in_thread,
)
from tests.support.world import World

EXAMPLES = int(os.environ.get("SHOPWATCH_FUZZ_UPLOAD_EXAMPLES", "200"))


def small_photo(format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), (200, 40, 40)).save(buffer, format=format)
    return buffer.getvalue()


SEEDS = [small_photo("JPEG"), small_photo("PNG"), small_photo("WEBP")]


@st.composite
def damaged_photo(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(0, len(data)))])


BLOBS = st.one_of(st.binary(max_size=4096), damaged_photo(), st.sampled_from(SEEDS))
FILES = st.tuples(
    st.text(max_size=60),
    BLOBS,
    st.sampled_from(["image/jpeg", "image/png", "text/html", "application/octet-stream", ""]),
)

ADD_PHOTO = """mutation ($id: ID!, $photo: Upload!) { addIncidentPhoto(incidentId: $id, photo: $photo) {
  __typename ... on ValidationError { field message } } }"""
REPORT = """mutation ($input: ReportIncidentInput!) { reportIncident(input: $input) {
  __typename ... on ReportIncidentSuccess { photoErrors { field message } }
  ... on ValidationError { message } } }"""
CREATE_OFFENDER = """mutation ($input: CreateOffenderInput!) { createOffender(input: $input) {
  __typename ... on CreateOffenderSuccess { photoErrors { field message } }
  ... on ValidationError { message } } }"""
# A part without a filename is a form field, not a file, in multipart; the Upload scalar says so.
NOT_A_FILE = "Send the file as a part of a multipart request, with a filename."


def multipart(
    query: str, variables: dict[str, Any], files: dict[str, tuple[str, bytes, str]]
) -> dict[str, Any]:
    """httpx arguments for a GraphQL multipart request; `files` maps variable paths to files."""
    names = {str(index): path for index, path in enumerate(files)}
    return {
        "data": {
            "operations": json.dumps({"query": query, "variables": variables}),
            "map": json.dumps({name: [path] for name, path in names.items()}),
        },
        "files": {name: files[path] for name, path in names.items()},
    }


async def own_incident(world: World) -> str:
    incident = await Incident.create(
        client_id=uuid.uuid4(),
        bid=world.home.bid,
        shop=world.home.shops[0],
        reporter=world.home.users[Role.SHOP_STAFF],
        kind=IncidentKind.THEFT,
        occurred_at=datetime.now(UTC) - timedelta(hours=1),
        reported_at=datetime.now(UTC),
        description="Took razor blades.",
    )
    return encode_id("Incident", incident.id)


@pytest.mark.parametrize("mutation", ["addIncidentPhoto", "reportIncident", "createOffender"])
async def test_generated_files_are_stored_or_refused_cleanly(
    mutation: str, settings: Settings, world: World
) -> None:
    incident_id = await own_incident(world)
    blocking = Blocking(asyncio.get_running_loop())

    def request(files: list[tuple[str, bytes, str]]) -> tuple[Role, dict[str, Any]]:
        """Who sends it, and the httpx arguments, for this mutation with these files."""
        if mutation == "addIncidentPhoto":
            variables = {"id": incident_id, "photo": None}
            return Role.SHOP_STAFF, multipart(ADD_PHOTO, variables, {"variables.photo": files[0]})
        if mutation == "reportIncident":
            report = {
                "clientId": str(uuid.uuid4()),
                "shopId": world.home.shop_id(),
                "kind": "THEFT",
                "occurredAt": datetime.now(UTC).isoformat(),
                "description": "Took razor blades.",
                "photos": [None] * len(files),
            }
            paths = {f"variables.input.photos.{n}": file for n, file in enumerate(files)}
            return Role.SHOP_STAFF, multipart(REPORT, {"input": report}, paths)
        offender = {"bidId": world.home.bid_id, "displayName": "Red cap", "photo": None}
        return Role.BID_MANAGER, multipart(
            CREATE_OFFENDER, {"input": offender}, {"variables.input.photo": files[0]}
        )

    async with production_client(settings) as http:

        @seed(len(mutation))
        @against_the_app(EXAMPLES)
        @given(files=st.lists(FILES, min_size=1, max_size=3))
        def stored_or_refused(files: list[tuple[str, bytes, str]]) -> None:
            role, arguments = request(files)
            headers = {"Authorization": f"Bearer {world.token(role)}"}
            response: httpx.Response = blocking(http.post("/graphql", headers=headers, **arguments))
            assert_answered_cleanly(response, [(name, data[:40], kind) for name, data, kind in files])
            body = response.json()
            if body.get("errors"):
                assert all(NOT_A_FILE in error["message"] for error in body["errors"]), body
                assert any(not name for name, _, _ in files), body
                return
            # Stored, or refused with a reason (a refused photo never loses a report or record).
            assert body["data"][mutation]["__typename"] in (
                f"{mutation[0].upper()}{mutation[1:]}Success",
                "ValidationError",
            ), body

        await run_in_thread(stored_or_refused)


# Pieces of paths in `operations`: real ones, and ones that lead nowhere (a word or a number past
# the end where a list index goes, a key that is not there, into a string).
PATH_STEPS = ["variables", "input", "photos", "photo", "id", "query", "0", "1", "7", "-1", "x", "", "9" * 25]
PATHS = st.lists(st.sampled_from(PATH_STEPS), min_size=1, max_size=5).map(".".join)
PART_NAMES = st.sampled_from(["0", "1", "2", "map", "operations", "photo"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10) | PATHS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(PART_NAMES, inner, max_size=3),
    max_leaves=8,
)
RANDOM_MAPS = st.one_of(
    st.dictionaries(PART_NAMES, st.lists(PATHS, max_size=3), max_size=3).map(json.dumps),
    JSON_VALUES.map(json.dumps),
    st.text(max_size=20),
)
Part = tuple[str, tuple[str, bytes, str]]


@st.composite
def multipart_requests(draw: st.DrawFn, incident_id: str, shop_id: str) -> tuple[dict[str, str], list[Part]]:
    """A well-formed request for one of two mutations, then as often as not one thing made wrong:
    the map replaced, a file left out of it or one it names missing, a part sent twice or under
    the name of a field, a file without a filename, or `operations` replaced."""
    count = draw(st.integers(1, 2))
    report = {
        "clientId": str(uuid.uuid4()),
        "shopId": shop_id,
        "kind": "THEFT",
        "occurredAt": datetime.now(UTC).isoformat(),
        "description": "Took razor blades.",
        "photos": [None] * count,
    }
    query, variables, placeholders = draw(
        st.sampled_from(
            [
                (ADD_PHOTO, {"id": incident_id, "photo": None}, ["variables.photo"]),
                (REPORT, {"input": report}, [f"variables.input.photos.{n}" for n in range(count)]),
            ]
        )
    )
    names = [str(n) for n in range(len(placeholders))]
    fields = {
        "operations": json.dumps({"query": query, "variables": variables}),
        "map": json.dumps({name: [placeholders[int(name)]] for name in names}),
    }
    parts: list[Part] = [(name, ("till.jpg", draw(st.sampled_from(SEEDS)), "image/jpeg")) for name in names]
    faults = ["none"] * 4 + ["map", "unmapped", "missing", "twice", "field", "nameless", "ops"]
    fault = draw(st.sampled_from(faults))
    if fault == "map":
        fields["map"] = draw(RANDOM_MAPS)
    elif fault == "unmapped":
        parts.append(("9", ("till.jpg", SEEDS[0], "image/jpeg")))
    elif fault == "missing":
        parts.pop()
    elif fault == "twice":
        parts.append(parts[0])
    elif fault == "field":
        parts.append((draw(st.sampled_from(["map", "operations"])), ("m.json", b"{}", "application/json")))
    elif fault == "nameless":
        parts[0] = (parts[0][0], ("", parts[0][1][1], "image/jpeg"))
    elif fault == "ops":
        fields["operations"] = draw(JSON_VALUES.map(json.dumps) | st.text(max_size=20))
    return fields, parts


async def test_generated_maps_are_placed_or_refused_cleanly(settings: Settings, world: World) -> None:
    """Multipart requests whose `map` and parts follow the spec or not: a malformed one is a 400
    saying what is wrong, a well-formed one runs, and none is a server error."""
    requests = multipart_requests(await own_incident(world), world.home.shop_id())
    headers = {"Authorization": f"Bearer {world.token(Role.SHOP_STAFF)}"}
    blocking = Blocking(asyncio.get_running_loop())
    answered: dict[int, int] = {}

    async with production_client(settings) as http:

        @seed(20261215)
        @against_the_app(EXAMPLES)
        @given(request=requests)
        def placed_or_refused(request: tuple[dict[str, str], list[Part]]) -> None:
            fields, parts = request
            response = blocking(http.post("/graphql", headers=headers, data=fields, files=parts))
            sent = (fields, [(name, file[0]) for name, file in parts])
            assert_answered_cleanly(response, sent)
            answered[response.status_code] = answered.get(response.status_code, 0) + 1
            if response.status_code == 400:
                assert response.json()["errors"][0]["message"], sent

        await run_in_thread(placed_or_refused)
    print(f"fuzz: multipart requests answered {answered}")
    assert answered.get(200) and answered.get(400)
