"""The dashboard read on a phone: labels at least 14 px, a legend on the heat map, part weeks marked,
a change only against a period the records cover, a definition beside each figure, hotspots named
as the alert names them; and every bar, cell and shop leading to the reports behind it, each list
checked against the server's rows."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.helpers import bid_id
from tests.browser.server import MANAGER, PCSO, STAFF, Server
from tests.browser.test_finding import LONDON, global_id, pk, shop_named, shot, shown_incidents, stored

SUMMARY = """query($b: ID!, $f: Date!, $t: Date!) { areaSummary(bidId: $b, from: $f, to: $t) {
  totalIncidents change previousPeriodCovered previousPeriodTotal
  byKind { kind count } byShop { shop { id name } count } byWeek { weekStart count }
  byHourOfWeek { dayOfWeek hour count } hotspots { shop { name } } hotspotDefinition
} }"""


def summary(server: Server, bid: str, first: date, last: date) -> Any:
    token = server.login(MANAGER)
    return server.graphql(SUMMARY, {"b": bid, "f": first.isoformat(), "t": last.isoformat()}, token=token)[
        "areaSummary"
    ]


def open_dashboard(page: Page, bid: str, first: date, last: date) -> None:
    page.goto(f"/#/dashboard?bid={bid}&from={first.isoformat()}&to={last.isoformat()}")
    expect(page.locator(".results h2").first).to_contain_text(f"{first.day} ")
    page.locator("figure.chart").first.wait_for()


def today() -> date:
    return datetime.now(LONDON).date()


def a_period_of_part_weeks() -> tuple[date, date]:
    """From a Wednesday to a Tuesday five weeks on, ending in the past: part weeks at both ends."""
    last = today() - timedelta(days=1)
    while last.weekday() != 1:
        last -= timedelta(days=1)
    return last - timedelta(days=34), last


@pytest.mark.parametrize("width", [390, 360])
def test_the_dashboard_reads_on_a_phone(page: Page, server: Server, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, MANAGER)
    bid = bid_id(server, server.login(MANAGER))
    first, last = a_period_of_part_weeks()
    figures = summary(server, bid, first, last)
    open_dashboard(page, bid, first, last)
    # Every label of every chart is drawn at 14 px or more at this width.
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('figure.chart svg text')].map(t => {
          const svg = t.ownerSVGElement;
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return parseFloat(getComputedStyle(t).fontSize) * scale;
        })"""
    )
    assert sizes and min(sizes) >= 14, min(sizes)
    # Each figure says what it is.
    for item in page.locator(".figures .figure").all():
        assert item.locator(".figure-definition").inner_text().strip()
    expect(page.locator('[data-figure="repeat-share"] .figure-definition')).to_contain_text("3 or more")
    # The heat map has a visible legend, one shade per range of counts, up to the busiest hour.
    legend = page.locator(".heat-legend")
    expect(legend).to_be_visible()
    busiest = max(cell["count"] for cell in figures["byHourOfWeek"])
    expect(legend.locator("li").last).to_contain_text(str(busiest))
    # Part weeks at both ends are marked, and the middle ones are not.
    columns = page.locator("figure.chart", has_text="Incidents by week").locator("svg g")
    expect(columns).to_have_count(len(figures["byWeek"]))
    parts = [column.locator(".bar-part").count() for column in columns.all()]
    assert parts == [1] + [0] * (len(parts) - 2) + [1]
    expect(page.locator(".chart-legend", has_text="Part week")).to_be_visible()
    chart = page.locator("figure.chart", has_text="Incidents by week")
    chart.get_by_text("Incidents by week: table").click()
    notes = chart.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert notes[0] == "part week: 5 of 7 days" and notes[-1] == "part week: 2 of 7 days"
    counts = [int(text) for text in chart.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert counts == [week["count"] for week in figures["byWeek"]]
    # Hotspots: the server's shops, and what makes one.
    expect(page.locator("#hotspot-definition")).to_contain_text(figures["hotspotDefinition"])
    hotspots = page.locator("table", has_text="than usual").locator("tbody tr td:first-child")
    expect(hotspots).to_have_text([spot["shop"]["name"] for spot in figures["hotspots"]])
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "dashboard")


def test_a_change_is_shown_only_against_a_period_the_records_cover(page: Page, server: Server) -> None:
    log_in(page, MANAGER)
    bid = bid_id(server, server.login(MANAGER))
    # The demo's records go back four months: twelve months have no year before them on record.
    year = summary(server, bid, today() - timedelta(days=364), today())
    assert year["previousPeriodCovered"] is False and year["change"] is None
    open_dashboard(page, bid, today() - timedelta(days=364), today())
    change = page.locator('[data-figure="change"]')
    expect(change).to_contain_text("Not compared")
    expect(change).to_contain_text("The records do not reach back over all of the 365 days before")
    expect(change).not_to_contain_text("%")
    expect(page.locator('[data-figure="previous-value"]')).to_contain_text("the records begin within them")
    # Four weeks have four weeks before them on record: the change is given, as the server works it out.
    month = summary(server, bid, today() - timedelta(days=27), today())
    assert month["previousPeriodCovered"] is True and month["change"] is not None
    open_dashboard(page, bid, today() - timedelta(days=27), today())
    percent = round(month["change"] * 100)
    sign = "+" if percent > 0 else "\u2212"  # the minus sign the app writes
    expected = "no change" if percent == 0 else f"{sign}{abs(percent)}%"
    expect(change.locator(".figure-value")).to_have_text(expected)
    expect(change).to_contain_text(f"{month['previousPeriodTotal']} incident")


def period_rows(server: Server, bid: str, sql: str, *params: object, first: date, last: date) -> list[int]:
    [(bid_pk,)] = server.rows("SELECT id FROM bid WHERE slug = ?", "market-harcombe")
    return stored(server, f"bid_id = ? AND {sql}", bid_pk, *params, first=first, last=last)


def test_bars_and_cells_open_the_reports_behind_them(page: Page, server: Server) -> None:
    log_in(page, MANAGER)
    bid = bid_id(server, server.login(MANAGER))
    first, last = a_period_of_part_weeks()
    figures = summary(server, bid, first, last)
    open_dashboard(page, bid, first, last)
    dashboard = page.url

    # A kind's bar: that kind in the period.
    page.locator("figure.chart", has_text="Incidents by kind").locator('g[data-label="Theft"]').click()
    expect(page).to_have_url(re.compile(r"#/reports\?.*kind=THEFT"))
    theft = period_rows(server, bid, "kind = ?", "THEFT", first=first, last=last)
    assert shown_incidents(page) == theft
    assert len(theft) == next(k["count"] for k in figures["byKind"] if k["kind"] == "THEFT")

    # A week's column: that week, within the period (the first week is a part week).
    page.goto(dashboard)
    week = figures["byWeek"][1]
    monday = date.fromisoformat(week["weekStart"])
    label = f"{monday.day} {monday:%b}"
    page.locator("figure.chart", has_text="Incidents by week").locator(f'g[data-label="{label}"]').click()
    expect(page).to_have_url(
        re.compile(rf"from={monday.isoformat()}&to={(monday + timedelta(days=6)).isoformat()}")
    )
    rows = period_rows(server, bid, "1 = 1", first=monday, last=monday + timedelta(days=6))
    assert shown_incidents(page) == rows and len(rows) == week["count"]

    # A shop's bar: that shop in the period.
    page.goto(dashboard)
    busiest = figures["byShop"][0]
    page.locator("figure.chart", has_text="Incidents by shop").locator(
        f'g[data-label="{busiest["shop"]["name"]}"]'
    ).click()
    expect(page.locator("#filter-summary")).to_contain_text(f"at {busiest['shop']['name']}")
    shop = shop_named(server, busiest["shop"]["name"])
    assert shown_incidents(page) == period_rows(server, bid, "shop_id = ?", shop, first=first, last=last)

    # A heat-map cell: the latest such day in the period (the list cannot pick out an hour).
    page.goto(dashboard)
    cell = max(figures["byHourOfWeek"], key=lambda c: c["count"])
    day = last
    while day.isoweekday() != cell["dayOfWeek"]:
        day -= timedelta(days=1)
    page.locator("figure.chart", has_text="hour of the week").locator(".chart-link").filter(
        has=page.locator("title", has_text=re.compile(rf"^\w+ {cell['hour']:02d}:00: {cell['count']}$"))
    ).first.click()
    expect(page).to_have_url(re.compile(rf"from={day.isoformat()}&to={day.isoformat()}"))
    rows = period_rows(server, bid, "1 = 1", first=day, last=day)
    if rows:
        assert shown_incidents(page) == rows
    else:
        expect(page.locator("#recent-reports")).to_contain_text("No reports match these filters.")

    # An offender among the top offenders: their reports in the period.
    page.goto(dashboard)
    top = page.locator("table", has_text="Offenders with the most incidents").locator("tbody a").first
    name = top.inner_text()
    top.click()
    expect(page.locator("#filter-summary")).to_contain_text(f"with {name}")
    [(offender,)] = server.rows(
        "SELECT o.id FROM offender o JOIN bid b ON b.id = o.bid_id WHERE o.display_name = ? AND b.slug = ?",
        name,
        "market-harcombe",
    )
    linked = period_rows(
        server,
        bid,
        "id IN (SELECT incident_id FROM offender_link WHERE offender_id = ?)",
        offender,
        first=first,
        last=last,
    )
    assert shown_incidents(page) == linked

    # Coming back, the dashboard shows the same period.
    page.go_back()
    expect(page.locator(".results h2").first).to_contain_text(f"{first.day} {first:%b}")


@pytest.mark.parametrize("width", [390, 360])
def test_the_plan_places_every_shop_and_opens_its_page(page: Page, server: Server, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, MANAGER)
    bid = bid_id(server, server.login(MANAGER))
    first, last = today() - timedelta(days=27), today()
    figures = summary(server, bid, first, last)
    open_dashboard(page, bid, first, last)
    plan = page.locator("figure.chart", has_text="Plan of the BID")
    expect(plan.locator("svg g.chart-link")).to_have_count(len(figures["byShop"]))
    # Shops are where their coordinates put them: north is up, east is right.
    spots = {g.get_attribute("data-label"): g.bounding_box() for g in plan.locator("svg g.chart-link").all()}
    coordinates = {
        name: (lat, lon) for name, lat, lon in server.rows("SELECT name, latitude, longitude FROM shop")
    }
    north = max(spots, key=lambda name: coordinates[name][0])
    east = max(spots, key=lambda name: coordinates[name][1])
    assert spots[north]["y"] == min(box["y"] for box in spots.values())  # type: ignore[index]
    assert spots[east]["x"] == max(box["x"] for box in spots.values())  # type: ignore[index]
    # The table alternative lists the same shops and counts, each a link to its page.
    plan.get_by_text("Plan of the BID: table").click()
    rows = [row.locator("td").all_inner_texts() for row in plan.locator("tbody tr").all()]
    assert [(name, int(count)) for _, name, count in rows] == [
        (row["shop"]["name"], row["count"]) for row in figures["byShop"]
    ]
    expect(plan.locator("tbody a").first).to_have_attribute("href", re.compile(r"^#/shops/"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    plan.scroll_into_view_if_needed()
    shot(page, "dashboard-plan")

    # Tapping the busiest shop opens its page: its figures, its reports and its staff.
    busiest = figures["byShop"][0]
    plan.locator(f'svg g[data-label="{busiest["shop"]["name"]}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(busiest["shop"]["name"])
    expect(page.locator('[data-figure="shop-total"] .figure-value')).to_have_text(str(busiest["count"]))
    expect(page.locator('[data-figure="shop-rank"] .figure-value')).to_have_text("1st")
    hotspot = busiest["shop"]["name"] in [spot["shop"]["name"] for spot in figures["hotspots"]]
    expect(page.locator('[data-figure="shop-hotspot"] .figure-value')).to_have_text(
        "Hotspot" if hotspot else "Not a hotspot"
    )
    shop = shop_named(server, busiest["shop"]["name"])
    latest = period_rows(server, bid, "shop_id = ?", shop, first=first, last=last)[:10]
    links = page.locator("#shop-incidents a").evaluate_all("links => links.map(a => a.hash)")
    assert [pk(link.split("/")[-1]) for link in links] == latest
    staff = sorted(
        email
        for (email,) in server.rows(
            "SELECT u.email FROM membership m JOIN user_account u ON u.id = m.user_id "
            "WHERE m.shop_id = ? AND m.role = 'SHOP_STAFF'",
            shop,
        )
    )
    shown = (
        sorted(re.split(r" · ", text)[0] for text in page.locator("#shop-staff .card-meta").all_inner_texts())
        if staff
        else []
    )
    assert shown == staff
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "shop-page")


def test_police_see_a_shops_figures_and_reports_but_not_its_staff(page: Page, server: Server) -> None:
    log_in(page, PCSO)
    shop = shop_named(server, "Riverside Supermarket")
    page.goto(f"/#/shops/{global_id('Shop', shop)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Supermarket")
    expect(page.locator('[data-figure="shop-total"]')).to_be_visible()
    expect(page.get_by_role("heading", name="Staff")).to_have_count(0)


def test_shop_staff_open_their_shops_page_with_its_reports_and_no_figures_or_staff(
    page: Page, server: Server
) -> None:
    log_in(page, STAFF)
    shop = shop_named(server, "Riverside Supermarket")
    first, last = today() - timedelta(days=27), today()
    page.goto(f"/#/shops/{global_id('Shop', shop)}?from={first.isoformat()}&to={last.isoformat()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Supermarket")
    links = page.locator("#shop-incidents a").evaluate_all("links => links.map(a => a.hash)")
    assert [pk(link.split("/")[-1]) for link in links] == stored(
        server, "shop_id = ?", shop, first=first, last=last
    )[:10]
    expect(page.get_by_role("heading", name="Figures")).to_have_count(0)
    expect(page.get_by_role("heading", name="Staff")).to_have_count(0)
    page.get_by_role("link", name="All its reports in the period").click()
    expect(page.locator("#filter-summary")).to_contain_text("at Riverside Supermarket")
