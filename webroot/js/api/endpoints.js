// The server's REST endpoints, one function each: `api` for every user, `adminApi` for the admin pages, `operatorApi`
// for the platform operators' page.

import { request, download } from './request.js';
import { login, logout, useTokens, currentUser, changeLogin, clearTokens } from './login.js';

const enc = encodeURIComponent;

export const api = {
  clientConfig: () => request('GET', '/api/client-config', { auth: false }),

  signup: (payload) => request('POST', '/api/auth/signup', { body: payload, auth: false }),

  confirm: (email, code) => request('POST', '/api/auth/confirm', { body: { email, code }, auth: false }),

  devMailbox: (email) => request('GET', `/api/dev/mailbox/${enc(email)}`, { auth: false }),

  login,

  logout,

  /** The signed-in user's profile: {user_id, email, display_name, tenant_id, role}. */
  profile: () => request('GET', '/api/auth/profile'),

  /** Sets (a string) or removes (null) the display name; answers the profile. */
  setProfile: (displayName) => request('PUT', '/api/auth/profile', { body: { display_name: displayName } }),

  /** Signs this user out on every device, this tab included (its tokens are forgotten once the server answers). */
  logoutEverywhere: () =>
    changeLogin(async () => {
      await request('POST', '/api/auth/logout-everywhere', { body: {}, renew: false });
      clearTokens();
    }),

  /**
   * Changes the password; the server signs the other devices out and answers with new tokens, which this tab keeps
   * (it stays signed in). Resolves with the user. A wrong current password is a 401 invalid_credentials.
   */
  changePassword: (oldPassword, newPassword) =>
    changeLogin(async () => {
      const tokens = await request('POST', '/api/auth/password', { body: { old_password: oldPassword, new_password: newPassword }, renew: false });
      useTokens(tokens);
      return currentUser();
    }),

  /** Asks for a code to set a new password; the server answers the same whether or not the address has an account. */
  forgotPassword: (email) => request('POST', '/api/auth/forgot', { body: { email }, auth: false }),

  resetPassword: (email, code, newPassword) =>
    request('POST', '/api/auth/reset', { body: { email, code, new_password: newPassword }, auth: false }),

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

/** Admin endpoints: reports (premium tiers), members and their roles, budgets, API keys and the audit log. */
export const adminApi = {
  /** Path of a report: overall-cost, per-user-cost, per-key-cost, service-wise-cost, comprehensive-report or users/<id>/service-cost. */
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

  /** The invites, pending, used and expired ({invites: [{invite_code, status, expires_at, used_by, used_at, join_path}]}). */
  invites: (tenantId) => request('GET', `/api/admin/tenants/${enc(tenantId)}/invites`),

  revokeInvite: (tenantId, code) => request('DELETE', `/api/admin/tenants/${enc(tenantId)}/invites/${enc(code)}`),

  /** Makes a member an admin (true) or a plain member (false); answers {user_id, role, status, changed}. */
  setAdmin: (tenantId, userId, admin) =>
    request('PUT', `/api/admin/tenants/${enc(tenantId)}/members/${enc(userId)}/role`, { body: { admin } }),

  /** Removes a member at once; answers {user_id, role: "removed", status: "removed", changed}. */
  removeMember: (tenantId, userId) => request('DELETE', `/api/admin/tenants/${enc(tenantId)}/members/${enc(userId)}`),

  /** Path of the audit log ({from, to, kind, format}: days are UTC, kind one of the log's kinds). */
  auditPath: (tenantId, params) => `/api/admin/tenants/${enc(tenantId)}/audit${reportQuery(params)}`,

  audit(tenantId, params) {
    return request('GET', this.auditPath(tenantId, params));
  },

  /** Resolves with {blob, filename} of the audit log as CSV. */
  auditCsv(tenantId, params) {
    return download(this.auditPath(tenantId, { ...params, format: 'csv' }));
  },

  budgets: (tenantId) => request('GET', `/api/admin/tenants/${enc(tenantId)}/budgets`),

  /** Sets (a number) or removes (null) the tenant budget, or one user's when userId is given. */
  setBudget(tenantId, monthlyUsd, userId = null) {
    const body = { monthly_usd: monthlyUsd };
    if (userId) body.user_id = userId;
    return request('PUT', `/api/admin/tenants/${enc(tenantId)}/budgets`, { body });
  },

  apiKeys: (tenantId) => request('GET', `/api/admin/tenants/${enc(tenantId)}/api-keys`),

  /** Creates a key ({name, user_id | service_account, expires_at?, monthly_usd?, requests_per_minute?}); the answer holds the key once. */
  createApiKey: (tenantId, body) => request('POST', `/api/admin/tenants/${enc(tenantId)}/api-keys`, { body }),

  revokeApiKey: (tenantId, keyId) => request('DELETE', `/api/admin/tenants/${enc(tenantId)}/api-keys/${enc(keyId)}`),
};

/**
 * Platform operators' endpoints (a 403 forbidden for anyone else). The changes answer {tenant_id, subscription_tier,
 * status: "active" | "suspended"}; an organisation's audit log is adminApi.audit, which operators may read for any.
 */
export const operatorApi = {
  /** {month, tenants: [{tenant_id, subscription_tier, status, members, spent_usd, created_at}]} */
  tenants: () => request('GET', '/api/operator/tenants'),

  setPlan: (tenantId, tier) => request('PUT', `/api/operator/tenants/${enc(tenantId)}/plan`, { body: { subscription_tier: tier } }),

  /** Refuses the organisation's messages, closes its members' open connections and tells its admins why. */
  suspend: (tenantId) => request('POST', `/api/operator/tenants/${enc(tenantId)}/suspend`, { body: {} }),

  resume: (tenantId) => request('POST', `/api/operator/tenants/${enc(tenantId)}/resume`, { body: {} }),

  /** Erases the organisation: conversations and members gone, every sign-in refused; the usage ledger and audit log kept. */
  erase: (tenantId) => request('DELETE', `/api/operator/tenants/${enc(tenantId)}`),

  /** The organisation's data as a zip (members, chats, usage, audit log, API keys). */
  exportUrl: (tenantId) => `/api/operator/tenants/${enc(tenantId)}/export`,
};
