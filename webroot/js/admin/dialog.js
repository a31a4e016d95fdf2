// The dialog of the admin pages: a member's costs by service, the steps of one turn, and the pages' own forms,
// messages and confirmations (show, confirm), which say where the focus goes when the dialog closes.

import { api, adminApi } from '../api/endpoints.js';
import { friendlyMessage } from '../errors.js';
import { h } from '../util.js';
import { formatInt, formatUsd, formatTime, capitalize, tokensText } from '../format.js';
import { traceItem } from '../steps.js';
import { SERVICES } from './charts.js';
import { usdCell } from './report-views.js';

export class DetailsDialog {
  /** @param {object} el {dialog, title, body, close} */
  constructor(el) {
    this.el = el;
    this.onClose = null;
    el.close.addEventListener('click', () => el.dialog.close());
    el.dialog.addEventListener('close', () => {
      const onClose = this.onClose;
      this.onClose = null;
      if (onClose) onClose();
    });
  }

  get isOpen() {
    return this.el.dialog.open;
  }

  close() {
    if (this.el.dialog.open) this.el.dialog.close();
  }

  open(title, ...content) {
    this.onClose = null;
    this.el.title.textContent = title;
    this.el.body.replaceChildren(...content);
    if (!this.el.dialog.open) this.el.dialog.showModal();
  }

  /**
   * Shows a page's own content (a form, a message): `focus` gets the focus, `onClose` runs once when the dialog
   * closes, however it is closed (Close, Escape, the admin view closing), unless other content replaced this first.
   */
  show(title, content, { focus = null, onClose = null } = {}) {
    this.open(title, ...content);
    this.onClose = onClose;
    if (focus) focus.focus();
  }

  /**
   * Asks before an action that cannot be undone: `text`, a danger button named `action` and Cancel (which has the
   * focus). `run` is awaited with the dialog open, its button reading `busy`; when it fails, its error is shown in
   * the dialog and the admin may try again or cancel. Resolves when the dialog is closed: true when `run` succeeded.
   */
  confirm({ title, text, action, busy, run }) {
    return new Promise((resolve) => {
      let done = false;
      const error = h('p', { class: 'field-error', role: 'alert' });
      const yes = h('button', {
        type: 'button',
        class: 'button danger',
        dataset: { action: 'confirm' },
        text: action,
        onClick: async () => {
          if (yes.disabled) return;
          yes.disabled = true;
          yes.textContent = busy;
          error.textContent = '';
          try {
            await run();
            done = true;
            this.close();
          } catch (err) {
            error.textContent = friendlyMessage(err.code, err.message);
            yes.disabled = false;
            yes.textContent = action;
            yes.focus();
          }
        },
      });
      const no = h('button', { type: 'button', class: 'button', dataset: { action: 'cancel' }, onClick: () => this.close(), text: 'Cancel' });
      this.show(title, [h('p', { text }), error, h('div', { class: 'form-actions' }, yes, no)], { focus: no, onClose: () => resolve(done) });
    });
  }

  /** Shows `title` with "Loading…", then what `load` resolves with (or its error). */
  async load(title, load) {
    this.open(title, h('p', { class: 'muted', text: 'Loading…' }));
    try {
      this.open(title, ...(await load()));
    } catch (err) {
      this.open(title, h('p', { class: 'field-error', text: friendlyMessage(err.code, err.message) }));
    }
  }

  /** A member's costs in a date range ({from, to}). */
  showUser(tenantId, u, range) {
    const name = u.name || u.email || u.user_id;
    return this.load(`Costs of ${name}`, async () => {
      const r = await adminApi.userServiceCost(tenantId, u.user_id, range);
      const services = r.services || {};
      return [
        h('p', { text: `${range.from} to ${range.to}: ${formatUsd(r.total_usd)} for ${formatInt(r.turns)} turns, ${formatInt(r.input_tokens)} input and ${formatInt(r.output_tokens)} output tokens, ${formatInt(r.tool_actions)} tool actions.` }),
        h('table', { class: 'data-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Service' }), h('th', { scope: 'col', class: 'num', text: 'Cost' }))),
          h('tbody', {}, ...SERVICES.map((s) => h('tr', {}, h('th', { scope: 'row', text: s.label }), usdCell(services[s.key] || 0))))),
      ];
    });
  }

  /** The steps of a turn of the top-turns table; `who` names its member. */
  showTrace(tenantId, t, who) {
    return this.load(`Turn of ${who}, ${formatTime(t.created_at)}`, async () => {
      const trace = await api.trace(tenantId, t.turn_id);
      const steps = Array.isArray(trace.steps) ? trace.steps : [];
      return [
        h('p', { text: `${capitalize(trace.status || t.status || '')} · ${tokensText(t.input_tokens, t.output_tokens)} · ${formatUsd(t.cost_usd)}` }),
        steps.length
          ? h('ol', { class: 'steps-list' }, ...steps.map((s) => (s && typeof s === 'object' ? traceItem(s) : h('li', { text: String(s) }))))
          : h('p', { class: 'muted', text: 'No steps were recorded for this turn.' }),
        h('p', { class: 'hint', text: `Turn ${t.turn_id}` }),
      ];
    });
  }
}
