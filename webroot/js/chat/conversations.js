// What a user does with their chats besides talking: a URL per chat (route.js), a new chat that takes no slot until
// its first message is sent, renaming, closing and deleting (after a confirmation), and searching (conversations-search.js).

import { Dialog } from '../dialog.js';
import { friendlyMessage } from '../errors.js';
import { $, h } from '../util.js';
import { chatsApi } from './conversations-api.js';
import { ChatSearch } from './conversations-search.js';
import { byLastUse } from './list.js';
import { chatInUrl, clearUrl, newChatInUrl, onRouteChange, showInUrl } from './route.js';

export class Conversations {
  /** @param {import('./controller.js').ChatController} chat */
  constructor(chat) {
    this.chat = chat;
    this.dialog = new Dialog({
      dialog: $('#chat-dialog'),
      title: $('#chat-dialog-title'),
      body: $('#chat-dialog-body'),
      close: $('#chat-dialog-close'),
    });
    this.search = new ChatSearch(chat, (sessionId) => this.open(sessionId, { focus: true }));
    this.following = false; // while the page follows Back or Forward, the address is not changed
    onRouteChange(() => this.followUrl());
  }

  /** The chat list's menu actions. */
  listActions() {
    return { rename: (s) => this.rename(s), close: (s) => this.close(s), remove: (s) => this.remove(s) };
  }

  /** Logged out: no route, no search, no dialog. */
  reset() {
    this.dialog.close();
    this.search.reset();
    clearUrl();
  }

  /** The open chat changed (or was redrawn): its URL and the read-only note's words. */
  shown() {
    const s = this.chat.current;
    if (s) {
      this.chat.startingNew = false;
      if (!this.following) showInUrl(s.session_id);
    }
    const note = $('#readonly-note p');
    if (note) note.textContent = s && s.status === 'closed' ? 'This chat is closed and read-only.' : 'This chat has expired and is read-only.';
  }

  /** After login: the chat the address names (true when it named one, or a new chat). */
  async openFromUrl() {
    const id = chatInUrl();
    if (id) {
      await this.open(id, { focus: true });
      return true;
    }
    if (location.hash === '#/') {
      this.startNew({ url: false });
      return true;
    }
    return false;
  }

  /** Back, Forward or a link: the chat the address names, or a new one. */
  async followUrl() {
    if (!this.chat.ctx) return;
    const id = chatInUrl();
    this.following = true;
    try {
      if (id) {
        if (!this.chat.isCurrent(id)) await this.open(id, { focus: true });
      } else if (newChatInUrl() && (this.chat.current || !this.chat.startingNew)) {
        this.startNew({ url: false });
      }
    } finally {
      this.following = false;
    }
  }

  /** Opens one of the user's chats; another id (deleted, someone else's) shows "not found" beside the list. */
  async open(sessionId, { focus = false } = {}) {
    const chat = this.chat;
    if (chat.sessionsLoaded) await chat.sessionsLoaded;
    if (!chat.ctx) return;
    if (!chat.sessions.some((s) => s.session_id === sessionId)) await chat.loadSessions({ silent: true });
    if (chat.sessions.some((s) => s.session_id === sessionId)) {
      chat.onSessionChosen();
      await chat.selectSession(sessionId, { focus });
    } else {
      this.notFound();
    }
  }

  notFound() {
    const chat = this.chat;
    this.startNew({ url: false });
    chat.view.box.replaceChildren(
      h(
        'div',
        { class: 'empty-state chat-not-found', role: 'alert' },
        h('p', { class: 'chat-not-found-title', text: 'Chat not found' }),
        h('p', { text: 'This chat does not exist any more, or it is not one of yours. Pick one of your chats from the list, or type a message to start a new one.' }),
      ),
    );
    // on a phone the chat list unfolds
    const toggle = $('.sidebar .panel-toggle');
    if (toggle && toggle.offsetParent !== null && toggle.getAttribute('aria-expanded') !== 'true') toggle.click();
  }

  /** "New chat": an empty view; the chat is created on the server (and takes a slot) when its first message is sent. */
  startNew({ url = true } = {}) {
    const chat = this.chat;
    if (!chat.ctx) return;
    chat.current = null;
    chat.startingNew = true;
    chat.loadToken++;
    chat.view.clear();
    chat.view.showEmptyState(null);
    chat.showSessionState();
    if (url) showInUrl(null);
    chat.composer.input.focus();
  }

  /** A chat as the server answered it, in place of the one listed. */
  updated(session) {
    const chat = this.chat;
    chat.sessions = chat.sessions.map((s) => (s.session_id === session.session_id ? { ...s, ...session } : s)).sort(byLastUse);
    if (chat.isCurrent(session.session_id)) chat.current = chat.sessions.find((s) => s.session_id === session.session_id);
    chat.showSessionState();
  }

  rename(s) {
    const chat = this.chat;
    const input = h('input', { type: 'text', id: 'rename-title', class: 'input', maxlength: 80, required: true, autocomplete: 'off' });
    input.value = s.title || '';
    const error = h('p', { class: 'field-error', role: 'alert', id: 'rename-error' });
    const form = h(
      'form',
      {
        class: 'rename-form',
        novalidate: true,
        onSubmit: async (e) => {
          e.preventDefault();
          const title = input.value.trim();
          if (!title || title.length > 80) {
            error.textContent = 'A title has 1 to 80 characters.';
            input.focus();
            return;
          }
          try {
            this.updated(await chatsApi.rename(chat.tenantId, s.session_id, title));
            this.dialog.close();
          } catch (err) {
            error.textContent = friendlyMessage(err.code, err.message);
          }
        },
      },
      h('label', { for: 'rename-title', text: 'Title' }),
      input,
      error,
      h(
        'div',
        { class: 'form-actions' },
        h('button', { type: 'submit', class: 'button primary', dataset: { action: 'save' }, text: 'Save' }),
        h('button', { type: 'button', class: 'button', onClick: () => this.dialog.close(), text: 'Cancel' }),
      ),
    );
    this.dialog.show('Rename chat', [form], { focus: input });
    input.select();
  }

  /** Ends the chat now (its slot is free at once); it stays in the list, read-only. */
  async close(s) {
    const chat = this.chat;
    try {
      this.updated(await chatsApi.close(chat.tenantId, s.session_id));
      chat.loadUsage({ silent: true });
    } catch (err) {
      chat.showError(err.code, err.message);
    }
  }

  /** Deletes the chat after a confirmation; its usage stays in the reports. */
  async remove(s) {
    const chat = this.chat;
    const name = s.title || 'New chat';
    const done = await this.dialog.confirm({
      title: 'Delete chat?',
      text: `“${name}” and its messages will be deleted for good. Its usage stays in your organisation's reports.`,
      action: 'Delete',
      busy: 'Deleting…',
      run: () => chatsApi.remove(chat.tenantId, s.session_id),
    });
    if (!done || !chat.ctx) return;
    chat.sessions = chat.sessions.filter((x) => x.session_id !== s.session_id);
    if (chat.isCurrent(s.session_id)) this.startNew();
    else chat.showSessionState();
    chat.loadUsage({ silent: true });
  }
}
