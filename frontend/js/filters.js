// The reports list's filters as they stand in its link (#/reports?kind=THEFT&from=2026-11-02...), so
// a list can be shared, and every screen that leads to reports builds its link here.

import { isIsoDate } from "./dates.js";

/** The names in the link, and the filter each sets. */
export const FILTER_KEYS = ["bid", "shop", "kind", "status", "from", "to", "offender", "q"];

/** A link to the reports list filtered by these values (empty ones left out). */
export function reportsLink(filters = {}) {
  const query = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) query.set(key, filters[key]);
  const text = query.toString();
  return text ? `#/reports?${text}` : "#/reports";
}

/** The filters a link names, keeping only values of the right shape (a bad date is left out). */
export function readFilters(query) {
  const filters = {};
  for (const key of FILTER_KEYS) {
    const value = (query.get(key) || "").trim();
    if (!value) continue;
    if ((key === "from" || key === "to") && !isIsoDate(value)) continue;
    filters[key] = value;
  }
  return filters;
}
