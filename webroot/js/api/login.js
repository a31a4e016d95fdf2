// The login of this tab: its tokens (kept in sessionStorage so that a reload of the tab keeps the user logged
// in, while other tabs start with their own login), the user they name, and their renewal before they expire.

import { ApiError, publicRequest } from './http.js';

const STORAGE_KEY = 'agentchat.tokens';
const REFRESH_MARGIN_MS = 60_000;   // refresh this long before the ID token expires
const MIN_VALID_MS = 30_000;        // refresh before a request if less than this is left
const RETRY_REFRESH_MS = 15_000;    // retry delay after a refresh failed for network reasons

let tokens = loadTokens();
let refreshTimer = null;
let refreshPromise = null;
let changing = null;                // a change that ends this login's tokens on the server, while it runs
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

/** The login can no longer be used (refused by the server): forget it and tell the listeners. */
export function authLost() {
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
  if (changing) {
    // the server is ending these tokens (a new password, signing out everywhere): wait for what replaces them
    const stale = tokens;
    return changing.then(
      () => (tokens && tokens !== stale ? tokens.id_token : Promise.reject(new ApiError(401, 'not_authenticated', 'Please log in.'))),
      () => refreshTokens(),
    );
  }
  if (!tokens || !tokens.refresh_token) {
    return Promise.reject(new ApiError(401, 'not_authenticated', 'Please log in.'));
  }
  if (!refreshPromise) {
    const refreshToken = tokens.refresh_token;
    refreshPromise = (async () => {
      try {
        const data = await publicRequest('POST', '/api/auth/refresh', { body: { refresh_token: refreshToken } });
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
// Changes of the login

/**
 * Runs `change`, a request after which the server refuses this login's tokens (their sockets closed too): a new
 * password, signing out everywhere. A renewal asked for meanwhile (a socket reconnecting, a request refused) waits for
 * it and gets the tokens it stored, instead of presenting the refresh token the server is revoking; when the change
 * stores none, the renewal fails without asking the server. The request of `change` must not renew the token itself
 * (request's `renew: false`). Resolves with what `change` resolves with.
 */
export async function changeLogin(change) {
  await ensureFreshToken();
  const run = Promise.resolve().then(change);
  changing = run;
  try {
    return await run;
  } finally {
    if (changing === run) changing = null;
  }
}

/** Keeps tokens the server issued outside a login or refresh (a changed password's): this tab stays signed in. */
export function useTokens(data) {
  storeTokens(data);
}

// ---------------------------------------------------------------------------
// Log in and out

/** Logs in with e-mail and password; resolves with the user. */
export async function login(email, password) {
  const data = await publicRequest('POST', '/api/auth/login', { body: { email, password } });
  storeTokens(data);
  return currentUser();
}

export function logout() {
  clearTokens();
}
