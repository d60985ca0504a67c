// Neighbourhood police teams, for administrators: create one, change its name, its email address
// (where the alerts go) and the BIDs it covers.

import { gql } from "../api.js";
import { field, h, notice, uid } from "../dom.js";
import { CREATE_REFUSED, actionForm, changed, notYours } from "../forms.js";
import { ANSWER, isAdmin, mutate, takeFlash } from "../manage.js";

const TEAMS = `{ neighbourhoodTeams { id name email bids { id name } } bids { id name } }`;
const TEAM = `team { id name }`;
const CREATE = `mutation CreateTeam($input: CreateTeamInput!) {
  createNeighbourhoodTeam(input: $input) { ... on CreateTeamSuccess { ${TEAM} } ${CREATE_REFUSED} }
}`;
const UPDATE = `mutation UpdateTeam($input: UpdateTeamInput!) {
  updateNeighbourhoodTeam(input: $input) { ... on UpdateTeamSuccess { ${TEAM} } ${ANSWER} }
}`;

/** Name, email and a checkbox per BID, filled from `team`; and the values they hold. */
function teamControls(bids, team = { name: "", email: "", bids: [] }) {
  const name = h("input", { type: "text", name: "name", required: true, maxLength: 200, value: team.name });
  const email = h("input", { type: "email", name: "email", required: true, autocomplete: "off", value: team.email });
  const covered = new Set(team.bids.map((b) => b.id));
  const boxes = bids.map((bid) => {
    const id = uid("bid");
    const box = h("input", { type: "checkbox", id, name: "bidIds", value: bid.id, checked: covered.has(bid.id) });
    return { box, element: h("div", { class: "check" }, box, h("label", { htmlFor: id }, bid.name)) };
  });
  const elements = [
    field("Team name", name),
    field("Email address", email, "Where the covered BIDs' alerts are sent."),
    h("fieldset", {}, h("legend", {}, "BIDs it covers"), boxes.map((b) => b.element)),
  ];
  const values = () => ({
    name: name.value.trim(),
    email: email.value.trim(),
    bidIds: boxes.filter((b) => b.box.checked).map((b) => b.box.value),
  });
  return { elements, values };
}

function teamCard(app, bids, team) {
  const edit = teamControls(bids, team);
  return h(
    "li",
    { class: "card", "data-team": team.id },
    h("h2", { class: "card-title" }, team.name),
    h("p", { class: "card-meta" }, team.email),
    h("p", { class: "card-text" }, team.bids.length ? `Covers ${team.bids.map((b) => b.name).join(", ")}` : "Covers no BID."),
    h(
      "details",
      {},
      h("summary", {}, `Edit ${team.name}`),
      actionForm("Save team", edit.elements, async () => {
        await mutate(UPDATE, { input: { teamId: team.id, ...edit.values() } }, "updateNeighbourhoodTeam");
        await changed(app, `${edit.values().name} saved.`);
      }),
    ),
  );
}

export async function render(app) {
  if (!isAdmin(app.me)) return notYours("Neighbourhood teams");
  const { neighbourhoodTeams, bids } = await gql(TEAMS);
  const add = teamControls(bids);
  return h(
    "div",
    {},
    h("h1", {}, "Neighbourhood teams"),
    takeFlash(),
    neighbourhoodTeams.length
      ? h("ul", { class: "cards", id: "teams" }, neighbourhoodTeams.map((team) => teamCard(app, bids, team)))
      : notice("No teams yet."),
    h("h2", {}, "Add a team"),
    actionForm("Add team", add.elements, async () => {
      const { team } = await mutate(CREATE, { input: add.values() }, "createNeighbourhoodTeam");
      await changed(app, `${team.name} added. Invite its officers from People.`);
    }),
  );
}
