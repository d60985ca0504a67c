"""Retention reaches the outbox: a forgotten offender's name leaves every stored email, and every
finished email loses its bodies after 30 days while its envelope stays."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from shopwatch.actions.retention import purge
from shopwatch.alerts.emails import delivery_state
from shopwatch.alerts.models import Alert, AlertRecipient
from shopwatch.alerts.retention import WITHDRAWN
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.clock import now
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.core.mail.worker import deliver_due
from shopwatch.core.storage import PhotoStore
from shopwatch.offenders.models import Offender
from shopwatch.settings import Settings
from tests.alerts.test_alert_emails import emails_of, repeat_offender_alert
from tests.support.smtp import SmtpServer
from tests.support.stored_text import places_holding
from tests.support.world import World


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer.starttls() as server:
        yield server


@pytest.fixture
def store(tmp_path: Path) -> PhotoStore:
    return PhotoStore(tmp_path / "media")


async def last_seen(name: str, moment: datetime) -> None:
    await Offender.filter(display_name=name).update(last_seen_at=moment)


async def test_a_forgotten_offenders_name_leaves_every_stored_email(
    database: str, world: World, settings: Settings, smtp: SmtpServer, store: PhotoStore
) -> None:
    forgotten_alert, _ = await repeat_offender_alert(world.home, settings, "Dave Known")
    kept_alert, _ = await repeat_offender_alert(world.away, settings, "Eve Current")
    await last_seen("Dave Known", now() - timedelta(days=400))
    await last_seen("Eve Current", now() - timedelta(days=10))
    assert await deliver_due(smtp.backend(), settings.mail_from) == 2
    [sent] = await emails_of(forgotten_alert)
    assert "Dave Known" in sent.text_body and "Dave Known" in sent.html_body
    assert sent.subject == "Repeat offender at Home Shop 1"  # names the rule and shop, never a person

    purged = await purge(store, now())

    assert (purged.offenders, purged.alert_emails) == (1, 1)
    assert await places_holding(database, "Dave Known") == []
    [cleared] = await emails_of(forgotten_alert)
    assert cleared.subject == "Repeat offender at Home Shop 1"
    assert (cleared.text_body, cleared.html_body) == ("", "")
    assert (cleared.to_address, cleared.message_id, cleared.state, cleared.sent_at, cleared.created_at) == (
        sent.to_address,
        sent.message_id,
        DeliveryState.SENT,
        sent.sent_at,
        sent.created_at,
    )
    [delivery] = (await delivery_state([forgotten_alert.id]))[forgotten_alert.id]
    assert (delivery.address, delivery.state) == (sent.to_address, DeliveryState.SENT)
    [untouched] = await emails_of(kept_alert)
    assert untouched.subject == "Repeat offender at Away Shop 1"
    assert "Eve Current" in untouched.text_body and "Eve Current" in untouched.html_body
    [entry] = await AuditEntry.all()
    assert entry.action == "retention.purge"
    again = await purge(store, now())
    assert (again.offenders, again.alert_emails) == (0, 0)


async def test_the_name_goes_from_an_email_already_without_a_body_and_from_one_never_sent(
    database: str, world: World, settings: Settings, store: PhotoStore
) -> None:
    alert, _ = await repeat_offender_alert(world.home, settings, "Dave Known")
    [old] = await emails_of(alert)
    # Sent long ago with a subject of the form used until migration 0012, which named the offender.
    await OutboxEmail.filter(id=old.id).update(
        subject="Shopwatch alert: Repeat offender - Dave Known (Home BID)",
        state=DeliveryState.SENT,
        sent_at=now() - timedelta(days=300),
        text_body="",
        html_body="",
    )
    unsent = await OutboxEmail.create(
        to_address="late@police.example.org",
        subject=old.subject,
        text_body="Offender: Dave Known",
        html_body="<p>Offender: Dave Known</p>",
        message_id="<late@testserver>",
        next_attempt_at=now(),
    )
    await AlertRecipient.create(alert=alert, address=unsent.to_address, outbox_email=unsent)
    await last_seen("Dave Known", now() - timedelta(days=400))

    assert (await purge(store, now())).alert_emails == 2

    assert await places_holding(database, "Dave Known") == []
    # Written again in today's form: the rule and the shop of the alert's latest incident.
    assert (await OutboxEmail.get(id=old.id)).subject == "Repeat offender at Home Shop 1"
    withdrawn = await OutboxEmail.get(id=unsent.id)
    assert (withdrawn.state, withdrawn.last_error) == (DeliveryState.FAILED, WITHDRAWN)
    assert withdrawn.subject == "Repeat offender at Home Shop 1"
    assert (await purge(store, now())).alert_emails == 0


async def test_finished_emails_lose_their_bodies_after_30_days_and_keep_their_envelope(
    world: World, store: PhotoStore
) -> None:
    moment = now()

    async def email(name: str, state: DeliveryState, days_ago: float) -> OutboxEmail:
        at = moment - timedelta(days=days_ago)
        row = await OutboxEmail.create(
            to_address=f"{name}@example.org",
            subject=f"About {name}",
            text_body=f"text for {name}",
            html_body=f"<p>html for {name}</p>",
            message_id=f"<{name}@testserver>",
            state=state,
            next_attempt_at=at,
            sent_at=at if state == DeliveryState.SENT else None,
        )
        await OutboxEmail.filter(id=row.id).update(created_at=at)
        return await OutboxEmail.get(id=row.id)

    old_sent = await email("old-sent", DeliveryState.SENT, 31)
    old_failed = await email("old-failed", DeliveryState.FAILED, 31)
    recent_sent = await email("recent-sent", DeliveryState.SENT, 29)
    waiting = await email("waiting", DeliveryState.PENDING, 31)

    assert (await purge(store, moment)).email_bodies == 2

    for before in (old_sent, old_failed):
        after = await OutboxEmail.get(id=before.id)
        assert (after.text_body, after.html_body) == ("", "")
        assert (after.to_address, after.subject, after.message_id, after.state) == (
            before.to_address,
            before.subject,
            before.message_id,
            before.state,
        )
        assert (after.created_at, after.sent_at) == (before.created_at, before.sent_at)
    for kept in (recent_sent, waiting):
        assert (await OutboxEmail.get(id=kept.id)).text_body == kept.text_body
    assert (await purge(store, moment)).email_bodies == 0


async def test_a_forgotten_offenders_alerts_lose_their_acknowledgement_notes(
    database: str, world: World, settings: Settings, store: PhotoStore
) -> None:
    # A note is free text: whoever acknowledged may have named the person.
    forgotten_alert, _ = await repeat_offender_alert(world.home, settings, "Dave Known")
    kept_alert, _ = await repeat_offender_alert(world.away, settings, "Eve Current")
    await Alert.filter(id=forgotten_alert.id).update(acknowledgement_note="Dave Known left by the side door")
    await Alert.filter(id=kept_alert.id).update(acknowledgement_note="Eve Current left by the side door")
    await last_seen("Dave Known", now() - timedelta(days=400))
    await last_seen("Eve Current", now() - timedelta(days=10))

    purged = await purge(store, now())

    assert (purged.offenders, purged.alert_notes) == (1, 1)
    assert await places_holding(database, "Dave Known") == []
    assert (await Alert.get(id=forgotten_alert.id)).acknowledgement_note is None
    assert (await Alert.get(id=kept_alert.id)).acknowledgement_note == "Eve Current left by the side door"
    assert (await purge(store, now())).alert_notes == 0
