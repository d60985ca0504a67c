// Dates as the town centre counts them (Europe/London), as YYYY-MM-DD strings.

const ZONE = "Europe/London";

/** Today's date on the shop wall's clock. */
export function londonToday() {
  return new Date().toLocaleDateString("en-CA", { timeZone: ZONE });
}

export function addDays(isoDate, days) {
  const day = new Date(`${isoDate}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

export function shortDate(isoDate) {
  return new Date(`${isoDate}T12:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

export function isIsoDate(value) {
  return /^\d{4}-\d{2}-\d{2}$/.test(value || "") && !Number.isNaN(new Date(`${value}T12:00:00Z`).getTime());
}

/** Minutes London is ahead of UTC at an instant (0 or 60). */
function londonOffset(instant) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute));
  return Math.round((wall - instant.getTime()) / 60000);
}

/** The instant a London day begins, as an ISO string: what the server counts a UK date from. */
export function londonMidnight(isoDate) {
  const utcMidnight = new Date(`${isoDate}T00:00:00Z`);
  // Midnight is never inside a clock change in London (they happen at 01:00 and 02:00).
  return new Date(utcMidnight.getTime() - londonOffset(utcMidnight) * 60000).toISOString();
}
