// A BID's shops for its managers: add one, edit one, close it (it keeps its history and takes no
// new reports) or reopen it.

import { gql, loadMe } from "../api.js";
import { field, formatDateTime, h } from "../dom.js";
import { actionForm, changed as shown, confirmButton } from "../forms.js";
import { ANSWER, managesBid, mutate, takeFlash } from "../manage.js";
import { bidNotFound, crumbs } from "./bid.js";

/** The page drawn again after a change, with the user's memberships read again first: the app
 * knows the shops a manager reports for and triages by them, so a shop added a moment ago is
 * theirs at once, without a reload. */
async function changed(app, message) {
  app.setMe(await loadMe());
  return shown(app, message);
}

const SHOPS = `{ bids { id name shops { id name address postcode latitude longitude closedAt } } }`;

const SHOP_FIELDS = `shop { id name closedAt }`;
const CREATE = `mutation CreateShop($input: CreateShopInput!) {
  createShop(input: $input) { ... on CreateShopSuccess { ${SHOP_FIELDS} } ${ANSWER} }
}`;
const UPDATE = `mutation UpdateShop($input: UpdateShopInput!) {
  updateShop(input: $input) { ... on UpdateShopSuccess { ${SHOP_FIELDS} } ${ANSWER} }
}`;

/** The shop's fields as controls, filled from `shop` when editing. */
function shopControls(shop = {}) {
  const input = (name, props = {}) => h("input", { type: "text", name, required: true, value: shop[name] ?? "", ...props });
  const coordinate = (name, min, max) =>
    input(name, { type: "number", step: "any", min, max, inputMode: "decimal" });
  const controls = {
    name: input("name", { maxLength: 200 }),
    address: input("address", { autocomplete: "street-address" }),
    postcode: input("postcode", { autocomplete: "postal-code", autocapitalize: "characters" }),
    latitude: coordinate("latitude", -90, 90),
    longitude: coordinate("longitude", -180, 180),
  };
  const locate = h("button", { type: "button", class: "secondary" }, "Use this phone's location");
  locate.addEventListener("click", () =>
    navigator.geolocation?.getCurrentPosition((position) => {
      controls.latitude.value = position.coords.latitude.toFixed(6);
      controls.longitude.value = position.coords.longitude.toFixed(6);
    }),
  );
  const elements = [
    field("Shop name", controls.name),
    field("Address", controls.address),
    field("Postcode", controls.postcode),
    h("div", { class: "pair" }, field("Latitude", controls.latitude), field("Longitude", controls.longitude)),
    locate,
  ];
  const values = () => ({
    name: controls.name.value.trim(),
    address: controls.address.value.trim(),
    postcode: controls.postcode.value.trim(),
    latitude: Number(controls.latitude.value),
    longitude: Number(controls.longitude.value),
  });
  return { elements, values };
}

function shopCard(app, shop) {
  const closed = Boolean(shop.closedAt);
  const edit = shopControls(shop);
  const form = actionForm("Save changes", edit.elements, async () => {
    await mutate(UPDATE, { input: { shopId: shop.id, ...edit.values() } }, "updateShop");
    await changed(app, `${edit.values().name} saved.`);
  });
  const toggle = confirmButton(
    closed ? "Reopen shop" : "Close shop",
    closed ? null : `Close ${shop.name}? Its reports stay; it takes no new reports and its staff cannot be invited.`,
    async () => {
      await mutate(UPDATE, { input: { shopId: shop.id, closed: !closed } }, "updateShop");
      await changed(app, `${shop.name} ${closed ? "reopened" : "closed"}.`);
    },
    closed ? "secondary" : "danger",
  );
  return h(
    "li",
    { class: closed ? "card shop-closed" : "card", "data-shop": shop.id },
    h("h2", { class: "card-title" }, shop.name),
    closed ? h("p", { class: "badge badge-closed-shop" }, `Closed since ${formatDateTime(shop.closedAt)}`) : null,
    h("p", { class: "card-meta" }, `${shop.address}, ${shop.postcode}`),
    h("details", {}, h("summary", {}, `Edit ${shop.name}`), form),
    toggle,
  );
}

export async function render(app, { bidId }) {
  if (!managesBid(app.me, bidId)) return bidNotFound();
  const { bids } = await gql(SHOPS);
  const bid = bids.find((b) => b.id === bidId);
  if (!bid) return bidNotFound();
  const open = bid.shops.filter((s) => !s.closedAt);
  const closed = bid.shops.filter((s) => s.closedAt);
  const add = shopControls();
  return h(
    "div",
    {},
    crumbs(bid),
    h("h1", {}, `Shops of ${bid.name}`),
    takeFlash(),
    h("ul", { class: "cards", id: "shops" }, [...open, ...closed].map((shop) => shopCard(app, shop))),
    h("h2", {}, "Add a shop"),
    actionForm("Add shop", add.elements, async () => {
      const { shop } = await mutate(CREATE, { input: { bidId: bid.id, ...add.values() } }, "createShop");
      await changed(app, `${shop.name} added.`);
    }),
  );
}
