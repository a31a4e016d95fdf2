// A modal dialog of the page (a <dialog> with its title, body and Close button): content shown with where the focus
// goes first and what runs when it closes, and confirmations of actions. The admin pages' dialog (admin/dialog.js)
// and the settings panel (account/settings.js) are built on it.

import { friendlyMessage } from './errors.js';
import { h } from './util.js';

export class Dialog {
  /** @param {object} el {dialog, title, body, close} */
  constructor(el) {
    this.el = el;
    this.onClose = null;
    el.close.addEventListener('click', () => el.dialog.close());
    el.dialog.addEventListener('close', () => {
      const onClose = this.onClose;
      this.onClose = null;
      if (onClose) onClose();
    });
  }

  get isOpen() {
    return this.el.dialog.open;
  }

  close() {
    if (this.el.dialog.open) this.el.dialog.close();
  }

  open(title, ...content) {
    this.onClose = null;
    this.el.title.textContent = title;
    this.el.body.replaceChildren(...content);
    if (!this.el.dialog.open) this.el.dialog.showModal();
  }

  /**
   * Shows a page's own content (a form, a message): `focus` gets the focus, `onClose` runs once when the dialog
   * closes, however it is closed (Close, Escape, the view closing), unless other content replaced this first.
   */
  show(title, content, { focus = null, onClose = null } = {}) {
    this.open(title, ...content);
    this.onClose = onClose;
    if (focus) focus.focus();
  }

  /**
   * Asks before an action: `text` (a string, or nodes), a button named `action` (a danger button unless `danger` is
   * false) and Cancel (which has the focus). `run` is awaited with the dialog open, its button reading `busy`; when it
   * fails, its error is shown in the dialog, on a line kept for it, and the user may try again or cancel. Resolves when
   * the dialog is closed: true when `run` succeeded.
   */
  confirm({ title, text, action, busy, run, danger = true }) {
    return new Promise((resolve) => {
      let done = false;
      const error = h('p', { class: 'field-error dialog-error', role: 'alert', dataset: { slot: 'error' } });
      const yes = h('button', {
        type: 'button',
        class: danger ? 'button danger' : 'button primary',
        dataset: { action: 'confirm' },
        text: action,
        onClick: async () => {
          if (yes.disabled) return;
          yes.disabled = true;
          yes.textContent = busy;
          error.textContent = '';
          try {
            await run();
            done = true;
            this.close();
          } catch (err) {
            error.textContent = friendlyMessage(err.code, err.message);
            error.dataset.code = err.code || '';
            yes.disabled = false;
            yes.textContent = action;
            yes.focus();
          }
        },
      });
      const no = h('button', { type: 'button', class: 'button', dataset: { action: 'cancel' }, onClick: () => this.close(), text: 'Cancel' });
      const body = typeof text === 'string' ? [h('p', { text })] : text;
      this.show(title, [...body, error, h('div', { class: 'form-actions' }, yes, no)], { focus: no, onClose: () => resolve(done) });
    });
  }
}
