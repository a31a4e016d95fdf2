// Charts of the admin pages, drawn with Chart.js (window.Chart from /vendor/chart.umd.min.js).
//
// Every chart has its numbers in a table beside it and a one-sentence summary in the
// canvas's aria-label, so nothing depends on seeing the canvas. Without Chart.js the
// tables remain and the canvases are hidden.

import { formatUsd, exactUsd, formatInt } from '../format.js';

/** The four services costs are split into, in a fixed order and colour (colour-blind safe). */
export const SERVICES = [
  { key: 'bedrock_models', label: 'Model tokens', color: '#0072b2' },
  { key: 'agent_runtime', label: 'Agent runtime', color: '#e69f00' },
  { key: 'tools', label: 'Tools', color: '#009e73' },
  { key: 'storage', label: 'Storage', color: '#cc79a7' },
];

export const TOKEN_COLORS = { input: '#0072b2', output: '#e69f00' };
/** The colour of cost bars: the scheme's accent. */
function costColour() {
  return getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() || '#2b59c3';
}

const charts = new Map(); // canvas id -> Chart instance
let defaultsApplied = false;

export function chartsAvailable() {
  return typeof window.Chart === 'function';
}

function applyDefaults() {
  if (!chartsAvailable()) return;
  const d = window.Chart.defaults;
  if (!defaultsApplied) {
    defaultsApplied = true;
    d.font.size = 12;
    d.maintainAspectRatio = false;
    d.plugins.legend.labels.boxWidth = 12;
    d.plugins.legend.labels.boxHeight = 12;
    if (window.matchMedia('(prefers-reduced-motion: reduce)').matches) d.animation = false;
    document.addEventListener('themechange', recolour);
  }
  // the colours of the scheme in effect (theme.js), from the stylesheets' custom properties
  const css = getComputedStyle(document.documentElement);
  const v = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  d.font.family = v('--font', 'system-ui, sans-serif');
  d.color = v('--muted', '#536070');
  d.borderColor = v('--border', '#d9dee6');
  d.plugins.tooltip.backgroundColor = v('--chart-tooltip', 'rgba(29, 39, 51, 0.92)');
  d.plugins.tooltip.titleColor = v('--surface', '#ffffff');
  d.plugins.tooltip.bodyColor = v('--surface', '#ffffff');
}

/** Draws every chart again in the colours of the new scheme. */
function recolour() {
  applyDefaults();
  const surface = getComputedStyle(document.documentElement).getPropertyValue('--surface').trim();
  for (const chart of charts.values()) {
    for (const ds of chart.data.datasets) {
      if (chart.config.type === 'doughnut') ds.borderColor = surface;
      else if (ds.label === 'Cost') ds.backgroundColor = costColour();
    }
    chart.update('none');
  }
}

/**
 * Draws (or redraws) a chart on a canvas and sets its accessible summary.
 * Returns the Chart instance, or null when charts are unavailable.
 */
export function renderChart(canvas, config, summary) {
  if (!canvas) return null;
  canvas.setAttribute('aria-label', summary);
  const box = canvas.parentElement;
  if (!chartsAvailable()) {
    canvas.hidden = true;
    if (box) box.classList.add('no-chart');
    return null;
  }
  applyDefaults();
  canvas.hidden = false;
  let chart = charts.get(canvas.id);
  if (chart && chart.canvas === canvas && chart.config.type === config.type) {
    chart.data = config.data;
    chart.options = config.options || {};
    chart.update();
    return chart;
  }
  if (chart) chart.destroy();
  chart = new window.Chart(canvas, config);
  charts.set(canvas.id, chart);
  return chart;
}

/** Removes a chart (e.g. when its data is empty) and shows `message` in its place. */
export function clearChart(canvas, message) {
  if (!canvas) return;
  const chart = charts.get(canvas.id);
  if (chart) {
    chart.destroy();
    charts.delete(canvas.id);
  }
  canvas.hidden = true;
  canvas.setAttribute('aria-label', message);
  setEmptyNote(canvas.parentElement, message);
}

function setEmptyNote(box, message) {
  if (!box) return;
  let note = box.querySelector('.chart-empty');
  if (!message) {
    if (note) note.remove();
    return;
  }
  if (!note) {
    note = document.createElement('p');
    note.className = 'chart-empty';
    box.append(note);
  }
  note.textContent = message;
}

/** Before drawing: removes the "no data" note of an earlier empty state. */
export function prepareChart(canvas) {
  if (canvas) setEmptyNote(canvas.parentElement, '');
}

export function destroyCharts() {
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
}

// ---------------------------------------------------------------------------
// Chart configurations

const usdTooltip = {
  callbacks: {
    label(ctx) {
      const v = Number(ctx.raw) || 0;
      const name = ctx.chart.config.type === 'doughnut' ? ctx.label : ctx.dataset.label;
      return `${name}: ${formatUsd(v)} (${exactUsd(v)})`;
    },
  },
};

const usdTicks = { callback: (v) => formatUsd(v) };

/** Doughnut of cost per service. */
export function servicesDoughnut(services) {
  return {
    type: 'doughnut',
    data: {
      labels: SERVICES.map((s) => s.label),
      datasets: [
        {
          data: SERVICES.map((s) => Number(services[s.key]) || 0),
          backgroundColor: SERVICES.map((s) => s.color),
          borderColor: getComputedStyle(document.documentElement).getPropertyValue('--surface').trim() || '#ffffff',
          borderWidth: 2,
        },
      ],
    },
    options: {
      cutout: '58%',
      plugins: {
        legend: { position: 'bottom' },
        tooltip: usdTooltip,
      },
    },
  };
}

/** Bars of one cost series (no legend): `bar` styles the bars, `options` the axes and the rest. */
function costBars(labels, values, bar, options) {
  return {
    type: 'bar',
    data: { labels, datasets: [{ label: 'Cost', data: values, backgroundColor: costColour(), ...bar }] },
    options: { ...options, plugins: { legend: { display: false }, tooltip: usdTooltip } },
  };
}

/** Horizontal bars of cost per user. */
export function usersBars(labels, values) {
  return costBars(labels, values, { borderRadius: 3, maxBarThickness: 26 }, {
    indexAxis: 'y',
    scales: {
      x: { beginAtZero: true, ticks: usdTicks },
      y: { ticks: { autoSkip: false, callback: shortLabel } },
    },
  });
}

/** Cost per service over time: stacked bars or lines. */
export function trendChart(labels, rows, style = 'bar') {
  const line = style === 'line';
  return {
    type: line ? 'line' : 'bar',
    data: {
      labels,
      datasets: SERVICES.map((s) => ({
        label: s.label,
        data: rows.map((r) => Number(r[s.key]) || 0),
        backgroundColor: s.color,
        borderColor: s.color,
        borderWidth: line ? 2 : 0,
        pointRadius: line ? 2 : 0,
        tension: 0.25,
        maxBarThickness: 48,
      })),
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: !line, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { stacked: !line, beginAtZero: true, ticks: usdTicks },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          ...usdTooltip,
          callbacks: {
            ...usdTooltip.callbacks,
            footer(items) {
              if (line) return '';
              const total = items.reduce((sum, it) => sum + (Number(it.raw) || 0), 0);
              return `Total: ${formatUsd(total)}`;
            },
          },
        },
      },
    },
  };
}

/** Grouped bars of input and output tokens per model. */
export function modelsBars(models) {
  return {
    type: 'bar',
    data: {
      labels: models.map((m) => m.model || 'unknown'),
      datasets: [
        { label: 'Input tokens', data: models.map((m) => Number(m.input_tokens) || 0), backgroundColor: TOKEN_COLORS.input, borderRadius: 3, maxBarThickness: 40 },
        { label: 'Output tokens', data: models.map((m) => Number(m.output_tokens) || 0), backgroundColor: TOKEN_COLORS.output, borderRadius: 3, maxBarThickness: 40 },
      ],
    },
    options: {
      scales: {
        x: { ticks: { callback: shortLabel } },
        y: { beginAtZero: true, ticks: { callback: (v) => formatInt(v) } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${formatInt(ctx.parsed.y)}` } },
      },
    },
  };
}

/** Small live bar chart of cost per minute. */
export function perMinuteBars(labels, values) {
  return costBars(labels, values, { borderRadius: 2, maxBarThickness: 18 }, {
    animation: false,
    scales: {
      x: { ticks: { maxRotation: 0, autoSkipPadding: 16 } },
      y: { beginAtZero: true, ticks: { ...usdTicks, maxTicksLimit: 5 } },
    },
  });
}

/** Axis labels: long e-mail addresses and model ids are shortened (the tooltip has the full text). */
function shortLabel(value) {
  const label = String(this.getLabelForValue(value) ?? '');
  return label.length > 24 ? `${label.slice(0, 22)}…` : label;
}
