// The audit trail, for administrators: entries filtered by person, action, BID and date, newest
// first; and "Verify the chain", which says what `shopwatch audit verify` says.

import { gql } from "../api.js";
import { field, formatDateTime, h, notice } from "../dom.js";
import { actionForm, notYours, pagedList, select } from "../forms.js";
import { isAdmin, takeFlash } from "../manage.js";

const ACTIONS = [
  "offender.view", "photo.open_original", "incidents.export_csv", "offender.export_data", "offender.link",
  "offender.unlink", "offender.update", "offender.merge", "exclusion.issue", "invite.create", "membership.grant",
  "membership.revoke", "user.deactivate", "retention.update", "retention.purge",
];

const ENTRIES = `query Audit($filter: AuditEntryFilter, $after: String) {
  auditEntries(filter: $filter, first: 50, after: $after) {
    edges { node { id at action actorEmail actor { id name } bid { id name } subject details ipAddress } }
    pageInfo { hasNextPage endCursor }
  }
  users(first: 100) { edges { node { id name email } } }
  bids { id name }
}`;
const CHAIN = `{ auditChain { intact entries firstBrokenId message } }`;

let filter = {};

function entryCard(entry) {
  return h(
    "li",
    { class: "card", "data-entry": entry.id },
    h("p", { class: "card-title" }, entry.action),
    h("p", { class: "card-meta" }, `${formatDateTime(entry.at)} · ${entry.actor?.name || entry.actorEmail || "the system"}${entry.bid ? ` · ${entry.bid.name}` : ""}`),
    entry.subject ? h("p", { class: "card-text" }, entry.subject) : null,
    entry.details ? h("p", { class: "card-text hint" }, entry.details) : null,
  );
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
          { class: auditChain.intact ? "notice chain-intact" : "notice notice-error", role: auditChain.intact ? "status" : "alert" },
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
  const data = await gql(ENTRIES, { filter });
  const list = pagedList(
    "audit-entries",
    data.auditEntries,
    async (after) => (await gql(ENTRIES, { filter, after })).auditEntries,
    entryCard,
    "Show older entries",
  );
  return h(
    "div",
    {},
    h("h1", {}, "Audit trail"),
    takeFlash(),
    chainCheck(),
    h("h2", {}, "Entries"),
    filterForm(app, data.users.edges.map((e) => e.node), data.bids),
    data.auditEntries.edges.length ? list : notice("No entries match."),
  );
}
