// The plan choice of the sign-up form: one option per tier of the server's configuration, and what the
// chosen one includes.

import { h, isUnlimited } from '../util.js';
import { capitalize, formatInt, limitText } from '../format.js';

/** Tiers shown when the server's configuration names none. */
const DEFAULT_TIERS = ['basic', 'advanced', 'premium'];

/** Fills the tier <select>, keeping the choice when it still exists. */
export function renderTierOptions(select, tiers) {
  const names = Object.keys(tiers).length ? Object.keys(tiers) : DEFAULT_TIERS;
  const previous = select.value;
  select.replaceChildren(...names.map((name) => h('option', { value: name, text: capitalize(name) })));
  select.value = names.includes(previous) ? previous : names[0];
}

/** "Includes 50 messages a day, …." of a tier, or '' when unknown. */
export function tierDetails(tier) {
  if (!tier) return '';
  const parts = [
    `${limitText(tier.daily_messages, 'messages')} a day`,
    `${limitText(tier.monthly_messages, 'messages')} a month`,
    `${limitText(tier.concurrent_sessions, Number(tier.concurrent_sessions) === 1 ? 'open chat' : 'open chats')} at a time`,
  ];
  if (!isUnlimited(tier.session_minutes)) parts.push(`chats last ${formatInt(tier.session_minutes)} min`);
  if (tier.weather && tier.weather !== 'none') parts.push(`weather: ${tier.weather}`);
  if (tier.admin_reports) parts.push('admin reports');
  return `Includes ${parts.join(', ')}.`;
}
