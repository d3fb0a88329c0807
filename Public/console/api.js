// The console talks only to Beckon's public APIs, signed in with its session cookie. Changes
// carry the session's CSRF token; a 401 sends the user back to sign-in.

export const session = { current: null };

export class APIError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

// `raw` answers the response itself, for a body that is not JSON (the preview's HTML page):
// its Accept then names that type (`accept`), with JSON for the errors.
async function request(method, url, body, { raw = false, accept = "application/json" } = {}) {
  const headers = { Accept: raw && accept !== "application/json" ? `${accept}, application/json` : accept };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && session.current) headers["X-CSRF-Token"] = session.current.csrfToken;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  if (response.status === 401 && session.current && !url.startsWith("/console/api/session")) {
    session.current = null;
    window.dispatchEvent(new Event("beckon:signed-out"));
  }
  if (!response.ok) {
    let message = response.statusText, field;
    try { const error = await response.json(); message = error.message || message; field = error.field; } catch (_) { /* not JSON */ }
    if (response.status === 403 && !field) message = `Not allowed: ${message}`;
    throw new APIError(response.status, message, field);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

/** A path under the signed-in account: api("GET", "campaigns"). */
export function api(method, path, body, options) {
  return request(method, `/api/v1/accounts/${encodeURIComponent(session.current.accountId)}/${path}`, body, options);
}

export function accountURL(path) {
  return `/api/v1/accounts/${encodeURIComponent(session.current.accountId)}/${path}`;
}

export async function loadSession() {
  try { session.current = await request("GET", "/console/api/session"); } catch (_) { session.current = null; }
  return session.current;
}

export async function signIn(email, password, accountId) {
  session.current = await request("POST", "/console/api/session", { email, password, ...(accountId ? { accountId } : {}) });
  return session.current;
}

export async function signOut() {
  try { await request("DELETE", "/console/api/session"); } finally { session.current = null; }
}

/** Whether the signed-in user may do what `scope` allows (the server checks again). */
export function can(scope) {
  const scopes = session.current?.scopes || [];
  return scopes.includes("admin") || scopes.includes(scope);
}

/** Every item of a list endpoint, following nextCursor. */
export async function all(path) {
  const items = [];
  let cursor;
  do {
    const separator = path.includes("?") ? "&" : "?";
    const page = await api("GET", cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
