// Hash routing (#/alerts/42), so links in emails open the right screen and no server route is needed.

const routes = [];

/** Registers a view for a pattern such as "/alerts/:id". */
export function route(pattern, view) {
  const names = [];
  const source = pattern.replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return "([^/]+)";
  });
  routes.push({ regex: new RegExp(`^${source}$`), names, view });
}

/** The screen's path, without its query: "/alerts/42" for #/alerts/42 and #/alerts/42?x=1. */
export function currentPath() {
  return wantedPath().split("?")[0] || "/";
}

/** The path with its query, as the address bar has it. */
export function wantedPath() {
  return location.hash.replace(/^#/, "") || "/";
}

/** The query after the path ("#/login?next=%2Falerts%2F42"), as URLSearchParams. */
export function currentQuery() {
  const query = wantedPath().split("?")[1];
  return new URLSearchParams(query || "");
}

export function navigate(path) {
  if (wantedPath() === path) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = `#${path}`;
}

/** The view and parameters for a path, or null. */
export function match(path) {
  for (const { regex, names, view } of routes) {
    const found = regex.exec(path);
    if (found) {
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1])]));
      return { view, params };
    }
  }
  return null;
}
