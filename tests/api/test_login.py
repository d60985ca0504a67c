"""Logging in and out: answers that reveal nothing, throttling, session tokens and the session cookie."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from http.cookies import Morsel, SimpleCookie
from typing import Any

import httpx
from argon2 import PasswordHasher

from shopwatch.accounts.models import LoginFailure, Role, Session, User
from shopwatch.app import create_app
from shopwatch.core.clock import now
from shopwatch.settings import Settings
from tests.support.graphql import GraphQLClient
from tests.support.world import PASSWORD, World

LOGIN = """
mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on LoginSuccess { token user { email memberships { role } } }
    ... on AuthError { message }
  }
}
"""

ME = "query { me { email } }"

LOGOUT = "mutation { logout }"

STAFF = "shop_staff@home.example.org"
MANAGER = "bid_manager@home.example.org"
TOO_MANY = "Too many failed attempts"


@asynccontextmanager
async def client_at(settings: Settings, address: str) -> AsyncIterator[GraphQLClient]:
    """The app as seen from another client address."""
    transport = httpx.ASGITransport(app=create_app(settings), client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http)


async def log_in(gql: GraphQLClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.execute(LOGIN, {"email": email, "password": password}))["login"]
    return result


async def me(gql: GraphQLClient, token: str | None = None) -> str | None:
    viewer = (await gql.execute(ME, token=token))["me"]
    return viewer["email"] if viewer else None


def session_cookie(response: httpx.Response) -> Morsel[str]:
    cookies: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        cookies.load(header)
    return cookies["shopwatch_session"]


async def fail_earlier(email: str, address: str, count: int, ago: timedelta) -> None:
    for _ in range(count):
        await LoginFailure.create(email=email, address=address, created_at=now() - ago)


# --- logging in ---------------------------------------------------------------------------------


async def test_login_gives_a_token_that_identifies_the_user(gql: GraphQLClient, world: World) -> None:
    result = await log_in(gql, STAFF)
    assert result["__typename"] == "LoginSuccess"
    assert result["user"] == {"email": STAFF, "memberships": [{"role": "SHOP_STAFF"}]}
    assert await me(gql, result["token"]) == STAFF


async def test_the_token_is_long_and_only_its_hash_is_stored(gql: GraphQLClient, world: World) -> None:
    token = (await log_in(gql, STAFF))["token"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", token)  # at least 256 bits, url-safe
    session = await Session.get(token_hash=hashlib.sha256(token.encode()).hexdigest())
    assert session.token_hash != token
    assert session.user_id == world.home.users[Role.SHOP_STAFF].id
    assert not await Session.exists(token_hash=token)
    # Every login is a new session with a new token.
    assert (await log_in(gql, STAFF))["token"] != token


async def test_email_is_case_insensitive(gql: GraphQLClient, world: World) -> None:
    result = await log_in(gql, "  Shop_Staff@HOME.example.ORG ")
    assert result["__typename"] == "LoginSuccess"
    assert result["user"]["email"] == STAFF


async def test_wrong_password_and_unknown_email_get_the_same_answer(gql: GraphQLClient, world: World) -> None:
    wrong_password = await log_in(gql, STAFF, "not the password")
    unknown_email = await log_in(gql, "nobody@home.example.org")
    assert wrong_password["__typename"] == "AuthError"
    assert wrong_password == unknown_email
    assert TOO_MANY not in wrong_password["message"]
    sessions = await Session.filter(user=world.home.users[Role.SHOP_STAFF]).count()
    assert sessions == 1  # only the one the test world started


async def test_a_deactivated_user_can_neither_log_in_nor_use_a_session(
    gql: GraphQLClient, world: World
) -> None:
    wrong = await log_in(gql, STAFF, "not the password")
    token = world.token(Role.SHOP_STAFF)
    assert await me(gql, token) == STAFF
    await User.filter(email=STAFF).update(is_active=False)
    assert await me(gql, token) is None
    assert (await log_in(gql, STAFF)) == wrong


async def test_a_password_hashed_with_other_parameters_is_hashed_again_at_login(
    gql: GraphQLClient, world: World
) -> None:
    four_lanes = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4).hash(PASSWORD)
    await User.filter(email=STAFF).update(password_hash=four_lanes)
    assert (await log_in(gql, STAFF))["__typename"] == "LoginSuccess"
    rehashed = (await User.get(email=STAFF)).password_hash
    assert rehashed != four_lanes
    assert "$argon2id$v=19$m=65536,t=3,p=1$" in rehashed  # 64 MiB, 3 passes, one lane: one CPU
    assert (await log_in(gql, STAFF))["__typename"] == "LoginSuccess"


# --- throttling ---------------------------------------------------------------------------------


async def test_five_failures_lock_the_email_for_a_while(gql: GraphQLClient, world: World) -> None:
    for attempt in range(5):
        typed = STAFF.upper() if attempt % 2 else STAFF  # the same account however it is typed
        result = await log_in(gql, typed, f"guess number {attempt}")
        assert result["__typename"] == "AuthError"
        assert TOO_MANY not in result["message"]
    locked = await log_in(gql, STAFF)
    assert locked["__typename"] == "AuthError"
    assert locked["message"] == "Too many failed attempts. Wait 15 minutes, then try again."
    assert await Session.filter(user=world.home.users[Role.SHOP_STAFF]).count() == 1
    # Other people are not locked out.
    assert (await log_in(gql, MANAGER))["__typename"] == "LoginSuccess"


async def test_the_lock_does_not_reveal_whether_an_account_exists(gql: GraphQLClient, world: World) -> None:
    for email in (STAFF, "nobody@home.example.org"):
        await fail_earlier(email, "127.0.0.1", 5, ago=timedelta(minutes=1))
    locked = await log_in(gql, STAFF)
    assert locked["message"].startswith(TOO_MANY)
    assert await log_in(gql, "nobody@home.example.org") == locked


async def test_failures_older_than_fifteen_minutes_do_not_count(gql: GraphQLClient, world: World) -> None:
    await fail_earlier(STAFF, "127.0.0.1", 5, ago=timedelta(minutes=16))
    assert (await log_in(gql, STAFF))["__typename"] == "LoginSuccess"

    await fail_earlier(MANAGER, "127.0.0.1", 5, ago=timedelta(minutes=14))
    assert (await log_in(gql, MANAGER))["message"].startswith(TOO_MANY)


async def test_twenty_failures_from_one_address_lock_that_address(
    gql: GraphQLClient, settings: Settings, world: World
) -> None:
    for n in range(19):
        await fail_earlier(f"guess{n}@home.example.org", "127.0.0.1", 1, ago=timedelta(minutes=1))
    assert (await log_in(gql, MANAGER))["__typename"] == "LoginSuccess"
    # The twentieth failure from this address, for yet another email.
    result = await log_in(gql, "guess19@home.example.org", "not the password")
    assert TOO_MANY not in result["message"]
    # A real user with the right password, from the same address: refused.
    assert (await log_in(gql, STAFF))["message"].startswith(TOO_MANY)
    # The same user from another address: fine.
    async with client_at(settings, "203.0.113.7") as elsewhere:
        assert (await log_in(elsewhere, STAFF))["__typename"] == "LoginSuccess"


async def test_address_failures_expire_too(gql: GraphQLClient, settings: Settings, world: World) -> None:
    for n in range(20):
        await fail_earlier(f"guess{n}@home.example.org", "198.51.100.1", 1, ago=timedelta(minutes=16))
    for n in range(20):
        await fail_earlier(f"guess{n}@home.example.org", "198.51.100.2", 1, ago=timedelta(minutes=14))
    async with client_at(settings, "198.51.100.1") as expired:
        assert (await log_in(expired, STAFF))["__typename"] == "LoginSuccess"
    async with client_at(settings, "198.51.100.2") as recent:
        assert (await log_in(recent, STAFF))["message"].startswith(TOO_MANY)


async def guesses_at_once(settings: Settings, emails: list[str]) -> list[str]:
    """One wrong guess per email, all sent at once from one address; the answers' messages."""
    async with client_at(settings, "192.0.2.30") as gql:
        answers = await asyncio.gather(*(log_in(gql, email, "not the password") for email in emails))
    return [answer["message"] for answer in answers]


async def test_guesses_sent_all_at_once_check_at_most_five_passwords(
    settings: Settings, world: World
) -> None:
    messages = await guesses_at_once(settings, [STAFF] * 30)
    checked = [message for message in messages if not message.startswith(TOO_MANY)]
    assert len(checked) == 5
    assert await LoginFailure.filter(email=STAFF).count() == 5


async def test_guesses_at_once_from_one_address_check_at_most_twenty_passwords(
    settings: Settings, world: World
) -> None:
    messages = await guesses_at_once(settings, [f"guess{n}@home.example.org" for n in range(30)])
    assert sum(not message.startswith(TOO_MANY) for message in messages) == 20
    assert await LoginFailure.filter(address="192.0.2.30").count() == 20


async def test_a_successful_login_is_not_counted_as_a_failure(gql: GraphQLClient, world: World) -> None:
    await fail_earlier(STAFF, "127.0.0.1", 4, ago=timedelta(minutes=1))
    for _ in range(3):
        assert (await log_in(gql, STAFF))["__typename"] == "LoginSuccess"
    assert await LoginFailure.filter(email=STAFF).count() == 4
    # The fifth failure is still checked; only then is the email locked.
    assert TOO_MANY not in (await log_in(gql, STAFF, "not the password"))["message"]
    assert (await log_in(gql, STAFF))["message"].startswith(TOO_MANY)


# --- the session cookie -------------------------------------------------------------------------


async def test_login_sets_a_safe_session_cookie(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        "/graphql", json={"query": LOGIN, "variables": {"email": STAFF, "password": PASSWORD}}
    )
    cookie = session_cookie(response)
    assert cookie.value == response.json()["data"]["login"]["token"]
    assert cookie["httponly"]
    assert cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/"
    assert cookie["max-age"] == str(30 * 24 * 60 * 60)
    assert not cookie["secure"]  # PUBLIC_URL is http://testserver: a Secure cookie would be lost


async def test_the_cookie_is_secure_when_the_site_is_https(settings: Settings, world: World) -> None:
    app = create_app(dataclasses.replace(settings, public_url="https://shopwatch.example.org"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://shopwatch.example.org"
    ) as http:
        response = await http.post(
            "/graphql", json={"query": LOGIN, "variables": {"email": STAFF, "password": PASSWORD}}
        )
    assert response.json()["data"]["login"]["__typename"] == "LoginSuccess"
    cookie = session_cookie(response)
    assert cookie["secure"]
    assert cookie["httponly"]


async def test_a_failed_login_sets_no_cookie(http: httpx.AsyncClient, world: World) -> None:
    variables = {"email": STAFF, "password": "not the password"}
    response = await http.post("/graphql", json={"query": LOGIN, "variables": variables})
    assert response.headers.get_list("set-cookie") == []


async def test_the_cookie_alone_authenticates(http: httpx.AsyncClient, world: World) -> None:
    gql = GraphQLClient(http)
    assert (await log_in(gql, STAFF))["__typename"] == "LoginSuccess"
    response = await http.post("/graphql", json={"query": ME})
    assert "authorization" not in response.request.headers
    assert "shopwatch_session=" in response.request.headers["cookie"]
    assert response.json() == {"data": {"me": {"email": STAFF}}}


async def test_a_bearer_token_beats_the_cookie(http: httpx.AsyncClient, world: World) -> None:
    gql = GraphQLClient(http)
    await log_in(gql, STAFF)
    assert await me(gql, world.token(Role.BID_MANAGER)) == MANAGER


# --- logging out --------------------------------------------------------------------------------


async def test_logout_revokes_the_token_and_clears_the_cookie(http: httpx.AsyncClient, world: World) -> None:
    gql = GraphQLClient(http)
    token = (await log_in(gql, STAFF))["token"]
    http.cookies.clear()
    response = await gql.post(LOGOUT, token=token)
    assert response.json() == {"data": {"logout": True}}
    cleared = session_cookie(response)
    assert cleared.value in ("", '""')
    assert cleared["max-age"] == "0"
    # The browser drops the photos it cached for this user.
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert await me(gql, token) is None
    session = await Session.get(token_hash=hashlib.sha256(token.encode()).hexdigest())
    assert session.revoked_at is not None
    # Only that session ends: the user's other sessions go on working.
    assert await me(gql, world.token(Role.SHOP_STAFF)) == STAFF


async def test_logout_by_cookie(http: httpx.AsyncClient, world: World) -> None:
    gql = GraphQLClient(http)
    token = (await log_in(gql, STAFF))["token"]
    assert await me(gql) == STAFF
    assert (await gql.execute(LOGOUT))["logout"] is True
    assert "shopwatch_session" not in http.cookies
    assert await me(gql) is None
    # The server forgot the session too, not just the browser.
    assert await me(gql, token) is None


async def test_logout_without_a_session_is_false(gql: GraphQLClient, world: World) -> None:
    assert (await gql.execute(LOGOUT))["logout"] is False
    assert (await gql.execute(LOGOUT, token="no-such-token"))["logout"] is False


# --- session lifetime ---------------------------------------------------------------------------


async def set_last_used(token: str, ago: timedelta) -> None:
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    assert await Session.filter(token_hash=token_hash).update(last_used_at=now() - ago) == 1


async def test_a_session_idle_for_over_thirty_days_is_refused(gql: GraphQLClient, world: World) -> None:
    token = world.token(Role.SHOP_STAFF)
    assert token is not None
    await set_last_used(token, timedelta(days=30, minutes=1))
    assert await me(gql, token) is None
    assert (await gql.execute(LOGOUT, token=token))["logout"] is False


async def test_a_session_used_within_thirty_days_works_and_is_renewed(
    gql: GraphQLClient, world: World
) -> None:
    token = world.token(Role.SHOP_STAFF)
    assert token is not None
    await set_last_used(token, timedelta(days=29))
    assert await me(gql, token) == STAFF
    session = await Session.get(token_hash=hashlib.sha256(token.encode()).hexdigest())
    assert now() - session.last_used_at < timedelta(days=1)
