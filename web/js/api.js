// api.js — the one door to the server's JSON API: session cookie (HttpOnly, set by the server),
// the CSRF token for writes, and errors as ApiError with the server's message and field.
let csrf = sessionStorage.getItem('kc.csrf');

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `request failed (${status})`);
    this.status = status;
    this.field = e.field || null;
  }
}

export async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);

export async function login(user, password) {
  const j = await api('POST', '/api/login', { user, password });
  csrf = j.csrf_token;
  sessionStorage.setItem('kc.csrf', csrf);
  return j;
}

export async function logout() {
  try { await api('POST', '/api/logout', {}); } catch { /* already gone */ }
  csrf = null;
  sessionStorage.removeItem('kc.csrf');
}
