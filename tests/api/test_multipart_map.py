"""Multipart requests that do not follow the GraphQL multipart request spec answer 400 with what is
wrong, never a server error: strawberry's own placement of files took any `map` on trust.

Spec: github.com/jaydenseric/graphql-multipart-request-spec (`operations`, then `map` from each file
part's name to the paths in `operations` where the file goes, each holding null; then the files).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.incidents.models import Incident, Photo
from tests.api.incidents.helpers import jpeg_bytes, report_input
from tests.api.offenders.helpers import make_incident
from tests.support.world import World

ADD_PHOTO = """mutation ($id: ID!, $photo: Upload!) { addIncidentPhoto(incidentId: $id, photo: $photo) {
  __typename } }"""
REPORT = """mutation ($input: ReportIncidentInput!) { reportIncident(input: $input) { __typename } }"""
FILE = ("till.jpg", jpeg_bytes(64, 48), "image/jpeg")
Parts = list[tuple[str, Any]]


def form(operations: str, files_map: str | None, files: Parts) -> dict[str, Any]:
    data = {"operations": operations} if files_map is None else {"operations": operations, "map": files_map}
    return {"data": data, "files": files}


async def send(http: httpx.AsyncClient, world: World, arguments: dict[str, Any]) -> httpx.Response:
    headers = {"Authorization": f"Bearer {world.token(Role.SHOP_STAFF)}"}
    return await http.post("/graphql", headers=headers, **arguments)


def photo_operations(incident_id: str, **variables: Any) -> str:
    return json.dumps({"query": ADD_PHOTO, "variables": {"id": incident_id, "photo": None, **variables}})


NOT_A_LIST = '`map` entry `{name}` must be a list of paths in `operations`, such as ["variables.photo"].'


def nowhere(path: str) -> str:
    return f"`map` path `{path}` does not lead to a null in `operations`."


MAP_SHAPE = "`map` must be a JSON object from each file part's name to a list of paths in `operations`."

# name: (map, extra operations variables, file parts, message)
MALFORMED: dict[str, tuple[str | None, dict[str, Any], Parts, str]] = {
    # not an object
    "map is a list": ('[["variables.photo"]]', {}, [("0", FILE)], MAP_SHAPE),
    "map is a string": ('"variables.photo"', {}, [("0", FILE)], MAP_SHAPE),
    "map is null": ("null", {}, [("0", FILE)], MAP_SHAPE),
    "map is not JSON": ("{", {}, [("0", FILE)], "`map` is not valid JSON."),
    # values not lists
    "a value is a string": ('{"0": "variables.photo"}', {}, [("0", FILE)], NOT_A_LIST.format(name="0")),
    "a value is a number": ('{"0": 5}', {}, [("0", FILE)], NOT_A_LIST.format(name="0")),
    "a value is null": ('{"0": null}', {}, [("0", FILE)], NOT_A_LIST.format(name="0")),
    "a value is an object": ('{"0": {"a": 1}}', {}, [("0", FILE)], NOT_A_LIST.format(name="0")),
    "a value is an empty list": ('{"0": []}', {}, [("0", FILE)], NOT_A_LIST.format(name="0")),
    # paths not strings
    "a path is a number": ('{"0": [1]}', {}, [("0", FILE)], NOT_A_LIST.format(name="0")),
    "a path is null": ('{"0": [null]}', {}, [("0", FILE)], NOT_A_LIST.format(name="0")),
    # paths to nowhere
    "a missing key": (
        '{"0": ["variables.nothing.deep"]}',
        {},
        [("0", FILE)],
        nowhere("variables.nothing.deep"),
    ),
    "into a string": ('{"0": ["query.x"]}', {}, [("0", FILE)], nowhere("query.x")),
    "onto a string": ('{"0": ["query"]}', {}, [("0", FILE)], nowhere("query")),
    "into a null": ('{"0": ["variables.photo.x"]}', {}, [("0", FILE)], nowhere("variables.photo.x")),
    "a list index that is a word": (
        '{"0": ["variables.l.x"]}',
        {"l": [None]},
        [("0", FILE)],
        nowhere("variables.l.x"),
    ),
    "a list index past the end": (
        '{"0": ["variables.l.5"]}',
        {"l": [None]},
        [("0", FILE)],
        nowhere("variables.l.5"),
    ),
    "through a list past its end": (
        '{"0": ["variables.l.5.a"]}',
        {"l": []},
        [("0", FILE)],
        nowhere("variables.l.5.a"),
    ),
    "a negative list index": (
        '{"0": ["variables.l.-1"]}',
        {"l": [None]},
        [("0", FILE)],
        nowhere("variables.l.-1"),
    ),
    "a huge list index": (
        '{"0": ["variables.l.99999999999999999999999"]}',
        {"l": [None]},
        [("0", FILE)],
        nowhere("variables.l.99999999999999999999999"),
    ),
    "an empty path": ('{"0": [""]}', {}, [("0", FILE)], nowhere("")),
    "the root": ('{"0": ["."]}', {}, [("0", FILE)], nowhere(".")),
    "the whole variables": ('{"0": ["variables"]}', {}, [("0", FILE)], nowhere("variables")),
    # files and map disagreeing
    "a file missing from the request": (
        '{"1": ["variables.photo"]}',
        {},
        [("0", FILE)],
        "`map` names the file `1`, which the request does not carry.",
    ),
    "a file not in the map": ("{}", {}, [("0", FILE)], "The file `0` is not named in `map`."),
    "no map with a file": (None, {}, [("0", FILE)], "The file `0` is not named in `map`."),
    "two files at one path": (
        '{"0": ["variables.photo"], "1": ["variables.photo"]}',
        {},
        [("0", FILE), ("1", FILE)],
        "`map` puts two files at `variables.photo`.",
    ),
    "one part name twice": (
        '{"0": ["variables.photo"]}',
        {},
        [("0", FILE), ("0", FILE)],
        "The part `0` appears more than once.",
    ),
    "the map given as a file": (
        None,
        {},
        [("map", ("map.json", b'{"0": ["variables.photo"]}', "application/json")), ("0", FILE)],
        "`map` must be a form field, not a file.",
    ),
    "a map entry naming a form field": (
        '{"operations": ["variables.photo"]}',
        {},
        [("0", FILE)],
        "`map` names the part `operations`, which is not a file. Send the file as a part of a "
        "multipart request, with a filename.",
    ),
}


@pytest.mark.parametrize("shape", MALFORMED)
async def test_a_malformed_map_is_refused_with_what_is_wrong(
    http: httpx.AsyncClient, world: World, shape: str
) -> None:
    files_map, variables, files, message = MALFORMED[shape]
    incident_id = encode_id("Incident", (await make_incident(world.home)).id)
    operations = photo_operations(incident_id, **variables)
    response = await send(http, world, form(operations, files_map, files))
    assert response.status_code == 400, response.text
    assert response.json() == {"errors": [{"message": message}]}
    assert await Photo.all().count() == 0


@pytest.mark.parametrize(
    ("operations", "message"),
    [
        ("{", "`operations` is not valid JSON."),
        ('"query"', "`operations` must be a JSON object with a `query` (batching is off)."),
        ("[{}]", "`operations` must be a JSON object with a `query` (batching is off)."),
    ],
)
async def test_malformed_operations_are_refused(
    http: httpx.AsyncClient, world: World, operations: str, message: str
) -> None:
    response = await send(http, world, form(operations, '{"0": ["variables.photo"]}', [("0", FILE)]))
    assert response.status_code == 400, response.text
    assert response.json() == {"errors": [{"message": message}]}


async def test_operations_given_as_a_file_are_refused(http: httpx.AsyncClient, world: World) -> None:
    operations = photo_operations(encode_id("Incident", (await make_incident(world.home)).id))
    arguments = {
        "data": {"map": '{"0": ["variables.photo"]}'},
        "files": [("operations", ("o.json", operations.encode(), "application/json")), ("0", FILE)],
    }
    response = await send(http, world, arguments)
    assert response.status_code == 400, response.text
    assert response.json() == {"errors": [{"message": "`operations` must be a form field, not a file."}]}


async def test_one_file_at_several_paths_is_stored_at_each(http: httpx.AsyncClient, world: World) -> None:
    # The spec allows it: the file goes wherever the map says.
    report = report_input(world.home.shop_id(), photos=[None, None])
    operations = json.dumps({"query": REPORT, "variables": {"input": report}})
    files_map = '{"0": ["variables.input.photos.0", "variables.input.photos.1"]}'
    response = await send(http, world, form(operations, files_map, [("0", FILE)]))
    assert response.json() == {"data": {"reportIncident": {"__typename": "ReportIncidentSuccess"}}}
    assert await Incident.all().count() == 1


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"operations=1"),
        ("multipart/form-data; boundary=x", b"garbage"),
        ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="map"\r\n\r\n{}'),
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\n{}\r\n--x--\r\n"),
        ("multipart/form-data; boundary=x", b"--x\r\n\r\n\r\n--x--\r\n"),
    ],
)
async def test_a_body_that_is_not_multipart_is_refused(
    http: httpx.AsyncClient, world: World, content_type: str, body: bytes
) -> None:
    headers = {"Authorization": f"Bearer {world.token(Role.SHOP_STAFF)}", "Content-Type": content_type}
    response = await http.post("/graphql", headers=headers, content=body)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["message"], response.text
