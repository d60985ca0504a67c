// A BID's people for its managers (and administrators): every member with role and shop, inviting
// shop staff and managers, and revoking a membership. The invitation form serves administrators too.

import { gql } from "../api.js";
import { field, formatDateTime, h, notice } from "../dom.js";
import { REFUSED, ROLE_NAMES, actionForm, changed, confirmButton, membershipText, select } from "../forms.js";
import { ANSWER, isAdmin, managesBid, mutate, takeFlash } from "../manage.js";
import { bidNotFound, crumbs } from "./bid.js";

const INVITE = `mutation Invite($input: InviteUserInput!) {
  inviteUser(input: $input) { ... on InviteUserSuccess { email expiresAt } ${ANSWER} }
}`;
const REVOKE = `mutation Revoke($id: ID!) {
  revokeMembership(membershipId: $id) { __typename ... on RevokeMembershipSuccess { membership { id } } ${REFUSED} }
}`;

/**
 * Email, role, BID (when more than one), and the shop (staff) or team (police) the role needs.
 * `bids` carry { id name shops { id name closedAt } teams { id name } }.
 */
export function inviteForm(app, bids, roles) {
  const email = h("input", { type: "email", name: "email", required: true, autocomplete: "off" });
  const role = select("role", roles.map((r) => [r, ROLE_NAMES[r]]));
  const bid = select("bidId", bids.map((b) => [b.id, b.name]));
  const shop = h("select", { name: "shopId" });
  const team = h("select", { name: "teamId" });
  const shopField = field("Shop", shop);
  const teamField = field("Police team", team);
  const chosenBid = () => bids.find((b) => b.id === bid.value);
  const update = () => {
    const current = chosenBid();
    shop.replaceChildren(...current.shops.filter((s) => !s.closedAt).map((s) => h("option", { value: s.id }, s.name)));
    team.replaceChildren(...current.teams.map((t) => h("option", { value: t.id }, t.name)));
    shopField.hidden = role.value !== "SHOP_STAFF";
    teamField.hidden = role.value !== "POLICE";
  };
  role.addEventListener("change", update);
  bid.addEventListener("change", update);
  update();
  return actionForm(
    "Send invitation",
    [field("Email", email), field("Role", role), bids.length > 1 ? field("BID", bid) : null, shopField, teamField],
    async () => {
      const input = { email: email.value.trim(), role: role.value, bidId: bid.value };
      if (role.value === "SHOP_STAFF") input.shopId = shop.value || null;
      if (role.value === "POLICE") input.teamId = team.value || null;
      const invited = await mutate(INVITE, { input }, "inviteUser");
      await changed(app, `Invitation emailed to ${invited.email}; the link works until ${formatDateTime(invited.expiresAt)}.`);
    },
  );
}

/** A "Revoke" button for one membership, asking first. */
export function revokeButton(app, membership, who) {
  const what = membershipText(membership);
  return confirmButton(`Revoke ${ROLE_NAMES[membership.role] || membership.role}`, `Revoke ${who}'s access (${what})? It ends at once.`, async () => {
    await mutate(REVOKE, { id: membership.id }, "revokeMembership");
    await changed(app, `${who}'s membership (${what}) is revoked.`);
  });
}

const MEMBERS = `query Members($bidId: ID!) {
  bids { id name shops { id name closedAt } teams { id name } }
  members(bidId: $bidId, first: 100) {
    edges { node { id role createdAt user { id name email } shop { id name } team { id name } } }
  }
  invitations(bidId: $bidId, first: 100) { edges { node { id email role expiresAt shop { name } team { name } } } }
}`;

const REVOCABLE_BY_MANAGERS = new Set(["SHOP_STAFF", "BID_MANAGER"]);

function memberCard(app, membership) {
  const { user } = membership;
  const mayRevoke =
    user.id !== app.me.id && (isAdmin(app.me) || REVOCABLE_BY_MANAGERS.has(membership.role));
  return h(
    "li",
    { class: "card", "data-membership": membership.id },
    h("h2", { class: "card-title" }, user.name),
    h("p", { class: "card-meta" }, user.email),
    h("p", { class: "card-text" }, `${ROLE_NAMES[membership.role]}${membership.shop ? `, ${membership.shop.name}` : ""}${membership.team ? `, ${membership.team.name}` : ""}`),
    h("p", { class: "card-meta" }, `Since ${formatDateTime(membership.createdAt)}`),
    mayRevoke ? revokeButton(app, membership, user.name) : null,
  );
}

function invitationCard(invitation) {
  const where = invitation.shop?.name || invitation.team?.name;
  return h(
    "li",
    { class: "card" },
    h("p", { class: "card-title" }, invitation.email),
    h("p", { class: "card-text" }, `${ROLE_NAMES[invitation.role]}${where ? `, ${where}` : ""}`),
    h("p", { class: "card-meta" }, `The link works until ${formatDateTime(invitation.expiresAt)}`),
  );
}

export async function render(app, { bidId }) {
  if (!managesBid(app.me, bidId)) return bidNotFound();
  const data = await gql(MEMBERS, { bidId });
  const bid = data.bids.find((b) => b.id === bidId);
  if (!bid) return bidNotFound();
  const members = data.members.edges.map((e) => e.node);
  const invitations = data.invitations.edges.map((e) => e.node);
  const roles = isAdmin(app.me) ? ["SHOP_STAFF", "BID_MANAGER", "POLICE"] : ["SHOP_STAFF", "BID_MANAGER"];
  return h(
    "div",
    {},
    crumbs(bid),
    h("h1", {}, `People of ${bid.name}`),
    takeFlash(),
    members.length ? h("ul", { class: "cards", id: "members" }, members.map((m) => memberCard(app, m))) : notice("No members yet."),
    h("h2", {}, "Invite someone"),
    inviteForm(app, [bid], roles),
    invitations.length ? [h("h2", {}, "Invitations not yet accepted"), h("ul", { class: "cards", id: "invitations" }, invitations.map(invitationCard))] : null,
  );
}
