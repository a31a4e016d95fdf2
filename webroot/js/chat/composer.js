// The composer: the message box with its character counter, Enter to send (Shift+Enter for a new line), the
// Send and Stop buttons, and the read-only note of an expired chat.

import { formatInt, intPair } from '../format.js';

export class Composer {
  /**
   * @param {object} el {composer, input, send, stop, counter, readonly, readonlyNew}
   * @param {number} maxChars the longest message the server accepts
   * @param {object} on {submit, stop, newChat} what the buttons and keys do
   */
  constructor(el, maxChars, on) {
    this.el = el;
    this.maxChars = maxChars;
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
    el.stop.addEventListener('click', () => on.stop());
    el.readonlyNew.addEventListener('click', () => on.newChat());
  }

  get input() {
    return this.el.input;
  }

  /** Whether the text is longer than the server accepts. */
  get over() {
    return this.el.input.value.length > this.maxChars;
  }

  updateCounter() {
    const { input, counter } = this.el;
    const len = input.value.length;
    const over = len > this.maxChars;
    counter.textContent = intPair(len, this.maxChars);
    counter.classList.toggle('over', over);
    counter.classList.toggle('near', !over && len > this.maxChars * 0.9);
    input.setAttribute('aria-invalid', over ? 'true' : 'false');
    counter.title = over ? `${formatInt(len - this.maxChars)} characters over the limit` : '';
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
