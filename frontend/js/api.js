// Talking to /graphql. JSON requests ride on the session cookie (same-origin JSON passes the CSRF
// guard); multipart uploads must also carry X-Shopwatch-CSRF, which no other site can set.

/** What the app says when the server cannot be reached, instead of the browser's own words. */
export const NO_SIGNAL = "No signal: Shopwatch cannot reach its server.";
const SERVER_DOWN = "Shopwatch's server is not answering just now.";

/** The request never reached the server or the server failed: worth trying again later. Its
 * message is in words a user can read ("Failed to fetch" is the browser's, never shown). */
export class NetworkError extends Error {
  constructor(message = NO_SIGNAL) {
    super(message);
  }
}

/** The server answered with GraphQL errors: trying again will not help. */
export class ApiError extends Error {
  constructor(message, codes = []) {
    super(message);
    this.codes = codes;
  }

  /** The session has ended (logged out elsewhere, membership revoked, account deactivated). */
  get loggedOut() {
    return this.codes.includes("UNAUTHENTICATED");
  }
}

/** Dispatched on the page when the server says the session has ended. */
export const SESSION_ENDED = "shopwatch-session-ended";

/** Dispatched on the page when the server closes the live alerts socket for the session's sake. */
export const LIVE_CLOSED = "shopwatch-live-closed";

function readBody(status, text) {
  if (status >= 500 || status === 0) throw new NetworkError(SERVER_DOWN);
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new NetworkError(SERVER_DOWN);
  }
  if (body.errors && body.errors.length) {
    const error = new ApiError(body.errors.map((e) => e.message).join("; "), body.errors.map((e) => e.extensions?.code));
    if (error.loggedOut) globalThis.dispatchEvent?.(new Event(SESSION_ENDED));
    throw error;
  }
  if (status >= 400) throw new ApiError(`Refused (${status})`);
  return body.data;
}

export async function gql(query, variables = {}) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new NetworkError();
  }
  return readBody(response.status, await response.text());
}

/**
 * A GraphQL multipart request (files at variable paths such as "variables.input.photos.0").
 * XMLHttpRequest where there is one, for upload progress; fetch inside the service worker.
 */
export function upload(query, variables, files, onProgress = () => {}) {
  const form = new FormData();
  form.append("operations", JSON.stringify({ query, variables }));
  form.append("map", JSON.stringify(Object.fromEntries(files.map((f, i) => [String(i), [f.path]]))));
  files.forEach((f, i) => form.append(String(i), f.blob, f.name || `photo-${i}`));

  if (typeof XMLHttpRequest === "undefined") {
    return fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-Shopwatch-CSRF": "1" },
      body: form,
    }).then(
      async (response) => readBody(response.status, await response.text()),
      () => {
        throw new NetworkError();
      },
    );
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/graphql");
    xhr.withCredentials = true;
    xhr.setRequestHeader("X-Shopwatch-CSRF", "1");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      try {
        resolve(readBody(xhr.status, xhr.responseText));
      } catch (error) {
        reject(error);
      }
    });
    xhr.addEventListener("error", () => reject(new NetworkError()));
    xhr.addEventListener("timeout", () => reject(new NetworkError("The upload took too long: the signal may be too weak.")));
    xhr.timeout = 120000;
    xhr.send(form);
  });
}

const ME_KEY = "shopwatch.me";

const ME_QUERY = `{ me { id email name memberships { role bid { id name slug shops { id name } } shop { id name } } } }`;

/** The logged-in user, remembered on the phone so the app opens (and reports) without signal. */
export async function loadMe() {
  try {
    const { me } = await gql(ME_QUERY);
    if (me) localStorage.setItem(ME_KEY, JSON.stringify(me));
    else localStorage.removeItem(ME_KEY);
    return me;
  } catch (error) {
    if (error instanceof NetworkError) return rememberedMe();
    throw error;
  }
}

export function rememberedMe() {
  const stored = localStorage.getItem(ME_KEY);
  return stored ? JSON.parse(stored) : null;
}

export function forgetMe() {
  localStorage.removeItem(ME_KEY);
}

// Set while a logout made with no signal has not reached the server yet. The session cookie is
// HttpOnly, so only the server can end the session: until it has, the next person to pick up the
// phone would be let in as the last one once the signal returns.
const LOGOUT_KEY = "shopwatch.logout";

/** Ends the session on the server, or, with no signal, as soon as there is some (`finishLogout`). */
export async function endSession() {
  localStorage.setItem(LOGOUT_KEY, "1");
  await finishLogout();
}

/** Ends a session left open by a logout made with no signal; whether none is left open. */
export async function finishLogout() {
  if (!localStorage.getItem(LOGOUT_KEY)) return true;
  try {
    await gql("mutation { logout }");
  } catch (error) {
    if (error instanceof NetworkError) return false;
  }
  localStorage.removeItem(LOGOUT_KEY);
  return true;
}

/** A new login replaced the session cookie: the old session is no longer on this phone. */
export function loggedInAfresh() {
  localStorage.removeItem(LOGOUT_KEY);
}

/** The roles a user holds, as a Set of role names. */
export function rolesOf(me) {
  return new Set((me?.memberships || []).map((m) => m.role));
}

/** The shops a user may report for: their own shop as staff, every shop of a BID they manage. */
export function reportableShops(me) {
  const shops = new Map();
  for (const m of me?.memberships || []) {
    if (m.role === "SHOP_STAFF" && m.shop) shops.set(m.shop.id, { ...m.shop, bidId: m.bid.id, bidName: m.bid.name });
    if ((m.role === "BID_MANAGER" || m.role === "ADMIN") && m.bid)
      for (const shop of m.bid.shops) shops.set(shop.id, { ...shop, bidId: m.bid.id, bidName: m.bid.name });
  }
  return [...shops.values()];
}
