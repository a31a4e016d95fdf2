// Delivery of the user's messages over the event bus: sending (a chat is opened first when none is), the
// bubble's "Sending… / Not sent" state with Retry, Edit and Remove, the Stop button, and the resend after a
// reconnect. A message keeps its request id across retries, so the server never runs (or charges) it twice.

import { CHAT_SEND, CHAT_CANCEL } from '../bridge/addresses.js';
import { isRetryable, hideBanner } from '../errors.js';
import { h, uuid, num } from '../util.js';
import { formatInt } from '../format.js';
import { isTerminal } from './turns.js';
import { isExpired } from './list.js';

/** Failures of the connection rather than of the message: worth sending once more after a reconnect. */
const CONNECTION_CODES = new Set(['disconnected', 'timeout', 'closed']);

/** A local message matches a stored one with the same text sent at most this long before it. */
const DUPLICATE_WINDOW_MS = 5 * 60_000;

export class Delivery {
  /** @param {import('./controller.js').ChatController} chat */
  constructor(chat) {
    this.chat = chat;
    this.reset();
  }

  reset() {
    this.unsent = new Map();   // request_id -> pending user message
    this.sentHere = new Set(); // request ids of the messages this tab sent (the server's turn_started names them)
    this.sending = false;
    this.cancelling = false;
  }

  /** Whether this tab sent the message of that request id (and so shows it already). */
  isOwn(requestId) {
    return !!requestId && this.sentHere.has(requestId);
  }

  /** Sends the composer's text (Send button or Enter). */
  async submit() {
    const chat = this.chat;
    const input = chat.composer.input;
    if (!chat.ctx || this.sending || chat.currentRunningTurn()) return;
    const raw = input.value;
    const text = raw.trim();
    if (!text) {
      input.focus();
      return;
    }
    if (raw.length > chat.maxChars) {
      chat.showError('message_too_long', `Your message is ${formatInt(raw.length)} characters long; the limit is ${formatInt(chat.maxChars)}.`);
      return;
    }
    if (chat.current && isExpired(chat.current)) {
      chat.showError('session_expired', '');
      return;
    }

    this.sending = true;
    chat.updateComposer();
    chat.onSessionChosen(); // on phones the chat list folds away so the reply is visible
    try {
      const session = await this.sessionToSendIn();
      if (!session) return; // the error is shown; the text stays in the composer
      input.value = '';
      chat.composer.updateCounter();
      const pending = {
        requestId: uuid(),
        sessionId: session.session_id,
        text,
        createdAt: Date.now(),
        el: null,
        state: 'new',
        errorCode: null,
        autoRetried: false,
      };
      await this.deliver(pending);
    } finally {
      this.sending = false;
      chat.updateComposer();
    }
  }

  /**
   * The chat a message goes to: the open one; while the chats are still loading after login, the one the
   * page is about to open (instead of another, which the plan may not allow); else a new one. Null when
   * the user logged out meanwhile or no chat could be created (the error is shown).
   */
  async sessionToSendIn() {
    const chat = this.chat;
    const ctx = chat.ctx;
    if (!chat.current && chat.sessionsLoaded && !chat.startingNew) {
      await chat.sessionsLoaded;
      if (chat.ctx !== ctx) return null;
      const open = chat.current || chat.sessions.find((s) => !isExpired(s));
      if (open && !chat.current) await chat.selectSession(open.session_id);
      if (chat.ctx !== ctx) return null;
    }
    return chat.current || chat.createSession();
  }

  /** Sends a user message over the event bus (again, for a retry: same request id). */
  async deliver(pending) {
    const chat = this.chat;
    const ctx = chat.ctx;
    if (!ctx) return;
    if (!pending.el) {
      pending.el = chat.view.userBubble(pending.text);
      if (chat.isCurrent(pending.sessionId)) chat.view.append(pending.el);
    }
    if (chat.isCurrent(pending.sessionId)) chat.scroll.toLatest(); // sending while scrolled up: down to the new message
    this.sentHere.add(pending.requestId);
    if (this.sentHere.size > 500) this.sentHere.delete(this.sentHere.values().next().value);
    this.unsent.set(pending.requestId, pending);
    this.setUserState(pending, 'sending');
    try {
      const reply = await ctx.bus.request(CHAT_SEND, {
        session_id: pending.sessionId,
        message: pending.text,
        request_id: pending.requestId,
        replaces_turn_id: pending.replaces,
      });
      if (chat.ctx !== ctx) return;
      this.unsent.delete(pending.requestId);
      this.setUserState(pending, 'sent');
      const turnId = reply && reply.turn_id;
      if (turnId) {
        pending.el.dataset.turnId = turnId;
        const t = chat.turns.get(turnId, pending.sessionId);
        if (!isTerminal(t.status)) {
          t.lastActivity = Date.now();
          chat.markRunning(t);
        }
        chat.touch(t);
        // A resend of a message the server already had: its turn may have finished (or been
        // stopped by the disconnect) without this page seeing the frames, so re-read it.
        if (reply.duplicate && !isTerminal(t.status)) chat.loadMessages({ silent: true });
      }
      const s = chat.sessions.find((x) => x.session_id === pending.sessionId);
      if (s) {
        s.message_count = (num(s.message_count) || 0) + 1;
        chat.renderSessionList();
      }
    } catch (err) {
      if (chat.ctx !== ctx) return;
      const code = err.code || 'error';
      pending.errorCode = code;
      this.setUserState(pending, 'failed');
      if (code === 'session_expired') chat.markExpired(pending.sessionId);
      chat.showError(code, err.message);
    }
  }

  setUserState(pending, state) {
    const view = this.chat.view;
    pending.state = state;
    const el = pending.el;
    const stick = el.isConnected && view.isNearBottom();
    el.dataset.state = state;
    const box = el.querySelector('.msg-status');
    if (state === 'sending') {
      box.replaceChildren(h('span', { class: 'muted', text: 'Sending…' }));
    } else if (state === 'failed') {
      const retry = isRetryable(pending.errorCode);
      box.replaceChildren(
        h('span', { class: 'msg-status-error', text: 'Not sent.' }),
        retry
          ? h('button', { type: 'button', class: 'button small', onClick: () => this.retry(pending), text: 'Retry' })
          : h('button', { type: 'button', class: 'button small', onClick: () => this.editUnsent(pending), text: 'Edit' }),
        h('button', { type: 'button', class: 'button small ghost', onClick: () => this.discard(pending), text: 'Remove' }),
      );
    } else {
      box.replaceChildren();
    }
    if (stick) view.scrollToBottom();
  }

  async retry(pending) {
    const chat = this.chat;
    if (!chat.ctx || this.sending || chat.turns.runningIn(pending.sessionId)) return;
    this.sending = true;
    chat.updateComposer();
    try {
      await this.deliver(pending);
    } finally {
      this.sending = false;
      chat.updateComposer();
    }
  }

  /** Puts the text of an unsent message back into the composer. */
  editUnsent(pending) {
    const chat = this.chat;
    const input = chat.composer.input;
    this.discard(pending);
    if (!input.value.trim()) input.value = pending.text;
    chat.composer.updateCounter();
    chat.updateComposer();
    if (!input.disabled) input.focus();
  }

  discard(pending) {
    const chat = this.chat;
    this.unsent.delete(pending.requestId);
    pending.el.remove();
    if (!chat.view.hasMessages) chat.view.showEmptyState(chat.current);
    chat.composer.input.focus();
  }

  /** The Stop button: asks the server to stop the running reply. */
  async stop() {
    const chat = this.chat;
    const turnId = chat.currentRunningTurn();
    if (!turnId || this.cancelling || !chat.ctx) return;
    const ctx = chat.ctx;
    this.cancelling = true;
    chat.updateComposer();
    try {
      await ctx.bus.request(CHAT_CANCEL, { turn_id: turnId });
      // The `done` frame with status "cancelled" finishes the bubble.
    } catch (err) {
      if (chat.ctx !== ctx) return;
      if (err.code === 'not_found') chat.loadMessages({ silent: true });
      else chat.showError(err.code, err.message);
    } finally {
      if (chat.ctx === ctx) {
        this.cancelling = false;
        chat.updateComposer();
      }
    }
  }

  /**
   * After a reconnect: messages whose delivery was cut by the disconnect are sent again once,
   * with the same request id so that they are never charged twice.
   */
  async resendCut() {
    const chat = this.chat;
    for (const p of [...this.unsent.values()]) {
      if (!chat.ctx) return;
      if (p.state === 'failed' && !p.autoRetried && CONNECTION_CODES.has(p.errorCode) && chat.isCurrent(p.sessionId)) {
        p.autoRetried = true;
        await this.deliver(p);
      }
    }
  }

  /**
   * The bubbles of a chat's messages not (yet) confirmed by the server. A message found among the stored ones
   * (`stored`: {text, at} of the user's messages, consumed here) did reach the server and is dropped.
   */
  pendingBubbles(sessionId, stored) {
    const nodes = [];
    for (const p of [...this.unsent.values()]) {
      if (p.sessionId !== sessionId) continue;
      const idx = stored.findIndex(
        (u) => u.text === p.text.trim() && (Number.isNaN(u.at) || u.at >= p.createdAt - DUPLICATE_WINDOW_MS),
      );
      if (idx >= 0) {
        stored.splice(idx, 1);
        if (p.state === 'failed') {
          // It did reach the server: the "connection lost, try again" warning no longer applies.
          this.unsent.delete(p.requestId);
          if (CONNECTION_CODES.has(p.errorCode) && CONNECTION_CODES.has(document.getElementById('error-banner').dataset.code)) hideBanner();
        }
        continue;
      }
      nodes.push(p.el);
    }
    return nodes;
  }
}
