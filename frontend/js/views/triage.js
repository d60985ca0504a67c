// Working on an incident from its page: its status with a note (and the history of changes), the
// offenders linked to it (picked from the gallery's thumbnails), the possible offenders the server
// suggests, more photos, and the police reference. Each control shows only to whom the API allows it.

import { gql, rolesOf } from "../api.js";
import { field, formatDateTime, h } from "../dom.js";
import {
  ANSWER,
  actionForm,
  attempt,
  managerOfShop,
  managesShop,
  mutate,
  offenderPicks,
  offenderStatusName,
  photoUploader,
  setFlash,
  thumb,
} from "../manage.js";
import { STATUS_NAMES } from "./reports.js";

const LINK = `mutation($i: ID!, $o: ID!) { linkOffender(incidentId: $i, offenderId: $o) { ${ANSWER} } }`;
const UNLINK = `mutation($i: ID!, $o: ID!) { unlinkOffender(incidentId: $i, offenderId: $o) { ${ANSWER} } }`;
const DISMISS = `mutation($i: ID!, $o: ID!) { dismissSuggestion(incidentId: $i, offenderId: $o) { ${ANSWER} } }`;
const STATUS = `mutation($input: UpdateIncidentStatusInput!) { updateIncidentStatus(input: $input) { ${ANSWER} } }`;
const UPDATE = `mutation($input: UpdateIncidentInput!) { updateIncident(input: $input) { ${ANSWER} } }`;
const ADD_PHOTO = `mutation($incidentId: ID!, $photo: Upload!) { addIncidentPhoto(incidentId: $incidentId, photo: $photo) { ${ANSWER} } }`;

/** What this viewer may do to this incident. */
export function permissions(me, incident) {
  const manager = managesShop(me, incident.shop.id);
  const reporter = Boolean(incident.reporter && incident.reporter.id === me.id);
  // Police see only the incidents of BIDs their team covers, and may change those incidents' status.
  const police = rolesOf(me).has("POLICE");
  // Administrators do not add photos to reports: only the reporter and the BID's managers do.
  const addPhotos = managerOfShop(me, incident.shop.id) || reporter;
  return { manager, reporter, status: manager || police, addPhotos, policeReference: manager || reporter };
}

async function act(app, work, message) {
  await work();
  setFlash(message);
  await app.render();
}

/** A button that runs one mutation, then draws the page again with `message`. */
function actionButton(app, label, status, work, message, props = {}) {
  return h("button", { type: "button", ...props, onclick: (event) => attempt(event.currentTarget, status, () => act(app, work, message)) }, label);
}

export function statusSection(app, incident, may) {
  const history = incident.history || [];
  const list = history.length
    ? h(
        "ol",
        { class: "history" },
        history.map((change) =>
          h(
            "li",
            {},
            h("strong", {}, STATUS_NAMES[change.status] || change.status),
            ` · ${formatDateTime(change.changedAt)}${change.changedBy ? ` · ${change.changedBy.name}` : ""}`,
            change.note ? h("span", { class: "history-note" }, change.note) : null,
          ),
        ),
      )
    : null;
  let form = null;
  if (may.status) {
    const status = h(
      "select",
      { name: "status" },
      Object.entries(STATUS_NAMES).map(([value, label]) => h("option", { value, selected: value === incident.status }, label)),
    );
    const note = h("textarea", { name: "note", rows: 2, maxLength: 2000 });
    form = actionForm({ class: "stack triage" }, [field("New status", status), field("Note", note, "Optional: why, or what was done.")], "Save the status", () =>
      act(app, () => mutate(STATUS, { input: { incidentId: incident.id, status: status.value, note: note.value.trim() } }, "updateIncidentStatus"), "Status changed."),
    );
  }
  return h(
    "section",
    {},
    h("h2", {}, "Status history"),
    list || h("p", { class: "hint" }, "New since it was reported; no change yet."),
    form ? h("details", {}, h("summary", {}, "Change the status"), form) : null,
  );
}

export function policeReferenceForm(app, incident, may) {
  if (!may.policeReference) return null;
  const reference = h("input", { type: "text", name: "police-reference", autocomplete: "off", maxLength: 40, value: incident.policeReference || "" });
  return h(
    "details",
    {},
    h("summary", {}, incident.policeReference ? "Edit the police reference" : "Add a police reference"),
    actionForm({}, field("Police reference", reference, "Leave empty to remove it."), "Save the reference", () =>
      act(app, () => mutate(UPDATE, { input: { incidentId: incident.id, policeReference: reference.value.trim() } }, "updateIncident"), "Police reference saved."),
    ),
  );
}

function offenderCard(content, actions) {
  return h("li", { class: "card" }, content, actions.length ? h("div", { class: "card-actions" }, actions) : null);
}

function offenderLink(offender, extra = null) {
  return h(
    "a",
    { href: `#/gallery/${offender.id}`, class: "card-link row" },
    thumb(offender.thumbnailUrl),
    h("span", { class: "card-body" }, h("span", { class: "card-title" }, offender.displayName), h("span", { class: "card-meta" }, offenderStatusName(offender.status)), extra),
  );
}

export async function offendersSection(app, incident, may) {
  const status = h("div", { class: "form-status" });
  const vars = (offender) => ({ i: incident.id, o: offender.id });
  const linked = incident.offenders.map((offender) =>
    offenderCard(offenderLink(offender), may.manager ? [actionButton(app, `Unlink ${offender.displayName}`, status, () => mutate(UNLINK, vars(offender), "unlinkOffender"), "Offender unlinked.", { class: "danger" })] : []),
  );
  const suggestions = (incident.possibleOffenders || []).map(({ offender, reason }) =>
    offenderCard(offenderLink(offender, h("span", { class: "card-text" }, reason)), may.manager
      ? [
          actionButton(app, "Link", status, () => mutate(LINK, vars(offender), "linkOffender"), "Offender linked.", {
            class: "primary",
            "aria-label": `Link ${offender.displayName}`,
          }),
          actionButton(app, "Not this person", status, () => mutate(DISMISS, vars(offender), "dismissSuggestion"), "Suggestion dismissed: it will not be offered again.", {
            "aria-label": `Not this person: ${offender.displayName}`,
          }),
        ]
      : []),
  );
  let picker = null;
  if (may.manager) {
    const { bids } = await gql("{ bids { id shops { id } } }");
    const bid = bids.find((b) => b.shops.some((s) => s.id === incident.shop.id));
    const picks = bid ? await offenderPicks(bid.id, "Pick from the gallery", incident.offenders.map((o) => o.id)) : null;
    if (picks && !picks.empty)
      picker = h(
        "details",
        {},
        h("summary", {}, "Link an offender"),
        actionForm({}, picks, "Link", () => act(app, () => mutate(LINK, { i: incident.id, o: picks.selected() }, "linkOffender"), "Offender linked.")),
      );
  }
  return h(
    "section",
    {},
    h("h2", {}, "Offenders"),
    linked.length ? h("ul", { class: "cards" }, linked) : h("p", { class: "hint" }, "No offender linked."),
    suggestions.length ? [h("h3", {}, "Possible offenders"), h("ul", { class: "cards suggestions" }, suggestions)] : null,
    status,
    picker,
  );
}

export function addPhotos(app, incident, may) {
  return may.addPhotos ? photoUploader(app, ADD_PHOTO, { incidentId: incident.id }, "addIncidentPhoto") : null;
}
