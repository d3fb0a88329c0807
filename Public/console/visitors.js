// A visitor's history: visits, pages, engagements, clicks and call statuses.
import { api, all, can } from "/console/api.js";
import { h, field, input, show, toast, formatDate } from "/console/dom.js";

export async function visitorView(visitorId) {
  const id = input({ value: visitorId || "", placeholder: "the beckon_vid cookie's value", spellcheck: false });
  const form = h("form", { class: "card row", novalidate: true },
    field("Visitor id", id, { name: "visitorId", hint: "From the visitor's beckon_vid cookie, your call page's visitorId, or a report." }),
    h("div", { class: "field" }, h("button", { type: "submit", class: "primary" }, "Show history")));
  form.addEventListener("submit", (event) => { event.preventDefault(); location.hash = `#/visitors/${encodeURIComponent(id.value.trim())}`; });
  const parts = [h("h1", {}, "Visitor history"), form];
  if (visitorId) {
    try {
      const [history, campaigns] = await Promise.all([api("GET", `visitors/${encodeURIComponent(visitorId)}`), all("campaigns")]);
      const names = Object.fromEntries(campaigns.map((c) => [c.id, c.name]));
      parts.push(...history.visits.map((visit) => visitCard(visit, names)));
      if (can("admin")) {
        parts.push(h("section", { class: "card", "aria-labelledby": "erase-h" }, h("h2", { id: "erase-h" }, "Erase this visitor"),
          h("p", { class: "muted" }, "Removes the visits, pages, clicks and everything the visitor reported (for a data-protection request). Report totals stay, as they name nobody."),
          h("button", { type: "button", class: "danger", onclick: async () => {
            if (!confirm("Erase everything Beckon holds about this visitor? This cannot be undone.")) return;
            try {
              const answer = await api("DELETE", `visitors/${encodeURIComponent(visitorId)}`);
              toast(`Visitor erased (${answer.erasedEvents} events)`);
              show(h("h1", {}, "Visitor history"), h("p", { role: "status" }, "The visitor was erased."));
            } catch (error) { toast(error.message, "error"); }
          } }, "Erase this visitor")));
      }
    } catch (error) {
      parts.push(h("p", { role: "alert" }, error.status === 404 ? "No visits of this visitor within the retention period." : error.message));
    }
  }
  show(parts);
}

function visitCard(visit, names) {
  return h("section", { class: "card", "aria-label": `Visit ${formatDate(visit.startedAt)}` },
    h("h2", {}, `Visit of ${formatDate(visit.startedAt)}`),
    h("p", { class: "muted" }, `Last activity ${formatDate(visit.lastActivityAt)} · visit id ${visit.sessionId}`),
    h("h3", {}, "Pages"),
    h("ol", {}, visit.pages.map((p) => h("li", {}, `${formatDate(p.at)} — `, p.title ? `${p.title} · ` : "", h("code", {}, p.url)))),
    h("h3", {}, "Engagements"),
    visit.engagements.length ? h("table", {},
      h("thead", {}, h("tr", {}, ["Campaign", "Engagement", "Placement", "Offered", "Displayed", "Clicked", "Closed", "Call"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, visit.engagements.map((e) => h("tr", {},
        h("td", {}, h("a", { href: `#/campaigns/${e.campaignId}` }, names[e.campaignId] || `#${e.campaignId}`)), h("td", {}, `#${e.engagementId} r${e.revision}`), h("td", {}, e.placement),
        h("td", {}, formatDate(e.offeredAt)), h("td", {}, formatDate(e.displayedAt)), h("td", {}, formatDate(e.clickedAt)), h("td", {}, formatDate(e.closedAt)),
        h("td", {}, e.callStatuses.length ? e.callStatuses.map((c) => h("div", {}, `${c.status}${c.disposition ? ` (${c.disposition})` : ""} · ${formatDate(c.at)}`)) : "–")))))
      : h("p", { class: "muted" }, "None offered."),
    visit.notShown.length ? [h("h3", {}, "Not shown"), h("ul", {}, visit.notShown.map((n) => h("li", {}, `${names[n.campaignId] || `Campaign #${n.campaignId}`}, engagement #${n.engagementId}: ${n.reason}`)))] : null,
    visit.attributes.length ? [h("h3", {}, "Reported"), h("p", {}, visit.attributes.map((a) => `${a.type} (${a.source})`).join(", "))] : null);
}
