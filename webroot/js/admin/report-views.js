// The report tabs drawn from the server's reports: overview (totals, cost per service, per user and per API key),
// trend, models and tools, and the top turns. Every chart has its numbers in the table beside it.

import { $, h, num } from '../util.js';
import { formatInt, formatUsd, exactUsd, usdText, formatTime, capitalize, intPair, share, words } from '../format.js';
import { SERVICES, renderChart, clearChart, prepareChart, servicesDoughnut, usersBars, trendChart, modelsBars } from './charts.js';

const NO_COST = 'No cost in this period.';

export function serviceLabel(key) {
  const s = SERVICES.find((x) => x.key === key);
  return s ? s.label : capitalize(words(key));
}

/** A table cell with an amount (the exact one in its tooltip). */
export function usdCell(v) {
  return usdText(v, 'td', { class: 'num' });
}

function intCell(v) {
  return h('td', { class: 'num', text: formatInt(v) });
}

function tokensCell(input, output) {
  return h('td', { class: 'num', text: intPair(input, output) });
}

function emptyRow(columns, text) {
  return h('tr', { class: 'table-empty' }, h('td', { colspan: String(columns), text }));
}

/** Largest cost first. */
function byCost(rows) {
  return [...(rows || [])].sort((a, b) => (num(b.cost_usd) || 0) - (num(a.cost_usd) || 0));
}

/** Draws a chart on a canvas when `draw` gives one, else its empty note. */
function chartOrEmpty(canvas, config, summary, empty) {
  if (config) {
    prepareChart(canvas);
    renderChart(canvas, config, summary);
  } else {
    clearChart(canvas, empty);
  }
}

/**
 * Overview: totals, cost per service, per user and per API key. nameOf(userId) names a member as the members page
 * does (null when unknown); onDetails(user) opens a user's costs.
 */
export function renderOverview(overall, perUser, perKey, { nameOf, onDetails }) {
  $('#admin-total').textContent = formatUsd(overall.total_usd);
  $('#admin-total').title = exactUsd(overall.total_usd);
  $('#admin-turns-count').textContent = formatInt(overall.turns);
  $('#admin-tokens').textContent = intPair(overall.input_tokens, overall.output_tokens);
  $('#admin-tool-actions').textContent = formatInt(overall.tool_actions);

  const services = overall.services || {};
  const total = num(overall.total_usd) || 0;
  const keys = [...SERVICES.map((s) => s.key), ...Object.keys(services).filter((k) => !SERVICES.some((s) => s.key === k))];
  $('#table-services tbody').replaceChildren(
    ...keys.map((k) => h('tr', { dataset: { service: k } }, h('th', { scope: 'row', text: serviceLabel(k) }), usdCell(services[k] || 0), h('td', { class: 'num', text: share(services[k], total) }))),
    h('tr', { class: 'total-row' }, h('th', { scope: 'row', text: 'Total' }), usdCell(total), h('td', { class: 'num', text: total > 0 ? '100%' : '–' })),
  );
  const parts = SERVICES.filter((s) => (num(services[s.key]) || 0) > 0).map((s) => `${s.label} ${formatUsd(services[s.key])}`);
  chartOrEmpty($('#chart-services'), total > 0 ? servicesDoughnut(services) : null, `Cost per service: ${parts.join(', ')}.`, NO_COST);

  const users = byCost(perUser.users).map((u) => ({ ...u, name: nameOf(u.user_id) || u.email || u.user_id }));
  const tbody = $('#table-users tbody');
  if (!users.length) tbody.replaceChildren(emptyRow(5, 'Nobody used the agent in this period.'));
  else {
    tbody.replaceChildren(
      ...users.map((u) => {
        const name = u.name;
        return h(
          'tr',
          { dataset: { userId: u.user_id } },
          h('th', { scope: 'row', class: 'user-cell', title: u.user_id, text: name }),
          intCell(u.turns),
          tokensCell(u.input_tokens, u.output_tokens),
          usdCell(u.cost_usd),
          h('td', {}, h('button', { type: 'button', class: 'button small', 'aria-label': `Cost details of ${name}`, onClick: () => onDetails(u), text: 'Details' })),
        );
      }),
    );
  }
  if (users.length) $('#chart-users-box').style.height = `${Math.max(160, users.length * 34 + 40)}px`;
  const top = users.slice(0, 3).map((u) => `${u.name} ${formatUsd(u.cost_usd)}`);
  chartOrEmpty($('#chart-users'), users.length ? usersBars(users.map((u) => u.name), users.map((u) => num(u.cost_usd) || 0)) : null,
    `Cost per user, highest first: ${top.join(', ')}${users.length > 3 ? ` and ${users.length - 3} more` : ''}.`, NO_COST);

  renderPerKey(perKey, nameOf);
}

/** The cost of each API key (programs' turns) in the period, highest first. */
function renderPerKey(report, nameOf) {
  const keys = byCost(report.api_keys);
  const tbody = $('#table-keys tbody');
  if (!keys.length) {
    tbody.replaceChildren(emptyRow(5, 'No program used an API key in this period.'));
    return;
  }
  tbody.replaceChildren(...keys.map((k) => {
    const who = nameOf(k.user_id) || k.email || k.user_id || '';
    return h(
      'tr',
      { dataset: { keyId: k.api_key_id } },
      h('th', { scope: 'row', class: 'user-cell', title: k.api_key_id, text: k.name || k.api_key_id }),
      h('td', { class: 'user-cell', title: who, text: who }),
      intCell(k.turns),
      tokensCell(k.input_tokens, k.output_tokens),
      usdCell(k.cost_usd),
    );
  }));
}

/** Trend: cost per service per day, week or month, drawn as `style` (bar or line). */
export function renderTrend(report, style) {
  const series = report.series || [];
  const table = $('#table-trend');
  table.tHead.replaceChildren(h('tr', {}, h('th', { scope: 'col', text: capitalize(report.granularity || 'day') }),
    ...SERVICES.map((s) => h('th', { scope: 'col', class: 'num', text: s.label })), h('th', { scope: 'col', class: 'num', text: 'Total' })));
  const body = table.tBodies[0];
  const canvas = $('#chart-trend');
  if (!series.length) {
    body.replaceChildren(emptyRow(SERVICES.length + 2, NO_COST));
    clearChart(canvas, NO_COST);
    return;
  }
  body.replaceChildren(...series.map((r) => h('tr', { dataset: { period: r.period } }, h('th', { scope: 'row', text: r.period }),
    ...SERVICES.map((s) => usdCell(r[s.key] || 0)), usdCell(r.total_usd))));
  const total = series.reduce((a, r) => a + (num(r.total_usd) || 0), 0);
  const peak = series.reduce((a, r) => ((num(r.total_usd) || 0) > (num(a.total_usd) || 0) ? r : a), series[0]);
  chartOrEmpty(canvas, trendChart(series.map((r) => r.period), series, style),
    `Cost per service by ${report.granularity}: ${formatUsd(total)} in ${series.length} periods, most in ${peak.period} (${formatUsd(peak.total_usd)}).`);
}

/** Models and tools: tokens and cost per model, actions and cost per tool. */
export function renderModels(report) {
  const models = byCost(report.models);
  const tbody = $('#table-models tbody');
  if (!models.length) tbody.replaceChildren(emptyRow(4, 'No model was used in this period.'));
  else {
    tbody.replaceChildren(...models.map((m) => h('tr', { dataset: { model: m.model } }, h('th', { scope: 'row', text: m.model || 'unknown' }),
      intCell(m.input_tokens), intCell(m.output_tokens), usdCell(m.cost_usd))));
  }
  chartOrEmpty($('#chart-models'), models.length ? modelsBars(models) : null,
    `Tokens by model: ${models.map((m) => `${m.model} ${formatInt(m.input_tokens)} in, ${formatInt(m.output_tokens)} out`).join('; ')}.`, 'No tokens in this period.');
  const tools = report.tools || [];
  $('#table-tools tbody').replaceChildren(...(tools.length
    ? tools.map((t) => h('tr', { dataset: { tool: t.tool } }, h('th', { scope: 'row', text: t.tool }), intCell(t.actions), usdCell(t.cost_usd)))
    : [emptyRow(3, 'No tool was used in this period.')]));
}

/** Top turns. nameOf(userId) is a member's e-mail when known; onSteps(turn, who) opens a turn's steps. */
export function renderTurns(report, nameOf, onSteps) {
  const turns = report.top_turns || [];
  const tbody = $('#turns-table tbody');
  if (!turns.length) {
    tbody.replaceChildren(emptyRow(6, 'No turns in this period.'));
    return;
  }
  const emails = new Map((report.users || []).map((u) => [u.user_id, u.email]));
  tbody.replaceChildren(...turns.map((t) => {
    const who = nameOf(t.user_id) || emails.get(t.user_id) || t.user_id;
    return h(
      'tr',
      { dataset: { turnId: t.turn_id } },
      h('td', { class: 'nowrap' }, h('time', { datetime: t.created_at || '', text: formatTime(t.created_at) })),
      h('td', { class: 'user-cell', title: t.user_id, text: who }),
      h('td', { text: capitalize(t.status || '') }),
      tokensCell(t.input_tokens, t.output_tokens),
      usdCell(t.cost_usd),
      h('td', {}, h('button', { type: 'button', class: 'button small', 'aria-label': `Steps of the turn of ${formatTime(t.created_at)}`, onClick: () => onSteps(t, who), text: 'Steps' })),
    );
  }));
}
