// The managers' and administrators' screens: their routes, and the menu entries and home tiles
// that lead to them (app.js and home.js add these to their own).

import { rolesOf } from "./api.js";
import { route } from "./router.js";
import * as audit from "./views/audit.js";
import * as bid from "./views/bid.js";
import * as bids from "./views/bids.js";
import * as members from "./views/members.js";
import * as people from "./views/people.js";
import * as rules from "./views/rules.js";
import * as shops from "./views/shops.js";
import * as teams from "./views/teams.js";

route("/bids", bids.render);
route("/bids/:bidId", bid.render);
route("/bids/:bidId/shops", shops.render);
route("/bids/:bidId/people", members.render);
route("/bids/:bidId/rules", rules.render);
route("/teams", teams.render);
route("/people", people.render);
route("/audit", audit.render);

/** The BIDs `me` manages, as { id, name }. */
export function managedBids(me) {
  return (me?.memberships || []).filter((m) => m.role === "BID_MANAGER" && m.bid).map((m) => m.bid);
}

/** [path, label, what it is for] for each workspace screen the user may open from the menu. */
export function workspaceLinks(me) {
  const links = [];
  if (rolesOf(me).has("ADMIN")) {
    links.push(
      ["/bids", "BIDs", "Create and rename BIDs; manage each one"],
      ["/teams", "Teams", "Neighbourhood police teams and the BIDs they cover"],
      ["/people", "People", "Everyone's memberships; invite, revoke, deactivate"],
      ["/audit", "Audit", "Who did what, and whether the trail is intact"],
    );
  }
  for (const managed of managedBids(me)) {
    links.push([`/bids/${managed.id}`, managedBids(me).length > 1 ? `Manage ${managed.name}` : "Manage", `Shops, people, alert rules and data of ${managed.name}`]);
  }
  return links;
}
