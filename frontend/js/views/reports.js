// Reports the viewer may see (shop staff: their shop's), newest first, with their status, filtered by
// what the link names (shop, kind, status, period, offender, words), so a filtered list can be shared.

import { NetworkError, gql, rolesOf } from "../api.js";
import { addDays, londonMidnight, shortDate } from "../dates.js";
import { KINDS, field, formatDateTime, formatPounds, h, kindName, notice } from "../dom.js";
import { FILTER_KEYS, readFilters, reportsLink } from "../filters.js";
import { currentQuery, navigate } from "../router.js";
import { savedIncidents, savedMark } from "../saved.js";
import { outboxSection } from "./outbox.js";

export const STATUS_NAMES = { NEW: "New", REVIEWED: "Reviewed", REFERRED_TO_POLICE: "Referred to police", CLOSED: "Closed" };

export function statusBadge(status) {
  return h("span", { class: `badge badge-${status.toLowerCase()}` }, STATUS_NAMES[status] || status);
}

const RECENT = `query Recent($after: String, $filter: IncidentFilter) {
  incidents(first: 20, after: $after, filter: $filter) {
    edges { node { id reference kind status occurredAt description valueStolenPence shop { name } photos { id thumbnailUrl } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const PLACES = `query Places { bids { id name shops { id name } } }`;
const OFFENDER = `query OffenderName($id: ID!) { offender(id: $id) { id displayName } }`;

/** The BIDs and shops the user's memberships already name (kept on the phone, so the form works with
 * no signal and costs no query); null for police and administrators, whose reach their memberships
 * do not spell out (a team's BIDs, every BID). */
function knownPlaces(me) {
  const bids = new Map();
  for (const m of me?.memberships || []) {
    if (!m.bid || !["SHOP_STAFF", "BID_MANAGER"].includes(m.role)) return null;
    bids.set(m.bid.id, m.bid);
  }
  return bids.size ? { bids: [...bids.values()] } : null;
}

/** The API's filter for the link's filters: UK dates become the instants their days begin and end. */
export function incidentFilter(filters) {
  const wanted = {};
  if (filters.bid) wanted.bidId = filters.bid;
  if (filters.shop) wanted.shopId = filters.shop;
  if (filters.kind) wanted.kinds = [filters.kind];
  if (filters.status) wanted.statuses = [filters.status];
  if (filters.from) wanted.from = londonMidnight(filters.from);
  if (filters.to) wanted.to = londonMidnight(addDays(filters.to, 1));
  if (filters.offender) wanted.offenderId = filters.offender;
  if (filters.q) wanted.text = filters.q;
  return wanted;
}

/** The filters in words, for the line above the list: "Theft, New, at Riverside, 2 Nov to 8 Nov". */
function describe(filters, names) {
  const parts = [];
  if (filters.kind) parts.push(kindName(filters.kind));
  if (filters.status) parts.push(STATUS_NAMES[filters.status]);
  if (filters.shop) parts.push(`at ${names.shops.get(filters.shop) || "a shop you cannot see"}`);
  else if (filters.bid) parts.push(`in ${names.bids.get(filters.bid) || "a BID you cannot see"}`);
  if (filters.from && filters.to) parts.push(`${shortDate(filters.from)} to ${shortDate(filters.to)}`);
  else if (filters.from) parts.push(`from ${shortDate(filters.from)}`);
  else if (filters.to) parts.push(`until ${shortDate(filters.to)}`);
  if (filters.offender) parts.push(`with ${names.offender || "an offender you cannot see"}`);
  if (filters.q) parts.push(`matching “${filters.q}”`);
  return parts.length ? `Showing reports: ${parts.join(", ")}.` : "Showing every report you can see, newest first.";
}

/** The filter form; submitting it puts the filters in the link, which shows the list again. */
function filterForm(filters, bids, names, onlyOneShop) {
  const choose = (name, label, options) =>
    field(
      label,
      h(
        "select",
        { name },
        h("option", { value: "" }, "Any"),
        options.map(([value, text]) => h("option", { value, selected: filters[name] === value }, text)),
      ),
    );
  const shops = bids.flatMap((b) => b.shops.map((shop) => [shop.id, bids.length > 1 ? `${shop.name} (${b.name})` : shop.name]));
  const offender = filters.offender
    ? h(
        "p",
        { class: "filter-chip", id: "offender-filter" },
        `Offender: ${names.offender || "not one you can see"} `,
        h("a", { href: reportsLink({ ...filters, offender: "" }) }, "remove"),
      )
    : null;
  const form = h(
    "form",
    { class: "report-filters", role: "search", "aria-label": "Filter reports" },
    field("Search", h("input", { type: "search", name: "q", value: filters.q || "", enterkeyhint: "search" }), "Words in the description, a police reference, a vehicle registration, or a report's reference such as MH\u20112026\u201100154."),
    h(
      "details",
      { open: Object.keys(filters).some((k) => k !== "q") },
      h("summary", {}, "More filters"),
      bids.length > 1 ? choose("bid", "BID", bids.map((b) => [b.id, b.name])) : null,
      onlyOneShop ? null : choose("shop", "Shop", shops),
      choose("kind", "Kind", KINDS.map((k) => [k, kindName(k)])),
      choose("status", "Status", Object.entries(STATUS_NAMES)),
      h("div", { class: "field-pair" }, field("From", h("input", { type: "date", name: "from", value: filters.from || "" })), field("To", h("input", { type: "date", name: "to", value: filters.to || "" }))),
      offender,
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Show reports"), h("a", { href: "#/reports", class: "button-link secondary" }, "Clear filters")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const chosen = { offender: filters.offender };
    for (const key of FILTER_KEYS) if (data.has(key)) chosen[key] = String(data.get(key)).trim();
    navigate(reportsLink(chosen).slice(1));
  });
  return form;
}

/** The reference a person reads out on the phone, e.g. MH-2026-00154. */
export function referenceTag(incident) {
  return h("span", { class: "incident-ref" }, incident.reference);
}

export function incidentItem(incident) {
  const photo = incident.photos[0];
  return h(
    "li",
    {},
    h(
      "a",
      { href: `#/incidents/${incident.id}`, class: "card card-link" },
      photo ? h("img", { src: photo.thumbnailUrl, alt: "", class: "thumb" }) : null,
      h(
        "span",
        { class: "card-body" },
        h("span", { class: "card-title" }, `${kindName(incident.kind)} · ${formatDateTime(incident.occurredAt)}`),
        h("span", { class: "card-meta" }, referenceTag(incident), ` · ${incident.shop.name}`, incident.valueStolenPence ? ` · ${formatPounds(incident.valueStolenPence)}` : ""),
        h("span", { class: "card-text" }, incident.description),
        statusBadge(incident.status),
      ),
    ),
  );
}

/** With no signal: the reports opened last, as kept on this phone, or why there is nothing to show. */
async function offlineReports(app) {
  const saved = await savedIncidents(app.me).catch(() => []);
  const cause = navigator.onLine ? "The server cannot be reached just now" : "No signal";
  if (!saved.length)
    return [notice(`${cause}, so the sent reports cannot be loaded. They load by themselves when the signal returns.`)];
  const which = saved.length === 1 ? "is the report opened last on this phone, as it was" : `are the ${saved.length} reports opened last on this phone, as they were`;
  return [
    savedMark(saved[0].savedAt, `The latest reports cannot be loaded. Below ${which} when opened; the list loads by itself when the signal returns.`),
    h("ul", { class: "cards", id: "saved-reports" }, saved.map(({ incident }) => incidentItem({ ...incident, photos: [] }))),
  ];
}

export async function render(app) {
  const filters = readFilters(currentQuery());
  // A kind or status the app does not know would be refused by the API in its own words: leave it out.
  if (filters.kind && !KINDS.includes(filters.kind)) delete filters.kind;
  if (filters.status && !(filters.status in STATUS_NAMES)) delete filters.status;
  const list = h("ul", { class: "cards", id: "recent-reports" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Show more");
  const summary = h("p", { class: "hint", id: "filter-summary", role: "status" });
  const page = h("div", {}, h("h1", {}, "Recent reports"), outboxSection());
  const names = { bids: new Map(), shops: new Map(), offender: null };
  // Without signal the form still shows what the link asks for; the list says why it is empty.
  const [places, offender] = await Promise.all([
    knownPlaces(app?.me) || gql(PLACES).catch(() => ({ bids: [] })),
    filters.offender ? gql(OFFENDER, { id: filters.offender }).catch(() => ({ offender: null })) : { offender: null },
  ]);
  const bids = places.bids;
  for (const b of bids) {
    names.bids.set(b.id, b.name);
    for (const shop of b.shops) names.shops.set(shop.id, shop.name);
  }
  names.offender = offender.offender?.displayName || null;
  const onlyOneShop = rolesOf(app?.me).size === 1 && rolesOf(app?.me).has("SHOP_STAFF");
  page.append(filterForm(filters, bids, names, onlyOneShop), h("h2", {}, "Sent"), summary, list, more);
  summary.textContent = describe(filters, names);
  if (filters.shop && names.shops.has(filters.shop))
    summary.after(h("p", {}, h("a", { href: `#/shops/${encodeURIComponent(filters.shop)}`, class: "button-link", id: "shop-page-link" }, `${names.shops.get(filters.shop)}: the shop's page`)));
  const wanted = incidentFilter(filters);
  let after = null;
  async function load() {
    try {
      const { incidents } = await gql(RECENT, { after, filter: wanted });
      list.append(...incidents.edges.map((e) => incidentItem(e.node)));
      if (!list.children.length) list.append(h("li", { class: "hint" }, Object.keys(filters).length ? "No reports match these filters." : "No reports yet."));
      after = incidents.pageInfo.endCursor;
      more.hidden = !incidents.pageInfo.hasNextPage;
    } catch (error) {
      if (!(error instanceof NetworkError)) {
        page.append(notice(error.message, "error"));
        return;
      }
      page.dataset.offline = "1"; // Drawn again by itself when the signal returns.
      more.hidden = true;
      summary.hidden = true; // It describes a list the server did not send.
      page.append(...(await offlineReports(app)));
    }
  }
  more.addEventListener("click", load);
  await load();
  return page;
}
