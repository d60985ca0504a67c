// The service worker: keeps the app shell for offline use and sends waiting reports on Background Sync.
// The shell is cache-first from a cache named by VERSION, which is a hash of the shell's files
// (scripts/stamp_sw_version.py writes it; a test fails when it is stale), so any change to the shell
// makes a new worker that fetches the new files and removes the old cache.

import { SYNC_TAG, flushOutbox } from "./js/queue.js";

const VERSION = "d05412f4522b";
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
