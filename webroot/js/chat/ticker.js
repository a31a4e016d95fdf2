// Periodic updates of the chat view while logged in: the time left of every chat and of the open one, a
// slot freed by a chat that just expired, and a reply that stopped streaming without a `done` frame.

import { STALE_TURN_MS } from './turns.js';

/** How often the time left of the chats is updated. */
const TICK_MS = 15_000;

export class Ticker {
  /** @param {import('./controller.js').ChatController} chat */
  constructor(chat) {
    this.chat = chat;
    this.timer = 0;
  }

  start() {
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = 0;
  }

  tick() {
    const chat = this.chat;
    if (!chat.ctx) return;
    // A chat that just expired frees a slot: refresh the open-chats count.
    if (chat.list.refreshExpiry(chat.sessions)) chat.loadUsage({ silent: true });
    chat.list.renderHeader(chat.current);
    chat.quota.renderSessionTime();
    chat.updateComposer();

    // A reply that stopped streaming without a `done` frame is re-read.
    const turnId = chat.currentRunningTurn();
    const t = turnId ? chat.turns.find(turnId) : null;
    if (t && Date.now() - t.lastActivity > STALE_TURN_MS) {
      t.lastActivity = Date.now();
      chat.loadMessages({ silent: true });
    }
  }
}
