// Webhooks (docs/webhooks.md): endpoints with their recent deliveries; create, test, rotate the
// secret, turn off and on, delete, redeliver. Admins only (the API needs scope admin).
import { api, all, can } from "/console/api.js";
import { h, field, input, show, showError, clearErrors, toast, formatDate } from "/console/dom.js";

const refresh = () => window.dispatchEvent(new HashChangeEvent("hashchange"));
const EVENTS = [
  ["engagement.clicked", "A visitor clicked Click to Call"],
  ["visit.validated", "Your call page validated a click"],
  ["call.status", "A call's status changed"],
  ["goal.reached", "A campaign's goal was reached"],
  ["visitor.blocked", "The abuse defences blocked a visitor"],
];
const REASONS = {
  failing: "every delivery failed for five days",
  gone: "the receiver answered 410 Gone",
};

/** Why each turned-off endpoint is off, for the banner every page shows admins. */
export async function webhookWarnings() {
  if (!can("admin")) return [];
  try {
    const endpoints = await all("webhooks");
    return endpoints.filter((e) => !e.enabled && e.disabledReason)
      .map((e) => `Webhook ${e.url} was turned off: ${REASONS[e.disabledReason] || e.disabledReason}. Fix the receiver, then turn it on again under Webhooks.`);
  } catch (_) {
    return [];
  }
}

function secretBlock(secret, what) {
  const text = h("p", { class: "secret" }, secret);
  return h("div", {},
    h("p", {}, h("strong", {}, `${what} Copy it now: it is shown only once.`)), text,
    h("button", { type: "button", onclick: async () => { await navigator.clipboard?.writeText(secret); toast("Secret copied"); } }, "Copy the secret"));
}

function deliveriesTable(endpoint, deliveries) {
  if (!deliveries.length) return h("p", { class: "muted" }, "No deliveries yet.");
  const rows = deliveries.map((d) => {
    const last = d.attempts[d.attempts.length - 1];
    const outcome = last ? (last.statusCode ? `HTTP ${last.statusCode}` : last.error || "no answer") : "not tried yet";
    return h("tr", {},
      h("td", {}, formatDate(d.createdAt)), h("td", {}, h("code", {}, d.type)),
      h("td", {}, h("span", { class: `badge ${d.state}` }, d.state)),
      h("td", {}, String(d.attempts.length)), h("td", {}, outcome), h("td", {}, last ? `${last.latencyMs} ms` : ""),
      h("td", {}, d.nextAttemptAt ? formatDate(d.nextAttemptAt) : ""),
      h("td", {}, h("button", { type: "button", "aria-label": `Send ${d.type} ${d.messageId} again`, onclick: async () => {
        try { await api("POST", `webhooks/${endpoint.id}/deliveries/${encodeURIComponent(d.messageId)}/redeliver`); toast("Queued again"); refresh(); }
        catch (error) { toast(error.message, "error"); }
      } }, "Redeliver")));
  });
  return h("div", { class: "scroll" }, h("table", {},
    h("caption", { class: "muted" }, "Recent deliveries, newest first"),
    h("thead", {}, h("tr", {}, ["Created", "Event", "State", "Attempts", "Last answer", "Latency", "Next attempt", ""].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows)));
}

async function endpointCard(endpoint) {
  const page = await api("GET", `webhooks/${endpoint.id}/deliveries?limit=10`);
  const result = h("div", { "aria-live": "polite" });
  const action = (label, accessible, run) => h("button", { type: "button", "aria-label": `${accessible} ${endpoint.url}`, onclick: async () => {
    try { await run(); } catch (error) { toast(error.message, "error"); }
  } }, label);
  const state = endpoint.enabled ? h("span", { class: "badge ok" }, "on")
    : h("span", { class: "badge" }, endpoint.disabledReason ? `off: ${REASONS[endpoint.disabledReason] || endpoint.disabledReason}` : "off");
  return h("section", { class: "card", "aria-labelledby": `hook-${endpoint.id}` },
    h("h2", { id: `hook-${endpoint.id}` }, endpoint.url), state,
    endpoint.description ? h("p", {}, endpoint.description) : null,
    h("p", { class: "muted" }, `Events: ${endpoint.events.join(", ")}`, h("br"),
      endpoint.includePersonalData ? "Includes the visitor's personal data. " : "No personal data. ",
      `Added ${formatDate(endpoint.createdAt)}`,
      endpoint.failingSince ? ` · failing since ${formatDate(endpoint.failingSince)}` : "",
      endpoint.secretRotatingUntil ? ` · the previous secret signs too until ${formatDate(endpoint.secretRotatingUntil)}` : ""),
    h("div", { class: "actions" },
      action("Send test", "Send a test message to", async () => {
        await api("POST", `webhooks/${endpoint.id}/test`);
        toast("Test message queued");
        setTimeout(refresh, 1500);
      }),
      action("Rotate secret", "Rotate the signing secret of", async () => {
        if (!confirm("Make a new signing secret? The current one keeps signing for 24 hours.")) return;
        const rotated = await api("POST", `webhooks/${endpoint.id}/rotate-secret`);
        result.replaceChildren(secretBlock(rotated.secret, "The new signing secret."), h("button", { type: "button", onclick: refresh }, "Done"));
      }),
      action(endpoint.enabled ? "Turn off" : "Turn on", endpoint.enabled ? "Turn off" : "Turn on", async () => {
        await api("PATCH", `webhooks/${endpoint.id}`, { enabled: !endpoint.enabled });
        toast(endpoint.enabled ? "Turned off" : "Turned on");
        refresh();
      }),
      h("button", { type: "button", class: "danger", "aria-label": `Delete ${endpoint.url}`, onclick: async () => {
        if (!confirm(`Delete the webhook to ${endpoint.url} and its deliveries?`)) return;
        try { await api("DELETE", `webhooks/${endpoint.id}`); toast("Webhook deleted"); refresh(); } catch (error) { toast(error.message, "error"); }
      } }, "Delete")),
    result, deliveriesTable(endpoint, page.items));
}

export async function webhooksView() {
  const endpoints = await all("webhooks");
  const cards = await Promise.all(endpoints.map(endpointCard));
  const url = input({ type: "url", placeholder: "https://hooks.brand.example/beckon", autocomplete: "off" });
  const description = input({ placeholder: "CRM sync" });
  const boxes = EVENTS.map(([name, label]) => h("label", {}, h("input", { type: "checkbox", value: name, checked: true }), ` ${label} `, h("code", {}, name)));
  const personal = h("input", { type: "checkbox" });
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", novalidate: true }, h("h2", {}, "Add a webhook"),
    field("URL", url, { name: "url", hint: "https, on the public internet. Beckon signs every message (Standard Webhooks)." }),
    h("div", { class: "field", dataset: { field: "events" } }, h("span", { class: "label", id: "events-label" }, "Events"),
      h("div", { role: "group", "aria-labelledby": "events-label", class: "stack" }, boxes)),
    field("Description", description, { name: "description" }),
    h("div", { class: "field", dataset: { field: "includePersonalData" } },
      h("label", {}, personal, " Include the visitor's personal data (name, contact, customer information)")),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Add webhook")), result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      const created = await api("POST", "webhooks", {
        url: url.value.trim(), events: boxes.map((l) => l.querySelector("input")).filter((b) => b.checked).map((b) => b.value),
        description: description.value.trim() || undefined, includePersonalData: personal.checked,
      });
      result.replaceChildren(secretBlock(created.secret, "Your receiver verifies deliveries with this signing secret."),
        h("button", { type: "button", onclick: refresh }, "Done"));
      toast("Webhook added");
    } catch (error) { showError(form, error); }
  });
  show(h("h1", {}, "Webhooks"),
    h("p", { class: "muted" }, "Beckon POSTs what happens to your URLs, signed; retried for a day when they fail. See docs/webhooks.md for verifying them."),
    cards.length ? cards : h("p", { class: "muted" }, "No webhooks yet."), form);
}
