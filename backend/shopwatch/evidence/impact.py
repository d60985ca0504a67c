"""A shop's impact statement for business: what crime does to it, in its own words. Each one
recorded is kept; the latest is the one used."""

from __future__ import annotations

from shopwatch.accounts.models import User
from shopwatch.core.clock import now
from shopwatch.evidence.checks import MAX_IMPACT_TEXT, check_name, check_text
from shopwatch.evidence.models import BusinessImpactStatement
from shopwatch.places.models import Shop


async def record_impact(
    shop: Shop, text: str, author_name: str, position: str, by: User
) -> BusinessImpactStatement:
    """`InvalidInput` names the field that will not do."""
    return await BusinessImpactStatement.create(
        shop_id=shop.id,
        text=check_text("text", text, MAX_IMPACT_TEXT, "the impact statement"),
        author_name=check_name("authorName", author_name, "the author's name"),
        position=check_name("position", position, "the author's position"),
        recorded_by=by,
        recorded_at=now(),
    )
