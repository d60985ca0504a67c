// Recent reports the viewer may see (shop staff: their shop's), newest first, with their status.

import { NetworkError, gql } from "../api.js";
import { formatDateTime, formatPounds, h, kindName, notice } from "../dom.js";
import { savedIncidents, savedMark } from "../saved.js";
import { outboxSection } from "./outbox.js";

export const STATUS_NAMES = { NEW: "New", REVIEWED: "Reviewed", REFERRED_TO_POLICE: "Referred to police", CLOSED: "Closed" };

export function statusBadge(status) {
  return h("span", { class: `badge badge-${status.toLowerCase()}` }, STATUS_NAMES[status] || status);
}

const RECENT = `query Recent($after: String) {
  incidents(first: 20, after: $after) {
    edges { node { id kind status occurredAt description valueStolenPence shop { name } photos { id thumbnailUrl } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

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
        h("span", { class: "card-meta" }, incident.shop.name, incident.valueStolenPence ? ` · ${formatPounds(incident.valueStolenPence)}` : ""),
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
  const which = saved.length === 1 ? "the report" : `the ${saved.length} reports`;
  return [
    savedMark(saved[0].savedAt, `${cause}, so the sent reports cannot be loaded. Below are ${which} opened last on this phone, as they were when opened; the list loads by itself when the signal returns.`),
    h("ul", { class: "cards", id: "saved-reports" }, saved.map(({ incident }) => incidentItem({ ...incident, photos: [] }))),
  ];
}

export async function render(app) {
  const list = h("ul", { class: "cards", id: "recent-reports" });
  const more = h("button", { type: "button", class: "secondary", hidden: true }, "Show more");
  const page = h("div", {}, h("h1", {}, "Recent reports"), outboxSection(), h("h2", {}, "Sent"), list, more);
  let after = null;
  async function load() {
    try {
      const { incidents } = await gql(RECENT, { after });
      list.append(...incidents.edges.map((e) => incidentItem(e.node)));
      if (!list.children.length) list.append(h("li", { class: "hint" }, "No reports yet."));
      after = incidents.pageInfo.endCursor;
      more.hidden = !incidents.pageInfo.hasNextPage;
    } catch (error) {
      if (!(error instanceof NetworkError)) {
        page.append(notice(error.message, "error"));
        return;
      }
      page.dataset.offline = "1"; // Drawn again by itself when the signal returns.
      more.hidden = true;
      page.append(...(await offlineReports(app)));
    }
  }
  more.addEventListener("click", load);
  await load();
  return page;
}
