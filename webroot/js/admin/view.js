// The admin view of a tenant admin: cost reports with charts and CSV download (reports.js), members, their roles
// and invites (members.js), budgets (budgets.js), API keys (api-keys.js), the audit log (audit.js) and the live
// monitor (monitor.js). Opened from the header's "Admin" button; this file owns its life cycle and its tabs.

import { $ } from '../util.js';
import { capitalize } from '../format.js';
import { tabKeyTarget, selectTab } from '../tabs.js';
import { destroyCharts } from './charts.js';
import { MembersPanel } from './members.js';
import { BudgetsPanel } from './budgets.js';
import { ApiKeysPanel } from './api-keys.js';
import { AuditPanel } from './audit.js';
import { memberName } from './panel.js';
import { LiveMonitor } from './monitor.js';
import { Reports, REPORT_TABS } from './reports.js';
import { DetailsDialog } from './dialog.js';

const TABS = ['overview', 'trend', 'models', 'turns', 'members', 'budgets', 'keys', 'audit', 'monitor'];

/** A member not in the list shows up on the monitor: the list is fetched again, at most this often. */
const UNKNOWN_MEMBER_RELOAD_MS = 10_000;

export class AdminView {
  /**
   * @param {object} opts
   * @param {object} opts.config client configuration (tiers)
   * @param {(open: boolean) => void} opts.onToggle the view was opened or closed
   * @param {(change: {removed: boolean}) => void} opts.onOwnChange the admin removed themselves, or their own admin rights
   */
  constructor({ config, onToggle, onOwnChange }) {
    this.config = config;
    this.onToggle = onToggle || (() => {});
    this.ctx = null;
    this.tab = 'overview';
    this.loadSeq = 0;
    this.el = {
      view: $('#admin-view'),
      subtitle: $('#admin-subtitle'),
      close: $('#admin-close'),
      toolbar: $('#admin-toolbar'),
      upgrade: $('#upgrade-notice'),
      upgradeText: $('#upgrade-notice .upgrade-text'),
      status: $('#admin-status'),
    };
    this.reports = new Reports(this);
    this.dialog = new DetailsDialog({
      dialog: $('#admin-dialog'),
      title: $('#admin-dialog-title'),
      body: $('#admin-dialog-body'),
      close: $('#admin-dialog-close'),
    });
    this.members = new MembersPanel({
      status: (text, kind) => this.status(text, kind),
      dialog: this.dialog,
      onOwnChange: (change) => (onOwnChange || (() => {}))(change),
      onMembers: (list) => {
        this.names = new Map(list.map((m) => [m.user_id, memberName(m)]));
        this.monitor.refreshNames();
      },
    });
    this.budgets = new BudgetsPanel({
      status: (text, kind) => this.status(text, kind),
      loadMembers: () => this.members.load({ silent: true }),
    });
    this.keys = new ApiKeysPanel({
      status: (text, kind) => this.status(text, kind),
      dialog: this.dialog,
      loadMembers: () => this.members.load({ silent: true }),
    });
    this.audit = new AuditPanel({
      status: (text, kind) => this.status(text, kind),
      nameOf: (userId) => this.names.get(userId) || null,
      loadMembers: () => this.members.load({ silent: true }),
    });
    this.names = new Map();
    this.unknownAsked = 0;
    this.monitor = new LiveMonitor({
      nameOf: (userId) => this.names.get(userId) || null,
      onUnknownUser: () => {
        if (Date.now() - this.unknownAsked < UNKNOWN_MEMBER_RELOAD_MS) return;
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
      if (e.key === 'Escape' && !this.dialog.isOpen) this.close();
    });
    for (const b of this.el.view.querySelectorAll('[data-goto-admin-tab]')) {
      b.addEventListener('click', () => this.showTab(b.dataset.gotoAdminTab, { focus: true }));
    }
  }

  // -------------------------------------------------------------------------
  // Life cycle

  /** A tenant admin logged in: the monitor starts counting now, even while the view is closed. */
  attach({ user, bus }) {
    this.detach();
    this.ctx = { user, bus };
    this.names = new Map();
    this.reports.reset();
    this.el.subtitle.textContent = `Organisation ${user.tenantId} · ${capitalize(user.tier || '')} plan`;
    this.members.attach(this.ctx);
    this.budgets.attach(this.ctx);
    this.keys.attach(this.ctx);
    this.audit.attach(this.ctx);
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
    this.keys.detach();
    this.audit.detach();
    destroyCharts();
    this.reports.clear();
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
    if (!wasOpen) this.el.view.scrollTop = 0; // opens at its heading
  }

  close({ quiet = false } = {}) {
    if (!this.isOpen) return;
    this.dialog.close();
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
    const i = tabKeyTarget(e.key, TABS.indexOf(name), TABS.length);
    if (i === null) return;
    const next = TABS[i];
    e.preventDefault();
    this.showTab(next, { focus: false });
    this.tabButton(next).focus();
  }

  showTab(name, { focus = false } = {}) {
    if (!TABS.includes(name)) return;
    this.tab = name;
    selectTab(TABS, name, (t) => this.tabButton(t), (t) => $(`#admin-panel-${t}`));
    revealTab(this.tabButton(name));
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
    if (focus) (locked ? this.el.upgrade : $(`#admin-panel-${name}`)).focus?.({ preventScroll: true });
    this.loadTab();
  }

  /** Loads what the current tab shows. */
  async loadTab() {
    if (!this.ctx || !this.isOpen) return undefined;
    const name = this.tab;
    const seq = ++this.loadSeq;
    if (name === 'members') return this.members.load();
    if (name === 'budgets') return this.budgets.load();
    if (name === 'keys') return this.keys.load();
    if (name === 'audit') return this.audit.load();
    if (name === 'monitor' || !REPORT_TABS[name] || !this.reportsAllowed) return undefined;
    return this.reports.load(name, seq);
  }

  status(text, kind = 'info') {
    this.el.status.textContent = text || '';
    this.el.status.dataset.kind = text ? kind : '';
  }

  onMonitorEvent(body) {
    if (body.type === 'turn_finished') this.reports.markStale();
    if (body.type === 'budget_alert' || body.type === 'budget_refused') {
      if (this.isOpen && this.tab === 'budgets') this.budgets.load({ silent: true });
    }
  }
}

const watchedStrips = new WeakSet();

/**
 * On a narrow screen the tabs scroll sideways: brings the chosen one into sight, moving nothing but the strip; again
 * whenever the strip's width changes (a scroll bar appearing beside the loaded panel narrows it).
 */
function revealTab(tab) {
  const strip = tab.closest('[role="tablist"]');
  if (!strip) return;
  if (!watchedStrips.has(strip)) {
    watchedStrips.add(strip);
    new ResizeObserver(() => {
      const chosen = strip.querySelector('[aria-selected="true"]');
      if (chosen) revealTab(chosen);
    }).observe(strip);
  }
  const s = strip.getBoundingClientRect();
  const t = tab.getBoundingClientRect();
  const margin = 24;
  if (t.left < s.left) strip.scrollLeft -= s.left - t.left + margin;
  else if (t.right > s.right) strip.scrollLeft += t.right - s.right + margin;
}
