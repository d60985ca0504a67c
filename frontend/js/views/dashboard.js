// The BID dashboard: a period, its totals against the period before, and the charts.

import { NetworkError, gql } from "../api.js";
import { barChart, columnChart, dataTable, heatMap } from "../charts.js";
import { field, formatPounds, h, kindName, mount, notice } from "../dom.js";

const SUMMARY = `query Summary($bidId: ID!, $from: Date!, $to: Date!) {
  areaSummary(bidId: $bidId, from: $from, to: $to) {
    bid { id name } from to totalIncidents valueStolenPence previousPeriodTotal previousPeriodValueStolenPence change
    repeatOffenderShare
    byKind { kind count valueStolenPence }
    byShop { shop { id name } count valueStolenPence }
    byWeek { weekStart count }
    byHourOfWeek { dayOfWeek hour count }
    topOffenders { offender { id displayName } count }
    hotspots { shop { id name } lastSevenDays weeklyAverage }
  }
}`;

/** Today's date on the shop wall's clock, as YYYY-MM-DD. */
function londonToday() {
  return new Date().toLocaleDateString("en-CA", { timeZone: "Europe/London" });
}

function addDays(isoDate, days) {
  const day = new Date(`${isoDate}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

function shortDate(isoDate) {
  return new Date(`${isoDate}T12:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

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

function figure(name, value, label) {
  return h("li", { class: "figure", "data-figure": name }, h("span", { class: "figure-value" }, value), h("span", { class: "figure-label" }, label));
}

function summaryView(summary) {
  const days = Math.round((new Date(summary.to) - new Date(summary.from)) / 86400000) + 1;
  const csv = `/export/incidents.csv?${new URLSearchParams({ bidId: summary.bid.id, from: summary.from, to: summary.to })}`;
  return [
    h("h2", {}, `${summary.bid.name}: ${shortDate(summary.from)} to ${shortDate(summary.to)}`),
    h(
      "ul",
      { class: "figures" },
      figure("total", String(summary.totalIncidents), "incidents"),
      figure("change", changeText(summary.change), `against the ${days} days before (${summary.previousPeriodTotal})`),
      figure("value", formatPounds(summary.valueStolenPence), "stolen"),
      figure("previous-value", formatPounds(summary.previousPeriodValueStolenPence), "stolen in the period before"),
      figure("repeat-share", `${Math.round(summary.repeatOffenderShare * 100)}%`, "by repeat offenders"),
    ),
    columnChart({
      title: "Incidents by week",
      description: `Incidents in each week starting Monday, from ${shortDate(summary.byWeek[0]?.weekStart || summary.from)}.`,
      items: summary.byWeek.map((w) => ({ label: shortDate(w.weekStart), value: w.count })),
      labelHeader: "Week starting",
      valueHeader: "Incidents",
    }),
    barChart({
      title: "Incidents by kind",
      description: "How many incidents of each kind, and the value stolen.",
      items: summary.byKind.map((k) => ({ label: kindName(k.kind), value: k.count, extra: formatPounds(k.valueStolenPence) })),
      labelHeader: "Kind",
      valueHeader: "Incidents",
      extraHeader: "Value stolen",
    }),
    barChart({
      title: "Incidents by shop",
      description: "How many incidents each shop reported, busiest first, and the value stolen.",
      items: summary.byShop.map((sh) => ({ label: sh.shop.name, value: sh.count, extra: formatPounds(sh.valueStolenPence) })),
      labelHeader: "Shop",
      valueHeader: "Incidents",
      extraHeader: "Value stolen",
    }),
    heatMap({
      title: "Incidents by hour of the week",
      description: "Darker cells are hours with more incidents, Monday at the top, midnight on the left, on UK time.",
      cells: summary.byHourOfWeek,
    }),
    h("h2", {}, "Top offenders"),
    summary.topOffenders.length
      ? dataTable("Offenders with the most incidents in the period", ["Offender", "Incidents"], summary.topOffenders.map((o) => [o.offender.displayName, o.count]))
      : h("p", { class: "hint" }, "No offenders linked to incidents in this period."),
    h("h2", {}, "Hotspots"),
    summary.hotspots.length
      ? dataTable(
          "Shops with many more incidents in the last 7 days than their weekly average",
          ["Shop", "Last 7 days", "Weekly average"],
          summary.hotspots.map((spot) => [spot.shop.name, spot.lastSevenDays, Number(spot.weeklyAverage.toFixed(1))]),
        )
      : h("p", { class: "hint" }, "No shop is a hotspot now."),
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
  applyPreset();
  await show();
  return h("div", {}, h("h1", {}, "Dashboard"), bids.length > 1 ? field("BID", bid) : null, form, results);
}
