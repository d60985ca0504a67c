// One shop's page: where it is, its figures for a period (managers, police, administrators), its
// incidents in that period, its impact statement for business (what crime costs it, for the courts),
// and its staff (the BID's managers and administrators only).

import { NetworkError, gql, rolesOf } from "../api.js";
import { addDays, isIsoDate, londonToday, shortDate } from "../dates.js";
import { field, formatDateTime, formatPounds, h, notice } from "../dom.js";
import { ANSWER, actionForm, mutate, setFlash, takeFlash } from "../manage.js";
import { reportsLink } from "../filters.js";
import { currentQuery, navigate } from "../router.js";
import { incidentFilter, incidentItem } from "./reports.js";

const SHOPS = `query Shops { bids { id name shops { id name address postcode closedAt } } }`;
const FIGURES = `query ShopFigures($bidId: ID!, $from: Date!, $to: Date!) {
  areaSummary(bidId: $bidId, from: $from, to: $to) {
    byShop { shop { id } count valueStolenPence }
    hotspots { shop { id } lastSevenDays weeklyAverage }
    hotspotDefinition hotspotWindowDays
  }
}`;
const INCIDENTS = `query ShopIncidents($filter: IncidentFilter) {
  incidents(first: 10, filter: $filter) {
    edges { node { id reference kind status occurredAt description valueStolenPence shop { name } photos { id thumbnailUrl } } }
    pageInfo { hasNextPage }
  }
}`;
const STAFF = `query ShopStaff($bidId: ID!) {
  members(bidId: $bidId, first: 100) { edges { node { id role createdAt user { id name email } shop { id } } } }
}`;

const IMPACT = `query Impact($id: ID!) { shop(id: $id) { id impactStatement { text authorName position recordedAt } } }`;
const RECORD_IMPACT = `mutation($input: RecordImpactStatementInput!) { recordImpactStatement(input: $input) { ${ANSWER} } }`;

/** The shop's latest impact statement for business, and (for its staff and the BID's managers) a
 * new one, which the evidence pack then carries. */
async function impactSection(app, shopId, mayRecord) {
  const latest = (await gql(IMPACT, { id: shopId })).shop?.impactStatement;
  let form = null;
  if (mayRecord) {
    const text = h("textarea", { name: "impact", rows: 8, required: true, maxLength: 10000 }, latest?.text || "");
    const author = h("input", { type: "text", name: "author", required: true, maxLength: 200, autocomplete: "name", value: latest?.authorName || app.me.name || "" });
    const position = h("input", { type: "text", name: "position", required: true, maxLength: 200, value: latest?.position || "" });
    form = h(
      "details",
      {},
      h("summary", {}, latest ? "Write a new impact statement" : "Write the impact statement"),
      actionForm({ class: "stack" }, [field("How crime affects the business", text, "Losses, staff off sick or leaving, security costs, customers lost. Police and courts read it with each case."), field("Your name", author), field("Your position", position, "e.g. Store manager")], "Save the impact statement", async () => {
        await mutate(RECORD_IMPACT, { input: { shopId, text: text.value.trim(), authorName: author.value.trim(), position: position.value.trim() } }, "recordImpactStatement");
        setFlash("Impact statement saved: the evidence packs made from now on carry it.");
        await app.render();
      }),
    );
  }
  if (!latest && !form) return null;
  return [
    h("h2", {}, "Impact statement for business"),
    latest
      ? h("div", { class: "impact" }, h("p", { class: "description" }, latest.text), h("p", { class: "hint" }, `${latest.authorName}, ${latest.position} · ${formatDateTime(latest.recordedAt)}`))
      : h("p", { class: "hint" }, "None yet."),
    form,
  ];
}

function ordinal(n) {
  if (n % 100 >= 11 && n % 100 <= 13) return `${n}th`;
  return `${n}${{ 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th"}`;
}

/** The shop's figures among the BID's, with what each means. */
async function figuresSection(shopId, bidId, period) {
  const { areaSummary } = await gql(FIGURES, { bidId, ...period });
  const rank = areaSummary.byShop.findIndex((row) => row.shop.id === shopId);
  const mine = areaSummary.byShop[rank] || { count: 0, valueStolenPence: 0 };
  const hotspot = areaSummary.hotspots.find((spot) => spot.shop.id === shopId);
  const days = areaSummary.hotspotWindowDays;
  return [
    h("h2", {}, "Figures"),
    h(
      "ul",
      { class: "figures" },
      h("li", { class: "figure", "data-figure": "shop-total" }, h("span", { class: "figure-value" }, String(mine.count)), h("span", { class: "figure-label" }, "incidents"), h("span", { class: "figure-definition" }, "Reports of anything that happened here in the period.")),
      h("li", { class: "figure", "data-figure": "shop-value" }, h("span", { class: "figure-value" }, formatPounds(mine.valueStolenPence)), h("span", { class: "figure-label" }, "stolen"), h("span", { class: "figure-definition" }, "The value of goods taken, as the reports give it.")),
      h("li", { class: "figure", "data-figure": "shop-rank" }, h("span", { class: "figure-value" }, mine.count ? ordinal(rank + 1) : "–"), h("span", { class: "figure-label" }, `of ${areaSummary.byShop.length} shops`), h("span", { class: "figure-definition" }, "Its place among the BID's shops by incidents, busiest first.")),
      h(
        "li",
        { class: "figure", "data-figure": "shop-hotspot" },
        h("span", { class: "figure-value" }, hotspot ? "Hotspot" : "Not a hotspot"),
        h("span", { class: "figure-label" }, hotspot ? `${hotspot.lastSevenDays} in the last ${days} days` : `on ${shortDate(period.to)}`),
        h("span", { class: "figure-definition" }, `A hotspot: ${areaSummary.hotspotDefinition}.`),
      ),
    ),
  ];
}

async function staffSection(shopId, bidId) {
  const { members } = await gql(STAFF, { bidId });
  const staff = members.edges.map((e) => e.node).filter((m) => m.role === "SHOP_STAFF" && m.shop?.id === shopId);
  return [
    h("h2", {}, "Staff"),
    staff.length
      ? h("ul", { class: "cards", id: "shop-staff" }, staff.map((m) => h("li", { class: "card" }, h("span", { class: "card-body" }, h("span", { class: "card-title" }, m.user.name || m.user.email), h("span", { class: "card-meta" }, `${m.user.email} · since ${formatDateTime(m.createdAt)}`)))))
      : h("p", { class: "hint" }, "No staff have joined this shop yet."),
    h("p", {}, h("a", { href: `#/manage/${encodeURIComponent(bidId)}/people`, class: "button-link" }, "Invite or remove staff")),
  ];
}

export async function render(app, { id }) {
  const asked = currentQuery();
  const today = londonToday();
  const period = isIsoDate(asked.get("from")) && isIsoDate(asked.get("to")) ? { from: asked.get("from"), to: asked.get("to") } : { from: addDays(today, -27), to: today };
  let bids;
  try {
    ({ bids } = await gql(SHOPS));
  } catch (error) {
    return h("div", {}, h("h1", {}, "Shop"), notice(error instanceof NetworkError ? "The shop's page cannot be loaded without signal." : error.message, "error"));
  }
  const bid = bids.find((b) => b.shops.some((shop) => shop.id === id));
  const shop = bid?.shops.find((one) => one.id === id);
  if (!shop) return h("div", {}, h("h1", {}, "Shop not found"), notice("This shop does not exist or is not one you can see."));

  const roles = new Set((app.me?.memberships || []).filter((m) => !m.bid || m.bid.id === bid.id).map((m) => m.role));
  const seesFigures = roles.has("BID_MANAGER") || roles.has("POLICE") || rolesOf(app.me).has("ADMIN");
  const managesStaff = roles.has("BID_MANAGER") || rolesOf(app.me).has("ADMIN");
  const from = h("input", { type: "date", name: "from", value: period.from, required: true });
  const to = h("input", { type: "date", name: "to", value: period.to, required: true });
  const form = h(
    "form",
    {
      class: "period period-dates",
      onsubmit: (event) => {
        event.preventDefault();
        navigate(`/shops/${encodeURIComponent(id)}?${new URLSearchParams({ from: from.value, to: to.value })}`);
      },
    },
    field("From", from),
    field("To", to),
    h("button", { type: "submit", class: "primary" }, "Show"),
  );
  const listLink = reportsLink({ shop: id, from: period.from, to: period.to });
  const mayRecordImpact = managesStaff || (app.me?.memberships || []).some((m) => m.role === "SHOP_STAFF" && m.shop?.id === id);
  const [figures, incidents, staff, impact] = await Promise.all([
    seesFigures ? figuresSection(id, bid.id, period).catch((error) => notice(error.message, "error")) : null,
    gql(INCIDENTS, { filter: incidentFilter({ shop: id, from: period.from, to: period.to }) }).catch((error) => error),
    managesStaff ? staffSection(id, bid.id).catch((error) => notice(error.message, "error")) : null,
    impactSection(app, id, mayRecordImpact).catch((error) => notice(error.message, "error")),
  ]);
  const list =
    incidents instanceof Error
      ? notice(incidents instanceof NetworkError ? "The shop's reports cannot be loaded without signal." : incidents.message, "error")
      : incidents.incidents.edges.length
        ? h("ul", { class: "cards", id: "shop-incidents" }, incidents.incidents.edges.map((e) => incidentItem(e.node)))
        : h("p", { class: "hint" }, "No reports in this period.");
  return h(
    "div",
    { class: "shop-page" },
    h("h1", {}, shop.name),
    h("p", { class: "hint" }, `${shop.address}, ${shop.postcode} · ${bid.name}`),
    takeFlash(),
    shop.closedAt ? notice(`Closed since ${formatDateTime(shop.closedAt)}: it keeps its reports and takes no new ones.`) : null,
    h("p", { class: "hint" }, `${shortDate(period.from)} to ${shortDate(period.to)}`),
    form,
    figures,
    h("h2", {}, "Latest reports in the period"),
    list,
    h("p", {}, h("a", { href: listLink, class: "button-link", id: "shop-reports" }, "All its reports in the period")),
    impact,
    staff,
  );
}
