// Everyone, for administrators: each user with their memberships; inviting anyone but
// administrators, revoking a membership, deactivating an account.

import { gql } from "../api.js";
import { field, h, notice } from "../dom.js";
import { REFUSED, actionForm, changed, confirmButton, membershipText, notYours, pagedList } from "../forms.js";
import { ANSWER, isAdmin, mutate, takeFlash } from "../manage.js";
import { inviteForm, revokeButton } from "./members.js";

const PEOPLE = `query People($search: String, $after: String) {
  users(first: 50, after: $after, search: $search) {
    edges { node { id name email active memberships { id role bid { id name } shop { id name } team { id name } } } }
    pageInfo { hasNextPage endCursor }
  }
  bids { id name shops { id name closedAt } teams { id name } }
}`;
const DEACTIVATE = `mutation Deactivate($id: ID!) {
  deactivateUser(userId: $id) { __typename ... on DeactivateUserSuccess { user { id active } } ${REFUSED} }
}`;

function personCard(app, user) {
  const self = user.id === app.me.id;
  return h(
    "li",
    { class: "card", "data-user": user.id },
    h("h2", { class: "card-title" }, user.name),
    h("p", { class: "card-meta" }, user.email),
    user.active ? null : h("p", { class: "badge badge-inactive" }, "Deactivated"),
    h(
      "ul",
      { class: "memberships" },
      user.memberships.map((m) =>
        h("li", {}, h("span", {}, membershipText(m)), user.active && !self && m.role !== "ADMIN" ? revokeButton(app, m, user.name) : null),
      ),
    ),
    user.memberships.length ? null : h("p", { class: "hint" }, "No membership."),
    user.active && !self
      ? confirmButton(`Deactivate ${user.name}`, `Deactivate ${user.name}'s account? They are logged out at once and cannot log in again.`, async () => {
          await mutate(DEACTIVATE, { id: user.id }, "deactivateUser");
          await changed(app, `${user.name}'s account is deactivated.`);
        })
      : null,
  );
}

let search = "";

export async function render(app) {
  if (!isAdmin(app.me)) return notYours("People");
  const { users, bids } = await gql(PEOPLE, { search: search || null });
  const list = pagedList(
    "people",
    users,
    async (after) => (await gql(PEOPLE, { search: search || null, after })).users,
    (user) => personCard(app, user),
  );
  const query = h("input", { type: "search", name: "search", value: search, autocomplete: "off" });
  return h(
    "div",
    {},
    h("h1", {}, "People"),
    takeFlash(),
    actionForm("Search", [field("Name or email", query)], async () => {
      search = query.value.trim();
      await app.render();
    }, "secondary"),
    users.edges.length ? list : notice(search ? `Nobody matches “${search}”.` : "Nobody yet."),
    h("h2", {}, "Invite someone"),
    bids.length ? inviteForm(app, bids, ["SHOP_STAFF", "BID_MANAGER", "POLICE"]) : notice("Create a BID first."),
  );
}
