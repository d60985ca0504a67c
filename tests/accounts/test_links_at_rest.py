"""No copy of the database, taken at any moment, holds a usable invitation or reset link: every text
column of every table is scanned for the token while the email waits and after it is delivered."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from shopwatch.accounts.models import Role
from shopwatch.core.clock import now
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.core.mail.sealing import OutboxSeal
from shopwatch.core.mail.worker import deliver_due
from shopwatch.settings import Settings
from tests.api.test_invites import INVITE_LINK, accept, invite
from tests.api.test_password_reset import RESET_LINK, request_reset, reset
from tests.support.graphql import GraphQLClient
from tests.support.smtp import SmtpServer
from tests.support.stored_text import places_holding, stored_text
from tests.support.world import World


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer.starttls() as server:
        yield server


async def test_the_scan_finds_text_in_every_table_it_should(database: str, world: World) -> None:
    await OutboxEmail.create(
        to_address="x@example.org",
        subject="s",
        text_body="a needle in the outbox",
        html_body="h",
        message_id="<m@example.org>",
        next_attempt_at=now(),
    )
    assert await places_holding(database, "needle") == [("outbox_email", "text_body")]
    tables = {found.table for found in await stored_text(database)}
    assert {"user_account", "user_session", "bid", "shop", "outbox_email"} <= tables


async def deliver_unseen(database: str, settings: Settings, smtp: SmtpServer, link: re.Pattern[str]) -> str:
    """Deliver the one queued email to the SMTP server and return the token its link carries, after
    checking that no column held it while the email waited, nor holds it now."""
    queued = await stored_text(database)
    assert await deliver_due(smtp.backend(), settings.mail_from, seal=OutboxSeal(settings.secret_key)) == 1
    [received] = smtp.messages
    match = link.search(received.body("plain"))
    assert match, received.body("plain")
    token = match.group(1)
    assert [(found.table, found.column) for found in queued if token in found.value] == []
    assert await places_holding(database, token) == []
    return token


async def test_an_invitation_link_is_in_no_column_while_queued_or_after_delivery(
    database: str, gql: GraphQLClient, world: World, settings: Settings, smtp: SmtpServer
) -> None:
    result = await invite(
        gql,
        world.token(Role.BID_MANAGER),
        email="newcomer@example.org",
        role="SHOP_STAFF",
        bidId=world.home.bid_id,
        shopId=world.home.shop_id(1),
    )
    assert result["__typename"] == "InviteUserSuccess", result

    token = await deliver_unseen(database, settings, smtp, INVITE_LINK)

    assert (await accept(gql, token))["__typename"] == "LoginSuccess"


async def test_a_reset_link_is_in_no_column_while_queued_or_after_delivery(
    database: str, gql: GraphQLClient, world: World, settings: Settings, smtp: SmtpServer
) -> None:
    user = world.home.users[Role.SHOP_STAFF]
    assert await request_reset(gql, user.email) is True

    token = await deliver_unseen(database, settings, smtp, RESET_LINK)

    assert (await reset(gql, token))["__typename"] == "LoginSuccess"


async def test_a_delivered_link_email_keeps_its_metadata_and_loses_its_body(
    gql: GraphQLClient, world: World, settings: Settings, smtp: SmtpServer
) -> None:
    assert await request_reset(gql, world.home.users[Role.SHOP_STAFF].email) is True
    await deliver_due(smtp.backend(), settings.mail_from, seal=OutboxSeal(settings.secret_key))

    [email] = await OutboxEmail.all()
    [received] = smtp.messages
    assert (email.state, email.to_address, email.subject, email.message_id) == (
        DeliveryState.SENT,
        world.home.users[Role.SHOP_STAFF].email,
        "Reset your Shopwatch password",
        received.message["Message-ID"],
    )
    assert email.sent_at is not None
    assert (email.text_body, email.html_body) == ("", "")
