// "Not sent yet": the reports stored on this phone that the server does not have: those waiting to
// send, and those it refused, each with the reason and what the worker can do about it.

import { formatDateTime, h, kindName, mount } from "../dom.js";
import { discard, flushOutbox, listOutbox, onOutboxChange, retry } from "../queue.js";

function sendWaiting() {
  // A failure leaves the reports waiting; the list says so.
  flushOutbox().catch(() => {});
}

/** Deletes a report from the phone once the worker confirms; whether it was deleted. */
export async function deleteByHand(clientId) {
  if (!confirm("Delete this report from the phone? The server does not have it.")) return false;
  await discard(clientId);
  return true;
}

function refusedActions(entry) {
  return h(
    "div",
    { class: "card-actions" },
    h("a", { href: `#/report/${entry.clientId}`, class: "button-link primary" }, "Correct it"),
    // A refusal that may pass later (a permission since restored, say) can be sent again unchanged.
    entry.refusal?.mayPassLater === false
      ? null
      : h("button", { type: "button", onclick: () => retry(entry.clientId).then(sendWaiting) }, "Try again"),
    h("button", { type: "button", class: "danger", onclick: () => deleteByHand(entry.clientId) }, "Delete"),
  );
}

function entryItem(entry) {
  const photos = entry.photos?.length ? ` · ${entry.photos.length} photo${entry.photos.length > 1 ? "s" : ""}` : "";
  const refused = entry.state === "refused";
  return h(
    "li",
    { class: refused ? "card card-refused" : "card", "data-client-id": entry.clientId, "data-state": entry.state },
    h("p", { class: "card-title" }, `${kindName(entry.input.kind)} · ${formatDateTime(entry.input.occurredAt)}${photos}`),
    h("p", { class: "card-text" }, entry.input.description),
    refused
      ? [
          h("p", { class: "badge badge-refused" }, "Not accepted"),
          h("p", { class: "refusal-reason" }, entry.error),
          refusedActions(entry),
        ]
      : h("p", { class: "badge badge-waiting" }, "Waiting to send"),
  );
}

/** A live list of the reports not sent yet; empty (and hidden) when there are none. */
export function outboxSection() {
  const section = h("section", { class: "outbox", "aria-labelledby": "outbox-heading", hidden: true });
  async function refresh() {
    if (!section.isConnected && section.dataset.drawn) {
      stop();
      return;
    }
    section.dataset.drawn = "1";
    const entries = await listOutbox();
    section.hidden = entries.length === 0;
    const waiting = entries.filter((e) => e.state === "waiting").length;
    const refused = entries.length - waiting;
    mount(
      section,
      h("h2", { id: "outbox-heading" }, `Not sent yet (${entries.length})`),
      waiting && navigator.onLine ? h("button", { type: "button", onclick: sendWaiting }, "Send now") : null,
      waiting ? h("p", { class: "hint" }, "Reports waiting to send are kept on this phone and go by themselves when there is signal.") : null,
      refused ? h("p", { class: "hint" }, "The server did not accept a report marked below: correct it and send it again, or delete it.") : null,
      h("ul", { class: "cards" }, entries.map(entryItem)),
    );
  }
  const stop = onOutboxChange(refresh);
  window.addEventListener("online", refresh);
  window.addEventListener("offline", refresh);
  refresh();
  return section;
}
