// Working on an incident from its page: its status with a note (and the history of changes), the
// offenders linked to it (picked from the gallery's thumbnails), the possible offenders the server
// suggests, more photos, and the police reference. Each control shows only to whom the API allows it.

import { gql } from "../api.js";
import { h } from "../dom.js";
import {
  ANSWER,
  actionForm,
  attempt,
  managesShop,
  mutate,
  offenderPicks,
  offenderStatusName,
  photoUploader,
  setFlash,
  thumb,
} from "../manage.js";

const LINK = `mutation($i: ID!, $o: ID!) { linkOffender(incidentId: $i, offenderId: $o) { ${ANSWER} } }`;
const UNLINK = `mutation($i: ID!, $o: ID!) { unlinkOffender(incidentId: $i, offenderId: $o) { ${ANSWER} } }`;
const ADD_PHOTO = `mutation($incidentId: ID!, $photo: Upload!) { addIncidentPhoto(incidentId: $incidentId, photo: $photo) { ${ANSWER} } }`;

/** What this viewer may do to this incident. */
export function permissions(me, incident) {
  const manager = managesShop(me, incident.shop.id);
  const reporter = Boolean(incident.reporter && incident.reporter.id === me.id);
  return { manager, reporter, addPhotos: manager || reporter, policeReference: manager || reporter };
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
          actionButton(app, `Link ${offender.displayName}`, status, () => mutate(LINK, vars(offender), "linkOffender"), "Offender linked.", { class: "primary" }),
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
