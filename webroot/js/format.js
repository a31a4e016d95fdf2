// Every number, amount, date and duration the pages show, written one way. The pages never build these texts
// themselves: a change of format is made here and reaches the chat, the quota panel and the admin pages alike.
//
// One money format everywhere (formatUsd): whole cents from a cent up ($0.01, $12.34, $1,234.50), two
// significant digits below ($0.00055, $0.0000049), $0.00 for nothing; exactUsd gives the nano-dollar figure
// for the tooltips, and usdText an element with both.

import { num, isUnlimited, msUntil, h } from './util.js';

const groupFmt = new Intl.NumberFormat('en-US');
const clockFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const minuteFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

// ---------------------------------------------------------------------------
// Counts

/** 12,345 (rounded), or – when not a number. */
export function formatInt(v) {
  const n = num(v);
  return n === null ? '–' : groupFmt.format(Math.round(n));
}

/** "1 message", "3 messages". */
export function plural(n, one, many = `${one}s`) {
  return `${formatInt(n)} ${Number(n) === 1 ? one : many}`;
}

/** "3 / 10": used of allowed, input of output, refused of failed. */
export function intPair(a, b) {
  return `${formatInt(a)} / ${formatInt(b)}`;
}

/** "120 in / 80 out tokens", with " (estimated)" when the service did not report them. */
export function tokensText(input, output, estimated = false) {
  return `${formatInt(input)} in / ${formatInt(output)} out tokens${estimated ? ' (estimated)' : ''}`;
}

/** A plan limit: "unlimited" or the number, followed by the unit when one is given. */
export function limitText(v, unit = '') {
  const text = isUnlimited(v) ? 'unlimited' : formatInt(v);
  return unit ? `${text} ${unit}` : text;
}

/** A rate: "60 a minute". */
export function perMinute(v) {
  return `${formatInt(v)} a minute`;
}

// ---------------------------------------------------------------------------
// Shares

/** A part of a total: "42%", "4.2%" below ten, – without a total. */
export function share(part, total) {
  const p = num(part) || 0;
  const t = num(total) || 0;
  if (t <= 0) return '–';
  const pct = (p / t) * 100;
  return `${pct >= 10 ? Math.round(pct) : pct.toFixed(1)}%`;
}

/** A budget's use: "85%", "4.5%" or "4%" below ten (no trailing zero). */
export function percentUsed(pct) {
  return `${pct >= 10 ? Math.round(pct) : Math.round(pct * 10) / 10}%`;
}

// ---------------------------------------------------------------------------
// Money

/**
 * US dollars: whole cents from a cent up ($0.01, $12.34, $1,234.50), two significant digits below
 * ($0.00055, $0.0000049), so tiny amounts never show as $0.00; exactly zero is $0.00.
 */
export function formatUsd(v) {
  const n = num(v);
  if (n === null) return '–';
  if (n === 0) return '$0.00';
  const sign = n < 0 ? '-' : '';
  let abs = Math.abs(n);
  if (abs < 0.01) abs = Number(abs.toPrecision(2)); // 0.009996 rounds up to a cent
  if (abs >= 0.01) return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const decimals = Math.min(12, 1 - Math.floor(Math.log10(abs)));
  return `${sign}$${abs.toFixed(decimals).replace(/(\.\d*?[1-9])0+$/, '$1')}`; // $0.005, not $0.0050
}

/** An amount as an element: the amount as formatUsd writes it, the exact amount in its tooltip. */
export function usdText(v, tag = 'span', props = {}) {
  return h(tag, { ...props, class: ['money', props.class].filter(Boolean).join(' '), title: exactUsd(v) || null, text: formatUsd(v) });
}

/** The exact amount, to the nano-dollar the server counts in ($0.00108925), for tooltips. */
export function exactUsd(v) {
  const n = num(v);
  if (n === null) return '';
  const fixed = Math.abs(n).toFixed(9).replace(/0+$/, '');
  const [whole, frac = ''] = fixed.split('.');
  const sign = n < 0 ? '-' : '';
  return `${sign}$${groupFmt.format(Number(whole))}.${frac.padEnd(2, '0')}`;
}

/** "$1.20 of $25.00": spent of a budget (exact: for its tooltip). */
export function usdOf(spent, limit, { exact = false } = {}) {
  const money = exact ? exactUsd : formatUsd;
  return `${money(spent)} of ${money(limit)}`;
}

// ---------------------------------------------------------------------------
// Time

/** "23 min", "1 h 5 min", "under a minute". */
export function formatDuration(ms) {
  if (ms < 60_000) return 'under a minute';
  const totalMin = Math.floor(ms / 60_000);
  if (totalMin < 60) return `${totalMin} min`;
  const hours = Math.floor(totalMin / 60);
  const min = totalMin % 60;
  return min ? `${hours} h ${min} min` : `${hours} h`;
}

/** A chat's expiry: "expires in 23 min", "expired", or '' when unknown. */
export function expiryText(iso, expiredFlag = false) {
  const left = msUntil(iso);
  if (expiredFlag || (left !== null && left <= 0)) return 'expired';
  if (left === null) return '';
  return `expires in ${formatDuration(left)}`;
}

/** A reply's latency: "850 ms", "2.3 s". */
export function formatLatency(ms) {
  const n = num(ms);
  if (n === null) return '';
  return n < 1000 ? `${formatInt(n)} ms` : `${(n / 1000).toFixed(1)} s`;
}

/** An instant as "Mar 4, 09:15" in the reader's locale. */
export function formatTime(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** An instant to the second with its day, as "4 Mar 2026, 09:15:02" in the reader's locale (the audit log). */
export function formatInstant(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** A day as "4 Mar 2026" in the reader's locale. */
export function formatDate(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** "2026-11" (also seen as "m:2026-11") as "November 2026". */
export function monthName(month) {
  const m = String(month || '').match(/(\d{4})-(\d{2})/);
  if (!m) return '';
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** A Date as a clock time with seconds (the monitor's feed). */
export function clockTime(date) {
  return clockFmt.format(date);
}

/** A Date as a clock time to the minute (the monitor's chart). */
export function clockMinute(date) {
  return minuteFmt.format(date);
}

// ---------------------------------------------------------------------------
// Words

export function capitalize(s) {
  const str = String(s || '');
  return str ? str[0].toUpperCase() + str.slice(1) : '';
}

/** A machine name in words: "service_unavailable" -> "service unavailable". */
export function words(key) {
  return String(key).replace(/_/g, ' ');
}
