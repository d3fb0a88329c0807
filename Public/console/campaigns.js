// Campaigns and engagements: list, create, edit, pause, duplicate, archive; rule editors; the
// creative editor with a live preview rendered by the server exactly as the tag renders it.
import { api, all, can, session } from "/console/api.js";
import { h, field, input, select, textarea, show, onSubmit, toast, formatDate } from "/console/dom.js";

/** Shows the current page again (after a change made from it). */
const refresh = () => window.dispatchEvent(new HashChangeEvent("hashchange"));

const days = [["mon", "Monday"], ["tue", "Tuesday"], ["wed", "Wednesday"], ["thu", "Thursday"], ["fri", "Friday"], ["sat", "Saturday"], ["sun", "Sunday"]];

// ---- the list ----------------------------------------------------------------------------

export async function campaignList() {
  const filter = select([["", "All but archived"], ["live", "Live"], ["paused", "Paused"], ["draft", "Draft"], ["archived", "Archived"]], sessionStorage.getItem("beckon.filter") || "");
  const body = h("tbody");
  const table = h("table", {}, h("caption", { class: "muted", style: "text-align:left" }, "Campaigns of this account"),
    h("thead", {}, h("tr", {}, ["Name", "Status", "Priority", "Goal", "Updated", ""].map((t) => h("th", { scope: "col" }, t)))), body);
  async function load() {
    sessionStorage.setItem("beckon.filter", filter.value);
    const items = await all(filter.value ? `campaigns?status=${filter.value}` : "campaigns");
    const shown = filter.value ? items : items.filter((c) => c.status !== "archived");
    body.replaceChildren(...(shown.length ? shown.map(row) : [h("tr", {}, h("td", { colspan: 6, class: "muted" }, "No campaigns yet."))]));
  }
  function row(campaign) {
    const actions = h("div", { class: "actions" });
    if (can("campaigns:write") && campaign.status !== "archived") {
      const next = campaign.status === "live" ? "paused" : "live";
      actions.append(
        h("button", { type: "button", onclick: () => setStatus(campaign, next) }, campaign.status === "live" ? `Pause ${campaign.name}` : `Make ${campaign.name} live`),
        h("button", { type: "button", onclick: () => duplicate(campaign) }, "Duplicate"),
        h("button", { type: "button", class: "danger", onclick: () => archive(campaign) }, "Archive"));
    }
    return h("tr", {},
      h("td", {}, h("a", { href: `#/campaigns/${campaign.id}` }, campaign.name)),
      h("td", {}, h("span", { class: `badge ${campaign.status}` }, campaign.status)),
      h("td", { class: "num" }, campaign.priority),
      h("td", {}, campaign.goal ? describeGoal(campaign.goal) : h("span", { class: "muted" }, "none")),
      h("td", {}, formatDate(campaign.updatedAt)),
      h("td", {}, actions));
  }
  async function setStatus(campaign, status) {
    try { await api("PATCH", `campaigns/${campaign.id}`, { status }); toast(`${campaign.name} is ${status}`); await load(); }
    catch (error) { toast(error.message, "error"); }
  }
  async function archive(campaign) {
    if (!confirm(`Archive "${campaign.name}"? Its reports are kept.`)) return;
    try { await api("DELETE", `campaigns/${campaign.id}`); toast(`${campaign.name} archived`); await load(); }
    catch (error) { toast(error.message, "error"); }
  }
  async function duplicate(campaign) {
    try {
      const copy = await api("POST", "campaigns", { ...settingsOf(campaign), name: `Copy of ${campaign.name}`.slice(0, 200), status: "draft" });
      for (const engagement of await all(`campaigns/${campaign.id}/engagements`)) {
        if (engagement.status === "archived") continue;
        await api("POST", `campaigns/${copy.id}/engagements`, engagementSettingsOf(engagement));
      }
      toast(`Created "${copy.name}" as a draft`);
      location.hash = `#/campaigns/${copy.id}`;
    } catch (error) { toast(error.message, "error"); }
  }
  filter.addEventListener("change", load);
  show(
    h("h1", {}, "Campaigns"),
    h("div", { class: "row" },
      field("Show", filter),
      can("campaigns:write") ? h("div", { class: "field" }, h("a", { href: "#/campaigns/new", class: "button primary" }, "New campaign")) : null),
    h("div", { class: "card" }, table));
  await load();
}

function describeGoal(goal) {
  if (goal.type === "purchase") return goal.minTotal ? `purchase ≥ ${goal.minTotal}` : "purchase";
  if (goal.type === "pageURL") return `page containing ${goal.urlContains}`;
  return goal.type;
}

function settingsOf(campaign) {
  const { id, createdAt, updatedAt, ...settings } = campaign;
  return settings;
}

function engagementSettingsOf(engagement) {
  const { id, campaignId, revision, status, createdAt, updatedAt, ...settings } = engagement;
  return settings;
}

// ---- the campaign editor -----------------------------------------------------------------

export async function campaignEditor(id) {
  const campaign = id ? await api("GET", `campaigns/${id}`) : { name: "", status: "draft", priority: 0, controlGroupPercent: 0 };
  const readOnly = !can("campaigns:write");
  const name = input({ value: campaign.name, required: true, maxlength: 200 });
  const status = select(["draft", "live", "paused"], campaign.status === "archived" ? "draft" : campaign.status);
  const priority = input({ type: "number", value: campaign.priority ?? 0, step: 1 });
  const control = input({ type: "number", value: campaign.controlGroupPercent ?? 0, min: 0, max: 50 });
  const cap = input({ type: "number", value: campaign.capPerVisit ?? "", min: 1 });
  const goal = campaign.goal || {};
  const goalType = select([["", "No goal"], ["purchase", "Purchase"], ["lead", "Lead"], ["serviceActivity", "Service activity completed"], ["pageURL", "Reaching a page"]], goal.type || "");
  const minTotal = input({ type: "number", value: goal.minTotal ?? "", min: 0, step: "any" });
  const urlContains = input({ value: goal.urlContains ?? "" });
  const audience = campaign.audience || {};
  const platforms = ["desktop", "tablet", "mobile"].map((p) => {
    const box = h("input", { type: "checkbox", value: p, checked: !audience.platforms || audience.platforms.includes(p) });
    return h("label", { class: "check" }, box, ` ${p}`);
  });
  const returning = select([["", "New and returning visitors"], ["false", "New visitors only"], ["true", "Returning visitors only"]], audience.returning === undefined || audience.returning === null ? "" : String(audience.returning));
  const countries = input({ value: (audience.countries || []).join(", "), placeholder: "US, CA" });
  const languages = input({ value: (audience.languages || []).join(", "), placeholder: "en, de" });
  const referrers = input({ value: (audience.referrerContains || []).join(", "), placeholder: "google." });
  const frame = campaign.timeFrame;
  const scheduled = h("input", { type: "checkbox", checked: !!frame });
  const timeZone = input({ value: frame?.timeZone || "UTC", list: "zones" });
  const start = input({ type: "date", value: frame?.start || "" });
  const end = input({ type: "date", value: frame?.end || "" });
  const limitHours = h("input", { type: "checkbox", checked: !!frame?.weekly });
  const weekly = Object.fromEntries(days.map(([key]) => [key, input({ value: shiftsText(frame?.weekly?.[key]), placeholder: "09:00-12:30, 13:30-18:00 (empty: closed)" })]));
  const occasions = textarea(occasionsText(frame?.specialOccasions || []), { placeholder: "2026-12-25 closed\n2026-12-24 09:00-13:00\n2026-11-27 all day" });

  const form = h("form", { class: "card", novalidate: true },
    h("fieldset", {}, h("legend", {}, "Campaign"),
      h("div", { class: "row" }, field("Name", name, { name: "name" }), field("Status", status, { name: "status" }), field("Priority", priority, { name: "priority", hint: "Higher wins a placement." })),
      h("div", { class: "row" },
        field("Control group (%)", control, { name: "controlGroupPercent", hint: "Visitors held out to measure lift (0–50)." }),
        field("Displays per visit for this campaign", cap, { name: "capPerVisit", hint: "Empty: only the account's caps." }))),
    h("fieldset", {}, h("legend", {}, "Goal"),
      h("div", { class: "row" }, field("Goal", goalType, { name: "goal.type" }), field("Minimum purchase total", minTotal, { name: "goal.minTotal" }), field("Page URL contains", urlContains, { name: "goal.urlContains" }))),
    h("fieldset", {}, h("legend", {}, "Audience"),
      h("div", { class: "field", dataset: { field: "audience.platforms" } }, h("span", { class: "label", id: "platforms-label" }, "Platforms"), h("div", { role: "group", "aria-labelledby": "platforms-label", class: "row" }, platforms)),
      h("div", { class: "row" }, field("Visitors", returning, { name: "audience.returning" }), field("Countries (ISO codes)", countries, { name: "audience.countries", hint: "Empty: everywhere." })),
      h("div", { class: "row" }, field("Languages", languages, { name: "audience.languages" }), field("Referrer contains", referrers, { name: "audience.referrerContains" }))),
    h("fieldset", {}, h("legend", {}, "Time frame"),
      h("label", {}, scheduled, " Run only within a time frame"),
      h("div", { class: "row" }, field("Time zone", timeZone, { name: "timeFrame.timeZone", hint: "IANA name, e.g. America/New_York" }), field("Start date", start, { name: "timeFrame.start" }), field("End date", end, { name: "timeFrame.end" })),
      h("label", {}, limitHours, " Limit to weekly hours"),
      h("div", { class: "row" }, days.map(([key, label]) => field(label, weekly[key], { name: `timeFrame.weekly.${key}` }))),
      field("Special occasions (one per line)", occasions, { name: "timeFrame.specialOccasions", hint: "DATE closed · DATE all day · DATE 09:00-13:00, 14:00-16:00" })),
    readOnly ? h("p", { class: "muted" }, "Your role can view campaigns but not change them.") :
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, id ? "Save campaign" : "Create campaign"), h("a", { href: "#/campaigns" }, "Cancel")));
  if (readOnly) form.querySelectorAll("input, select, textarea").forEach((c) => { c.disabled = true; });

  onSubmit(form, () => ({
        name: name.value.trim(), status: status.value, priority: Number(priority.value || 0),
        controlGroupPercent: Number(control.value || 0), capPerVisit: cap.value === "" ? null : Number(cap.value),
        // PATCH is a JSON Merge Patch: a member the form leaves empty is sent as null, so it is removed.
        goal: goalType.value ? { type: goalType.value, minTotal: minTotal.value !== "" && goalType.value === "purchase" ? Number(minTotal.value) : null, urlContains: goalType.value === "pageURL" ? urlContains.value.trim() : null } : null,
        audience: audienceBody(),
        timeFrame: scheduled.checked ? timeFrameBody() : null,
  }), async (body) => {
    const saved = id ? await api("PATCH", `campaigns/${id}`, body) : await api("POST", "campaigns", body);
    toast(id ? "Campaign saved" : "Campaign created");
    if (!id) location.hash = `#/campaigns/${saved.id}`;
  });

  function list(text) { return text.split(",").map((s) => s.trim()).filter(Boolean); }
  function audienceBody() {
    const chosen = platforms.map((l) => l.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
    if (!chosen.length) throw { field: "audience.platforms", message: "Choose at least one platform." };
    // The conditions this form edits; one left empty is null (removed by the merge patch). Conditions
    // the form does not show (set through the API) are kept.
    const result = {
      platforms: chosen.length < 3 ? chosen : null,
      returning: returning.value ? returning.value === "true" : null,
      countries: list(countries.value).length ? list(countries.value).map((c) => c.toUpperCase()) : null,
      languages: list(languages.value).length ? list(languages.value) : null,
      referrerContains: list(referrers.value).length ? list(referrers.value) : null,
    };
    return result;
  }
  function timeFrameBody() {
    const result = { timeZone: timeZone.value.trim(), specialOccasions: parseOccasions(occasions.value), start: start.value || null, end: end.value || null, weekly: null };
    if (limitHours.checked) {
      // A day left empty is closed: null removes it from the stored hours.
      result.weekly = {};
      for (const [key] of days) {
        const shifts = parseShifts(weekly[key].value, `timeFrame.weekly.${key}`);
        result.weekly[key] = shifts.length ? shifts : null;
      }
    }
    return result;
  }

  const parts = [h("p", {}, h("a", { href: "#/campaigns" }, "← Campaigns")), h("h1", {}, id ? campaign.name : "New campaign"), form];
  if (id) parts.push(await engagementSection(id, readOnly));
  parts.push(h("datalist", { id: "zones" }, (Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : ["UTC"]).map((z) => h("option", { value: z }))));
  show(parts);
}

function shiftsText(shifts) { return (shifts || []).map(([from, to]) => `${from}-${to}`).join(", "); }

function parseShifts(text, fieldName) {
  return text.split(",").map((s) => s.trim()).filter(Boolean).map((shift) => {
    const match = shift.match(/^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/);
    if (!match) throw { field: fieldName, message: `"${shift}" is not a shift like 09:00-17:30.` };
    return [match[1].padStart(5, "0"), match[2].padStart(5, "0")];
  });
}

function occasionsText(occasions) {
  return occasions.map((o) => `${o.date} ${o.allDay ? "all day" : (o.hours && o.hours.length ? shiftsText(o.hours) : "closed")}`).join("\n");
}

function parseOccasions(text) {
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const match = line.match(/^(\d{4}-\d{2}-\d{2})\s+(.+)$/);
    if (!match) throw { field: "timeFrame.specialOccasions", message: `"${line}" should start with a date (YYYY-MM-DD) and say closed, all day or the hours.` };
    const rest = match[2].toLowerCase();
    if (rest === "closed") return { date: match[1], hours: [] };
    if (rest === "all day") return { date: match[1], allDay: true };
    return { date: match[1], hours: parseShifts(match[2], "timeFrame.specialOccasions") };
  });
}

async function engagementSection(campaignId, readOnly) {
  const engagements = (await all(`campaigns/${campaignId}/engagements`)).filter((e) => e.status !== "archived");
  const body = h("tbody", {}, engagements.length ? engagements.map((e) => h("tr", {},
    h("td", {}, h("a", { href: `#/campaigns/${campaignId}/engagements/${e.id}` }, e.name)),
    h("td", {}, e.type), h("td", {}, e.placement), h("td", { class: "num" }, e.revision),
    h("td", {}, readOnly ? null : h("div", { class: "actions" },
      h("button", { type: "button", onclick: async () => { try { await api("POST", `engagements/${e.id}/duplicate`); toast("Engagement duplicated"); refresh(); } catch (error) { toast(error.message, "error"); } } }, `Duplicate ${e.name}`),
      h("button", { type: "button", class: "danger", onclick: async () => { if (!confirm(`Archive "${e.name}"?`)) return; try { await api("DELETE", `engagements/${e.id}`); toast("Engagement archived"); refresh(); } catch (error) { toast(error.message, "error"); } } }, "Archive")))))
    : [h("tr", {}, h("td", { colspan: 5, class: "muted" }, "No engagements yet: add one to show something."))]);
  return h("section", { class: "card", "aria-labelledby": "engagements-heading" },
    h("h2", { id: "engagements-heading" }, "Engagements"),
    h("table", {}, h("thead", {}, h("tr", {}, ["Name", "Type", "Placement", "Revision", ""].map((t) => h("th", { scope: "col" }, t)))), body),
    readOnly ? null : h("div", { class: "actions" }, h("a", { href: `#/campaigns/${campaignId}/engagements/new` }, "New engagement")));
}

// ---- the engagement editor ---------------------------------------------------------------

const entryKinds = [["urlContains", "URL contains"], ["urlExact", "URL is exactly"], ["urlRegex", "URL matches (regex)"], ["section", "Section is"]];
const behaviourKinds = [
  ["timeOnPageSeconds", "Seconds on the page at least", "number"], ["pageCount", "Pages in the visit at least", "min"],
  ["visitedUrlContains", "Visited a page containing", "text"], ["notVisitedUrlContains", "Did not visit a page containing", "text"],
  ["flow", "Visited in order (comma-separated)", "list"], ["cartTotal", "Cart total (min-max, either optional)", "range"],
  ["cartDecreased", "Cart decreased", "flag"], ["cartEmptied", "Cart emptied", "flag"],
  ["productInCart", "Product in cart contains", "text"], ["viewedProduct", "Viewed product contains", "text"],
  ["visitorError", "Visitor saw an error containing", "text"], ["serviceActivity", "Service activity topic contains", "text"],
  ["engagedInVisit", "Already in this visit (exposed/declined/clicked)", "text"], ["notEngagedInVisit", "Not yet in this visit (exposed/declined/clicked)", "text"],
  ["calledWithinDays", "Called within days", "number"], ["notCalledWithinDays", "Not called within days", "number"],
];

const defaultCreative = `<div class="banner">\n  <p>Questions about your quote, {{name}}? We call you now, free.</p>\n  <button data-beckon-click>Call me</button>\n</div>`;
// The tag draws the card and its close button; a creative styles only what is inside.
const defaultCSS = `.banner p { margin: 0 0 12px; }\nbutton { background: #1d4ed8; color: #fff; border: 0; border-radius: 6px; padding: 8px 14px; font: inherit; cursor: pointer; }`;

export async function engagementEditor(campaignId, id) {
  const campaign = await api("GET", `campaigns/${campaignId}`);
  const e = id ? await api("GET", `engagements/${id}`) : {
    name: "", type: "clickToCall", proactive: true, placement: "toaster", openMode: "popup", timeoutSeconds: 60,
    entryPoint: { include: [], exclude: [] }, behaviour: { all: [] }, creative: { html: defaultCreative, css: defaultCSS },
    clickToCall: { brandPageUrl: "", validitySeconds: 600, maxValidations: 1 },
  };
  const readOnly = !can("campaigns:write");
  const name = input({ value: e.name, required: true, maxlength: 200 });
  const type = select([["clickToCall", "Click to Call"], ["content", "Content"], ["chatInvitation", "Chat invitation"]], e.type);
  const proactive = h("input", { type: "checkbox", checked: e.proactive });
  const placement = select(["toaster", "overlay", "slideout", "sticky", "embedded"], e.placement);
  const target = input({ value: e.target || "", placeholder: "#call-box" });
  const openMode = select([["popup", "Popup window"], ["newTab", "New tab"], ["sameWindow", "Same window"]], e.openMode);
  const timeout = input({ type: "number", value: e.timeoutSeconds ?? 60, min: 0 });
  const language = input({ value: e.language || "", placeholder: "the account's", maxlength: 35 });
  const entryRows = h("div", { class: "rules", dataset: { field: "entryPoint" } });
  for (const side of ["include", "exclude"]) for (const rule of e.entryPoint?.[side] || []) entryRows.append(entryRow(side, rule));
  const behaviourRows = h("div", { class: "rules", dataset: { field: "behaviour" } });
  for (const rule of e.behaviour?.all || []) behaviourRows.append(behaviourRow(rule));
  const html = textarea(e.creative?.html || "", { rows: 8, spellcheck: false });
  const css = textarea(e.creative?.css || "", { rows: 6, spellcheck: false });
  const sample = input({ value: "name=Ana", placeholder: "name=Ana, product=Home insurance" });
  const brandPage = input({ type: "url", value: e.clickToCall?.brandPageUrl || "", placeholder: "https://www.brand.example/call" });
  const validity = input({ type: "number", value: e.clickToCall?.validitySeconds ?? 600, min: 30 });
  // Empty: no limit within the validity (LivePerson's behaviour); the default is 1.
  const validations = input({ type: "number", value: e.clickToCall ? (e.clickToCall.maxValidations ?? "") : 1, min: 1, placeholder: "no limit" });
  // The website tag draws the preview (its preview mode); scripts run in an opaque origin.
  const preview = h("iframe", { class: "preview", title: "Live preview of the creative", sandbox: "allow-scripts" });

  const form = h("form", { class: "card", novalidate: true },
    h("fieldset", {}, h("legend", {}, "Engagement"),
      h("div", { class: "row" }, field("Name", name, { name: "name" }), field("Type", type, { name: "type" }), field("Placement", placement, { name: "placement" })),
      h("div", { class: "row" }, field("Embedded target (CSS selector)", target, { name: "target", hint: "Only for the embedded placement." }), field("Open the call page in", openMode, { name: "openMode" }), field("Hide after seconds (0: never)", timeout, { name: "timeoutSeconds" }), field("Language", language, { name: "language", hint: "Of the creative, e.g. de-DE; empty: the account's." })),
      h("label", {}, proactive, " Proactive (the engagement offers itself; otherwise a button the visitor opens)")),
    h("fieldset", {}, h("legend", {}, "Where: entry point"),
      h("p", { class: "muted" }, "Shown on pages matching any include rule and no exclude rule. No include rule: every page."), entryRows,
      h("button", { type: "button", onclick: () => entryRows.append(entryRow("include", { urlContains: "" }, true)) }, "Add a page rule")),
    h("fieldset", {}, h("legend", {}, "When: visitor behaviour"),
      h("p", { class: "muted" }, "All rules must hold."), behaviourRows,
      h("button", { type: "button", onclick: () => behaviourRows.append(behaviourRow({ timeOnPageSeconds: 20 }, true)) }, "Add a behaviour rule")),
    h("fieldset", {}, h("legend", {}, "Creative"),
      h("div", { class: "split" },
        h("div", {}, field("HTML", html, { name: "creative.html", hint: "data-beckon-click marks the call button; {{name}} fills from the page's beckon.vars." }), field("CSS", css, { name: "creative.css" }), field("Sample values for the preview", sample, { hint: "name=value pairs, comma-separated" })),
        h("div", {}, h("div", { class: "label", style: "font-weight:600;font-size:13px" }, "Live preview"), preview))),
    h("fieldset", {}, h("legend", {}, "Click to Call"),
      h("div", { class: "row" }, field("Your call page URL", brandPage, { name: "clickToCall.brandPageUrl", hint: "Opened with the visit's ids and a signed token." }), field("Link valid for seconds", validity, { name: "clickToCall.validitySeconds" }), field("Validations per click", validations, { name: "clickToCall.maxValidations", hint: "1 stops a forwarded link starting a second call; empty: no limit." }))),
    readOnly ? h("p", { class: "muted" }, "Your role can view engagements but not change them.") :
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, id ? "Save engagement (new revision)" : "Create engagement"), h("a", { href: `#/campaigns/${campaignId}` }, "Cancel")));
  if (readOnly) form.querySelectorAll("input, select, textarea, button").forEach((c) => { c.disabled = true; });

  let timer, latest = 0;
  // Only the newest request's answer is shown: answers can arrive out of order while typing.
  async function refreshPreview() {
    const request = ++latest;
    const values = Object.fromEntries(sample.value.split(",").map((pair) => pair.split("=").map((s) => s.trim())).filter((p) => p.length === 2 && p[0]));
    try {
      const response = await api("POST", "engagements/preview", { name: name.value || "Preview", type: type.value, placement: placement.value, creative: { html: html.value, css: css.value }, values }, { raw: true, accept: "text/html" });
      const page = await response.text();
      if (request === latest) preview.srcdoc = page;
    } catch (error) { if (request === latest) preview.srcdoc = ""; }
  }
  for (const control of [html, css, sample, placement, name, type]) control.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refreshPreview, 250); });
  placement.addEventListener("change", refreshPreview);

  onSubmit(form, () => {
      const body = {
        name: name.value.trim(), type: type.value, proactive: proactive.checked, placement: placement.value,
        openMode: openMode.value, timeoutSeconds: Number(timeout.value || 0), language: language.value.trim() || null,
        entryPoint: { include: [], exclude: [] }, behaviour: { all: [...behaviourRows.children].map((row) => row.toRule()) },
        creative: { html: html.value, css: css.value },
      };
      for (const row of entryRows.children) { const [side, rule] = row.toRule(); body.entryPoint[side].push(rule); }
      body.target = placement.value === "embedded" ? target.value.trim() : null;
      if (type.value === "clickToCall") body.clickToCall = { brandPageUrl: brandPage.value.trim(), validitySeconds: Number(validity.value), maxValidations: validations.value.trim() === "" ? null : Number(validations.value) };
      else if (id) body.clickToCall = null;
      return body;
  }, async (body) => {
    if (id) await api("PATCH", `engagements/${id}`, body); else await api("POST", `campaigns/${campaignId}/engagements`, body);
    toast(id ? "Engagement saved as a new revision" : "Engagement created");
    location.hash = `#/campaigns/${campaignId}`;
  });

  show(h("p", {}, h("a", { href: `#/campaigns/${campaignId}` }, `← ${campaign.name}`)), h("h1", {}, id ? `${e.name} (revision ${e.revision})` : "New engagement"), form);
  refreshPreview();
}

function entryRow(side, rule, focus) {
  const [kind, value] = Object.entries(rule)[0] || ["urlContains", ""];
  const sideSelect = select([["include", "Include"], ["exclude", "Exclude"]], side);
  const kindSelect = select(entryKinds, kind);
  const text = input({ value });
  const row = h("div", { class: "rule" }, field("Rule", sideSelect), field("Match", kindSelect), field("Value", text),
    h("button", { type: "button", class: "link", onclick: () => row.remove() }, "Remove rule"));
  row.toRule = () => {
    if (!text.value.trim()) throw { field: "entryPoint", message: "A page rule needs a value (or remove it)." };
    return [sideSelect.value, { [kindSelect.value]: text.value.trim() }];
  };
  if (focus) setTimeout(() => text.focus());
  return row;
}

function behaviourRow(rule, focus) {
  const [kind, raw] = Object.entries(rule)[0] || ["timeOnPageSeconds", 20];
  const kindSelect = select(behaviourKinds.map(([k, label]) => [k, label]), kind);
  const shown = raw === true ? "" : typeof raw === "object" && raw !== null
    ? (Array.isArray(raw) ? raw.join(", ") : ("min" in raw && !("max" in raw) && kind === "pageCount" ? raw.min : `${raw.min ?? ""}-${raw.max ?? ""}`)) : raw;
  const text = input({ value: shown ?? "" });
  const row = h("div", { class: "rule" }, field("Condition", kindSelect), field("Value", text),
    h("button", { type: "button", class: "link", onclick: () => row.remove() }, "Remove rule"));
  row.toRule = () => {
    const k = kindSelect.value;
    const shape = behaviourKinds.find(([name]) => name === k)[2];
    const value = text.value.trim();
    const bad = () => { throw { field: "behaviour", message: `"${value}" does not fit "${behaviourKinds.find(([name]) => name === k)[1]}".` }; };
    switch (shape) {
      case "number": if (!/^\d+$/.test(value)) bad(); return { [k]: Number(value) };
      case "min": if (!/^\d+$/.test(value)) bad(); return { [k]: { min: Number(value) } };
      case "list": return { [k]: value.split(",").map((s) => s.trim()).filter(Boolean) };
      case "flag": return { [k]: true };
      case "range": {
        const match = value.match(/^(\d*\.?\d*)\s*-\s*(\d*\.?\d*)$/) || value.match(/^(\d+\.?\d*)()$/);
        if (!match) bad();
        const range = {};
        if (match[1]) range.min = Number(match[1]);
        if (match[2]) range.max = Number(match[2]);
        return { [k]: range };
      }
      default: if (!value) bad(); return { [k]: value };
    }
  };
  if (focus) setTimeout(() => text.focus());
  return row;
}
