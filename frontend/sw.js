// The service worker: keeps the app shell for offline use, sends waiting reports on Background Sync
// and shows live alerts pushed by the server (Web Push) as notifications.
// The shell is cache-first from a cache named by VERSION, which is a hash of the shell's files
// (scripts/stamp_sw_version.py writes it; a test fails when it is stale), so any change to the shell
// makes a new worker that fetches the new files and removes the old cache.

import { notificationOf } from "./js/live-words.js";
import { SYNC_TAG, flushOutbox } from "./js/queue.js";

const VERSION = "56e821a83877";
const CACHE = `shopwatch-shell-${VERSION}`;
const SHELL = [
  "/",
  "/index.html",
  "/favicon.ico",
  "/manifest.webmanifest",
  "/css/app.css",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/icon-maskable-512.png",
  "/js/api.js",
  "/js/app.js",
  "/js/charts.js",
  "/js/dates.js",
  "/js/dom.js",
  "/js/filters.js",
  "/js/forms.js",
  "/js/live-socket.js",
  "/js/live-words.js",
  "/js/live.js",
  "/js/manage.js",
  "/js/menu.js",
  "/js/photo-check.js",
  "/js/photo-rules.js",
  "/js/queue.js",
  "/js/router.js",
  "/js/saved.js",
  "/js/signature.js",
  "/js/views/account.js",
  "/js/views/alerts.js",
  "/js/views/audit.js",
  "/js/views/bid.js",
  "/js/views/bids.js",
  "/js/views/case.js",
  "/js/views/cases.js",
  "/js/views/dashboard.js",
  "/js/views/gallery.js",
  "/js/views/home.js",
  "/js/views/incident.js",
  "/js/views/live.js",
  "/js/views/members.js",
  "/js/views/offender-form.js",
  "/js/views/offender.js",
  "/js/views/outbox.js",
  "/js/views/people.js",
  "/js/views/report.js",
  "/js/views/reports.js",
  "/js/views/shop.js",
  "/js/views/statement.js",
  "/js/views/rules.js",
  "/js/views/shops.js",
  "/js/views/teams.js",
  "/js/workspace.js",
  "/js/views/triage.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "no-cache" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith("shopwatch-shell-") && n !== CACHE).map((n) => caches.delete(n))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // Only the shell's own files come from the cache. The API, photos and CSV exports always go to
  // the network: they are private and change.
  if (!SHELL.includes(url.pathname)) return;
  event.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((hit) => hit || fetch(request)));
});

// A flush that cannot reach the server rejects, so the browser counts the sync as failed and tries
// again later; refused reports are marked on the phone, not retried.
self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(flushOutbox());
});

// A live alert pushed while the app is closed (or in the background). The payload is the alert as
// `bidAlerts` gives it, or { title, body } already in words; either way a notification is shown,
// as the browser requires of every push.
self.addEventListener("push", (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { message: event.data.text() };
  }
  const alert = payload.liveAlert || payload.alert || payload;
  const { title, options } = notificationOf(alert);
  if (alert.title) Object.assign(options, { body: alert.body || "" });
  event.waitUntil(self.registration.showNotification(alert.title || title, options));
});

// A tap on a notification opens the app at the live alerts screen, in a window already open if any.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (!open) return self.clients.openWindow(url);
      return open.focus().then((client) => client.navigate?.(url) || client);
    }),
  );
});
