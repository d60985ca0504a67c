// What the management screens share: a mutation's union answer turned into a message, forms that
// report failure beside themselves, and a message kept across the re-render that follows a change.

import { gql, rolesOf } from "./api.js";
import { h, notice } from "./dom.js";

export const ERRORS = `... on ValidationError { field message } ... on PermissionDenied { message } ... on NotFound { message }`;

/** A mutation whose answer is `data[name]`: its success payload, or an Error with the refusal's message. */
export async function mutate(name, query, variables) {
  const result = (await gql(query, variables))[name];
  if (result.__typename.endsWith("Success")) return result;
  throw new Error(result.message);
}

let flash = null;

/** After a change: show `message` above the screen drawn again from the server. */
export function changed(app, message) {
  flash = message;
  return app.render();
}

/** The message left by the last change, once. */
export function flashNotice() {
  const message = flash;
  flash = null;
  return message ? notice(message) : null;
}

/**
 * A form whose submit runs `action(form)`; a refusal or failure is shown above its button, which
 * stays disabled while the request runs.
 */
export function actionForm(label, controls, action, buttonClass = "primary") {
  const status = h("div", { class: "form-status" });
  const button = h("button", { type: "submit", class: buttonClass }, label);
  const form = h(
    "form",
    {
      class: "stack",
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        status.replaceChildren();
        try {
          await action(form);
        } catch (error) {
          status.replaceChildren(notice(error.message, "error"));
        } finally {
          button.disabled = false;
        }
      },
    },
    controls,
    status,
    button,
  );
  return form;
}

/** A button that asks `question` first, then runs `action`; a failure shows beside it. */
export function confirmButton(label, question, action, buttonClass = "danger") {
  const status = h("span");
  const button = h("button", { type: "button", class: buttonClass }, label);
  button.addEventListener("click", async () => {
    if (question && !confirm(question)) return;
    button.disabled = true;
    status.replaceChildren();
    try {
      await action();
    } catch (error) {
      status.replaceChildren(notice(error.message, "error"));
      button.disabled = false;
    }
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

export function isAdmin(me) {
  return rolesOf(me).has("ADMIN");
}

/** Whether `me` may manage the BID: an administrator, or one of its managers. */
export function mayManage(me, bidId) {
  return isAdmin(me) || (me?.memberships || []).some((m) => m.role === "BID_MANAGER" && m.bid?.id === bidId);
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
