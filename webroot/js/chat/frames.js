// The frames the server pushes to client.<tenant>.<user> while replies run: turn_started, chunk, trace, done, error,
// quota and budget_alert. Each one updates the turn state (turns.js) and what the page shows of it.

import { api } from '../api/endpoints.js';
import { friendlyMessage } from '../errors.js';
import { isTerminal, joinChunks } from './turns.js';
import { showBudgetAlert } from './alerts.js';

/** Frame type -> method of FrameHandler. */
const HANDLERS = new Map([['turn_started', 'onTurnStarted'], ['chunk', 'onChunk'], ['trace', 'onTrace'], ['done', 'onDone'], ['error', 'onError'], ['quota', 'onQuota'], ['budget_alert', 'onBudgetAlert']]);

export class FrameHandler {
  /** @param {import('./controller.js').ChatController} chat */
  constructor(chat) {
    this.chat = chat;
  }

  /** Body of a frame pushed to client.<tenant>.<user>. */
  handle(body) {
    if (!body || typeof body !== 'object' || !this.chat.ctx) return;
    const method = HANDLERS.get(body.type);
    if (method) this[method](body);
  }

  /**
   * A turn was admitted, sent from another tab or through the HTTP API (this tab shows its own messages already): its
   * question goes into the open chat before the reply streams in; a chat not listed yet is listed.
   */
  onTurnStarted(body) {
    const chat = this.chat;
    const { turn_id: turnId, session_id: sessionId } = body;
    if (!turnId || !sessionId || chat.delivery.isOwn(body.request_id)) return;
    if (!chat.sessions.some((s) => s.session_id === sessionId)) chat.loadSessions({ silent: true });
    const t = chat.turns.get(turnId, sessionId);
    // kept with the turn: a history answer read before the turn was stored still shows it (history.js)
    t.question = { text: String(body.message ?? ''), time: body.created_at || null };
    if (!chat.isCurrent(sessionId) || chat.view.box.querySelector(`.msg.user[data-turn-id="${CSS.escape(turnId)}"]`)) return;
    chat.view.append(chat.view.userBubble(t.question.text, { turnId, time: t.question.time }));
    if (!isTerminal(t.status)) chat.markRunning(t);
    chat.touch(t);
  }

  onChunk(body) {
    if (body.turn_id) this.progressed(this.chat.turns.addChunk(body));
  }

  onTrace(body) {
    if (body.turn_id) this.progressed(this.chat.turns.addTrace(body));
  }

  /** A chunk or a step added to a turn (null: nothing new): it runs, unless over already, and is repainted. */
  progressed(t) {
    if (!t) return;
    if (!isTerminal(t.status)) this.chat.markRunning(t);
    this.chat.touch(t);
  }

  onDone(body) {
    if (!body.turn_id) return;
    const chat = this.chat;
    const t = chat.turns.finish(body);
    chat.clearRunning(t);
    chat.touch(t);
    if (chat.isCurrent(t.sessionId)) chat.composer.refocus();
    joinChunks(t);
    if ((t.reloaded || t.hasGap) && !t.authoritative) this.resyncTurn(t);
    chat.loadUsage({ silent: true });
    chat.loadSessions({ silent: true });
  }

  onError(body) {
    const chat = this.chat;
    const msg = friendlyMessage(body.code, body.message, chat.quota.limitsForMessages);
    if (body.turn_id) {
      const { t, over } = chat.turns.fail(body, msg);
      if (over) chat.clearRunning(t);
      chat.touch(t);
    }
    if (body.code === 'session_expired' && body.session_id) chat.markExpired(body.session_id);
    chat.showError(body.code, body.message);
  }

  onQuota(body) {
    this.chat.quota.applyQuotaFrame(body);
  }

  onBudgetAlert(body) {
    showBudgetAlert(body);
  }

  /** Re-reads the stored text of a turn whose stream had gaps. */
  async resyncTurn(t) {
    const chat = this.chat;
    const ctx = chat.ctx;
    if (!ctx || !t.sessionId) return;
    try {
      const res = await api.messages(chat.tenantId, t.sessionId);
      if (chat.ctx !== ctx) return;
      const m = (res.messages || []).find((x) => x.role === 'assistant' && x.turn_id === t.turnId);
      if (!m) return;
      t.serverText = m.text ?? '';
      if (isTerminal(m.status)) t.authoritative = true;
      chat.touch(t);
    } catch {
      // The streamed text stays on screen.
    }
  }
}
