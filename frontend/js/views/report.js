// The report form, built for one thumb: the kind, the description and photos from the camera first,
// then "More details" folded (time, value, references, offenders), and "Send report" in a bar that
// stays at the bottom of the screen, so it is in reach however long the form grows. The report goes
// into the outbox first and is then sent, so closing the app mid-upload or losing signal loses nothing. A refused report reopens here (#/report/<clientId>) with its stored
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
import { ACCEPTED_TYPES, MAX_PHOTOS } from "../photo-rules.js";
import { photoProblem } from "../photo-check.js";
import { deleteByHand } from "./outbox.js";

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

const MONEY_EXAMPLE = "Type pounds and pence with a full stop, e.g. 12.50.";

/**
 * An amount typed the UK way ("12.50", "£12.50", "12", "12.5", "£1,250.00") as { pence }, pence null
 * when empty; anything else as { error } with the reason in words. A comma is only a thousands
 * separator: "12,50" is refused rather than read as £1,250.
 */
export function readPounds(text) {
  const typed = text.trim();
  if (!typed) return { pence: null };
  const amount = typed.replace(/^£\s*/, "");
  if (amount.startsWith("-")) return { error: "The value cannot be negative." };
  if (/^\d+,\d{1,2}$/.test(amount)) return { error: `Use a full stop for pence, not a comma: ${amount.replace(",", ".")}.` };
  const found = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!found) {
    if (/^[\d,]+\.\d{3,}$/.test(amount)) return { error: "Pence take at most two digits after the full stop, e.g. 12.50." };
    return { error: MONEY_EXAMPLE };
  }
  const pence = Number(found[1].replace(/,/g, "")) * 100 + Number((found[2] || "").padEnd(2, "0"));
  if (pence > MAX_INT) return { error: "The value must be between £0 and £100,000." };
  return { pence };
}

function kindPicker(chosen = KINDS[0]) {
  const name = uid("kind");
  const radios = KINDS.map((kind) => {
    const id = `${name}-${kind}`;
    const input = h("input", { type: "radio", name, id, value: kind, required: true, checked: kind === chosen });
    return h("div", { class: "choice" }, input, h("label", { htmlFor: id }, kindName(kind)));
  });
  const fieldset = h("fieldset", { class: "kinds" }, h("legend", {}, "Kind of incident"), radios);
  fieldset.value = () => fieldset.querySelector("input:checked").value;
  return fieldset;
}

/**
 * Photos from the camera or the phone's pictures, each checked as the server will check it before it
 * is added; a file the server would refuse is left out, with the reason under the button.
 */
export function photoPicker(files = [], max = MAX_PHOTOS) {
  const photos = files.map((file) => ({ file, url: URL.createObjectURL(file) }));
  const previews = h("ul", { class: "previews", "aria-live": "polite" });
  const input = h("input", { type: "file", accept: ACCEPTED_TYPES.join(","), capture: "environment", multiple: max > 1, class: "file-input" });
  const count = h("p", { class: "hint", id: uid("photo-count") }, "No photos yet.");
  const problems = h("ul", { class: "photo-problems", id: uid("photo-problems"), role: "alert" });
  input.setAttribute("aria-describedby", `${count.id} ${problems.id}`);

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
                problems.replaceChildren();
                draw();
              },
            },
            `Remove photo ${index + 1}`,
          ),
        ),
      ),
    );
    count.textContent = photos.length
      ? `${photos.length} photo${photos.length > 1 ? "s" : ""} (at most ${max}).`
      : `No photos yet (at most ${max}).`;
  }
  input.addEventListener("change", async () => {
    const picked = [...input.files];
    input.value = ""; // Lets the same camera button add another photo.
    const refused = [];
    for (const file of picked) {
      const problem = photos.length >= max ? `at most ${max} photo${max > 1 ? "s" : ""} can be added.` : await photoProblem(file);
      if (problem) refused.push(`${file.name} was not added: ${problem}`);
      else photos.push({ file, url: URL.createObjectURL(file) });
    }
    mount(problems, refused.map((reason) => h("li", { class: "field-error" }, reason)));
    draw();
  });
  const id = uid("photos");
  input.id = id;
  const element = h(
    "div",
    { class: "field" },
    h("label", { htmlFor: id, class: "button-like" }, max > 1 ? "Add photos" : "Add a photo"),
    input,
    count,
    problems,
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

/**
 * What happens next, as the server has it: who may see the report (visible_incidents: the shop's
 * staff, the BID's managers, the police covering the BID, administrators) and that the police are
 * told only through a reference of theirs, a manager's referral or an alert rule's email.
 */
function whatHappensNext(shop, policeReference, sent) {
  const police = policeReference
    ? h("p", { class: "police-status" }, `Police reference ${policeReference}: the police have this incident under that reference.`)
    : h(
        "p",
        { class: "police-status" },
        h("strong", {}, "This is not a crime report to the police."),
        " It becomes one when you report it to them yourself (999 in an emergency, 101 otherwise) and add their reference to it, or when a manager of the BID refers it to them. ",
        `Meanwhile the police are emailed about it only if it ${sent ? "sets" : "then sets"} off one of the BID's alerts, such as a repeat offender.`,
      );
  return [
    police,
    h(
      "p",
      { class: "who-sees" },
      h("strong", {}, sent ? "Who can see it: " : "Who will see it: "),
      `the staff of ${shop.name}, the managers of ${shop.bidName} and the police covering it, and Shopwatch's administrators.`,
    ),
  ];
}

function confirmation(result, entry, shop, why) {
  // Shown at #/report itself: the app draws a new form for a link to the screen already shown.
  const again = h("a", { href: "#/report", class: "button-link primary" }, "Report another");
  const policeReference = entry.input.policeReference;
  if (!result) {
    return h(
      "section",
      { class: "confirmation confirmation-waiting", role: "status" },
      h("h1", {}, "Saved on this phone"),
      h("p", { class: "waiting-status" }, why),
      h("p", {}, "Its reference comes when it is sent: you will find it on the report, under Reports."),
      whatHappensNext(shop, policeReference, false),
      h("div", { class: "card-actions" }, again, h("a", { href: "#/", class: "button-link" }, "Home")),
    );
  }
  return h(
    "section",
    { class: "confirmation", role: "status" },
    h("h1", {}, "Report sent"),
    h("p", {}, `Your ${kindName(entry.input.kind).toLowerCase()} report for ${shop.name} is stored.`),
    h(
      "div",
      { class: "reference" },
      h("p", {}, "Reference ", h("strong", { class: "reference-code" }, result.reference)),
      h("p", { class: "hint" }, "Quote it when you speak to the BID or the police about this report."),
    ),
    // The server names each photo in its message ("Photo 2 (till.jpg): ..."): no field path is shown.
    result.photoErrors.length
      ? h(
          "div",
          { class: "notice notice-error photo-errors" },
          h("p", { class: "refusal-reason" }, "Not kept with the report:"),
          h("ul", {}, result.photoErrors.map((e) => h("li", {}, e.message))),
        )
      : null,
    whatHappensNext(shop, policeReference, true),
    h("div", { class: "card-actions" }, again, h("a", { href: `#/incidents/${result.incident.id}`, class: "button-link" }, "See the report")),
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
  const description = h("textarea", { name: "description", rows: 3, required: true, maxLength: 5000, value: before.description || "" });
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
  // Optional fields, and the time (now unless changed), folded so that Send follows the photos. A
  // reopened report that has any of them, or was refused over one, shows them open.
  const optional = [before.valueStolenPence, before.policeReference, before.vehicleRegistration, before.injury, before.offenderIds?.length];
  const more = h(
    "details",
    { class: "more-details", open: optional.some(Boolean) },
    h("summary", {}, "More details", h("span", { class: "hint" }, "Time, value, police reference, vehicle, injury, known offenders")),
    h(
      "div",
      { class: "stack" },
      field("When", when, stored ? "As saved; change it if it is wrong." : "Now, unless you change it."),
      field("Value stolen (£)", value, "Optional, e.g. 24.99"),
      field("Police reference", policeReference, "Optional: the crime reference the police gave you."),
      field("Vehicle registration", vehicle, "Optional"),
      h("div", { class: "check" }, injury, h("label", { htmlFor: injuryId }, "Someone was injured")),
      offenders,
    ),
  );
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

  /** Marks `control` with the reason right under it (a field inside "More details" opens it). */
  function markControl(control, reason) {
    const error = h("p", { class: "field-error", id: uid("field-error") }, reason);
    const place = control.closest(".field, fieldset, .check") || control;
    place.append(error);
    if (more.contains(control)) more.open = true;
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", `${control.getAttribute("aria-describedby") || ""} ${error.id}`.trim());
    return control;
  }

  function unmark(control) {
    control.closest(".field, fieldset, .check")?.querySelector(":scope > .field-error")?.remove();
    if (!control.hasAttribute("aria-invalid")) return;
    control.removeAttribute("aria-invalid");
    control.setAttribute("aria-describedby", control.getAttribute("aria-describedby").replace(/ ?field-error-\S+/, ""));
  }

  /** Marks the control the server named, with the reason right under it; none marked when null. */
  function markRefused(name, reason) {
    for (const old of form.querySelectorAll("[aria-invalid]")) unmark(old);
    const control = controlFor(name);
    return control ? markControl(control, reason) : null;
  }

  /** The amount typed, or its reason shown under the field (the report is not sent). */
  function checkValue() {
    const read = readPounds(value.value);
    unmark(value);
    if (read.error) markControl(value, read.error);
    return read;
  }
  value.addEventListener("change", checkValue);

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
    field("What happened", description, "Who it was, what they did and what they took."),
    photos,
    more,
    status,
    remove,
    h("div", { class: "send-bar" }, progressLabel, progress, submit),
  );
  // The browser's own check (an emptied time, say) can only point at a field it can show.
  form.addEventListener(
    "invalid",
    (event) => {
      if (more.contains(event.target)) more.open = true;
    },
    true,
  );
  // Corrections go to the stored report: the same clientId, so it is stored once however often it is sent.
  let clientId = stored?.clientId ?? null;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.replaceChildren();
    markRefused(null);
    const { pence, error: valueError } = checkValue();
    if (valueError) {
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
    form.querySelector(".notice-error[role=alert]")?.remove();
    // The original files are what is stored and sent: they are the evidence.
    const files = photos.files().map((file) => ({ blob: file, name: file.name }));
    if (clientId && (await findInOutbox(clientId))) await revise(clientId, { input, photos: files });
    else clientId = (await enqueue({ clientId: crypto.randomUUID(), userId: app.me.id, input, photos: files })).clientId;
    progress.hidden = progressLabel.hidden = files.length === 0;
    progressLabel.textContent = "Sending photos: 0%";
    const entry = { input };
    const where = shops.find((s) => s.id === input.shopId);
    try {
      const result = await sendNow(clientId, (share) => {
        progress.value = share;
        progressLabel.textContent = `Sending photos: ${Math.round(share * 100)}%`;
      });
      mount(
        app.main,
        confirmation(result, entry, where, "It was sent from this phone meanwhile, or is waiting to send."),
      );
    } catch (error) {
      if (error instanceof NetworkError) {
        requestBackgroundSync();
        mount(
          app.main,
          confirmation(null, entry, where, "Waiting to send: there is no signal right now. The report is kept on this phone and goes by itself when the signal returns."),
        );
        return;
      }
      if (error instanceof WaitingForLogin) {
        mount(app.main, confirmation(null, entry, where, "Waiting to send: your session has ended. The report is kept on this phone and goes when you log in again."));
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
