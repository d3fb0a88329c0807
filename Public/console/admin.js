// Account settings, sites (with the tag snippet) and API keys.
import { api, all, can, session } from "/console/api.js";
import { h, field, input, select, textarea, show, showError, clearErrors, onSubmit, toast, formatDate } from "/console/dom.js";

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
  const language = input({ value: s.language || "en-US", placeholder: "en-US", maxlength: 35 });
  const abuse = abuseFields(s.abuse || {});
  const form = h("form", { class: "card", novalidate: true },
    h("fieldset", {}, h("legend", {}, "Account"),
      h("div", { class: "row" }, field("Time zone", timeZone, { name: "timeZone", hint: "Reports count days and hours in it." }), field("Currency", currency, { name: "currency" }), field("Keep visit data for days", retention, { name: "retentionDays" }), field("Language", language, { name: "language", hint: "Of engagements that don't set their own, e.g. en-US." }))),
    h("fieldset", {}, h("legend", {}, "Caps"),
      h("div", { class: "row" }, field("Counting", mode, { name: "caps.mode" }), field("Engagements per visit", perVisit, { name: "caps.perVisit", hint: "Empty: unlimited." }), field("Chat per visit", perVisitChat, { name: "caps.perVisitChat" }), field("Content per visit", perVisitContent, { name: "caps.perVisitContent" })),
      h("div", { class: "row" }, field("After a visitor declines", afterDecline, { name: "caps.afterDecline" }), field("Per visitor: at most", visitorMax, { name: "caps.perVisitor.max" }), field("… within days", visitorDays, { name: "caps.perVisitor.days" }))),
    h("fieldset", {}, h("legend", {}, "Measurement"),
      h("div", { class: "row" }, field("Control group (%)", control, { name: "controlGroupPercent" }), field("Cross-session window", crossSession, { name: "crossSessionDays" }), field("Attribution", attribution, { name: "attribution" }))),
    abuse.fieldset,
    editable ? h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save settings")) : h("p", { class: "muted" }, "Your role can view the settings but not change them."),
    h("datalist", { id: "zones" }, (Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : ["UTC"]).map((z) => h("option", { value: z }))));
  if (!editable) form.querySelectorAll("input, select, textarea").forEach((c) => { c.disabled = true; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {
      timeZone: timeZone.value.trim(), currency: currency.value.trim().toUpperCase(), retentionDays: Number(retention.value),
      language: language.value.trim(),
      controlGroupPercent: Number(control.value), crossSessionDays: Number(crossSession.value), attribution: attribution.value,
      caps: {
        mode: mode.value, perVisit: optionalNumber(perVisit), perVisitChat: optionalNumber(perVisitChat), perVisitContent: optionalNumber(perVisitContent),
        afterDecline: afterDecline.value,
        perVisitor: visitorMax.value.trim() === "" ? null : { max: Number(visitorMax.value), days: Number(visitorDays.value || 1) },
      },
      abuse: abuse.body(),
    };
    try { await api("PATCH", "settings", body); toast("Settings saved"); } catch (error) { showError(form, error); }
  });
  show(h("h1", {}, "Settings"), form);
}

/** The abuse defences of `settings.abuse` (docs/abuse.md): empty number fields mean unlimited. */
function abuseFields(a) {
  const limit = (value, attributes = {}) => input({ type: "number", min: 0, value: value ?? "", placeholder: "unlimited", ...attributes });
  const clicks = a.clicks || {}, distinct = a.distinctNumbers || {}, same = a.sameNumber || {}, perAddress = a.perAddress || {};
  const c = {
    per15Minutes: limit(clicks.per15Minutes), perHour: limit(clicks.perHour), perDay: limit(clicks.perDay),
    distinctHour: limit(distinct.perHour), distinctDay: limit(distinct.perDay), blockHours: input({ type: "number", min: 1, value: distinct.blockHours ?? 24 }),
    sameMax: limit(same.max), sameHours: input({ type: "number", min: 1, value: same.hours ?? 6 }),
    countries: input({ value: (a.allowedCountries || []).join(", "), placeholder: "any country", autocapitalize: "characters" }),
    prefixes: textarea((a.premiumPrefixes || []).join("\n"), { rows: 5, spellcheck: false }),
    budget: limit(a.dailyCallBudget), concurrent: limit(a.concurrentCalls),
    requests: limit(perAddress.requestsPerMinute), newVisitors: limit(perAddress.newVisitorsPerMinute),
  };
  const fieldset = h("fieldset", {}, h("legend", {}, "Abuse defences"),
    h("p", { class: "muted" }, "Click to Call makes your phones ring a number a stranger typed. These limits stop bots and pranksters; the defaults suit most sites. Empty means unlimited."),
    h("div", { class: "row" },
      field("Clicks per visitor in 15 minutes", c.per15Minutes, { name: "abuse.clicks.per15Minutes", hint: "Past it the visitor gets no call link and no Click to Call offers until the window allows." }),
      field("… in an hour", c.perHour, { name: "abuse.clicks.perHour" }),
      field("… in a day", c.perDay, { name: "abuse.clicks.perDay" })),
    h("div", { class: "row" },
      field("Different numbers per visitor in an hour", c.distinctHour, { name: "abuse.distinctNumbers.perHour", hint: "Reaching it blocks the visitor; a second block is permanent." }),
      field("… in a day", c.distinctDay, { name: "abuse.distinctNumbers.perDay" }),
      field("Block for hours", c.blockHours, { name: "abuse.distinctNumbers.blockHours" })),
    h("div", { class: "row" },
      field("Calls to one number, from anyone", c.sameMax, { name: "abuse.sameNumber.max", hint: "Protects a victim whose number many bots type." }),
      field("… within hours", c.sameHours, { name: "abuse.sameNumber.hours" })),
    h("div", { class: "row" },
      field("Countries you call", c.countries, { name: "abuse.allowedCountries", hint: "ISO codes such as US, CA. Empty: any country." }),
      field("Calls per day", c.budget, { name: "abuse.dailyCallBudget", hint: "All visitors together, in the account's time zone." }),
      field("Calls at once", c.concurrent, { name: "abuse.concurrentCalls" })),
    h("div", { class: "row" },
      field("Premium and high-risk prefixes never called", c.prefixes, { name: "abuse.premiumPrefixes", hint: "One E.164 prefix per line, such as +1900." })),
    h("div", { class: "row" },
      field("Requests per minute from one address", c.requests, { name: "abuse.perAddress.requestsPerMinute", hint: "High, so visitors behind one office network are not hurt." }),
      field("New visitors per minute from one address", c.newVisitors, { name: "abuse.perAddress.newVisitorsPerMinute" })));
  const list = (text) => text.split(/[\s,;]+/).map((item) => item.trim()).filter(Boolean);
  const body = () => ({
    clicks: { per15Minutes: optionalNumber(c.per15Minutes), perHour: optionalNumber(c.perHour), perDay: optionalNumber(c.perDay) },
    distinctNumbers: { perHour: optionalNumber(c.distinctHour), perDay: optionalNumber(c.distinctDay), blockHours: Number(c.blockHours.value || 24) },
    sameNumber: { max: optionalNumber(c.sameMax), hours: Number(c.sameHours.value || 6) },
    allowedCountries: c.countries.value.trim() === "" ? null : list(c.countries.value.toUpperCase()),
    premiumPrefixes: list(c.prefixes.value),
    dailyCallBudget: optionalNumber(c.budget), concurrentCalls: optionalNumber(c.concurrent),
    perAddress: { requestsPerMinute: optionalNumber(c.requests), newVisitorsPerMinute: optionalNumber(c.newVisitors) },
  });
  return { fieldset, body };
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
