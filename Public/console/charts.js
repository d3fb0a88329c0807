// Charts drawn as SVG by our own code: a funnel of horizontal bars and a daily line chart. Each
// has a text alternative (a title and a description) for screen readers.

const NS = "http://www.w3.org/2000/svg";
const colors = ["#1d4ed8", "#059669", "#d97706", "#7c3aed", "#dc2626", "#0891b2"];

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = String(text);
  return element;
}

function frame(width, height, title, description) {
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img" });
  const id = `c${Math.random().toString(36).slice(2)}`;
  root.append(svg("title", { id: `${id}-t` }, title), svg("desc", { id: `${id}-d` }, description));
  root.setAttribute("aria-labelledby", `${id}-t ${id}-d`);
  return root;
}

/** steps: [{label, value}] — each bar's width relative to the first, with the step's rate. */
export function funnelChart(steps, title = "Funnel", { rates = true } = {}) {
  const width = 720, rowHeight = 34, labelWidth = 170, height = steps.length * rowHeight + 8;
  const max = Math.max(1, ...steps.map((s) => s.value));
  const description = steps.map((s) => `${s.label}: ${s.value}`).join(", ");
  const root = frame(width, height, title, description);
  steps.forEach((step, index) => {
    const y = 4 + index * rowHeight;
    const barWidth = Math.max(2, ((width - labelWidth - 120) * step.value) / max);
    root.append(svg("text", { x: 0, y: y + 20 }, step.label));
    root.append(svg("rect", { x: labelWidth, y: y + 4, width: barWidth, height: rowHeight - 10, rx: 4, fill: colors[index % colors.length] }));
    const previous = index > 0 ? steps[index - 1].value : null;
    const rate = rates && previous ? ` (${((100 * step.value) / previous).toFixed(1)} %)` : "";
    root.append(svg("text", { x: labelWidth + barWidth + 8, y: y + 20 }, `${step.value.toLocaleString("en-US")}${rate}`));
  });
  return root;
}

/** days: ["2026-11-01", …]; series: [{label, values: [n per day]}]. */
export function lineChart(days, series, title = "By day") {
  const width = 720, height = 240, left = 44, bottom = 28, top = 10, right = 10;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i) => left + (days.length <= 1 ? 0 : (i * (width - left - right)) / (days.length - 1));
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  const description = series.map((s) => `${s.label}: ${s.values.reduce((a, b) => a + b, 0)} in total`).join("; ");
  const root = frame(width, height, title, description);
  root.append(svg("line", { x1: left, y1: y(0), x2: width - right, y2: y(0), class: "axis" }));
  root.append(svg("line", { x1: left, y1: top, x2: left, y2: y(0), class: "axis" }));
  root.append(svg("text", { x: 4, y: top + 10 }, max), svg("text", { x: 4, y: y(0) }, 0));
  const every = Math.max(1, Math.ceil(days.length / 8));
  days.forEach((day, i) => { if (i % every === 0) root.append(svg("text", { x: x(i) - 16, y: height - 8 }, day.slice(5))); });
  series.forEach((s, index) => {
    const points = s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ");
    root.append(svg("polyline", { points, fill: "none", stroke: colors[index % colors.length], "stroke-width": 2 }));
    s.values.forEach((v, i) => root.append(svg("circle", { cx: x(i), cy: y(v), r: 2.5, fill: colors[index % colors.length] })));
  });
  return root;
}

/** The series' colours, for a legend beside a chart. */
export function legend(labels) {
  const element = document.createElement("div");
  element.className = "legend";
  labels.forEach((label, index) => {
    const item = document.createElement("span");
    item.style.setProperty("--c", colors[index % colors.length]);
    item.textContent = label;
    element.append(item);
  });
  return element;
}

/** rows: [{label, value}] as horizontal bars (custom reports). */
export function barChart(rows, title) {
  return funnelChart(rows.slice(0, 12), title, { rates: false });
}
