"""Forgotten passwords: a one-time emailed link, valid for an hour, that ends the other sessions."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from shopwatch.accounts.models import PasswordReset, Role, User
from shopwatch.app import create_app
from shopwatch.core.clock import now
from shopwatch.core.mail.models import OutboxEmail
from shopwatch.core.mail.worker import deliver_due
from shopwatch.settings import Settings
from tests.support.graphql import GraphQLClient
from tests.support.outbox import TEST_SEAL, plain_text
from tests.support.queries import counting_queries
from tests.support.smtp import SmtpServer
from tests.support.world import PASSWORD, World

REQUEST = "mutation Request($email: String!) { requestPasswordReset(email: $email) }"

RESET = """
mutation Reset($token: String!, $password: String!) {
  resetPassword(token: $token, password: $password) {
    __typename
    ... on LoginSuccess { token user { email } }
    ... on AuthError { message }
    ... on ValidationError { field message }
  }
}
"""

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    __typename
    ... on LoginSuccess { token }
    ... on AuthError { message }
  }
}
"""

ME = "query { me { email } }"

NEW_PASSWORD = "a brand new passphrase"
RESET_LINK = re.compile(r"http://testserver/#/reset/([A-Za-z0-9_-]+)")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer.starttls() as server:
        yield server


async def request_reset(gql: GraphQLClient, email: str) -> bool:
    result: bool = (await gql.execute(REQUEST, {"email": email}))["requestPasswordReset"]
    return result


async def reset(gql: GraphQLClient, token: str, password: str = NEW_PASSWORD) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.execute(RESET, {"token": token, "password": password}))[
        "resetPassword"
    ]
    return result


async def login(gql: GraphQLClient, email: str, password: str) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.execute(LOGIN, {"email": email, "password": password}))["login"]
    return result


async def me(gql: GraphQLClient, token: str | None) -> dict[str, Any] | None:
    assert token is not None
    viewer: dict[str, Any] | None = (await gql.execute(ME, token=token))["me"]
    return viewer


async def reset_tokens_in_outbox(address: str) -> list[str]:
    """The reset tokens emailed to `address`, oldest first (for tests not about delivery)."""
    emails = await OutboxEmail.filter(to_address=address).order_by("id")
    tokens = []
    for email in emails:
        match = RESET_LINK.search(plain_text(email))
        assert match, email
        tokens.append(match.group(1))
    return tokens


async def test_the_emailed_link_sets_a_new_password_and_ends_every_old_session(
    gql: GraphQLClient, world: World, settings: Settings, smtp: SmtpServer
) -> None:
    user = world.home.users[Role.SHOP_STAFF]
    phone_token = world.token(Role.SHOP_STAFF)
    laptop = await login(gql, user.email, PASSWORD)
    assert laptop["__typename"] == "LoginSuccess"

    assert await request_reset(gql, user.email) is True
    assert await deliver_due(smtp.backend(), settings.mail_from, seal=TEST_SEAL) == 1

    [received] = smtp.messages
    assert received.rcpt_tos == [user.email]
    assert received.message["Subject"] == "Reset your Shopwatch password"
    text = received.body("plain")
    assert f"Hello {user.name}," in text
    match = RESET_LINK.search(text)
    assert match, text
    assert f'href="{match.group(0)}"' in received.body("html")

    result = await reset(gql, match.group(1))
    assert result["__typename"] == "LoginSuccess", result
    assert result["user"]["email"] == user.email

    assert await me(gql, phone_token) is None
    assert await me(gql, laptop["token"]) is None
    assert await me(gql, result["token"]) == {"email": user.email}
    # Other people's sessions are untouched.
    assert await me(gql, world.token(Role.BID_MANAGER)) is not None

    assert (await login(gql, user.email, PASSWORD))["__typename"] == "AuthError"
    assert (await login(gql, user.email, NEW_PASSWORD))["__typename"] == "LoginSuccess"

    again = await reset(gql, match.group(1), "yet another long password")
    assert again["__typename"] == "AuthError"
    assert (await login(gql, user.email, NEW_PASSWORD))["__typename"] == "LoginSuccess"


async def test_the_email_address_is_matched_whatever_its_case(gql: GraphQLClient, world: World) -> None:
    user = world.home.users[Role.BID_MANAGER]

    assert await request_reset(gql, f"  {user.email.upper()} ") is True

    assert len(await reset_tokens_in_outbox(user.email)) == 1


async def test_an_unknown_or_deactivated_account_gets_no_email_and_the_answer_is_the_same(
    gql: GraphQLClient, world: World
) -> None:
    inactive = world.home.users[Role.POLICE]
    await User.filter(id=inactive.id).update(is_active=False)

    assert await request_reset(gql, "nobody@example.org") is True
    assert await request_reset(gql, inactive.email) is True

    assert await OutboxEmail.all().count() == 0
    assert await PasswordReset.all().count() == 0


async def test_a_link_works_for_one_hour(gql: GraphQLClient, world: World) -> None:
    user = world.home.users[Role.SHOP_STAFF]
    before = now()
    await request_reset(gql, user.email)
    [token] = await reset_tokens_in_outbox(user.email)
    [row] = await PasswordReset.filter(user=user)
    assert before + timedelta(hours=1) <= row.expires_at <= now() + timedelta(hours=1)

    await PasswordReset.filter(id=row.id).update(expires_at=now() - timedelta(seconds=1))
    result = await reset(gql, token)

    assert result["__typename"] == "AuthError"
    assert (await login(gql, user.email, PASSWORD))["__typename"] == "LoginSuccess"
    assert await me(gql, world.token(Role.SHOP_STAFF)) is not None


async def test_more_than_three_requests_an_hour_send_three_emails(gql: GraphQLClient, world: World) -> None:
    user = world.home.users[Role.SHOP_STAFF]

    for _ in range(5):
        assert await request_reset(gql, user.email) is True

    assert await OutboxEmail.filter(to_address=user.email).count() == 3

    # An hour later the form works again.
    await PasswordReset.filter(user=user).update(created_at=now() - timedelta(minutes=61))
    await request_reset(gql, user.email)
    assert await OutboxEmail.filter(to_address=user.email).count() == 4


async def test_requests_sent_all_at_once_still_send_at_most_three_emails(
    gql: GraphQLClient, world: World
) -> None:
    user = world.home.users[Role.SHOP_STAFF]

    answers = await asyncio.gather(*(request_reset(gql, user.email) for _ in range(8)))

    assert answers == [True] * 8
    assert await OutboxEmail.filter(to_address=user.email).count() == 3


async def test_using_one_link_cancels_the_others(gql: GraphQLClient, world: World) -> None:
    user = world.home.users[Role.SHOP_STAFF]
    await request_reset(gql, user.email)
    await request_reset(gql, user.email)
    first, second = await reset_tokens_in_outbox(user.email)

    assert (await reset(gql, second))["__typename"] == "LoginSuccess"

    stale = await reset(gql, first, "somebody else's password")
    assert stale["__typename"] == "AuthError"
    assert (await login(gql, user.email, NEW_PASSWORD))["__typename"] == "LoginSuccess"


async def test_a_refused_password_leaves_the_link_usable(gql: GraphQLClient, world: World) -> None:
    user = world.home.users[Role.SHOP_STAFF]
    await request_reset(gql, user.email)
    [token] = await reset_tokens_in_outbox(user.email)

    refused = await reset(gql, token, "too short")
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "password"
    assert await me(gql, world.token(Role.SHOP_STAFF)) is not None

    assert (await reset(gql, token))["__typename"] == "LoginSuccess"


async def test_a_reset_lets_someone_locked_out_by_failed_logins_back_in(
    gql: GraphQLClient, world: World
) -> None:
    user = world.home.users[Role.SHOP_STAFF]
    for _ in range(5):
        assert (await login(gql, user.email, "a wrong guess"))["__typename"] == "AuthError"
    assert (await login(gql, user.email, PASSWORD))["__typename"] == "AuthError"  # throttled

    await request_reset(gql, user.email)
    [token] = await reset_tokens_in_outbox(user.email)
    assert (await reset(gql, token))["__typename"] == "LoginSuccess"

    assert (await login(gql, user.email, NEW_PASSWORD))["__typename"] == "LoginSuccess"


async def test_a_made_up_token_is_refused(gql: GraphQLClient, world: World) -> None:
    result = await reset(gql, "not-a-token-anyone-was-sent")
    assert result["__typename"] == "AuthError"
    assert (await login(gql, world.home.users[Role.SHOP_STAFF].email, PASSWORD))[
        "__typename"
    ] == "LoginSuccess"


async def statements_before_the_answer(settings: Settings, email: str) -> list[str]:
    """The SQL a reset request for `email` sends before its answer has reached the client."""
    app = create_app(settings)
    sent_before_answer: list[str] = []
    with counting_queries() as statements:

        async def noting_the_answer(scope: Scope, receive: Receive, send: Send) -> None:
            async def send_noting(message: Message) -> None:
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    sent_before_answer.extend(sql for sql, _ in statements)
                await send(message)

            await app(scope, receive, send_noting)

        transport = httpx.ASGITransport(app=noting_the_answer)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            assert await request_reset(GraphQLClient(http), email) is True
    return sent_before_answer


async def test_the_answer_costs_the_same_work_whether_or_not_the_account_exists(
    settings: Settings, world: World
) -> None:
    user = world.home.users[Role.SHOP_STAFF]

    known = await statements_before_the_answer(settings, user.email)
    unknown = await statements_before_the_answer(settings, "nobody@home.example.org")

    assert known == unknown
    # The link is still made and emailed, after the answer.
    assert len(await reset_tokens_in_outbox(user.email)) == 1
