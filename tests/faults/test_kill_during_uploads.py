"""`kill -9` of the server in the middle of a burst of reports with photos, then a restart on the
same database and media directory: every report the phones saw acknowledged is there exactly once,
with its photos, and nothing half-done is left behind."""

from __future__ import annotations

from pathlib import Path

from shopwatch.accounts.models import Role
from shopwatch.core.photo_sweep import sweep_orphan_photos
from shopwatch.core.storage import PhotoStore, paths_for
from shopwatch.incidents.models import Incident, Photo
from tests.faults.reports import reports_with_photos, send_burst
from tests.faults.servers import Server, server_env
from tests.support.world import World

REPORTS = 24
PHOTOS_EACH = 2
PHONES = 4
KILL_AFTER = 6  # acknowledgements before the kill: the rest of the burst is in flight or unsent


def files_under(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


async def test_reports_acknowledged_before_a_kill_survive_it_once_and_whole(
    tmp_path: Path, database: str, world: World
) -> None:
    token = world.token(Role.SHOP_STAFF) or ""
    reports = reports_with_photos(world.home.shop_id(0), REPORTS, PHOTOS_EACH)
    env = server_env(tmp_path / "var", database)
    server = Server(env, tmp_path / "server.log")
    await server.start()
    try:

        def kill_mid_burst(acknowledged: int) -> None:
            if acknowledged == KILL_AFTER:
                server.kill()

        first = await send_burst(server.base_url, token, reports, PHONES, kill_mid_burst)
        assert server.process is not None and server.process.returncode == -9, server.log()
        assert len(first.acknowledged) >= KILL_AFTER
        assert first.refused == [], [response.text for response in first.refused]

        # The phones keep what was not acknowledged and send it again, same clientId, once the
        # server is back.
        await server.start()
        unacknowledged = [report for report in reports if report.client_id not in first.acknowledged]
        second = await send_burst(server.base_url, token, unacknowledged, PHONES)
        assert second.refused == second.transport_errors == second.timeouts == []
    finally:
        server.stop()

    acknowledged = first.acknowledged | second.acknowledged
    assert sorted(acknowledged) == sorted(report.client_id for report in reports)
    for stored in acknowledged.values():
        assert stored["photoErrors"] == []
        assert len(stored["incident"]["photos"]) == PHOTOS_EACH

    # Exactly once each, and nothing the phones did not send.
    incidents = await Incident.all()
    assert sorted(str(incident.client_id) for incident in incidents) == sorted(acknowledged)
    # Whole rows: every report has its photos' rows, and every photo row has its files.
    store = PhotoStore(tmp_path / "var" / "media")
    photos = await Photo.all()
    assert len(photos) == REPORTS * PHOTOS_EACH
    assert {photo.incident_id for photo in photos} == {incident.id for incident in incidents}
    for incident in incidents:
        assert incident.description and incident.kind and incident.occurred_at and incident.reported_at
    for photo in photos:
        for relative in (photo.original_path, photo.display_path, photo.thumbnail_path):
            assert store.open_path(relative).is_file(), relative

    # Files a killed upload wrote before its row are orphans; the sweep (no grace period: no
    # upload is in flight now) leaves exactly the files the rows name.
    await sweep_orphan_photos(store, grace_seconds=0)
    assert files_under(store.media_root) == {
        relative for photo in photos for relative in paths_for(photo.sha256)
    }
