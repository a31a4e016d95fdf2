// The agent's steps (its trace: plan, tool calls, observations, final answer) as list items, for a reply in
// the chat and for a turn in the admin's details dialog.

import { h, num } from './util.js';
import { formatInt, words } from './format.js';

/** Known result codes of tool steps, in words. */
const TRACE_CODES = {
  tool_not_in_tier: 'not included in your plan',
  unavailable: 'the service cannot be reached',
  service_unavailable: 'the service cannot be reached',
  timeout: 'the service did not answer in time',
};

/** Where a step keeps its detail, in the order looked for. */
const DETAIL_KEYS = ['text', 'content', 'output', 'observation', 'result', 'error', 'message', 'summary', 'plan'];

/**
 * A step detail as readable text: strings as they are (known codes in words),
 * flat objects as "key: value" pairs, anything nested as compact JSON.
 * Returns [text, isCode].
 */
function traceDetailText(value) {
  if (value === undefined || value === null || value === '') return ['', false];
  if (typeof value === 'string') return [TRACE_CODES[value] || value, false];
  if (typeof value !== 'object') return [String(value), false];
  const entries = Array.isArray(value) ? null : Object.entries(value).filter(([k]) => k !== 'type');
  if (entries && !entries.length) return ['', false];
  if (entries && entries.every(([, v]) => v === null || typeof v !== 'object')) {
    return [entries.map(([k, v]) => `${words(k)}: ${v}`).join(', '), false];
  }
  return [JSON.stringify(value), true];
}

/** One step as an <li>: its label and, shortened to 300 characters, its detail. */
export function traceItem(trace) {
  const { type, session_id: _s, turn_id: _t, step, seq: _q, ...rest } = trace;
  let label;
  let detail;
  switch (step) {
    case 'plan':
      label = 'Plan';
      break;
    case 'tool_call':
      label = rest.tool ? `Tool: ${rest.tool}` : 'Tool call';
      detail = rest.input !== undefined ? rest.input : null;
      break;
    case 'observation':
      label = rest.tool ? `Result from ${rest.tool}` : 'Observation';
      if (rest.status === 'failed') label = rest.tool ? `Failed: ${rest.tool}` : 'Failed';
      break;
    case 'final':
      label = 'Final answer';
      if (num(rest.output_chars) !== null) detail = `${formatInt(rest.output_chars)} characters`;
      break;
    default:
      label = step ? words(step) : String(type || 'step');
  }
  if (detail === undefined) {
    const key = DETAIL_KEYS.find((k) => rest[k] !== undefined && rest[k] !== null);
    if (key) detail = rest[key];
    else {
      const { tool: _tool, intent: _intent, status: _status, ...others } = rest;
      detail = others;
    }
  }
  const [full, isCode] = traceDetailText(detail);
  let text = full;
  if (text.length > 300) text = `${text.slice(0, 300)}…`;
  return h(
    'li',
    { class: rest.status === 'failed' ? 'step step-failed' : 'step', dataset: { step: String(step || '') } },
    h('span', { class: 'step-label', text: label }),
    text ? ' ' : null,
    text ? h(isCode ? 'code' : 'span', { class: 'step-detail', title: full.length > 300 ? full.slice(0, 2000) : null, text }) : null,
  );
}
