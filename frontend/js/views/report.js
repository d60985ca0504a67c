// The report form, built for one thumb: big kind buttons, time defaulting to now, photos from the
// camera. The report goes into the outbox first and is then sent, so closing the app mid-upload or
// losing signal loses nothing. A refused report reopens here (#/report/<clientId>) with its stored
// fields and photos, to be corrected and sent under the same clientId.

import { NetworkError, gql, reportableShops } from "../api.js";
import { KINDS, field, h, kindName, mount, notice, uid } from "../dom.js";
import {
  Refused,
  WaitingForLogin,
  enqueue,
  findInOutbox,
  photoName,
  requestBackgroundSync,
  revise,
  sendNow,
} from "../queue.js";
import { GALLERY_PICKS, pick } from "../manage.js";
import { navigate } from "../router.js";
import { deleteByHand } from "./outbox.js";

const MAX_PHOTOS = 6;
// GraphQL's Int: a larger number is refused before the server reads the report.
const MAX_INT = 2 ** 31 - 1;

/** A time as a datetime-local value, in the phone's time zone, to the minute. */
function localInput(date) {
  date.setSeconds(0, 0);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function localNow() {
  return localInput(new Date());
}

/** "12.50" or "£12" in pence; null when empty; NaN when not money. */
export function parsePence(text) {
  const cleaned = text.replace(/[£,\s]/g, "");
  if (!cleaned) return null;
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return Number.NaN;
  return Math.round(Number.parseFloat(cleaned) * 100);
}

function kindPicker(chosen = KINDS[0]) {
  const name = uid("kind");
  const radios = KINDS.map((kind) => {
    const id = `${name}-${kind}`;
    const input = h("input", { type: "radio", name, id, value: kind, required: true, checked: kind === chosen });
    return h("div", { class: "choice" }, input, h("label", { htmlFor: id }, kindName(kind)));
  });
  const fieldset = h("fieldset", { class: "kinds" }, h("legend", {}, "What happened?"), radios);
  fieldset.value = () => fieldset.querySelector("input:checked").value;
  return fieldset;
}

export function photoPicker(files = []) {
  const photos = files.map((file) => ({ file, url: URL.createObjectURL(file) }));
  const previews = h("ul", { class: "previews", "aria-live": "polite" });
  const input = h("input", { type: "file", accept: "image/*", capture: "environment", multiple: true, class: "file-input" });
  const count = h("p", { class: "hint", id: uid("photo-count") }, "No photos yet.");
  input.setAttribute("aria-describedby", count.id);

  function draw() {
    mount(
      previews,
      photos.map((photo, index) =>
        h(
          "li",
          {},
          h("img", { src: photo.url, alt: `Photo ${index + 1}: ${photo.file.name}` }),
          h(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: () => {
                URL.revokeObjectURL(photo.url);
                photos.splice(index, 1);
                draw();
              },
            },
            `Remove photo ${index + 1}`,
          ),
        ),
      ),
    );
    count.textContent = photos.length
      ? `${photos.length} photo${photos.length > 1 ? "s" : ""} (at most ${MAX_PHOTOS}).`
      : "No photos yet.";
  }
  input.addEventListener("change", () => {
    for (const file of input.files) {
      if (photos.length >= MAX_PHOTOS) break;
      photos.push({ file, url: URL.createObjectURL(file) });
    }
    input.value = ""; // Lets the same camera button add another photo.
    draw();
  });
  const id = uid("photos");
  input.id = id;
  const element = h(
    "div",
    { class: "field" },
    h("label", { htmlFor: id, class: "button-like" }, "Add photos"),
    input,
    count,
    previews,
  );
  element.files = () => photos.map((p) => p.file);
  element.input = input;
  draw();
  return element;
}

async function offenderPicker(bidId, chosen = []) {
  const box = h("fieldset", { class: "offenders" }, h("legend", {}, "Known offenders (optional)"));
  box.selected = () => [...box.querySelectorAll("input:checked")].map((i) => i.value);
  try {
    const { offenders } = await gql(GALLERY_PICKS, { bidId });
    const nodes = offenders.edges.map((e) => e.node);
    if (!nodes.length) box.append(h("p", { class: "hint" }, "The gallery is empty."));
    box.append(...nodes.map((offender) => pick(offender, { type: "checkbox", checked: chosen.includes(offender.id) })));
  } catch {
    box.append(h("p", { class: "hint" }, "The gallery cannot be loaded without signal; you can link offenders later."));
  }
  return box;
}

function confirmation(result, entry, why) {
  // The confirmation shows at #/report itself: following the link there must draw a new form.
  const again = h(
    "a",
    {
      href: "#/report",
      class: "button-link primary",
      onclick: (event) => {
        event.preventDefault();
        navigate("/report");
      },
    },
    "Report another",
  );
  if (!result) {
    return h(
      "section",
      { class: "confirmation", role: "status" },
      h("h1", {}, "Saved on this phone"),
      h("p", {}, why),
      h("p", {}, h("a", { href: "#/", class: "button-link" }, "Home")),
      again,
    );
  }
  return h(
    "section",
    { class: "confirmation", role: "status" },
    h("h1", {}, "Report sent"),
    h("p", {}, `Your ${kindName(entry.input.kind).toLowerCase()} report is with the BID and the police team.`),
    result.photoErrors.length
      ? h(
          "ul",
          { class: "cards" },
          result.photoErrors.map((e) => h("li", { class: "notice notice-error" }, `${photoName(e.field) || "A photo"} was not kept: ${e.message}`)),
        )
      : null,
    h("p", {}, h("a", { href: `#/incidents/${result.incident.id}`, class: "button-link" }, "See the report")),
    again,
  );
}

/** The form's text for a stored amount in pence: "24.99". */
function poundsText(pence) {
  return pence === null || pence === undefined ? "" : (pence / 100).toFixed(2);
}

function asFiles(photos) {
  return (photos || []).map((p) => (p.blob instanceof File ? p.blob : new File([p.blob], p.name, { type: p.blob.type })));
}

function gone() {
  return h(
    "div",
    {},
    h("h1", {}, "Correct a report"),
    notice("This report is no longer on the phone: it has been sent or deleted."),
    h("p", {}, h("a", { href: "#/reports", class: "button-link" }, "See the reports")),
  );
}

function refusedNotice(reason) {
  return h(
    "div",
    { class: "notice notice-error", role: "alert" },
    h("p", { class: "refusal-reason" }, `Not sent. ${reason}`),
    h("p", {}, "The report is kept on this phone until you correct it and send it again, or delete it."),
  );
}

/** The report form; with `clientId`, the stored report of that id, reopened to be corrected. */
export async function render(app, params = {}) {
  const stored = params.clientId ? await findInOutbox(params.clientId) : null;
  if (params.clientId && !stored) return gone();
  if (stored && stored.userId !== app.me.id) {
    // On a shared phone a report goes only under its own reporter's name.
    return h("div", {}, h("h1", {}, "Correct a report"), notice("Another account made this report on this phone: it can be corrected when they log in."));
  }
  const shops = reportableShops(app.me);
  if (!shops.length) return h("div", {}, h("h1", {}, "Report an incident"), notice("Your account has no shop to report for."));
  const before = stored?.input || {};
  const shop = h(
    "select",
    { name: "shop", required: true },
    shops.map((s) => h("option", { value: s.id, selected: s.id === before.shopId }, s.name)),
  );
  const kinds = kindPicker(before.kind);
  const when = h("input", {
    type: "datetime-local",
    name: "occurred-at",
    required: true,
    value: before.occurredAt ? localInput(new Date(before.occurredAt)) : localNow(),
    max: localNow(),
  });
  const description = h("textarea", { name: "description", rows: 4, required: true, maxLength: 5000, value: before.description || "" });
  const value = h("input", { type: "text", name: "value", inputMode: "decimal", autocomplete: "off", value: poundsText(before.valueStolenPence) });
  const policeReference = h("input", { type: "text", name: "police-reference", autocomplete: "off", value: before.policeReference || "" });
  const vehicle = h("input", { type: "text", name: "vehicle", autocomplete: "off", autocapitalize: "characters", value: before.vehicleRegistration || "" });
  const injuryId = uid("injury");
  const injury = h("input", { type: "checkbox", id: injuryId, name: "injury", checked: Boolean(before.injury) });
  const photos = photoPicker(asFiles(stored?.photos));
  const chosenShop = shops.find((s) => s.id === before.shopId) || shops[0];
  const offenders = await offenderPicker(chosenShop.bidId, before.offenderIds || []);
  const status = h("div", { class: "form-status" });
  const progressLabel = h("p", { class: "hint", id: uid("upload"), "aria-live": "polite", hidden: true });
  const progress = h("progress", { max: 1, value: 0, hidden: true, "aria-labelledby": progressLabel.id });
  const submit = h("button", { type: "submit", class: "primary" }, "Send report");
  // The control to correct for each field the server may name.
  const controls = {
    shopId: shop,
    kind: kinds.querySelector("input"),
    occurredAt: when,
    description,
    valueStolenPence: value,
    policeReference,
    vehicleRegistration: vehicle,
    injury,
    offenderIds: offenders.querySelector("input"),
  };
  const controlFor = (name) => controls[name] || (photoName(name) ? photos.input : null);

  /** Marks the control the server named, with the reason right under it; none marked when null. */
  function markRefused(name, reason) {
    for (const old of form.querySelectorAll(".field-error")) old.remove();
    for (const old of form.querySelectorAll("[aria-invalid]")) {
      old.removeAttribute("aria-invalid");
      old.setAttribute("aria-describedby", old.getAttribute("aria-describedby").replace(/ ?field-error-\S+/, ""));
    }
    const control = controlFor(name);
    if (!control) return null;
    const error = h("p", { class: "field-error", id: uid("field-error") }, reason);
    const place = control.closest(".field, fieldset, .check") || control;
    place.append(error);
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", `${control.getAttribute("aria-describedby") || ""} ${error.id}`.trim());
    return control;
  }

  const remove = h(
    "button",
    {
      type: "button",
      class: "danger",
      hidden: !stored,
      onclick: async () => {
        if (await deleteByHand(clientId)) location.hash = "#/";
      },
    },
    "Delete this report",
  );

  const form = h(
    "form",
    { class: "stack report", noValidate: false },
    stored?.refusal ? refusedNotice(stored.refusal.reason) : null,
    shops.length > 1 ? field("Shop", shop) : null,
    kinds,
    field("When", when, stored ? "As saved; change it if it is wrong." : "Now, unless you change it."),
    field("What happened", description, "Describe the person, what they did and took."),
    field("Value stolen (£)", value, "Optional, e.g. 24.99"),
    field("Police reference", policeReference, "Optional"),
    field("Vehicle registration", vehicle, "Optional"),
    h("div", { class: "check" }, injury, h("label", { htmlFor: injuryId }, "Someone was injured")),
    photos,
    offenders,
    status,
    progressLabel,
    progress,
    submit,
    remove,
  );
  // Corrections go to the stored report: the same clientId, so it is stored once however often it is sent.
  let clientId = stored?.clientId ?? null;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const pence = parsePence(value.value);
    if (Number.isNaN(pence) || pence > MAX_INT) {
      status.replaceChildren(notice("The value must be an amount in pounds, e.g. 24.99.", "error"));
      value.focus();
      return;
    }
    const input = {
      shopId: shop.value,
      kind: kinds.value(),
      occurredAt: new Date(when.value).toISOString(),
      description: description.value.trim(),
      valueStolenPence: pence,
      policeReference: policeReference.value.trim() || null,
      vehicleRegistration: vehicle.value.trim() || null,
      injury: injury.checked,
      offenderIds: offenders.selected(),
    };
    submit.disabled = true;
    status.replaceChildren();
    markRefused(null);
    form.querySelector(".notice-error[role=alert]")?.remove();
    // The original files are what is stored and sent: they are the evidence.
    const files = photos.files().map((file) => ({ blob: file, name: file.name }));
    if (clientId && (await findInOutbox(clientId))) await revise(clientId, { input, photos: files });
    else clientId = (await enqueue({ clientId: crypto.randomUUID(), userId: app.me.id, input, photos: files })).clientId;
    progress.hidden = progressLabel.hidden = files.length === 0;
    progressLabel.textContent = "Sending photos: 0%";
    const entry = { input };
    try {
      const result = await sendNow(clientId, (share) => {
        progress.value = share;
        progressLabel.textContent = `Sending photos: ${Math.round(share * 100)}%`;
      });
      mount(
        app.main,
        confirmation(result, entry, "It was sent from this phone meanwhile, or is waiting to send."),
      );
    } catch (error) {
      if (error instanceof NetworkError) {
        requestBackgroundSync();
        mount(
          app.main,
          confirmation(null, entry, "There is no signal right now. The report is waiting to send and will go by itself when the signal returns."),
        );
        return;
      }
      if (error instanceof WaitingForLogin) {
        mount(app.main, confirmation(null, entry, "Your session has ended. The report is waiting on this phone and goes when you log in again."));
        return;
      }
      submit.disabled = false;
      progress.hidden = progressLabel.hidden = true;
      if (!(error instanceof Refused)) {
        status.replaceChildren(notice(error.message, "error"));
        return;
      }
      // Refused: the report stays in the outbox, marked, and the form stays to be corrected. The
      // address names it now, so reopening the app returns here and "Report" starts a new one.
      history.replaceState(null, "", `#/report/${clientId}`);
      status.replaceChildren(refusedNotice(error.message));
      remove.hidden = false;
      (markRefused(error.field, error.message) || status).scrollIntoView({ block: "center" });
      controlFor(error.field)?.focus({ preventScroll: true });
    }
  });
  if (stored?.refusal) markRefused(stored.refusal.field, stored.refusal.reason);
  return h("div", {}, h("h1", {}, stored ? "Correct the report" : "Report an incident"), form);
}
