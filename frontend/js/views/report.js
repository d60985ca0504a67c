// The report form, built for one thumb: big kind buttons, time defaulting to now, photos from the
// camera. The report goes into the outbox first and is then sent, so closing the app mid-upload or
// losing signal loses nothing.

import { NetworkError, gql, reportableShops } from "../api.js";
import { KINDS, field, h, kindName, mount, notice, uid } from "../dom.js";
import { discard, enqueue, requestBackgroundSync, sendNow } from "../queue.js";

const MAX_PHOTOS = 6;

function localNow() {
  const now = new Date();
  now.setSeconds(0, 0);
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

/** "12.50" or "£12" in pence; null when empty; NaN when not money. */
export function parsePence(text) {
  const cleaned = text.replace(/[£,\s]/g, "");
  if (!cleaned) return null;
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return Number.NaN;
  return Math.round(Number.parseFloat(cleaned) * 100);
}

function kindPicker() {
  const name = uid("kind");
  const radios = KINDS.map((kind, index) => {
    const id = `${name}-${kind}`;
    const input = h("input", { type: "radio", name, id, value: kind, required: true, checked: index === 0 });
    return h("div", { class: "choice" }, input, h("label", { htmlFor: id }, kindName(kind)));
  });
  const fieldset = h("fieldset", { class: "kinds" }, h("legend", {}, "What happened?"), radios);
  fieldset.value = () => fieldset.querySelector("input:checked").value;
  return fieldset;
}

function photoPicker() {
  const photos = [];
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
  return element;
}

async function offenderPicker(bidId) {
  const box = h("fieldset", { class: "offenders" }, h("legend", {}, "Known offenders (optional)"));
  box.selected = () => [...box.querySelectorAll("input:checked")].map((i) => i.value);
  try {
    const { offenders } = await gql(
      `query Gallery($bidId: ID!) { offenders(bidId: $bidId, first: 100) { edges { node { id displayName status thumbnailUrl } } } }`,
      { bidId },
    );
    const nodes = offenders.edges.map((e) => e.node);
    if (!nodes.length) box.append(h("p", { class: "hint" }, "The gallery is empty."));
    for (const offender of nodes) {
      const id = uid("offender");
      box.append(
        h(
          "div",
          { class: "pick" },
          h("input", { type: "checkbox", id, value: offender.id }),
          h(
            "label",
            { htmlFor: id },
            offender.thumbnailUrl ? h("img", { src: offender.thumbnailUrl, alt: "" }) : h("span", { class: "no-photo" }, "No photo"),
            h("span", {}, offender.displayName),
            offender.status === "EXCLUDED" ? h("span", { class: "badge badge-excluded" }, "Excluded") : null,
          ),
        ),
      );
    }
  } catch {
    box.append(h("p", { class: "hint" }, "The gallery cannot be loaded without signal; you can link offenders later."));
  }
  return box;
}

function confirmation(result, entry) {
  const again = h("a", { href: "#/report", class: "button-link primary" }, "Report another");
  if (!result) {
    return h(
      "section",
      { class: "confirmation", role: "status" },
      h("h1", {}, "Saved on this phone"),
      h("p", {}, "There is no signal right now. The report is waiting to send and will go by itself when the signal returns."),
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
      ? h("ul", {}, result.photoErrors.map((e) => h("li", { class: "notice notice-error" }, `${e.field}: ${e.message}`)))
      : null,
    h("p", {}, h("a", { href: `#/incidents/${result.incident.id}`, class: "button-link" }, "See the report")),
    again,
  );
}

export async function render(app) {
  const shops = reportableShops(app.me);
  if (!shops.length) return h("div", {}, h("h1", {}, "Report an incident"), notice("Your account has no shop to report for."));
  const shop = h(
    "select",
    { name: "shop", required: true },
    shops.map((s) => h("option", { value: s.id }, s.name)),
  );
  const kinds = kindPicker();
  const when = h("input", { type: "datetime-local", name: "occurred-at", required: true, value: localNow(), max: localNow() });
  const description = h("textarea", { name: "description", rows: 4, required: true, maxLength: 5000 });
  const value = h("input", { type: "text", name: "value", inputMode: "decimal", autocomplete: "off" });
  const policeReference = h("input", { type: "text", name: "police-reference", autocomplete: "off" });
  const vehicle = h("input", { type: "text", name: "vehicle", autocomplete: "off", autocapitalize: "characters" });
  const injuryId = uid("injury");
  const injury = h("input", { type: "checkbox", id: injuryId, name: "injury" });
  const photos = photoPicker();
  const offenders = await offenderPicker(shops[0].bidId);
  const status = h("div", { class: "form-status" });
  const progressLabel = h("p", { class: "hint", id: uid("upload"), "aria-live": "polite", hidden: true });
  const progress = h("progress", { max: 1, value: 0, hidden: true, "aria-labelledby": progressLabel.id });
  const submit = h("button", { type: "submit", class: "primary" }, "Send report");

  const form = h(
    "form",
    { class: "stack report", noValidate: false },
    shops.length > 1 ? field("Shop", shop) : null,
    kinds,
    field("When", when, "Now, unless you change it."),
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
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const pence = parsePence(value.value);
    if (Number.isNaN(pence)) {
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
    // The original files are what is stored and sent: they are the evidence.
    const entry = await enqueue({
      clientId: crypto.randomUUID(),
      userId: app.me.id,
      input,
      photos: photos.files().map((file) => ({ blob: file, name: file.name })),
    });
    progress.hidden = progressLabel.hidden = entry.photos.length === 0;
    progressLabel.textContent = "Sending photos: 0%";
    try {
      const result = await sendNow(entry.clientId, (share) => {
        progress.value = share;
        progressLabel.textContent = `Sending photos: ${Math.round(share * 100)}%`;
      });
      mount(app.main, confirmation(result, entry));
    } catch (error) {
      if (error instanceof NetworkError) {
        requestBackgroundSync();
        mount(app.main, confirmation(null, entry));
        return;
      }
      // Refused (a field is wrong): take it back out of the outbox and let the user fix the form.
      await discard(entry.clientId);
      status.replaceChildren(notice(error.message, "error"));
      submit.disabled = false;
      progress.hidden = progressLabel.hidden = true;
    }
  });
  return h("div", {}, h("h1", {}, "Report an incident"), form);
}
