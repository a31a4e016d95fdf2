// The date range of the reports: the period presets of the toolbar and the checks of a custom range.
// Days are UTC days, as the server counts them.

const DAY_MS = 86_400_000;

/** YYYY-MM-DD of a Date in UTC. */
function isoDay(d) {
  return d.toISOString().slice(0, 10);
}

/** [from, to] of a period preset, in UTC days. */
export function presetRange(preset, now = new Date()) {
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  switch (preset) {
    case 'last-month':
      return [isoDay(new Date(Date.UTC(y, m - 1, 1))), isoDay(new Date(Date.UTC(y, m, 0)))];
    case 'year':
      return [isoDay(new Date(Date.UTC(y, 0, 1))), isoDay(today)];
    case '7':
    case '30':
    case '90':
      return [isoDay(new Date(today.getTime() - (Number(preset) - 1) * DAY_MS)), isoDay(today)];
    case 'month':
    default:
      return [isoDay(new Date(Date.UTC(y, m, 1))), isoDay(today)];
  }
}

/** What is wrong with a range (YYYY-MM-DD days), or '' when it can be asked for. */
export function rangeError(from, to) {
  if (!from || !to) return 'Choose both a start and an end date.';
  if (from > to) return 'The start date must not be after the end date.';
  if (Date.parse(to) - Date.parse(from) > 366 * DAY_MS) return 'Choose at most one year.';
  return '';
}
