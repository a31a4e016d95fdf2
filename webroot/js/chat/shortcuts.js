// Keyboard shortcuts of the chat: a new chat, stopping the running reply, the message box, the chat search and
// their list in a dialog (Ctrl/Cmd+/, "?" when not typing, or the "?" button in the chat's header).

import { Dialog } from '../dialog.js';
import { h } from '../util.js';

const MAC = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent || '');
const MOD = MAC ? '⌘' : 'Ctrl';

/** What the help lists: keys (each a <kbd>) and what they do. */
const LIST = [
  [[MOD, 'Shift', 'O'], 'New chat'],
  [['Esc'], 'Stop the reply being written'],
  [['Shift', 'Esc'], 'Focus the message box'],
  [['/'], 'Focus the message box (when not typing)'],
  [[MOD, 'K'], 'Search conversations'],
  [['Enter'], 'Send the message'],
  [['Shift', 'Enter'], 'New line in the message'],
  [[MOD, '/'], 'Show these shortcuts'],
];

/** Whether the user is typing in a field (where "/" and "?" are text). */
function typing(target) {
  return !!target && !!target.closest && !!target.closest('input, textarea, select, [contenteditable="true"]');
}

export class Shortcuts {
  /**
   * @param {import('./controller.js').ChatController} chat
   * @param {HTMLElement} head the chat's header, where the "?" button goes
   */
  constructor(chat, head) {
    this.chat = chat;
    this.help = this.buildDialog();
    this.openButton = h('button', {
      type: 'button',
      id: 'shortcuts-open',
      class: 'button small ghost shortcuts-open',
      'aria-haspopup': 'dialog',
      'aria-label': 'Keyboard shortcuts',
      title: `Keyboard shortcuts (${MOD}+/)`,
      onClick: () => this.showHelp(),
      text: '?',
    });
    head.append(this.openButton);
    document.addEventListener('keydown', (e) => this.onKey(e));
  }

  buildDialog() {
    const title = h('h2', { id: 'shortcuts-title', text: 'Keyboard shortcuts' });
    const close = h('button', { type: 'button', class: 'button small ghost', text: 'Close' });
    const body = h('div', { class: 'dialog-body' });
    const dialog = h('dialog', { id: 'shortcuts-dialog', class: 'dialog shortcuts-dialog', 'aria-labelledby': 'shortcuts-title' },
      h('div', { class: 'dialog-head' }, title, close), body);
    document.getElementById('main-view').append(dialog);
    return new Dialog({ dialog, title, body, close });
  }

  showHelp() {
    const rows = LIST.map(([keys, what]) =>
      h('tr', {}, h('td', { class: 'keys' }, ...keys.flatMap((k, i) => (i ? [' + ', h('kbd', { text: k })] : [h('kbd', { text: k })]))), h('td', { text: what })));
    const table = h('table', { class: 'shortcut-table' },
      h('caption', { class: 'visually-hidden', text: 'Keys and what they do' }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Keys' }), h('th', { scope: 'col', text: 'Action' }))),
      h('tbody', {}, ...rows));
    const back = document.activeElement;
    this.help.show('Keyboard shortcuts', [table], {
      focus: this.help.el.close,
      onClose: () => {
        if (back && back.isConnected && back !== document.body) back.focus();
        else this.chat.composer.focus();
      },
    });
  }

  /** Whether the chat is what the page shows (not the log-in, the admin or the operator view, nor a dialog on top). */
  get chatShown() {
    const main = document.getElementById('main-view');
    const layout = main && main.querySelector('.layout');
    return !!this.chat.ctx && !!main && !main.hidden && !!layout && !layout.hidden && !document.querySelector('dialog[open]');
  }

  onKey(e) {
    if (e.defaultPrevented || !this.chatShown) return;
    const mod = MAC ? e.metaKey : e.ctrlKey;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (mod && e.shiftKey && key === 'o') {
      e.preventDefault();
      this.chat.newChat();
    } else if (mod && !e.shiftKey && key === 'k') {
      const search = document.getElementById('chat-search');
      const toggle = document.querySelector('.sidebar .panel-toggle[aria-expanded="false"]');
      if (search && !search.getClientRects().length && toggle && toggle.getClientRects().length) toggle.click(); // folded away on a phone
      if (search && search.getClientRects().length) {
        e.preventDefault();
        search.focus();
        if (search.select) search.select();
      }
    } else if (mod && (key === '/' || e.code === 'Slash')) {
      e.preventDefault();
      this.showHelp();
    } else if (key === 'Escape' && e.shiftKey) {
      e.preventDefault();
      this.chat.composer.focus();
    } else if (key === 'Escape' && !mod && !e.altKey && this.chat.currentRunningTurn() && (!typing(e.target) || e.target === this.chat.composer.input)) {
      e.preventDefault();
      this.chat.delivery.stop();
      this.chat.composer.focus();
    } else if (!mod && !e.altKey && !typing(e.target) && key === '/') {
      e.preventDefault();
      this.chat.composer.focus();
    } else if (!mod && !e.altKey && !typing(e.target) && key === '?') {
      e.preventDefault();
      this.showHelp();
    }
  }
}
