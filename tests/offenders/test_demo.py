"""The demo history gives a laptop run figures worth looking at."""

from __future__ import annotations

from datetime import timedelta

from shopwatch.offenders.demo import HOTSPOT_SHOP, load_demo_history
from shopwatch.offenders.exclusions import today
from shopwatch.offenders.models import OffenderStatus
from shopwatch.places.demo import DEMO_SLUG, load_demo
from shopwatch.places.models import Bid, Shop
from shopwatch.summaries.area import area_figures
from shopwatch.summaries.periods import Period


async def test_the_demo_town_has_a_hotspot_regulars_and_an_exclusion(database: str) -> None:
    await load_demo()
    bid = await Bid.get(slug=DEMO_SLUG)
    reports = await load_demo_history(bid)
    last = today()
    figures = await area_figures(bid.id, Period(last - timedelta(days=89), last))
    assert 0 < figures.total <= reports
    assert figures.previous_total > 0 and figures.value_stolen_pence > 0
    hotspot = await Shop.get(bid=bid, name=HOTSPOT_SHOP)
    assert hotspot.id in [spot.shop_id for spot in figures.hotspots]
    assert figures.repeat_offender_share > 0.2
    assert figures.top_offenders[0].count > figures.top_offenders[-1].count
    assert await bid.offenders.filter(status=OffenderStatus.EXCLUDED).count() == 1
