// Progress bars (.bar role=progressbar with a .bar-fill): the quota panel's meters and the budgets.

/** The colour of a used share: full at 100 % (danger, or warn where a full bar is normal), warn from 80 %. */
export function usageLevel(pct, fullLevel = 'danger') {
  return pct >= 100 ? fullLevel : pct >= 80 ? 'warn' : 'ok';
}

/** Fills a bar to `pct` % with a level (ok, warn, danger, empty) and the text a screen reader says. */
export function setBar(bar, pct, level, valueText) {
  const fill = bar && bar.querySelector('.bar-fill');
  if (!fill) return;
  fill.style.width = `${pct}%`;
  bar.dataset.level = level;
  bar.setAttribute('aria-valuenow', String(Math.round(pct)));
  if (valueText) bar.setAttribute('aria-valuetext', valueText);
  else bar.removeAttribute('aria-valuetext');
}
