"""The BID manager's dashboard shows what `areaSummary` says for the same period."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import log_in
from tests.browser.helpers import bid_id, create_offender, jpeg, report
from tests.browser.server import MANAGER, Server

SUMMARY = """query($bidId: ID!, $from: Date!, $to: Date!) {
  areaSummary(bidId: $bidId, from: $from, to: $to) {
    totalIncidents valueStolenPence previousPeriodTotal previousPeriodValueStolenPence change
    repeatOffenderShare
    byKind { kind count valueStolenPence } byShop { shop { name } count valueStolenPence }
    byWeek { weekStart count } byHourOfWeek { dayOfWeek hour count }
    topOffenders { offender { displayName } count } hotspots { shop { name } }
  }
}"""
KINDS = ["THEFT", "THEFT", "ASSAULT", "CRIMINAL_DAMAGE", "ANTISOCIAL_BEHAVIOUR"]


def pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def table_rows(page: Page, title: str) -> list[list[str]]:
    chart = page.locator("figure.chart", has_text=title)
    chart.get_by_text(f"{title}: table").click()  # Opens the table alternative.
    rows: list[Locator] = chart.locator("tbody tr").all()
    return [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in rows]


def test_the_dashboard_figures_match_area_summary(page: Page, server: Server) -> None:
    manager = server.login(MANAGER)
    bid = bid_id(server, manager)
    shops = server.graphql("{ bids { shops { id } } }", token=manager)["bids"][0]["shops"]
    offender = create_offender(server, manager, bid, "Green scarf", jpeg((20, 160, 20)))
    now = datetime.now(UTC)
    # 24 incidents over the last 80 days, so both the period and the one before it have some.
    for index in range(24):
        report(
            server,
            manager,
            shopId=shops[index % 4]["id"],
            kind=KINDS[index % len(KINDS)],
            occurredAt=(now - timedelta(days=index * 10 // 3, hours=index)).isoformat(),
            valueStolenPence=1000 + index * 125,
            description=f"Dashboard incident {index}",
            offenderIds=[offender] if index % 5 == 0 else None,
        )
    today = datetime.now(ZoneInfo("Europe/London")).date()
    first = today - timedelta(days=41)
    summary = server.graphql(
        SUMMARY, {"bidId": bid, "from": first.isoformat(), "to": today.isoformat()}, token=manager
    )["areaSummary"]
    assert summary["totalIncidents"] > 0 and summary["previousPeriodTotal"] > 0

    log_in(page, MANAGER)
    page.goto("/#/dashboard")
    page.get_by_label("From", exact=True).fill(first.isoformat())
    page.get_by_label("To", exact=True).fill(today.isoformat())
    page.get_by_role("button", name="Show").click()
    figures = page.locator(".figures")
    expect(figures.locator("[data-figure=total] .figure-value")).to_have_text(str(summary["totalIncidents"]))
    percent = round(summary["change"] * 100)
    sign = "+" if percent > 0 else "\N{MINUS SIGN}"
    change = "no change" if percent == 0 else f"{sign}{abs(percent)}%"
    expect(figures.locator("[data-figure=change] .figure-value")).to_have_text(change)
    then = f"{summary['previousPeriodTotal']} incidents then"
    expect(figures.locator("[data-figure=change]")).to_contain_text(then)
    expect(figures.locator("[data-figure=value] .figure-value")).to_have_text(
        pounds(summary["valueStolenPence"])
    )
    expect(figures.locator("[data-figure=previous-value] .figure-value")).to_have_text(
        pounds(summary["previousPeriodValueStolenPence"])
    )
    expect(figures.locator("[data-figure=repeat-share] .figure-value")).to_have_text(
        f"{round(summary['repeatOffenderShare'] * 100)}%"
    )

    weeks = table_rows(page, "Incidents by week")
    assert [int(count) for _, count, _days in weeks] == [w["count"] for w in summary["byWeek"]]
    assert len(weeks) == len(summary["byWeek"])
    kinds = table_rows(page, "Incidents by kind")
    assert [(int(c), v) for _, c, v in kinds] == [
        (k["count"], pounds(k["valueStolenPence"])) for k in summary["byKind"]
    ]
    shops_table = table_rows(page, "Incidents by shop")
    assert [(n, int(c), v) for n, c, v in shops_table] == [
        (s["shop"]["name"], s["count"], pounds(s["valueStolenPence"])) for s in summary["byShop"]
    ]
    hours = table_rows(page, "Incidents by hour of the week")
    assert sum(int(count) for *_, count in hours) == sum(c["count"] for c in summary["byHourOfWeek"])
    assert len(hours) == sum(1 for c in summary["byHourOfWeek"] if c["count"])

    top = page.locator("table", has_text="Offenders with the most incidents").locator("tbody tr")
    expect(top).to_have_count(len(summary["topOffenders"]))
    if summary["topOffenders"]:
        expect(top.first).to_contain_text(summary["topOffenders"][0]["offender"]["displayName"])

    for chart in page.locator("figure.chart svg").all():
        labelled_by = chart.get_attribute("aria-labelledby").split()
        assert [page.locator(f"#{i}").evaluate("e => e.tagName") for i in labelled_by] == ["title", "desc"]
    link = page.get_by_role("link", name="Download incidents (CSV)")
    assert link.get_attribute("href") == f"/export/incidents.csv?bidId={bid}&from={first}&to={today}"
    # The link works with the session cookie: a header and one row per incident of the period.
    with page.expect_download() as download_info:
        link.click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) == 1 + summary["totalIncidents"]
