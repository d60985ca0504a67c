// "Waiting to send": the reports stored on this phone that the server does not have yet.

import { formatDateTime, h, kindName, mount } from "../dom.js";
import { discard, flushOutbox, listOutbox, onOutboxChange, retry } from "../queue.js";

function entryItem(entry) {
  const photos = entry.photos?.length ? ` · ${entry.photos.length} photo${entry.photos.length > 1 ? "s" : ""}` : "";
  const actions =
    entry.state === "refused"
      ? [
          h("p", { class: "notice notice-error" }, `Not accepted: ${entry.error}`),
          h("button", { type: "button", onclick: () => retry(entry.clientId).then(flushOutbox) }, "Try again"),
          h(
            "button",
            {
              type: "button",
              class: "danger",
              onclick: () => {
                if (confirm("Delete this report from the phone? It has not been sent.")) discard(entry.clientId);
              },
            },
            "Delete",
          ),
        ]
      : [h("p", { class: "badge badge-waiting" }, "Waiting to send")];
  return h(
    "li",
    { class: "card", "data-client-id": entry.clientId },
    h("p", { class: "card-title" }, `${kindName(entry.input.kind)} · ${formatDateTime(entry.input.occurredAt)}${photos}`),
    h("p", { class: "card-text" }, entry.input.description),
    actions,
  );
}

/** A live list of waiting reports; empty (and hidden) when there are none. */
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
    mount(
      section,
      h("h2", { id: "outbox-heading" }, `Waiting to send (${entries.length})`),
      waiting && navigator.onLine
        ? h("button", { type: "button", onclick: () => flushOutbox().catch(() => {}) }, "Send now")
        : h("p", { class: "hint" }, "These reports are kept on this phone and go by themselves when there is signal."),
      h("ul", { class: "cards" }, entries.map(entryItem)),
    );
  }
  const stop = onOutboxChange(refresh);
  window.addEventListener("online", refresh);
  window.addEventListener("offline", refresh);
  refresh();
  return section;
}
