// A small, safe Markdown renderer for assistant messages.
//
// Safety model: the whole input is HTML-escaped first, so no tag or attribute
// from the model text can ever reach the DOM. Only the markup generated here
// is real HTML. Links are produced for http(s) URLs only.
//
// Supported: paragraphs (single newlines become <br>), headings, **bold**,
// *italic* / _italic_, ~~strike~~, `code`, fenced code blocks (``` or ~~~,
// also unterminated while streaming; built as DOM by markdown-blocks.js),
// GitHub-style tables (alignment from :---:, inline formatting in cells),
// ordered / unordered (nested) lists, blockquotes, horizontal rules,
// [text](http://...) and bare http(s) URLs.

import { TABLE_DELIMITER_RE, codeBlock, isTableRow, tableAlignments, tableCells } from './markdown-blocks.js';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const LIST_RE = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const FENCE_RE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING_RE = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const HR_RE = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE_RE = /^\s{0,3}&gt;/;
const BLANK_RE = /^\s*$/;

const UNESCAPES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

function unescapeHtml(value) {
  return value.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => UNESCAPES[e]);
}

/**
 * Replaces the content of an element with rendered Markdown. Everything but code blocks is markup made here from
 * escaped text; each code block is left as an empty placeholder and then built as DOM from the code's text.
 */
export function renderMarkdownInto(element, source) {
  const text = String(source ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/\u0000/g, '\uFFFD');
  const codes = [];
  element.innerHTML = renderBlocks(escapeHtml(text).split('\n'), codes);
  for (const slot of element.querySelectorAll('div[data-code-slot]')) {
    const code = codes[Number(slot.dataset.codeSlot)];
    slot.replaceWith(codeBlock(code.lang, code.text));
  }
}

function startsBlock(line) {
  return FENCE_RE.test(line) || HEADING_RE.test(line) || HR_RE.test(line) || QUOTE_RE.test(line) || LIST_RE.test(line);
}

/** Whether a table starts at lines[i]: a row with pipes followed by its delimiter row. */
function startsTable(lines, i) {
  return i + 1 < lines.length && isTableRow(lines[i]) && TABLE_DELIMITER_RE.test(lines[i + 1]) && lines[i + 1].includes('-')
    && tableCells(lines[i]).length === tableCells(lines[i + 1]).length; // as many columns as the header, as on GitHub
}

// `lines` are already HTML-escaped; `codes` collects the code blocks ({lang, text}) their placeholders stand for.
function renderBlocks(lines, codes) {
  const out = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];

    if (BLANK_RE.test(line)) {
      i++;
      continue;
    }

    const fence = line.match(FENCE_RE);
    if (fence) {
      const marker = fence[1];
      const closing = new RegExp(`^\\s{0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
      const lang = fence[2];
      const body = [];
      i++;
      while (i < lines.length && !closing.test(lines[i])) body.push(lines[i++]);
      i++; // the closing fence (or past the end while a reply is still streaming)
      out.push(`<div data-code-slot="${codes.push({ lang, text: unescapeHtml(body.join('\n')) }) - 1}"></div>`);
      continue;
    }

    if (startsTable(lines, i)) {
      const table = renderTable(lines, i);
      out.push(table.html);
      i = table.next;
      continue;
    }

    const heading = line.match(HEADING_RE);
    if (heading) {
      // Headings stay modest inside a chat bubble: # -> h3 ... #### -> h6.
      const level = Math.min(6, heading[1].length + 2);
      out.push(`<h${level}>${inline(heading[2])}</h${level}>`);
      i++;
      continue;
    }

    if (HR_RE.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }

    if (QUOTE_RE.test(line)) {
      const body = [];
      while (i < lines.length && QUOTE_RE.test(lines[i])) {
        body.push(lines[i].replace(/^\s{0,3}&gt;\s?/, ''));
        i++;
      }
      out.push(`<blockquote>${renderBlocks(body, codes)}</blockquote>`);
      continue;
    }

    if (LIST_RE.test(line)) {
      const list = renderList(lines, i);
      out.push(list.html);
      i = list.next;
      continue;
    }

    const para = [line.trim()];
    i++;
    while (i < lines.length && !BLANK_RE.test(lines[i]) && !startsBlock(lines[i]) && !startsTable(lines, i)) {
      para.push(lines[i].trim());
      i++;
    }
    out.push(`<p>${para.map(inline).join('<br>')}</p>`);
  }
  return out.join('\n');
}

/** A table in a box of its own that scrolls sideways when the table is wider than the reply. */
function renderTable(lines, start) {
  const header = tableCells(lines[start]);
  const align = tableAlignments(lines[start + 1]);
  const cell = (tag, text, col) => {
    const cls = align[col] ? ` class="align-${align[col]}"` : '';
    return `<${tag}${cls}>${inline(text ?? '')}</${tag}>`;
  };
  const row = (tag, cells) => `<tr>${header.map((_, col) => cell(tag, cells[col], col)).join('')}</tr>`;
  let i = start + 2;
  const body = [];
  while (i < lines.length && !BLANK_RE.test(lines[i]) && isTableRow(lines[i])) body.push(row('td', tableCells(lines[i++])));
  const html = '<div class="table-wrap" tabindex="0" role="region" aria-label="Table">'
    + `<table><thead>${row('th', header)}</thead><tbody>${body.join('')}</tbody></table></div>`;
  return { html, next: i };
}

function indentWidth(ws) {
  return ws.replace(/\t/g, '    ').length;
}

function renderList(lines, start) {
  let html = '';
  const stack = []; // open lists: {indent, tag}
  let i = start;

  const open = (tag, indent, marker) => {
    const n = parseInt(marker, 10);
    const startAttr = tag === 'ol' && Number.isFinite(n) && n !== 1 ? ` start="${n}"` : '';
    html += `<${tag}${startAttr}>`;
    stack.push({ indent, tag });
  };

  while (i < lines.length) {
    const line = lines[i];
    const m = line.match(LIST_RE);
    if (m && !HR_RE.test(line)) {
      const indent = indentWidth(m[1]);
      const tag = /\d/.test(m[2]) ? 'ol' : 'ul';
      if (!stack.length) {
        open(tag, indent, m[2]);
      } else if (indent > stack[stack.length - 1].indent + 1) {
        open(tag, indent, m[2]); // nested inside the open item
      } else {
        while (stack.length > 1 && indent < stack[stack.length - 1].indent - 1) {
          html += `</li></${stack.pop().tag}>`;
        }
        html += '</li>';
        const top = stack[stack.length - 1];
        if (top.tag !== tag) {
          html += `</${stack.pop().tag}>`;
          open(tag, indent, m[2]);
        }
      }
      html += `<li>${inline(m[3])}`;
      i++;
      continue;
    }
    if (BLANK_RE.test(line)) {
      // A blank line ends the list unless another item follows.
      let j = i + 1;
      while (j < lines.length && BLANK_RE.test(lines[j])) j++;
      if (j < lines.length && LIST_RE.test(lines[j]) && !HR_RE.test(lines[j])) {
        i = j;
        continue;
      }
      break;
    }
    if (/^\s+\S/.test(line) && !FENCE_RE.test(line)) {
      html += `<br>${inline(line.trim())}`; // indented continuation of the item
      i++;
      continue;
    }
    break;
  }
  while (stack.length) html += `</li></${stack.pop().tag}>`;
  return { html, next: i };
}

// ---------------------------------------------------------------------------
// Inline formatting on escaped text. Code spans and links are first moved to
// placeholders so that emphasis rules never touch their content.

const PLACEHOLDER_RE = /\u0000(\d+)\u0000/g;
const LINK_RE = /\[([^\]\n]+)\]\(\s*(https?:\/\/(?:[^\s()]|\([^\s()]*\))+)(?:\s+&quot;[^\n]*?&quot;)?\s*\)/g;
const BARE_URL_RE = /\bhttps?:\/\/[^\s\u0000]+/g;

function inline(text) {
  const stash = [];
  const keep = (html) => `\u0000${stash.push(html) - 1}\u0000`;

  let s = text;
  s = s.replace(/``(.+?)``|`([^`]+)`/g, (_, a, b) => keep(`<code>${a ?? b}</code>`));
  s = s.replace(LINK_RE, (_, label, url) => keep(anchor(url, emphasis(label))));
  s = s.replace(BARE_URL_RE, (match) => {
    const { url, rest } = trimUrl(match);
    return url ? keep(anchor(url, url)) + rest : match;
  });
  s = emphasis(s);

  // Restore placeholders (link labels may themselves contain code spans).
  for (let pass = 0; pass < 3 && s.includes('\u0000'); pass++) {
    s = s.replace(PLACEHOLDER_RE, (_, n) => stash[Number(n)] ?? '');
  }
  return s;
}

function emphasis(s) {
  return s
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '<del>$1</del>')
    .replace(/(^|[^*\w])\*(?=[^\s*])([^*]*?[^\s*])\*(?![*\w])/g, '$1<em>$2</em>')
    .replace(/(^|[^\w])_(?=[^\s_])([^_]*?[^\s_])_(?!\w)/g, '$1<em>$2</em>');
}

/** Separates trailing punctuation / escaped quotes from a bare URL. */
function trimUrl(match) {
  let url = match;
  let rest = '';
  const cut = url.search(/&(?:lt|gt|quot|#39);/);
  if (cut >= 0) {
    rest = url.slice(cut);
    url = url.slice(0, cut);
  }
  // Drop trailing punctuation and closing parentheses that have no opening one.
  for (;;) {
    const trail = url.match(/[.,;:!?*_~]+$/);
    if (trail) {
      rest = trail[0] + rest;
      url = url.slice(0, -trail[0].length);
      continue;
    }
    if (url.endsWith(')') && count(url, ')') > count(url, '(')) {
      rest = `)${rest}`;
      url = url.slice(0, -1);
      continue;
    }
    break;
  }
  if (!/^https?:\/\/[^/?#]/.test(url)) return { url: null, rest: match };
  return { url, rest };
}

function count(s, ch) {
  return s.split(ch).length - 1;
}

function anchor(url, label) {
  // url is already escaped (no raw quotes or angle brackets) and starts with http(s)://
  return `<a href="${url}" target="_blank" rel="noopener noreferrer">${label}</a>`;
}
