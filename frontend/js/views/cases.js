// Cases referred to the police, newest first, filtered by the state of their police case; the
// states chosen are in the link (#/cases?state=EVIDENCE_REQUESTED&state=EVIDENCE_SENT).

import { gql } from "../api.js";
import { formatDateTime, h, kindName, notice, uid } from "../dom.js";
import { pagedList } from "../forms.js";
import { currentQuery, navigate } from "../router.js";
import { CASE_STATES } from "./case.js";
import { referenceTag } from "./reports.js";

const CASES = `query Cases($filter: IncidentFilter, $after: String) {
  incidents(first: 20, after: $after, filter: $filter) {
    edges { node { id reference kind occurredAt description shop { name } policeCase { state crimeReference referredAt } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

function caseItem(incident) {
  const policeCase = incident.policeCase;
  return h(
    "li",
    {},
    h(
      "a",
      { href: `#/incidents/${incident.id}`, class: "card card-link" },
      h(
        "span",
        { class: "card-body" },
        h("span", { class: "card-title" }, `${kindName(incident.kind)} · ${incident.shop.name}`),
        h("span", { class: "card-meta" }, referenceTag(incident), incident.reference ? " · " : "", policeCase?.crimeReference ? `Crime ${policeCase.crimeReference}` : "No crime reference yet"),
        policeCase ? h("span", { class: "card-meta" }, `Referred ${formatDateTime(policeCase.referredAt)}`) : null,
        h("span", { class: "card-text" }, incident.description),
        h("span", { class: "badge badge-new" }, CASE_STATES[policeCase?.state] || "Referred"),
      ),
    ),
  );
}

export async function render() {
  const chosen = currentQuery().getAll("state").filter((state) => state in CASE_STATES);
  const boxes = Object.entries(CASE_STATES).map(([value, label]) => {
    const id = uid("state");
    return h("div", { class: "check" }, h("input", { type: "checkbox", id, name: "state", value, checked: chosen.includes(value) }), h("label", { htmlFor: id }, label));
  });
  const form = h(
    "form",
    {
      class: "report-filters",
      role: "search",
      "aria-label": "Filter cases",
      onsubmit: (event) => {
        event.preventDefault();
        const states = new URLSearchParams(new FormData(event.currentTarget)).toString();
        navigate(states ? `/cases?${states}` : "/cases");
      },
    },
    h("details", { open: chosen.length > 0 }, h("summary", {}, "Filter by the case's state"), h("fieldset", {}, h("legend", {}, "State of the police case"), boxes)),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Show cases"), h("a", { href: "#/cases", class: "button-link secondary" }, "Clear filters")),
  );
  const filter = { statuses: ["REFERRED_TO_POLICE"], ...(chosen.length ? { caseStates: chosen } : {}) };
  const { incidents } = await gql(CASES, { filter });
  const said = chosen.length ? `Cases whose state is ${chosen.map((s) => CASE_STATES[s]).join(" or ")}.` : "Every case referred to the police that you can see, newest first.";
  return h(
    "div",
    {},
    h("h1", {}, "Police cases"),
    form,
    h("p", { class: "hint", id: "cases-summary" }, said),
    incidents.edges.length
      ? pagedList("cases", incidents, async (after) => (await gql(CASES, { filter, after })).incidents, caseItem)
      : notice(chosen.length ? "No case is in these states." : "No case has been referred to the police yet."),
  );
}
