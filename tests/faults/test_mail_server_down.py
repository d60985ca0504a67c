"""The mail server down for the length of a burst of alerts: the app's own worker keeps retrying,
and once the server is back every alert email arrives, each exactly once.

The server process sends by SMTP with STARTTLS to a real aiosmtpd server, trusting the test CA
through SSL_CERT_FILE as a deployment with a private CA would. Its first retry comes after 0.2 s
(MAIL_FIRST_RETRY_SECONDS) instead of 30, so the test waits seconds, not minutes.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from shopwatch.accounts.models import Role
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.places.models import NeighbourhoodTeam
from tests.faults.reports import REQUEST_TIMEOUT, Report, acknowledgement, send
from tests.faults.servers import Server, free_port, server_env
from tests.support.smtp import SmtpServer, certificate_authority
from tests.support.world import World

PHONES = 4
VEHICLES_EACH = 3  # per phone; each vehicle reported twice raises one REPEAT_VEHICLE alert
FAILED_ATTEMPTS_WHILE_DOWN = 2  # every email tried at least this often before the server returns
ADDRESSES = 2  # two neighbourhood teams cover the town centre: two emails per alert


async def wait_for(condition_met: Callable[[], Awaitable[bool]], what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not await condition_met():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.1)


async def report_vehicles_twice(base_url: str, token: str, shop_id: str, vehicles: list[str]) -> None:
    """One phone reporting each vehicle twice, one report after another (so the second report of
    a vehicle always finds the first)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT) as client:
        for vehicle in vehicles:
            for _ in range(2):
                report = Report(str(uuid.uuid4()), shop_id, photos=(), vehicle_registration=vehicle)
                response = await send(client, report, token)
                assert acknowledgement(response) is not None, response.text


async def test_alert_emails_queued_while_the_mail_server_is_down_arrive_once_it_is_back(
    tmp_path: Path, database: str, world: World
) -> None:
    second_team = await NeighbourhoodTeam.create(name="Centre Team", email="centre@police.example.org")
    await second_team.bids.add(world.home.bid)
    ca_file = tmp_path / "ca.pem"
    certificate_authority().cert_pem.write_to_path(str(ca_file))
    smtp_port = free_port()  # nothing listens here until the mail server comes back
    env = server_env(
        tmp_path / "var",
        database,
        SMTP_URL=f"smtp://127.0.0.1:{smtp_port}",
        SSL_CERT_FILE=str(ca_file),
        MAIL_FIRST_RETRY_SECONDS="0.2",
    )
    server = Server(env, tmp_path / "server.log")  # with its email worker, as a single process runs
    await server.start()
    try:
        token = world.token(Role.SHOP_STAFF) or ""
        vehicles = [f"FT{n:02d}ABC" for n in range(PHONES * VEHICLES_EACH)]
        await asyncio.gather(
            *(
                report_vehicles_twice(server.base_url, token, world.home.shop_id(0), vehicles[n::PHONES])
                for n in range(PHONES)
            )
        )
        alerts = await Alert.all().count()
        assert await Alert.filter(rule=AlertRule.REPEAT_VEHICLE).count() == len(vehicles)
        expected_emails = alerts * ADDRESSES

        async def every_email_failed_repeatedly() -> bool:
            emails = await OutboxEmail.all()
            return len(emails) == expected_emails and all(
                email.state == DeliveryState.PENDING
                and email.attempts >= FAILED_ATTEMPTS_WHILE_DOWN
                and email.last_error
                for email in emails
            )

        await wait_for(every_email_failed_repeatedly, "failed attempts while the mail server is down")

        with SmtpServer.starttls(port=smtp_port) as mail_server:

            async def every_email_sent() -> bool:
                return await OutboxEmail.exclude(state=DeliveryState.SENT).count() == 0

            await wait_for(every_email_sent, "delivery once the mail server is back")
            server.stop()  # nothing more can be sent: what the mail server has is final
            received = mail_server.messages
    finally:
        server.stop()

    emails = await OutboxEmail.all()
    assert len(emails) == expected_emails
    assert Counter(message.message["Message-ID"] for message in received) == Counter(
        {email.message_id: 1 for email in emails}
    )
    assert Counter(tuple(message.rcpt_tos) for message in received) == Counter(
        (email.to_address,) for email in emails
    )
    assert all(message.encrypted for message in received)
