// The search box above the chat list: the server searches the user's own chats (titles and messages); while a
// search is typed, its results stand in for the list, and choosing one opens that chat.

import { $, h } from '../util.js';
import { chatsApi } from './conversations-api.js';
import { lastUsedText } from './list.js';

const TYPING_PAUSE_MS = 250;

export class ChatSearch {
  /**
   * @param {import('./controller.js').ChatController} chat
   * @param {(sessionId: string) => void} onOpen a result was chosen
   */
  constructor(chat, onOpen) {
    this.chat = chat;
    this.onOpen = onOpen;
    this.input = $('#chat-search');
    this.results = $('#search-results');
    this.list = $('#session-list');
    this.timer = 0;
    this.asked = 0;
    this.input.addEventListener('input', () => this.typed());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.input.value) {
        e.preventDefault();
        this.reset();
      }
    });
  }

  reset() {
    clearTimeout(this.timer);
    this.asked++;
    this.input.value = '';
    this.showList();
  }

  showList() {
    this.results.hidden = true;
    this.results.replaceChildren();
    this.list.hidden = false;
  }

  typed() {
    clearTimeout(this.timer);
    const q = this.input.value.trim();
    if (!q) {
      this.asked++;
      this.showList();
      return;
    }
    this.timer = setTimeout(() => this.ask(q.slice(0, 200)), TYPING_PAUSE_MS);
  }

  async ask(q) {
    const chat = this.chat;
    const ticket = ++this.asked;
    this.results.setAttribute('aria-busy', 'true');
    try {
      const res = await chatsApi.search(chat.tenantId, q);
      if (ticket !== this.asked) return;
      this.render(Array.isArray(res && res.results) ? res.results : []);
    } catch (err) {
      if (ticket !== this.asked) return;
      this.show([h('li', { class: 'session-empty', role: 'alert', text: 'The search did not work; please try again.' })]);
    } finally {
      if (ticket === this.asked) this.results.removeAttribute('aria-busy');
    }
  }

  render(results) {
    if (!results.length) {
      this.show([h('li', { class: 'session-empty', text: 'No chat matches.' })]);
      return;
    }
    this.show(results.map((r) => h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          class: 'session-item search-result',
          dataset: { sessionId: r.session_id },
          onClick: () => {
            this.reset();
            this.onOpen(r.session_id);
          },
        },
        h('span', { class: 'session-title', text: r.title || 'New chat' }),
        r.snippet ? h('span', { class: 'search-snippet', text: r.snippet }) : null,
        h('span', { class: 'session-meta', text: lastUsedText(r.last_used_at) }),
      ),
    )));
  }

  show(items) {
    this.results.replaceChildren(...items);
    this.results.hidden = false;
    this.list.hidden = true;
  }
}
