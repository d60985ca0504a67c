// The main menu: one row of links that never wraps. What does not fit goes behind a "More" button,
// so a role's list can grow (administrators' and managers' screens) without the bar growing.
//
// To add a screen to the menu, add one line to MENU: its path, its label and the roles that see it
// (no `roles`: everyone logged in). The order is the order on screen; the first entries stay in the
// row, the last ones move behind "More" first.

import { rolesOf } from "./api.js";
import { h, mount } from "./dom.js";

const MANAGING = ["BID_MANAGER", "POLICE", "ADMIN"];

export const MENU = [
  { path: "/", label: "Home" },
  { path: "/report", label: "Report", roles: ["SHOP_STAFF", "BID_MANAGER"] },
  { path: "/alerts", label: "Alerts", roles: MANAGING },
  { path: "/cases", label: "Cases", roles: ["POLICE"] },
  { path: "/dashboard", label: "Dashboard", roles: MANAGING },
  { path: "/reports", label: "Reports" },
  { path: "/gallery", label: "Gallery" },
  // After the everyday screens: an alert shows as a banner on any screen, so Live can go behind "More".
  { path: "/live", label: "Live" },
  // Managers and administrators follow cases less often than the police: after their everyday screens.
  { path: "/cases", label: "Cases", roles: ["BID_MANAGER", "ADMIN"] },
  { path: "/manage", label: "Manage", roles: ["BID_MANAGER"] },
  { path: "/bids", label: "BIDs", roles: ["ADMIN"] },
  { path: "/teams", label: "Teams", roles: ["ADMIN"] },
  { path: "/people", label: "People", roles: ["ADMIN"] },
  { path: "/audit", label: "Audit", roles: ["ADMIN"] },
];

/** The menu entries a user sees, in order; a screen listed twice (for different roles) comes once. */
export function menuFor(me) {
  const roles = rolesOf(me);
  const seen = new Set();
  return MENU.filter((entry) => {
    if (entry.roles && !entry.roles.some((role) => roles.has(role))) return false;
    if (seen.has(entry.path)) return false;
    seen.add(entry.path);
    return true;
  });
}

/** "page" on the entry for this screen, "true" on the entry of the section it belongs to (/alerts/7). */
function currentness(entryPath, here) {
  if (here === entryPath) return "page";
  if (entryPath !== "/" && here.startsWith(`${entryPath}/`)) return "true";
  return null;
}

let panelOpen = false;
let layout = () => {};

/** Draws the menu for `me` at `here` (the current path) into `nav`; nothing when logged out. */
export function renderMenu(nav, me, here) {
  panelOpen = false;
  if (!me) {
    mount(nav);
    layout = () => {};
    return;
  }
  const items = menuFor(me).map(({ path, label }) =>
    h("li", {}, h("a", { href: `#${path}`, "aria-current": currentness(path, here) }, label)),
  );
  const row = h("ul", { class: "nav-row" });
  const panel = h("ul", { class: "nav-panel", id: "nav-more", hidden: true });
  const more = h(
    "button",
    { type: "button", class: "nav-more", "aria-expanded": "false", "aria-controls": "nav-more" },
    "More",
  );
  const moreItem = h("li", { class: "nav-more-item" }, more);

  function setOpen(open) {
    panelOpen = open;
    more.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
  }
  more.addEventListener("click", () => setOpen(!panelOpen));
  nav.onkeydown = (event) => {
    if (event.key === "Escape" && panelOpen) {
      setOpen(false);
      more.focus();
    }
  };

  layout = () => {
    // Everything in the row first; then, while the row is wider than the bar, the last entry moves
    // behind "More" (the first entry always stays).
    row.replaceChildren(...items);
    panel.replaceChildren();
    if (row.scrollWidth <= row.clientWidth) {
      setOpen(false);
      return;
    }
    row.append(moreItem);
    let shown = items.length;
    while (shown > 1 && row.scrollWidth > row.clientWidth) {
      shown -= 1;
      panel.prepend(items[shown]);
    }
    more.classList.toggle("nav-more-current", panel.querySelector("[aria-current]") !== null);
    setOpen(panelOpen);
  };
  mount(nav, row, panel);
  layout();
}

/** Lays the menu out again when the bar changes width (a phone turned, a window resized), and
 * closes the "More" list when the user taps elsewhere. */
export function watchMenu(nav) {
  if ("ResizeObserver" in window) {
    let width = 0;
    new ResizeObserver((entries) => {
      const now = Math.round(entries[0].contentRect.width);
      if (now !== width) {
        width = now;
        layout();
      }
    }).observe(nav);
  } else {
    window.addEventListener("resize", () => layout());
  }
  document.addEventListener("click", (event) => {
    const button = nav.querySelector(".nav-more");
    if (panelOpen && button && !nav.contains(event.target)) button.click();
  });
}
