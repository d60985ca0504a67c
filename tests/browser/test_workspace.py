"""The managers' and administrators' screens, each workflow done in the browser by the role that
does it and checked against the server (its API or its database)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.helpers import bid_id
from tests.browser.server import MANAGER, Server

RULES = "query($b: ID!) { alertRules(bidId: $b) { rule enabled threshold windowDays } }"


def audit_actions(server: Server) -> list[str]:
    with sqlite3.connect(server.database) as connection:
        return [row[0] for row in connection.execute("SELECT action FROM audit_entry ORDER BY id")]


def rules(server: Server, token: str, bid: str) -> dict[str, tuple[bool, int, int]]:
    found: list[dict[str, Any]] = server.graphql(RULES, {"b": bid}, token=token)["alertRules"]
    return {r["rule"]: (r["enabled"], r["threshold"], r["windowDays"]) for r in found}


def test_a_manager_sets_alert_rules_and_retention_and_exports(page: Page, server: Server) -> None:
    token = server.login(MANAGER)
    bid = bid_id(server, token)
    log_in(page, MANAGER)
    page.get_by_role("navigation").get_by_role("link", name="Manage").click()
    page.get_by_role("link", name="Alert rules").click()
    repeat = page.locator("[data-rule=REPEAT_OFFENDER]")
    expect(repeat.get_by_label("How many")).to_have_accessible_description("Default 3")
    expect(repeat.get_by_label("Within (days)")).to_have_accessible_description("Default 30")
    repeat.get_by_label("How many").fill("4")
    repeat.get_by_label("Within (days)").fill("28")
    page.locator("[data-rule=SHOP_HOTSPOT]").get_by_label("Alerts on").uncheck()
    page.get_by_role("button", name="Save alert rules").click()
    expect(page.locator("main").get_by_role("status")).to_have_text("Alert rules saved.")
    saved = rules(server, token, bid)
    assert saved["REPEAT_OFFENDER"] == (True, 4, 28)
    assert saved["SHOP_HOTSPOT"] == (False, 5, 7)
    assert saved["MULTI_SHOP_OFFENDER"] == (True, 2, 7)

    page.get_by_role("link", name="Market Harcombe").click()
    page.get_by_label("Keep offender records for (months)").fill("24")
    page.get_by_role("button", name="Save retention period").click()
    expect(page.locator("main").get_by_role("status")).to_have_text("Offender records are now kept for 24 months.")
    assert server.graphql("{ bids { offenderRetentionMonths } }", token=token)["bids"][0]["offenderRetentionMonths"] == 24

    person = page.get_by_label("Person")
    person.select_option(label="Grey hoodie, red trainers (excluded)")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download their data (JSON)").click()
    exported = json.loads(Path(download_info.value.path()).read_text())
    assert exported["offender"]["id"] == person.input_value()
    assert exported["offender"]["displayName"] == "Grey hoodie, red trainers"
    assert exported["incidents"] and exported["exclusions"]
    assert audit_actions(server)[-1] == "offender.export_data"

    page.get_by_label("From").fill("2026-01-01")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download incidents (CSV)").click()
    assert "2026-01-01-to-" in download_info.value.suggested_filename
    header = Path(download_info.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert "description" in header.lower()
    assert audit_actions(server)[-1] == "incidents.export_csv"
