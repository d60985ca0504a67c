// The offender gallery of the viewer's BID, with exclusion badges; each card opens the record.

import { gql } from "../api.js";
import { formatDateTime, h, notice } from "../dom.js";
import { managesBid, offenderStatusName, thumb } from "../manage.js";
import { keptQuery, savedMark } from "../saved.js";

const GALLERY = `query Gallery($bidId: ID!) {
  offenders(bidId: $bidId, first: 100) {
    edges { node { id displayName description status incidentCount lastSeenAt thumbnailUrl exclusion { startsOn endsOn inForce } } }
  }
}`;

/** A Date ("2027-11-01") as 01/11/2027, whatever the phone's time zone. */
export function ukDate(isoDate) {
  return new Date(`${isoDate}T12:00:00Z`).toLocaleDateString("en-GB", { timeZone: "UTC" });
}

function offenderCard(offender) {
  const excluded = offender.status === "EXCLUDED";
  return h(
    "li",
    { class: "offender" },
    h(
      "a",
      { href: `#/gallery/${offender.id}`, class: excluded ? "card card-link offender-excluded" : "card card-link" },
      thumb(offender.thumbnailUrl, `Photo of ${offender.displayName}`),
      h(
        "span",
        { class: "card-body" },
        h("span", { class: "card-title" }, offender.displayName),
        excluded && offender.exclusion
          ? h("span", { class: "badge badge-excluded" }, `Excluded until ${ukDate(offender.exclusion.endsOn)}`)
          : null,
        offender.status === "ARCHIVED" || offender.status === "ID_SOUGHT"
          ? h("span", { class: `badge badge-${offender.status.toLowerCase().replace("_", "-")}` }, offenderStatusName(offender.status))
          : null,
        h("span", { class: "card-text" }, offender.description),
        h(
          "span",
          { class: "card-meta" },
          `${offender.incidentCount} incident${offender.incidentCount === 1 ? "" : "s"}`,
          offender.lastSeenAt ? ` · last seen ${formatDateTime(offender.lastSeenAt)}` : "",
        ),
      ),
    ),
  );
}

/** Every BID the viewer may see (their own, or all of them for administrators), each with its gallery. */
async function galleries() {
  const { bids } = await gql("{ bids { id name } }");
  for (const bid of bids) bid.offenders = (await gql(GALLERY, { bidId: bid.id })).offenders.edges.map((e) => e.node);
  return { bids };
}

export async function render(app) {
  // Shop staff keep the gallery on the phone: it is what they check when someone walks in.
  const { data, savedAt } = await keptQuery(app.me, "gallery", galleries);
  const { bids } = data;
  const page = h("div", savedAt ? { "data-offline": "1" } : {}, h("h1", {}, "Offender gallery"));
  if (savedAt) page.append(savedMark(savedAt, "This is the gallery as it was then. It updates by itself when the signal returns."));
  else if (bids.some((b) => managesBid(app.me, b.id)))
    page.append(h("p", {}, h("a", { href: "#/gallery/new", class: "button-link primary" }, "Add an offender")));
  for (const bid of bids) {
    if (bids.length > 1) page.append(h("h2", {}, bid.name));
    page.append(bid.offenders.length ? h("ul", { class: "cards gallery" }, bid.offenders.map(offenderCard)) : notice("The gallery is empty."));
  }
  if (!bids.length) page.append(notice("Your account belongs to no BID."));
  return page;
}
