// SVG charts built through DOM APIs (never markup from data). Each is a <figure> whose SVG has a
// <title> and <desc> read by screen readers, followed by the same figures as a table.

import { h, s, uid } from "./dom.js";

const WIDTH = 360;

function frame(title, description, svg, table) {
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
    h("details", {}, h("summary", {}, `${title}: table`), h("div", { class: "table-scroll" }, table)),
  );
}

/** A table with a caption; `rows` are arrays of cells, numbers right-aligned. */
export function dataTable(caption, headers, rows) {
  const cell = (tag, value) => h(tag, { class: typeof value === "number" ? "num" : null, scope: tag === "th" ? "col" : null }, String(value));
  return h(
    "table",
    {},
    h("caption", { class: "hint" }, caption),
    h("thead", {}, h("tr", {}, headers.map((header) => cell("th", header)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, row.map((value) => cell("td", value))))),
  );
}

/** Columns over time, e.g. incidents by week: items are { label, value }. */
export function columnChart({ title, description, items, labelHeader, valueHeader }) {
  const height = 180;
  const left = 28;
  const bottom = 24;
  const max = Math.max(1, ...items.map((i) => i.value));
  const slot = (WIDTH - left) / Math.max(1, items.length);
  const every = Math.ceil(items.length / 6); // At most about six labels fit at 360 px.
  const svg = s(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height },
    s("line", { class: "axis", x1: left, y1: height - bottom, x2: WIDTH, y2: height - bottom }),
    s("text", { x: 0, y: 12 }, String(max)),
    s("text", { x: 0, y: height - bottom }, "0"),
    items.map((item, index) => {
      const barHeight = ((height - bottom - 16) * item.value) / max;
      const x = left + index * slot + slot * 0.15;
      return [
        s("rect", { class: "bar-fill", x, y: height - bottom - barHeight, width: slot * 0.7, height: barHeight }),
        index % every === 0 ? s("text", { x, y: height - 6 }, item.label) : null,
      ];
    }),
  );
  return frame(title, description, svg, dataTable(title, [labelHeader, valueHeader], items.map((i) => [i.label, i.value])));
}

/** Horizontal bars, e.g. incidents by kind: items are { label, value, extra? }. */
export function barChart({ title, description, items, labelHeader, valueHeader, extraHeader }) {
  const row = 24;
  const labelWidth = 150;
  const height = items.length * row + 4;
  const max = Math.max(1, ...items.map((i) => i.value));
  const room = WIDTH - labelWidth - 36;
  const svg = s(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${height}`, width: WIDTH, height },
    items.map((item, index) => {
      const y = index * row + 2;
      const width = (room * item.value) / max;
      const label = item.label.length > 22 ? `${item.label.slice(0, 21)}…` : item.label;
      return [
        s("text", { x: 0, y: y + 15 }, label),
        s("rect", { class: "bar-fill", x: labelWidth, y: y + 3, width, height: row - 8 }),
        s("text", { x: labelWidth + width + 4, y: y + 15 }, String(item.value)),
      ];
    }),
  );
  const headers = extraHeader ? [labelHeader, valueHeader, extraHeader] : [labelHeader, valueHeader];
  const rows = items.map((i) => (extraHeader ? [i.label, i.value, i.extra] : [i.label, i.value]));
  return frame(title, description, svg, dataTable(title, headers, rows));
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** The hour-of-week heat map: 7 rows of 24 hours; cells are { dayOfWeek (1..7), hour, count }. */
export function heatMap({ title, description, cells }) {
  const left = 32;
  const top = 14;
  const cellWidth = (WIDTH - left) / 24;
  const cellHeight = 18;
  const max = Math.max(1, ...cells.map((c) => c.count));
  const level = (count) => (count === 0 ? 0 : Math.min(4, Math.ceil((4 * count) / max)));
  const svg = s(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${top + 7 * cellHeight}`, width: WIDTH, height: top + 7 * cellHeight },
    [0, 6, 12, 18].map((hour) => s("text", { x: left + hour * cellWidth, y: 10 }, `${String(hour).padStart(2, "0")}:00`)),
    DAYS.map((day, index) => s("text", { x: 0, y: top + index * cellHeight + 13 }, day)),
    cells.map((cell) =>
      s(
        "rect",
        {
          class: `heat-${level(cell.count)}`,
          x: left + cell.hour * cellWidth,
          y: top + (cell.dayOfWeek - 1) * cellHeight,
          width: cellWidth - 1,
          height: cellHeight - 1,
        },
        s("title", {}, `${DAYS[cell.dayOfWeek - 1]} ${String(cell.hour).padStart(2, "0")}:00: ${cell.count}`),
      ),
    ),
  );
  // The table keeps to the hours that had incidents: 168 rows of mostly zeros help nobody.
  const busy = cells.filter((c) => c.count > 0).sort((a, b) => b.count - a.count);
  const table = dataTable(
    `${title} (hours with incidents, busiest first)`,
    ["Day", "Hour", "Incidents"],
    busy.map((c) => [DAYS[c.dayOfWeek - 1], `${String(c.hour).padStart(2, "0")}:00`, c.count]),
  );
  return frame(title, description, svg, table);
}
