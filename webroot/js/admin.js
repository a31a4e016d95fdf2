// The admin view of a tenant admin: cost reports with charts and CSV download, members and
// invites, budgets, and the live monitor. Opened from the header's "Admin" button.
//
// Reports are fetched per tab and per date range and kept until "Refresh" or a new range;
// a finished turn seen on the live monitor marks them out of date.

import { api, adminApi } from './api.js';
import { friendlyMessage } from './errors.js';
import { $, h, num, formatInt, formatUsd, exactUsd, formatTime, capitalize } from './util.js';
import {
  SERVICES, renderChart, clearChart, prepareChart, destroyCharts,
  servicesDoughnut, usersBars, trendChart, modelsBars,
} from './admin-charts.js';
import { MembersPanel, BudgetsPanel } from './admin-people.js';
import { LiveMonitor } from './admin-monitor.js';
import { traceItem } from './chat.js';

const TABS = ['overview', 'trend', 'models', 'turns', 'members', 'budgets', 'monitor'];

/** The reports each report tab shows, and the one its "Download CSV" saves. */
const REPORT_TABS = {
  overview: { reports: ['overall-cost', 'per-user-cost'], csv: 'overall-cost' },
  trend: { reports: ['service-wise-cost'], csv: 'service-wise-cost' },
  models: { reports: ['comprehensive-report'], csv: 'comprehensive-report' },
  turns: { reports: ['comprehensive-report'], csv: 'comprehensive-report' },
};

const DAY_MS = 86_400_000;

/** YYYY-MM-DD of a Date in UTC. */
function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

/** [from, to] of a period preset, in UTC days. */
export function presetRange(preset, now = new Date()) {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  switch (preset) {
    case 'last-month':
      return [isoDay(new Date(Date.UTC(y, m - 1, 1))), isoDay(new Date(Date.UTC(y, m, 0)))];
    case 'year':
      return [isoDay(new Date(Date.UTC(y, 0, 1))), isoDay(today)];
    case '7':
    case '30':
    case '90':
      return [isoDay(new Date(today.getTime() - (Number(preset) - 1) * DAY_MS)), isoDay(today)];
    case 'month':
    default:
      return [isoDay(new Date(Date.UTC(y, m, 1))), isoDay(today)];
  }
}

function serviceLabel(key) {
  const s = SERVICES.find((x) => x.key === key);
  return s ? s.label : capitalize(String(key).replace(/_/g, ' '));
}

function share(part, total) {
  const p = num(part) || 0;
  const t = num(total) || 0;
  if (t <= 0) return '–';
  const pct = (p / t) * 100;
  return `${pct >= 10 ? Math.round(pct) : pct.toFixed(1)}%`;
}

function usdCell(v) {
  return h('td', { class: 'num', title: exactUsd(v), text: formatUsd(v) });
}

function intCell(v) {
  return h('td', { class: 'num', text: formatInt(v) });
}

function tokensCell(input, output) {
  return h('td', { class: 'num', text: `${formatInt(input)} / ${formatInt(output)}` });
}

function emptyRow(columns, text) {
  return h('tr', { class: 'table-empty' }, h('td', { colspan: String(columns), text }));
}

export class AdminView {
  /**
   * @param {object} opts
   * @param {object} opts.config client configuration (tiers)
   * @param {(open: boolean) => void} opts.onToggle the view was opened or closed
   */
  constructor({ config, onToggle }) {
    this.config = config;
    this.onToggle = onToggle || (() => {});
    this.ctx = null;
    this.tab = 'overview';
    this.cache = new Map(); // "<report>?<query>" -> Promise of the JSON
    this.stale = new Set(); // cache keys loaded before the last finished turn
    this.loadSeq = 0;
    this.el = {
      view: $('#admin-view'),
      subtitle: $('#admin-subtitle'),
      close: $('#admin-close'),
      toolbar: $('#admin-toolbar'),
      preset: $('#admin-preset'),
      from: $('#admin-from'),
      to: $('#admin-to'),
      csv: $('#admin-csv'),
      csvUsers: $('#admin-csv-users'),
      rangeError: $('#admin-range-error'),
      upgrade: $('#upgrade-notice'),
      upgradeText: $('#upgrade-notice .upgrade-text'),
      status: $('#admin-status'),
      granularity: $('#admin-granularity'),
      trendStyle: $('#admin-trend-style'),
      dialog: $('#admin-dialog'),
      dialogTitle: $('#admin-dialog-title'),
      dialogBody: $('#admin-dialog-body'),
      dialogClose: $('#admin-dialog-close'),
    };
    this.members = new MembersPanel({
      status: (text, kind) => this.status(text, kind),
      onMembers: (list) => {
        this.names = new Map(list.map((m) => [m.user_id, m.email]));
        this.monitor.refreshNames();
      },
    });
    this.budgets = new BudgetsPanel({
      status: (text, kind) => this.status(text, kind),
      loadMembers: () => this.members.load({ silent: true }),
    });
    this.names = new Map();
    this.unknownAsked = 0;
    this.monitor = new LiveMonitor({
      nameOf: (userId) => this.names.get(userId) || null,
      onUnknownUser: () => {
        // A new member: fetch the list again, at most every 10 s.
        if (Date.now() - this.unknownAsked < 10_000) return;
        this.unknownAsked = Date.now();
        this.members.load({ silent: true });
      },
      onEvent: (body) => this.onMonitorEvent(body),
    });
    this.bind();
  }

  bind() {
    for (const name of TABS) {
      const tab = this.tabButton(name);
      tab.addEventListener('click', () => this.showTab(name, { focus: false }));
      tab.addEventListener('keydown', (e) => this.tabKey(e, name));
    }
    this.el.close.addEventListener('click', () => this.close());
    this.el.view.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !this.el.dialog.open) this.close();
    });
    for (const b of this.el.view.querySelectorAll('[data-goto-admin-tab]')) {
      b.addEventListener('click', () => this.showTab(b.dataset.gotoAdminTab, { focus: true }));
    }
    this.el.preset.addEventListener('change', () => {
      if (this.el.preset.value !== 'custom') {
        this.setRange(...presetRange(this.el.preset.value));
        this.reload();
      } else {
        this.el.from.focus();
      }
    });
    for (const input of [this.el.from, this.el.to]) {
      input.addEventListener('change', () => {
        this.el.preset.value = 'custom';
        this.el.rangeError.textContent = '';
      });
    }
    this.el.toolbar.addEventListener('submit', (e) => {
      e.preventDefault();
      this.reload();
    });
    this.el.csv.addEventListener('click', () => this.downloadCsv(REPORT_TABS[this.tab] ? REPORT_TABS[this.tab].csv : 'overall-cost', this.el.csv));
    this.el.csvUsers.addEventListener('click', () => this.downloadCsv('per-user-cost', this.el.csvUsers));
    this.el.granularity.addEventListener('change', () => this.loadTab());
    this.el.trendStyle.addEventListener('change', () => this.loadTab());
    this.el.dialogClose.addEventListener('click', () => this.el.dialog.close());
  }

  // -------------------------------------------------------------------------
  // Life cycle

  /** A tenant admin logged in: the monitor starts counting now, even while the view is closed. */
  attach({ user, bus }) {
    this.detach();
    this.ctx = { user, bus };
    this.names = new Map();
    this.cache.clear();
    this.stale.clear();
    this.el.preset.value = 'month';
    this.setRange(...presetRange('month'));
    this.el.subtitle.textContent = `Organisation ${user.tenantId} · ${capitalize(user.tier || '')} plan`;
    this.members.attach(this.ctx);
    this.budgets.attach(this.ctx);
    this.monitor.attach(bus, user.tenantId);
    this.members.load({ silent: true });
    this.applyPlan();
  }

  detach() {
    if (!this.ctx) return;
    this.close({ quiet: true });
    this.monitor.detach();
    this.members.detach();
    this.budgets.detach();
    destroyCharts();
    this.cache.clear();
    this.ctx = null;
  }

  get tenantId() {
    return this.ctx ? this.ctx.user.tenantId : '';
  }

  get isOpen() {
    return !this.el.view.hidden;
  }

  /** Whether the plan includes cost reports (the server decides; this only avoids a refused call). */
  get reportsAllowed() {
    if (this.upgradeMessage) return false;
    const tier = this.ctx && this.config.tiers ? this.config.tiers[this.ctx.user.tier] : null;
    return !tier || tier.admin_reports !== false;
  }

  applyPlan() {
    this.upgradeMessage = '';
    if (!this.reportsAllowed) {
      this.upgradeMessage = `Your organisation is on the ${capitalize(this.ctx.user.tier || 'current')} plan. Ask your account owner to move to Premium to see cost reports, charts and CSV exports.`;
    }
  }

  open(tab = null) {
    if (!this.ctx) return;
    const wasOpen = this.isOpen;
    this.el.view.hidden = false;
    this.onToggle(true);
    if (tab) this.showTab(tab, { focus: true });
    else if (!wasOpen) this.showTab(this.tab, { focus: true });
  }

  close({ quiet = false } = {}) {
    if (!this.isOpen) return;
    if (this.el.dialog.open) this.el.dialog.close();
    this.el.view.hidden = true;
    this.monitor.setVisible(false);
    if (!quiet) this.onToggle(false);
  }

  toggle() {
    if (this.isOpen) this.close();
    else this.open();
  }

  // -------------------------------------------------------------------------
  // Tabs

  tabButton(name) {
    return $(`#admin-tab-${name}`);
  }

  tabKey(e, name) {
    const i = TABS.indexOf(name);
    let next = null;
    if (e.key === 'ArrowRight') next = TABS[(i + 1) % TABS.length];
    else if (e.key === 'ArrowLeft') next = TABS[(i - 1 + TABS.length) % TABS.length];
    else if (e.key === 'Home') next = TABS[0];
    else if (e.key === 'End') next = TABS[TABS.length - 1];
    if (!next) return;
    e.preventDefault();
    this.showTab(next, { focus: false });
    this.tabButton(next).focus();
  }

  showTab(name, { focus = false } = {}) {
    if (!TABS.includes(name)) return;
    this.tab = name;
    for (const t of TABS) {
      const selected = t === name;
      const button = this.tabButton(t);
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      $(`#admin-panel-${t}`).hidden = !selected;
    }
    const isReport = Boolean(REPORT_TABS[name]);
    const locked = isReport && !this.reportsAllowed;
    this.el.toolbar.hidden = !isReport || locked;
    this.el.upgrade.hidden = !locked;
    if (locked) {
      this.el.upgradeText.textContent = this.upgradeMessage;
      $(`#admin-panel-${name}`).hidden = true;
    }
    this.status('');
    this.monitor.setVisible(name === 'monitor');
    if (focus) (locked ? this.el.upgrade : $(`#admin-panel-${name}`)).focus?.();
    this.loadTab();
  }

  // -------------------------------------------------------------------------
  // Loading

  setRange(from, to) {
    this.el.from.value = from;
    this.el.to.value = to;
    this.el.rangeError.textContent = '';
  }

  /** The date range of the toolbar, or null (with the error shown) when it is not valid. */
  params() {
    const from = this.el.from.value;
    const to = this.el.to.value;
    let error = '';
    if (!from || !to) error = 'Choose both a start and an end date.';
    else if (from > to) error = 'The start date must not be after the end date.';
    else if (Date.parse(to) - Date.parse(from) > 366 * DAY_MS) error = 'Choose at most one year.';
    this.el.rangeError.textContent = error;
    this.el.from.setAttribute('aria-invalid', String(Boolean(error)));
    this.el.to.setAttribute('aria-invalid', String(Boolean(error)));
    return error ? null : { from, to };
  }

  /** Forgets loaded reports and loads the current tab again. */
  reload() {
    this.cache.clear();
    this.stale.clear();
    this.loadTab();
  }

  reportKey(report, params) {
    return `${report}?${new URLSearchParams(params)}`;
  }

  fetchReport(report, params) {
    const key = this.reportKey(report, params);
    if (!this.cache.has(key)) {
      this.stale.delete(key);
      const p = adminApi.report(this.tenantId, report, params);
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return this.cache.get(key);
  }

  async loadTab() {
    if (!this.ctx || !this.isOpen) return;
    const name = this.tab;
    const seq = ++this.loadSeq;
    if (name === 'members') return this.members.load();
    if (name === 'budgets') return this.budgets.load();
    if (name === 'monitor' || !REPORT_TABS[name] || !this.reportsAllowed) return undefined;
    const range = this.params();
    if (!range) return undefined;
    const params = name === 'trend' ? { ...range, granularity: this.el.granularity.value } : range;
    const panel = $(`#admin-panel-${name}`);
    panel.setAttribute('aria-busy', 'true');
    this.status('Loading the report…');
    try {
      const data = await Promise.all(REPORT_TABS[name].reports.map((r) => this.fetchReport(r, params)));
      if (seq !== this.loadSeq || !this.ctx) return undefined;
      this.render(name, data);
      const stale = REPORT_TABS[name].reports.some((r) => this.stale.has(this.reportKey(r, params)));
      this.status(stale ? 'New activity since this report was loaded: press Refresh to include it.' : `Report for ${range.from} to ${range.to} (UTC).`);
      panel.dataset.loaded = `${range.from}..${range.to}`;
    } catch (err) {
      if (seq !== this.loadSeq || !this.ctx) return undefined;
      if (err.code === 'upgrade_required') {
        this.upgradeMessage = friendlyMessage(err.code, err.message);
        this.showTab(name);
        return undefined;
      }
      this.status(friendlyMessage(err.code, err.message), 'error');
    } finally {
      panel.removeAttribute('aria-busy');
    }
    return undefined;
  }

  status(text, kind = 'info') {
    this.el.status.textContent = text || '';
    this.el.status.dataset.kind = text ? kind : '';
  }

  onMonitorEvent(body) {
    if (body.type === 'turn_finished') {
      for (const key of this.cache.keys()) this.stale.add(key);
      if (this.cache.size && this.isOpen && REPORT_TABS[this.tab] && this.el.status.dataset.kind !== 'error') {
        this.status('New activity since this report was loaded: press Refresh to include it.');
      }
    }
    if (body.type === 'budget_alert' || body.type === 'budget_refused') {
      if (this.isOpen && this.tab === 'budgets') this.budgets.load({ silent: true });
    }
  }

  // -------------------------------------------------------------------------
  // Rendering

  render(name, data) {
    if (name === 'overview') this.renderOverview(data[0], data[1]);
    else if (name === 'trend') this.renderTrend(data[0]);
    else if (name === 'models') this.renderModels(data[0]);
    else if (name === 'turns') this.renderTurns(data[0]);
  }

  renderOverview(overall, perUser) {
    $('#admin-total').textContent = formatUsd(overall.total_usd);
    $('#admin-total').title = exactUsd(overall.total_usd);
    $('#admin-turns-count').textContent = formatInt(overall.turns);
    $('#admin-tokens').textContent = `${formatInt(overall.input_tokens)} / ${formatInt(overall.output_tokens)}`;
    $('#admin-tool-actions').textContent = formatInt(overall.tool_actions);

    const services = overall.services || {};
    const total = num(overall.total_usd) || 0;
    const keys = [...SERVICES.map((s) => s.key), ...Object.keys(services).filter((k) => !SERVICES.some((s) => s.key === k))];
    $('#table-services tbody').replaceChildren(
      ...keys.map((k) => h('tr', { dataset: { service: k } }, h('th', { scope: 'row', text: serviceLabel(k) }), usdCell(services[k] || 0), h('td', { class: 'num', text: share(services[k], total) }))),
      h('tr', { class: 'total-row' }, h('th', { scope: 'row', text: 'Total' }), usdCell(total), h('td', { class: 'num', text: total > 0 ? '100%' : '–' })),
    );
    const canvas = $('#chart-services');
    if (total > 0) {
      prepareChart(canvas);
      const parts = SERVICES.filter((s) => (num(services[s.key]) || 0) > 0).map((s) => `${s.label} ${formatUsd(services[s.key])}`);
      renderChart(canvas, servicesDoughnut(services), `Cost per service: ${parts.join(', ')}.`);
    } else {
      clearChart(canvas, 'No cost in this period.');
    }

    const users = [...(perUser.users || [])].sort((a, b) => (num(b.cost_usd) || 0) - (num(a.cost_usd) || 0));
    const tbody = $('#table-users tbody');
    if (!users.length) tbody.replaceChildren(emptyRow(5, 'Nobody used the agent in this period.'));
    else {
      tbody.replaceChildren(
        ...users.map((u) => {
          const name = u.email || u.user_id;
          return h(
            'tr',
            { dataset: { userId: u.user_id } },
            h('th', { scope: 'row', class: 'user-cell', title: u.user_id, text: name }),
            intCell(u.turns),
            tokensCell(u.input_tokens, u.output_tokens),
            usdCell(u.cost_usd),
            h('td', {}, h('button', { type: 'button', class: 'button small ghost', 'aria-label': `Cost details of ${name}`, onClick: () => this.showUser(u), text: 'Details' })),
          );
        }),
      );
    }
    const usersCanvas = $('#chart-users');
    if (users.length) {
      prepareChart(usersCanvas);
      $('#chart-users-box').style.height = `${Math.max(160, users.length * 34 + 40)}px`;
      const top = users.slice(0, 3).map((u) => `${u.email || u.user_id} ${formatUsd(u.cost_usd)}`);
      renderChart(usersCanvas, usersBars(users.map((u) => u.email || u.user_id), users.map((u) => num(u.cost_usd) || 0)),
        `Cost per user, highest first: ${top.join(', ')}${users.length > 3 ? ` and ${users.length - 3} more` : ''}.`);
    } else {
      clearChart(usersCanvas, 'No cost in this period.');
    }
  }

  renderTrend(report) {
    const series = report.series || [];
    const table = $('#table-trend');
    table.tHead.replaceChildren(h('tr', {}, h('th', { scope: 'col', text: capitalize(report.granularity || 'day') }),
      ...SERVICES.map((s) => h('th', { scope: 'col', class: 'num', text: s.label })), h('th', { scope: 'col', class: 'num', text: 'Total' })));
    const body = table.tBodies[0];
    const canvas = $('#chart-trend');
    if (!series.length) {
      body.replaceChildren(emptyRow(SERVICES.length + 2, 'No cost in this period.'));
      clearChart(canvas, 'No cost in this period.');
      return;
    }
    body.replaceChildren(...series.map((r) => h('tr', { dataset: { period: r.period } }, h('th', { scope: 'row', text: r.period }),
      ...SERVICES.map((s) => usdCell(r[s.key] || 0)), usdCell(r.total_usd))));
    const total = series.reduce((a, r) => a + (num(r.total_usd) || 0), 0);
    const peak = series.reduce((a, r) => ((num(r.total_usd) || 0) > (num(a.total_usd) || 0) ? r : a), series[0]);
    prepareChart(canvas);
    renderChart(canvas, trendChart(series.map((r) => r.period), series, this.el.trendStyle.value),
      `Cost per service by ${report.granularity}: ${formatUsd(total)} in ${series.length} periods, most in ${peak.period} (${formatUsd(peak.total_usd)}).`);
  }

  renderModels(report) {
    const models = [...(report.models || [])].sort((a, b) => (num(b.cost_usd) || 0) - (num(a.cost_usd) || 0));
    const tbody = $('#table-models tbody');
    const canvas = $('#chart-models');
    if (!models.length) {
      tbody.replaceChildren(emptyRow(4, 'No model was used in this period.'));
      clearChart(canvas, 'No tokens in this period.');
    } else {
      tbody.replaceChildren(...models.map((m) => h('tr', { dataset: { model: m.model } }, h('th', { scope: 'row', text: m.model || 'unknown' }),
        intCell(m.input_tokens), intCell(m.output_tokens), usdCell(m.cost_usd))));
      prepareChart(canvas);
      renderChart(canvas, modelsBars(models),
        `Tokens by model: ${models.map((m) => `${m.model} ${formatInt(m.input_tokens)} in, ${formatInt(m.output_tokens)} out`).join('; ')}.`);
    }
    const tools = report.tools || [];
    $('#table-tools tbody').replaceChildren(...(tools.length
      ? tools.map((t) => h('tr', { dataset: { tool: t.tool } }, h('th', { scope: 'row', text: t.tool }), intCell(t.actions), usdCell(t.cost_usd)))
      : [emptyRow(3, 'No tool was used in this period.')]));
  }

  renderTurns(report) {
    const turns = report.top_turns || [];
    const tbody = $('#turns-table tbody');
    if (!turns.length) {
      tbody.replaceChildren(emptyRow(6, 'No turns in this period.'));
      return;
    }
    const emails = new Map((report.users || []).map((u) => [u.user_id, u.email]));
    tbody.replaceChildren(...turns.map((t) => {
      const who = emails.get(t.user_id) || this.names.get(t.user_id) || t.user_id;
      return h(
        'tr',
        { dataset: { turnId: t.turn_id } },
        h('td', { text: formatTime(t.created_at) }),
        h('td', { class: 'user-cell', title: t.user_id, text: who }),
        h('td', { text: capitalize(t.status || '') }),
        tokensCell(t.input_tokens, t.output_tokens),
        usdCell(t.cost_usd),
        h('td', {}, h('button', { type: 'button', class: 'button small ghost', 'aria-label': `Steps of the turn of ${formatTime(t.created_at)}`, onClick: () => this.showTrace(t, who), text: 'Steps' })),
      );
    }));
  }

  // -------------------------------------------------------------------------
  // Details dialog

  openDialog(title, ...content) {
    this.el.dialogTitle.textContent = title;
    this.el.dialogBody.replaceChildren(...content);
    if (!this.el.dialog.open) this.el.dialog.showModal();
  }

  async showUser(u) {
    const range = this.params();
    if (!range) return;
    const name = u.email || u.user_id;
    this.openDialog(`Costs of ${name}`, h('p', { class: 'muted', text: 'Loading…' }));
    try {
      const r = await adminApi.userServiceCost(this.tenantId, u.user_id, range);
      const services = r.services || {};
      this.openDialog(
        `Costs of ${name}`,
        h('p', { text: `${range.from} to ${range.to}: ${formatUsd(r.total_usd)} for ${formatInt(r.turns)} turns, ${formatInt(r.input_tokens)} input and ${formatInt(r.output_tokens)} output tokens, ${formatInt(r.tool_actions)} tool actions.` }),
        h('table', { class: 'data-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Service' }), h('th', { scope: 'col', class: 'num', text: 'Cost' }))),
          h('tbody', {}, ...SERVICES.map((s) => h('tr', {}, h('th', { scope: 'row', text: s.label }), usdCell(services[s.key] || 0))))),
      );
    } catch (err) {
      this.openDialog(`Costs of ${name}`, h('p', { class: 'field-error', text: friendlyMessage(err.code, err.message) }));
    }
  }

  async showTrace(t, who) {
    const title = `Turn of ${who}, ${formatTime(t.created_at)}`;
    this.openDialog(title, h('p', { class: 'muted', text: 'Loading…' }));
    try {
      const trace = await api.trace(this.tenantId, t.turn_id);
      const steps = Array.isArray(trace.steps) ? trace.steps : [];
      this.openDialog(
        title,
        h('p', { text: `${capitalize(trace.status || t.status || '')} · ${formatInt(t.input_tokens)} in / ${formatInt(t.output_tokens)} out tokens · ${formatUsd(t.cost_usd)}` }),
        steps.length
          ? h('ol', { class: 'steps-list' }, ...steps.map((s) => (s && typeof s === 'object' ? traceItem(s) : h('li', { text: String(s) }))))
          : h('p', { class: 'muted', text: 'No steps were recorded for this turn.' }),
        h('p', { class: 'hint', text: `Turn ${t.turn_id}` }),
      );
    } catch (err) {
      this.openDialog(title, h('p', { class: 'field-error', text: friendlyMessage(err.code, err.message) }));
    }
  }

  // -------------------------------------------------------------------------
  // CSV

  async downloadCsv(report, button) {
    const range = this.params();
    if (!range || !this.ctx || button.disabled) return;
    const params = report === 'service-wise-cost' ? { ...range, granularity: this.el.granularity.value } : range;
    button.disabled = true;
    const label = button.textContent;
    button.textContent = 'Preparing…';
    try {
      const { blob, filename } = await adminApi.reportCsv(this.tenantId, report, params);
      const url = URL.createObjectURL(blob);
      const a = h('a', { href: url, download: filename || `${report}-${range.from}-${range.to}.csv`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.status(`Downloaded ${a.download}.`);
    } catch (err) {
      if (err.code === 'upgrade_required') {
        this.upgradeMessage = friendlyMessage(err.code, err.message);
        this.showTab(this.tab);
      } else {
        this.status(friendlyMessage(err.code, err.message), 'error');
      }
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  }
}
