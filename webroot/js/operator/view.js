// The operator view of the platform's operators (the ID token's groups name the operator group): every organisation
// with its plan, status, members, spend this month and creation date, the changes an operator makes to one
// (./changes.js), and any organisation's audit log, shown with the admin view's audit panel.
// Opened from the header's "Operator" button; this file owns its life cycle.

import { operatorApi } from '../api/endpoints.js';
import { Dialog } from '../dialog.js';
import { friendlyMessage } from '../errors.js';
import { AuditPanel } from '../admin/audit.js';
import { OrganisationChanges } from './changes.js';
import { capitalize, formatDate, formatInt, monthName, plural, usdText } from '../format.js';
import { $, h } from '../util.js';

/** The operator group when the server's configuration names none (auth.operatorGroup's default). */
const DEFAULT_OPERATOR_GROUP = 'platform-operators';

/** Whether the user is a platform operator, from their ID token's groups. */
export function isOperator(user, config) {
  const group = (config && config.operator_group) || DEFAULT_OPERATOR_GROUP;
  return Boolean(user) && Array.isArray(user.groups) && user.groups.includes(group);
}

const STATUS_TEXT = { active: 'Active', suspended: 'Suspended', erased: 'Erased' };

export class OperatorView {
  /**
   * @param {object} opts
   * @param {object} opts.config client configuration (tiers)
   * @param {(open: boolean) => void} opts.onToggle the view was opened or closed
   */
  constructor({ config, onToggle }) {
    this.config = config;
    this.onToggle = onToggle || (() => {});
    this.changes = new OrganisationChanges(this);
    this.ctx = null;
    this.tenants = [];
    this.loaded = false; // the list came (empty or not)
    this.month = '';
    this.loadSeq = 0;
    this.el = {
      view: $('#operator-view'),
      title: $('#operator-title'),
      close: $('#operator-close'),
      status: $('#operator-status'),
      count: $('#tenants-count'),
      refresh: $('#tenants-refresh'),
      error: $('#tenants-error'),
      empty: $('#tenants-empty'),
      tableWrap: $('#tenants-table-wrap'),
      spendHead: $('#tenants-spend-head'),
      list: $('#tenants-table tbody'),
      audit: $('#op-audit'),
      auditHeading: $('#op-audit-heading'),
      auditStatus: $('#op-audit-status'),
      auditClose: $('#op-audit-close'),
    };
    this.dialog = new Dialog({
      dialog: $('#operator-dialog'),
      title: $('#operator-dialog-title'),
      body: $('#operator-dialog-body'),
      close: $('#operator-dialog-close'),
    });
    this.audit = new AuditPanel({
      status: (text, kind) => this.auditStatus(text, kind),
      // the entries name their actors by e-mail; an operator does not read the organisation's member list
      nameOf: () => null,
      loadMembers: () => Promise.resolve([]),
      panel: '#op-audit',
      prefix: 'op-audit',
    });
    this.el.close.addEventListener('click', () => this.close());
    this.el.refresh.addEventListener('click', () => this.load());
    this.el.auditClose.addEventListener('click', () => this.closeAudit());
    this.el.view.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.dialog.isOpen) this.close();
    });
  }

  // -------------------------------------------------------------------------
  // Life cycle

  attach({ user }) {
    this.detach();
    this.ctx = { user };
    this.tenants = [];
    this.loaded = false;
    this.render();
  }

  detach() {
    if (!this.ctx) return;
    this.close({ quiet: true });
    this.closeAudit({ quiet: true });
    this.ctx = null;
    this.tenants = [];
    this.el.list.replaceChildren();
    this.showError('');
    this.status('');
  }

  get isOpen() {
    return !this.el.view.hidden;
  }

  open() {
    if (!this.ctx) return;
    this.el.view.hidden = false;
    this.onToggle(true);
    this.el.title.focus();
    this.load();
  }

  close({ quiet = false } = {}) {
    if (!this.isOpen) return;
    this.dialog.close();
    this.el.view.hidden = true;
    if (!quiet) this.onToggle(false);
  }

  toggle() {
    if (this.isOpen) this.close();
    else this.open();
  }

  status(text, kind = 'info') {
    this.el.status.textContent = text || '';
    this.el.status.dataset.kind = text ? kind : '';
  }

  auditStatus(text, kind = 'info') {
    this.el.auditStatus.textContent = text || '';
    this.el.auditStatus.dataset.kind = text ? kind : '';
  }

  /** A failure of the list, beside its Refresh button. */
  showError(text, code = '') {
    this.el.error.textContent = text;
    this.el.error.dataset.code = code;
  }

  // -------------------------------------------------------------------------
  // The organisations

  async load() {
    const ctx = this.ctx;
    if (!ctx) return;
    const seq = ++this.loadSeq;
    this.el.view.setAttribute('aria-busy', 'true');
    this.status('Loading the organisations…');
    try {
      const data = await operatorApi.tenants();
      if (this.ctx !== ctx || seq !== this.loadSeq) return;
      this.month = (data && data.month) || '';
      this.tenants = data && Array.isArray(data.tenants) ? data.tenants : [];
      this.loaded = true;
      this.showError('');
      this.render();
      this.status('');
    } catch (err) {
      if (this.ctx !== ctx || seq !== this.loadSeq) return;
      this.status('');
      const text = err.code === 'forbidden'
        ? 'Only the platform’s operators can see the organisations, and this login is not one of theirs.'
        : friendlyMessage(err.code, err.message);
      this.showError(text, err.code || '');
    } finally {
      if (seq === this.loadSeq) this.el.view.removeAttribute('aria-busy');
    }
  }

  render() {
    const list = this.tenants;
    const month = monthName(this.month);
    this.el.spendHead.textContent = month ? `Spend in ${month}` : 'Spend this month';
    this.el.count.textContent = this.loaded ? plural(list.length, 'organisation') : '';
    const none = this.loaded && !list.length;
    this.el.empty.hidden = !none;
    this.el.tableWrap.hidden = none;
    this.el.list.replaceChildren(...list.map((t) => this.row(t)));
  }

  row(t) {
    const suspended = t.status === 'suspended';
    const erased = t.status === 'erased'; // only its ledger and audit log are left: nothing to change
    const id = t.tenant_id;
    return h(
      'tr',
      { dataset: { tenantId: id, status: t.status || '' } },
      h('th', { scope: 'row', dataset: { cell: 'tenant' }, text: id }),
      h('td', { dataset: { cell: 'plan' } }, h('span', { class: 'badge tier', dataset: { tier: t.subscription_tier || '' }, text: capitalize(t.subscription_tier) || '–' })),
      h('td', { dataset: { cell: 'status' } },
        h('span', { class: `badge status-${erased || suspended ? 'suspended' : 'active'}`, dataset: { badge: 'status' }, text: STATUS_TEXT[t.status] || capitalize(t.status) || '–' })),
      h('td', { class: 'num', dataset: { cell: 'members' }, text: formatInt(t.members) }),
      usdText(t.spent_usd, 'td', { class: 'num', dataset: { cell: 'spent' } }),
      h('td', { class: 'nowrap', dataset: { cell: 'created' } }, h('time', { datetime: t.created_at || '', text: formatDate(t.created_at) || '–' })),
      h('td', { class: 'row-actions', dataset: { cell: 'actions' } },
        erased ? null : h('button', { type: 'button', class: 'button small', dataset: { action: 'plan', tenantId: id }, 'aria-label': `Change plan of ${id}`, text: 'Change plan', onClick: () => this.changes.changePlan(id) }),
        erased ? null : suspended
          ? h('button', { type: 'button', class: 'button small', dataset: { action: 'resume', tenantId: id }, 'aria-label': `Resume ${id}`, text: 'Resume', onClick: () => this.changes.setSuspended(id, false) })
          : h('button', { type: 'button', class: 'button small danger', dataset: { action: 'suspend', tenantId: id }, 'aria-label': `Suspend ${id}`, text: 'Suspend', onClick: () => this.changes.setSuspended(id, true) }),
        erased ? null : h('button', { type: 'button', class: 'button small', dataset: { action: 'export', tenantId: id }, 'aria-label': `Export the data of ${id}`, text: 'Export', onClick: () => this.changes.exportData(id) }),
        erased ? null : h('button', { type: 'button', class: 'button small danger', dataset: { action: 'erase', tenantId: id }, 'aria-label': `Erase ${id}`, text: 'Erase', onClick: () => this.changes.erase(id) }),
        h('button', { type: 'button', class: 'button small', dataset: { action: 'audit', tenantId: id }, 'aria-label': `Audit log of ${id}`, text: 'Audit log', onClick: () => this.openAudit(id) })),
    );
  }

  find(tenantId) {
    return this.tenants.find((t) => t.tenant_id === tenantId) || null;
  }

  /** Takes a change's answer ({tenant_id, subscription_tier, status}) into the list, and puts the focus on `action` of its row. */
  applyChange(answer, action) {
    const t = this.find(answer.tenant_id);
    if (t) {
      if (answer.subscription_tier) t.subscription_tier = answer.subscription_tier;
      if (answer.status) t.status = answer.status;
    }
    this.render();
    const button = this.el.list.querySelector(`tr[data-tenant-id="${CSS.escape(answer.tenant_id)}"] [data-action="${action}"]`);
    if (button) button.focus();
  }

  /** Focus back on a row's button after a dialog closed without a change. */
  focusRow(tenantId, action) {
    const button = this.el.list.querySelector(`tr[data-tenant-id="${CSS.escape(tenantId)}"] [data-action="${action}"]`);
    if (button) button.focus();
  }

  openAudit(tenantId) {
    if (!this.ctx) return;
    this.audit.attach({ user: this.ctx.user, tenantId });
    this.auditStatus('');
    this.el.auditHeading.textContent = `Audit log of ${tenantId}`;
    this.el.audit.dataset.tenantId = tenantId;
    this.el.audit.hidden = false;
    this.el.audit.focus();
    this.el.audit.scrollIntoView({ block: 'start' });
    this.audit.load();
  }

  closeAudit({ quiet = false } = {}) {
    if (this.el.audit.hidden) return;
    const tenantId = this.el.audit.dataset.tenantId;
    this.audit.detach();
    this.el.audit.hidden = true;
    this.el.audit.dataset.tenantId = '';
    if (!quiet && tenantId) this.focusRow(tenantId, 'audit');
  }
}
