// Small shared helpers: ids, formatting, DOM construction.

/** RFC 4122 version 4 UUID (crypto.randomUUID is missing on plain http). */
export function uuid() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') {
    try {
      return crypto.randomUUID();
    } catch {
      // not a secure context: fall through
    }
  }
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A finite number, or null. */
export function num(v) {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** A limit counts as unlimited when missing or negative. */
export function isUnlimited(limit) {
  const n = num(limit);
  return n === null || n < 0;
}

const groupFmt = new Intl.NumberFormat('en-US');

export function formatInt(v) {
  const n = num(v);
  return n === null ? '–' : groupFmt.format(Math.round(n));
}

/** US dollars with enough digits to show fractions of a cent. */
export function formatCost(v) {
  const n = num(v);
  if (n === null) return '$0.00';
  if (n === 0) return '$0.00';
  if (Math.abs(n) < 0.01) return `$${n.toFixed(6)}`;
  if (Math.abs(n) < 100) return `$${n.toFixed(4)}`;
  return `$${n.toFixed(2)}`;
}

/**
 * US dollars for reports: whole cents from a dollar up ($1.23), two significant digits
 * below ($0.0011, $0.00000012), so tiny amounts never show as $0.00.
 */
export function formatUsd(v) {
  const n = num(v);
  if (n === null) return '–';
  if (n === 0) return '$0.00';
  let abs = Math.abs(n);
  const sign = n < 0 ? '-' : '';
  if (abs < 1) abs = Number(abs.toPrecision(2));
  if (abs >= 1) return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const decimals = Math.min(9, Math.max(2, 1 - Math.floor(Math.log10(abs))));
  return `${sign}$${abs.toFixed(decimals)}`;
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

/** Milliseconds until an ISO-8601 instant (negative when past), or null. */
export function msUntil(iso) {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t - Date.now();
}

/** "23 min", "1 h 5 min", "under a minute". */
export function formatDuration(ms) {
  if (ms < 60_000) return 'under a minute';
  const totalMin = Math.floor(ms / 60_000);
  if (totalMin < 60) return `${totalMin} min`;
  const hours = Math.floor(totalMin / 60);
  const min = totalMin % 60;
  return min ? `${hours} h ${min} min` : `${hours} h`;
}

export function expiryText(iso, expiredFlag = false) {
  const left = msUntil(iso);
  if (expiredFlag || (left !== null && left <= 0)) return 'expired';
  if (left === null) return '';
  return `expires in ${formatDuration(left)}`;
}

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

export function capitalize(s) {
  const str = String(s || '');
  return str ? str[0].toUpperCase() + str.slice(1) : '';
}

export function plural(n, one, many = `${one}s`) {
  return `${formatInt(n)} ${Number(n) === 1 ? one : many}`;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

/**
 * Creates an element. props: class, text, dataset, on<Event> handlers,
 * boolean attributes (true/false) and plain attributes.
 * Children are nodes or strings (added as text, never parsed as HTML).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}
