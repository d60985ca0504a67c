// The incident page's road to prosecution: referring it to the police with a crime reference, the
// police case's history (police add to it), the property taken, the witness statements and the
// evidence pack. Each control shows only when the API's `may…` answers (or the triage rules) allow.

import { field, formatDateTime, formatPounds, h, uid } from "../dom.js";
import { ANSWER, actionForm, mutate, setFlash } from "../manage.js";
import { readPounds } from "./report.js";

export const CASE_STATES = {
  REPORTED: "Reported to the police",
  CRIME_NUMBER_ISSUED: "Crime number issued",
  EVIDENCE_REQUESTED: "Evidence requested",
  EVIDENCE_SENT: "Evidence sent",
  SUSPECT_CHARGED: "Suspect charged",
  NO_FURTHER_ACTION: "No further action",
};

/** The incident query's fields these sections read. */
export const CASE_FIELDS = `mayReferToPolice mayRecordStatement mayUpdatePoliceCase evidencePackUrl
  policeCase { crimeReference state referredAt referredBy { name } updates { id state note crimeReference at by { name } } }
  property { id description quantity unitPricePence recovered totalPence }
  statements { id replacesId }`;

const REFER = `mutation($input: ReferToPoliceInput!) { referToPolice(input: $input) { ${ANSWER} } }`;
const UPDATE_CASE = `mutation($input: UpdatePoliceCaseInput!) { updatePoliceCase(input: $input) { ${ANSWER} } }`;
const PROPERTY = `mutation($input: SetIncidentPropertyInput!) { setIncidentProperty(input: $input) { ${ANSWER} } }`;

async function done(app, work, message) {
  await work();
  setFlash(message);
  await app.render();
}

const text = (name, value = "", max = 40) => h("input", { type: "text", name, autocomplete: "off", maxLength: max, value: value || "" });
const note = () => h("textarea", { name: "note", rows: 3, maxLength: 2000 });

/** "Refer to police" while the incident is not referred; the case and its history once it is. */
export function policeCaseSection(app, incident, may) {
  const policeCase = incident.policeCase;
  if (!policeCase) {
    if (!may.live || !incident.mayReferToPolice) return null;
    const reference = text("crime-reference");
    const why = note();
    return h(
      "details",
      { class: "refer" },
      h("summary", {}, "Refer to police"),
      actionForm(
        { class: "stack" },
        [
          field("Crime reference", reference, "The number the police gave when it was reported to them (101 or online), if any."),
          field("Note for the police", why, "Optional: what they should know first."),
        ],
        "Refer to police",
        () => done(app, () => mutate(REFER, { input: { incidentId: incident.id, crimeReference: reference.value.trim() || null, note: why.value.trim() } }, "referToPolice"), "Referred to the police: the neighbourhood team is emailed a link to it."),
      ),
    );
  }
  let form = null;
  if (may.live && incident.mayUpdatePoliceCase) {
    const state = h("select", { name: "state" }, Object.entries(CASE_STATES).map(([value, label]) => h("option", { value, selected: value === policeCase.state }, label)));
    const reference = text("crime-reference", policeCase.crimeReference);
    const why = note();
    form = h(
      "details",
      {},
      h("summary", {}, "Update the case"),
      actionForm({ class: "stack" }, [field("State", state), field("Crime reference", reference), field("Note", why, "What was done, or what the shop should do.")], "Save the update", () =>
        done(app, () => mutate(UPDATE_CASE, { input: { incidentId: incident.id, state: state.value, note: why.value.trim(), crimeReference: reference.value.trim() || null } }, "updatePoliceCase"), "Case updated."),
      ),
    );
  }
  return h(
    "section",
    { class: "police-case" },
    h("h2", {}, "Police case"),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "State"),
      h("dd", { class: "case-state" }, CASE_STATES[policeCase.state] || policeCase.state),
      h("dt", {}, "Crime reference"),
      h("dd", {}, policeCase.crimeReference || "None yet"),
    ),
    h(
      "ol",
      { class: "history case-history" },
      policeCase.updates.map((update, i) =>
        h(
          "li",
          {},
          h("strong", {}, CASE_STATES[update.state] || update.state),
          ` · ${formatDateTime(update.at)}${update.by ? ` · ${update.by.name}` : ""}`,
          // Each step carries the reference as it then stood: said only where it changed.
          update.crimeReference && update.crimeReference !== policeCase.updates[i - 1]?.crimeReference
            ? h("span", { class: "history-note" }, `Crime reference ${update.crimeReference}`)
            : null,
          update.note ? h("span", { class: "history-note" }, update.note) : null,
        ),
      ),
    ),
    form,
  );
}

/** One line of the property form. */
function lineFields(line, onRemove) {
  const description = text("description", line.description, 200);
  const quantity = h("input", { type: "number", name: "quantity", min: 1, step: 1, inputMode: "numeric", value: line.quantity || 1 });
  const price = h("input", { type: "text", name: "unit-price", inputMode: "decimal", autocomplete: "off", value: line.unitPricePence === undefined ? "" : (line.unitPricePence / 100).toFixed(2) });
  const recovered = h("input", { type: "checkbox", name: "recovered", id: uid("recovered"), checked: line.recovered });
  const box = h(
    "fieldset",
    { class: "property-line" },
    h("legend", {}, "Item"),
    field("Description", description),
    h("div", { class: "pair" }, field("Quantity", quantity), field("Price each (£)", price)),
    h("div", { class: "check" }, recovered, h("label", { htmlFor: recovered.id }, "Recovered")),
    h("button", { type: "button", class: "danger", onclick: () => onRemove(box) }, "Remove this item"),
  );
  box.read = () => {
    const read = readPounds(price.value);
    const count = Number(quantity.value);
    const what = description.value.trim() || "an item";
    if (!description.value.trim()) throw new Error("Each item needs a description.");
    if (!Number.isInteger(count) || count < 1) throw new Error(`Quantity of ${what}: a whole number, 1 or more.`);
    if (read.error) throw new Error(`Price of ${what}: ${read.error}`);
    if (read.pence === null) throw new Error(`Price of ${what}: type the price of one, e.g. 4.99.`);
    return { description: description.value.trim(), quantity: count, unitPricePence: read.pence, recovered: recovered.checked };
  };
  return box;
}

/** The property taken, with what was recovered; the reporter and the BID's managers change it. */
export function propertySection(app, incident, may) {
  const lines = incident.property || [];
  const lost = lines.filter((l) => !l.recovered).reduce((sum, l) => sum + l.totalPence, 0);
  let form = null;
  if (may.live && (may.manager || may.reporter)) {
    const list = h("div", { class: "stack property-lines" });
    const relabel = () => list.querySelectorAll("legend").forEach((legend, i) => (legend.textContent = `Item ${i + 1}`));
    const add = (line) => {
      list.append(lineFields(line, (box) => (box.remove(), relabel())));
      relabel();
    };
    lines.forEach(add);
    const more = h("button", { type: "button", class: "secondary", onclick: () => (add({ recovered: false }), list.lastElementChild.querySelector("input").focus()) }, "Add an item");
    if (!lines.length) add({ recovered: false });
    form = h(
      "details",
      {},
      h("summary", {}, lines.length ? "Change the property" : "Add the property taken"),
      actionForm({ class: "stack" }, [h("p", { class: "hint" }, "Each item taken: the value stolen becomes the total of those not recovered."), list, more], "Save the property", () => {
        const input = [...list.children].map((box) => box.read());
        return done(app, () => mutate(PROPERTY, { input: { incidentId: incident.id, lines: input } }, "setIncidentProperty"), "Property saved.");
      }),
    );
  }
  if (!lines.length && !form) return null;
  return h(
    "section",
    { class: "property" },
    h("h2", {}, "Property"),
    lines.length
      ? h(
          "ul",
          { class: "cards property-list" },
          lines.map((l) =>
            h(
              "li",
              { class: "card" },
              h("span", { class: "card-title" }, `${l.quantity} × ${l.description}`),
              h("span", { class: "card-meta" }, `${formatPounds(l.unitPricePence)} each · ${formatPounds(l.totalPence)}`),
              l.recovered ? h("span", { class: "badge badge-closed" }, "Recovered") : null,
            ),
          ),
        )
      : null,
    lines.length ? h("p", {}, h("strong", {}, "Not recovered: "), formatPounds(lost)) : null,
    form,
  );
}

/** The statements (or making the first) and the evidence pack, for those the API allows. */
export function evidenceSection(incident, may) {
  const statements = (incident.statements || []).filter((s) => !(incident.statements || []).some((t) => t.replacesId === s.id));
  const page = `#/incidents/${encodeURIComponent(incident.id)}/statement`;
  const links = [
    statements.length ? h("a", { href: page, class: "button-link" }, `Witness statements (${statements.length})`) : null,
    may.live && incident.mayRecordStatement && !statements.length ? h("a", { href: page, class: "button-link primary" }, "Make a statement") : null,
    incident.evidencePackUrl ? h("a", { href: incident.evidencePackUrl, class: "button-link", download: "", id: "evidence-pack" }, "Download evidence pack") : null,
  ].filter(Boolean);
  return links.length ? h("section", { class: "evidence" }, h("h2", {}, "Evidence"), h("div", { class: "card-actions" }, links)) : null;
}
