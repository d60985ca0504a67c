// The BID dashboard: a period, its totals against the period before, and the charts.

import { NetworkError, gql } from "../api.js";
import { barChart, columnChart, dataTable, heatMap, planChart } from "../charts.js";
import { addDays, isIsoDate, londonToday, shortDate } from "../dates.js";
import { field, formatPounds, h, kindName, mount, notice } from "../dom.js";
import { reportsLink } from "../filters.js";
import { currentQuery } from "../router.js";

const SUMMARY = `query Summary($bidId: ID!, $from: Date!, $to: Date!) {
  areaSummary(bidId: $bidId, from: $from, to: $to) {
    bid { id name } from to totalIncidents valueStolenPence previousPeriodTotal previousPeriodValueStolenPence change
    previousPeriodCovered repeatOffenderShare
    byKind { kind count valueStolenPence }
    byShop { shop { id name latitude longitude } count valueStolenPence }
    byWeek { weekStart count }
    byHourOfWeek { dayOfWeek hour count }
    topOffenders { offender { id displayName } count }
    hotspots { shop { id name } lastSevenDays weeklyAverage }
    hotspotDefinition hotspotWindowDays hotspotAlertsEnabled
  }
}`;

const PRESETS = [
  ["7", "Last 7 days"],
  ["28", "Last 4 weeks"],
  ["84", "Last 12 weeks"],
  ["365", "Last 12 months"],
  ["custom", "Choose dates"],
];

/** "+25%", "−10%", or words when there is nothing to compare with. */
export function changeText(change) {
  if (change === null) return "nothing to compare";
  const percent = Math.round(change * 100);
  if (percent === 0) return "no change";
  return `${percent > 0 ? "+" : "−"}${Math.abs(percent)}%`;
}

/** A figure with its value, what it is, and a one-line definition under it. */
function figure(name, value, label, definition) {
  return h(
    "li",
    { class: "figure", "data-figure": name },
    h("span", { class: "figure-value" }, value),
    h("span", { class: "figure-label" }, label),
    h("span", { class: "figure-definition" }, definition),
  );
}

const plural = (count, noun) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** The change against the period before, as a figure: a percentage only when the records cover
 * that period, otherwise why not, in words. */
function changeFigure(summary, days) {
  const before = `the ${days} days before`;
  if (!summary.previousPeriodCovered)
    return figure("change", "Not compared", `with ${before}`, `The records do not reach back over all of ${before} (${plural(summary.previousPeriodTotal, "incident")} on record then), so a change would mislead.`);
  if (summary.change === null)
    return figure("change", "None before", `in ${before}`, `No incidents in ${before}, so there is no change to work out.`);
  return figure("change", changeText(summary.change), `against ${before}`, `${plural(summary.previousPeriodTotal, "incident")} then; the change is (now − then) ÷ then.`);
}

/** Each week the period touches, with how many of its days the period covers. */
function weekItems(summary, link) {
  return summary.byWeek.map((w) => {
    const first = w.weekStart < summary.from ? summary.from : w.weekStart;
    const sunday = addDays(w.weekStart, 6);
    const last = sunday > summary.to ? summary.to : sunday;
    const days = Math.round((new Date(last) - new Date(first)) / 86400000) + 1;
    return {
      label: shortDate(w.weekStart),
      value: w.count,
      part: days < 7,
      note: days < 7 ? `part week: ${days} of 7 days` : "whole week",
      href: link({ from: first, to: last }),
    };
  });
}

/** The latest date in the period that falls on an ISO weekday (1 Monday ... 7 Sunday). */
export function latestWeekday(summary, dayOfWeek) {
  let day = summary.to;
  for (let step = 0; step < 7; step += 1) {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay() || 7;
    if (weekday === dayOfWeek) return day >= summary.from ? day : null;
    day = addDays(day, -1);
  }
  return null;
}

/** A link to a shop's page for the dashboard's period. */
export function shopLink(shopId, summary) {
  return `#/shops/${encodeURIComponent(shopId)}?${new URLSearchParams({ from: summary.from, to: summary.to })}`;
}

function summaryView(summary) {
  const days = Math.round((new Date(summary.to) - new Date(summary.from)) / 86400000) + 1;
  const csv = `/export/incidents.csv?${new URLSearchParams({ bidId: summary.bid.id, from: summary.from, to: summary.to })}`;
  // Every part of a chart opens the reports behind it: the BID and the period, narrowed by the part.
  const link = (narrower) => reportsLink({ bid: summary.bid.id, from: summary.from, to: summary.to, ...narrower });
  const hotspotDays = summary.hotspotWindowDays;
  return [
    h("h2", {}, `${summary.bid.name}: ${shortDate(summary.from)} to ${shortDate(summary.to)}`),
    h(
      "ul",
      { class: "figures" },
      figure("total", String(summary.totalIncidents), "incidents", "Reports of anything that happened in the period, by the day it happened."),
      changeFigure(summary, days),
      figure("value", formatPounds(summary.valueStolenPence), "stolen", "The value of goods taken, as the reports give it."),
      figure("previous-value", formatPounds(summary.previousPeriodValueStolenPence), "stolen in the period before", summary.previousPeriodCovered ? `The same, for the ${days} days before.` : `The same, for the ${days} days before; the records begin within them, so it is not all.`),
      figure("repeat-share", `${Math.round(summary.repeatOffenderShare * 100)}%`, "by repeat offenders", "The share of the period's incidents linked to someone linked to 3 or more in the period."),
    ),
    h("p", {}, h("a", { href: link({}), class: "button-link", id: "period-reports" }, `See the ${plural(summary.totalIncidents, "report")}`)),
    columnChart({
      title: "Incidents by week",
      description: `Incidents in each week starting Monday, from ${shortDate(summary.byWeek[0]?.weekStart || summary.from)}. Paler, dashed columns are part weeks the period covers only some days of, so they are not drops. Each column opens that week's reports.`,
      items: weekItems(summary, link),
      labelHeader: "Week starting",
      valueHeader: "Incidents",
      noteHeader: "Days in the period",
      partLegend: "Part week: the period covers only some of its days, so it is not a drop.",
    }),
    barChart({
      title: "Incidents by kind",
      description: "How many incidents of each kind, and the value stolen. Each bar opens those reports.",
      items: summary.byKind.map((k) => ({ label: kindName(k.kind), value: k.count, extra: formatPounds(k.valueStolenPence), href: link({ kind: k.kind }) })),
      labelHeader: "Kind",
      valueHeader: "Incidents",
      extraHeader: "Value stolen",
    }),
    barChart({
      title: "Incidents by shop",
      description: "How many incidents each shop reported, busiest first, and the value stolen. Each bar opens that shop's reports.",
      items: summary.byShop.map((sh) => ({ label: sh.shop.name, value: sh.count, extra: formatPounds(sh.valueStolenPence), href: link({ shop: sh.shop.id }) })),
      labelHeader: "Shop",
      valueHeader: "Incidents",
      extraHeader: "Value stolen",
    }),
    summary.byShop.length
      ? planChart({
          title: "Plan of the BID",
          description: "Each shop drawn where its latitude and longitude put it, the circle bigger and darker with more incidents in the period. Each opens the shop's page.",
          places: summary.byShop.map((sh) => ({ name: sh.shop.name, latitude: sh.shop.latitude, longitude: sh.shop.longitude, count: sh.count, href: shopLink(sh.shop.id, summary) })),
          valueHeader: "Incidents",
        })
      : null,
    heatMap({
      title: "Incidents by hour of the week",
      description: "Darker cells are hours with more incidents, Monday at the top, midnight on the left, on UK time. The list cannot pick out an hour, so each cell opens the reports of the latest such day in the period.",
      cells: summary.byHourOfWeek,
      hrefOf: (cell) => {
        const day = latestWeekday(summary, cell.dayOfWeek);
        return day ? link({ from: day, to: day }) : null;
      },
    }),
    h("h2", {}, "Top offenders"),
    h("p", { class: "hint definition" }, "The people in the gallery linked to the most incidents in the period; each opens their reports."),
    summary.topOffenders.length
      ? dataTable(
          "Offenders with the most incidents in the period",
          ["Offender", "Incidents"],
          summary.topOffenders.map((o) => [{ text: o.offender.displayName, href: link({ offender: o.offender.id }) }, o.count]),
        )
      : h("p", { class: "hint" }, "No offenders linked to incidents in this period."),
    h("h2", {}, "Hotspots"),
    h(
      "p",
      { class: "hint definition", id: "hotspot-definition" },
      `A hotspot on ${shortDate(summary.to)}: ${summary.hotspotDefinition}. `,
      summary.hotspotAlertsEnabled ? "The Shop hotspot alert uses the same test, so it names the same shops." : "The BID has turned the Shop hotspot alert off; the test is the one it would use.",
    ),
    summary.hotspots.length
      ? dataTable(
          `Shops with many more incidents in the last ${hotspotDays} days than usual`,
          ["Shop", `Last ${hotspotDays} days`, hotspotDays === 7 ? "Weekly average" : `Average per ${hotspotDays} days`],
          summary.hotspots.map((spot) => [{ text: spot.shop.name, href: shopLink(spot.shop.id, summary) }, spot.lastSevenDays, Number(spot.weeklyAverage.toFixed(1))]),
        )
      : h("p", { class: "hint" }, `No shop is a hotspot on ${shortDate(summary.to)}.`),
    h("p", {}, h("a", { href: csv, download: "", class: "button-link", id: "csv-download" }, "Download incidents (CSV)")),
  ];
}

export async function render() {
  const { bids } = await gql("{ bids { id name } }");
  if (!bids.length) return h("div", {}, h("h1", {}, "Dashboard"), notice("Your account sees no BID."));
  const bid = h("select", { name: "bid" }, bids.map((b) => h("option", { value: b.id }, b.name)));
  const preset = h("select", { name: "period" }, PRESETS.map(([value, label]) => h("option", { value, selected: value === "28" }, label)));
  const from = h("input", { type: "date", name: "from", required: true });
  const to = h("input", { type: "date", name: "to", required: true });
  const results = h("div", { class: "results", "aria-live": "polite" });

  function applyPreset() {
    if (preset.value === "custom") return;
    const today = londonToday();
    to.value = today;
    from.value = addDays(today, 1 - Number(preset.value));
  }
  async function show() {
    if (!from.value || !to.value) return;
    // The period stays in the link, so coming back from the reports behind a figure shows it again.
    const query = new URLSearchParams({ bid: bid.value, from: from.value, to: to.value });
    history.replaceState(null, "", `#/dashboard?${query}`);
    results.replaceChildren(h("p", { class: "hint" }, "Loading…"));
    try {
      const { areaSummary } = await gql(SUMMARY, { bidId: bid.value, from: from.value, to: to.value });
      mount(results, summaryView(areaSummary));
    } catch (error) {
      const offline = error instanceof NetworkError;
      mount(results, notice(offline ? `${error.message} The figures come by themselves when the signal returns.` : error.message, "error"));
      // The choices are kept, and the figures asked for are fetched again.
      if (offline) window.addEventListener("online", () => results.isConnected && show(), { once: true });
    }
  }
  bid.addEventListener("change", show);
  preset.addEventListener("change", () => {
    applyPreset();
    if (preset.value !== "custom") show();
  });
  for (const input of [from, to]) input.addEventListener("change", () => {
    preset.value = "custom";
  });
  const form = h(
    "form",
    {
      class: "period",
      onsubmit: (event) => {
        event.preventDefault();
        show();
      },
    },
    field("Period", preset),
    field("From", from),
    field("To", to),
    h("button", { type: "submit", class: "primary" }, "Show"),
  );
  const asked = currentQuery();
  if (bids.some((b) => b.id === asked.get("bid"))) bid.value = asked.get("bid");
  if (isIsoDate(asked.get("from")) && isIsoDate(asked.get("to"))) {
    preset.value = "custom";
    from.value = asked.get("from");
    to.value = asked.get("to");
  } else applyPreset();
  await show();
  return h("div", {}, h("h1", {}, "Dashboard"), bids.length > 1 ? field("BID", bid) : null, form, results);
}
