// The list of the user's chats (#session-list) and the open chat's header: titles, message counts, time
// left, expired chats shown as read-only.

import { h, num, msUntil } from '../util.js';
import { expiryText, plural } from '../format.js';

export function isExpired(session) {
  if (!session) return false;
  if (session.expired) return true;
  const left = msUntil(session.expires_at);
  return left !== null && left <= 0;
}

/** Whether `session` is the chat with that id. */
export function isSame(session, sessionId) {
  return !!session && !!sessionId && session.session_id === sessionId;
}

export class SessionList {
  /**
   * @param {object} el {list, title, meta}: #session-list, #chat-title, #chat-meta
   * @param {(sessionId: string) => void} onPick the user chose a chat in the list
   */
  constructor(el, onPick) {
    this.el = el;
    this.onPick = onPick;
  }

  clear() {
    this.el.list.replaceChildren();
  }

  /** Draws the list; the focus stays on the chat that had it. */
  render(sessions, current) {
    const list = this.el.list;
    if (!sessions.length) {
      list.replaceChildren(h('li', { class: 'session-empty', text: 'No chats yet. Start one with “New chat” or just type a message.' }));
      return;
    }
    const hadFocus = list.contains(document.activeElement) ? document.activeElement.dataset.sessionId : null;
    list.replaceChildren(...sessions.map((s) => h('li', {}, this.item(s, isSame(current, s.session_id)))));
    if (hadFocus) {
      const again = [...list.querySelectorAll('.session-item')].find((b) => b.dataset.sessionId === hadFocus);
      if (again) again.focus();
    }
  }

  item(s, active) {
    const expired = isExpired(s);
    const count = num(s.message_count);
    return h(
      'button',
      {
        type: 'button',
        class: `session-item${expired ? ' expired' : ''}`,
        'aria-current': active ? 'true' : null,
        dataset: { sessionId: s.session_id },
        onClick: () => this.onPick(s.session_id),
      },
      h('span', { class: 'session-title', text: s.title || 'New chat' }),
      h(
        'span',
        { class: 'session-meta' },
        h('span', { class: 'session-expiry', text: expiryText(s.expires_at, s.expired) }),
        count ? h('span', { class: 'session-count', text: ` · ${plural(count, 'message')}` }) : null,
      ),
    );
  }

  /** The open chat's title and time left. */
  renderHeader(s) {
    this.el.title.textContent = s ? s.title || 'New chat' : 'New chat';
    if (!s) {
      this.el.meta.textContent = 'Type a message to start a new chat.';
      return;
    }
    const expired = isExpired(s);
    this.el.meta.textContent = expired ? 'Expired · read-only' : expiryText(s.expires_at, s.expired);
    this.el.meta.classList.toggle('expired', expired);
  }

  /** Updates the time left of every listed chat; true when one has just expired. */
  refreshExpiry(sessions) {
    let newlyExpired = false;
    for (const btn of this.el.list.querySelectorAll('.session-item')) {
      const s = sessions.find((x) => x.session_id === btn.dataset.sessionId);
      if (!s) continue;
      const expired = isExpired(s);
      if (expired && !btn.classList.contains('expired')) newlyExpired = true;
      btn.querySelector('.session-expiry').textContent = expiryText(s.expires_at, s.expired);
      btn.classList.toggle('expired', expired);
    }
    return newlyExpired;
  }
}
