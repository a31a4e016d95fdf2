// Turns server error codes into messages written for the user, and shows
// them in the global error banner (#error-banner).

import { h, num, isUnlimited } from './util.js';
import { formatInt } from './format.js';

/** Codes for which sending the same message again may succeed. */
const RETRYABLE = new Set(['timeout', 'disconnected', 'closed', 'network_error', 'rate_limited', 'error', 'internal_error']);

export function isRetryable(code) {
  return RETRYABLE.has(code) || /^http_5\d\d$/.test(code || '');
}

/**
 * @param {string} code machine code from the server
 * @param {string} message human text from the server
 * @param {object} limits {dailyLimit, monthlyLimit, sessionLimit} when known
 */
export function friendlyMessage(code, message, limits = {}) {
  const server = message || '';
  switch (code) {
    case 'quota_exceeded': {
      // "... (50 of 50)" in the server text gives the limit when we don't know it yet.
      const fromText = server.match(/\((\d+)\s+of\s+(\d+)\)/);
      if (/month/i.test(server)) {
        const n = pickLimit(limits.monthlyLimit, fromText);
        return `You've used all ${n} messages for this month. The limit resets on the 1st of the month (UTC); ask your admin about a higher tier.`;
      }
      const n = pickLimit(limits.dailyLimit, fromText);
      return `You've used all ${n} messages for today. The limit resets at midnight UTC; ask your admin about a higher tier.`;
    }
    case 'session_limit': {
      const n = num(limits.sessionLimit);
      const fromText = server.match(/\((\d+)\s+of\s+(\d+)\)/);
      const count = n !== null && n >= 0 ? n : fromText ? Number(fromText[2]) : null;
      const what = count === null ? 'only a limited number of open chats' : `${formatInt(count)} open chat${count === 1 ? '' : 's'}`;
      return `Your plan allows ${what} at a time. Wait for one to expire or ask your admin about a higher tier.`;
    }
    case 'session_expired':
      return 'This chat has expired; start a new chat.';
    case 'rate_limited':
      return 'Too many requests; wait a moment.';
    case 'timeout':
      return 'The server did not answer in time. Please try again.';
    case 'disconnected':
    case 'closed':
      return 'The connection to the server was lost before your message was confirmed. Please try again.';
    case 'tool_not_in_tier':
      return server || 'That tool is not included in your plan; ask your admin about a higher tier.';
    case 'budget_exceeded':
      return server || "The monthly budget is used up; new messages are paused until an admin raises it or the month ends.";
    case 'upgrade_required':
      return server || 'This is part of the Premium plan; ask your account owner to upgrade.';
    case 'tenant_suspended':
      return server || 'Your organisation is suspended by the platform’s operators: new messages are refused until it is resumed. Your admins can tell you more.';
    case 'forbidden':
      return server || 'Only admins of your organisation can do that.';
    case 'store_unavailable':
    case 'auth_unavailable':
      return 'The service is briefly unavailable. Your messages are safe; please try again in a moment.';
    default:
      return server || 'Something went wrong. Please try again.';
  }
}

function pickLimit(known, fromText) {
  if (!isUnlimited(known)) return formatInt(known);
  if (fromText) return formatInt(fromText[2]);
  return 'your';
}

// ---------------------------------------------------------------------------
// Banner

let bannerTimer = null;

function bannerParts() {
  const root = document.getElementById('error-banner');
  return {
    root,
    text: root.querySelector('.banner-text'),
    actions: root.querySelector('.banner-actions'),
  };
}

/**
 * Shows a message in the error banner.
 * @param {string} message
 * @param {object} [opts]
 * @param {Array<{label: string, run: Function}>} [opts.actions] extra buttons
 * @param {'error'|'info'} [opts.kind]
 * @param {number} [opts.autoHideMs] hide after this many ms
 * @param {string} [opts.code] machine code, kept on the element for tests/styling
 */
export function showBanner(message, { actions = [], kind = 'error', autoHideMs = 0, code = '' } = {}) {
  const { root, text, actions: box } = bannerParts();
  clearTimeout(bannerTimer);
  text.textContent = message;
  box.replaceChildren(
    ...actions.map((a) =>
      h('button', {
        type: 'button',
        class: 'button small',
        onClick: () => {
          hideBanner();
          a.run();
        },
        text: a.label,
      }),
    ),
  );
  root.dataset.kind = kind;
  root.dataset.code = code || '';
  placeBanner(root);
  root.hidden = false;
  if (autoHideMs > 0) bannerTimer = setTimeout(hideBanner, autoHideMs);
}

/** The banner floats at the bottom, above the composer when one is shown: the header and the chat title stay clear. */
function placeBanner(root) {
  const composer = document.getElementById('composer');
  const box = composer && composer.offsetParent ? composer.getBoundingClientRect() : null;
  const above = box && box.height ? Math.max(12, window.innerHeight - box.top + 12) : 12;
  root.style.setProperty('--banner-bottom', `${Math.round(above)}px`);
}

export function hideBanner() {
  const { root, text, actions } = bannerParts();
  clearTimeout(bannerTimer);
  root.hidden = true;
  text.textContent = '';
  actions.replaceChildren();
  root.dataset.code = '';
}

export function initBanner() {
  const { root } = bannerParts();
  root.querySelector('.banner-close').addEventListener('click', hideBanner);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !root.hidden && root.contains(document.activeElement)) hideBanner();
  });
}
