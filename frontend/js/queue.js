// The outbox: every report is stored here (with its photo blobs) before it is sent, and removed only
// when the server has it. The server is idempotent on clientId, so sending one again after a lost
// answer returns the same report: nothing is lost and nothing is stored twice.
// Used by the page and by the service worker (Background Sync); a Web Lock keeps them from sending
// at the same time.

import { ApiError, NetworkError, gql, upload } from "./api.js";

const DB_NAME = "shopwatch";
const STORE = "outbox";
const LOCK = "shopwatch-outbox";
export const SYNC_TAG = "shopwatch-outbox";
const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel("shopwatch-outbox");

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "clientId" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
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
  await update(clientId, { state: "waiting", error: null });
}

const REPORT = `mutation Report($input: ReportIncidentInput!) {
  reportIncident(input: $input) {
    __typename
    ... on ReportIncidentSuccess { duplicate incident { id } photoErrors { field message } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}`;

/** Sends one stored report; removes it once the server has it. Throws NetworkError to try later. */
async function send(entry, onProgress) {
  const photos = entry.photos || [];
  const input = { ...entry.input, clientId: entry.clientId };
  let data;
  if (photos.length) {
    input.photos = photos.map(() => null);
    const files = photos.map((p, i) => ({ path: `variables.input.photos.${i}`, blob: p.blob, name: p.name }));
    data = await upload(REPORT, { input }, files, onProgress);
  } else {
    data = await gql(REPORT, { input });
  }
  const result = data.reportIncident;
  if (result.__typename === "ReportIncidentSuccess") {
    await discard(entry.clientId);
    return result;
  }
  // A refused report stays on the phone, marked, so its words and photos are never thrown away.
  const message = result.field ? `${result.field}: ${result.message}` : result.message;
  await update(entry.clientId, {
    state: result.__typename === "PermissionDenied" ? "waiting" : "refused",
    error: message,
  });
  throw new ApiError(message);
}

async function exclusively(work) {
  if (typeof navigator !== "undefined" && navigator.locks) return navigator.locks.request(LOCK, work);
  return work();
}

/**
 * Sends one report now (used right after the report form): the result, or throws NetworkError
 * when it must wait.
 */
export function sendNow(clientId, onProgress) {
  return exclusively(async () => {
    const entry = (await listOutbox()).find((e) => e.clientId === clientId);
    if (!entry) return null; // Another context sent it meanwhile.
    return send(entry, onProgress);
  });
}

/**
 * Sends every waiting report of the logged-in user, oldest first; stops at the first network
 * failure. Asks the server who is logged in, so the service worker can call it too.
 */
export function flushOutbox() {
  return exclusively(async () => {
    const waiting = (await listOutbox()).filter((entry) => entry.state === "waiting");
    if (!waiting.length) return 0;
    let me;
    try {
      ({ me } = await gql("{ me { id } }"));
    } catch {
      return 0; // No signal, or the server is down: try again later.
    }
    let sent = 0;
    for (const entry of waiting) {
      if (!me || entry.userId !== me.id) continue;
      try {
        await send(entry);
        sent += 1;
      } catch (error) {
        if (error instanceof NetworkError) break;
      }
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
