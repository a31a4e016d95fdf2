// The audit log page of the admin view (every plan): who did what in the organisation, newest first (time, what, who,
// target, client address, details), filtered by a range of UTC days and a kind, and downloaded as CSV with the same
// filters. The server keeps one page of the newest entries of a range and says when there were more. The operator view
// shows any organisation's log with the same panel (its own elements, the organisation in its ctx).

import { adminApi } from '../api/endpoints.js';
import { AdminPanel } from './panel.js';
import { presetRange, rangeError } from './range.js';
import { h, num, saveFile } from '../util.js';
import { formatInstant, formatTime, formatUsd, plural, words } from '../format.js';

/** The kinds of entry the server records, in the order of the filter, with their names in words. */
export const AUDIT_KINDS = [
  ['sign_in', 'Signed in'],
  ['sign_in_failed', 'Sign-in failed'],
  ['signed_out_everywhere', 'Signed out everywhere'],
  ['password_changed', 'Password changed'],
  ['password_reset', 'Password reset'],
  ['profile_changed', 'Display name changed'],
  ['joined', 'Joined'],
  ['invite_created', 'Invite created'],
  ['invite_revoked', 'Invite revoked'],
  ['role_changed', 'Role changed'],
  ['member_removed', 'Member removed'],
  ['budget_changed', 'Budget changed'],
  ['plan_changed', 'Plan changed'],
  ['api_key_created', 'API key created'],
  ['api_key_revoked', 'API key revoked'],
  ['suspended', 'Organisation suspended'],
  ['resumed', 'Organisation resumed'],
  ['exported', 'Data exported'],
  ['deleted', 'Organisation deleted'],
];

const KIND_LABELS = new Map(AUDIT_KINDS);

export function kindLabel(kind) {
  return KIND_LABELS.get(kind) || words(kind || '');
}

/** Why a sign-in failed, in words. */
const SIGN_IN_REASONS = {
  invalid_credentials: 'wrong password',
  rate_limited: 'too many attempts',
  user_not_confirmed: 'e-mail address not confirmed',
};

/** A detail's value in words: dates as times, the rest as they are. */
function valueText(key, v) {
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return JSON.stringify(v);
  if (/_at$/.test(key) && formatTime(v)) return formatTime(v);
  if (/_usd$/.test(key) && num(v) !== null) return formatUsd(v);
  return String(v);
}

function genericDetails(detail) {
  return Object.entries(detail || {}).map(([k, v]) => `${words(k)}: ${valueText(k, v)}`).join(', ');
}

/**
 * The log's filters, notices and table, made once for each page that shows a log: they stand in for the page's
 * `<div data-audit-controls="<prefix>">` placeholder, their ids beginning with the prefix.
 */
function renderControls(prefix) {
  const slot = document.querySelector(`[data-audit-controls="${prefix}"]`);
  if (!slot) return;
  const id = (name) => `${prefix}-${name}`;
  const date = (name, label) => h('div', { class: 'toolbar-field' },
    h('label', { for: id(name), text: label }),
    h('input', { id: id(name), type: 'date', required: true, 'aria-describedby': id('range-error') }));
  const head = ['Time', 'What', 'Who', 'Target', 'Client address', 'Details'].map((text) => h('th', { scope: 'col', text }));
  slot.replaceWith(
    h('form', { id: id('filters'), class: 'admin-toolbar audit-filters', novalidate: true },
      date('from', 'From'),
      date('to', 'To'),
      h('div', { class: 'toolbar-field' }, h('label', { for: id('kind'), text: 'What' }), h('select', { id: id('kind') })),
      h('div', { class: 'toolbar-actions' },
        h('button', { type: 'submit', id: id('show'), class: 'button', text: 'Show' }),
        h('button', { type: 'button', id: id('csv'), class: 'button', text: 'Download CSV' })),
      h('p', { class: 'field-error reserve', id: id('range-error') })),
    h('p', { id: id('truncated'), class: 'audit-notice', role: 'status', hidden: true }),
    h('p', { id: id('empty'), class: 'list-empty audit-empty', hidden: true }),
    h('div', { class: 'table-wrap', id: id('table-wrap') },
      h('table', { class: 'data-table audit-table', id: id('table') },
        h('caption', { class: 'visually-hidden', text: 'Audit log, newest first' }),
        h('thead', {}, h('tr', {}, ...head)),
        h('tbody'))),
  );
}

export class AuditPanel extends AdminPanel {
  /**
   * @param {object} opts
   * @param {(text: string, kind?: string) => void} opts.status announces a result
   * @param {(userId: string) => string|null} opts.nameOf a member's name (e-mail or service account) by id
   * @param {() => Promise<Array>} opts.loadMembers the member list (whom the entries name by id)
   * @param {string} [opts.panel] the element holding the log (busy while it loads)
   * @param {string} [opts.prefix] how the ids of the log's elements begin: "audit" on the admin view, "op-audit" on
   *   the operator view (`<prefix>-filters`, `-from`, `-to`, `-kind`, `-csv`, `-range-error`, `-count`, `-truncated`,
   *   `-empty`, `-table-wrap`, `-table`)
   */
  constructor({ status, nameOf, loadMembers, panel = '#admin-panel-audit', prefix = 'audit' }) {
    renderControls(prefix);
    super(status, {
      panel,
      form: `#${prefix}-filters`,
      from: `#${prefix}-from`,
      to: `#${prefix}-to`,
      kind: `#${prefix}-kind`,
      csv: `#${prefix}-csv`,
      rangeError: `#${prefix}-range-error`,
      count: `#${prefix}-count`,
      truncated: `#${prefix}-truncated`,
      empty: `#${prefix}-empty`,
      tableWrap: `#${prefix}-table-wrap`,
      list: `#${prefix}-table tbody`,
    });
    this.nameOf = nameOf;
    this.loadMembers = loadMembers;
    this.data = null;
    this.loadSeq = 0;
    this.el.kind.replaceChildren(
      h('option', { value: '', text: 'Everything' }),
      ...AUDIT_KINDS.map(([value, text]) => h('option', { value, text })),
    );
    this.el.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.load();
    });
    this.el.kind.addEventListener('change', () => this.load());
    for (const input of [this.el.from, this.el.to]) input.addEventListener('input', () => this.showRangeError(''));
    this.el.csv.addEventListener('click', () => this.downloadCsv());
  }

  attach(ctx) {
    this.ctx = ctx;
    this.data = null;
    const [from, to] = presetRange('30');
    this.el.from.value = from;
    this.el.to.value = to;
    this.el.kind.value = '';
    this.showRangeError('');
    this.render();
  }

  detach() {
    this.ctx = null;
    this.data = null;
    this.el.list.replaceChildren();
    this.el.count.textContent = '';
    this.el.truncated.hidden = true;
    this.el.empty.hidden = true;
  }

  showRangeError(text) {
    this.el.rangeError.textContent = text;
    for (const input of [this.el.from, this.el.to]) {
      if (text) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }

  /** The filters ({from, to, kind?}), or null (the problem shown, the field focused) when the range cannot be asked for. */
  params({ focus = true } = {}) {
    const from = this.el.from.value;
    const to = this.el.to.value;
    const error = rangeError(from, to);
    this.showRangeError(error);
    if (error) {
      if (focus) (from ? this.el.to : this.el.from).focus();
      return null;
    }
    const params = { from, to };
    if (this.el.kind.value) params.kind = this.el.kind.value;
    return params;
  }

  async load() {
    const ctx = this.ctx;
    if (!ctx) return;
    const params = this.params();
    if (!params) return;
    const seq = ++this.loadSeq;
    this.el.panel.setAttribute('aria-busy', 'true');
    this.status('Loading the audit log…');
    try {
      const [data] = await Promise.all([adminApi.audit(this.tenantId, params), this.loadMembers()]);
      if (this.ctx !== ctx || seq !== this.loadSeq) return;
      this.data = { ...data, kind: params.kind || '' };
      this.render();
      this.status(`Audit log for ${data.from || params.from} to ${data.to || params.to} (UTC).`);
    } catch (err) {
      if (this.ctx === ctx && seq === this.loadSeq) this.failed(err);
    } finally {
      if (seq === this.loadSeq) this.el.panel.removeAttribute('aria-busy');
    }
  }

  get entries() {
    return this.data && Array.isArray(this.data.entries) ? this.data.entries : [];
  }

  render() {
    const entries = this.entries;
    const d = this.data;
    this.el.count.textContent = d ? plural(entries.length, 'entry', 'entries') : '';
    this.el.truncated.hidden = !(d && d.truncated);
    this.el.truncated.textContent = d && d.truncated
      ? `There are more entries in this range than one page holds: these are the newest ${plural(entries.length, 'entry', 'entries')}. Choose fewer days or one kind to see older ones.`
      : '';
    const none = Boolean(d) && !entries.length;
    this.el.empty.hidden = !none;
    this.el.tableWrap.hidden = none;
    if (none) {
      this.el.empty.textContent = d.kind
        ? `No “${kindLabel(d.kind)}” entries from ${d.from} to ${d.to}.`
        : `Nothing was recorded from ${d.from} to ${d.to}.`;
    }
    if (!d) {
      this.el.list.replaceChildren(h('tr', { class: 'table-empty' }, h('td', { colspan: '6', text: this.ctx ? 'Loading the audit log…' : '' })));
      return;
    }
    this.el.list.replaceChildren(...entries.map((e) => this.entryRow(e)));
  }

  /** A member by id, in words (their e-mail, or the id of one the list does not know). */
  member(userId) {
    return userId ? this.nameOf(userId) || userId : '';
  }

  who(e) {
    return e.actor_email || this.member(e.actor_user_id) || '–';
  }

  target(e) {
    const t = e.target;
    const detail = e.detail || {};
    switch (e.kind) {
      case 'budget_changed':
        return t === 'tenant' ? 'the organisation' : this.member(t);
      case 'invite_created':
      case 'invite_revoked':
        return t ? `invite ${t}` : '';
      case 'api_key_created':
      case 'api_key_revoked':
        return detail.name ? `key “${detail.name}”` : t || '';
      case 'joined':
      case 'sign_in':
      case 'sign_in_failed':
      case 'signed_out_everywhere':
      case 'password_changed':
      case 'password_reset':
      case 'profile_changed':
        // about the actor themselves
        return t && t !== e.actor_user_id ? this.member(t) : '';
      default:
        return this.member(t);
    }
  }

  details(e) {
    const detail = e.detail || {};
    switch (e.kind) {
      case 'role_changed':
        if (detail.role === 'admin') return 'now an admin';
        if (detail.role === 'user') return 'now a member';
        return genericDetails(detail);
      case 'budget_changed':
        return num(detail.monthly_usd) === null ? 'budget removed' : `monthly budget ${formatUsd(detail.monthly_usd)}`;
      case 'invite_created':
        return detail.expires_at ? `valid until ${formatTime(detail.expires_at)}` : '';
      case 'api_key_created':
        return detail.user_id ? `acts as ${this.member(detail.user_id)}` : '';
      case 'api_key_revoked':
        return '';
      case 'profile_changed':
        return detail.display_name ? `now shown as “${detail.display_name}”` : 'display name removed';
      case 'sign_in_failed':
        return detail.reason ? SIGN_IN_REASONS[detail.reason] || words(detail.reason) : '';
      default:
        return genericDetails(detail);
    }
  }

  entryRow(e) {
    const details = this.details(e);
    return h(
      'tr',
      { dataset: { entryId: e.id || '', kind: e.kind || '' } },
      h('td', { class: 'nowrap', dataset: { cell: 'at' } }, h('time', { datetime: e.at, title: e.at, text: formatInstant(e.at) })),
      h('th', { scope: 'row', dataset: { cell: 'kind' }, text: kindLabel(e.kind) }),
      h('td', { class: 'user-cell', dataset: { cell: 'who' }, title: this.who(e), text: this.who(e) }),
      h('td', { class: 'user-cell', dataset: { cell: 'target' }, title: this.target(e), text: this.target(e) || '–' }),
      h('td', { class: 'nowrap', dataset: { cell: 'address' }, text: e.client_address || '–' }),
      h('td', { class: 'audit-details', dataset: { cell: 'details' }, text: details || '–' }),
    );
  }

  async downloadCsv() {
    const button = this.el.csv;
    const params = this.params();
    if (!params || !this.ctx || button.disabled) return;
    button.disabled = true;
    button.textContent = 'Preparing…';
    try {
      const { blob, filename } = await adminApi.auditCsv(this.tenantId, params);
      const name = filename || `${this.tenantId}-audit-${params.from}-${params.to}.csv`;
      saveFile(blob, name);
      this.status(`Downloaded ${name}.`);
    } catch (err) {
      this.failed(err);
    } finally {
      button.disabled = false;
      button.textContent = 'Download CSV';
    }
  }
}
