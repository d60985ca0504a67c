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

export function currentPath() {
  return location.hash.replace(/^#/, "") || "/";
}

export function navigate(path) {
  if (currentPath() === path) window.dispatchEvent(new HashChangeEvent("hashchange"));
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
