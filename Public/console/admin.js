// Account settings, sites (with the tag snippet) and API keys.
import { api, all, can, session } from "/console/api.js";
import { h, field, input, select, show, showError, clearErrors, onSubmit, toast, formatDate } from "/console/dom.js";

const refresh = () => window.dispatchEvent(new HashChangeEvent("hashchange"));
const optionalNumber = (control) => (control.value.trim() === "" ? null : Number(control.value));

export async function settingsView() {
  const s = await api("GET", "settings");
  const editable = can("campaigns:write");
  const timeZone = input({ value: s.timeZone, list: "zones" });
  const currency = input({ value: s.currency, maxlength: 3 });
  const mode = select([["shared", "Shared: one count for every engagement"], ["separate", "Separate: chat and content counted apart"]], s.caps.mode);
  const perVisit = input({ type: "number", min: 0, value: s.caps.perVisit ?? "" });
  const perVisitChat = input({ type: "number", min: 0, value: s.caps.perVisitChat ?? "" });
  const perVisitContent = input({ type: "number", min: 0, value: s.caps.perVisitContent ?? "" });
  const afterDecline = select([["none", "Keep offering"], ["suppressSameKind", "Stop offering the same kind"], ["suppressAll", "Stop offering anything"]], s.caps.afterDecline);
  const visitorMax = input({ type: "number", min: 1, value: s.caps.perVisitor?.max ?? "" });
  const visitorDays = input({ type: "number", min: 1, value: s.caps.perVisitor?.days ?? "" });
  const control = input({ type: "number", min: 0, max: 50, value: s.controlGroupPercent });
  const crossSession = select([[0, "Off"], [1, "1 day"], [7, "7 days"], [14, "14 days"], [31, "31 days"]], s.crossSessionDays);
  const attribution = select([["last", "Last touch"], ["first", "First touch"]], s.attribution);
  const retention = input({ type: "number", min: 1, value: s.retentionDays });
  const form = h("form", { class: "card", novalidate: true },
    h("fieldset", {}, h("legend", {}, "Account"),
      h("div", { class: "row" }, field("Time zone", timeZone, { name: "timeZone", hint: "Reports count days and hours in it." }), field("Currency", currency, { name: "currency" }), field("Keep visit data for days", retention, { name: "retentionDays" }))),
    h("fieldset", {}, h("legend", {}, "Caps"),
      h("div", { class: "row" }, field("Counting", mode, { name: "caps.mode" }), field("Engagements per visit", perVisit, { name: "caps.perVisit", hint: "Empty: unlimited." }), field("Chat per visit", perVisitChat, { name: "caps.perVisitChat" }), field("Content per visit", perVisitContent, { name: "caps.perVisitContent" })),
      h("div", { class: "row" }, field("After a visitor declines", afterDecline, { name: "caps.afterDecline" }), field("Per visitor: at most", visitorMax, { name: "caps.perVisitor.max" }), field("… within days", visitorDays, { name: "caps.perVisitor.days" }))),
    h("fieldset", {}, h("legend", {}, "Measurement"),
      h("div", { class: "row" }, field("Control group (%)", control, { name: "controlGroupPercent" }), field("Cross-session window", crossSession, { name: "crossSessionDays" }), field("Attribution", attribution, { name: "attribution" }))),
    editable ? h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save settings")) : h("p", { class: "muted" }, "Your role can view the settings but not change them."),
    h("datalist", { id: "zones" }, (Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : ["UTC"]).map((z) => h("option", { value: z }))));
  if (!editable) form.querySelectorAll("input, select").forEach((c) => { c.disabled = true; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {
      timeZone: timeZone.value.trim(), currency: currency.value.trim().toUpperCase(), retentionDays: Number(retention.value),
      controlGroupPercent: Number(control.value), crossSessionDays: Number(crossSession.value), attribution: attribution.value,
      caps: {
        mode: mode.value, perVisit: optionalNumber(perVisit), perVisitChat: optionalNumber(perVisitChat), perVisitContent: optionalNumber(perVisitContent),
        afterDecline: afterDecline.value,
        perVisitor: visitorMax.value.trim() === "" ? null : { max: Number(visitorMax.value), days: Number(visitorDays.value || 1) },
      },
    };
    try { await api("PATCH", "settings", body); toast("Settings saved"); } catch (error) { showError(form, error); }
  });
  show(h("h1", {}, "Settings"), form);
}

function snippet(site) {
  const origin = location.origin;
  return `<script>window.beckon = window.beckon || {}; beckon.sdes = beckon.sdes || [];</script>\n<script async src="${origin}/tag/v1/${site.accountId}/${site.id}.js"></script>`;
}

export async function sitesView() {
  const sites = await all("sites");
  const list = h("div", {}, sites.length ? sites.map((site) => {
    const code = h("pre", { class: "snippet", id: `snippet-${site.id}` }, snippet(site));
    return h("section", { class: "card", "aria-labelledby": `site-${site.id}` },
      h("h2", { id: `site-${site.id}` }, site.name),
      h("p", {}, "Allowed origins: ", site.allowedOrigins.join(", "), h("br"), h("span", { class: "muted" }, `Site id ${site.id} · added ${formatDate(site.createdAt)}`)),
      h("p", {}, "Put this on every page, before </body>:"), code,
      h("button", { type: "button", onclick: async () => { await navigator.clipboard?.writeText(code.textContent); toast("Snippet copied"); } }, `Copy the snippet for ${site.name}`));
  }) : h("p", { class: "muted" }, "No sites yet."));
  const parts = [h("h1", {}, "Sites"), list];
  if (can("admin")) {
    const name = input({ placeholder: "Shop" });
    const origins = input({ placeholder: "https://www.brand.example, https://shop.brand.example" });
    const result = h("div", { "aria-live": "polite" });
    const form = h("form", { class: "card", novalidate: true }, h("h2", {}, "Add a site"),
      h("div", { class: "row" }, field("Name", name, { name: "name" }), field("Allowed origins", origins, { name: "allowedOrigins", hint: "scheme://host[:port], comma-separated" })),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Add site")), result);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      try {
        const site = await api("POST", "sites", { name: name.value.trim() || undefined, allowedOrigins: origins.value.split(",").map((s) => s.trim()).filter(Boolean) });
        result.replaceChildren(h("p", {}, `Site added. Its debug key (unlocks decision traces) is shown only now:`), h("p", { class: "secret" }, site.debugKey),
          h("button", { type: "button", onclick: refresh }, "Done"));
        toast("Site added");
      } catch (error) { showError(form, error); }
    });
    parts.push(form);
  }
  show(parts);
}

export async function keysView() {
  const keys = await all("apikeys");
  const scopes = ["engagement:validate", "visit:read", "events:write", "reports:read", "campaigns:write", "admin"];
  const body = h("tbody", {}, keys.length ? keys.map((key) => h("tr", {},
    h("td", {}, key.name), h("td", {}, h("code", {}, key.id)), h("td", {}, key.scopes.join(", ")),
    h("td", {}, formatDate(key.createdAt)), h("td", {}, key.lastUsedAt ? formatDate(key.lastUsedAt) : "never"),
    h("td", {}, key.revokedAt ? h("span", { class: "badge" }, "revoked") : h("button", { type: "button", class: "danger", onclick: async () => {
      if (!confirm(`Revoke "${key.name}"? Requests with it fail at once.`)) return;
      try { await api("DELETE", `apikeys/${key.id}`); toast("Key revoked"); refresh(); } catch (error) { toast(error.message, "error"); }
    } }, `Revoke ${key.name}`))))
    : [h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No API keys yet."))]);
  const name = input({ placeholder: "Call centre" });
  const boxes = scopes.map((scope) => h("label", {}, h("input", { type: "checkbox", value: scope, checked: scope === "engagement:validate" || scope === "visit:read" || scope === "events:write" }), ` ${scope}`));
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", novalidate: true }, h("h2", {}, "Create a key"),
    field("Name", name, { name: "name" }),
    h("div", { class: "field", dataset: { field: "scopes" } }, h("span", { class: "label", id: "scopes-label" }, "Scopes"), h("div", { role: "group", "aria-labelledby": "scopes-label", class: "row" }, boxes)),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Create key")), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      const key = await api("POST", "apikeys", { name: name.value.trim() || undefined, scopes: boxes.map((l) => l.querySelector("input")).filter((b) => b.checked).map((b) => b.value) });
      result.replaceChildren(
        h("p", {}, h("strong", {}, "Copy these now: they are shown only once and stored only hashed or sealed.")),
        h("p", {}, "Bearer:"), h("p", { class: "secret", id: "new-key-bearer" }, key.bearer),
        h("p", {}, "OAuth 1.0a (LivePerson-style signing):"),
        h("p", { class: "secret" }, `consumer key ${key.oauth1.consumerKey}\nconsumer secret ${key.oauth1.consumerSecret}\ntoken ${key.oauth1.token}\ntoken secret ${key.oauth1.tokenSecret}`),
        h("button", { type: "button", onclick: refresh }, "Done"));
      toast("Key created");
    } catch (error) { showError(form, error); }
  });
  show(h("h1", {}, "API keys"),
    h("div", { class: "card" }, h("table", {}, h("thead", {}, h("tr", {}, ["Name", "Id", "Scopes", "Created", "Last used", ""].map((t) => h("th", { scope: "col" }, t)))), body)),
    form);
}

export async function usersView() {
  const users = await all("users");
  const me = session.current.email;
  const roles = [["admin", "Admin"], ["campaignManager", "Campaign manager"], ["analyst", "Analyst"]];
  const body = h("tbody", {}, users.map((user) => {
    const role = select(roles, user.role, { "aria-label": `Role of ${user.email}` });
    role.addEventListener("change", async () => {
      try { await api("PATCH", `users/${user.id}`, { role: role.value }); toast(`${user.email} is now ${role.value}; they sign in again`); }
      catch (error) { toast(error.message, "error"); role.value = user.role; }
    });
    return h("tr", {}, h("td", {}, user.email, user.email === me ? h("span", { class: "muted" }, " (you)") : null), h("td", {}, role),
      h("td", {}, formatDate(user.createdAt)),
      h("td", {}, h("button", { type: "button", class: "danger", onclick: async () => {
        if (!confirm(`Remove ${user.email}? They are signed out at once.`)) return;
        try { await api("DELETE", `users/${user.id}`); toast("User removed"); refresh(); } catch (error) { toast(error.message, "error"); }
      } }, `Remove ${user.email}`)));
  }));
  const email = input({ type: "email", autocomplete: "off" });
  const role = select(roles, "analyst");
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", novalidate: true }, h("h2", {}, "Add a user"),
    h("div", { class: "row" }, field("Email", email, { name: "email" }), field("Role", role, { name: "role" }),
      h("div", { class: "field" }, h("button", { type: "submit", class: "primary" }, "Add user"))), result);
  onSubmit(form, () => ({ email: email.value.trim(), role: role.value }), async (body) => {
    const user = await api("POST", "users", body);
    result.replaceChildren(h("p", {}, `Give ${user.email} this password (shown only now):`), h("p", { class: "secret", id: "new-user-password" }, user.password),
      h("button", { type: "button", onclick: refresh }, "Done"));
    toast("User added");
  });
  show(h("h1", {}, "Users"),
    h("p", { class: "muted" }, "Admins do everything; campaign managers edit campaigns and settings and read reports; analysts only read."),
    h("div", { class: "card" }, h("table", {}, h("thead", {}, h("tr", {}, ["Email", "Role", "Added", ""].map((t) => h("th", { scope: "col" }, t)))), body)),
    form);
}
