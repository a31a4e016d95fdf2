// The composer: the message box, which grows with its text up to a height and then scrolls, its character counter
// and, for a message over the limit, a line saying by how much (Send is disabled for that reason); Enter to send
// (Shift+Enter for a new line), the Send and Stop buttons, the read-only note of an expired chat, and where the
// focus goes back to once a reply is over.

import { formatInt, intPair, plural } from '../format.js';
import { h } from '../util.js';

/** Focus in one of these stays there when a reply ends: the user is doing something else. */
const KEEPS_FOCUS = 'input, textarea, select, dialog, [contenteditable="true"], #admin-view, #operator-view';

export class Composer {
  /**
   * @param {object} el {composer, input, send, stop, counter, readonly, readonlyNew}
   * @param {number} maxChars the longest message the server accepts
   * @param {object} on {submit, input, stop, newChat} what the buttons and keys do
   */
  constructor(el, maxChars, on) {
    this.el = el;
    this.maxChars = maxChars;
    this.limit = h('span', { id: 'composer-limit', class: 'composer-limit', role: 'status', hidden: true });
    el.counter.before(this.limit);
    el.input.rows = 1; // the box grows with its text (fit)
    el.input.classList.add('grows');
    el.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      on.submit();
    });
    el.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        if (!el.send.disabled) on.submit();
      }
    });
    el.input.addEventListener('input', () => {
      this.updateCounter();
      on.input();
    });
    el.stop.addEventListener('click', () => {
      on.stop();
      this.focus(); // the Stop button goes away; typing goes on
    });
    el.readonlyNew.addEventListener('click', () => on.newChat());
    window.addEventListener('resize', () => this.fit());
  }

  get input() {
    return this.el.input;
  }

  /** Whether the text is longer than the server accepts. */
  get over() {
    return this.el.input.value.length > this.maxChars;
  }

  /** Puts a text into the box (an example prompt, an unsent message) ready to edit or send. */
  setText(text) {
    this.el.input.value = text;
    this.updateCounter();
    this.el.input.dispatchEvent(new Event('input', { bubbles: true }));
    this.focus();
    this.el.input.setSelectionRange(text.length, text.length);
  }

  /** The message box gets the focus (when it can be typed in). */
  focus() {
    const input = this.el.input;
    if (!input.disabled) input.focus();
  }

  /** After a reply ended: back to the message box, unless the user is busy in another field, a dialog or another view. */
  refocus() {
    const active = document.activeElement;
    if (active && active !== document.body && active !== this.el.input && active.closest(KEEPS_FOCUS)) return;
    const sel = window.getSelection();
    if (sel && !sel.isCollapsed && sel.anchorNode && this.el.composer.parentElement.contains(sel.anchorNode)) return; // text being copied
    if (window.matchMedia('(pointer: coarse)').matches && active !== this.el.stop) return; // no keyboard popping up on a phone
    this.focus();
  }

  /** The box as tall as its text, up to its CSS max-height (then it scrolls). */
  fit() {
    const input = this.el.input;
    if (!input.isConnected || input.offsetParent === null) return;
    input.style.height = 'auto';
    const style = getComputedStyle(input);
    const borders = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
    const max = parseFloat(style.maxHeight) || Infinity;
    const wanted = input.scrollHeight + borders;
    input.style.height = `${Math.min(wanted, max)}px`;
    input.style.overflowY = wanted > max ? 'auto' : 'hidden';
  }

  updateCounter() {
    const { input, counter, send } = this.el;
    const len = input.value.length;
    const over = len > this.maxChars;
    counter.textContent = intPair(len, this.maxChars);
    counter.classList.toggle('over', over);
    counter.classList.toggle('near', !over && len > this.maxChars * 0.9);
    input.setAttribute('aria-invalid', over ? 'true' : 'false');
    const reason = over
      ? `Too long to send: the limit is ${plural(this.maxChars, 'character')} and this message is ${formatInt(len - this.maxChars)} over. Shorten it to send.`
      : '';
    counter.title = reason;
    this.limit.textContent = reason;
    this.limit.hidden = !over;
    send.title = reason;
    if (over) send.setAttribute('aria-describedby', 'composer-limit');
    else send.removeAttribute('aria-describedby');
    this.fit();
  }

  /**
   * Enables what can be used now.
   * @param {object} s {attached, expired, sending, running, cancelling}
   */
  update({ attached, expired, sending, running, cancelling }) {
    const el = this.el;
    el.input.disabled = !attached || expired;
    el.send.disabled = !attached || expired || sending || !!running || this.over;
    el.send.textContent = sending ? 'Sending…' : 'Send';
    if (!running && document.activeElement === el.stop) el.input.focus();
    el.stop.hidden = !running;
    el.stop.disabled = !running || cancelling;
    el.stop.textContent = cancelling ? 'Stopping…' : 'Stop';
    el.readonly.hidden = !expired;
    el.composer.classList.toggle('is-readonly', expired);
  }
}
