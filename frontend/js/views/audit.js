// The audit trail, for administrators: entries filtered by person, action, BID and date, newest
// first; and "Verify the chain", which says what `shopwatch audit verify` says.

import { gql } from "../api.js";
import { field, formatDateTime, h, notice } from "../dom.js";
import { actionForm, notYours, pagedList, select } from "../forms.js";
import { isAdmin } from "../manage.js";

// The actions the trail holds (README: Audit trail).
const ACTIONS = [
  "offender.view", "photo.open_original", "incidents.export_csv", "offender.export_data", "offender.link",
  "offender.unlink", "offender.update", "offender.merge", "exclusion.issue", "invite.create", "membership.grant",
  "membership.revoke", "user.deactivate", "bid.update", "shop.update", "team.update", "retention.update",
  "retention.purge", "incident.refer", "police_case.update", "statement.sign", "incident.property",
  "impact_statement.record", "evidence.pack",
];

const ENTRIES = `query Audit($filter: AuditEntryFilter, $after: String) {
  auditEntries(filter: $filter, first: 50, after: $after) {
    edges { node { id at action actor subject detail address actorUser { id name } bid { id name } } }
    pageInfo { hasNextPage endCursor }
  }
  users(first: 100) { edges { node { id name email } } }
  bids { id name }
}`;
const CHAIN = `{ auditChain { intact entries firstBrokenId message } }`;

let filter = {};

/** The filter as the API takes it: dates as moments, nothing for "any". */
function asFilter(chosen) {
  const given = { ...chosen, from: moment(chosen.from, false), to: moment(chosen.to, true) };
  return Object.fromEntries(Object.entries(given).filter(([, v]) => v));
}

function entryCard(entry) {
  const who = entry.actorUser ? `${entry.actorUser.name} (${entry.actor})` : entry.actor;
  return h(
    "li",
    { class: "card", "data-entry": entry.id },
    h("p", { class: "card-title" }, entry.action),
    h("p", { class: "card-meta" }, `${formatDateTime(entry.at)} · ${who}${entry.bid ? ` · ${entry.bid.name}` : ""}`),
    entry.subject ? h("p", { class: "card-text" }, entry.subject) : null,
    entry.detail && entry.detail !== "{}" ? h("p", { class: "card-text hint audit-detail" }, entry.detail) : null,
  );
}

/** A UK date's first or last moment, as the phone's clock has it, for the filter. */
function moment(isoDate, end) {
  return isoDate ? new Date(`${isoDate}T${end ? "23:59:59.999" : "00:00:00"}`).toISOString() : null;
}

function chainCheck() {
  const result = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", class: "secondary" }, "Verify the chain");
  button.addEventListener("click", async () => {
    button.disabled = true;
    result.replaceChildren(notice("Checking every entry…"));
    try {
      const { auditChain } = await gql(CHAIN);
      result.replaceChildren(
        h(
          "p",
          { class: auditChain.intact ? "notice chain-result chain-intact" : "notice chain-result notice-error", role: auditChain.intact ? "status" : "alert" },
          auditChain.message,
        ),
      );
    } catch (error) {
      result.replaceChildren(notice(error.message, "error"));
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "stack" }, button, result);
}

function filterForm(app, users, bids) {
  const person = select("actorId", [["", "Anyone"], ...users.map((u) => [u.id, `${u.name} (${u.email})`])], filter.actorId);
  const action = select("action", [["", "Any action"], ...ACTIONS.map((a) => [a, a])], filter.action);
  const bid = select("bidId", [["", "Any BID"], ...bids.map((b) => [b.id, b.name])], filter.bidId);
  const from = h("input", { type: "date", name: "from", value: filter.from || "" });
  const to = h("input", { type: "date", name: "to", value: filter.to || "" });
  return actionForm(
    "Show entries",
    [field("Person", person), field("Action", action), field("BID", bid), h("div", { class: "pair" }, field("From", from), field("To", to))],
    async () => {
      const chosen = { actorId: person.value, action: action.value, bidId: bid.value, from: from.value, to: to.value };
      filter = Object.fromEntries(Object.entries(chosen).filter(([, v]) => v));
      await app.render();
    },
    "secondary",
  );
}

export async function render(app) {
  if (!isAdmin(app.me)) return notYours("Audit trail");
  const data = await gql(ENTRIES, { filter: asFilter(filter) });
  const list = pagedList(
    "audit-entries",
    data.auditEntries,
    async (after) => (await gql(ENTRIES, { filter: asFilter(filter), after })).auditEntries,
    entryCard,
    "Show older entries",
  );
  return h(
    "div",
    {},
    h("h1", {}, "Audit trail"),
    chainCheck(),
    h("h2", {}, "Entries"),
    filterForm(app, data.users.edges.map((e) => e.node), data.bids),
    data.auditEntries.edges.length ? list : notice("No entries match."),
  );
}
