// One BID's workspace for its managers (and administrators): its screens, the offender retention
// period, whether shop staff refer their own reports to the police, a subject-access export and the
// CSV export of incidents.

import { gql } from "../api.js";
import { field, h, notice, uid } from "../dom.js";
import { actionForm, changed, download, londonToday, select } from "../forms.js";
import { ANSWER, managesBid, mutate, takeFlash } from "../manage.js";

const BID = `query Bid($bidId: ID!) {
  bids { id name offenderRetentionMonths staffMayReferToPolice }
  offenders(bidId: $bidId, first: 100) { edges { node { id displayName status } } }
}`;

/** The BID with this id if the viewer may manage it, or null. */
export async function findBid(app, bidId) {
  if (!managesBid(app.me, bidId)) return null;
  const { bids } = await gql(`{ bids { id name } }`);
  return bids.find((b) => b.id === bidId) || null;
}

export function bidNotFound() {
  return h("div", {}, h("h1", {}, "BID not found"), notice("It does not exist or is not yours to manage."));
}

/** The way back to the BID's workspace. */
export function crumbs(bid) {
  return h("p", { class: "crumbs" }, h("a", { href: `#/manage/${bid.id}` }, `‹ ${bid.name}`));
}

const RETENTION = `mutation Retention($input: UpdateRetentionInput!) {
  updateRetention(input: $input) { ... on UpdateRetentionSuccess { bid { id offenderRetentionMonths } } ${ANSWER} }
}`;

function retentionForm(app, bid) {
  const months = h("input", {
    type: "number", name: "months", min: 1, max: 72, required: true, inputMode: "numeric", value: bid.offenderRetentionMonths,
  });
  return actionForm(
    "Save retention period",
    [
      field(
        "Keep offender records for (months)",
        months,
        "A record with no incident for this long and no exclusion running is forgotten: 1 to 72 months, 12 by default.",
      ),
    ],
    async () => {
      await mutate(RETENTION, { input: { bidId: bid.id, offenderRetentionMonths: Number(months.value) } }, "updateRetention");
      await changed(app, `Offender records are now kept for ${months.value} months.`);
    },
    "secondary",
  );
}

const UPDATE_BID = `mutation($input: UpdateBidInput!) { updateBid(input: $input) { ${ANSWER} } }`;

function referralForm(app, bid) {
  const id = uid("staff-refer");
  const allowed = h("input", { type: "checkbox", id, name: "staff-refer", checked: bid.staffMayReferToPolice });
  return actionForm(
    "Save who may refer",
    [h("div", { class: "check" }, allowed, h("label", { htmlFor: id }, "Shop staff may refer their own reports to the police")), h("p", { class: "hint" }, "Managers always may.")],
    async () => {
      await mutate(UPDATE_BID, { input: { bidId: bid.id, staffMayReferToPolice: allowed.checked } }, "updateBid");
      await changed(app, allowed.checked ? "Shop staff may now refer their own reports to the police." : "Only managers refer reports to the police now.");
    },
    "secondary",
  );
}

const EXPORT = `query Export($id: ID!) {
  exportOffenderData(offenderId: $id) {
    exportedAt
    offender { id displayName description status createdAt lastSeenAt incidentCount bid { id name } }
    mergedRecords { id displayName description createdAt }
    photos { id url originalUrl width height }
    exclusions { id startsOn endsOn reason inForce issuedAt }
    incidents { id kind status occurredAt reportedAt description valueStolenPence policeReference vehicleRegistration shop { id name }
      photos { id originalUrl sha256 contentType } }
    alerts { id rule createdAt summary emailedTo }
    accessLog { at actor action }
  }
}`;

function subjectAccessForm(offenders) {
  if (!offenders.length) return notice("The gallery has no records to export.");
  const choice = select("offender", offenders.map((o) => [o.id, `${o.displayName} (${o.status.toLowerCase()})`]));
  return actionForm(
    "Download their data (JSON)",
    [field("Person", choice, "Everything held on them, for a subject-access request. The export is recorded in the audit trail.")],
    async () => {
      const { exportOffenderData } = await gql(EXPORT, { id: choice.value });
      if (!exportOffenderData) throw new Error("That record is not yours to export.");
      const name = exportOffenderData.offender.displayName.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "record";
      download(`subject-access-${name}-${exportOffenderData.offender.id}.json`, JSON.stringify(exportOffenderData, null, 2), "application/json");
    },
    "secondary",
  );
}

function csvForm(bid) {
  const today = londonToday();
  const from = h("input", { type: "date", name: "from", required: true, value: `${today.slice(0, 8)}01`, max: today });
  const to = h("input", { type: "date", name: "to", required: true, value: today, max: today });
  const link = h("a", { class: "button-link", id: "csv-link", download: "" }, "Download incidents (CSV)");
  const update = () => {
    link.href = `/export/incidents.csv?${new URLSearchParams({ bidId: bid.id, from: from.value, to: to.value })}`;
  };
  from.addEventListener("change", update);
  to.addEventListener("change", update);
  update();
  return h("div", { class: "stack" }, h("div", { class: "pair" }, field("From", from), field("To", to)), link);
}

function tile(path, title, text) {
  return h("li", {}, h("a", { href: `#${path}`, class: "tile" }, h("strong", {}, title), h("span", {}, text)));
}

export async function render(app, { bidId }) {
  if (!managesBid(app.me, bidId)) return bidNotFound();
  const data = await gql(BID, { bidId });
  const bid = data.bids.find((b) => b.id === bidId);
  if (!bid) return bidNotFound();
  const offenders = data.offenders.edges.map((e) => e.node);
  return h(
    "div",
    {},
    h("h1", {}, `Manage ${bid.name}`),
    takeFlash(),
    h(
      "ul",
      { class: "tiles" },
      tile(`/manage/${bid.id}/shops`, "Shops", "Add, edit, close or reopen shops"),
      tile(`/manage/${bid.id}/people`, "People", "Members, invitations, revoking access"),
      tile(`/manage/${bid.id}/rules`, "Alert rules", "Which patterns raise alerts, and when"),
    ),
    h("h2", {}, "Offender retention"),
    retentionForm(app, bid),
    h("h2", {}, "Referrals to the police"),
    referralForm(app, bid),
    h("h2", {}, "Subject-access export"),
    subjectAccessForm(offenders),
    h("h2", {}, "Export incidents"),
    csvForm(bid),
  );
}
