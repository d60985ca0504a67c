"""The login throttle holds when guesses for one account reach two web processes at once: the
processes share nothing but the database, so the database is what makes the guesses take turns."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from shopwatch.accounts.models import LoginFailure
from shopwatch.accounts.services import TOO_MANY_ATTEMPTS
from tests.faults.servers import Server, server_env
from tests.support.world import World

GUESS = """
mutation ($email: String!) {
  login(email: $email, password: "not the password") { ... on AuthError { message } }
}
"""

STAFF = "shop_staff@home.example.org"
GUESSES = 30


async def guess(client: httpx.AsyncClient, base_url: str) -> str:
    response = await client.post(f"{base_url}/graphql", json={"query": GUESS, "variables": {"email": STAFF}})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["login"]["message"])


async def test_thirty_guesses_at_once_across_two_processes_check_at_most_five_passwords(
    tmp_path: Path, database: str, world: World
) -> None:
    env = server_env(tmp_path / "var", database)
    servers = [Server(env, tmp_path / f"web{n}.log", "--no-worker") for n in range(2)]
    try:
        await asyncio.gather(*(server.start() for server in servers))
        async with httpx.AsyncClient(timeout=60) as client:
            messages = await asyncio.gather(*(guess(client, servers[n % 2].base_url) for n in range(GUESSES)))
    finally:
        for server in servers:
            server.stop()
    checked = [message for message in messages if message != TOO_MANY_ATTEMPTS]
    assert len(checked) == 5, "\n".join(server.log() for server in servers)
    assert await LoginFailure.filter(email=STAFF).count() == 5
