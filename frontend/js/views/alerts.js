// Alerts for police and managers: the list, one alert (rule, why, incidents) and acknowledging it,
// with a note everyone who opens the alert reads.

import { gql } from "../api.js";
import { field, formatDateTime, h, kindName, notice } from "../dom.js";
import { referenceTag, statusBadge } from "./reports.js";

const RULE_NAMES = {
  REPEAT_OFFENDER: "Repeat offender",
  MULTI_SHOP_OFFENDER: "Offender moving between shops",
  VIOLENCE_BY_KNOWN_OFFENDER: "Violence by a known offender",
  EXCLUSION_BREACH: "Exclusion breach",
  REPEAT_VEHICLE: "Vehicle seen again",
  SHOP_HOTSPOT: "Shop hotspot",
};

export function ruleName(rule) {
  return RULE_NAMES[rule] || rule;
}

const LIST = `query Alerts($after: String) {
  alerts(first: 50, after: $after) {
    edges { node { id rule createdAt summary acknowledgedAt bid { name } offender { displayName } shop { name } vehicleRegistration } }
    pageInfo { hasNextPage endCursor }
  }
}`;

function subject(alert) {
  return alert.offender?.displayName || alert.shop?.name || alert.vehicleRegistration || "";
}

function ackBadge(alert) {
  return alert.acknowledgedAt
    ? h("span", { class: "badge badge-acknowledged" }, "Acknowledged")
    : h("span", { class: "badge badge-new" }, "New");
}

export async function renderList() {
  const { alerts } = await gql(LIST);
  const nodes = alerts.edges.map((e) => e.node);
  return h(
    "div",
    {},
    h("h1", {}, "Alerts"),
    nodes.length
      ? h(
          "ul",
          { class: "cards", id: "alerts" },
          nodes.map((alert) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: `#/alerts/${alert.id}`, class: "card card-link" },
                h(
                  "span",
                  { class: "card-body" },
                  h("span", { class: "card-title" }, `${ruleName(alert.rule)}${subject(alert) ? `: ${subject(alert)}` : ""}`),
                  h("span", { class: "card-meta" }, `${formatDateTime(alert.createdAt)} · ${alert.bid.name}`),
                  h("span", { class: "card-text" }, alert.summary),
                  ackBadge(alert),
                ),
              ),
            ),
          ),
        )
      : notice("No alerts."),
  );
}

const DETAIL = `query Alert($id: ID!) {
  alert(id: $id) {
    id rule createdAt summary openUntil acknowledgedAt acknowledgedBy { name } acknowledgementNote vehicleRegistration
    bid { name } offender { id displayName status } shop { name } emailedTo
    incidents { id reference kind status occurredAt description shop { name } }
  }
}`;

// As the server keeps it (MAX_ACKNOWLEDGEMENT_NOTE); the server's check is the one that counts.
const MAX_NOTE = 500;

const ACKNOWLEDGE = `mutation Ack($id: ID!, $note: String) {
  acknowledgeAlert(alertId: $id, note: $note) {
    __typename
    ... on AcknowledgeAlertSuccess { alert { id acknowledgedAt acknowledgedBy { name } acknowledgementNote } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}`;

function acknowledgement(alert) {
  if (alert.acknowledgedAt) {
    return h(
      "div",
      { class: "notice acknowledgement", role: "status" },
      h("p", {}, `Acknowledged ${formatDateTime(alert.acknowledgedAt)}${alert.acknowledgedBy ? ` by ${alert.acknowledgedBy.name}` : ""}.`),
      alert.acknowledgementNote ? h("p", { class: "acknowledgement-note" }, h("strong", {}, "Note: "), alert.acknowledgementNote) : null,
    );
  }
  const status = h("div");
  const note = h("textarea", { name: "note", rows: 2, maxLength: MAX_NOTE, autocomplete: "off" });
  const error = h("p", { class: "field-error", role: "alert", hidden: true });
  const noteField = field("Note (optional)", note, "What was done or will be, e.g. “Patrol sent at 15:00”. Everyone who sees this alert reads it.");
  noteField.append(error);
  const button = h("button", { type: "submit", class: "primary" }, "Acknowledge");
  const box = h("form", { class: "stack acknowledge", "aria-label": "Acknowledge this alert" }, noteField, status, button);
  box.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.hidden = true;
    note.removeAttribute("aria-invalid");
    status.replaceChildren();
    try {
      const { acknowledgeAlert } = await gql(ACKNOWLEDGE, { id: alert.id, note: note.value.trim() || null });
      if (acknowledgeAlert.__typename === "ValidationError") {
        error.textContent = acknowledgeAlert.message;
        error.hidden = false;
        note.setAttribute("aria-invalid", "true");
        button.disabled = false;
        return;
      }
      if (acknowledgeAlert.__typename !== "AcknowledgeAlertSuccess") throw new Error(acknowledgeAlert.message);
      box.replaceWith(acknowledgement(acknowledgeAlert.alert));
    } catch (failure) {
      status.replaceChildren(notice(failure.message, "error"));
      button.disabled = false;
    }
  });
  return box;
}

export async function renderDetail(app, { id }) {
  const { alert } = await gql(DETAIL, { id });
  if (!alert) return h("div", {}, h("h1", {}, "Alert not found"), notice("It does not exist or is not yours to see."));
  return h(
    "article",
    { "data-title": `Alert: ${ruleName(alert.rule)}` },
    h("h1", {}, ruleName(alert.rule)),
    ackBadge(alert),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Why"),
      h("dd", { class: "alert-summary" }, alert.summary),
      subject(alert) ? [h("dt", {}, "About"), h("dd", {}, subject(alert))] : null,
      h("dt", {}, "Raised"),
      h("dd", {}, formatDateTime(alert.createdAt)),
      h("dt", {}, "BID"),
      h("dd", {}, alert.bid.name),
      h("dt", {}, "Emailed to"),
      h("dd", {}, alert.emailedTo.join(", ") || "Nobody"),
    ),
    // The offender rules' subject, one tap from the record (to exclude them, say).
    alert.offender ? h("p", {}, h("a", { href: `#/gallery/${alert.offender.id}`, class: "button-link" }, `See ${alert.offender.displayName} in the gallery`)) : null,
    acknowledgement(alert),
    h("h2", {}, `Incidents (${alert.incidents.length})`),
    h(
      "ul",
      { class: "cards" },
      alert.incidents.map((incident) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: `#/incidents/${incident.id}`, class: "card card-link" },
            h(
              "span",
              { class: "card-body" },
              h("span", { class: "card-title" }, `${kindName(incident.kind)} · ${formatDateTime(incident.occurredAt)}`),
              h("span", { class: "card-meta" }, referenceTag(incident), ` · ${incident.shop.name}`),
              h("span", { class: "card-text" }, incident.description),
              statusBadge(incident.status),
            ),
          ),
        ),
      ),
    ),
  );
}
