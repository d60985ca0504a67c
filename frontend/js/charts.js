// SVG charts built through DOM APIs (never markup from data). Each is a <figure> whose SVG has a
// <title> and <desc> read by screen readers, followed by the same figures as a table. A chart's
// parts may lead somewhere (`href`): tapping one opens it, and the table has the same links as real
// links, for keyboards and screen readers (the SVG is one image to them).

import { navigate } from "./router.js";
import { h, s, uid } from "./dom.js";

const WIDTH = 360;
// Labels are 16 units in a drawing 360 units wide, shown at the width of the screen less its margins:
// at least 14 px on a 360 px phone (328 px wide, 14.6 px) and more on anything wider.
const LABEL = 16;

function frame(title, description, svg, table, legend = null) {
  const titleId = uid("chart-title");
  const descId = uid("chart-desc");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-labelledby", `${titleId} ${descId}`);
  svg.prepend(s("title", { id: titleId }, title), s("desc", { id: descId }, description));
  return h(
    "figure",
    { class: "chart" },
    h("figcaption", {}, title),
    svg,
    legend,
    h("details", {}, h("summary", {}, `${title}: table`), h("div", { class: "table-scroll" }, table)),
  );
}

/** Makes an SVG part open `href` when tapped (the table beside it has the link for keyboards). */
function leadsTo(element, href) {
  if (!href) return element;
  element.classList.add("chart-link");
  element.dataset.href = href;
  element.addEventListener("click", () => navigate(href.replace(/^#/, "")));
  return element;
}

/** A table with a caption; `rows` are arrays of cells, numbers right-aligned; a cell may be
 * { text, href } to be a link. */
export function dataTable(caption, headers, rows) {
  const cell = (tag, value) => {
    const linked = value !== null && typeof value === "object";
    const text = linked ? value.text : value;
    return h(
      tag,
      { class: typeof text === "number" ? "num" : null, scope: tag === "th" ? "col" : null },
      linked ? h("a", { href: value.href, class: "table-link" }, String(text)) : String(text),
    );
  };
  return h(
    "table",
    {},
    h("caption", { class: "hint" }, caption),
    h("thead", {}, h("tr", {}, headers.map((header) => cell("th", header)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, row.map((value) => cell("td", value))))),
  );
}

const linked = (text, href) => (href ? { text, href } : text);

/** Columns over time, e.g. incidents by week: items are { label, value, href?, part?, note? };
 * a `part` column (a week the period covers only some days of) is drawn paler, with a dashed edge. */
export function columnChart({ title, description, items, labelHeader, valueHeader, noteHeader, partLegend }) {
  const height = 200;
  const left = 34;
  const bottom = 28;
  const max = Math.max(1, ...items.map((i) => i.value));
  const slot = (WIDTH - left) / Math.max(1, items.length);
  const every = Math.max(1, Math.ceil(64 / slot)); // A label at 16 units needs about 60 across.
  const svg = s(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height },
    s("line", { class: "axis", x1: left, y1: height - bottom, x2: WIDTH, y2: height - bottom }),
    s("text", { x: 0, y: LABEL }, String(max)),
    s("text", { x: 0, y: height - bottom }, "0"),
    items.map((item, index) => {
      const barHeight = ((height - bottom - 22) * item.value) / max;
      const x = left + index * slot + slot * 0.15;
      const hit = s("rect", { class: "hit", x: left + index * slot, y: 0, width: slot, height: height - bottom });
      return leadsTo(
        s(
          "g",
          { "data-label": item.label },
          hit,
          s("rect", { class: item.part ? "bar-fill bar-part" : "bar-fill", x, y: height - bottom - barHeight, width: slot * 0.7, height: barHeight }),
          index % every === 0
            ? s("text", { x: Math.min(WIDTH - 30, Math.max(left + 26, left + (index + 0.5) * slot)), y: height - 6, class: "label-centred" }, item.label)
            : null,
          s("title", {}, `${item.label}: ${item.value}${item.note ? ` (${item.note})` : ""}`),
        ),
        item.href,
      );
    }),
  );
  const headers = noteHeader ? [labelHeader, valueHeader, noteHeader] : [labelHeader, valueHeader];
  const rows = items.map((i) => [linked(i.label, i.href), i.value, ...(noteHeader ? [i.note || ""] : [])]);
  const legend = items.some((i) => i.part) && partLegend ? h("p", { class: "chart-legend hint" }, h("span", { class: "swatch swatch-part", "aria-hidden": "true" }), h("span", { class: "legend-text" }, partLegend)) : null;
  return frame(title, description, svg, dataTable(title, headers, rows), legend);
}

/** Horizontal bars, e.g. incidents by kind: items are { label, value, extra?, href? }; each row has
 * its label above its bar, the width of the screen. */
export function barChart({ title, description, items, labelHeader, valueHeader, extraHeader }) {
  const row = 52;
  const height = items.length * row + 4;
  const max = Math.max(1, ...items.map((i) => i.value));
  const room = WIDTH - 48;
  const svg = s(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height },
    items.map((item, index) => {
      const y = index * row + 2;
      const width = Math.max(item.value ? 2 : 0, (room * item.value) / max);
      const label = item.label.length > 38 ? `${item.label.slice(0, 37)}…` : item.label;
      return leadsTo(
        s(
          "g",
          { "data-label": item.label },
          s("rect", { class: "hit", x: 0, y, width: WIDTH, height: row }),
          s("text", { x: 0, y: y + LABEL }, label),
          s("rect", { class: "bar-fill", x: 0, y: y + 24, width, height: 18 }),
          s("text", { x: width + 6, y: y + 39 }, String(item.value)),
        ),
        item.href,
      );
    }),
  );
  const headers = extraHeader ? [labelHeader, valueHeader, extraHeader] : [labelHeader, valueHeader];
  const rows = items.map((i) => [linked(i.label, i.href), i.value, ...(extraHeader ? [i.extra] : [])]);
  return frame(title, description, svg, dataTable(title, headers, rows));
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const hourText = (hour) => `${String(hour).padStart(2, "0")}:00`;

/** The counts each shade of a heat map stands for, from the busiest cell: [[level, from, to]]. */
export function heatLevels(max) {
  const level = (count) => (count === 0 ? 0 : Math.min(4, Math.ceil((4 * count) / Math.max(1, max))));
  const ranges = [[0, 0, 0]];
  for (let count = 1; count <= max; count += 1) {
    const last = ranges[ranges.length - 1];
    if (last[0] === level(count)) last[2] = count;
    else ranges.push([level(count), count, count]);
  }
  return { level, ranges };
}

/** The hour-of-week heat map: 7 rows of 24 hours; cells are { dayOfWeek (1..7), hour, count },
 * `hrefOf(cell)` where a cell leads; a legend under it says what each shade counts. */
export function heatMap({ title, description, cells, hrefOf = () => null }) {
  const left = 40;
  const top = 22;
  const cellWidth = (WIDTH - left) / 24;
  const cellHeight = 24;
  const max = Math.max(0, ...cells.map((c) => c.count));
  const { level, ranges } = heatLevels(max);
  const svg = s(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${top + 7 * cellHeight}`, width: WIDTH, height: top + 7 * cellHeight },
    [0, 6, 12, 18].map((hour) => s("text", { x: left + hour * cellWidth, y: LABEL }, hourText(hour))),
    DAYS.map((day, index) => s("text", { x: 0, y: top + index * cellHeight + 17 }, day)),
    cells.map((cell) =>
      leadsTo(
        s(
          "rect",
          {
            class: `heat-${level(cell.count)}`,
            x: left + cell.hour * cellWidth,
            y: top + (cell.dayOfWeek - 1) * cellHeight,
            width: cellWidth - 1,
            height: cellHeight - 1,
          },
          s("title", {}, `${DAYS[cell.dayOfWeek - 1]} ${hourText(cell.hour)}: ${cell.count}`),
        ),
        cell.count ? hrefOf(cell) : null,
      ),
    ),
  );
  const legend = h(
    "div",
    { class: "chart-legend heat-legend" },
    h("span", { class: "hint" }, "Incidents in an hour:"),
    h(
      "ul",
      {},
      ranges.map(([shade, from, to]) =>
        h("li", {}, h("span", { class: `swatch heat-swatch-${shade}`, "aria-hidden": "true" }), from === to ? String(from) : `${from}–${to}`),
      ),
    ),
  );
  // The table keeps to the hours that had incidents: 168 rows of mostly zeros help nobody.
  const busy = cells.filter((c) => c.count > 0).sort((a, b) => b.count - a.count);
  const table = dataTable(
    `${title} (hours with incidents, busiest first)`,
    ["Day", "Hour", "Incidents"],
    busy.map((c) => [linked(DAYS[c.dayOfWeek - 1], hrefOf(c)), hourText(c.hour), c.count]),
  );
  return frame(title, description, svg, table, legend);
}

/** A schematic plan: places drawn where their latitude and longitude put them (no map under them),
 * each a circle sized and shaded by its count and numbered as in the table. Places are
 * { name, latitude, longitude, count, href }, in the table's order. */
export function planChart({ title, description, places, valueHeader }) {
  const pad = 30;
  const lats = places.map((p) => p.latitude);
  const lons = places.map((p) => p.longitude);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  // East-west degrees shrink with the cosine of the latitude; this keeps the plan's proportions.
  const across = (Math.max(...lons) - Math.min(...lons)) * Math.cos((midLat * Math.PI) / 180) || 1e-6;
  const down = Math.max(...lats) - Math.min(...lats) || 1e-6;
  const scale = Math.min((WIDTH - 2 * pad) / across, (WIDTH - 2 * pad) / down);
  const height = Math.max(160, Math.round(down * scale + 2 * pad));
  const xOf = (p) => pad + (WIDTH - 2 * pad - across * scale) / 2 + (p.longitude - Math.min(...lons)) * Math.cos((midLat * Math.PI) / 180) * scale;
  const yOf = (p) => pad + (height - 2 * pad - down * scale) / 2 + (Math.max(...lats) - p.latitude) * scale;
  const max = Math.max(0, ...places.map((p) => p.count));
  const { level } = heatLevels(max);
  // Quiet places first, so the busiest are drawn on top where circles overlap.
  const order = places.map((p, index) => ({ ...p, key: index + 1 })).sort((a, b) => a.count - b.count);
  const svg = s(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height, class: "plan" },
    s("rect", { class: "plan-ground", x: 0, y: 0, width: WIDTH, height }),
    order.map((p) => {
      const radius = 12 + 12 * Math.sqrt(p.count / Math.max(1, max));
      return leadsTo(
        s(
          "g",
          { "data-label": p.name, transform: `translate(${xOf(p).toFixed(1)} ${yOf(p).toFixed(1)})` },
          s("circle", { class: `plan-shop heat-${level(p.count)}`, r: radius.toFixed(1) }),
          s("text", { class: level(p.count) >= 3 ? "plan-key plan-key-light" : "plan-key", y: 6 }, String(p.key)),
          s("title", {}, `${p.key}. ${p.name}: ${p.count}`),
        ),
        p.href,
      );
    }),
  );
  const table = dataTable(title, ["No.", "Shop", valueHeader], places.map((p, index) => [index + 1, linked(p.name, p.href), p.count]));
  const legend = h("p", { class: "chart-legend hint" }, "Bigger, darker circles had more incidents; numbers are those of the table. North is up; streets are not drawn.");
  return frame(title, description, svg, table, legend);
}
