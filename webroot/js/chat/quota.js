// Quota panel: message quotas, open chats, time left in the current chat,
// this month's tokens and cost, and the plan's limits.

import { h, num, isUnlimited, msUntil } from '../util.js';
import { formatInt, formatUsd, exactUsd, formatDuration, capitalize, intPair, tokensText, limitText } from '../format.js';
import { setBar, usageLevel } from '../meter.js';

export class QuotaPanel {
  constructor() {
    this.reset();
  }

  reset() {
    this.usage = {};
    this.limits = null;
    this.tier = '';
    this.session = null;
    this.render();
  }

  /** Full usage document from GET /usage. */
  setUsage(usage) {
    this.usage = { ...this.usage, ...usage };
    if (usage && usage.tier) this.tier = usage.tier;
    this.render();
  }

  /** Live `quota` frame pushed by the server. */
  applyQuotaFrame(frame) {
    const keys = ['daily_used', 'daily_limit', 'monthly_used', 'monthly_limit', 'active_sessions', 'session_limit'];
    for (const k of keys) if (frame[k] !== undefined) this.usage[k] = frame[k];
    this.render();
  }

  /** Tier limits from GET /subscription (or client-config as a fallback). */
  setPlan(tier, limits) {
    if (tier) this.tier = tier;
    if (limits) this.limits = limits;
    this.render();
  }

  /** The chat whose remaining time is shown (or null). */
  setSession(session) {
    this.session = session || null;
    this.renderSessionTime();
  }

  /** Numbers other modules need for friendly error texts. */
  get limitsForMessages() {
    return {
      dailyLimit: this.usage.daily_limit ?? this.limits?.daily_messages,
      monthlyLimit: this.usage.monthly_limit ?? this.limits?.monthly_messages,
      sessionLimit: this.usage.session_limit ?? this.limits?.concurrent_sessions,
    };
  }

  render() {
    const u = this.usage;
    const l = this.limits || {};
    setMeter('quota-daily', u.daily_used, u.daily_limit ?? l.daily_messages);
    setMeter('quota-monthly', u.monthly_used, u.monthly_limit ?? l.monthly_messages);
    // Using every allowed chat is normal, so a full bar is only a warning here.
    setMeter('quota-sessions', u.active_sessions, u.session_limit ?? l.concurrent_sessions, { fullLevel: 'warn' });
    this.renderSummary();
    this.renderSessionTime();
    this.renderCost();
    this.renderPlan();
  }

  /** The line shown while the panel is folded (phones): today's messages. */
  renderSummary() {
    const el = document.getElementById('quota-summary');
    if (!el) return;
    const used = num(this.usage.daily_used);
    const limit = this.usage.daily_limit ?? this.limits?.daily_messages;
    if (used === null) {
      el.textContent = '';
      delete el.dataset.level;
      return;
    }
    if (isUnlimited(limit)) {
      el.textContent = `${formatInt(used)} messages today`;
      delete el.dataset.level;
      return;
    }
    const max = num(limit);
    el.textContent = `${intPair(used, max)} messages today`;
    el.dataset.level = usageLevel(max > 0 ? (used / max) * 100 : 100);
  }

  renderSessionTime() {
    const root = document.getElementById('quota-session-time');
    if (!root) return;
    const s = this.session;
    const value = root.querySelector('.meter-value');
    if (!s) {
      value.textContent = 'No chat open';
      setBar(barOf(root), 0, 'empty');
      return;
    }
    const left = msUntil(s.expires_at);
    if (s.expired || (left !== null && left <= 0)) {
      value.textContent = 'Expired';
      setBar(barOf(root), 0, 'empty');
      return;
    }
    if (left === null) {
      value.textContent = '–';
      setBar(barOf(root), 0, 'empty');
      return;
    }
    let total = null;
    const created = Date.parse(s.created_at);
    const expires = Date.parse(s.expires_at);
    if (!Number.isNaN(created) && expires > created) total = expires - created;
    else if (num(this.limits?.session_minutes)) total = num(this.limits.session_minutes) * 60_000;
    value.textContent = `${formatDuration(left)} left`;
    const pct = total ? Math.min(100, Math.max(0, (left / total) * 100)) : 100;
    setBar(barOf(root), pct, pct <= 10 ? 'danger' : pct <= 25 ? 'warn' : 'ok', `${Math.round(pct)}% of the chat's time left`);
  }

  renderCost() {
    const root = document.getElementById('usage-cost');
    if (!root) return;
    const m = this.usage.month || {};
    const value = root.querySelector('.usage-value');
    if (this.usage.month === undefined) {
      value.textContent = '–';
      return;
    }
    value.textContent = `${tokensText(m.input_tokens ?? 0, m.output_tokens ?? 0)} · ${formatUsd(m.cost_usd ?? 0)}`;
    value.title = exactUsd(m.cost_usd ?? 0);
  }

  renderPlan() {
    const tierEl = document.getElementById('plan-tier');
    const list = document.getElementById('plan-details');
    if (!tierEl || !list) return;
    tierEl.textContent = this.tier ? capitalize(this.tier) : '–';
    const l = this.limits;
    if (!l) {
      list.replaceChildren();
      return;
    }
    const rows = [
      ['Messages per day', limitText(l.daily_messages)],
      ['Messages per month', limitText(l.monthly_messages)],
      ['Open chats at a time', limitText(l.concurrent_sessions)],
      ['Chat length', limitText(l.session_minutes, isUnlimited(l.session_minutes) ? '' : 'min')],
    ];
    if (l.weather !== undefined) rows.push(['Weather tool', l.weather === 'none' || !l.weather ? 'not included' : String(l.weather)]);
    if (l.admin_reports !== undefined) rows.push(['Admin reports', l.admin_reports ? 'included' : 'not included']);
    list.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]));
  }
}

/** The .bar of a meter. */
function barOf(root) {
  return root.querySelector('.bar');
}

function setMeter(id, used, limit, { fullLevel = 'danger' } = {}) {
  const root = document.getElementById(id);
  if (!root) return;
  const value = root.querySelector('.meter-value');
  const u = num(used);
  if (u === null) {
    value.textContent = '–';
    setBar(barOf(root), 0, 'empty');
    return;
  }
  if (isUnlimited(limit)) {
    value.textContent = `${formatInt(u)} (unlimited)`;
    setBar(barOf(root), 0, 'empty', `${formatInt(u)} used, unlimited`);
    return;
  }
  const max = num(limit);
  value.textContent = intPair(u, max);
  const pct = max > 0 ? Math.min(100, (u / max) * 100) : 100;
  setBar(barOf(root), pct, usageLevel(pct, fullLevel), `${formatInt(u)} of ${formatInt(max)} used`);
}
