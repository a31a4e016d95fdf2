// Admin pages about people: the member list (make admin, invite codes) and the
// monthly budgets of the organisation and of each member.

import { api, adminApi } from './api.js';
import { friendlyMessage } from './errors.js';
import { $, h, num, formatInt, formatUsd, exactUsd, formatTime } from './util.js';

const MAX_BUDGET_USD = 1_000_000_000;

function joinedText(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return `joined ${new Date(t).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })}`;
}

function monthName(month) {
  const m = String(month || '').match(/(\d{4})-(\d{2})/);
  if (!m) return '';
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** Reads a dollar amount typed by the admin: a number, or an error text. */
function parseAmount(raw) {
  const text = String(raw ?? '').trim().replace(/^\$/, '').replace(/,/g, '');
  if (!text) return { error: 'Enter an amount in US dollars, or remove the budget.' };
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) return { error: 'Enter an amount of $0 or more, for example 25 or 0.50.' };
  if (n > MAX_BUDGET_USD) return { error: 'That is more than the largest budget allowed.' };
  return { value: Math.round(n * 1e9) / 1e9 };
}

/** Sets a progress bar (.bar with .bar-fill) to a percentage. */
function setBar(bar, pct, valueText) {
  const fill = bar.querySelector('.bar-fill');
  const shown = Math.max(0, Math.min(100, pct));
  fill.style.width = `${shown}%`;
  bar.dataset.level = pct >= 100 ? 'danger' : pct >= 80 ? 'warn' : pct > 0 ? 'ok' : 'empty';
  bar.setAttribute('aria-valuenow', String(Math.round(shown)));
  bar.setAttribute('aria-valuetext', valueText);
}

function budgetPercent(b) {
  const p = num(b.percent);
  if (p !== null) return p;
  const limit = num(b.monthly_usd);
  return limit > 0 ? ((num(b.spent_usd) || 0) / limit) * 100 : 100;
}

function spentText(b) {
  const pct = budgetPercent(b);
  return `${formatUsd(b.spent_usd)} of ${formatUsd(b.monthly_usd)} (${pct >= 10 ? Math.round(pct) : Math.round(pct * 10) / 10}%)`;
}

function heldText(b) {
  const held = num(b.reserved_usd) || 0;
  return held > 0 ? `${formatUsd(held)} is held for messages being answered.` : '';
}

// ---------------------------------------------------------------------------
// Members and invites

export class MembersPanel {
  /**
   * @param {object} opts
   * @param {(text: string, kind?: string) => void} opts.status announces a result
   * @param {(members: Array) => void} opts.onMembers called with every fresh list
   */
  constructor({ status, onMembers }) {
    this.status = status;
    this.onMembers = onMembers;
    this.el = {
      list: $('#members-list'),
      count: $('#members-count'),
      inviteCreate: $('#invite-create'),
      inviteResult: $('#invite-result'),
      inviteCode: $('#invite-code'),
      inviteCopy: $('#invite-copy'),
      inviteExpiry: $('#invite-expiry'),
    };
    this.ctx = null;
    this.members = [];
    this.promoted = new Set();
    this.el.inviteCreate.addEventListener('click', () => this.createInvite());
    this.el.inviteCopy.addEventListener('click', () => this.copyInvite());
  }

  attach(ctx) {
    this.ctx = ctx;
    this.members = [];
    this.promoted = new Set();
    this.resetInvite();
    this.render();
  }

  detach() {
    this.ctx = null;
    this.members = [];
    this.resetInvite();
    this.el.list.replaceChildren();
    this.el.count.textContent = '';
  }

  get tenantId() {
    return this.ctx ? this.ctx.user.tenantId : '';
  }

  /** Loads the member list; resolves with it (or the previous one when loading failed). */
  async load({ silent = false } = {}) {
    const ctx = this.ctx;
    if (!ctx) return this.members;
    try {
      const res = await adminApi.members(this.tenantId);
      if (this.ctx !== ctx) return this.members;
      this.members = Array.isArray(res && res.members) ? res.members : [];
      this.onMembers(this.members);
      this.render();
    } catch (err) {
      if (!silent && this.ctx === ctx) this.status(friendlyMessage(err.code, err.message), 'error');
    }
    return this.members;
  }

  render() {
    const list = this.el.list;
    const members = [...this.members].sort(
      (a, b) => (a.role === 'admin' ? 0 : 1) - (b.role === 'admin' ? 0 : 1) || String(a.email).localeCompare(String(b.email)),
    );
    const admins = members.filter((m) => m.role === 'admin').length;
    this.el.count.textContent = members.length ? `${formatInt(members.length)} in all · ${formatInt(admins)} admin${admins === 1 ? '' : 's'}` : '';
    if (!members.length) {
      list.replaceChildren(h('li', { class: 'list-empty', text: this.ctx ? 'Loading members…' : '' }));
      return;
    }
    const me = this.ctx ? this.ctx.user.sub : '';
    list.replaceChildren(...members.map((m) => this.memberItem(m, m.user_id === me)));
  }

  memberItem(m, isMe) {
    const admin = m.role === 'admin';
    const info = h(
      'div',
      { class: 'member-info' },
      h('span', { class: 'member-email', text: m.email || m.user_id }),
      isMe ? h('span', { class: 'badge you', text: 'You' }) : null,
      h('span', { class: `badge ${admin ? 'admin' : 'member'}`, text: admin ? 'Admin' : 'Member' }),
      m.confirmed === false ? h('span', { class: 'badge pending', text: 'Email not confirmed' }) : null,
      h('span', { class: 'member-meta', text: joinedText(m.created_at) }),
    );
    const actions = h('div', { class: 'member-actions' });
    if (admin && this.promoted.has(m.user_id)) {
      actions.append(h('span', { class: 'hint', text: 'Admin from their next login.' }));
    } else if (!admin) {
      actions.append(
        h('button', {
          type: 'button',
          class: 'button small',
          dataset: { action: 'make-admin', userId: m.user_id },
          'aria-label': `Make ${m.email || 'this member'} an admin`,
          onClick: () => this.askMakeAdmin(m, actions),
          text: 'Make admin',
        }),
      );
    }
    return h('li', { class: 'member-item', dataset: { userId: m.user_id, role: m.role || '' } }, info, actions);
  }

  /** Asks once more in the row itself before giving admin rights. */
  askMakeAdmin(m, actions) {
    const yes = h('button', {
      type: 'button',
      class: 'button small primary',
      dataset: { action: 'confirm-admin' },
      onClick: () => this.makeAdmin(m, actions, yes),
      text: 'Yes, make admin',
    });
    const cancel = h('button', {
      type: 'button',
      class: 'button small ghost',
      onClick: () => {
        this.render();
        const again = this.el.list.querySelector(`[data-user-id="${CSS.escape(m.user_id)}"] [data-action="make-admin"]`);
        if (again) again.focus();
      },
      text: 'Cancel',
    });
    actions.replaceChildren(h('span', { class: 'confirm-text', text: `Give ${m.email || 'this member'} admin rights?` }), yes, cancel);
    yes.focus();
  }

  async makeAdmin(m, actions, button) {
    if (!this.ctx || button.disabled) return;
    button.disabled = true;
    button.textContent = 'Saving…';
    try {
      await adminApi.makeAdmin(this.tenantId, m.user_id);
      this.promoted.add(m.user_id);
      m.role = 'admin';
      this.render();
      this.status(`${m.email || 'The member'} is now an admin. The rights take effect at their next login.`);
      const row = this.el.list.querySelector(`[data-user-id="${CSS.escape(m.user_id)}"]`);
      if (row) {
        row.tabIndex = -1;
        row.focus();
      }
    } catch (err) {
      button.disabled = false;
      button.textContent = 'Yes, make admin';
      this.status(friendlyMessage(err.code, err.message), 'error');
    }
  }

  // -------------------------------------------------------------------------
  // Invites

  resetInvite() {
    this.el.inviteResult.hidden = true;
    this.el.inviteCode.value = '';
    this.el.inviteExpiry.textContent = '';
    this.el.inviteCopy.textContent = 'Copy';
  }

  async createInvite() {
    const button = this.el.inviteCreate;
    if (button.disabled || !this.ctx) return;
    button.disabled = true;
    try {
      const res = await api.createInvite();
      this.el.inviteCode.value = res.invite_code || '';
      this.el.inviteExpiry.textContent = res.expires_at
        ? `Share it with your colleague; valid until ${formatTime(res.expires_at)}. They choose “Join an organisation” when signing up.`
        : 'Share it with your colleague. They choose “Join an organisation” when signing up.';
      this.el.inviteCopy.textContent = 'Copy';
      this.el.inviteResult.hidden = false;
      this.el.inviteCode.focus();
      this.el.inviteCode.select();
    } catch (err) {
      this.status(friendlyMessage(err.code, err.message), 'error');
    } finally {
      button.disabled = false;
    }
  }

  async copyInvite() {
    const input = this.el.inviteCode;
    const button = this.el.inviteCopy;
    if (!input.value) return;
    try {
      await navigator.clipboard.writeText(input.value);
      button.textContent = 'Copied';
    } catch {
      // Clipboard API unavailable (plain http): select the text for a manual copy.
      input.focus();
      input.select();
      button.textContent = 'Press Ctrl+C';
    }
    setTimeout(() => {
      button.textContent = 'Copy';
    }, 2500);
  }
}

// ---------------------------------------------------------------------------
// Budgets

export class BudgetsPanel {
  /**
   * @param {object} opts
   * @param {(text: string, kind?: string) => void} opts.status announces a result
   * @param {() => Promise<Array>} opts.loadMembers the member list (for per-member budgets)
   */
  constructor({ status, loadMembers }) {
    this.status = status;
    this.loadMembers = loadMembers;
    this.el = {
      month: $('#budget-month'),
      tenantValue: $('#budget-tenant-value'),
      tenantBar: $('#budget-tenant-bar'),
      tenantDetail: $('#budget-tenant-detail'),
      tenantForm: $('#budget-tenant-form'),
      tenantInput: $('#budget-tenant-input'),
      tenantSave: $('#budget-tenant-save'),
      tenantRemove: $('#budget-tenant-remove'),
      tenantError: $('#budget-tenant-error'),
      list: $('#budget-list'),
    };
    this.ctx = null;
    this.data = null;
    this.members = [];
    this.loadSeq = 0;
    this.el.tenantForm.addEventListener('submit', (e) => {
      e.preventDefault();
      this.save(null, this.el.tenantInput, this.el.tenantError, this.el.tenantSave);
    });
    this.el.tenantRemove.addEventListener('click', () => this.remove(null, this.el.tenantRemove, this.el.tenantError));
    this.el.tenantInput.addEventListener('input', () => this.clearError(this.el.tenantInput, this.el.tenantError));
  }

  attach(ctx) {
    this.ctx = ctx;
    this.data = null;
    this.members = [];
    this.render();
  }

  detach() {
    this.ctx = null;
    this.data = null;
    this.members = [];
    this.el.list.replaceChildren();
    this.el.tenantInput.value = '';
  }

  get tenantId() {
    return this.ctx ? this.ctx.user.tenantId : '';
  }

  async load({ silent = false } = {}) {
    const ctx = this.ctx;
    if (!ctx) return;
    const seq = ++this.loadSeq;
    try {
      const [data, members] = await Promise.all([adminApi.budgets(this.tenantId), this.loadMembers()]);
      if (this.ctx !== ctx || seq !== this.loadSeq) return;
      this.members = members || [];
      this.apply(data, { keepInputs: silent });
    } catch (err) {
      if (!silent && this.ctx === ctx) this.status(friendlyMessage(err.code, err.message), 'error');
    }
  }

  apply(data, { keepInputs = false } = {}) {
    this.data = data || { budgets: [] };
    this.render({ keepInputs });
  }

  budgetOf(userId) {
    const list = (this.data && this.data.budgets) || [];
    return list.find((b) => (userId ? b.scope === 'user' && b.user_id === userId : b.scope === 'tenant')) || null;
  }

  render({ keepInputs = false } = {}) {
    const month = this.data ? monthName(this.data.month) : '';
    this.el.month.textContent = month;
    this.renderTenant(keepInputs);
    this.renderUsers(keepInputs);
  }

  renderTenant(keepInputs) {
    const b = this.budgetOf(null);
    const input = this.el.tenantInput;
    if (!b) {
      this.el.tenantValue.textContent = this.data ? 'No budget' : '–';
      setBar(this.el.tenantBar, 0, 'No budget set');
      this.el.tenantDetail.textContent = this.data ? 'Without a budget, members can chat within the limits of the plan only.' : '';
      this.el.tenantRemove.hidden = true;
      if (!keepInputs || document.activeElement !== input) input.value = '';
      return;
    }
    this.el.tenantValue.textContent = spentText(b);
    this.el.tenantValue.title = `${exactUsd(b.spent_usd)} of ${exactUsd(b.monthly_usd)}`;
    setBar(this.el.tenantBar, budgetPercent(b), `${spentText(b)} of the monthly budget spent`);
    this.el.tenantDetail.textContent = [heldText(b), budgetPercent(b) >= 100 ? 'New messages are paused until you raise the budget or the month ends.' : ''].filter(Boolean).join(' ');
    this.el.tenantRemove.hidden = false;
    if (!keepInputs || document.activeElement !== input) input.value = String(num(b.monthly_usd) ?? '');
  }

  renderUsers(keepInputs) {
    const list = this.el.list;
    const rows = new Map();
    for (const m of this.members) rows.set(m.user_id, { user_id: m.user_id, email: m.email });
    for (const b of (this.data && this.data.budgets) || []) {
      if (b.scope === 'user' && !rows.has(b.user_id)) rows.set(b.user_id, { user_id: b.user_id, email: '' });
    }
    if (!rows.size) {
      list.replaceChildren(h('li', { class: 'list-empty', text: this.data ? 'No members yet.' : 'Loading…' }));
      return;
    }
    // Keep what the admin is typing when the list is refreshed in the background.
    const typing = new Map();
    if (keepInputs) {
      for (const input of list.querySelectorAll('input[data-user-id]')) typing.set(input.dataset.userId, { value: input.value, focused: document.activeElement === input });
    }
    const sorted = [...rows.values()].sort((a, b) => {
      const ba = this.budgetOf(a.user_id) ? 0 : 1;
      const bb = this.budgetOf(b.user_id) ? 0 : 1;
      return ba - bb || String(a.email).localeCompare(String(b.email));
    });
    list.replaceChildren(...sorted.map((row) => this.userItem(row)));
    for (const [userId, t] of typing) {
      const input = list.querySelector(`input[data-user-id="${CSS.escape(userId)}"]`);
      if (!input) continue;
      if (t.focused) {
        input.value = t.value;
        input.focus();
      }
    }
  }

  userItem(row) {
    const b = this.budgetOf(row.user_id);
    const id = `budget-user-${row.user_id}`;
    const labelId = `${id}-label`;
    const name = row.email || `User ${String(row.user_id).slice(0, 8)}`;
    const bar = h('div', { class: 'bar', role: 'progressbar', 'aria-labelledby': labelId, 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' }, h('span', { class: 'bar-fill' }));
    setBar(bar, b ? budgetPercent(b) : 0, b ? `${spentText(b)} of the monthly budget spent` : 'No budget of their own');
    const error = h('p', { class: 'field-error', id: `${id}-error` });
    const input = h('input', {
      id: `${id}-input`,
      type: 'number',
      min: '0',
      step: 'any',
      inputmode: 'decimal',
      placeholder: 'No budget',
      'aria-describedby': `${id}-error`,
      dataset: { userId: row.user_id },
      onInput: () => this.clearError(input, error),
    });
    input.value = b ? String(num(b.monthly_usd) ?? '') : '';
    const save = h('button', { type: 'submit', class: 'button small primary', dataset: { action: 'save-budget' }, text: 'Save' });
    const remove = b
      ? h('button', {
        type: 'button',
        class: 'button small',
        dataset: { action: 'remove-budget' },
        'aria-label': `Remove the budget of ${name}`,
        onClick: () => this.remove(row.user_id, remove, error),
        text: 'Remove',
      })
      : null;
    const form = h(
      'form',
      {
        class: 'budget-form',
        novalidate: true,
        onSubmit: (e) => {
          e.preventDefault();
          this.save(row.user_id, input, error, save);
        },
      },
      h('label', { for: input.id, class: 'visually-hidden', text: `Monthly budget of ${name} in US dollars` }),
      h('div', { class: 'budget-inputs' }, h('span', { class: 'currency-input' }, h('span', { 'aria-hidden': 'true', text: '$' }), input), save, remove),
      error,
    );
    return h(
      'li',
      { class: 'budget-row', dataset: { userId: row.user_id, hasBudget: b ? 'true' : 'false' } },
      h(
        'div',
        { class: 'budget-usage' },
        h(
          'div',
          { class: 'meter-head' },
          h('span', { class: 'meter-label member-email', id: labelId, text: name }),
          h('span', { class: 'meter-value', title: b ? `${exactUsd(b.spent_usd)} of ${exactUsd(b.monthly_usd)}` : null, text: b ? spentText(b) : 'No budget' }),
        ),
        bar,
        b && heldText(b) ? h('p', { class: 'hint', text: heldText(b) }) : null,
      ),
      form,
    );
  }

  clearError(input, error) {
    input.removeAttribute('aria-invalid');
    error.textContent = '';
  }

  showError(input, error, text) {
    input.setAttribute('aria-invalid', 'true');
    error.textContent = text;
    input.focus();
  }

  async save(userId, input, error, button) {
    if (!this.ctx || button.disabled) return;
    const { value, error: problem } = parseAmount(input.value);
    if (problem) {
      this.showError(input, error, problem);
      return;
    }
    await this.put(userId, value, button, error, input);
  }

  async remove(userId, button, error) {
    if (!this.ctx || button.disabled) return;
    await this.put(userId, null, button, error, null);
  }

  async put(userId, value, button, error, input) {
    const ctx = this.ctx;
    const label = button.textContent;
    button.disabled = true;
    button.textContent = 'Saving…';
    try {
      const data = await adminApi.setBudget(this.tenantId, value, userId);
      if (this.ctx !== ctx) return;
      this.loadSeq++; // an older background load must not overwrite this answer
      this.apply(data);
      const who = userId ? (this.members.find((m) => m.user_id === userId) || {}).email || 'the member' : 'the organisation';
      this.status(value === null ? `The budget of ${who} is removed.` : `The monthly budget of ${who} is now ${formatUsd(value)}.`);
      // The list was drawn again: put the focus back on the row's field.
      const again = userId ? this.el.list.querySelector(`input[data-user-id="${CSS.escape(userId)}"]`) : this.el.tenantInput;
      if (again) again.focus();
    } catch (err) {
      if (this.ctx !== ctx) return;
      const text = friendlyMessage(err.code, err.message);
      if (input) this.showError(input, error, text);
      else error.textContent = text;
    } finally {
      if (button.isConnected) {
        button.disabled = false;
        button.textContent = label;
      }
    }
  }
}
