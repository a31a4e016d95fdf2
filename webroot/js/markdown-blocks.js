// The two block kinds of a reply that are built as DOM rather than markup: fenced code blocks (highlighted by
// the vendored highlight.js, with a language label and a Copy button) and the pieces of GitHub-style tables.
//
// Code from the model only ever reaches the page as text: it is set with textContent, and highlight.js escapes
// every character of it in the markup it returns. An unknown language, or no highlight.js at all, stays plain.

import { h } from './util.js';

const COPIED_MS = 1500;

/** A table's delimiter row: | :--- | :---: | ---: | (pipes at the ends optional). */
export const TABLE_DELIMITER_RE = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

/** The cells of one table row ("| a | b |" or "a | b"); an escaped pipe (\|) stays inside its cell. */
export function tableCells(line) {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** Whether a line can be a table's row: it has a pipe outside the row's ends. */
export function isTableRow(line) {
  return /\|/.test(line.trim().replace(/^\||\|$/g, '')) || /^\s*\|.*\|\s*$/.test(line);
}

/** The alignment of each column from the delimiter row: 'left', 'center', 'right' or null. */
export function tableAlignments(line) {
  return tableCells(line).map((c) => {
    const left = c.startsWith(':');
    const right = c.endsWith(':');
    if (left && right) return 'center';
    if (right) return 'right';
    if (left) return 'left';
    return null;
  });
}

/** A code block: its language label, a Copy button, and the highlighted code in a box that scrolls sideways. */
export function codeBlock(language, text) {
  const lang = String(language || '').toLowerCase();
  const code = h('code', { class: 'hljs' });
  code.textContent = text;
  const hljs = globalThis.hljs;
  const known = !!(lang && hljs && hljs.getLanguage(lang));
  if (known) {
    // highlight.js escapes the code it returns; only its own <span class="hljs-..."> are markup.
    code.innerHTML = hljs.highlight(text, { language: lang, ignoreIllegals: true }).value;
    code.classList.add(`language-${lang}`);
  }
  const copy = h('button', { type: 'button', class: 'code-copy', text: 'Copy', title: `Copy the ${lang || 'plain'} code` });
  copy.addEventListener('click', () => copyText(text, copy));
  const label = h('span', { class: 'code-lang', text: lang || 'text' });
  const pre = h('pre', { tabindex: '0', 'aria-label': `${lang || 'Plain'} code` }, code);
  return h('div', { class: 'code-block', 'data-language': lang || null, 'data-highlighted': known ? 'true' : 'false' },
    h('div', { class: 'code-head' }, label, copy), pre);
}

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    fallbackCopy(text); // no clipboard permission (plain http, an embedded page)
  }
  button.textContent = 'Copied';
  button.classList.add('copied');
  setTimeout(() => {
    button.textContent = 'Copy';
    button.classList.remove('copied');
  }, COPIED_MS);
}

function fallbackCopy(text) {
  const area = h('textarea', { class: 'visually-hidden', 'aria-hidden': 'true', tabindex: '-1' });
  area.value = text;
  document.body.append(area);
  area.select();
  try {
    document.execCommand('copy');
  } finally {
    area.remove();
  }
}
