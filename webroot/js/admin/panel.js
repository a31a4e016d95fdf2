// What the members, budgets, API keys and audit pages share: their elements, the admin's login (ctx, while attached), the
// status line of the admin view, where they announce results and failures, how a member is named (a person by
// e-mail, a service account by its name) and the Copy buttons beside read-only fields.

import { friendlyMessage } from '../errors.js';
import { $ } from '../util.js';

/** Service accounts are members with this role; programs act as them through API keys. */
export const SERVICE_ROLE = 'service';

export function isServiceAccount(m) {
  return Boolean(m) && m.role === SERVICE_ROLE;
}

/** A member removed from the organisation (kept in the list, and in the reports, with this role). */
export const REMOVED_ROLE = 'removed';

export function isRemoved(m) {
  return Boolean(m) && (m.role === REMOVED_ROLE || m.status === REMOVED_ROLE);
}

/** A service account's name: what follows "svc-" in its user id. */
export function serviceAccountName(m) {
  return String(m.user_id || '').replace(/^svc-/, '');
}

/** A member in words: a person's display name or else e-mail, or "service account <name>". */
export function memberName(m) {
  // a removed service account keeps its "svc-" id but not its role
  const service = isServiceAccount(m) || (isRemoved(m) && !m.email && /^svc-/.test(String(m.user_id || '')));
  return service ? `service account ${serviceAccountName(m)}` : m.display_name || m.email || m.user_id;
}

/** Copies a read-only field's text; where the clipboard is out of reach (plain http), selects it for a manual copy. */
export async function copyField(field, button) {
  if (!field.value) return;
  try {
    await navigator.clipboard.writeText(field.value);
    button.textContent = 'Copied';
  } catch {
    field.focus();
    field.select();
    button.textContent = 'Press Ctrl+C';
  }
  setTimeout(() => {
    button.textContent = 'Copy';
  }, 2500);
}

export class AdminPanel {
  /**
   * @param {(text: string, kind?: string) => void} status announces a result in the admin view's status line
   * @param {Object<string, string>} selectors the page's elements the panel uses (this.el), by name
   */
  constructor(status, selectors) {
    this.status = status;
    this.ctx = null;
    this.el = Object.fromEntries(Object.entries(selectors).map(([name, selector]) => [name, $(selector)]));
  }

  /** The organisation the page is about: the login's own, or the one the ctx names (an operator reading another's). */
  get tenantId() {
    return this.ctx ? this.ctx.tenantId || this.ctx.user.tenantId : '';
  }

  /** Announces a failed request in words. */
  failed(err) {
    this.status(friendlyMessage(err.code, err.message), 'error');
  }
}
