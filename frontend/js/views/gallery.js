// The offender gallery of the viewer's BID, with exclusion badges.

import { gql } from "../api.js";
import { formatDateTime, h, notice } from "../dom.js";

const GALLERY = `query Gallery($bidId: ID!) {
  offenders(bidId: $bidId, first: 100) {
    edges { node { id displayName description status incidentCount lastSeenAt thumbnailUrl exclusion { startsOn endsOn inForce } } }
  }
}`;

/** A Date ("2027-11-01") as 01/11/2027, whatever the phone's time zone. */
function ukDate(isoDate) {
  return new Date(`${isoDate}T12:00:00Z`).toLocaleDateString("en-GB", { timeZone: "UTC" });
}

function offenderCard(offender) {
  const excluded = offender.status === "EXCLUDED";
  return h(
    "li",
    { class: excluded ? "card offender offender-excluded" : "card offender" },
    offender.thumbnailUrl
      ? h("img", { src: offender.thumbnailUrl, alt: `Photo of ${offender.displayName}`, class: "thumb" })
      : h("span", { class: "thumb no-photo" }, "No photo"),
    h(
      "div",
      { class: "card-body" },
      h("h2", { class: "card-title" }, offender.displayName),
      excluded && offender.exclusion
        ? h("p", { class: "badge badge-excluded" }, `Excluded until ${ukDate(offender.exclusion.endsOn)}`)
        : null,
      offender.status === "ARCHIVED" ? h("p", { class: "badge" }, "Archived") : null,
      h("p", { class: "card-text" }, offender.description),
      h(
        "p",
        { class: "card-meta" },
        `${offender.incidentCount} incident${offender.incidentCount === 1 ? "" : "s"}`,
        offender.lastSeenAt ? ` · last seen ${formatDateTime(offender.lastSeenAt)}` : "",
      ),
    ),
  );
}

export async function render() {
  // Every BID the viewer may see: their own, or all of them for administrators.
  const { bids } = await gql("{ bids { id name } }");
  const page = h("div", {}, h("h1", {}, "Offender gallery"));
  for (const bid of bids) {
    const { offenders } = await gql(GALLERY, { bidId: bid.id });
    if (bids.length > 1) page.append(h("h2", {}, bid.name));
    const nodes = offenders.edges.map((e) => e.node);
    page.append(nodes.length ? h("ul", { class: "cards gallery" }, nodes.map(offenderCard)) : notice("The gallery is empty."));
  }
  if (!bids.length) page.append(notice("Your account belongs to no BID."));
  return page;
}
