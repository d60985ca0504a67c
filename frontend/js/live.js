// Live alerts on the phone: while a member is logged in, one socket subscribed to each of their
// BIDs; each alert raises a banner (with sound and vibration where the browser allows), and a system
// notification when the page is hidden. After a reconnect, what was missed is fetched with
// liveAlerts since the last alert received. Loaded by app.js after the first screen is drawn.

import { LIVE_CLOSED, gql, rolesOf } from "./api.js";
import { h } from "./dom.js";
import { mutate } from "./manage.js";
import { GraphQLSocket } from "./live-socket.js";
import { KIND_TITLES, notificationOf, timeOf } from "./live-words.js";

export const ALERT_FIELDS = "id kind createdAt message shop { id name } offender { id displayName thumbnailUrl status }";
const SUBSCRIPTION = `subscription Live($bidId: ID!) { bidAlerts(bidId: $bidId) { ${ALERT_FIELDS} } }`;
const MISSED = `query Missed($bidId: ID!, $since: DateTime) { liveAlerts(bidId: $bidId, since: $since) { ${ALERT_FIELDS} } }`;
export const MEMBER_ROLES = ["SHOP_STAFF", "BID_MANAGER", "POLICE"];
const REGISTER = `mutation Register($input: PushSubscriptionInput!) {
  registerPushSubscription(input: $input) { __typename ... on ValidationError { field message } ... on PermissionDenied { message } }
}`;
const MOST_BANNERS = 3;
// Set when the user turned "Alerts on this phone" off: no system notification from this page then.
export const OFF_KEY = "shopwatch.live.off";


let live = null;
const listeners = new Set();

/** The live state in words for the top bar and the live screen: "Live", "Reconnecting…" or "". */
export function liveState() {
  return live?.state || "";
}

/** Calls `listener(state)` whenever the live state changes; returns a function to stop. */
export function onLiveState(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setState(state) {
  if (!live) return;
  live.state = state;
  const indicator = document.getElementById("live");
  if (indicator) {
    indicator.textContent = state;
    indicator.className = state === "Live" ? "live live-on" : state ? "live live-off" : "live";
  }
  for (const listener of listeners) listener(state);
}

/** Connected for `me`'s BIDs (none for an administrator alone, nobody when `me` is null): the
 * connection already open for the same user is kept; resolves once subscribed. */
export function ensureLive(me) {
  if (live && me && live.me.id === me.id && !live.socket?.stopped) return live.ready;
  stopLive();
  if (!me || !MEMBER_ROLES.some((role) => rolesOf(me).has(role))) return Promise.resolve();
  const session = { me, state: "", since: new Map(), seen: new Set(), bids: [] };
  live = session;
  session.ready = connect(session);
  return session.ready;
}

/** Tells the server about this phone's push subscription, for the session logged in now. */
export async function registerPush(subscription) {
  const { endpoint, keys } = subscription.toJSON();
  await mutate(REGISTER, { input: { endpoint, p256dh: keys.p256dh, auth: keys.auth } }, "registerPushSubscription");
}

/** A push subscription belongs to the session that registered it: after a new login (perhaps
 * someone else's on the same phone) the phone's subscription is registered again for this one. */
async function renewPush() {
  if (localStorage.getItem(OFF_KEY) || !("Notification" in window) || Notification.permission !== "granted") return;
  const registration = await navigator.serviceWorker?.ready;
  const subscription = await registration?.pushManager?.getSubscription();
  if (subscription) await registerPush(subscription);
}

async function connect(session) {
  renewPush().catch(() => {}); // Tried again at the next start.
  const { bids } = await gql("{ bids { id name } }").catch(() => ({ bids: [] }));
  if (live !== session) return; // Logged out meanwhile.
  session.bids = bids;
  session.socket = new GraphQLSocket("/graphql", {
    onState: (state) => {
      setState(state === "live" ? "Live" : state === "closed" ? "" : "Reconnecting…");
      if (state === "closed") window.dispatchEvent(new Event(LIVE_CLOSED));
    },
    onConnected: () => bids.forEach((bid) => catchUp(session, bid.id)),
  });
  for (const bid of bids) listen(session, bid.id);
  // Back online, or the phone unlocked: no need to wait out the backoff.
  session.onOnline = () => document.visibilityState === "visible" && session.socket.retryNow();
  window.addEventListener("online", session.onOnline);
  session.onOffline = () => session.socket.drop();
  window.addEventListener("offline", session.onOffline);
  document.addEventListener("visibilitychange", session.onOnline);
}

/** The subscription to one BID. The server ends one whose phone fell behind: it is started again
 * and the rest fetched; one to a BID the user is not a member of (an administrator who also holds
 * a role elsewhere) is left ended. */
function listen(session, bidId) {
  session.socket.subscribe(SUBSCRIPTION, { bidId }, {
    next: (data) => data?.bidAlerts && received(session, bidId, data.bidAlerts),
    error: (messages) => {
      if (live !== session || messages.some((m) => m.includes("no such BID"))) return;
      setTimeout(() => {
        if (live !== session) return;
        listen(session, bidId);
        catchUp(session, bidId);
      }, 1000);
    },
  });
}

export function stopLive() {
  if (!live) return;
  live.socket?.close();
  window.removeEventListener("online", live.onOnline);
  window.removeEventListener("offline", live.onOffline);
  document.removeEventListener("visibilitychange", live.onOnline);
  setState("");
  live = null;
  document.getElementById("live-alerts")?.replaceChildren();
}

/** The BIDs the live connection listens to, as { id, name }. */
export function liveBids() {
  return live?.bids || [];
}

/** On each connection: alerts since the last one received. The first time there is none, and what
 * the last day held is only marked as seen, so opening the app does not replay it. */
async function catchUp(session, bidId) {
  const since = session.since.get(bidId) || null;
  let missed;
  try {
    ({ liveAlerts: missed } = await gql(MISSED, { bidId, since }));
  } catch {
    return; // The next reconnect tries again.
  }
  if (live !== session) return;
  for (const alert of missed) {
    if (since) received(session, bidId, alert);
    else remember(session, bidId, alert);
  }
  // Nothing in the last day: from a little before now (the phone's clock may be behind the server's;
  // an alert seen twice is shown once).
  if (!since && !session.since.has(bidId)) session.since.set(bidId, new Date(Date.now() - 300_000).toISOString());
}

function remember(session, bidId, alert) {
  session.seen.add(alert.id);
  const last = session.since.get(bidId);
  if (!last || alert.createdAt > last) session.since.set(bidId, alert.createdAt);
}

function received(session, bidId, alert) {
  if (session.seen.has(alert.id)) return; // Both the socket and the catch-up brought it.
  remember(session, bidId, alert);
  showBanner(alert);
  attract();
  if (document.visibilityState === "hidden") notify(alert);
}

/** One alert drawn as a card: thumbnail, kind, message, the offender, the shop and the time. */
export function alertCard(alert, props = {}, ...extra) {
  const offender = alert.offender;
  return h(
    "section",
    { class: `live-banner live-${alert.kind.toLowerCase().replace("_", "-")}`, "data-alert-id": alert.id, ...props },
    offender?.thumbnailUrl ? h("img", { class: "live-thumb", src: offender.thumbnailUrl, alt: "" }) : null,
    h(
      "div",
      { class: "live-body" },
      h("p", { class: "live-kind" }, KIND_TITLES[alert.kind] || alert.kind),
      h("p", { class: "live-message" }, alert.message),
      offender ? h("a", { class: "live-offender", href: `#/gallery/${offender.id}` }, offender.displayName) : null,
      h(
        "p",
        { class: "live-meta" },
        alert.shop ? `${alert.shop.name} · ` : "",
        h("time", { dateTime: alert.createdAt }, timeOf(alert.createdAt)),
      ),
    ),
    ...extra,
  );
}

function showBanner(alert) {
  const area = document.getElementById("live-alerts");
  if (!area) return;
  const close = h("button", { type: "button", class: "secondary live-close", "aria-label": "Dismiss this alert" }, "✕");
  const banner = alertCard(alert, { role: "alert" }, close);
  close.addEventListener("click", () => banner.remove());
  area.prepend(banner);
  while (area.children.length > MOST_BANNERS) area.lastElementChild.remove();
}

let audio = null;

/** A short double tone and a buzz; browsers allow either only after the user has touched the page. */
function attract() {
  try {
    navigator.vibrate?.([200, 100, 200]);
  } catch {
    // Not allowed yet: the banner says it.
  }
  try {
    audio ||= new AudioContext();
    if (audio.state !== "running") audio.resume().catch(() => {});
    const now = audio.currentTime;
    for (const [start, pitch] of [[0, 880], [0.25, 660]]) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = pitch;
      gain.gain.setValueAtTime(0.2, now + start);
      gain.gain.exponentialRampToValueAtTime(0.001, now + start + 0.2);
      tone.connect(gain).connect(audio.destination);
      tone.start(now + start);
      tone.stop(now + start + 0.2);
    }
  } catch {
    // No audio here.
  }
}

/** A system notification through the service worker, if the user allowed them and did not turn them off. */
async function notify(alert) {
  if (!("Notification" in window) || Notification.permission !== "granted" || localStorage.getItem(OFF_KEY)) return;
  const registration = await navigator.serviceWorker?.ready;
  if (!registration) return;
  const { title, options } = notificationOf(alert);
  await registration.showNotification(title, options);
}
