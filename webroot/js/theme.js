// The colour scheme: the system's (prefers-color-scheme) unless the reader chose light or dark in the header,
// remembered in localStorage. The scheme in effect is <html data-theme="light|dark">; the stylesheets take
// their colours from custom properties set for each. A change is announced with a "themechange" event on
// document, so the charts take their colours again.

const KEY = 'agentchat.theme';
const CHOICES = ['system', 'light', 'dark'];
const LABELS = { system: 'System', light: 'Light', dark: 'Dark' };
const dark = window.matchMedia('(prefers-color-scheme: dark)');

/** The reader's choice: 'system', 'light' or 'dark'. */
export function themeChoice() {
  let stored = null;
  try {
    stored = localStorage.getItem(KEY);
  } catch {
    // storage blocked: the system's scheme
  }
  return CHOICES.includes(stored) ? stored : 'system';
}

/** The scheme in effect: 'light' or 'dark'. */
export function currentTheme() {
  const choice = themeChoice();
  if (choice !== 'system') return choice;
  return dark.matches ? 'dark' : 'light';
}

/** Remembers a choice and applies it. */
export function setThemeChoice(choice) {
  try {
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  } catch {
    // not remembered; still applied
  }
  applyTheme();
}

function applyTheme() {
  const root = document.documentElement;
  const theme = currentTheme();
  const changed = root.dataset.theme !== theme;
  root.dataset.theme = theme;
  root.dataset.themeChoice = themeChoice();
  // the code highlighting's two vendored stylesheets: only the scheme's own applies
  for (const link of document.querySelectorAll('link[data-code-theme]')) {
    link.media = link.dataset.codeTheme === theme ? 'all' : 'not all';
  }
  for (const select of document.querySelectorAll('select[data-theme-select]')) select.value = themeChoice();
  if (changed) document.dispatchEvent(new CustomEvent('themechange', { detail: { theme } }));
}

/** Applies the scheme now, follows the system's, and fills and wires every <select data-theme-select>. */
export function initTheme() {
  applyTheme();
  dark.addEventListener('change', applyTheme);
  window.addEventListener('storage', (e) => {
    if (e.key === KEY) applyTheme();
  });
  for (const select of document.querySelectorAll('select[data-theme-select]')) {
    select.replaceChildren(...CHOICES.map((c) => new Option(LABELS[c], c)));
    select.value = themeChoice();
    select.addEventListener('change', () => setThemeChoice(select.value));
  }
}
