// The state of each reply (turn) the page knows of: its streamed chunks, steps, status, usage and error, and
// which turn runs in which chat. Frames and stored messages change it; render.js paints it. No DOM here.

import { num } from '../util.js';

/** A running turn without any frame for this long is re-read. */
export const STALE_TURN_MS = 90_000;

const TERMINAL = new Set(['completed', 'cancelled', 'failed']);

export function isTerminal(status) {
  return TERMINAL.has(status);
}

/** Streamed text of a turn, chunks joined in seq order. */
export function joinChunks(t) {
  if (t.dirty) {
    const seqs = [...t.chunks.keys()].sort((a, b) => a - b);
    t.joined = seqs.map((s) => t.chunks.get(s)).join('');
    // The server numbers the chunks of a turn from 0.
    t.hasGap = seqs.length > 0 && (seqs[0] > 0 || seqs.some((s, i) => i > 0 && s !== seqs[i - 1] + 1));
    t.dirty = false;
  }
  return t.joined;
}

/** Text to display for a turn: stored text when final, else the longer of stored and streamed. */
export function turnText(t) {
  const streamed = joinChunks(t);
  if (t.serverText === null) return streamed;
  if (t.authoritative) return t.serverText;
  return streamed.length >= t.serverText.length ? streamed : t.serverText;
}

export class Turns {
  constructor() {
    this.clear();
  }

  clear() {
    this.byId = new Map();     // turn_id -> turn state
    this.running = new Map();  // session_id -> running turn_id
  }

  /** The state of a turn, created when first seen. */
  get(turnId, sessionId) {
    let t = this.byId.get(turnId);
    if (!t) {
      t = {
        turnId,
        sessionId: sessionId || null,
        chunks: new Map(),
        dirty: false,
        joined: '',
        hasGap: false,
        nextLocalSeq: 1e9,
        traces: [],
        traceKeys: new Set(),
        status: 'running',
        serverText: null,
        authoritative: false,
        reloaded: false,
        usage: null,
        cost: null,
        error: '',
        lastActivity: Date.now(),
      };
      this.byId.set(turnId, t);
    }
    if (!t.sessionId && sessionId) t.sessionId = sessionId;
    return t;
  }

  /** The turn known by that id, or undefined. */
  find(turnId) {
    return this.byId.get(turnId);
  }

  /** The turns of a chat. */
  inSession(sessionId) {
    return [...this.byId.values()].filter((t) => t.sessionId === sessionId);
  }

  /** The turn running in a chat, or null. */
  runningIn(sessionId) {
    return this.running.get(sessionId) || null;
  }

  /** Records a running turn as its chat's; false when it is not running. */
  markRunning(t) {
    if (t.status !== 'running' || !t.sessionId) return false;
    this.running.set(t.sessionId, t.turnId);
    return true;
  }

  /** Forgets a turn as its chat's running one; true when it was. */
  clearRunning(t) {
    if (t.sessionId && this.running.get(t.sessionId) === t.turnId) {
      this.running.delete(t.sessionId);
      return true;
    }
    return false;
  }

  /** Recomputes which turn is running in a chat. */
  recount(sessionId) {
    this.running.delete(sessionId);
    for (const t of this.inSession(sessionId)) if (t.status === 'running') this.running.set(sessionId, t.turnId);
  }

  /** Merges a stored assistant message into the turn state. */
  sync(m, sessionId) {
    const t = this.get(m.turn_id, sessionId);
    t.serverText = m.text ?? '';
    if (isTerminal(m.status)) {
      t.status = m.status;
      t.authoritative = true;
    } else if (!isTerminal(t.status)) {
      t.status = 'running';
      t.reloaded = true;
      t.lastActivity = Math.max(t.lastActivity, Date.now() - STALE_TURN_MS / 2);
    }
    return t;
  }

  // -------------------------------------------------------------------------
  // Frames

  /** A `chunk` frame: the turn, or null when it adds nothing (stored text is final, or delivered twice). */
  addChunk(body) {
    const t = this.get(body.turn_id, body.session_id);
    if (t.authoritative) return null;
    let seq = num(body.seq);
    if (seq === null) seq = t.nextLocalSeq++;
    if (t.chunks.has(seq)) return null; // duplicate delivery
    t.chunks.set(seq, typeof body.text === 'string' ? body.text : String(body.text ?? ''));
    t.dirty = true;
    t.lastActivity = Date.now();
    if (!isTerminal(t.status)) t.status = 'running';
    return t;
  }

  /** A `trace` frame: the turn, or null when the step was seen already. */
  addTrace(body) {
    const t = this.get(body.turn_id, body.session_id);
    const key = JSON.stringify(body);
    if (t.traceKeys.has(key)) return null;
    t.traceKeys.add(key);
    t.traces.push(body);
    t.lastActivity = Date.now();
    return t;
  }

  /** A `done` frame: the turn, finished. */
  finish(body) {
    const t = this.get(body.turn_id, body.session_id);
    t.status = isTerminal(body.status) ? body.status : 'completed';
    if (body.usage) t.usage = body.usage;
    if (body.cost_usd !== undefined) t.cost = body.cost_usd;
    t.lastActivity = Date.now();
    return t;
  }

  /** An `error` frame of a turn: without any streamed text the turn is over; otherwise `done` follows. */
  fail(body, message) {
    const t = this.get(body.turn_id, body.session_id);
    t.error = message;
    const over = t.status === 'running' && t.chunks.size === 0 && !t.serverText;
    if (over) t.status = 'failed';
    return { t, over };
  }
}
