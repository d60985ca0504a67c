// What the managers' and administrators' screens share beyond js/manage.js: forms with their
// button's look, confirmed buttons, selects, paged lists, role names, downloads.

import { h, notice } from "./dom.js";
import { actionForm as formWith, attempt, setFlash } from "./manage.js";

/** The refusals of a mutation that takes no free input (no ValidationError in its union). */
export const REFUSED = "... on PermissionDenied { message } ... on NotFound { message }";

/** The refusals of a mutation that makes something from nothing (no NotFound in its union). */
export const CREATE_REFUSED = "__typename ... on ValidationError { field message } ... on PermissionDenied { message }";

/** After a change: the screen drawn again from the server, with `message` above it. */
export function changed(app, message) {
  setFlash(message);
  return app.render();
}

/** A form submitted by `work(form)`, its button labelled `label` and styled `buttonClass`. */
export function actionForm(label, controls, work, buttonClass = "primary") {
  const form = formWith({}, controls, label, work);
  form.querySelector("button[type=submit]").className = buttonClass;
  return form;
}

/** A button that asks `question` first (when there is one), then runs `action`; a failure shows beside it. */
export function confirmButton(label, question, action, buttonClass = "danger") {
  const status = h("span");
  const button = h("button", { type: "button", class: buttonClass }, label);
  button.addEventListener("click", () => {
    if (!question || confirm(question)) attempt(button, status, action);
  });
  return h("div", { class: "confirm-action" }, button, status);
}

/** A select of `[value, label]` pairs. */
export function select(name, options, value = "") {
  return h(
    "select",
    { name },
    options.map(([v, label]) => h("option", { value: v, selected: String(v) === String(value) }, label)),
  );
}

/** The screen for someone who may not use it. */
export function notYours(title) {
  return h("div", {}, h("h1", {}, title), notice("This screen is for administrators."));
}

export const ROLE_NAMES = {
  SHOP_STAFF: "Shop staff",
  BID_MANAGER: "BID manager",
  POLICE: "Police",
  ADMIN: "Administrator",
};

/** "Shop staff, Riverside Supermarket (Market Harcombe)" */
export function membershipText(m) {
  const where = [m.shop?.name, m.team?.name, m.bid?.name].filter(Boolean);
  return `${ROLE_NAMES[m.role] || m.role}${where.length ? `: ${where.join(", ")}` : ""}`;
}

/** A UK date (YYYY-MM-DD) today. */
export function londonToday() {
  return new Date().toLocaleDateString("en-CA", { timeZone: "Europe/London" });
}

/** Saves `text` as a file on the phone. */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * A list of a connection's first page with a "show more" button while there are more:
 * `nextPage(after)` answers the next { edges, pageInfo }, `item(node)` draws one.
 */
export function pagedList(id, connection, nextPage, item, moreLabel = "Show more") {
  const list = h("ul", { class: "cards", id }, connection.edges.map((e) => item(e.node)));
  const more = h("div");
  const offer = (pageInfo) => {
    more.replaceChildren();
    if (!pageInfo.hasNextPage) return;
    const button = h("button", { type: "button", class: "secondary" }, moreLabel);
    button.addEventListener("click", async () => {
      button.disabled = true;
      const next = await nextPage(pageInfo.endCursor);
      list.append(...next.edges.map((e) => item(e.node)));
      offer(next.pageInfo);
    });
    more.append(button);
  };
  offer(connection.pageInfo);
  return [list, more];
}
