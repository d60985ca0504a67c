// Building DOM from data without ever parsing it as HTML: text goes in as text nodes only.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

function apply(element, props) {
  for (const [name, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.setAttribute("class", value);
    else if (name in element && !(element instanceof SVGElement) && name !== "list") element[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  return element;
}

/** An HTML element: h("button", { type: "button", onclick }, "Send"). */
export function h(tag, props, ...children) {
  return append(apply(document.createElement(tag), props), children);
}

/** An SVG element, for charts. */
export function s(tag, props, ...children) {
  return append(apply(document.createElementNS(SVG_NS, tag), props), children);
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

export function mount(element, ...children) {
  return append(clear(element), children);
}

let idCounter = 0;
/** A fresh id, for tying labels and descriptions to their controls. */
export function uid(prefix = "f") {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A labelled form field: the label names the control for screen readers and enlarges the tap target. */
export function field(labelText, control, hint) {
  const id = control.id || uid();
  control.id = id;
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { htmlFor: id }, labelText), hintEl, control);
}

export function formatDateTime(iso) {
  return new Date(iso).toLocaleString("en-GB", {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  });
}

export function formatPounds(pence) {
  if (pence === null || pence === undefined) return "";
  return (pence / 100).toLocaleString("en-GB", { style: "currency", currency: "GBP" });
}

const KIND_NAMES = {
  THEFT: "Theft",
  ASSAULT: "Assault",
  THREATS_AND_ABUSE: "Threats or abuse",
  CRIMINAL_DAMAGE: "Criminal damage",
  ANTISOCIAL_BEHAVIOUR: "Antisocial behaviour",
  BURGLARY: "Burglary",
  FRAUD: "Fraud",
  OTHER: "Other",
};
export const KINDS = Object.keys(KIND_NAMES);
export function kindName(kind) {
  return KIND_NAMES[kind] || kind;
}

/** "Status message" paragraph announced to screen readers. */
export function notice(text, kind = "info") {
  return h("p", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}
