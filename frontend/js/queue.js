// The outbox: every report is stored here (with its photo blobs) before it is sent, and removed only
// when the server has it. The server is idempotent on clientId, so sending one again after a lost
// answer returns the same report: nothing is lost and nothing is stored twice. A report the server
// refuses stays, marked "refused" with the reason, until it is corrected and sent or deleted by hand.
// Used by the page and by the service worker (Background Sync); a Web Lock keeps them from sending
// at the same time.

import { ApiError, NetworkError, gql, upload } from "./api.js";

const DB_NAME = "shopwatch";
const STORE = "outbox";
// Reports the service worker sent while no page was open, to be announced when the app opens.
const UNANNOUNCED = "unannounced";
const LOCK = "shopwatch-outbox";
export const SYNC_TAG = "shopwatch-outbox";
const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel("shopwatch-outbox");

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 2);
    request.onupgradeneeded = () => {
      const names = request.result.objectStoreNames;
      if (!names.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: "clientId" });
      if (!names.contains(UNANNOUNCED)) request.result.createObjectStore(UNANNOUNCED, { keyPath: "userId" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, work, name = STORE) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(name, mode);
      const result = work(tx.objectStore(name));
      tx.oncomplete = () => resolve(result.result ?? result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

function changed() {
  channel?.postMessage("changed");
  if (typeof window !== "undefined") window.dispatchEvent(new Event("outbox-changed"));
}

/** Tells every page that `count` of `userId`'s waiting reports went, from this page or the service
 * worker; with no page open, the count waits for the app to open (`takeUnannounced`). */
async function announceSent(count, userId) {
  channel?.postMessage({ sent: count });
  if (typeof window !== "undefined") {
    window.dispatchEvent(new CustomEvent("outbox-sent", { detail: count }));
    return;
  }
  if ((await self.clients.matchAll({ type: "window" })).length) return;
  await withStore(
    "readwrite",
    (store) => {
      const get = store.get(userId);
      get.onsuccess = () => store.put({ userId, count: (get.result?.count || 0) + count });
      return get;
    },
    UNANNOUNCED,
  );
}

/** How many of `userId`'s reports went while the app was closed, said once; anyone else's count is
 * dropped unsaid. */
export async function takeUnannounced(userId) {
  const all = await withStore("readwrite", (store) => {
    const everything = store.getAll();
    everything.onsuccess = () => store.clear();
    return everything;
  }, UNANNOUNCED);
  return all.find((entry) => entry.userId === userId)?.count || 0;
}

/** Calls `listener(count)` whenever waiting reports go, sent by this page or another context. */
export function onReportsSent(listener) {
  channel?.addEventListener("message", (event) => {
    if (event.data?.sent) listener(event.data.sent);
  });
  window.addEventListener("outbox-sent", (event) => listener(event.detail));
}

/** Calls `listener` whenever the outbox changes, in this page or another context. */
export function onOutboxChange(listener) {
  channel?.addEventListener("message", listener);
  window.addEventListener("outbox-changed", listener);
  return () => {
    channel?.removeEventListener("message", listener);
    window.removeEventListener("outbox-changed", listener);
  };
}

/**
 * Stores a report: { clientId, userId, input (without photos), photos: [{ blob, name }] }. `userId`
 * is the reporter's: on a phone shared by a shop's staff, a report waits for its own reporter's
 * session rather than go under a colleague's name.
 */
export async function enqueue(report) {
  const entry = { ...report, createdAt: new Date().toISOString(), state: "waiting", error: null };
  await withStore("readwrite", (store) => store.put(entry));
  changed();
  return entry;
}

export async function listOutbox() {
  const entries = await withStore("readonly", (store) => store.getAll());
  return entries.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

async function update(clientId, changes) {
  await withStore("readwrite", (store) => {
    const get = store.get(clientId);
    get.onsuccess = () => {
      if (get.result) store.put({ ...get.result, ...changes });
    };
    return get;
  });
  changed();
}

export async function discard(clientId) {
  await withStore("readwrite", (store) => store.delete(clientId));
  changed();
}

export async function retry(clientId) {
  await update(clientId, { state: "waiting", error: null, refusal: null });
}

/** One stored report, or null once it has been sent or deleted. */
export async function findInOutbox(clientId) {
  return (await withStore("readonly", (store) => store.get(clientId))) ?? null;
}

/** Replaces a stored report's fields and photos (the worker corrected it); it waits to be sent. */
export async function revise(clientId, { input, photos }) {
  await update(clientId, { input, photos, state: "waiting", error: null, refusal: null });
}

// The form's names for the fields the server may name in a refusal.
const FIELD_NAMES = {
  shopId: "Shop",
  kind: "Kind of incident",
  occurredAt: "When",
  description: "What happened",
  valueStolenPence: "Value stolen",
  policeReference: "Police reference",
  vehicleRegistration: "Vehicle registration",
  injury: "Someone was injured",
  offenderIds: "Known offenders",
};

/** A photo's place in words ("Photo 2") for a field such as "photos.1", or null. */
export function photoName(field) {
  const found = /^photos?(?:\.(\d+))?$/.exec(field || "");
  if (!found) return null;
  return found[1] === undefined ? "Photo" : `Photo ${Number(found[1]) + 1}`;
}

/** The reason for a refusal in the form's words, never a field path. */
export function refusalReason(field, message) {
  const name = FIELD_NAMES[field] || photoName(field);
  return name ? `${name}: ${message}` : message;
}

/** The server refused the report: sending it again unchanged will not help, unless `mayPassLater`. */
export class Refused extends ApiError {
  constructor(reason, field, mayPassLater) {
    super(reason);
    this.field = field;
    this.mayPassLater = mayPassLater;
  }
}

/** Nobody is logged in any more: the report waits for its reporter to log in again. */
export class WaitingForLogin extends Error {}

const REPORT = `mutation Report($input: ReportIncidentInput!) {
  reportIncident(input: $input) {
    __typename
    ... on ReportIncidentSuccess { duplicate reference incident { id } photoErrors { field message } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}`;

async function loggedInUserId() {
  const { me } = await gql("{ me { id } }");
  return me?.id ?? null;
}

/** The server's answer to one report: its `reportIncident` result, or a Refused for any refusal. */
async function deliver(entry, onProgress) {
  const photos = entry.photos || [];
  const input = { ...entry.input, clientId: entry.clientId };
  try {
    if (!photos.length) return (await gql(REPORT, { input })).reportIncident;
    input.photos = photos.map(() => null);
    const files = photos.map((p, i) => ({ path: `variables.input.photos.${i}`, blob: p.blob, name: p.name }));
    return (await upload(REPORT, { input }, files, onProgress)).reportIncident;
  } catch (error) {
    if (error instanceof ApiError) throw new Refused(error.message, null, true);
    throw error;
  }
}

/**
 * Sends one stored report; removes it once the server has it. Throws NetworkError to try later,
 * WaitingForLogin when the session has ended, and Refused (the report stays, marked) otherwise.
 */
async function send(entry, onProgress) {
  let result;
  try {
    result = await deliver(entry, onProgress);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    result = { __typename: "Refused", message: error.message };
  }
  if (result.__typename === "ReportIncidentSuccess") {
    await discard(entry.clientId);
    return result;
  }
  if (result.__typename === "PermissionDenied" && (await loggedInUserId()) === null) {
    throw new WaitingForLogin(result.message);
  }
  // A refused report stays on the phone, marked, so its words and photos are never thrown away.
  const refusal = {
    kind: result.__typename,
    field: result.field ?? null,
    reason: refusalReason(result.field, result.message),
    mayPassLater: result.__typename !== "ValidationError",
  };
  await update(entry.clientId, { state: "refused", error: refusal.reason, refusal });
  throw new Refused(refusal.reason, refusal.field, refusal.mayPassLater);
}

async function exclusively(work) {
  if (typeof navigator !== "undefined" && navigator.locks) return navigator.locks.request(LOCK, work);
  return work();
}

/**
 * Sends one report now (used right after the report form): the result, or throws as `send` does.
 */
export function sendNow(clientId, onProgress) {
  return exclusively(async () => {
    const entry = (await listOutbox()).find((e) => e.clientId === clientId);
    if (!entry) return null; // Another context sent it meanwhile.
    return send(entry, onProgress);
  });
}

/**
 * Sends every waiting report of the logged-in user, oldest first, and resolves to how many went.
 * Rejects with NetworkError at the first request that fails or meets a server error, so that a
 * Background Sync fails and the browser tries again later; a refused report is marked and skipped.
 * Asks the server who is logged in, so the service worker can call it too.
 */
export function flushOutbox() {
  return exclusively(async () => {
    const waiting = (await listOutbox()).filter((entry) => entry.state === "waiting");
    if (!waiting.length) return 0;
    let userId;
    try {
      userId = await loggedInUserId();
    } catch (error) {
      if (error instanceof NetworkError) throw error;
      return 0;
    }
    let sent = 0;
    try {
      for (const entry of waiting.filter((e) => e.userId === userId)) {
        try {
          await send(entry);
          sent += 1;
        } catch (error) {
          if (error instanceof WaitingForLogin) break;
          if (!(error instanceof Refused)) throw error;
        }
      }
    } finally {
      // Said even when the signal goes again half-way: those that went, went.
      if (sent) await announceSent(sent, userId);
    }
    return sent;
  });
}

/** Asks the browser to wake the service worker when the signal returns, where it can. */
export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register(SYNC_TAG);
  } catch {
    // No Background Sync here: start-up and the `online` event send instead.
  }
}
