// Adding someone to the gallery (with photos from the camera) and editing a record: the BID's
// managers and administrators.

import { gql } from "../api.js";
import { field, h, notice } from "../dom.js";
import { ANSWER, Refusal, actionForm, managesBid, mutate, setFlash, uploadEach } from "../manage.js";
import { photoPicker } from "./report.js";

const CREATE = `mutation($input: CreateOffenderInput!) {
  createOffender(input: $input) { ${ANSWER} ... on CreateOffenderSuccess { offender { id } photoErrors { message } } }
}`;
const UPDATE = `mutation($input: UpdateOffenderInput!) { updateOffender(input: $input) { ${ANSWER} } }`;
const ADD_PHOTO = `mutation($offenderId: ID!, $photo: Upload!) { addOffenderPhoto(offenderId: $offenderId, photo: $photo) { ${ANSWER} } }`;

/** The statuses a manager may set by hand (EXCLUDED comes from an exclusion). */
const SETTABLE = [
  ["ACTIVE", "Active"],
  ["ID_SOUGHT", "Not yet identified"],
  ["ARCHIVED", "Archived"],
];

function statusSelect(current, choices) {
  return h(
    "select",
    { name: "status" },
    choices.map(([value, label]) => h("option", { value, selected: value === current }, label)),
  );
}

function refusedNotice(refused) {
  return refused.length ? { text: `Not kept: ${refused.join("; ")}`, kind: "error" } : null;
}

export async function renderNew(app) {
  const { bids } = await gql("{ bids { id name } }");
  const mine = bids.filter((b) => managesBid(app.me, b.id));
  if (!mine.length) return h("div", {}, h("h1", {}, "Add an offender"), notice("Only a BID's managers add people to its gallery."));
  const bid = h("select", { name: "bid" }, mine.map((b) => h("option", { value: b.id }, b.name)));
  const name = h("input", { type: "text", name: "display-name", required: true, maxLength: 200, autocomplete: "off" });
  const description = h("textarea", { name: "description", rows: 3, maxLength: 5000 });
  const status = statusSelect("ACTIVE", SETTABLE.slice(0, 2));
  const photos = photoPicker();
  const form = actionForm(
    {},
    [
      mine.length > 1 ? field("BID", bid) : null,
      field("Name or description", name, "A name, or e.g. “Unknown male, red cap”."),
      field("Description", description, "What they look like, what they do."),
      field("Status", status, "Not yet identified: shop staff are asked to help identify them."),
      photos,
    ],
    "Add to the gallery",
    async () => {
      const [first, ...rest] = photos.files();
      const input = { bidId: bid.value, displayName: name.value.trim(), description: description.value.trim(), status: status.value, photo: null };
      const files = first ? [{ path: "variables.input.photo", blob: first, name: first.name }] : null;
      let created;
      try {
        created = await mutate(CREATE, { input }, "createOffender", files);
      } catch (error) {
        if (error instanceof Refusal && error.field === "displayName") name.focus();
        throw error;
      }
      const id = created.offender.id;
      const refused = created.photoErrors.map((e) => `${first.name}: ${e.message}`);
      refused.push(...(await uploadEach(rest, ADD_PHOTO, { offenderId: id }, "addOffenderPhoto")));
      const problem = refusedNotice(refused);
      if (problem) setFlash(problem.text, problem.kind);
      else setFlash("Added to the gallery.");
      location.hash = `#/gallery/${id}`;
    },
  );
  return h("div", {}, h("h1", {}, "Add an offender"), form);
}

const RECORD = `query($id: ID!) { offender(id: $id) { id displayName description status bid { id } } }`;

export async function renderEdit(app, { id }) {
  const { offender } = await gql(RECORD, { id });
  if (!offender || !managesBid(app.me, offender.bid.id))
    return h("div", {}, h("h1", {}, "Edit a record"), notice("Only the BID's managers edit its gallery."));
  const name = h("input", { type: "text", name: "display-name", required: true, maxLength: 200, autocomplete: "off", value: offender.displayName });
  const description = h("textarea", { name: "description", rows: 4, maxLength: 5000, value: offender.description });
  const excluded = offender.status === "EXCLUDED";
  const status = excluded ? null : statusSelect(offender.status, SETTABLE);
  const form = actionForm(
    {},
    [
      field("Name or description", name),
      field("Description", description),
      excluded
        ? notice("Excluded while an exclusion is in force; end it early on the record's page.")
        : field("Status", status, "Not yet identified: shop staff are asked to help identify them. Archived: hidden from shop staff."),
    ],
    "Save",
    async () => {
      const input = { offenderId: id, displayName: name.value.trim(), description: description.value.trim() };
      if (status && status.value !== offender.status) input.status = status.value;
      await mutate(UPDATE, { input }, "updateOffender");
      setFlash("Saved.");
      location.hash = `#/gallery/${id}`;
    },
  );
  return h(
    "div",
    {},
    h("h1", {}, `Edit ${offender.displayName}`),
    form,
    h("p", {}, h("a", { href: `#/gallery/${id}`, class: "button-link" }, "Cancel")),
  );
}
