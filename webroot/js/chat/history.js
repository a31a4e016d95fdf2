// The open chat as stored on the server, merged with what only this page knows yet: replies still
// streaming that are not stored, and messages not confirmed by the server. A stored answer brings what its live
// view showed (steps, tokens and cost), so a reloaded chat looks as it did while it ran.

import { STALE_TURN_MS } from './turns.js';

/** The steps, usage and cost a stored answer carries, unless this page saw them live already. */
function keepLiveDetails(t, m) {
  if (!t.traces.length && Array.isArray(m.steps)) {
    for (const step of m.steps) {
      t.traceKeys.add(JSON.stringify(step));
      t.traces.push(step);
    }
  }
  if (!t.usage && m.usage) t.usage = m.usage;
  if (t.cost === null && m.cost_usd !== undefined) t.cost = m.cost_usd;
}

/**
 * Renders the stored messages of the current chat (plus unsent ones).
 * @param {import('./controller.js').ChatController} chat
 * @param {Array<object>} messages GET .../messages of the current chat
 */
export function showHistory(chat, messages) {
  const session = chat.current;
  const { view, turns } = chat;
  view.bubbles.clear();
  if (!session) {
    view.showEmptyState(session);
    chat.updateComposer();
    return;
  }
  const sid = session.session_id;
  const nodes = [];
  const seen = new Set();
  const stored = [];

  for (const m of messages) {
    if (m.role === 'user') {
      nodes.push(view.userBubble(m.text ?? '', { turnId: m.turn_id, time: m.created_at }));
      stored.push({ text: String(m.text ?? '').trim(), at: Date.parse(m.created_at) });
    } else if (m.role === 'assistant' && m.turn_id) {
      const t = turns.sync(m, sid);
      keepLiveDetails(t, m);
      seen.add(t.turnId);
      nodes.push(view.assistantBubble(t));
    }
  }

  // Replies still streaming that the server has not stored yet, and turns sent elsewhere that began after the history
  // was read (their question came with turn_started).
  // (only those newer than the history: a turn replaced since, by a regeneration, stays hidden)
  const storedQuestions = new Set(messages.filter((m) => m.role === 'user' && m.turn_id).map((m) => m.turn_id));
  const newest = Math.max(0, ...messages.map((m) => Date.parse(m.created_at) || 0));
  const startedSince = (t) => t.question && (Date.parse(t.question.time) || 0) > newest;
  for (const t of turns.inSession(sid)) {
    if (seen.has(t.turnId)) continue;
    if (t.status === 'running' && Date.now() - t.lastActivity > STALE_TURN_MS) {
      t.status = 'unknown';
      continue;
    }
    if (t.status !== 'running' && !startedSince(t)) continue;
    if (startedSince(t) && !storedQuestions.has(t.turnId)) nodes.push(view.userBubble(t.question.text, { turnId: t.turnId, time: t.question.time }));
    nodes.push(view.assistantBubble(t));
  }

  turns.recount(sid);
  nodes.push(...chat.delivery.pendingBubbles(sid, stored));
  view.show(nodes, session);
  chat.updateComposer();
}
