// What the chat tells the user in the banner: errors in words (with "Start a new chat" for an expired one)
// and the alerts of the user's own monthly budget.

import { friendlyMessage, showBanner } from '../errors.js';
import { num } from '../util.js';
import { usdOf } from '../format.js';

/**
 * Shows an error of the chat.
 * @param {object} limits the plan's limits, for numbers in the text
 * @param {() => void} newChat starts a new chat (offered when the chat expired)
 */
export function showChatError(code, serverMessage, limits, newChat) {
  const text = friendlyMessage(code, serverMessage, limits);
  const actions = [];
  if (code === 'session_expired') actions.push({ label: 'Start a new chat', run: newChat });
  showBanner(text, { actions, code: code || '' });
}

/** A `budget_alert` frame: the user's own monthly budget crossed 50, 80 or 100 %. */
export function showBudgetAlert(body) {
  const threshold = num(body.threshold) || 0;
  const amounts = usdOf(body.spent_usd, body.limit_usd);
  const text = threshold >= 100
    ? `Your monthly budget is used up (${amounts}). New messages are paused until an admin raises it or the month ends.`
    : `You have used ${threshold}% of your monthly budget (${amounts}).`;
  showBanner(text, { kind: threshold >= 100 ? 'error' : 'info', code: 'budget_alert', autoHideMs: threshold >= 100 ? 0 : 15_000 });
}
