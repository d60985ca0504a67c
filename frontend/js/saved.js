// What shop staff can read with no signal: the gallery and the last incidents they opened, kept on
// the phone exactly as the server last answered them, with their thumbnails, and when.
//
// IndexedDB, like the outbox, rather than the Cache API: a page is saved from the answer the view
// already has, with the user it belongs to, in one transaction with its thumbnails (as blobs, shown
// through blob: URLs), so nothing is stored that this user was not shown, and a whole user's copy
// goes in one deleteDatabase. The service worker keeps serving the API and photos from the network
// only. Only accounts that are shop staff alone keep anything: managers' and police officers'
// pages hold far more personal data than a stockroom check needs.

import { NetworkError, rememberedMe } from "./api.js";
import { h } from "./dom.js";

const DB_NAME = "shopwatch-saved";
const PAGES = "pages";
const FILES = "files";
/** How many of the incidents opened last are kept. */
export const KEPT_INCIDENTS = 20;
const INCIDENT = "incident:";

// Bumped by forgetSaved, so a save still fetching thumbnails when the user logs out writes nothing.
let generation = 0;
// blob: URLs of the saved copy on screen, released when another is drawn.
let shownUrls = [];

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(PAGES, { keyPath: "key" });
      request.result.createObjectStore(FILES, { keyPath: "url" });
    };
    request.onsuccess = () => {
      // Logging out deletes the database: an open connection must not hold that up.
      request.result.onversionchange = () => request.result.close();
      resolve(request.result);
    };
    request.onerror = () => reject(request.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Whether this account keeps pages on the phone: shop staff only (see above). */
export function keepsFor(me) {
  const memberships = me?.memberships || [];
  return memberships.length > 0 && memberships.every((m) => m.role === "SHOP_STAFF");
}

/** Who a saved page was shown to: the user and their roles and places. A page saved under other
 * memberships (moved to another shop, say) is never shown again, and goes at the next save. */
function scopeOf(me) {
  const places = (me.memberships || []).map((m) => `${m.role}:${m.bid?.id ?? ""}:${m.shop?.id ?? ""}`);
  return `${me.id}|${places.sort().join(",")}`;
}

/** Every thumbnail a saved answer shows, wherever it sits in it. */
function thumbnailUrls(value, found = new Set()) {
  if (Array.isArray(value)) value.forEach((item) => thumbnailUrls(item, found));
  else if (value && typeof value === "object")
    for (const [name, item] of Object.entries(value)) {
      if (name === "thumbnailUrl" && typeof item === "string") found.add(item);
      else thumbnailUrls(item, found);
    }
  return found;
}

/** The answer with thumbnails from the phone (blob: URLs, null when missing) and no link that
 * needs the network: display copies and originals are not kept. */
function offlineCopy(value, blobs) {
  if (Array.isArray(value)) return value.map((item) => offlineCopy(item, blobs));
  if (!value || typeof value !== "object") return value;
  const copy = {};
  for (const [name, item] of Object.entries(value)) {
    if (name === "thumbnailUrl") copy[name] = typeof item === "string" ? blobs.get(item) ?? null : null;
    else if (name === "url" || name === "originalUrl") copy[name] = null;
    else copy[name] = offlineCopy(item, blobs);
  }
  return copy;
}

async function fetchThumbnails(urls) {
  const files = [];
  for (const url of urls) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) files.push({ url, blob: await response.blob() });
    } catch {
      // No signal half-way: the page is kept, this thumbnail shows as "No photo".
    }
  }
  return files;
}

/**
 * Keeps `data` (a query's answer) under `key` for `me`, with its thumbnails, and drops what is no
 * longer needed: incidents beyond the last KEPT_INCIDENTS opened, and anything of another user.
 */
export async function keep(me, key, data) {
  if (!keepsFor(me)) return;
  const started = generation;
  const scope = scopeOf(me);
  const stale = () => started !== generation || rememberedMe()?.id !== me.id;
  const urls = [...thumbnailUrls(data)];
  let db = await openDb();
  let have;
  try {
    have = new Set(await request(db.transaction(FILES).objectStore(FILES).getAllKeys()));
  } finally {
    db.close();
  }
  // Thumbnails never change (a new photo has a new URL), so one kept already is not fetched again.
  const files = await fetchThumbnails(urls.filter((url) => !have.has(url)));
  if (stale()) return;
  db = await openDb();
  try {
    if (stale()) return;
    const tx = db.transaction([PAGES, FILES], "readwrite");
    const pages = tx.objectStore(PAGES);
    const stored = tx.objectStore(FILES);
    for (const file of files) stored.put({ ...file, userId: me.id });
    pages.put({ key, userId: me.id, scope, savedAt: new Date().toISOString(), urls, data });
    pages.getAll().onsuccess = (event) => {
      const all = event.target.result.filter((p) => p.key !== key);
      all.push({ key, userId: me.id, scope, savedAt: new Date().toISOString(), urls });
      const incidents = all.filter((p) => p.scope === scope && p.key.startsWith(INCIDENT));
      incidents.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
      const dropped = new Set([...all.filter((p) => p.scope !== scope), ...incidents.slice(KEPT_INCIDENTS)].map((p) => p.key));
      dropped.forEach((k) => pages.delete(k));
      const used = new Set(all.filter((p) => !dropped.has(p.key)).flatMap((p) => p.urls));
      stored.getAllKeys().onsuccess = (keys) => keys.target.result.filter((url) => !used.has(url)).forEach((url) => stored.delete(url));
    };
    await done(tx);
  } finally {
    db.close();
  }
}

/** The saved copy of `key` for `me`: { data, savedAt } with thumbnails from the phone, or null. */
export async function savedPage(me, key) {
  if (!keepsFor(me)) return null;
  const db = await openDb();
  try {
    const tx = db.transaction([PAGES, FILES]);
    const page = await request(tx.objectStore(PAGES).get(key));
    if (!page || page.userId !== me.id || page.scope !== scopeOf(me)) return null;
    const files = tx.objectStore(FILES);
    const blobs = new Map();
    for (const url of page.urls) {
      const file = await request(files.get(url));
      if (file && file.userId === me.id) blobs.set(url, file.blob);
    }
    shownUrls.forEach((url) => URL.revokeObjectURL(url));
    shownUrls = [];
    const local = new Map();
    for (const [url, blob] of blobs) {
      const objectUrl = URL.createObjectURL(blob);
      shownUrls.push(objectUrl);
      local.set(url, objectUrl);
    }
    return { data: offlineCopy(page.data, local), savedAt: page.savedAt };
  } finally {
    db.close();
  }
}

/** The incidents kept for `me`, opened last first: [{ id, incident, savedAt }]. */
export async function savedIncidents(me) {
  if (!keepsFor(me)) return [];
  const db = await openDb();
  try {
    const pages = await request(db.transaction(PAGES).objectStore(PAGES).getAll());
    return pages
      .filter((p) => p.userId === me.id && p.scope === scopeOf(me) && p.key.startsWith(INCIDENT) && p.data.incident)
      .sort((a, b) => b.savedAt.localeCompare(a.savedAt))
      .map((p) => ({ id: p.key.slice(INCIDENT.length), incident: offlineCopy(p.data.incident, new Map()), savedAt: p.savedAt }));
  } finally {
    db.close();
  }
}

/** Removes one saved page: the server no longer shows it to this user. Its thumbnails go at the
 * next save. */
async function forgetPage(key) {
  const db = await openDb();
  try {
    const tx = db.transaction(PAGES, "readwrite");
    tx.objectStore(PAGES).delete(key);
    await done(tx);
  } finally {
    db.close();
  }
}

/** Removes everything kept on the phone (logging out, or someone else logging in). */
export function forgetSaved() {
  generation += 1;
  return new Promise((resolve) => {
    const deletion = indexedDB.deleteDatabase(DB_NAME);
    deletion.onsuccess = () => resolve();
    deletion.onerror = () => resolve();
  });
}

/**
 * A query's answer, kept for shop staff; with no signal, the copy kept on the phone.
 * Resolves to { data, savedAt }: savedAt is null for a fresh answer. Rethrows the NetworkError when
 * nothing is kept, so the app says there is no signal (`unreachable`).
 */
export async function keptQuery(me, key, query) {
  try {
    const data = await query();
    // Saving never holds up or breaks the page. "Not found" (a null answer) is not kept, and what
    // the server no longer shows this user is not kept either.
    if (!Object.values(data).includes(null)) keep(me, key, data).catch(() => {});
    else if (keepsFor(me)) forgetPage(key).catch(() => {});
    return { data, savedAt: null };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    const saved = await savedPage(me, key).catch(() => null);
    if (!saved) throw error;
    return saved;
  }
}

/** "14:05", or "Thu 3 Dec at 14:05" for another day. */
function when(iso) {
  const date = new Date(iso);
  const time = date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  if (date.toDateString() === new Date().toDateString()) return `at ${time}`;
  return `on ${date.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short" })} at ${time}`;
}

/** The mark on a saved copy: when it was saved, that it is shown for want of signal, and `text`
 * saying what is shown. */
export function savedMark(savedAt, text) {
  const cause = navigator.onLine ? "the server cannot be reached" : "no signal";
  return h(
    "div",
    { class: "notice notice-saved", role: "status" },
    h("strong", {}, `Saved on this phone ${when(savedAt)}, ${cause}`),
    h("p", {}, text),
  );
}

/** A screen that could not be loaded and has no saved copy, in words; it is drawn again by itself
 * when the signal returns (app.js redraws a screen marked data-offline on the `online` event). */
export function unreachable(retry) {
  const offline = !navigator.onLine;
  return h(
    "div",
    { "data-offline": "1" },
    h("h1", {}, offline ? "No signal" : "Shopwatch cannot be reached"),
    h(
      "p",
      { class: "notice notice-saved", role: "status" },
      offline
        ? "This screen cannot be loaded without signal, and it is not saved on this phone. It loads by itself when the signal returns."
        : "The server is not answering just now, and this screen is not saved on this phone. Try again in a moment.",
    ),
    h("button", { type: "button", onclick: retry }, "Try again"),
  );
}
