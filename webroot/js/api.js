// REST client for the Agent Chat server: fetch wrapper, token storage and refresh.
//
// Tokens live in sessionStorage so that a reload of the tab keeps the user
// logged in, while other tabs start with their own login.

const STORAGE_KEY = 'agentchat.tokens';
const REFRESH_MARGIN_MS = 60_000;   // refresh this long before the ID token expires
const MIN_VALID_MS = 30_000;        // refresh before a request if less than this is left
const RETRY_REFRESH_MS = 15_000;    // retry delay after a refresh failed for network reasons

/** An error returned by the server (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(status, code, message, body = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

let tokens = loadTokens();
let refreshTimer = null;
let refreshPromise = null;
const authLostListeners = new Set();
const tokenListeners = new Set();

// ---------------------------------------------------------------------------
// Token storage

function loadTokens() {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const t = JSON.parse(raw);
    if (!t || typeof t.id_token !== 'string' || typeof t.refresh_token !== 'string') return null;
    return t;
  } catch {
    return null;
  }
}

function saveTokens() {
  try {
    if (tokens) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(tokens));
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage may be unavailable (private mode); the tokens stay in memory.
  }
}

function storeTokens(data) {
  if (!data || typeof data.id_token !== 'string') {
    throw new ApiError(500, 'invalid_response', 'The server sent an unexpected login response.');
  }
  const claims = decodeJwt(data.id_token);
  let lifetimeMs = Number(data.expires_in) * 1000;
  if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) {
    // Fall back to the token's own expiry when expires_in is missing.
    lifetimeMs = claims && claims.exp ? claims.exp * 1000 - Date.now() : 15 * 60_000;
  }
  tokens = {
    id_token: data.id_token,
    access_token: data.access_token ?? tokens?.access_token ?? null,
    // A refresh response may omit the refresh token: keep the previous one.
    refresh_token: data.refresh_token ?? tokens?.refresh_token ?? null,
    expires_at: Date.now() + Math.max(lifetimeMs, 0),
  };
  saveTokens();
  scheduleRefresh();
  for (const fn of tokenListeners) safeCall(fn, tokens.id_token);
}

export function clearTokens() {
  tokens = null;
  clearTimeout(refreshTimer);
  refreshTimer = null;
  saveTokens();
}

export function hasTokens() {
  return !!tokens;
}

export function getIdToken() {
  return tokens ? tokens.id_token : null;
}

/** Called with no arguments when the login can no longer be renewed. */
export function onAuthLost(fn) {
  authLostListeners.add(fn);
  return () => authLostListeners.delete(fn);
}

/** Called with the new ID token after each login or refresh. */
export function onTokens(fn) {
  tokenListeners.add(fn);
  return () => tokenListeners.delete(fn);
}

function authLost() {
  const hadTokens = !!tokens;
  clearTokens();
  if (hadTokens) for (const fn of authLostListeners) safeCall(fn);
}

function safeCall(fn, ...args) {
  try {
    fn(...args);
  } catch (e) {
    console.error(e);
  }
}

// ---------------------------------------------------------------------------
// JWT payload (display only, never trusted for anything else)

export function decodeJwt(token) {
  try {
    const part = String(token).split('.')[1];
    if (!part) return null;
    let b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    const bin = atob(b64);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

/** The logged-in user as described by the ID token, or null. */
export function currentUser() {
  const claims = tokens ? decodeJwt(tokens.id_token) : null;
  if (!claims) return null;
  const tenantId = claims['custom:tenant_id'] || '';
  let groups = claims['cognito:groups'] || [];
  if (typeof groups === 'string') groups = groups.split(/[\s,]+/).filter(Boolean);
  return {
    sub: claims.sub || '',
    email: claims.email || '',
    tenantId,
    tier: claims['custom:subscription_tier'] || '',
    groups,
    isAdmin: !!tenantId && groups.includes(`${tenantId}-admins`),
    exp: claims.exp || 0,
  };
}

// ---------------------------------------------------------------------------
// Refresh

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = null;
  if (!tokens) return;
  const delay = Math.max(tokens.expires_at - Date.now() - REFRESH_MARGIN_MS, 0);
  refreshTimer = setTimeout(scheduledRefresh, delay);
}

async function scheduledRefresh() {
  refreshTimer = null;
  if (!tokens) return;
  try {
    await refreshTokens();
  } catch (err) {
    if (!tokens) return; // already logged out
    if (err.status === 0 || err.status >= 500) {
      // Network trouble: try again shortly, the current token may still work.
      refreshTimer = setTimeout(scheduledRefresh, RETRY_REFRESH_MS);
    }
  }
}

/**
 * Renews the tokens with the refresh token. Concurrent callers share one
 * request. When the server refuses the refresh token the user is logged out.
 */
export function refreshTokens() {
  if (!tokens || !tokens.refresh_token) {
    return Promise.reject(new ApiError(401, 'not_authenticated', 'Please log in.'));
  }
  if (!refreshPromise) {
    const refreshToken = tokens.refresh_token;
    refreshPromise = (async () => {
      try {
        const data = await request('POST', '/api/auth/refresh', {
          body: { refresh_token: refreshToken },
          auth: false,
        });
        storeTokens(data);
        return tokens.id_token;
      } catch (err) {
        if (err.status >= 400 && err.status < 500) authLost();
        throw err;
      } finally {
        refreshPromise = null;
      }
    })();
  }
  return refreshPromise;
}

/**
 * Resumes a login kept in sessionStorage (after a reload of the tab).
 * Resolves with the current user, or null when there is nothing to resume.
 */
export async function resumeLogin() {
  if (!tokens) return null;
  scheduleRefresh();
  try {
    await ensureFreshToken();
  } catch {
    return null;
  }
  return tokens ? currentUser() : null;
}

/** Makes sure the ID token is valid for a little while longer. */
export async function ensureFreshToken() {
  if (!tokens) throw new ApiError(401, 'not_authenticated', 'Please log in.');
  if (tokens.expires_at - Date.now() < MIN_VALID_MS) {
    try {
      await refreshTokens();
    } catch (err) {
      // With a network failure we still try the request with the old token.
      if (!tokens) throw err;
    }
  }
  return tokens.id_token;
}

// ---------------------------------------------------------------------------
// Fetch wrapper

async function parseBody(res) {
  if (res.status === 204) return null;
  const text = await res.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { raw: text };
  }
}

/**
 * Sends a request and returns the response, with the token refreshed once on a 401. Rejects with an ApiError when the
 * server cannot be reached or the login is lost.
 */
async function send(method, path, { body, auth = true, accept = 'application/json', retryOn401 = true } = {}) {
  if (auth) await ensureFreshToken();
  const headers = { Accept: accept };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && tokens) headers.Authorization = `Bearer ${tokens.id_token}`;

  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body !== undefined ? JSON.stringify(body) : undefined,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }

  if (res.status === 401 && auth) {
    if (retryOn401 && tokens) {
      let refreshed = false;
      try {
        await refreshTokens();
        refreshed = true;
      } catch {
        // handled below
      }
      if (refreshed) return send(method, path, { body, auth, accept, retryOn401: false });
    }
    const data = await parseBody(res);
    authLost();
    throw toError(res, data, 'Your login has expired. Please log in again.');
  }
  return res;
}

/**
 * Performs a JSON request. Resolves with the parsed body; rejects with an
 * ApiError carrying the server's error code and message.
 */
export async function request(method, path, { body, auth = true } = {}) {
  const res = await send(method, path, { body, auth });
  const data = await parseBody(res);
  if (!res.ok) throw toError(res, data);
  return data;
}

/**
 * Downloads a file (for example a CSV report) with the login token.
 * Resolves with {blob, filename}; rejects with an ApiError like request().
 */
export async function download(path) {
  const res = await send('GET', path, { accept: 'text/csv, application/json' });
  if (!res.ok) throw toError(res, await parseBody(res));
  const blob = await res.blob();
  return { blob, filename: filenameFrom(res.headers.get('Content-Disposition')) };
}

/** The file name of a Content-Disposition header, or ''. */
function filenameFrom(header) {
  if (!header) return '';
  const star = header.match(/filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = header.match(/filename\s*=\s*("([^"]*)"|[^;]+)/i);
  return plain ? (plain[2] ?? plain[1]).trim() : '';
}

function toError(res, data, fallback) {
  const err = data && typeof data === 'object' ? data.error : null;
  const code = (err && err.code) || `http_${res.status}`;
  const message =
    (err && err.message) ||
    fallback ||
    (res.status >= 500
      ? 'The server ran into a problem. Please try again.'
      : `Request failed (${res.status} ${res.statusText || ''}).`.replace(' )', ')'));
  return new ApiError(res.status, code, message, data);
}

const enc = encodeURIComponent;

// ---------------------------------------------------------------------------
// Endpoints

export const api = {
  clientConfig: () => request('GET', '/api/client-config', { auth: false }),

  signup: (payload) => request('POST', '/api/auth/signup', { body: payload, auth: false }),

  confirm: (email, code) => request('POST', '/api/auth/confirm', { body: { email, code }, auth: false }),

  devMailbox: (email) => request('GET', `/api/dev/mailbox/${enc(email)}`, { auth: false }),

  async login(email, password) {
    const data = await request('POST', '/api/auth/login', { body: { email, password }, auth: false });
    storeTokens(data);
    return currentUser();
  },

  logout() {
    clearTokens();
  },

  createSession: () => request('POST', '/api/sessions', { body: {} }),

  listSessions: (tenantId) => request('GET', `/api/tenants/${enc(tenantId)}/sessions`),

  messages: (tenantId, sessionId) =>
    request('GET', `/api/tenants/${enc(tenantId)}/sessions/${enc(sessionId)}/messages`),

  usage: (tenantId) => request('GET', `/api/tenants/${enc(tenantId)}/usage`),

  subscription: (tenantId) => request('GET', `/api/tenants/${enc(tenantId)}/subscription`),

  createInvite: () => request('POST', '/api/admin/invites', { body: {} }),

  trace: (tenantId, turnId) => request('GET', `/api/tenants/${enc(tenantId)}/turns/${enc(turnId)}/trace`),
};

/** Query string of report parameters ({from, to, granularity, format}); empty values are left out. */
export function reportQuery(params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** Admin endpoints: reports (premium tiers), members, groups and budgets. */
export const adminApi = {
  /** Path of a report: overall-cost, per-user-cost, service-wise-cost, comprehensive-report or users/<id>/service-cost. */
  reportPath: (tenantId, report, params) => `/api/admin/tenants/${enc(tenantId)}/${report}${reportQuery(params)}`,

  report(tenantId, report, params) {
    return request('GET', this.reportPath(tenantId, report, params));
  },

  userServiceCost(tenantId, userId, params) {
    return request('GET', this.reportPath(tenantId, `users/${enc(userId)}/service-cost`, params));
  },

  /** Resolves with {blob, filename} of the report as CSV. */
  reportCsv(tenantId, report, params) {
    return download(this.reportPath(tenantId, report, { ...params, format: 'csv' }));
  },

  members: (tenantId) => request('GET', `/api/admin/tenants/${enc(tenantId)}/members`),

  makeAdmin: (tenantId, userId) =>
    request('POST', '/api/admin/add-to-group', { body: { user_id: userId, group: `${tenantId}-admins` } }),

  budgets: (tenantId) => request('GET', `/api/admin/tenants/${enc(tenantId)}/budgets`),

  /** Sets (a number) or removes (null) the tenant budget, or one user's when userId is given. */
  setBudget(tenantId, monthlyUsd, userId = null) {
    const body = { monthly_usd: monthlyUsd };
    if (userId) body.user_id = userId;
    return request('PUT', `/api/admin/tenants/${enc(tenantId)}/budgets`, { body });
  },
};
