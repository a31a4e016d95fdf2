// Keyboard use of a tab list (WAI-ARIA tabs): the arrow keys move to the next or previous tab, Home and End to
// the first and last; the tab list is one stop for the Tab key.

/** The index of the tab a key moves to from tab `i` of `count`, or null for other keys. */
export function tabKeyTarget(key, i, count) {
  if (key === 'ArrowRight') return (i + 1) % count;
  if (key === 'ArrowLeft') return (i - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}

/** Marks the selected tab of a list (aria-selected, the one tab stop) and shows its panel only. */
export function selectTab(tabs, selectedName, tabOf, panelOf) {
  for (const name of tabs) {
    const selected = name === selectedName;
    const button = tabOf(name);
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    panelOf(name).hidden = !selected;
  }
}
