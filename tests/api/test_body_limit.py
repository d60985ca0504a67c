"""Bodies over the limit are refused with 413 before they are read whole.

The app is driven over raw ASGI here, so a test decides exactly what the client claims
(`Content-Length`) and sends (one chunk at a time), and counts what the server asked for.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from shopwatch.api.body_limit import JSON_BODY_LIMIT, MULTIPART_BODY_LIMIT
from shopwatch.app import create_app
from shopwatch.settings import Settings
from tests.support.asgi import http_scope
from tests.support.world import World

CHUNK = 64 * 1024
ME = json.dumps({"query": "{ me { email } }"}).encode()


class RawExchange:
    """One HTTP request over ASGI: the body comes from `chunks`, one `receive` each."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.received = 0
        self.status: int | None = None
        self.body = b""

    async def receive(self) -> dict[str, Any]:
        chunk = next(self.chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        self.received += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    @property
    def message(self) -> str:
        return str(json.loads(self.body)["errors"][0]["message"])


async def exchange(
    settings: Settings, chunks: Iterator[bytes], headers: dict[str, str], token: str | None = None
) -> RawExchange:
    raw = RawExchange(chunks)
    all_headers = {"host": "testserver", **headers}
    if token:
        all_headers["authorization"] = f"Bearer {token}"
    headers = [(k.lower().encode(), v.encode()) for k, v in all_headers.items()]
    scope = http_scope("POST", "/graphql", headers)
    await create_app(settings)(scope, raw.receive, raw.send)
    return raw


def endless(chunk: bytes, start: bytes = b"") -> Iterator[bytes]:
    """A body that never ends: it stops only when nobody asks for more."""
    if start:
        yield start
    while True:
        yield chunk


def photo_upload_start() -> bytes:
    """A well-formed multipart request up to the middle of its one file, which goes on for ever."""
    operations = json.dumps(
        {
            "query": 'mutation($p: Upload!) { addIncidentPhoto(incidentId: "x", photo: $p) { __typename } }',
            "variables": {"p": None},
        }
    )
    parts = [
        ("operations", None, operations),
        ("map", None, json.dumps({"0": ["variables.p"]})),
    ]
    body = b"".join(
        f'--xyz\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, _, value in parts
    )
    return body + b'--xyz\r\nContent-Disposition: form-data; name="0"; filename="p.jpg"\r\n\r\n'


JSON = {"content-type": "application/json"}
MULTIPART = {"content-type": "multipart/form-data; boundary=xyz"}


async def test_a_declared_length_over_the_limit_is_refused_unread(settings: Settings) -> None:
    raw = await exchange(settings, endless(b"x" * CHUNK), {**JSON, "content-length": str(10**12)})
    assert raw.status == 413
    assert raw.received == 0
    assert raw.message == "The request body is larger than 1 MB."


async def test_a_declared_multipart_length_over_the_photo_allowance_is_refused_unread(
    settings: Settings,
) -> None:
    length = str(MULTIPART_BODY_LIMIT + 1)
    raw = await exchange(settings, endless(b"x" * CHUNK), {**MULTIPART, "content-length": length})
    assert raw.status == 413
    assert raw.received == 0
    assert raw.message == "The request body is larger than 91 MB."


async def test_a_content_length_that_is_not_a_number_is_refused(settings: Settings) -> None:
    raw = await exchange(settings, iter([ME]), {**JSON, "content-length": "12, 12"})
    assert raw.status == 400
    assert raw.received == 0


@pytest.mark.parametrize("headers", [JSON, MULTIPART], ids=["json", "multipart"])
async def test_an_endless_chunked_body_is_cut_off_at_the_limit(
    settings: Settings, world: World, headers: dict[str, str]
) -> None:
    start = photo_upload_start() if headers is MULTIPART else b""
    raw = await exchange(settings, endless(b"x" * CHUNK, start), headers, world.admin_token)
    limit = MULTIPART_BODY_LIMIT if headers is MULTIPART else JSON_BODY_LIMIT
    assert raw.status == 413
    assert limit < raw.received <= limit + CHUNK


async def test_a_body_lying_about_its_length_is_cut_off_at_the_limit(
    settings: Settings, world: World
) -> None:
    raw = await exchange(
        settings, endless(b" " * CHUNK), {**JSON, "content-length": "100"}, world.admin_token
    )
    assert raw.status == 413
    assert raw.received <= JSON_BODY_LIMIT + CHUNK


async def test_a_body_under_the_limit_in_chunks_is_answered(settings: Settings, world: World) -> None:
    padded = ME[:-1] + b" " * (JSON_BODY_LIMIT - len(ME) - 1) + b"}"
    chunks = iter([padded[i : i + CHUNK] for i in range(0, len(padded), CHUNK)])
    raw = await exchange(settings, chunks, JSON, world.admin_token)
    assert raw.status == 200, raw.body
    assert json.loads(raw.body) == {"data": {"me": {"email": "admin@example.org"}}}


async def test_an_endless_body_sent_by_a_client_is_refused(http: httpx.AsyncClient, world: World) -> None:
    yielded = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal yielded
        while True:
            yielded += 1
            yield b" " * CHUNK

    response = await http.post(
        "/graphql",
        content=body(),
        headers={**JSON, "Authorization": f"Bearer {world.admin_token}"},
    )
    assert response.status_code == 413
    assert response.json() == {"errors": [{"message": "The request body is larger than 1 MB."}]}
    assert yielded <= JSON_BODY_LIMIT // CHUNK + 2
