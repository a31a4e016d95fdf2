// The list of the user's chats (#session-list), the last used first, and the open chat's header: titles, when each
// chat was last used, closed and expired chats shown as read-only, and each chat's menu (rename, close, delete).

import { h, num, msUntil } from '../util.js';
import { expiryText, plural } from '../format.js';

/** Whether a chat takes no more messages: closed by its user or past its end. */
export function isExpired(session) {
  if (!session) return false;
  if (session.expired || session.status === 'closed' || session.status === 'expired') return true;
  const left = msUntil(session.expires_at);
  return left !== null && left <= 0;
}

/** Whether `session` is the chat with that id. */
export function isSame(session, sessionId) {
  return !!session && !!sessionId && session.session_id === sessionId;
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", else the date. */
export function lastUsedText(iso) {
  const at = Date.parse(iso || '');
  if (Number.isNaN(at)) return '';
  const ago = Math.max(0, Date.now() - at);
  const min = Math.floor(ago / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const hours = Math.floor(min / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return new Date(at).toLocaleDateString();
}

/** The newest use first, as the server lists them (used again after a message is sent here). */
export function byLastUse(a, b) {
  const x = Date.parse(a.last_used_at || a.created_at || '') || 0;
  const y = Date.parse(b.last_used_at || b.created_at || '') || 0;
  return y - x;
}

function statusLabel(s) {
  if (s.status === 'closed') return 'Closed';
  return isExpired(s) ? 'Expired' : '';
}

export class SessionList {
  /**
   * @param {object} el {list, title, meta}: #session-list, #chat-title, #chat-meta
   * @param {(sessionId: string) => void} onPick the user chose a chat in the list
   * @param {object} [actions] {rename, close, remove}: each called with the chat
   */
  constructor(el, onPick, actions = {}) {
    this.el = el;
    this.onPick = onPick;
    this.actions = actions;
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
    list.replaceChildren(...sessions.map((s) => this.row(s, isSame(current, s.session_id))));
    if (hadFocus) {
      const again = [...list.querySelectorAll('.session-item')].find((b) => b.dataset.sessionId === hadFocus);
      if (again) again.focus();
    }
  }

  row(s, active) {
    return h('li', { class: 'session-row', dataset: { sessionId: s.session_id } }, this.item(s, active), this.menu(s));
  }

  item(s, active) {
    const expired = isExpired(s);
    const count = num(s.message_count);
    const status = statusLabel(s);
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
        h('span', { class: 'session-used', dataset: { at: s.last_used_at || s.created_at || '' }, text: lastUsedText(s.last_used_at || s.created_at) }),
        status ? h('span', { class: 'session-status', text: ` · ${status}` }) : null,
        count ? h('span', { class: 'session-count', text: ` · ${plural(count, 'message')}` }) : null,
      ),
    );
  }

  /** The chat's menu: Rename, Close (while it is open) and Delete. */
  menu(s) {
    const name = s.title || 'New chat';
    const item = (action, label, run) => h('button', {
      type: 'button',
      class: `session-action${action === 'delete' ? ' danger' : ''}`,
      dataset: { action },
      onClick: (e) => {
        e.target.closest('details').open = false;
        run(s);
      },
      text: label,
    });
    return h(
      'details',
      {
        class: 'session-menu',
        // one menu open at a time; Escape closes it
        onToggle: (e) => {
          if (!e.target.open) return;
          for (const other of this.el.list.querySelectorAll('.session-menu[open]')) if (other !== e.target) other.open = false;
        },
        onKeydown: (e) => {
          if (e.key !== 'Escape' || !e.currentTarget.open) return;
          e.preventDefault();
          e.currentTarget.open = false;
          e.currentTarget.querySelector('summary').focus();
        },
      },
      h('summary', { class: 'session-menu-button', 'aria-label': `Actions for chat “${name}”`, title: 'Rename, close or delete', text: '⋯' }),
      h(
        'div',
        { class: 'session-menu-items' },
        this.actions.rename ? item('rename', 'Rename', this.actions.rename) : null,
        this.actions.close && !isExpired(s) ? item('close', 'Close', this.actions.close) : null,
        this.actions.remove ? item('delete', 'Delete', this.actions.remove) : null,
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
    this.el.meta.textContent = s.status === 'closed' ? 'Closed · read-only' : expired ? 'Expired · read-only' : expiryText(s.expires_at, s.expired);
    this.el.meta.classList.toggle('expired', expired);
  }

  /** Updates when each listed chat was last used and which have expired; true when one has just expired. */
  refreshExpiry(sessions) {
    let newlyExpired = false;
    for (const btn of this.el.list.querySelectorAll('.session-item')) {
      const s = sessions.find((x) => x.session_id === btn.dataset.sessionId);
      if (!s) continue;
      const expired = isExpired(s);
      if (expired && !btn.classList.contains('expired')) newlyExpired = true;
      const used = btn.querySelector('.session-used');
      used.textContent = lastUsedText(used.dataset.at);
      btn.classList.toggle('expired', expired);
    }
    return newlyExpired;
  }
}
