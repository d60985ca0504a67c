// A live alert in words, shared by the page's banner and notifications and the service worker's
// push notifications, so all three say the same thing.

export const KIND_TITLES = {
  OFFENDER_SEEN: "Known offender seen",
  EXCLUSION_BREACH: "Exclusion breach",
  PATTERN_ALERT: "Pattern alert",
  BROADCAST: "Message to all shops",
};

/** "14:05" in the phone's own time. */
export function timeOf(iso) {
  return new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
}

/** An alert's system notification: title, body, tag (one per alert, so the page's and a push's
 * notification of the same alert replace each other), icon and the screen a tap opens. */
export function notificationOf(alert) {
  const where = alert.shop?.name;
  const about = [alert.offender?.displayName, where && `at ${where}`, alert.createdAt && timeOf(alert.createdAt)];
  return {
    title: KIND_TITLES[alert.kind] || "Shopwatch alert",
    options: {
      body: [alert.message, about.filter(Boolean).join(", ")].filter(Boolean).join("\n"),
      tag: alert.id ? `live-${alert.id}` : undefined,
      icon: alert.offender?.thumbnailUrl || "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      data: { url: "/#/live" },
    },
  };
}
