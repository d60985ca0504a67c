// Every BID, for administrators: create one, rename one, and open each one's workspace.

import { gql } from "../api.js";
import { field, h, notice } from "../dom.js";
import { CREATE_REFUSED, actionForm, changed, notYours } from "../forms.js";
import { ANSWER, isAdmin, mutate, takeFlash } from "../manage.js";

const BIDS = `{ bids { id name slug shops { id } teams { id name } } }`;
const CREATE = `mutation CreateBid($input: CreateBidInput!) {
  createBid(input: $input) { ... on CreateBidSuccess { bid { id name } } ${CREATE_REFUSED} }
}`;
const RENAME = `mutation UpdateBid($input: UpdateBidInput!) {
  updateBid(input: $input) { ... on UpdateBidSuccess { bid { id name } } ${ANSWER} }
}`;

/** "Market Harcombe Town Centre" → "market-harcombe-town-centre". */
export function slugify(name) {
  return name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
}

function bidCard(app, bid) {
  const name = h("input", { type: "text", name: "name", required: true, maxLength: 200, value: bid.name });
  const teams = bid.teams.map((t) => t.name).join(", ");
  return h(
    "li",
    { class: "card", "data-bid": bid.id },
    h("h2", { class: "card-title" }, bid.name),
    h("p", { class: "card-meta" }, `${bid.slug} · ${bid.shops.length} ${bid.shops.length === 1 ? "shop" : "shops"}`),
    h("p", { class: "card-text" }, teams ? `Police: ${teams}` : "No police team covers it yet."),
    h("a", { href: `#/manage/${bid.id}`, class: "button-link" }, `Manage ${bid.name}`),
    h(
      "details",
      {},
      h("summary", {}, `Rename ${bid.name}`),
      actionForm("Save name", [field("New name", name)], async () => {
        await mutate(RENAME, { input: { bidId: bid.id, name: name.value.trim() } }, "updateBid");
        await changed(app, `Renamed to ${name.value.trim()}.`);
      }),
    ),
  );
}

export async function render(app) {
  if (!isAdmin(app.me)) return notYours("BIDs");
  const { bids } = await gql(BIDS);
  const name = h("input", { type: "text", name: "name", required: true, maxLength: 200 });
  const slug = h("input", { type: "text", name: "slug", required: true, maxLength: 60, pattern: "[a-z0-9]+(-[a-z0-9]+)*" });
  let slugEdited = false;
  name.addEventListener("input", () => {
    if (!slugEdited) slug.value = slugify(name.value);
  });
  slug.addEventListener("input", () => {
    slugEdited = true;
  });
  return h(
    "div",
    {},
    h("h1", {}, "BIDs"),
    takeFlash(),
    bids.length ? h("ul", { class: "cards", id: "bids" }, bids.map((bid) => bidCard(app, bid))) : notice("No BIDs yet."),
    h("h2", {}, "Create a BID"),
    actionForm(
      "Create BID",
      [field("Name", name), field("Short name for links", slug, "Lower-case letters, digits and dashes, e.g. market-harcombe")],
      async () => {
        const { bid } = await mutate(CREATE, { input: { name: name.value.trim(), slug: slug.value } }, "createBid");
        await changed(app, `${bid.name} created. Add its shops and a police team next.`);
      },
    ),
  );
}
