// The live alerts screen: whether the phone is live, the "Alerts on this phone" switch (notification
// permission and Web Push), the last day's alerts and, for managers and police, the broadcast form.

import { ApiError, gql, rolesOf } from "../api.js";
import { field, h, notice } from "../dom.js";
import { ANSWER, Refusal, mutate, offenderPicks } from "../manage.js";
import { ALERT_FIELDS, MEMBER_ROLES, OFF_KEY, alertCard, liveBids, liveState, onLiveState, registerPush } from "../live.js";

const RECENT = `query Recent($bidId: ID!) { liveAlerts(bidId: $bidId) { ${ALERT_FIELDS} } }`;
const BROADCAST = `mutation Broadcast($input: BroadcastInput!) { broadcast(input: $input) { ${ANSWER} } }`;
const PUSH_KEY = "{ pushPublicKey }";
const REMOVE = `mutation Remove($endpoint: String!) {
  removePushSubscription(endpoint: $endpoint) { __typename ... on PermissionDenied { message } ... on NotFound { message } }
}`;
const BROADCASTERS = ["BID_MANAGER", "POLICE", "ADMIN"];

/** A VAPID key (base64url) as the bytes PushManager.subscribe wants. */
function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

/** The server's VAPID public key, or null when it sends no Web Push. */
async function serverKey() {
  try {
    return (await gql(PUSH_KEY)).pushPublicKey || null;
  } catch (error) {
    if (error instanceof ApiError) return null; // A server without Web Push.
    throw error;
  }
}

/** Notifications asked for and, where the server sends Web Push, this phone subscribed to it. */
async function switchOn() {
  if (!("Notification" in window) || !navigator.serviceWorker) return "This browser cannot show notifications.";
  const permission = await Notification.requestPermission();
  if (permission !== "granted")
    return "Notifications are blocked for Shopwatch: allow them in the browser's site settings, then try again.";
  localStorage.removeItem(OFF_KEY);
  const key = await serverKey();
  const registration = await navigator.serviceWorker.ready;
  const open = "On: alerts show while Shopwatch is open or in the background.";
  if (!key || !registration.pushManager) return open;
  try {
    const subscription =
      (await registration.pushManager.getSubscription()) ||
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }));
    await registerPush(subscription);
  } catch (error) {
    // Notifications still work while the app runs; only the closed app's pushes are missing.
    const why = error instanceof Refusal ? error.message : "this browser would not subscribe to push messages.";
    return `${open} Not with Shopwatch closed: ${why}`;
  }
  return "On: alerts show on this phone, even with Shopwatch closed.";
}

async function switchOff() {
  localStorage.setItem(OFF_KEY, "1");
  const registration = await navigator.serviceWorker?.ready;
  const subscription = await registration?.pushManager?.getSubscription();
  if (subscription) {
    // Not this session's (NotFound) is fine: unsubscribing below makes the push service answer 410.
    await mutate(REMOVE, { endpoint: subscription.endpoint }, "removePushSubscription").catch(() => {});
    await subscription.unsubscribe();
  }
  return "Off: alerts show only on this screen and in the banner while Shopwatch is open.";
}

function isOn() {
  return "Notification" in window && Notification.permission === "granted" && !localStorage.getItem(OFF_KEY);
}

function phoneSwitch() {
  const toggle = h("input", { type: "checkbox", role: "switch", id: "alerts-on-phone", checked: isOn() });
  const status = h("p", { class: "hint", id: "alerts-on-phone-hint", "aria-live": "polite" });
  status.textContent = isOn()
    ? "On: a notification when an alert comes while Shopwatch is in the background."
    : "Off: turn on to be alerted while Shopwatch is in the background or closed.";
  toggle.setAttribute("aria-describedby", status.id);
  toggle.addEventListener("change", async () => {
    toggle.disabled = true;
    try {
      status.textContent = toggle.checked ? await switchOn() : await switchOff();
    } catch (error) {
      status.textContent = `Not changed: ${error.message}`;
    }
    toggle.checked = isOn();
    toggle.disabled = false;
  });
  return h(
    "div",
    { class: "switch-field" },
    h("label", { htmlFor: toggle.id, class: "switch" }, toggle, h("span", { class: "switch-track", "aria-hidden": "true" }), "Alerts on this phone"),
    status,
  );
}

async function broadcastForm(me) {
  if (!BROADCASTERS.some((role) => rolesOf(me).has(role))) return null;
  const { bids } = await gql("{ bids { id name } }");
  if (!bids.length) return null;
  let bidId = bids[0].id;
  const picks = h("div");
  const loadPicks = async () =>
    picks.replaceChildren(await offenderPicks(bidId, "Who to look out for (optional)").then((box) => {
      box.querySelectorAll("input").forEach((input) => (input.required = false));
      return box;
    }));
  await loadPicks();
  const bidSelect =
    bids.length > 1
      ? field(
          "BID",
          h("select", { name: "bid", onchange: (event) => ((bidId = event.target.value), loadPicks()) },
            bids.map((b) => h("option", { value: b.id }, b.name))),
        )
      : null;
  const message = h("textarea", { name: "message", required: true, maxLength: 280, rows: 3 });
  const status = h("div", { class: "form-status", "aria-live": "polite" });
  const send = h("button", { type: "submit", class: "primary" }, "Send to every shop");
  const form = h(
    "form",
    { class: "stack broadcast", "aria-labelledby": "broadcast-heading" },
    h("h2", { id: "broadcast-heading" }, "Broadcast"),
    bidSelect,
    field("Message", message, "Up to 280 characters, to every member of the BID at once."),
    h("details", { class: "more-details" }, h("summary", {}, "Pick someone from the gallery"), picks),
    status,
    send,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    send.disabled = true;
    status.replaceChildren();
    try {
      const offenderId = picks.querySelector("input:checked")?.value || null;
      await mutate(BROADCAST, { input: { bidId, message: message.value, offenderId } }, "broadcast");
      message.value = "";
      picks.querySelectorAll("input:checked").forEach((input) => (input.checked = false));
      status.replaceChildren(notice("Sent to every member of the BID."));
    } catch (error) {
      status.replaceChildren(notice(error.message, "error"));
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

async function recent() {
  const alerts = [];
  for (const bid of liveBids()) alerts.push(...(await gql(RECENT, { bidId: bid.id })).liveAlerts);
  alerts.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  return h(
    "section",
    { "aria-labelledby": "recent-heading" },
    h("h2", { id: "recent-heading" }, "The last 24 hours"),
    alerts.length ? h("ul", { class: "live-list" }, alerts.map((a) => h("li", {}, alertCard(a)))) : h("p", {}, "No live alerts in the last 24 hours."),
  );
}

export async function render(app) {
  if (!MEMBER_ROLES.some((role) => rolesOf(app.me).has(role))) {
    // Administrators are not members of a BID: nothing comes to them live, but they may broadcast.
    const intro = h("p", {}, "Live alerts go to the members of a BID: its shops, managers and police.");
    return h("div", { "data-title": "Live alerts" }, h("h1", {}, "Live alerts"), intro, await broadcastForm(app.me));
  }
  const state = h("p", { class: "live-state" });
  const say = (words) => {
    if (!state.isConnected && state.dataset.drawn) return stop();
    state.dataset.drawn = "1";
    state.textContent = words === "Live" ? "Live: alerts arrive as they happen." : words || "Not connected.";
  };
  const stop = onLiveState(say);
  say(liveState());
  const [form, list] = await Promise.all([broadcastForm(app.me), liveBids().length ? recent() : null]);
  return h("div", { "data-title": "Live alerts" }, h("h1", {}, "Live alerts"), state, phoneSwitch(), form, list);
}
