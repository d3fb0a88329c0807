// The console's shell: sign-in, navigation by role, and the hash router (#/campaigns, …).
import { session, loadSession, signIn, signOut, can } from "/console/api.js";
import { h, field, input, show, showError, clearErrors, toast } from "/console/dom.js";
import { campaignList, campaignEditor, engagementEditor } from "/console/campaigns.js";
import { reportsView } from "/console/reports.js";
import { settingsView, sitesView, keysView, usersView } from "/console/admin.js";
import { visitorView } from "/console/visitors.js";
import { webhooksView, webhookWarnings } from "/console/webhooks.js";

const sections = [
  { path: "campaigns", label: "Campaigns" },
  { path: "reports", label: "Reports" },
  { path: "visitors", label: "Visitors" },
  { path: "settings", label: "Settings" },
  { path: "sites", label: "Sites" },
  { path: "keys", label: "API keys", scope: "admin" },
  { path: "users", label: "Users", scope: "admin" },
  { path: "webhooks", label: "Webhooks", scope: "admin" },
];

const routes = [
  [/^campaigns$/, () => campaignList()],
  [/^campaigns\/new$/, () => campaignEditor(null)],
  [/^campaigns\/(\d+)$/, (id) => campaignEditor(Number(id))],
  [/^campaigns\/(\d+)\/engagements\/new$/, (id) => engagementEditor(Number(id), null)],
  [/^campaigns\/(\d+)\/engagements\/(\d+)$/, (campaign, id) => engagementEditor(Number(campaign), Number(id))],
  [/^reports$/, () => reportsView()],
  [/^visitors$/, () => visitorView(null)],
  [/^visitors\/(.+)$/, (id) => visitorView(decodeURIComponent(id))],
  [/^settings$/, () => settingsView()],
  [/^sites$/, () => sitesView()],
  [/^keys$/, () => keysView()],
  [/^users$/, () => usersView()],
  [/^webhooks$/, () => webhooksView()],
];

function signInView(message) {
  document.querySelector(".top").hidden = true;
  document.getElementById("banner").hidden = true;
  const email = input({ type: "email", autocomplete: "username", required: true });
  const password = input({ type: "password", autocomplete: "current-password", required: true });
  const account = input({ autocomplete: "organization" });
  const form = h("form", { class: "card signin", novalidate: true },
    h("h1", {}, "Sign in to Beckon"),
    message ? h("p", { class: "muted" }, message) : null,
    field("Email", email, { name: "email" }),
    field("Password", password, { name: "password" }),
    field("Account (only if your email signs in to several)", account, { name: "accountId" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Sign in")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      await signIn(email.value.trim(), password.value, account.value.trim());
      password.value = "";
      start();
    } catch (error) {
      showError(form, { ...error, field: error.field || (error.status === 401 ? "password" : error.status === 429 ? "email" : ""), message: error.message });
    } finally {
      button.disabled = false;
    }
  });
  show(form);
  email.focus();
}

function renderChrome() {
  document.querySelector(".top").hidden = false;
  const user = session.current;
  document.getElementById("who").textContent = `${user.email} · ${user.role} · ${user.accountId}`;
  const nav = document.getElementById("nav");
  nav.replaceChildren(...sections.filter((s) => !s.scope || can(s.scope)).map((s) =>
    h("li", {}, h("a", { href: `#/${s.path}`, dataset: { section: s.path } }, s.label))));
}

function markCurrent(path) {
  for (const link of document.querySelectorAll("#nav a")) {
    if (path === link.dataset.section || path.startsWith(link.dataset.section + "/")) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

/** The account's warnings (a webhook Beckon turned off), above every page. */
async function renderBanner() {
  const banner = document.getElementById("banner");
  const warnings = await webhookWarnings();
  banner.replaceChildren(...warnings.map((text) => h("p", {}, text, " ", h("a", { href: "#/webhooks" }, "Open Webhooks"))));
  banner.hidden = warnings.length === 0;
}

async function route() {
  if (!session.current) return signInView();
  const path = location.hash.replace(/^#\/?/, "") || "campaigns";
  markCurrent(path);
  renderBanner();
  for (const [pattern, view] of routes) {
    const match = path.match(pattern);
    if (match) {
      try {
        await view(...match.slice(1));
      } catch (error) {
        show(h("h1", {}, "Something went wrong"), h("p", {}, error.message));
      }
      return;
    }
  }
  show(h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/campaigns" }, "Back to campaigns")));
}

function start() {
  renderChrome();
  if (!location.hash) location.hash = "#/campaigns"; else route();
}

window.addEventListener("hashchange", route);
window.addEventListener("beckon:signed-out", () => signInView("Your session ended. Please sign in again."));
document.getElementById("sign-out").addEventListener("click", async () => {
  await signOut();
  toast("Signed out");
  signInView();
});

if (await loadSession()) start(); else signInView();
