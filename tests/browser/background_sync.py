"""Chromium's Background Sync seen and driven through the DevTools protocol.

Chromium fires a real `sync` event when the network returns, but schedules a retry only minutes
later. Its own DevTools log (the BackgroundService domain) records how each real sync event ended,
and `ServiceWorker.dispatchSyncEvent` fires the retry now instead of in minutes.
"""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import CDPSession, Page


class BackgroundSync:
    """Records the browser's Background Sync log for a page's origin, and fires sync events."""

    def __init__(self, page: Page, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.log: list[dict[str, Any]] = []
        self.registrations: dict[str, str] = {}
        self.session: CDPSession = page.context.new_cdp_session(page)
        self.session.on("BackgroundService.backgroundServiceEventReceived", self._logged)
        self.session.on("ServiceWorker.workerRegistrationUpdated", self._registered)
        service = {"service": "backgroundSync"}
        self.session.send("BackgroundService.setRecording", {"shouldRecord": True, **service})
        self.session.send("BackgroundService.startObserving", service)
        self.session.send("ServiceWorker.enable")

    def _logged(self, params: dict[str, Any]) -> None:
        event = params["backgroundServiceEvent"]
        if event["origin"].rstrip("/") == self.origin:
            metadata = {item["key"]: item["value"] for item in event["eventMetadata"]}
            self.log.append({"name": event["eventName"], "tag": event["instanceId"], **metadata})

    def _registered(self, params: dict[str, Any]) -> None:
        for registration in params["registrations"]:
            if registration["scopeURL"].rstrip("/") == self.origin and not registration["isDeleted"]:
                self.registrations[self.origin] = registration["registrationId"]

    def wait_for_outcome(self, tag: str, timeout: float = 20) -> dict[str, Any]:
        """The log entry of the first real sync event for `tag` that ended, failed or not."""
        ended = ("sync event failed", "sync event completed", "Sync completed")
        deadline = time.monotonic() + timeout
        while True:
            for entry in self.log:
                if entry["tag"] == tag and entry["name"] in ended:
                    return entry
            assert time.monotonic() < deadline, f"no sync event for {tag} ended: {self.log}"
            self.page.wait_for_timeout(100)  # Lets Playwright deliver the protocol's events.

    def fire(self, tag: str) -> None:
        """Fires a `sync` event for `tag` now, as the browser's scheduled retry would later."""
        self.session.send(
            "ServiceWorker.dispatchSyncEvent",
            {
                "origin": self.origin,
                "registrationId": self.registrations[self.origin],
                "tag": tag,
                "lastChance": False,
            },
        )
