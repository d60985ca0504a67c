// One incident with its photos (the display copy, the original for those allowed evidence, and the
// exhibit reference a statement gave it), and, for those the API allows, the triage controls of
// triage.js and the police case, property, statements and evidence pack of case.js.

import { gql } from "../api.js";
import { formatDateTime, formatPounds, h, kindName, notice } from "../dom.js";
import { takeFlash } from "../manage.js";
import { keptQuery, savedMark } from "../saved.js";
import { CASE_FIELDS, evidenceSection, policeCaseSection, propertySection } from "./case.js";
import { referenceTag, statusBadge } from "./reports.js";
import { addPhotos, offendersSection, permissions, policeReferenceForm, statusSection } from "./triage.js";

const INCIDENT = `query Incident($id: ID!) {
  incident(id: $id) {
    id reference kind status occurredAt reportedAt description valueStolenPence policeReference vehicleRegistration injury
    shop { id name } reporter { id name }
    offenders { id displayName status thumbnailUrl }
    possibleOffenders { offender { id displayName status thumbnailUrl } reason }
    photos { id url thumbnailUrl originalUrl width height sha256 exhibitReference }
    history { status note changedAt changedBy { name } }
    ${CASE_FIELDS}
  }
}`;

function row(term, value) {
  if (value === null || value === undefined || value === "") return null;
  return [h("dt", {}, term), h("dd", {}, value)];
}

export async function render(app, { id }) {
  // Shop staff keep the incidents they opened last on the phone, to read them with no signal.
  const { data, savedAt } = await keptQuery(app.me, `incident:${id}`, () => gql(INCIDENT, { id }));
  const { incident } = data;
  if (!incident) return h("div", {}, h("h1", {}, "Report not found"), notice("It does not exist or is not yours to see."));
  // A saved copy is read-only: nothing can be changed without signal.
  const may = savedAt ? {} : { ...permissions(app.me, incident), live: true };
  return h(
    "article",
    savedAt ? { "data-offline": "1" } : {},
    h("h1", {}, `${kindName(incident.kind)} at ${incident.shop.name}`),
    incident.reference ? h("p", { class: "incident-ref-line" }, "Reference ", referenceTag(incident)) : null,
    statusBadge(incident.status),
    savedAt ? savedMark(savedAt, "This is the report as it was when last opened. It updates by itself when the signal returns.") : takeFlash(),
    h("p", { class: "description" }, incident.description),
    h(
      "dl",
      { class: "facts" },
      row("When", formatDateTime(incident.occurredAt)),
      row("Reported", formatDateTime(incident.reportedAt)),
      row("Reported by", incident.reporter?.name),
      row("Value stolen", formatPounds(incident.valueStolenPence)),
      row("Police reference", incident.policeReference),
      row("Vehicle", incident.vehicleRegistration),
      row("Injury", incident.injury ? "Yes" : null),
      row("Offenders", incident.offenders.map((o) => o.displayName).join(", ")),
    ),
    policeReferenceForm(app, incident, may),
    policeCaseSection(app, incident, may),
    statusSection(app, incident, may),
    propertySection(app, incident, may),
    evidenceSection(incident, may),
    incident.photos.length || may.addPhotos ? h("h2", {}, `Photos (${incident.photos.length})`) : null,
    h(
      "ul",
      { class: "photos" },
      incident.photos.map((photo, index) =>
        h(
          "li",
          {},
          h("a", { href: photo.url, target: "_blank", rel: "noopener" }, h("img", { src: photo.thumbnailUrl, alt: `Photo ${index + 1} of the incident${photo.exhibitReference ? `, exhibit ${photo.exhibitReference}` : ""}`, width: 160 })),
          photo.exhibitReference ? h("span", { class: "exhibit-ref" }, `Exhibit ${photo.exhibitReference}`) : null,
          photo.originalUrl
            ? h("a", { href: photo.originalUrl, class: "button-link", download: "" }, `Original ${index + 1} (evidence)`)
            : null,
        ),
      ),
    ),
    addPhotos(app, incident, may),
    await offendersSection(app, incident, may),
  );
}
