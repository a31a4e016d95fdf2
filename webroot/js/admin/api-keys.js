// The API keys page of the admin view: the organisation's keys (whom each acts as, its use and spending this month,
// its status), "New API key" (the form of key-form.js in the admin dialog, then the key itself, shown once), and
// Revoke with a confirmation. Programs send a key as the bearer token to the OpenAI-compatible API under /v1.

import { adminApi } from '../api/endpoints.js';
import { AdminPanel, copyField } from './panel.js';
import { KeyForm } from './key-form.js';
import { h, num } from '../util.js';
import { formatDate, formatInt, formatTime, formatUsd, exactUsd, usdOf, perMinute, capitalize, plural } from '../format.js';

/** Where programs send their requests. */
export function apiBaseUrl() {
  return `${window.location.origin}/v1`;
}

/** A request a program may make with `key` (a shell variable in the page's help, the real key after it is made). */
export function curlExample(key) {
  return `curl ${apiBaseUrl()}/chat/completions -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" -d '{"messages":[{"role":"user","content":"hello"}]}'`;
}

/** Whom a key acts as: the member's e-mail, or "service account <name>". */
export function actsAs(k) {
  if (k.service_account) return `service account ${k.service_account}`;
  return k.email || k.user_id || '';
}

function spendText(k) {
  return num(k.monthly_usd) === null ? `${formatUsd(k.spent_usd)}, no budget` : usdOf(k.spent_usd, k.monthly_usd);
}

function spendTitle(k) {
  return num(k.monthly_usd) === null ? exactUsd(k.spent_usd) : usdOf(k.spent_usd, k.monthly_usd, { exact: true });
}

function statusNote(k) {
  if (k.status === 'revoked') return k.revoked_at ? formatDate(k.revoked_at) : '';
  if (k.expires_at) return `${k.status === 'expired' ? 'since' : 'until'} ${formatDate(k.expires_at)}`;
  return '';
}

/** Active keys first, then the newest. */
function byStatusThenNewest(a, b) {
  return (a.status === 'active' ? 0 : 1) - (b.status === 'active' ? 0 : 1) || (Date.parse(b.created_at) || 0) - (Date.parse(a.created_at) || 0);
}

/** A read-only copy of `value` with its label and Copy button. */
function copyBlock(id, label, value, { rows = 0 } = {}) {
  const field = rows
    ? h('textarea', { id, class: 'code-text', readonly: true, spellcheck: 'false', rows: String(rows) })
    : h('input', { id, class: 'code-text', type: 'text', readonly: true, spellcheck: 'false' });
  field.value = value;
  const copy = h('button', { type: 'button', id: `${id}-copy`, class: 'button small', 'aria-label': `Copy the ${label.toLowerCase()}`, text: 'Copy' });
  copy.addEventListener('click', () => copyField(field, copy));
  return { field, el: h('div', { class: 'copy-block' }, h('label', { for: id, text: label }), h('div', { class: 'copy-row' }, field, copy)) };
}

export class ApiKeysPanel extends AdminPanel {
  /**
   * @param {object} opts
   * @param {(text: string, kind?: string) => void} opts.status announces a result
   * @param {import('./dialog.js').DetailsDialog} opts.dialog the admin dialog (the form, the new key, confirmations)
   * @param {() => Promise<Array>} opts.loadMembers the member list (whom a key may act as)
   */
  constructor({ status, dialog, loadMembers }) {
    super(status, {
      panel: '#admin-panel-keys',
      count: '#keys-count',
      create: '#key-new',
      refresh: '#keys-refresh',
      tableWrap: '#keys-table-wrap',
      list: '#keys-table tbody',
      empty: '#keys-empty',
      baseUrl: '#keys-base-url',
      example: '#keys-example',
      exampleCopy: '#keys-example-copy',
    });
    this.dialog = dialog;
    this.loadMembers = loadMembers;
    this.data = null;
    this.members = [];
    this.loadSeq = 0;
    this.form = new KeyForm((body) => this.createKey(body));
    this.form.cancel.addEventListener('click', () => this.dialog.close());
    this.el.create.addEventListener('click', () => this.openForm());
    this.el.refresh.addEventListener('click', () => this.load());
    this.el.exampleCopy.addEventListener('click', () => copyField(this.el.example, this.el.exampleCopy));
  }

  attach(ctx) {
    this.ctx = ctx;
    this.data = null;
    this.members = [];
    this.form.reset();
    this.el.baseUrl.textContent = apiBaseUrl();
    this.el.example.value = curlExample('$AGENT_CHAT_API_KEY');
    this.render();
  }

  detach() {
    this.ctx = null;
    this.data = null;
    this.members = [];
    this.form.reset();
    this.el.list.replaceChildren();
    this.el.count.textContent = '';
  }

  async load({ silent = false } = {}) {
    const ctx = this.ctx;
    if (!ctx) return;
    const seq = ++this.loadSeq;
    this.el.panel.setAttribute('aria-busy', 'true');
    try {
      const [data, members] = await Promise.all([adminApi.apiKeys(this.tenantId), this.loadMembers()]);
      if (this.ctx !== ctx || seq !== this.loadSeq) return;
      this.members = members || [];
      this.data = data || { api_keys: [] };
      this.render();
    } catch (err) {
      if (!silent && this.ctx === ctx) this.failed(err);
    } finally {
      if (seq === this.loadSeq) this.el.panel.removeAttribute('aria-busy');
    }
  }

  get keys() {
    return (this.data && Array.isArray(this.data.api_keys)) ? this.data.api_keys : [];
  }

  render() {
    const keys = [...this.keys].sort(byStatusThenNewest);
    const active = keys.filter((k) => k.status === 'active').length;
    this.el.count.textContent = keys.length ? `${plural(keys.length, 'key')} · ${formatInt(active)} active` : '';
    const none = Boolean(this.data) && !keys.length;
    this.el.empty.hidden = !none;
    this.el.tableWrap.hidden = none;
    if (!this.data) {
      this.el.list.replaceChildren(h('tr', { class: 'table-empty' }, h('td', { colspan: '9', text: this.ctx ? 'Loading API keys…' : '' })));
      return;
    }
    this.el.list.replaceChildren(...keys.map((k) => this.keyRow(k)));
  }

  keyRow(k) {
    const revoke = k.status === 'active'
      ? h('button', {
        type: 'button',
        class: 'button small danger',
        dataset: { action: 'revoke' },
        'aria-label': `Revoke the key ${k.name}`,
        onClick: () => this.askRevoke(k),
        text: 'Revoke',
      })
      : null;
    return h(
      'tr',
      { dataset: { keyId: k.id, status: k.status || '' } },
      h('th', { scope: 'row', class: 'key-name', text: k.name }),
      h('td', {}, h('code', { class: 'key-prefix', title: 'The start of the key', text: `${k.prefix}_…` })),
      h('td', { class: 'user-cell', title: actsAs(k), dataset: { cell: 'owner' }, text: actsAs(k) }),
      h('td', { class: 'nowrap', dataset: { cell: 'created' }, title: formatTime(k.created_at), text: formatDate(k.created_at) }),
      h('td', { class: 'nowrap', dataset: { cell: 'last-used' }, text: k.last_used_at ? formatTime(k.last_used_at) : 'never' }),
      h('td', { class: 'num', dataset: { cell: 'spend' }, title: spendTitle(k), text: spendText(k) }),
      h('td', { class: 'num', dataset: { cell: 'rate' }, text: num(k.requests_per_minute) === null ? 'plan’s limits' : perMinute(k.requests_per_minute) }),
      h('td', { dataset: { cell: 'status' } },
        h('span', { class: `badge key-${k.status}`, text: capitalize(k.status) }),
        statusNote(k) ? h('span', { class: 'key-status-note', text: ` ${statusNote(k)}` }) : null),
      h('td', {}, revoke),
    );
  }

  rowOf(keyId) {
    return this.el.list.querySelector(`tr[data-key-id="${CSS.escape(keyId)}"]`);
  }

  /** Puts the focus on a key's row (read out whole), else on "New API key". */
  focusRow(keyId) {
    const row = keyId ? this.rowOf(keyId) : null;
    if (row) {
      row.tabIndex = -1;
      row.focus();
    } else {
      this.el.create.focus();
    }
  }

  // -------------------------------------------------------------------------
  // A new key

  async openForm() {
    if (!this.ctx) return;
    this.form.prepare(this.members, this.ctx.user.sub);
    this.dialog.show('New API key', [this.form.el], { focus: this.form.first, onClose: () => this.el.create.focus() });
    const members = await this.loadMembers();
    if (this.ctx && members && members.length) {
      this.members = members;
      this.form.prepare(members, this.ctx.user.sub);
    }
  }

  /** Sends the form's key; the key itself is then shown once. Rejects with the server's error (the form shows it). */
  async createKey(body) {
    const ctx = this.ctx;
    if (!ctx) return;
    const created = await adminApi.createApiKey(this.tenantId, body);
    if (this.ctx !== ctx) return;
    this.form.reset();
    this.showSecret(created);
  }

  showSecret(k) {
    const secret = copyBlock('key-secret', 'API key', k.key || '');
    const example = copyBlock('key-example', 'Example request', curlExample(k.key || ''), { rows: 6 });
    const done = h('button', { type: 'button', id: 'key-done', class: 'button primary', onClick: () => this.dialog.close(), text: 'Done' });
    const limits = [
      `It acts as ${actsAs(k)}.`,
      num(k.monthly_usd) === null ? '' : `It may spend ${formatUsd(k.monthly_usd)} a month.`,
      k.expires_at ? `It stops working after ${formatTime(k.expires_at)}.` : '',
    ].filter(Boolean).join(' ');
    this.dialog.show(`API key “${k.name}”`, [
      h('p', { class: 'form-notice key-once', id: 'key-once' }, h('strong', { text: 'Copy the key now: you will not see this key again.' }),
        ' Keep it secret; if it is lost or leaked, revoke it and make a new one.'),
      secret.el,
      h('p', { class: 'hint', text: limits }),
      h('h4', { class: 'dialog-subhead', text: 'Use it' }),
      h('p', {}, 'Programs send it as the bearer token to the OpenAI-compatible API at ', h('code', { text: apiBaseUrl() }),
        ' (', h('code', { text: 'POST /v1/chat/completions' }), ', ', h('code', { text: 'GET /v1/models' }), '):'),
      example.el,
      h('div', { class: 'form-actions' }, done),
    ], {
      focus: secret.field,
      onClose: () => {
        // shown once: the key leaves the page with the dialog
        secret.field.value = '';
        example.field.value = '';
        this.load().then(() => this.focusRow(k.id));
      },
    });
    secret.field.setAttribute('aria-describedby', 'key-once');
    secret.field.select();
    this.status(`The key “${k.name}” is ready.`);
  }

  // -------------------------------------------------------------------------
  // Revocation

  async askRevoke(k) {
    if (!this.ctx) return;
    const revoked = await this.dialog.confirm({
      title: `Revoke the key “${k.name}”?`,
      text: `Programs using it (it acts as ${actsAs(k)}) are refused from their next request. This cannot be undone.`,
      action: 'Revoke key',
      busy: 'Revoking…',
      run: () => this.revoke(k),
    });
    if (revoked) this.focusRow(k.id);
    else (this.rowOf(k.id)?.querySelector('[data-action="revoke"]') || this.el.create).focus();
  }

  async revoke(k) {
    const ctx = this.ctx;
    const view = await adminApi.revokeApiKey(this.tenantId, k.id);
    if (this.ctx !== ctx) return;
    this.loadSeq++; // an older load must not bring the key back as active
    this.el.panel.removeAttribute('aria-busy');
    const keys = this.keys.map((x) => (x.id === k.id ? { ...x, ...view } : x));
    this.data = { ...(this.data || {}), api_keys: keys };
    this.render();
    this.status(`The key “${k.name}” is revoked: programs using it are refused from now on.`);
  }
}

