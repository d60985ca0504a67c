// Logging in, accepting an invitation, and resetting a password (the links emails send).

import { endSession, forgetMe, gql, loadMe, loggedInAfresh } from "../api.js";
import { field, h, notice } from "../dom.js";
import { currentQuery, navigate } from "../router.js";

const LOGIN_RESULT = `__typename ... on AuthError { message } ... on ValidationError { field message }`;

function form(title, intro, controls, submitLabel, onSubmit) {
  const status = h("div", { class: "form-status" });
  const button = h("button", { type: "submit", class: "primary" }, submitLabel);
  const element = h(
    "form",
    {
      class: "stack",
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        status.replaceChildren();
        try {
          const problem = await onSubmit();
          if (problem) status.replaceChildren(notice(problem, "error"));
        } catch (error) {
          status.replaceChildren(notice(error.message, "error"));
        } finally {
          button.disabled = false;
        }
      },
    },
    controls,
    status,
    button,
  );
  return h("section", {}, h("h1", {}, title), intro ? h("p", {}, intro) : null, element);
}

/** Where to go after logging in: the screen a logged-out visitor asked for, else home. Only a path
 * of this app is followed ("/alerts/42"), never the login form again. */
function afterLogin() {
  const next = currentQuery().get("next") || "/";
  const path = next.split("?")[0];
  if (!next.startsWith("/") || next.startsWith("//") || path === "/login") return "/";
  return next;
}

async function loggedIn(app, result, next = "/") {
  if (result.__typename !== "LoginSuccess") return result.message;
  loggedInAfresh();
  app.setMe(await loadMe());
  navigate(next);
  return null;
}

export function renderLogin(app) {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", {
    type: "password", name: "password", autocomplete: "current-password", required: true,
  });
  return h(
    "div",
    {},
    form("Log in", currentQuery().has("next") ? "Log in to open the screen you followed." : null, [field("Email", email), field("Password", password)], "Log in", async () => {
      const { login } = await gql(
        `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { ${LOGIN_RESULT} } }`,
        { email: email.value, password: password.value },
      );
      return loggedIn(app, login, afterLogin());
    }),
    h("p", {}, h("a", { href: "#/forgot", class: "button-link" }, "Forgotten your password?")),
  );
}

export function renderForgot() {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const section = form(
    "Reset your password",
    "We will email you a link to set a new password.",
    [field("Email", email)],
    "Email me a link",
    async () => {
      await gql(`mutation Reset($email: String!) { requestPasswordReset(email: $email) }`, { email: email.value });
      section.replaceChildren(
        h("h1", {}, "Check your email"),
        notice("If that address has an account, a link to reset its password is on its way."),
      );
      return null;
    },
  );
  return section;
}

function newPassword() {
  return h("input", { type: "password", name: "new-password", autocomplete: "new-password", required: true, minLength: 10 });
}

export function renderInvite(app, { token }) {
  const name = h("input", { type: "text", name: "name", autocomplete: "name", required: true });
  const password = newPassword();
  return form(
    "Join Shopwatch",
    "Choose the name your colleagues will see and a password.",
    [field("Your name", name), field("Password", password, "At least 10 characters.")],
    "Join",
    async () => {
      const { acceptInvite } = await gql(
        `mutation Accept($token: String!, $name: String!, $password: String!) { acceptInvite(token: $token, name: $name, password: $password) { ${LOGIN_RESULT} } }`,
        { token, name: name.value, password: password.value },
      );
      return loggedIn(app, acceptInvite);
    },
  );
}

export function renderReset(app, { token }) {
  const password = newPassword();
  return form(
    "Set a new password",
    null,
    [field("New password", password, "At least 10 characters.")],
    "Set password",
    async () => {
      const { resetPassword } = await gql(
        `mutation Reset($token: String!, $password: String!) { resetPassword(token: $token, password: $password) { ${LOGIN_RESULT} } }`,
        { token, password: password.value },
      );
      return loggedIn(app, resetPassword);
    },
  );
}

/** Logs out, with or without signal: the phone forgets the user and what was kept for them at
 * once, and the server ends the session now or when the signal returns. */
export async function logOut(app) {
  try {
    await endSession();
  } finally {
    forgetMe();
    app.setMe(null);
    navigate("/login");
  }
}
