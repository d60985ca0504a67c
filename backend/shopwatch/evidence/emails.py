"""The referral email: one per address of every team covering the BID, written to the outbox in the
referral's transaction. Like alert emails it carries no victim details (no description, note,
reporter or value): the reference, kind, time, shop, crime reference and a link to the case."""

from __future__ import annotations

from shopwatch.core.ids import encode_id
from shopwatch.core.mail.models import OutboxEmail
from shopwatch.core.mail.outbox import enqueue_email, fit_subject
from shopwatch.incidents.models import Incident
from shopwatch.incidents.wording import KIND_WORDS, local_time
from shopwatch.places.models import Bid, Shop
from shopwatch.places.services import covering_team_addresses
from shopwatch.settings import Settings

TEMPLATE = "referral"
MAX_SUBJECT = 59


def case_link(incident_id: int, settings: Settings) -> str:
    return settings.app_link(f"#/incidents/{encode_id('Incident', incident_id)}")


def referral_subject(reference: str, shop_name: str) -> str:
    """'Referred: MH-2026-00154 at Riverside Supermarket', cut to what a phone shows."""
    return fit_subject(f"Referred: {reference} at ", shop_name, MAX_SUBJECT)


async def send_referral(incident: Incident, referred_by: str, settings: Settings) -> list[OutboxEmail]:
    """Call inside the referral's transaction; `referred_by` is the referrer's name."""
    shop = await Shop.get(id=incident.shop_id)
    bid = await Bid.get(id=incident.bid_id)
    context = {
        "reference": incident.reference,
        "kind": KIND_WORDS[incident.kind],
        "when": local_time(incident.occurred_at),
        "shop": shop.name,
        "address": f"{shop.address}, {shop.postcode}",
        "bid_name": bid.name,
        "crime_reference": incident.police_reference or "",
        "referred_by": referred_by,
        "link": case_link(incident.id, settings),
    }
    subject = referral_subject(incident.reference, shop.name)
    return [
        await enqueue_email(address, subject, TEMPLATE, context, message_domain=settings.mail_domain)
        for address in await covering_team_addresses(incident.bid_id)
    ]
