"""Alert emails: one per address of every team covering the BID, written to the outbox, and how
each delivery went.

An email names the rule, its subject and the BID, says why the rule fired, lists the incidents by
reference, time, kind, shop and status, and links to the alert in the app. It carries no victim
details: no descriptions, reporters, values or police references. Its subject, read on a phone's
lock screen, is the rule and the shop in under 60 characters ("Repeat offender at Riverside
Supermarket"), and its words are the app's: the same rule titles, kinds and statuses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from shopwatch.alerts.models import Alert, AlertRecipient
from shopwatch.alerts.rules import ALWAYS_ALERT, COOLDOWN, RULE_TITLES, RuleSettings, describe_rule
from shopwatch.core.ids import encode_id
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.core.mail.outbox import enqueue_email, fit_subject
from shopwatch.incidents.models import Incident
from shopwatch.incidents.wording import KIND_WORDS, STATUS_WORDS, local_time
from shopwatch.offenders.models import Offender
from shopwatch.places.models import Bid, Shop
from shopwatch.places.services import covering_team_addresses
from shopwatch.settings import Settings

TEMPLATE = "alert"
# An email lists this many incidents, newest first; the app shows the rest.
MAX_LISTED = 20
# A phone's notification shows about this much of a subject; the whole subject stays under it.
MAX_SUBJECT = 59


def long_date(day: date) -> str:
    """'3 March 2026'."""
    return f"{day.day} {day:%B %Y}"


def alert_link(alert_id: int, settings: Settings) -> str:
    """The alert in the app, by the same opaque ID the API gives it."""
    return settings.app_link(f"#/alerts/{encode_id('Alert', alert_id)}")


def message_id(alert_id: int, address: str, domain: str) -> str:
    """Stable per (alert, address), so a resend after a crash is recognisably the same message."""
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]
    return f"<alert-{alert_id}-{digest}@{domain}>"


def email_subject(rule_title: str, shop_name: str) -> str:
    """'Repeat offender at Riverside Supermarket': the rule and the shop, never a person's name, in
    at most MAX_SUBJECT characters; a long shop name is cut at a word and marked with '…'."""
    return fit_subject(f"{rule_title} at ", shop_name, MAX_SUBJECT)


class AlertMailer:
    """Writes the emails of the new alerts of one evaluation, looking up what they share once."""

    def __init__(self, bid_id: int, settings: Settings) -> None:
        self.bid_id = bid_id
        self.settings = settings
        self._bid_name: str | None = None
        self._addresses: list[str] | None = None
        self._offender_names: dict[int, str] = {}
        self._shop_names: dict[int, str] = {}

    async def shop_name(self, shop_id: int) -> str:
        if shop_id not in self._shop_names:
            self._shop_names[shop_id] = (await Shop.get(id=shop_id)).name
        return self._shop_names[shop_id]

    async def _recipients(self) -> tuple[str, list[str]]:
        """The BID's name, and the distinct addresses of every team covering it (case-insensitively)."""
        if self._bid_name is None or self._addresses is None:
            bid = await Bid.get(id=self.bid_id)
            self._bid_name, self._addresses = bid.name, await covering_team_addresses(self.bid_id)
        return self._bid_name, self._addresses

    async def remember_offenders(self, offender_ids: Iterable[int]) -> None:
        """Look the display names of these offenders up in one query, for the subjects of emails."""
        wanted = list({pk for pk in offender_ids if pk not in self._offender_names})
        if wanted:
            rows = await Offender.filter(id__in=wanted).values_list("id", "display_name")
            self._offender_names.update({int(pk): str(name) for pk, name in rows})

    async def subject_label(self, alert: Alert) -> str:
        """The offender's display name, the shop's name or the registration."""
        if alert.offender_id is not None:
            await self.remember_offenders([alert.offender_id])
            return self._offender_names.get(alert.offender_id, "an offender")
        if alert.shop_id is not None:
            return await self.shop_name(alert.shop_id)
        return alert.vehicle_registration or "a vehicle"

    async def send(
        self, alert: Alert, rule: RuleSettings, incidents: Sequence[Incident], trigger_id: int
    ) -> list[AlertRecipient]:
        """Write the alert's email to each address not yet sent it. `incidents` need their shop
        loaded (select_related); call inside the transaction that stores the alert."""
        bid_name, addresses = await self._recipients()
        already = {
            str(address).lower()
            for address in await AlertRecipient.filter(alert_id=alert.id).values_list("address", flat=True)
        }
        addresses = [address for address in addresses if address.lower() not in already]
        if not addresses:
            return []
        title = RULE_TITLES[alert.rule]
        label = await self.subject_label(alert)
        listed = sorted(incidents, key=lambda row: (row.occurred_at, row.id), reverse=True)
        # The shop where it happened: a hotspot's own, else the shop of the incident that raised it.
        trigger = next((row for row in listed if row.id == trigger_id), listed[0] if listed else None)
        shop_id = alert.shop_id or (trigger.shop_id if trigger is not None else None)
        subject = email_subject(title, await self.shop_name(shop_id) if shop_id is not None else bid_name)
        context = {
            "rule_title": title,
            "rule_description": describe_rule(rule),
            "subject_label": label,
            "subject_kind": _subject_kind(alert),
            "bid_name": bid_name,
            "summary": alert.summary,
            "cooldown_days": COOLDOWN.days,
            "joins_later_incidents": alert.rule not in ALWAYS_ALERT,
            "incidents": [
                {
                    "reference": row.reference,
                    "when": local_time(row.occurred_at),
                    "kind": KIND_WORDS[row.kind],
                    "status": STATUS_WORDS[row.status],
                    "shop": row.shop.name,  # type: ignore[attr-defined]
                    "is_trigger": row.id == trigger_id,
                }
                for row in listed[:MAX_LISTED]
            ],
            "more_count": max(len(listed) - MAX_LISTED, 0),
            "link": alert_link(alert.id, self.settings),
        }
        recipients = []
        for address in addresses:
            email = await enqueue_email(
                address,
                subject,
                TEMPLATE,
                context,
                message_domain=self.settings.mail_domain,
                message_id=message_id(alert.id, address, self.settings.mail_domain),
            )
            recipients.append(await AlertRecipient.create(alert=alert, address=address, outbox_email=email))
        return recipients


def _subject_kind(alert: Alert) -> str:
    if alert.offender_id is not None:
        return "Offender"
    if alert.shop_id is not None:
        return "Shop"
    return "Vehicle"


@dataclass(frozen=True)
class RecipientDelivery:
    """How the alert's email to one address is going, read from its outbox row."""

    alert_id: int
    address: str
    state: DeliveryState
    attempts: int
    last_error: str
    sent_at: datetime | None

    @property
    def delivered_at(self) -> datetime | None:
        return self.sent_at


async def delivery_state(alert_ids: Iterable[int]) -> dict[int, list[RecipientDelivery]]:
    """Each alert's deliveries, by address, in one query; every alert asked for has a (maybe empty) list.

    A recipient whose outbox row has been purged counts as SENT: rows are only purged once done.
    """
    wanted = list(dict.fromkeys(alert_ids))
    states: dict[int, list[RecipientDelivery]] = {pk: [] for pk in wanted}
    if not wanted:
        return states
    rows = (
        await AlertRecipient.filter(alert_id__in=wanted)
        .select_related("outbox_email")
        .order_by("alert_id", "address")
    )
    for row in rows:
        email = row.outbox_email
        assert email is None or isinstance(email, OutboxEmail)
        states[row.alert_id].append(
            RecipientDelivery(
                alert_id=row.alert_id,
                address=row.address,
                state=email.state if email is not None else DeliveryState.SENT,
                attempts=email.attempts if email is not None else 0,
                last_error=email.last_error if email is not None else "",
                sent_at=email.sent_at if email is not None else None,
            )
        )
    return states
