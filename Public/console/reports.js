// Reports: the funnel and its daily series as charts, per campaign, "not shown, by reason",
// custom reports over reported attributes, and CSV downloads of each.
import { api, all, accountURL } from "/console/api.js";
import { h, field, input, select, show, showError, clearErrors, formatNumber } from "/console/dom.js";
import { funnelChart, lineChart, legend, barChart } from "/console/charts.js";

function isoDay(date) { return date.toISOString().slice(0, 10); }

export async function reportsView() {
  const saved = JSON.parse(sessionStorage.getItem("beckon.reports") || "{}");
  const today = new Date();
  const from = input({ type: "date", value: saved.from || isoDay(new Date(today.getTime() - 29 * 86400000)) });
  const to = input({ type: "date", value: saved.to || isoDay(today) });
  const campaigns = await all("campaigns");
  const names = Object.fromEntries(campaigns.map((c) => [c.id, c.name]));
  const campaign = select([["", "All campaigns"], ...campaigns.map((c) => [c.id, c.name])], saved.campaignId || "");
  const filters = h("form", { class: "card row", "aria-label": "Report filters" },
    field("From", from, { name: "from" }), field("To", to, { name: "to" }), field("Campaign", campaign, { name: "campaignId" }),
    h("div", { class: "field" }, h("button", { type: "submit", class: "primary" }, "Show")));
  const results = h("div", { "aria-live": "polite" });
  const custom = customReportForm(() => query());

  function query() {
    const parts = [`from=${from.value}`, `to=${to.value}`];
    if (campaign.value) parts.push(`campaignId=${campaign.value}`);
    return parts.join("&");
  }

  async function load() {
    clearErrors(filters);
    sessionStorage.setItem("beckon.reports", JSON.stringify({ from: from.value, to: to.value, campaignId: campaign.value }));
    let total, byDay, byCampaign;
    try {
      [total, byDay, byCampaign] = await Promise.all([
        api("GET", `reports/funnel?${query()}${campaign.value ? "&groupBy=campaign" : ""}`),
        api("GET", `reports/funnel?${query()}&groupBy=day`),
        api("GET", `reports/funnel?${query()}&groupBy=campaign`),
      ]);
    } catch (error) { return showError(filters, error); }
    const m = total.rows[0]?.metrics || {};
    const tiles = [["Visits", m.visits], ["Prospects", m.prospects], ["Exposures", m.exposures], ["Clicks", m.clicks],
      ["Calls completed", m.callsCompleted], ["Conversions", m.conversions], ["Revenue", formatNumber(m.revenue, 2)],
      ["Lift vs control", m.lift === null || m.lift === undefined ? "–" : `${(m.lift * 100).toFixed(1)} %`]];
    const days = byDay.rows.map((r) => r.day);
    const seriesNames = [["exposures", "Exposures"], ["clicks", "Clicks"], ["callsCompleted", "Calls completed"], ["conversions", "Conversions"]];
    const notShown = Object.entries(m.notShown || {}).sort((a, b) => b[1] - a[1]);
    results.replaceChildren(
      h("p", { class: "muted" }, `${total.from} to ${total.to}, ${total.timeZone}. The current hour is live.`),
      h("div", { class: "tiles" }, tiles.map(([label, value]) => h("div", { class: "tile" }, h("div", { class: "n" }, typeof value === "number" ? formatNumber(value) : value ?? "0"), h("div", { class: "l" }, label)))),
      h("section", { class: "card", "aria-labelledby": "funnel-h" }, h("h2", { id: "funnel-h" }, "Funnel"),
        funnelChart([["Prospects", m.prospects], ["Exposures", m.exposures], ["Clicks", m.clicks], ["Calls requested", m.callsRequested], ["Calls completed", m.callsCompleted], ["Conversions", m.conversions]].map(([label, value]) => ({ label, value: value || 0 })), "Funnel: prospects to conversions")),
      h("section", { class: "card", "aria-labelledby": "series-h" }, h("h2", { id: "series-h" }, "By day"),
        legend(seriesNames.map(([, label]) => label)),
        lineChart(days, seriesNames.map(([key, label]) => ({ label, values: byDay.rows.map((r) => r.metrics[key] || 0) })), "Exposures, clicks, calls and conversions by day"),
        h("p", {}, h("a", { href: accountURL(`reports/funnel?${query()}&groupBy=day&format=csv`), download: "" }, "Download by day as CSV"))),
      h("section", { class: "card", "aria-labelledby": "campaigns-h" }, h("h2", { id: "campaigns-h" }, "By campaign"),
        campaignTable(byCampaign.rows, names),
        h("p", {}, h("a", { href: accountURL(`reports/funnel?${query()}&groupBy=campaign&format=csv`), download: "" }, "Download by campaign as CSV"))),
      h("section", { class: "card", "aria-labelledby": "notshown-h" }, h("h2", { id: "notshown-h" }, "Not shown, by reason"),
        notShown.length ? h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Reason"), h("th", { scope: "col", class: "num" }, "Visits"))),
          h("tbody", {}, notShown.map(([reason, n]) => h("tr", {}, h("td", {}, reason), h("td", { class: "num" }, formatNumber(n))))))
          : h("p", { class: "muted" }, "Every targeted engagement was shown.")));
  }

  filters.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  show(h("h1", {}, "Reports"), filters, results, custom);
  await load();
}

function campaignTable(rows, names) {
  const columns = [["prospects", "Prospects"], ["exposed", "Exposed visits"], ["exposures", "Exposures"], ["clicks", "Clicks"], ["callsRequested", "Calls requested"], ["callsCompleted", "Calls completed"], ["conversions", "Conversions"], ["crossSessionConversions", "Cross-session"], ["revenue", "Revenue"]];
  if (!rows.length) return h("p", { class: "muted" }, "No campaign activity in this range.");
  return h("table", {},
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Campaign"), columns.map(([, label]) => h("th", { scope: "col", class: "num" }, label)))),
    h("tbody", {}, rows.map((row) => h("tr", {}, h("th", { scope: "row" }, names[row.campaignId] || `#${row.campaignId}`),
      columns.map(([key]) => h("td", { class: "num" }, formatNumber(row.metrics[key], key === "revenue" ? 2 : 0)))))));
}

function customReportForm(baseQuery) {
  const attribute = input({ value: "convStatus.disposition", list: "attribute-paths" });
  const measure = input({ value: "count", placeholder: "count, sum:purchase.total, avg:purchase.total" });
  const filter = input({ placeholder: "ctmrinfo.ctype=vip" });
  const output = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", "aria-labelledby": "custom-h" },
    h("h2", { id: "custom-h" }, "Custom report"),
    h("p", { class: "muted" }, "Group what pages and your call centre reported by any attribute, e.g. calls by disposition or revenue by customer type."),
    h("div", { class: "row" }, field("Group by attribute", attribute, { name: "attribute" }), field("Measure", measure, { name: "measure" }), field("Filter (optional)", filter, { name: "filter", hint: "path=value or path!=value" }),
      h("div", { class: "field" }, h("button", { type: "submit", class: "primary" }, "Run"))),
    h("datalist", { id: "attribute-paths" }, ["convStatus.disposition", "convStatus.status", "lead.topic", "ctmrinfo.ctype", "purchase.total", "service.topic", "mrktInfo.channel"].map((v) => h("option", { value: v }))),
    output);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const parts = [baseQuery(), `attribute=${encodeURIComponent(attribute.value.trim())}`, `measure=${encodeURIComponent(measure.value.trim() || "count")}`];
    if (filter.value.trim()) parts.push(`filter=${encodeURIComponent(filter.value.trim())}`);
    try {
      const report = await api("GET", `reports/custom?${parts.join("&")}`);
      const measured = report.measure !== "count";
      output.replaceChildren(
        report.rows.length ? barChart(report.rows.map((r) => ({ label: r.value ?? "(not reported)", value: r.count })), `Custom report: ${report.attribute || ""} by count`) : h("p", { class: "muted" }, "Nothing reported in this range."),
        h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, report.attribute || "All"), h("th", { scope: "col", class: "num" }, "Count"), measured ? [h("th", { scope: "col", class: "num" }, "Sum"), h("th", { scope: "col", class: "num" }, "Average")] : null)),
          h("tbody", {}, [...report.rows, { value: "Total", count: report.total.count, sum: report.total.sum, average: report.total.average }].map((r) =>
            h("tr", {}, h("td", {}, r.value ?? "(not reported)"), h("td", { class: "num" }, formatNumber(r.count)), measured ? [h("td", { class: "num" }, formatNumber(r.sum, 2)), h("td", { class: "num" }, formatNumber(r.average, 2))] : null)))),
        h("p", {}, h("a", { href: accountURL(`reports/custom?${parts.join("&")}&format=csv`), download: "" }, "Download as CSV")));
    } catch (error) { showError(form, error); }
  });
  return form;
}
