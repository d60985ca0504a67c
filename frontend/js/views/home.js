// The home screen, fitted to the role: shop staff get the report button first; managers and police
// their alerts and figures.

import { rolesOf } from "../api.js";
import { h } from "../dom.js";
import { logOut } from "./account.js";
import { outboxSection } from "./outbox.js";
import { workspaceLinks } from "../workspace.js";

function tile(path, title, text, primary = false) {
  return h("li", {}, h("a", { href: `#${path}`, class: primary ? "tile tile-primary" : "tile" }, h("strong", {}, title), h("span", {}, text)));
}

export function render(app) {
  const me = app.me;
  const roles = rolesOf(me);
  const tiles = [];
  if (roles.has("SHOP_STAFF") || roles.has("BID_MANAGER"))
    tiles.push(tile("/report", "Report an incident", "Theft, abuse, damage… with photos", true));
  if (roles.has("BID_MANAGER") || roles.has("POLICE") || roles.has("ADMIN")) {
    tiles.push(tile("/alerts", "Alerts", "Patterns that need attention"));
    tiles.push(tile("/dashboard", "Dashboard", "The town centre at a glance"));
  }
  if (roles.has("POLICE") || roles.has("BID_MANAGER") || roles.has("ADMIN")) tiles.push(tile("/cases", "Police cases", "Referred reports and where each case stands"));
  tiles.push(tile("/reports", roles.has("SHOP_STAFF") ? "My shop's reports" : "Reports", "Recent incidents and their status"));
  tiles.push(tile("/gallery", "Offender gallery", "Known offenders and exclusions"));
  for (const [path, label, text] of workspaceLinks(me)) tiles.push(tile(path, label, text));
  const where = me.memberships.map((m) => m.shop?.name || m.bid?.name).filter(Boolean);
  return h(
    "div",
    { "data-title": "Home" },
    h("h1", {}, `Hello, ${me.name}`),
    where.length ? h("p", { class: "hint" }, [...new Set(where)].join(", ")) : null,
    outboxSection(),
    h("ul", { class: "tiles" }, tiles),
    h("button", { type: "button", class: "secondary", onclick: () => logOut(app) }, "Log out"),
  );
}
