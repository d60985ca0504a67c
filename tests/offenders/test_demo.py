"""The demo's plan: the walk-through's regular keeps to his timetable, and the drawn photos look alike
only where the plan says so."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from PIL import Image

from shopwatch.incidents.photo_hash import difference_hash, hamming_distance
from shopwatch.offenders.demo import GALLERY, PHOTO_MATCH, REGULAR, gallery_take, town_history
from shopwatch.offenders.demo_photos import draw
from shopwatch.offenders.matching import PHOTO_DISTANCE
from shopwatch.places.demo import DEMO_SHOPS
from shopwatch.places.models import Shop

MOMENT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)


def _shops() -> list[Shop]:
    return [Shop(id=index + 1, name=row[0]) for index, row in enumerate(DEMO_SHOPS)]


def _hash(jpeg: bytes) -> str:
    return difference_hash(Image.open(io.BytesIO(jpeg)))


def test_the_regulars_last_month_has_a_dozen_reports_at_several_shops_after_a_quiet_week() -> None:
    history = town_history(_shops(), MOMENT)
    his = [report for report in history if report.offender == REGULAR]
    recent = [report for report in his if report.occurred_at >= MOMENT - timedelta(days=29)]
    assert len(recent) >= 12
    assert len({report.shop.id for report in recent}) >= 3
    assert "Riverside Supermarket" not in {report.shop.name for report in recent}
    # The quiet week that closes every alert before it, and a last report a few days ago.
    times = sorted(report.reported_at for report in recent)
    assert max(b - a for a, b in pairwise(times)) >= timedelta(days=7)
    assert timedelta(days=3) <= MOMENT - times[-1] <= timedelta(days=5)
    # Oldest first, as they are replayed; all in the past.
    assert [report.reported_at for report in history] == sorted(report.reported_at for report in history)
    assert all(report.occurred_at < report.reported_at < MOMENT for report in history)


def test_the_plan_is_the_same_every_time() -> None:
    first, second = town_history(_shops(), MOMENT), town_history(_shops(), MOMENT)
    assert [r.client_id for r in first] == [r.client_id for r in second]
    assert draw(GALLERY[0].look, 3) == draw(GALLERY[0].look, 3)


def test_a_camera_still_looks_like_its_gallery_photo_and_like_nobody_else() -> None:
    still = _hash(draw(GALLERY[PHOTO_MATCH].look, gallery_take(PHOTO_MATCH, 0), cctv=True))
    for index, record in enumerate(GALLERY):
        distance = hamming_distance(still, _hash(draw(record.look, gallery_take(index, 0))))
        if index == PHOTO_MATCH:
            assert distance <= PHOTO_DISTANCE
        else:
            assert distance > PHOTO_DISTANCE, record.name
