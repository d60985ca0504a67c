// The managers' and administrators' screens: their routes, and the home tiles that lead to them
// (their menu entries are in js/menu.js).

import { rolesOf } from "./api.js";
import { h } from "./dom.js";
import { route } from "./router.js";
import * as audit from "./views/audit.js";
import * as bid from "./views/bid.js";
import * as bids from "./views/bids.js";
import * as members from "./views/members.js";
import * as people from "./views/people.js";
import * as rules from "./views/rules.js";
import * as shops from "./views/shops.js";
import * as teams from "./views/teams.js";

/** The BIDs `me` manages, as { id, name }. */
export function managedBids(me) {
  return (me?.memberships || []).filter((m) => m.role === "BID_MANAGER" && m.bid).map((m) => m.bid);
}

/** "Manage" in the menu: the manager's BID, or a choice when they manage several. */
function manage(app) {
  const managed = managedBids(app.me);
  if (managed.length === 1) return bid.render(app, { bidId: managed[0].id });
  if (!managed.length) return bids.render(app);
  return h(
    "div",
    {},
    h("h1", {}, "Manage"),
    h("ul", { class: "tiles" }, managed.map((b) => h("li", {}, h("a", { href: `#/manage/${b.id}`, class: "tile" }, h("strong", {}, b.name))))),
  );
}

route("/manage", manage);
route("/manage/:bidId", bid.render);
route("/manage/:bidId/shops", shops.render);
route("/manage/:bidId/people", members.render);
route("/manage/:bidId/rules", rules.render);
route("/bids", bids.render);
route("/teams", teams.render);
route("/people", people.render);
route("/audit", audit.render);

/** [path, title, what it is for] for each workspace screen the user may open, for the home screen. */
export function workspaceLinks(me) {
  const links = [];
  const managed = managedBids(me);
  if (managed.length)
    links.push(["/manage", "Manage", `Shops, people, alert rules and data of ${managed.map((b) => b.name).join(", ")}`]);
  if (rolesOf(me).has("ADMIN")) {
    links.push(
      ["/bids", "BIDs", "Create and rename BIDs; manage each one"],
      ["/teams", "Neighbourhood teams", "Police teams and the BIDs they cover"],
      ["/people", "People", "Everyone's memberships; invite, revoke, deactivate"],
      ["/audit", "Audit trail", "Who did what, and whether the trail is intact"],
    );
  }
  return links;
}
