// Live monitor of an organisation: listens on monitor.<tenant_id> over the event bus and
// shows a feed of turns, refusals and budget alerts (newest first), running counters
// since the page was opened and a small chart of cost per minute.

import { $, h, num } from '../util.js';
import { formatInt, formatUsd, exactUsd, capitalize, words, intPair, tokensText, usdOf, monthName, formatLatency, clockTime, clockMinute } from '../format.js';
import { monitorAddress } from '../bridge/addresses.js';
import { renderChart, perMinuteBars, prepareChart } from './charts.js';

const MAX_FEED = 200;
const CHART_MINUTES = 30;
const CHART_TICK_MS = 20_000;

function eventTime(at) {
  const t = Date.parse(at);
  return Number.isNaN(t) ? Date.now() : t;
}

export class LiveMonitor {
  /**
   * @param {object} opts
   * @param {(userId: string) => string|null} opts.nameOf e-mail (or name) of a member, null when unknown
   * @param {(userId: string) => void} [opts.onUnknownUser] a member not in the list yet
   * @param {(body: object) => void} [opts.onEvent] every event, after it is recorded
   */
  constructor({ nameOf, onUnknownUser, onEvent }) {
    this.nameOf = nameOf;
    this.onUnknownUser = onUnknownUser || (() => {});
    this.onEvent = onEvent || (() => {});
    this.el = {
      feed: $('#monitor-feed'),
      turns: $('#monitor-turns'),
      running: $('#monitor-running'),
      tokens: $('#monitor-tokens'),
      cost: $('#monitor-cost'),
      refusals: $('#monitor-refusals'),
      since: $('#monitor-since'),
      chart: $('#chart-monitor'),
      clear: $('#monitor-clear'),
    };
    this.el.clear.addEventListener('click', () => {
      this.entries = [];
      this.renderFeed();
    });
    this.unregister = null;
    this.visible = false;
    this.tickTimer = 0;
    this.reset();
  }

  reset() {
    this.entries = [];
    this.running = new Set();
    this.seenFinished = new Set();
    this.counters = { started: 0, finished: 0, inputTokens: 0, outputTokens: 0, cost: 0, refused: 0, failed: 0 };
    this.perMinute = new Map(); // minute index -> cost
    this.startedAt = null;
    this.renderAll();
  }

  /** Starts listening for the organisation of a logged-in admin. */
  attach(bus, tenantId) {
    this.detach();
    this.reset();
    this.tenantId = tenantId;
    this.startedAt = Date.now();
    this.unregister = bus.register(monitorAddress(tenantId), (body) => this.handle(body));
    this.renderAll();
  }

  detach() {
    if (this.unregister) this.unregister();
    this.unregister = null;
    this.setVisible(false);
  }

  /** The monitor panel is shown or hidden: the chart only moves while visible. */
  setVisible(visible) {
    this.visible = visible;
    clearInterval(this.tickTimer);
    this.tickTimer = 0;
    if (visible) {
      this.renderAll();
      this.tickTimer = setInterval(() => this.renderChart(), CHART_TICK_MS);
    }
  }

  // -------------------------------------------------------------------------
  // Events

  handle(body) {
    if (!body || typeof body !== 'object' || !body.type) return;
    const c = this.counters;
    switch (body.type) {
      case 'turn_started':
        c.started += 1;
        if (body.turn_id) this.running.add(body.turn_id);
        break;
      case 'turn_finished': {
        if (body.turn_id && this.seenFinished.has(body.turn_id)) return; // delivered twice
        if (body.turn_id) {
          this.seenFinished.add(body.turn_id);
          this.running.delete(body.turn_id);
        }
        c.finished += 1;
        const usage = body.usage || {};
        c.inputTokens += num(usage.input_tokens) || 0;
        c.outputTokens += num(usage.output_tokens) || 0;
        const cost = num(body.cost_usd) || 0;
        c.cost += cost;
        if (body.status === 'failed') c.failed += 1;
        const minute = Math.floor(eventTime(body.at) / 60_000);
        this.perMinute.set(minute, (this.perMinute.get(minute) || 0) + cost);
        break;
      }
      case 'quota_refused':
      case 'budget_refused':
        c.refused += 1;
        break;
      default:
        break;
    }
    if (body.user_id && !this.nameOf(body.user_id)) this.onUnknownUser(body.user_id);
    this.entries.unshift({ body, at: eventTime(body.at) });
    if (this.entries.length > MAX_FEED) this.entries.length = MAX_FEED;
    this.renderCounters();
    this.prependEntry(this.entries[0]);
    if (body.type === 'turn_finished' && this.visible) this.renderChart();
    this.onEvent(body);
  }

  /** Names in the feed are filled in again once the member list is known. */
  refreshNames() {
    this.renderFeed();
  }

  // -------------------------------------------------------------------------
  // Rendering

  renderAll() {
    this.renderCounters();
    this.renderFeed();
    if (this.visible) this.renderChart();
  }

  renderCounters() {
    const c = this.counters;
    this.el.turns.textContent = formatInt(c.finished);
    this.el.running.textContent = this.running.size ? `${formatInt(this.running.size)} running now` : `${formatInt(c.started)} started`;
    this.el.tokens.textContent = intPair(c.inputTokens, c.outputTokens);
    this.el.cost.textContent = formatUsd(c.cost);
    this.el.cost.classList.add('money');
    this.el.cost.title = exactUsd(c.cost);
    this.el.refusals.textContent = intPair(c.refused, c.failed);
    this.el.since.textContent = this.startedAt
      ? `Counting since ${clockMinute(new Date(this.startedAt))}, when this page was opened. Events of your organisation appear as they happen.`
      : '';
  }

  renderFeed() {
    const items = this.entries.map((e) => this.entryNode(e));
    if (!items.length) items.push(h('li', { class: 'feed-empty', text: 'Waiting for activity… Turns of every member appear here as they start and finish.' }));
    this.el.feed.replaceChildren(...items);
  }

  prependEntry(entry) {
    const empty = this.el.feed.querySelector('.feed-empty');
    if (empty) empty.remove();
    this.el.feed.prepend(this.entryNode(entry));
    while (this.el.feed.children.length > MAX_FEED) this.el.feed.lastElementChild.remove();
  }

  who(userId) {
    if (!userId) return 'Someone';
    return this.nameOf(userId) || `User ${String(userId).slice(0, 8)}`;
  }

  /** [kind, label, text] of an event: kind picks the colour, label is the visible tag. */
  describe(b) {
    const who = this.who(b.user_id);
    switch (b.type) {
      case 'turn_started':
        return ['started', 'Started', `${who} sent a message`];
      case 'turn_finished': {
        const usage = b.usage || {};
        const parts = [
          tokensText(usage.input_tokens ?? 0, usage.output_tokens ?? 0, usage.estimated),
          formatUsd(b.cost_usd),
        ];
        if (b.model) parts.push(b.model);
        if (num(b.latency_ms) !== null) parts.push(formatLatency(b.latency_ms));
        if (b.status === 'failed') {
          return ['failed', 'Failed', `${who}: the reply failed${b.error ? ` (${b.error})` : ''} · ${parts.join(' · ')}`];
        }
        if (b.status === 'cancelled') return ['cancelled', 'Stopped', `${who} stopped a reply · ${parts.join(' · ')}`];
        return ['finished', 'Done', `${who} got a reply · ${parts.join(' · ')}`];
      }
      case 'quota_refused': {
        const period = b.period === 'monthly' || b.period === 'month' ? 'monthly' : b.period === 'daily' || b.period === 'day' ? 'daily' : b.period || '';
        return ['refused', 'Refused', `${who} was refused: the ${period ? `${period} ` : ''}message quota is used up`];
      }
      case 'budget_refused': {
        const scope = b.scope === 'user' ? 'their own monthly budget' : 'the organisation’s monthly budget';
        return ['refused-budget', 'Refused', `${who} was refused: ${scope} is used up`];
      }
      case 'budget_alert': {
        const threshold = num(b.threshold) ?? 0;
        const whose = b.scope === 'user' ? `${this.who(b.user_id)}’s budget` : 'Organisation budget';
        const month = monthName(b.month);
        const kind = threshold >= 100 ? 'alert-100' : threshold >= 80 ? 'alert-80' : 'alert-50';
        const amounts = usdOf(b.spent_usd, b.limit_usd);
        const text = threshold >= 100
          ? `${whose} is used up: ${amounts}${month ? ` in ${month}` : ''}. New messages are paused.`
          : `${whose} is ${threshold}% used: ${amounts}${month ? ` in ${month}` : ''}.`;
        return [kind, `${threshold}% budget`, text];
      }
      default:
        return ['other', capitalize(words(b.type)), who];
    }
  }

  entryNode({ body, at }) {
    const [kind, label, text] = this.describe(body);
    const time = new Date(at);
    return h(
      'li',
      { class: `feed-item feed-${kind}`, dataset: { type: body.type, kind } },
      h('time', { class: 'feed-time', datetime: time.toISOString(), text: clockTime(time) }),
      h('span', { class: 'feed-tag', text: label }),
      h('span', { class: 'feed-text', title: body.turn_id ? `Turn ${body.turn_id}` : null, text }),
    );
  }

  renderChart() {
    if (!this.el.chart) return;
    const now = Math.floor(Date.now() / 60_000);
    const labels = [];
    const values = [];
    for (let m = now - CHART_MINUTES + 1; m <= now; m++) {
      labels.push(clockMinute(new Date(m * 60_000)));
      values.push(this.perMinute.get(m) || 0);
    }
    for (const m of this.perMinute.keys()) if (m < now - CHART_MINUTES) this.perMinute.delete(m);
    const total = values.reduce((a, b) => a + b, 0);
    const peak = Math.max(...values);
    const peakAt = labels[values.indexOf(peak)];
    const summary = total
      ? `Cost per minute over the last ${CHART_MINUTES} minutes: ${formatUsd(total)} in all, most in the minute of ${peakAt} (${formatUsd(peak)}).`
      : `No cost in the last ${CHART_MINUTES} minutes.`;
    prepareChart(this.el.chart);
    renderChart(this.el.chart, perMinuteBars(labels, values), summary);
  }
}
