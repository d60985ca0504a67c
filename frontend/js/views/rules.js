// A BID's alert rules: each on or off, with its threshold and window, and the defaults beside them.

import { gql } from "../api.js";
import { field, h } from "../dom.js";
import { actionForm, changed } from "../forms.js";
import { ANSWER, mutate, takeFlash } from "../manage.js";
import { bidNotFound, crumbs, findBid } from "./bid.js";

const RULE_FIELDS = `rule title description enabled threshold windowDays adjustable defaultThreshold defaultWindowDays`;
const RULES = `query Rules($bidId: ID!) { alertRules(bidId: $bidId) { ${RULE_FIELDS} } }`;
const UPDATE = `mutation Rules($input: UpdateAlertRulesInput!) {
  updateAlertRules(input: $input) { ... on UpdateAlertRulesSuccess { rules { rule } } ${ANSWER} }
}`;

function ruleFieldset(rule) {
  const id = `rule-${rule.rule.toLowerCase()}`;
  const enabled = h("input", { type: "checkbox", id, name: "enabled", checked: rule.enabled });
  const number = (name, value, max) =>
    h("input", { type: "number", name, min: 1, max, required: true, inputMode: "numeric", value, disabled: !rule.adjustable });
  const threshold = number("threshold", rule.threshold, 100);
  const windowDays = number("windowDays", rule.windowDays, 365);
  const numbers = rule.adjustable
    ? h(
        "div",
        { class: "pair" },
        field("How many", threshold, `Default ${rule.defaultThreshold}`),
        field("Within (days)", windowDays, `Default ${rule.defaultWindowDays}`),
      )
    : null;
  const fieldset = h(
    "fieldset",
    { class: "card rule", "data-rule": rule.rule },
    h("legend", { class: "card-title" }, rule.title),
    h("p", { class: "card-text" }, `Fires on ${rule.description}.`),
    h("div", { class: "check" }, enabled, h("label", { htmlFor: id }, "Alerts on")),
    numbers,
  );
  const value = () => ({
    rule: rule.rule,
    enabled: enabled.checked,
    ...(rule.adjustable ? { threshold: Number(threshold.value), windowDays: Number(windowDays.value) } : {}),
  });
  return { fieldset, value };
}

export async function render(app, { bidId }) {
  const bid = await findBid(app, bidId);
  if (!bid) return bidNotFound();
  const { alertRules } = await gql(RULES, { bidId });
  const rules = alertRules.map(ruleFieldset);
  return h(
    "div",
    {},
    crumbs(bid),
    h("h1", {}, `Alert rules of ${bid.name}`),
    takeFlash(),
    h("p", { class: "hint" }, "An alert emails every neighbourhood team covering the BID. The same rule does not alert again about the same person, vehicle or shop within 7 days."),
    actionForm("Save alert rules", rules.map((r) => r.fieldset), async () => {
      await mutate(UPDATE, { input: { bidId, rules: rules.map((r) => r.value()) } }, "updateAlertRules");
      await changed(app, "Alert rules saved.");
    }),
  );
}
