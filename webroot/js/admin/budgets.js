// The budgets page of the admin view: the organisation's monthly budget and each member's, what is spent of
// them this month, and the forms that set or remove them.

import { adminApi } from '../api/endpoints.js';
import { friendlyMessage } from '../errors.js';
import { AdminPanel, isRemoved, memberName } from './panel.js';
import { h, num } from '../util.js';
import { formatUsd, monthName, percentUsed, usdOf, usdText } from '../format.js';
import { setBar, usageLevel } from '../meter.js';

const MAX_BUDGET_USD = 1_000_000_000;

/** Reads a dollar amount typed by the admin: a number, or an error text (also for an API key's budget). */
export function parseAmount(raw) {
  const text = String(raw ?? '').trim().replace(/^\$/, '').replace(/,/g, '');
  if (!text) return { error: 'Enter an amount in US dollars, or remove the budget.' };
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) return { error: 'Enter an amount of $0 or more, for example 25 or 0.50.' };
  if (n > MAX_BUDGET_USD) return { error: 'That is more than the largest budget allowed.' };
  return { value: Math.round(n * 1e9) / 1e9 };
}

/** Sets a budget's bar to the share spent (full, in danger, from 100 %). */
function setBudgetBar(bar, pct, valueText) {
  setBar(bar, Math.max(0, Math.min(100, pct)), pct > 0 ? usageLevel(pct) : 'empty', valueText);
}

function budgetPercent(b) {
  const p = num(b.percent);
  if (p !== null) return p;
  const limit = num(b.monthly_usd);
  return limit > 0 ? ((num(b.spent_usd) || 0) / limit) * 100 : 100;
}

function spentText(b) {
  return `${usdOf(b.spent_usd, b.monthly_usd)} (${percentUsed(budgetPercent(b))})`;
}

function heldText(b) {
  const held = num(b.reserved_usd) || 0;
  return held > 0 ? `${formatUsd(held)} is held for messages being answered.` : '';
}

export class BudgetsPanel extends AdminPanel {
  /**
   * @param {object} opts
   * @param {(text: string, kind?: string) => void} opts.status announces a result
   * @param {() => Promise<Array>} opts.loadMembers the member list (for per-member budgets)
   */
  constructor({ status, loadMembers }) {
    super(status, {
      month: '#budget-month',
      tenantValue: '#budget-tenant-value',
      tenantBar: '#budget-tenant-bar',
      tenantDetail: '#budget-tenant-detail',
      tenantForm: '#budget-tenant-form',
      tenantInput: '#budget-tenant-input',
      tenantSave: '#budget-tenant-save',
      tenantRemove: '#budget-tenant-remove',
      tenantError: '#budget-tenant-error',
      tenantWarning: '#budget-tenant-warning',
      list: '#budget-list',
    });
    // the server's warning about the budget saved last (a budget that leaves room for no or few messages), by scope
    this.warning = null;
    this.loadMembers = loadMembers;
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
    this.warning = null;
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

  async load({ silent = false } = {}) {
    const ctx = this.ctx;
    if (!ctx) return;
    const seq = ++this.loadSeq;
    try {
      const [data, members] = await Promise.all([adminApi.budgets(this.tenantId), this.loadMembers()]);
      if (this.ctx !== ctx || seq !== this.loadSeq) return;
      this.members = members || [];
      // a load never wipes what the admin is typing (the first one may arrive after they started); only a save's answer does
      this.apply(data, { keepInputs: true });
    } catch (err) {
      if (!silent && this.ctx === ctx) this.failed(err);
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

  /** The warning of the last save, when it was about this scope (null: the organisation's budget). */
  warningOf(userId) {
    return this.warning && this.warning.userId === userId ? this.warning.text : '';
  }

  renderTenant(keepInputs) {
    const b = this.budgetOf(null);
    const input = this.el.tenantInput;
    this.el.tenantWarning.textContent = this.warningOf(null);
    if (!b) {
      const spent = this.data ? num(this.data.tenant_spent_usd) : null;
      this.el.tenantValue.replaceChildren(spent === null ? (this.data ? 'No budget set' : '–')
        : h('span', {}, usdText(spent), h('span', { class: 'meter-note', text: ' no budget set' })));
      this.el.tenantValue.title = '';
      setBudgetBar(this.el.tenantBar, 0, 'No budget set');
      this.el.tenantDetail.textContent = this.data ? 'Without a budget, members can chat within the limits of the plan only.' : '';
      this.el.tenantRemove.hidden = true;
      if (!keepInputs || document.activeElement !== input) input.value = '';
      return;
    }
    this.el.tenantValue.textContent = spentText(b);
    this.el.tenantValue.title = usdOf(b.spent_usd, b.monthly_usd, { exact: true });
    setBudgetBar(this.el.tenantBar, budgetPercent(b), `${spentText(b)} of the monthly budget spent`);
    this.el.tenantDetail.textContent = [heldText(b), budgetPercent(b) >= 100 ? 'New messages are paused until you raise the budget or the month ends.' : ''].filter(Boolean).join(' ');
    this.el.tenantRemove.hidden = false;
    if (!keepInputs || document.activeElement !== input) input.value = String(num(b.monthly_usd) ?? '');
  }

  renderUsers(keepInputs) {
    const list = this.el.list;
    const rows = new Map();
    const names = new Map(this.members.map((m) => [m.user_id, memberName(m)]));
    // removed members are listed only while a budget of theirs remains
    for (const m of this.members) if (!isRemoved(m)) rows.set(m.user_id, { user_id: m.user_id, email: names.get(m.user_id), spent: m.cost_this_month_usd });
    for (const b of (this.data && this.data.budgets) || []) {
      if (b.scope === 'user' && !rows.has(b.user_id)) rows.set(b.user_id, { user_id: b.user_id, email: names.get(b.user_id) || '' });
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
    setBudgetBar(bar, b ? budgetPercent(b) : 0, b ? `${spentText(b)} of the monthly budget spent` : 'No budget of their own');
    const error = h('p', { class: 'field-error', id: `${id}-error` });
    const warning = this.warningOf(row.user_id) ? h('p', { class: 'field-warning', role: 'status', text: this.warningOf(row.user_id) }) : null;
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
      warning,
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
          b ? h('span', { class: 'meter-value', title: usdOf(b.spent_usd, b.monthly_usd, { exact: true }), text: spentText(b) })
            : h('span', { class: 'meter-value' }, num(row.spent) === null ? '' : usdText(row.spent), h('span', { class: 'meter-note', text: ' no budget set' })),
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
      this.warning = data && data.warning ? { userId: userId || null, text: data.warning } : null;
      this.apply(data);
      const member = userId ? this.members.find((m) => m.user_id === userId) : null;
      const who = userId ? (member ? memberName(member) : 'the member') : 'the organisation';
      const saved = value === null ? `The budget of ${who} is removed.` : `The monthly budget of ${who} is now ${formatUsd(value)}.`;
      this.status(this.warning ? `${saved} ${this.warning.text}` : saved, this.warning ? 'warning' : 'info');
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
