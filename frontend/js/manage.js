// What the viewer may manage, and what the management screens share: a mutation's answer as a
// result or a refusal in words, a camera button, gallery thumbnails to pick from, and a message
// that survives the screen being drawn again after a change.

import { gql, rolesOf, upload } from "./api.js";
import { h, notice, uid } from "./dom.js";

/** The fields every mutation's union answers with, for its error types. */
export const ANSWER = "__typename ... on ValidationError { field message } ... on PermissionDenied { message } ... on NotFound { message }";

export function isAdmin(me) {
  return rolesOf(me).has("ADMIN");
}

/** An administrator, or a manager of this BID. */
export function managesBid(me, bidId) {
  return isAdmin(me) || (me?.memberships || []).some((m) => m.role === "BID_MANAGER" && m.bid?.id === bidId);
}

/** A manager of the BID this shop belongs to (administrators are not, unless they hold that role too). */
export function managerOfShop(me, shopId) {
  return (me?.memberships || []).some((m) => m.role === "BID_MANAGER" && m.bid?.shops.some((s) => s.id === shopId));
}

/** An administrator, or a manager of the BID this shop belongs to. */
export function managesShop(me, shopId) {
  return isAdmin(me) || managerOfShop(me, shopId);
}

/** The server refused: its message, and the input field it names (if any). */
export class Refusal extends Error {
  constructor(message, field = null) {
    super(message);
    this.field = field;
  }
}

/** Runs a mutation answering with a union; its success object, or throws a Refusal. */
export async function mutate(query, variables, name, files = null) {
  const data = files ? await upload(query, variables, files) : await gql(query, variables);
  const answer = data[name];
  if (answer.__typename.endsWith("Success")) return answer;
  throw new Refusal(answer.message, answer.field);
}

let flash = null;

/** A message for the next drawing of the screen ("Status changed."). */
export function setFlash(text, kind = "info") {
  flash = { text, kind };
}

/** The waiting message as a notice, once; null when there is none. */
export function takeFlash() {
  const shown = flash ? notice(flash.text, flash.kind) : null;
  flash = null;
  return shown;
}

/**
 * Runs `work` for a form or button: the control is disabled meanwhile, and a refusal or a failed
 * request is shown in `status` (and keeps the control usable).
 */
export async function attempt(control, status, work) {
  control.disabled = true;
  status.replaceChildren();
  try {
    await work();
  } catch (error) {
    status.replaceChildren(notice(error.message, "error"));
  } finally {
    control.disabled = false;
  }
}

/** A form submitted by `work(form)` with the usual disabling and error reporting. */
export function actionForm(props, children, submitLabel, work) {
  const status = h("div", { class: "form-status" });
  const submit = h("button", { type: "submit", class: "primary" }, submitLabel);
  const form = h("form", { class: "stack", ...props }, children, status, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(submit, status, () => work(form));
  });
  return form;
}

/** A button that looks like a button and opens the camera (or the photo library) for photos. */
export function cameraButton(label, onFiles) {
  const id = uid("camera");
  const input = h("input", { type: "file", id, accept: "image/*", capture: "environment", multiple: true, class: "file-input" });
  input.addEventListener("change", () => {
    const files = [...input.files];
    input.value = ""; // The same button can take the next photo.
    if (files.length) onFiles(files);
  });
  return h("div", { class: "field" }, h("label", { htmlFor: id, class: "button-like" }, label), input);
}

/** Uploads photos one by one with `query` (its photo in `$photo`); the refusals, named by file. */
export async function uploadEach(files, query, variables, name) {
  const refused = [];
  for (const file of files) {
    try {
      await mutate(query, { ...variables, photo: null }, name, [{ path: "variables.photo", blob: file, name: file.name }]);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      refused.push(`${file.name}: ${error.message}`);
    }
  }
  return refused;
}

/** The BID's gallery, as thumbnails to pick from. */
export const GALLERY_PICKS = `query Picks($bidId: ID!) {
  offenders(bidId: $bidId, first: 100) { edges { node { id displayName status thumbnailUrl } } }
}`;

/** One offender to pick: a radio button or checkbox drawn as its thumbnail and name. */
export function pick(offender, props) {
  const id = uid("offender");
  return h(
    "div",
    { class: "pick" },
    h("input", { id, value: offender.id, ...props }),
    h(
      "label",
      { htmlFor: id },
      offender.thumbnailUrl ? h("img", { src: offender.thumbnailUrl, alt: "" }) : h("span", { class: "no-photo" }, "No photo"),
      h("span", {}, offender.displayName),
      offender.status === "EXCLUDED" ? h("span", { class: "badge badge-excluded" }, "Excluded") : null,
    ),
  );
}

/** The BID's gallery as thumbnails to pick one from, but for those left out. */
export async function offenderPicks(bidId, legend, leaveOut = []) {
  const { offenders } = await gql(GALLERY_PICKS, { bidId });
  const nodes = offenders.edges.map((e) => e.node).filter((o) => !leaveOut.includes(o.id));
  const name = uid("pick");
  const box = h("fieldset", { class: "offenders" }, h("legend", {}, legend));
  if (!nodes.length) box.append(h("p", { class: "hint" }, "No one else is in the gallery."));
  box.append(...nodes.map((offender) => pick(offender, { type: "radio", name, required: true })));
  box.selected = () => box.querySelector("input:checked")?.value || null;
  box.empty = nodes.length === 0;
  return box;
}

/**
 * A camera button that sends each photo taken with `query` (its photo in `$photo`), then draws the
 * page again saying what was kept.
 */
export function photoUploader(app, query, variables, name) {
  const status = h("div", { class: "form-status", "aria-live": "polite" });
  const button = cameraButton("Add photos", async (files) => {
    status.replaceChildren(notice(`Sending ${files.length} photo${files.length > 1 ? "s" : ""}…`));
    try {
      const refused = await uploadEach(files, query, variables, name);
      setFlash(refused.length ? `Not kept: ${refused.join("; ")}` : "Photos added.", refused.length ? "error" : "info");
      await app.render();
    } catch (error) {
      status.replaceChildren(notice(error.message, "error"));
    }
  });
  return [button, status];
}

const OFFENDER_STATUS = {
  ACTIVE: "Active",
  EXCLUDED: "Excluded",
  ARCHIVED: "Archived",
  ID_SOUGHT: "Help identify",
};

export function offenderStatusName(status) {
  return OFFENDER_STATUS[status] || status;
}

/** A thumbnail, or a grey square saying there is none. */
export function thumb(url, alt = "") {
  return url ? h("img", { src: url, alt, class: "thumb" }) : h("span", { class: "thumb no-photo" }, "No photo");
}
