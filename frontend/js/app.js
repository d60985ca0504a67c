// Start-up: the service worker, the outbox's automatic sending, the navigation and the router.

import { ApiError, forgetMe, loadMe, rememberedMe, rolesOf } from "./api.js";
import { h, mount, notice } from "./dom.js";
import { flushOutbox, listOutbox, onOutboxChange, requestBackgroundSync } from "./queue.js";
import { currentPath, match, navigate, route } from "./router.js";
import * as account from "./views/account.js";
import * as alerts from "./views/alerts.js";
import * as dashboard from "./views/dashboard.js";
import * as gallery from "./views/gallery.js";
import * as home from "./views/home.js";
import * as incident from "./views/incident.js";
import * as report from "./views/report.js";
import * as reports from "./views/reports.js";
import { workspaceLinks } from "./workspace.js";

const PUBLIC = new Set(["login", "forgot", "invite", "reset"]);

route("/", home.render);
route("/login", account.renderLogin);
route("/forgot", account.renderForgot);
route("/invite/:token", account.renderInvite);
route("/reset/:token", account.renderReset);
route("/report", report.render);
route("/report/:clientId", report.render);
route("/reports", reports.render);
route("/incidents/:id", incident.render);
route("/gallery", gallery.render);
route("/alerts", alerts.renderList);
route("/alerts/:id", alerts.renderDetail);
route("/dashboard", dashboard.render);

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const network = document.getElementById("network");
const app = { me: rememberedMe(), main };

function navLinks(me) {
  const roles = rolesOf(me);
  const links = [["/", "Home"]];
  if (roles.has("SHOP_STAFF") || roles.has("BID_MANAGER")) links.push(["/report", "Report"]);
  links.push(["/reports", "Reports"], ["/gallery", "Gallery"]);
  if (roles.has("BID_MANAGER") || roles.has("POLICE") || roles.has("ADMIN")) links.push(["/alerts", "Alerts"]);
  if (roles.has("BID_MANAGER") || roles.has("POLICE") || roles.has("ADMIN"))
    links.push(["/dashboard", "Dashboard"]);
  links.push(...workspaceLinks(me));
  return links;
}

function renderNav() {
  if (!app.me) {
    mount(nav);
    return;
  }
  const here = currentPath();
  mount(
    nav,
    h(
      "ul",
      {},
      navLinks(app.me).map(([path, label]) =>
        h("li", {}, h("a", { href: `#${path}`, "aria-current": here === path ? "page" : null }, label)),
      ),
    ),
  );
}

async function showNetwork() {
  const entries = await listOutbox();
  const waiting = entries.filter((e) => e.state === "waiting").length;
  const refused = entries.length - waiting;
  const parts = [navigator.onLine ? "" : "Offline"];
  if (waiting) parts.push(`${waiting} waiting to send`);
  if (refused) parts.push(`${refused} not accepted`);
  network.textContent = parts.filter(Boolean).join(" · ");
  network.classList.toggle("network-offline", !navigator.onLine);
}

let rendering = 0;
async function render() {
  const token = ++rendering;
  const path = currentPath();
  const found = match(path);
  const name = path.split("/")[1] || "";
  if (!app.me && !PUBLIC.has(name)) {
    navigate("/login");
    return;
  }
  renderNav();
  if (!found) {
    mount(main, h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/" }, "Go to the home screen")));
    return;
  }
  try {
    const view = await found.view(app, found.params);
    if (token !== rendering) return; // A later navigation has taken over.
    mount(main, view);
    const heading = main.querySelector("h1");
    document.title = heading ? `${heading.textContent} – Shopwatch` : "Shopwatch";
  } catch (error) {
    if (token !== rendering) return;
    if (error instanceof ApiError && error.loggedOut) {
      // The session ended on the server: the phone forgets the user and asks for a login.
      forgetMe();
      app.setMe(null);
      navigate("/login");
      return;
    }
    mount(main, h("h1", {}, "Something went wrong"), notice(error.message, "error"));
  }
}

/** Called by views after logging in or out; logging in sends what waited for this user. */
app.setMe = (me) => {
  const before = app.me?.id;
  app.me = me;
  if (me && me.id !== before && navigator.onLine) sendWaiting();
};
app.render = render;

async function sendWaiting() {
  if (!app.me) return;
  try {
    await flushOutbox();
  } catch {
    // Stays waiting; Background Sync, the next `online` event or start-up tries again.
    requestBackgroundSync();
  }
}

async function start() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { type: "module" }).catch(() => {});
  }
  window.addEventListener("hashchange", render);
  window.addEventListener("online", () => {
    showNetwork();
    sendWaiting();
  });
  window.addEventListener("offline", showNetwork);
  onOutboxChange(showNetwork);
  showNetwork();
  const me = await loadMe().catch(() => app.me);
  app.setMe(me);
  await render();
  if (navigator.onLine) sendWaiting();
  else requestBackgroundSync();
}

start();
