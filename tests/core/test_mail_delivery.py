"""The outbox worker against a real SMTP server (aiosmtpd, in-process) and the `.eml` backend."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from shopwatch.core.clock import now
from shopwatch.core.mail.backends import FileBackend, SmtpBackend, backend_for
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.core.mail.outbox import enqueue_email
from shopwatch.core.mail.sealing import OutboxSeal
from shopwatch.core.mail.worker import claim_due, deliver_due, retry_delay, run
from shopwatch.settings import Settings
from tests.support.smtp import Received, SmtpServer, client_tls_context, refusing_port

SUBJECT = "You are invited to Shopwatch for Kingsbridge BID"
LINK = "http://testserver/#/invite/a-one-time-token"
CONTEXT: dict[str, Any] = {
    "inviter_name": "Ann Manager",
    "bid_name": "Kingsbridge BID",
    "shop_name": "Corner Shop",
    "role_label": "shop staff",
    "link": LINK,
    "expires_on": "1 May 2026",
}


async def queue(to: str = "staff@example.org", subject: str = SUBJECT, **context: Any) -> OutboxEmail:
    return await enqueue_email(to, subject, "invite", {**CONTEXT, **context}, message_domain="testserver")


async def reload(row: OutboxEmail) -> OutboxEmail:
    return await OutboxEmail.get(id=row.id)


def received_ids(server: SmtpServer) -> list[str]:
    return [str(received.message["Message-ID"]) for received in server.messages]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer.starttls() as server:
        yield server


def assert_is_the_invitation(received: Received, row: OutboxEmail, settings: Settings) -> None:
    message = received.message
    assert message["Subject"] == SUBJECT
    assert message["Message-ID"] == row.message_id
    assert message["From"] == settings.mail_from
    assert message["To"] == row.to_address
    assert received.rcpt_tos == [row.to_address]
    assert received.mail_from == "noreply@testserver"
    text = received.body("plain")
    assert "Ann Manager has invited you to Shopwatch for Kingsbridge BID" in text
    assert LINK in text
    html = received.body("html")
    assert f'<a href="{LINK}"' in html
    assert "<strong>Kingsbridge BID</strong>" in html


async def test_email_arrives_over_starttls_and_is_marked_sent(settings: Settings, smtp: SmtpServer) -> None:
    row = await queue()

    assert await deliver_due(smtp.backend(), settings.mail_from) == 1

    [received] = smtp.messages
    assert received.encrypted
    assert_is_the_invitation(received, row, settings)
    sent = await reload(row)
    assert sent.state == DeliveryState.SENT
    assert sent.sent_at is not None
    assert sent.attempts == 1
    assert sent.claimed_until is None
    assert sent.last_error == ""
    # A sent email is never sent again.
    assert await deliver_due(smtp.backend(), settings.mail_from) == 0
    assert len(smtp.messages) == 1


async def test_smtps_url_speaks_tls_from_the_first_byte(settings: Settings) -> None:
    row = await queue()
    with SmtpServer.implicit_tls() as server:
        assert server.url.startswith("smtps://")
        await deliver_due(server.backend(), settings.mail_from)
        [received] = server.messages

    assert received.encrypted
    assert_is_the_invitation(received, row, settings)
    assert (await reload(row)).state == DeliveryState.SENT


async def test_credentials_in_the_url_are_decoded_and_sent_after_starttls(
    settings: Settings,
) -> None:
    row = await queue()
    with SmtpServer.starttls(credentials=("mailer@testserver", "p@ss:word/1")) as server:
        url = f"smtp://mailer%40testserver:p%40ss%3Aword%2F1@127.0.0.1:{server.port}"
        await deliver_due(server.backend(url), settings.mail_from)
        [received] = server.messages

    assert received.authenticated_as == "mailer@testserver"
    assert received.encrypted
    assert (await reload(row)).state == DeliveryState.SENT


async def test_wrong_smtp_credentials_keep_the_mail_for_a_retry(settings: Settings) -> None:
    row = await queue()
    with SmtpServer.starttls(credentials=("mailer@testserver", "right")) as server:
        url = f"smtp://mailer%40testserver:wrong@127.0.0.1:{server.port}"
        await deliver_due(server.backend(url), settings.mail_from)
        assert server.messages == []

    waiting = await reload(row)
    assert waiting.state == DeliveryState.PENDING
    assert "login refused" in waiting.last_error


async def test_smtp_url_never_sends_to_a_server_without_starttls(settings: Settings) -> None:
    row = await queue()
    with SmtpServer.plain() as server:
        await deliver_due(server.backend(server.url), settings.mail_from)
        mail_commands, messages = server.mail_commands, server.messages

    # Not even the envelope went over the unencrypted connection.
    assert mail_commands == []
    assert messages == []
    waiting = await reload(row)
    assert waiting.state == DeliveryState.PENDING
    assert "STARTTLS" in waiting.last_error


async def test_a_certificate_the_client_does_not_trust_is_refused(
    settings: Settings, smtp: SmtpServer
) -> None:
    row = await queue()
    # The system's trust store, which has never heard of the test CA.
    await deliver_due(SmtpBackend(smtp.url), settings.mail_from)

    assert smtp.messages == []
    waiting = await reload(row)
    assert waiting.state == DeliveryState.PENDING
    assert "certificate" in waiting.last_error.lower()


async def test_unreachable_server_leaves_the_email_for_a_retry_in_about_30_seconds(
    settings: Settings,
) -> None:
    row = await queue()
    with refusing_port() as port:
        backend = SmtpBackend(f"smtp://127.0.0.1:{port}", tls_context=client_tls_context())
        before = now()
        assert await deliver_due(backend, settings.mail_from) == 1
        after = now()

        waiting = await reload(row)
        assert waiting.state == DeliveryState.PENDING
        assert waiting.attempts == 1
        assert waiting.claimed_until is None
        assert waiting.last_error
        assert waiting.sent_at is None
        assert before + timedelta(seconds=30) <= waiting.next_attempt_at
        assert waiting.next_attempt_at <= after + timedelta(seconds=33)
        # Not due yet, so the next pass leaves it alone.
        assert await deliver_due(backend, settings.mail_from) == 0

    # The retry comes due and the server is back.
    await OutboxEmail.filter(id=row.id).update(next_attempt_at=now() - timedelta(seconds=1))
    with SmtpServer.starttls() as server:
        assert await deliver_due(server.backend(), settings.mail_from) == 1
        assert received_ids(server) == [row.message_id]
    sent = await reload(row)
    assert sent.state == DeliveryState.SENT
    assert sent.attempts == 2
    assert sent.last_error == ""


def test_retry_delay_doubles_from_30_seconds_and_stops_at_an_hour() -> None:
    for attempts in range(1, 8):
        base = timedelta(seconds=30 * 2 ** (attempts - 1))
        for _ in range(20):
            assert base <= retry_delay(attempts) <= base * 1.1
    for attempts in (8, 9, 30, 100, 10_000):
        for _ in range(20):
            assert timedelta(minutes=59) <= retry_delay(attempts) <= timedelta(hours=1)


def test_retry_delay_can_start_sooner() -> None:
    first = timedelta(milliseconds=200)
    for attempts in range(1, 5):
        base = first * 2 ** (attempts - 1)
        assert base <= retry_delay(attempts, first) <= base * 1.1


@pytest.mark.parametrize(
    ("command", "reply", "code"),
    [
        ("RCPT", "450 4.2.1 Mailbox busy, try again later", "450"),
        ("DATA", "451 4.3.0 Local problem, try again later", "451"),
    ],
)
async def test_a_4xx_answer_keeps_the_email_for_a_retry(
    settings: Settings, smtp: SmtpServer, command: Any, reply: str, code: str
) -> None:
    row = await queue()
    smtp.reply_to(command, reply)

    await deliver_due(smtp.backend(), settings.mail_from)

    assert smtp.messages == []
    waiting = await reload(row)
    assert waiting.state == DeliveryState.PENDING
    assert code in waiting.last_error
    assert waiting.next_attempt_at > now()


@pytest.mark.parametrize(
    ("command", "reply", "code"),
    [
        ("RCPT", "550 5.1.1 No such mailbox here", "550"),
        ("DATA", "554 5.7.1 Message refused as spam", "554"),
    ],
)
async def test_a_5xx_answer_fails_the_email_for_good(
    settings: Settings, smtp: SmtpServer, command: Any, reply: str, code: str
) -> None:
    row = await queue()
    smtp.reply_to(command, reply)

    await deliver_due(smtp.backend(), settings.mail_from)

    failed = await reload(row)
    assert failed.state == DeliveryState.FAILED
    assert code in failed.last_error
    assert failed.sent_at is None
    # Never tried again, even once the server would accept it.
    smtp.accept_everything()
    await OutboxEmail.filter(id=row.id).update(next_attempt_at=now() - timedelta(minutes=1))
    assert await deliver_due(smtp.backend(), settings.mail_from) == 0
    assert smtp.messages == []


async def test_a_transient_failure_after_24_hours_gives_up(settings: Settings) -> None:
    old = await queue(to="old@example.org")
    young = await queue(to="young@example.org")
    await OutboxEmail.filter(id=old.id).update(created_at=now() - timedelta(hours=24, minutes=5))
    await OutboxEmail.filter(id=young.id).update(created_at=now() - timedelta(hours=23))

    with refusing_port() as port:
        backend = SmtpBackend(f"smtp://127.0.0.1:{port}", tls_context=client_tls_context())
        assert await deliver_due(backend, settings.mail_from) == 2

    given_up = await reload(old)
    assert given_up.state == DeliveryState.FAILED
    assert "24 hours" in given_up.last_error
    assert (await reload(young)).state == DeliveryState.PENDING


async def test_an_email_whose_worker_died_is_sent_again_with_the_same_message_id(
    settings: Settings, smtp: SmtpServer
) -> None:
    row = await queue()
    [claimed] = await claim_due()  # a worker claims it, then dies before sending
    assert claimed.id == row.id
    # Its lease runs out.
    await OutboxEmail.filter(id=row.id).update(claimed_until=now() - timedelta(seconds=1))

    assert await deliver_due(smtp.backend(), settings.mail_from) == 1

    assert received_ids(smtp) == [row.message_id]
    sent = await reload(row)
    assert sent.state == DeliveryState.SENT
    assert sent.attempts == 2


async def test_an_email_another_worker_holds_is_left_alone(settings: Settings, smtp: SmtpServer) -> None:
    row = await queue()
    [claimed] = await claim_due()
    held = await reload(claimed)
    assert held.state == DeliveryState.SENDING
    assert held.claimed_until is not None and held.claimed_until > now()

    assert await deliver_due(smtp.backend(), settings.mail_from) == 0

    assert smtp.messages == []
    still_held = await reload(row)
    assert still_held.state == DeliveryState.SENDING
    assert still_held.attempts == 1


async def test_two_concurrent_claims_never_take_the_same_email() -> None:
    rows = [await queue(to=f"person{n}@example.org") for n in range(30)]

    first, second = await asyncio.gather(claim_due(20), claim_due(20))

    first_ids = {email.id for email in first}
    second_ids = {email.id for email in second}
    assert len(first_ids) == len(first) and len(second_ids) == len(second)
    assert first_ids.isdisjoint(second_ids)
    assert first_ids | second_ids == {row.id for row in rows}
    states = await OutboxEmail.all().values_list("state", "attempts")
    assert set(states) == {(DeliveryState.SENDING, 1)}


async def test_two_workers_at_once_send_every_email_exactly_once(
    settings: Settings, smtp: SmtpServer
) -> None:
    rows = [await queue(to=f"person{n}@example.org") for n in range(30)]
    backend = smtp.backend()

    counts = await asyncio.gather(
        deliver_due(backend, settings.mail_from, 20), deliver_due(backend, settings.mail_from, 20)
    )

    assert sum(counts) == 30
    sent_ids = received_ids(smtp)
    assert sorted(sent_ids) == sorted(row.message_id for row in rows)
    assert await OutboxEmail.filter(state=DeliveryState.SENT).count() == 30


async def test_without_smtp_url_emails_are_written_as_eml_files(settings: Settings) -> None:
    row = await queue()
    backend = backend_for(settings.smtp_url, settings.mail_dir)
    assert isinstance(backend, FileBackend)

    await deliver_due(backend, settings.mail_from)

    [path] = list(settings.mail_dir.iterdir())
    assert path.suffix == ".eml"
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["Message-ID"] == row.message_id
    assert message["Subject"] == SUBJECT
    assert message["From"] == settings.mail_from
    assert message["To"] == "staff@example.org"
    assert LINK in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f'href="{LINK}"' in message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert (await reload(row)).state == DeliveryState.SENT


async def test_names_are_escaped_in_the_html_part(settings: Settings, smtp: SmtpServer) -> None:
    await queue(
        subject="You are invited to Shopwatch for <script>alert('subject')</script>",
        inviter_name="<script>alert('inviter')</script>",
        bid_name="Evil <script>alert('bid')</script> BID",
        shop_name='Shop "><img src=x onerror=alert(1)>',
    )

    await deliver_due(smtp.backend(), settings.mail_from)

    [received] = smtp.messages
    html = received.body("html")
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&#39;inviter&#39;)&lt;/script&gt;" in html
    assert "Evil &lt;script&gt;alert(&#39;bid&#39;)&lt;/script&gt; BID" in html
    assert "&lt;title&gt;" not in html and "&lt;script&gt;alert(&#39;subject&#39;)" in html
    # The plain-text part shows the names as typed: nothing there is interpreted as markup.
    assert "<script>alert('inviter')</script> has invited you" in received.body("plain")


async def test_the_worker_loop_sends_what_is_queued_until_stopped(
    settings: Settings, smtp: SmtpServer
) -> None:
    stop = asyncio.Event()
    worker = asyncio.create_task(run(smtp.backend(), settings.mail_from, stop, poll_seconds=0.05))
    try:
        row = await queue()
        for _ in range(400):
            if smtp.messages:
                break
            await asyncio.sleep(0.025)
    finally:
        stop.set()
        await asyncio.wait_for(worker, timeout=10)

    assert received_ids(smtp) == [row.message_id]
    assert (await reload(row)).state == DeliveryState.SENT


async def test_a_sealed_email_stays_sealed_through_a_retry_and_arrives_whole(
    settings: Settings, smtp: SmtpServer
) -> None:
    seal = OutboxSeal(settings.secret_key)
    row = await enqueue_email(
        "staff@example.org", SUBJECT, "invite", CONTEXT, message_domain="testserver", seal=seal
    )
    smtp.reply_to("RCPT", "450 4.2.1 Mailbox busy, try again later")

    assert await deliver_due(smtp.backend(), settings.mail_from, seal=seal) == 1

    waiting = await reload(row)
    assert waiting.state == DeliveryState.PENDING
    assert LINK not in waiting.text_body + waiting.html_body
    assert seal.open(waiting.text_body) == seal.open(row.text_body)
    smtp.accept_everything()
    await OutboxEmail.filter(id=row.id).update(next_attempt_at=now() - timedelta(seconds=1))
    assert await deliver_due(smtp.backend(), settings.mail_from, seal=seal) == 1

    [received] = smtp.messages
    assert_is_the_invitation(received, row, settings)
    sent = await reload(row)
    assert (sent.state, sent.attempts, sent.text_body, sent.html_body) == (DeliveryState.SENT, 2, "", "")


async def test_a_sealed_email_that_cannot_be_opened_fails_and_loses_its_body(
    settings: Settings, smtp: SmtpServer
) -> None:
    row = await enqueue_email(
        "staff@example.org",
        SUBJECT,
        "invite",
        CONTEXT,
        message_domain="testserver",
        seal=OutboxSeal("an-earlier-secret-key-" + "y" * 32),
    )

    await deliver_due(smtp.backend(), settings.mail_from, seal=OutboxSeal(settings.secret_key))

    assert smtp.messages == []
    failed = await reload(row)
    assert failed.state == DeliveryState.FAILED
    assert "SECRET_KEY" in failed.last_error
    assert (failed.text_body, failed.html_body) == ("", "")


async def test_an_unsealed_email_keeps_its_body_once_sent(settings: Settings, smtp: SmtpServer) -> None:
    row = await queue()
    await deliver_due(smtp.backend(), settings.mail_from)
    sent = await reload(row)
    assert sent.state == DeliveryState.SENT
    assert LINK in sent.text_body
