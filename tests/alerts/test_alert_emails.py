"""Alert emails: one per address of every team covering the BID, written with the alert, saying
what fired and why, listing the incidents without victim details, delivered once to a real SMTP
server, and a refusal shown on the alert."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shopwatch.accounts.models import Role
from shopwatch.alerts.emails import (
    KIND_WORDS,
    STATUS_WORDS,
    AlertMailer,
    delivery_state,
    email_subject,
    message_id,
)
from shopwatch.alerts.models import Alert, AlertRecipient, AlertRule
from shopwatch.alerts.rules import DEFAULT_RULES, RULE_TITLES, update_rule_setting
from shopwatch.alerts.services import evaluate_rules
from shopwatch.core.ids import decode_id, encode_id
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.core.mail.worker import deliver_due
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.places.models import NeighbourhoodTeam, Shop
from shopwatch.settings import Settings
from tests.alerts import SECRET_DESCRIPTION, days_ago, make_offender, report
from tests.support.smtp import SmtpServer
from tests.support.world import Town, World

# Three incidents by one offender in July 2025 (British Summer Time), at two shops.
INCIDENTS = [
    (datetime(2025, 7, 1, 13, 5, tzinfo=UTC), 0, IncidentKind.THEFT),
    (datetime(2025, 7, 2, 13, 5, tzinfo=UTC), 1, IncidentKind.CRIMINAL_DAMAGE),
    (datetime(2025, 7, 3, 13, 5, tzinfo=UTC), 0, IncidentKind.THREATS_AND_ABUSE),
]
# Newest first, each with its reference ({ref}: the app's) and status in the app's words.
LINES = [
    "- {ref} · Thu 3 Jul 2025, 14:05 BST · Threats or abuse · {town} Shop 1 · New"
    " (the incident that raised this alert)",
    "- {ref} · Wed 2 Jul 2025, 14:05 BST · Criminal damage · {town} Shop 2 · New",
    "- {ref} · Tue 1 Jul 2025, 14:05 BST · Theft · {town} Shop 1 · New",
]


def listed(incidents: list[Incident], town: str = "Home") -> list[str]:
    """LINES for these incidents (oldest first, as `repeat_offender_alert` gives them)."""
    return [
        line.format(ref=i.reference, town=town) for line, i in zip(LINES, reversed(incidents), strict=True)
    ]


async def repeat_offender_alert(
    town: Town, settings: Settings, name: str = "Dave Known"
) -> tuple[Alert, list[Incident]]:
    """A REPEAT_OFFENDER alert, alone: the other offender rules are off in this BID."""
    for rule in (AlertRule.MULTI_SHOP_OFFENDER, AlertRule.VIOLENCE_BY_KNOWN_OFFENDER):
        await update_rule_setting(town.bid.id, rule, enabled=False)
    offender = await make_offender(town, name)
    incidents, alerts = [], []
    for occurred_at, shop, kind in INCIDENTS:
        incident, alerts = await report(
            town, settings, occurred_at, offenders=[offender], shop=shop, kind=kind
        )
        incidents.append(incident)
    [alert] = alerts
    assert alert.rule == AlertRule.REPEAT_OFFENDER
    return alert, incidents


async def add_team(name: str, email: str, *towns: Town) -> NeighbourhoodTeam:
    team = await NeighbourhoodTeam.create(name=name, email=email)
    await team.bids.add(*(town.bid for town in towns))
    return team


def link_to(alert: Alert) -> str:
    return f"http://testserver/#/alerts/{encode_id('Alert', alert.id)}"


async def emails_of(alert: Alert) -> list[OutboxEmail]:
    ids = await AlertRecipient.filter(alert_id=alert.id).values_list("outbox_email_id", flat=True)
    return await OutboxEmail.filter(id__in=list(ids)).order_by("to_address")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer.starttls() as server:
        yield server


async def test_every_team_covering_the_bid_gets_one_email_per_address(
    world: World, settings: Settings
) -> None:
    await add_team("County Rural NPT", "county@police.example.org", world.home, world.away)
    # Another team of the home BID sharing the home team's mailbox (written differently): one email.
    await add_team("Home Night NPT", "NPT@Home.example.org", world.home)

    home_alert, _ = await repeat_offender_alert(world.home, settings)
    away_alert, _ = await repeat_offender_alert(world.away, settings)

    home = await emails_of(home_alert)
    away = await emails_of(away_alert)
    assert [email.to_address for email in home] == ["county@police.example.org", "npt@home.example.org"]
    assert [email.to_address for email in away] == ["county@police.example.org", "npt@away.example.org"]
    assert await OutboxEmail.all().count() == 4  # nothing else was written

    recipients = await AlertRecipient.filter(alert_id=home_alert.id).order_by("address")
    assert [(r.address, r.outbox_email_id) for r in recipients] == [(e.to_address, e.id) for e in home]
    for email in home + away:
        assert email.state == DeliveryState.PENDING


async def test_message_id_is_stable_per_alert_and_address(world: World, settings: Settings) -> None:
    alert, _ = await repeat_offender_alert(world.home, settings)
    [email] = await emails_of(alert)

    assert email.message_id == message_id(alert.id, "npt@home.example.org", "testserver")
    assert re.fullmatch(rf"<alert-{alert.id}-[0-9a-f]{{16}}@testserver>", email.message_id)
    assert message_id(alert.id, "NPT@home.example.org ", "testserver") == email.message_id
    assert message_id(alert.id, "other@home.example.org", "testserver") != email.message_id
    assert message_id(alert.id + 1, "npt@home.example.org", "testserver") != email.message_id


async def test_subject_and_body_say_what_fired_why_and_where_to_look(
    world: World, settings: Settings
) -> None:
    alert, incidents = await repeat_offender_alert(world.home, settings)
    [email] = await emails_of(alert)

    # The rule and the shop of the incident that raised it; the offender's name only in the body.
    assert email.subject == "Repeat offender at Home Shop 1"
    text = email.text_body
    assert "Rule: Repeat offender (one offender in 3 incidents within 30 days)" in text
    assert "Why: Seen in 3 incidents in the last 30 days (the rule: 3 in 30 days)." in text
    assert "Offender: Dave Known" in text
    assert "\n".join(listed(incidents)) in text
    assert all(incident.reference.startswith("HOM-2") for incident in incidents)
    assert link_to(alert) in text
    assert "in the next 7 days join this alert without another email" in text

    html = email.html_body
    assert f'<a href="{link_to(alert)}"' in html
    assert "Seen in 3 incidents in the last 30 days (the rule: 3 in 30 days)." in html
    for line in listed(incidents):
        reference, rest = line.removeprefix("- ").split(" (the")[0].split(" · ", 1)
        assert f"<strong>{reference}</strong> · {rest}" in html
    # The link carries the same opaque ID as the API.
    assert decode_id("Alert", link_to(alert).rsplit("/", 1)[1]) == alert.id


async def test_emails_carry_no_victim_details(world: World, settings: Settings) -> None:
    alert, incidents = await repeat_offender_alert(world.home, settings)
    reporter = world.home.users[Role.SHOP_STAFF]
    assert all(incident.description == SECRET_DESCRIPTION for incident in incidents)

    [email] = await emails_of(alert)

    for part in (email.subject, email.text_body, email.html_body):
        assert "Xylophone" not in part
        assert reporter.name not in part and reporter.email not in part
        assert "PR-99887766" not in part  # police reference
        assert "12345" not in part and "123.45" not in part  # value stolen


async def test_html_escapes_what_users_typed(world: World, settings: Settings) -> None:
    alert, _ = await repeat_offender_alert(world.home, settings, name="<b>Bob</b> & Co")
    [email] = await emails_of(alert)

    assert "<b>Bob</b>" not in email.html_body
    assert "&lt;b&gt;Bob&lt;/b&gt; &amp; Co" in email.html_body
    assert "Offender: <b>Bob</b> & Co" in email.text_body  # plain text is shown as typed
    assert "Bob" not in email.subject


async def test_a_shop_name_cannot_add_header_lines(world: World, settings: Settings) -> None:
    await Shop.filter(id=world.home.shops[0].id).update(name="Dave\r\nBcc: everyone@example.org")
    alert, _ = await repeat_offender_alert(world.home, settings)
    [email] = await emails_of(alert)
    assert email.subject == "Repeat offender at Dave Bcc: everyone@example.org"


LONGEST_TITLE = max(RULE_TITLES.values(), key=len)


@pytest.mark.parametrize(
    ("shop", "subject"),
    [
        ("Riverside Supermarket", f"{LONGEST_TITLE} at Riverside Supermarket"),
        # Cut at a word, with nothing dangling before the ellipsis.
        (
            "The Harcombe & District Co-operative Society Late-Night Convenience Store, 14-16 Market Place",
            f"{LONGEST_TITLE} at The Harcombe & District…",
        ),
        # One long word is cut where it must be.
        ("X" * 200, f"{LONGEST_TITLE} at " + "X" * (58 - len(LONGEST_TITLE) - 4) + "…"),
    ],
)
def test_a_subject_fits_a_phones_notification(shop: str, subject: str) -> None:
    assert email_subject(LONGEST_TITLE, shop) == subject
    for title in RULE_TITLES.values():
        made = email_subject(title, shop)
        assert len(made) < 60 and made.startswith(f"{title} at ")


async def test_the_longest_shop_name_still_gives_a_short_subject(world: World, settings: Settings) -> None:
    # The worst case: the longest rule title and a shop name as long as the column allows.
    name = "Harcombe " + "Very Long Name " * 12 + "Superstore"
    await Shop.filter(id=world.home.shops[0].id).update(name=name[:200])
    await update_rule_setting(world.home.bid.id, AlertRule.REPEAT_OFFENDER, enabled=False)
    offender = await make_offender(world.home)
    await report(world.home, settings, days_ago(2), offenders=[offender], shop=1)
    _, alerts = await report(world.home, settings, days_ago(1), offenders=[offender])
    [alert] = [a for a in alerts if a.rule == AlertRule.MULTI_SHOP_OFFENDER]
    [email] = await emails_of(alert)
    assert email.subject == "Offender moving between shops at Harcombe Very Long Name…"
    assert len(email.subject) < 60
    assert name[:200] in email.text_body  # the body keeps the whole name


def _js_words(path: str, constant: str) -> dict[str, str]:
    source = (Path(__file__).resolve().parents[2] / "frontend" / "js" / path).read_text()
    body = re.search(rf"const {constant} = {{(.*?)}};", source, re.S)
    assert body is not None, f"{constant} not found in {path}"
    return dict(re.findall(r'(\w+): "([^"]+)"', body.group(1)))


def test_emails_use_the_apps_words() -> None:
    assert _js_words("views/alerts.js", "RULE_NAMES") == {
        rule.value: title for rule, title in RULE_TITLES.items()
    }
    assert _js_words("dom.js", "KIND_NAMES") == {kind.value: word for kind, word in KIND_WORDS.items()}
    assert _js_words("views/reports.js", "STATUS_NAMES") == {
        s.value: word for s, word in STATUS_WORDS.items()
    }


async def test_shop_and_vehicle_alerts_name_their_subject(world: World, settings: Settings) -> None:
    await report(world.home, settings, days_ago(2), vehicle="AB12CDE")
    _, [vehicle] = await report(world.home, settings, days_ago(1), vehicle="AB12CDE", shop=1)
    await update_rule_setting(
        world.home.bid.id, AlertRule.SHOP_HOTSPOT, enabled=True, threshold=2, window_days=7
    )
    _, [hotspot] = await report(world.home, settings, days_ago(0.5), shop=1)

    [vehicle_email] = await emails_of(vehicle)
    [hotspot_email] = await emails_of(hotspot)
    assert vehicle_email.subject == "Vehicle seen again at Home Shop 2"
    assert "Vehicle: AB12CDE" in vehicle_email.text_body
    assert hotspot_email.subject == "Shop hotspot at Home Shop 2"
    assert "Shop: Home Shop 2" in hotspot_email.text_body
    assert "Rule: Shop hotspot (at least 2 incidents at one shop within 7 days" in hotspot_email.text_body


async def test_an_alert_is_not_emailed_twice_to_an_address(world: World, settings: Settings) -> None:
    alert, incidents = await repeat_offender_alert(world.home, settings)

    for incident in incidents:
        assert await evaluate_rules(incident, settings) == []
    rule = DEFAULT_RULES[AlertRule.REPEAT_OFFENDER]
    shown = await Incident.filter(id__in=[i.id for i in incidents]).select_related("shop")
    assert await AlertMailer(world.home.bid.id, settings).send(alert, rule, shown, incidents[-1].id) == []

    assert await OutboxEmail.all().count() == 1
    assert await AlertRecipient.all().count() == 1


async def test_the_worker_delivers_alert_emails_once_to_every_team(
    world: World, settings: Settings, smtp: SmtpServer
) -> None:
    await add_team("County Rural NPT", "county@police.example.org", world.home, world.away)
    alert, incidents = await repeat_offender_alert(world.home, settings)
    expected = {email.to_address: email for email in await emails_of(alert)}

    assert await deliver_due(smtp.backend(), settings.mail_from) == 2
    assert await deliver_due(smtp.backend(), settings.mail_from) == 0  # nothing sent twice

    received = {tuple(message.rcpt_tos): message for message in smtp.messages}
    assert set(received) == {("county@police.example.org",), ("npt@home.example.org",)}
    for (address,), message in received.items():
        assert message.encrypted
        assert message.message["Message-ID"] == expected[address].message_id
        assert message.message["Subject"] == "Repeat offender at Home Shop 1"
        text = message.body("plain").replace("\r\n", "\n")
        assert link_to(alert) in text
        assert "\n".join(listed(incidents)) in text
        assert f'<a href="{link_to(alert)}"' in message.body("html")
        # Read on a phone: laid out for the screen's width, not shrunk from a desktop page.
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in message.body("html")

    [deliveries] = (await delivery_state([alert.id])).values()
    assert [(d.address, d.state, d.attempts, d.last_error) for d in deliveries] == [
        ("county@police.example.org", DeliveryState.SENT, 1, ""),
        ("npt@home.example.org", DeliveryState.SENT, 1, ""),
    ]
    assert all(d.delivered_at is not None and d.alert_id == alert.id for d in deliveries)


async def test_a_5xx_refusal_shows_on_the_alert_as_failed(
    world: World, settings: Settings, smtp: SmtpServer
) -> None:
    alert, _ = await repeat_offender_alert(world.home, settings)
    smtp.reply_to("RCPT", "550 5.1.1 No such mailbox")

    assert await deliver_due(smtp.backend(), settings.mail_from) == 1
    assert await deliver_due(smtp.backend(), settings.mail_from) == 0  # not retried

    assert smtp.messages == []
    [delivery] = (await delivery_state([alert.id]))[alert.id]
    assert delivery.address == "npt@home.example.org"
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 1
    assert "550" in delivery.last_error
    assert delivery.delivered_at is None


async def test_delivery_state_answers_for_every_alert_asked(world: World, settings: Settings) -> None:
    alert, _ = await repeat_offender_alert(world.home, settings)
    await world.away.team.bids.remove(world.away.bid)  # the away BID is now covered by nobody
    away_alert, _ = await repeat_offender_alert(world.away, settings)

    states = await delivery_state([away_alert.id, alert.id, 999_999, alert.id])

    assert list(states) == [away_alert.id, alert.id, 999_999]
    assert states[away_alert.id] == [] and states[999_999] == []
    assert [d.state for d in states[alert.id]] == [DeliveryState.PENDING]
    assert await delivery_state([]) == {}
