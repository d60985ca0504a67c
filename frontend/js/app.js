// Start-up: the service worker, the outbox's automatic sending, the navigation and the router.

import { NetworkError, SESSION_ENDED, finishLogout, forgetMe, loadMe, rememberedMe } from "./api.js";
import { clear, h, mount, notice } from "./dom.js";
import { flushOutbox, listOutbox, onOutboxChange, onReportsSent, requestBackgroundSync, takeUnannounced } from "./queue.js";
import { forgetSaved, unreachable } from "./saved.js";
import { renderMenu, watchMenu } from "./menu.js";
import { currentPath, match, navigate, route, wantedPath } from "./router.js";
import * as account from "./views/account.js";
import * as alerts from "./views/alerts.js";
import * as cases from "./views/cases.js";
import * as dashboard from "./views/dashboard.js";
import * as gallery from "./views/gallery.js";
import * as home from "./views/home.js";
import * as incident from "./views/incident.js";
import * as offenderForm from "./views/offender-form.js";
import * as offender from "./views/offender.js";
import * as report from "./views/report.js";
import * as reports from "./views/reports.js";
import * as shop from "./views/shop.js";
import * as statement from "./views/statement.js";
import "./workspace.js"; // The managers' and administrators' screens register their routes.

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
route("/incidents/:id/statement", statement.render);
route("/cases", cases.render);
route("/shops/:id", shop.render);
route("/gallery", gallery.render);
route("/gallery/new", offenderForm.renderNew);
route("/gallery/:id", offender.render);
route("/gallery/:id/edit", offenderForm.renderEdit);
route("/alerts", alerts.renderList);
route("/alerts/:id", alerts.renderDetail);
route("/dashboard", dashboard.render);

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const network = document.getElementById("network");
const sent = document.getElementById("sent");
const app = { me: rememberedMe(), main };

/** The document's title: the view's own (`data-title` on its root) or its heading's words. */
function titleOf(view) {
  const own = view instanceof HTMLElement ? view.dataset.title : null;
  const heading = main.querySelector("h1");
  const words = own || heading?.textContent;
  return words ? `${words} – Shopwatch` : "Shopwatch";
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
let shownPath = null;

/** Puts a screen in <main>, names it in the title and, on moving to another screen, takes focus
 * and scroll back to its top so that a screen reader starts reading the new screen. */
function show(path, ...content) {
  mount(main, ...content);
  document.title = titleOf(content[0]);
  if (shownPath !== null && shownPath !== path) {
    window.scrollTo(0, 0);
    if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
  }
  shownPath = path;
}

async function render() {
  const token = ++rendering;
  const path = currentPath();
  const found = match(path);
  const name = path.split("/")[1] || "";
  if (!app.me && !PUBLIC.has(name)) {
    // Logging in comes back here: a link from an email opens its screen after the login form.
    const wanted = wantedPath();
    navigate(wanted === "/" ? "/login" : `/login?next=${encodeURIComponent(wanted)}`);
    return;
  }
  renderMenu(nav, app.me, path);
  if (!found) {
    show(path, h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/" }, "Go to the home screen")));
    return;
  }
  try {
    const view = await found.view(app, found.params);
    if (token !== rendering) return; // A later navigation has taken over.
    show(path, view);
  } catch (error) {
    if (token !== rendering) return;
    if (error instanceof NetworkError) show(path, unreachable(render));
    else show(path, h("h1", {}, "Something went wrong"), notice(error.message, "error"));
  }
}

/** A screen drawn without signal (a saved copy, or saying it cannot be loaded) is drawn again as
 * soon as the signal returns; a phone often says "online" a moment before requests get through,
 * so a screen still without its answer tries a few more times. */
async function recover(attempt = 0) {
  if (!main.querySelector("[data-offline]") || !navigator.onLine) return;
  await render();
  if (attempt < 5 && main.querySelector("[data-offline]")) setTimeout(() => recover(attempt + 1), 3000);
}

let sentTimer = null;

/** "2 reports sent": said whoever sent them, this page or the service worker's Background Sync. */
function showSent(count, when = "") {
  clearTimeout(sentTimer);
  mount(
    sent,
    h("span", {}, `${count} report${count === 1 ? "" : "s"} sent${when}`),
    h("a", { href: "#/reports" }, "See them"),
    h("button", { type: "button", class: "secondary", "aria-label": "Close this message", onclick: () => clear(sent) }, "✕"),
  );
  sentTimer = setTimeout(() => clear(sent), 60_000);
}

/** Called by views after logging in or out; logging in sends what waited for this user. */
app.setMe = (me) => {
  const before = app.me?.id;
  app.me = me;
  // What was kept on the phone is one user's: it goes when they log out or someone else logs in.
  if (!me || (before && me.id !== before)) forgetSaved();
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
  // A link to the screen already shown draws it afresh (the address alone would not change): the
  // menu's "Report" or "Report another" on a report's confirmation, shown at #/report, starts a new form.
  document.addEventListener("click", (event) => {
    const link = event.target.closest?.('a[href^="#/"]');
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (link.getAttribute("href") !== location.hash) return;
    event.preventDefault();
    navigate(link.getAttribute("href").slice(1));
  });
  // The session ended on the server (membership revoked, account deactivated, logged out
  // elsewhere): the phone forgets the user, and the login form comes back to this screen.
  window.addEventListener(SESSION_ENDED, () => {
    if (!app.me) return;
    forgetMe();
    app.setMe(null);
    render();
  });
  watchMenu(nav);
  window.addEventListener("online", async () => {
    showNetwork();
    await finishLogout();
    sendWaiting();
    recover();
  });
  onReportsSent(showSent);
  window.addEventListener("offline", showNetwork);
  onOutboxChange(showNetwork);
  showNetwork();
  // A logout made with no signal is finished before anything else, so its user is not let back in.
  const me = (await finishLogout()) ? await loadMe().catch(() => app.me) : null;
  app.setMe(me);
  await render();
  const unannounced = me ? await takeUnannounced(me.id).catch(() => 0) : 0;
  if (unannounced) showSent(unannounced, " while the app was closed");
  if (navigator.onLine) sendWaiting();
  else requestBackgroundSync();
}

start();
