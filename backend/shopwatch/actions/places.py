"""Changing how long a BID's gallery keeps people, with its audit entry in the same transaction."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from shopwatch.actions.acting import Acting
from shopwatch.core.audit.trail import record
from shopwatch.places import services
from shopwatch.places.models import Bid


async def set_offender_retention(by: Acting, bid_id: int, months: int) -> Bid:
    """`NotFoundError` for no such BID, `InvalidInput` for a period out of range."""
    async with in_transaction():
        bid = await services.set_offender_retention(await services.get_bid(bid_id), months)
        await record(by.actor, "retention.update", f"Bid:{bid.id}", months=bid.offender_retention_months)
    return bid
