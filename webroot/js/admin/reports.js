// The report tabs of the admin view: the toolbar (period, dates, Refresh, Download CSV), the reports fetched
// per tab and date range and kept until "Refresh" or a new range (a finished turn seen on the live monitor
// marks them out of date), and their CSV downloads.

import { adminApi } from '../api/endpoints.js';
import { friendlyMessage } from '../errors.js';
import { $, saveFile } from '../util.js';
import { presetRange, rangeError } from './range.js';
import { renderOverview, renderTrend, renderModels, renderTurns } from './report-views.js';

/** The reports each report tab shows, and the one its "Download CSV" saves. */
export const REPORT_TABS = {
  overview: { reports: ['overall-cost', 'per-user-cost', 'per-key-cost'], csv: 'overall-cost' },
  trend: { reports: ['service-wise-cost'], csv: 'service-wise-cost' },
  models: { reports: ['comprehensive-report'], csv: 'comprehensive-report' },
  turns: { reports: ['comprehensive-report'], csv: 'comprehensive-report' },
};

const STALE_TEXT = 'New activity since this report was loaded: press Refresh to include it.';

export class Reports {
  /** @param {import('./view.js').AdminView} view */
  constructor(view) {
    this.view = view;
    this.cache = new Map(); // "<report>?<query>" -> Promise of the JSON
    this.stale = new Set(); // cache keys loaded before the last finished turn
    this.el = {
      toolbar: $('#admin-toolbar'),
      preset: $('#admin-preset'),
      from: $('#admin-from'),
      to: $('#admin-to'),
      csv: $('#admin-csv'),
      csvUsers: $('#admin-csv-users'),
      csvKeys: $('#admin-csv-keys'),
      rangeError: $('#admin-range-error'),
      granularity: $('#admin-granularity'),
      trendStyle: $('#admin-trend-style'),
    };
    this.bind();
  }

  bind() {
    const el = this.el;
    el.preset.addEventListener('change', () => {
      if (el.preset.value !== 'custom') {
        this.setRange(...presetRange(el.preset.value));
        this.reload();
      } else {
        el.from.focus();
      }
    });
    for (const input of [el.from, el.to]) {
      input.addEventListener('change', () => {
        el.preset.value = 'custom';
        el.rangeError.textContent = '';
      });
    }
    el.toolbar.addEventListener('submit', (e) => {
      e.preventDefault();
      this.reload();
    });
    el.csv.addEventListener('click', () => this.downloadCsv(REPORT_TABS[this.view.tab] ? REPORT_TABS[this.view.tab].csv : 'overall-cost', el.csv));
    el.csvUsers.addEventListener('click', () => this.downloadCsv('per-user-cost', el.csvUsers));
    el.csvKeys.addEventListener('click', () => this.downloadCsv('per-key-cost', el.csvKeys));
    el.granularity.addEventListener('change', () => this.view.loadTab());
    el.trendStyle.addEventListener('change', () => this.view.loadTab());
  }

  /** A new login: this month, nothing loaded. */
  reset() {
    this.clear();
    this.el.preset.value = 'month';
    this.setRange(...presetRange('month'));
  }

  clear() {
    this.cache.clear();
    this.stale.clear();
  }

  setRange(from, to) {
    this.el.from.value = from;
    this.el.to.value = to;
    this.el.rangeError.textContent = '';
  }

  /** The date range of the toolbar, or null (with the error shown) when it is not valid. */
  params() {
    const { from, to } = this.el;
    const error = rangeError(from.value, to.value);
    this.el.rangeError.textContent = error;
    from.setAttribute('aria-invalid', String(Boolean(error)));
    to.setAttribute('aria-invalid', String(Boolean(error)));
    return error ? null : { from: from.value, to: to.value };
  }

  /** Forgets loaded reports and loads the current tab again. */
  reload() {
    this.clear();
    this.view.loadTab();
  }

  reportKey(report, params) {
    return `${report}?${new URLSearchParams(params)}`;
  }

  fetchReport(report, params) {
    const key = this.reportKey(report, params);
    if (!this.cache.has(key)) {
      this.stale.delete(key);
      const p = adminApi.report(this.view.tenantId, report, params);
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return this.cache.get(key);
  }

  /** Loads and draws a report tab; `seq` is the view's load number (a later load wins). */
  async load(name, seq) {
    const view = this.view;
    const range = this.params();
    if (!range) return;
    const params = name === 'trend' ? { ...range, granularity: this.el.granularity.value } : range;
    const panel = $(`#admin-panel-${name}`);
    panel.setAttribute('aria-busy', 'true');
    view.status('Loading the report…');
    try {
      const data = await Promise.all(REPORT_TABS[name].reports.map((r) => this.fetchReport(r, params)));
      if (seq !== view.loadSeq || !view.ctx) return;
      this.render(name, data);
      const stale = REPORT_TABS[name].reports.some((r) => this.stale.has(this.reportKey(r, params)));
      view.status(stale ? STALE_TEXT : `Report for ${range.from} to ${range.to} (UTC).`);
      panel.dataset.loaded = `${range.from}..${range.to}`;
    } catch (err) {
      if (seq !== view.loadSeq || !view.ctx) return;
      this.failed(err);
    } finally {
      panel.removeAttribute('aria-busy');
    }
  }

  /** A report could not be had: the upgrade notice when the plan has no reports, else the error. */
  failed(err) {
    if (err.code === 'upgrade_required') {
      this.view.upgradeMessage = friendlyMessage(err.code, err.message);
      this.view.showTab(this.view.tab);
    } else {
      this.view.status(friendlyMessage(err.code, err.message), 'error');
    }
  }

  render(name, data) {
    const view = this.view;
    if (name === 'overview') {
      renderOverview(data[0], data[1], data[2], {
        nameOf: (userId) => view.names.get(userId) || null,
        onDetails: (u) => {
          const range = this.params();
          if (range) view.dialog.showUser(view.tenantId, u, range);
        },
      });
    } else if (name === 'trend') renderTrend(data[0], this.el.trendStyle.value);
    else if (name === 'models') renderModels(data[0]);
    else if (name === 'turns') renderTurns(data[0], (userId) => view.names.get(userId), (t, who) => view.dialog.showTrace(view.tenantId, t, who));
  }

  /** A turn finished somewhere in the organisation: every loaded report is out of date. */
  markStale() {
    for (const key of this.cache.keys()) this.stale.add(key);
    const view = this.view;
    if (this.cache.size && view.isOpen && REPORT_TABS[view.tab] && view.el.status.dataset.kind !== 'error') view.status(STALE_TEXT);
  }

  async downloadCsv(report, button) {
    const range = this.params();
    if (!range || !this.view.ctx || button.disabled) return;
    const params = report === 'service-wise-cost' ? { ...range, granularity: this.el.granularity.value } : range;
    button.disabled = true;
    const label = button.textContent;
    button.textContent = 'Preparing…';
    try {
      const { blob, filename } = await adminApi.reportCsv(this.view.tenantId, report, params);
      const name = filename || `${report}-${range.from}-${range.to}.csv`;
      saveFile(blob, name);
      this.view.status(`Downloaded ${name}.`);
    } catch (err) {
      this.failed(err);
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  }
}
