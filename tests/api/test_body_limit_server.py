"""The body limit under uvicorn, over a real socket: an endless chunked upload is answered 413 while
the client is still sending, instead of after the whole body. (No database is touched: the request
carries no token, and is refused before it reaches a resolver.)"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
import uvicorn

from shopwatch.api.body_limit import JSON_BODY_LIMIT
from shopwatch.app import create_app
from shopwatch.settings import Settings

CHUNK = 64 * 1024
# Far past the limit: the client gives up here, so a server that reads everything still ends.
GIVE_UP_AFTER = 64 * 1024 * 1024


@pytest.fixture
def server_port(settings: Settings) -> Iterator[int]:
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(1000):
        if server.started:
            break
        threading.Event().wait(0.01)
    yield server.servers[0].sockets[0].getsockname()[1]
    server.should_exit = True
    thread.join(10)


async def test_an_endless_chunked_body_is_refused_while_it_is_still_being_sent(server_port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server_port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    sent = 0
    answer = asyncio.ensure_future(reader.readline())
    try:
        while not answer.done() and sent < GIVE_UP_AFTER:
            writer.write(f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n")
            sent += CHUNK
            await writer.drain()
            # A pace the server keeps up with, so the answer is read before the connection closes
            # (closing with unread bytes makes the kernel reset it, dropping what was not read).
            await asyncio.sleep(0.005)
        try:
            status_line: bytes | None = await asyncio.wait_for(answer, 10)
        except ConnectionResetError:
            status_line = None  # answered and closed, but the reset dropped the answer unread
    finally:
        writer.close()
    assert status_line is None or status_line.startswith(b"HTTP/1.1 413"), status_line
    # Socket buffers hold some of what was sent unread; far less than the client would have sent.
    assert JSON_BODY_LIMIT < sent < GIVE_UP_AFTER // 4
