// Small DOM helpers: every text goes in as text (never as HTML), so nothing a brand or visitor
// reported can run in the console.

let nextId = 0;

/** Creates an element: h("button", {type: "button", onclick: fn}, "Save"). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A labelled form field; `name` is the API field its errors come back for. */
export function field(label, control, { name, hint } = {}) {
  const id = control.id || `f${++nextId}`;
  control.id = id;
  if (name && !control.name) control.name = name;
  const hintElement = hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null;
  if (hintElement) control.setAttribute("aria-describedby", hintElement.id);
  return h("div", { class: "field", dataset: { field: name || "" } }, h("label", { for: id }, label), control, hintElement);
}

export const input = (attributes = {}) => h("input", { type: "text", ...attributes });
export const textarea = (value = "", attributes = {}) => { const t = h("textarea", attributes); t.value = value; return t; };

export function select(options, value, attributes = {}) {
  const element = h("select", attributes);
  for (const option of options) {
    const [optionValue, text] = Array.isArray(option) ? option : [option, option];
    element.append(h("option", { value: optionValue, selected: String(optionValue) === String(value) }, text));
  }
  return element;
}

/** Shows an API error next to the field it names (or at the form's end), and focuses it. */
export function showError(form, error) {
  clearErrors(form);
  const name = error.field || "";
  let target = null;
  if (name) {
    // "timeFrame.weekly.mon" is shown at the closest field the form has; "abuse.allowedCountries[2]"
    // at the list's field.
    const parts = name.replace(/\[\d+\]/g, "").split(".");
    for (let n = parts.length; n > 0 && !target; n--) {
      target = form.querySelector(`[data-field="${CSS.escape(parts.slice(0, n).join("."))}"]`);
    }
  }
  const message = h("span", { class: "error", role: "alert" }, error.message);
  if (target) {
    target.classList.add("invalid");
    target.append(message);
    const control = target.querySelector("input, select, textarea");
    if (control) { control.setAttribute("aria-invalid", "true"); control.focus(); }
  } else {
    form.append(h("div", { class: "field form-error" }, message));
  }
}

/** On submit: `build()` the body (its thrown {field, message} shown like an API error), then `send(body)`. */
export function onSubmit(form, build, send) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    let body;
    try { body = build(); } catch (error) { return showError(form, error); }
    try { await send(body); } catch (error) { showError(form, error); }
  });
}

export function clearErrors(form) {
  form.querySelectorAll(".field .error, .form-error").forEach((node) => node.remove());
  form.querySelectorAll(".invalid").forEach((node) => node.classList.remove("invalid"));
  form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
}

let toastTimer;
/** A short message in the live region (read out by screen readers). */
export function toast(message, kind = "ok") {
  const status = document.getElementById("status");
  status.textContent = message;
  status.className = `toast ${kind}`;
  status.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { status.hidden = true; }, 4000);
}

export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined) return "–";
  return Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function formatDate(text) {
  if (!text) return "–";
  const date = new Date(text);
  return date.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" });
}

/** Replaces the main area with `children` and moves focus to its heading. */
export function show(...children) {
  const main = document.getElementById("main");
  main.replaceChildren(...children.flat());
  const heading = main.querySelector("h1");
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}
