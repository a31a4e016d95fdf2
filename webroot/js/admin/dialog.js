// The dialog of the admin pages: a member's costs by service, the steps of one turn, and the pages' own forms,
// messages and confirmations (show and confirm of ../dialog.js), which say where the focus goes when the dialog closes.

import { api, adminApi } from '../api/endpoints.js';
import { Dialog } from '../dialog.js';
import { friendlyMessage } from '../errors.js';
import { h } from '../util.js';
import { formatInt, formatUsd, formatTime, capitalize, tokensText } from '../format.js';
import { traceItem } from '../steps.js';
import { SERVICES } from './charts.js';
import { usdCell } from './report-views.js';

export class DetailsDialog extends Dialog {
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
