import { h } from "../dom.js";

export function render() {
  return h("div", {}, h("h1", {}, "Dashboard"));
}
