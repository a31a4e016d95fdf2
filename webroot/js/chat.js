// Chat view: session list, messages, composer and live streaming of replies.

import { api } from './api.js';
import { renderMarkdown } from './markdown.js';
import { friendlyMessage, isRetryable, showBanner, hideBanner } from './errors.js';
import { QuotaPanel } from './quota.js';
import { $, h, uuid, num, expiryText, msUntil, formatTime, formatInt, formatCost, plural, formatUsd } from './util.js';

const TICK_MS = 15_000;
const NEAR_BOTTOM_PX = 80;
const STALE_TURN_MS = 90_000;        // a running turn without any frame for this long is re-read
const DUPLICATE_WINDOW_MS = 5 * 60_000;
const TERMINAL = new Set(['completed', 'cancelled', 'failed']);
const CONNECTION_CODES = new Set(['disconnected', 'timeout', 'closed']);

function isTerminal(status) {
  return TERMINAL.has(status);
}

function isExpired(session) {
  if (!session) return false;
  if (session.expired) return true;
  const left = msUntil(session.expires_at);
  return left !== null && left <= 0;
}

/** Streamed text of a turn, chunks joined in seq order. */
function joinChunks(t) {
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
function turnText(t) {
  const streamed = joinChunks(t);
  if (t.serverText === null) return streamed;
  if (t.authoritative) return t.serverText;
  return streamed.length >= t.serverText.length ? streamed : t.serverText;
}

function usageText(usage, cost) {
  const parts = [];
  if (usage) {
    const est = usage.estimated ? ' (estimated)' : '';
    parts.push(`${formatInt(usage.input_tokens ?? 0)} in / ${formatInt(usage.output_tokens ?? 0)} out tokens${est}`);
  }
  if (num(cost) !== null) parts.push(formatCost(cost));
  return parts.join(' · ');
}

/** Known result codes of tool steps, in words. */
const TRACE_CODES = {
  tool_not_in_tier: 'not included in your plan',
  unavailable: 'the service cannot be reached',
  service_unavailable: 'the service cannot be reached',
  timeout: 'the service did not answer in time',
};

/**
 * A step detail as readable text: strings as they are (known codes in words),
 * flat objects as "key: value" pairs, anything nested as compact JSON.
 * Returns [text, isCode].
 */
function traceDetailText(value) {
  if (value === undefined || value === null || value === '') return ['', false];
  if (typeof value === 'string') return [TRACE_CODES[value] || value, false];
  if (typeof value !== 'object') return [String(value), false];
  const entries = Array.isArray(value) ? null : Object.entries(value).filter(([k]) => k !== 'type');
  if (entries && !entries.length) return ['', false];
  if (entries && entries.every(([, v]) => v === null || typeof v !== 'object')) {
    return [entries.map(([k, v]) => `${k.replace(/_/g, ' ')}: ${v}`).join(', '), false];
  }
  return [JSON.stringify(value), true];
}

export function traceItem(trace) {
  const { type, session_id: _s, turn_id: _t, step, seq: _q, ...rest } = trace;
  let label;
  let detail;
  switch (step) {
    case 'plan':
      label = 'Plan';
      break;
    case 'tool_call':
      label = rest.tool ? `Tool: ${rest.tool}` : 'Tool call';
      detail = rest.input !== undefined ? rest.input : null;
      break;
    case 'observation':
      label = rest.tool ? `Result from ${rest.tool}` : 'Observation';
      break;
    case 'final':
      label = 'Final answer';
      if (num(rest.output_chars) !== null) detail = `${formatInt(rest.output_chars)} characters`;
      break;
    default:
      label = step ? String(step).replace(/_/g, ' ') : String(type || 'step');
  }
  if (detail === undefined) {
    const key = ['text', 'content', 'output', 'observation', 'result', 'error', 'message', 'summary', 'plan'].find(
      (k) => rest[k] !== undefined && rest[k] !== null,
    );
    if (key) detail = rest[key];
    else {
      const { tool: _tool, intent: _intent, ...others } = rest;
      detail = others;
    }
  }
  const [full, isCode] = traceDetailText(detail);
  let text = full;
  if (text.length > 300) text = `${text.slice(0, 300)}…`;
  return h(
    'li',
    { class: 'step', dataset: { step: String(step || '') } },
    h('span', { class: 'step-label', text: label }),
    text ? ' ' : null,
    text ? h(isCode ? 'code' : 'span', { class: 'step-detail', title: full.length > 300 ? full.slice(0, 2000) : null, text }) : null,
  );
}

export class ChatController {
  /**
   * @param {object} opts
   * @param {object} opts.config client configuration
   * @param {(usage: object) => void} [opts.onUsage] called with fresh usage / plan data
   * @param {() => void} [opts.onSessionChosen] called when the user picks or creates a chat
   */
  constructor({ config, onUsage, onSessionChosen }) {
    this.config = config;
    this.maxChars = num(config.max_message_chars) || 4000;
    this.onUsage = onUsage || (() => {});
    this.onSessionChosen = onSessionChosen || (() => {});
    this.quota = new QuotaPanel();
    this.el = {
      sessionList: $('#session-list'),
      newSession: $('#new-session'),
      messages: $('#messages'),
      composer: $('#composer'),
      input: $('#message-input'),
      send: $('#send'),
      stop: $('#stop'),
      counter: $('#char-counter'),
      chatTitle: $('#chat-title'),
      chatMeta: $('#chat-meta'),
      readonly: $('#readonly-note'),
      readonlyNew: $('#readonly-new'),
    };
    this.rendered = new WeakMap(); // bubble -> markdown source last rendered
    this.renderQueue = new Set();
    this.rafId = 0;
    this.tickTimer = 0;
    this.ctx = null;
    this.resetState();
    this.bindEvents();
    this.updateCounter();
    this.updateComposer();
  }

  resetState() {
    this.sessions = [];
    this.current = null;
    this.turns = new Map();    // turn_id -> turn state
    this.bubbles = new Map();  // turn_id -> assistant bubble in the current view
    this.unsent = new Map();   // request_id -> pending user message
    this.running = new Map();  // session_id -> running turn_id
    this.sending = false;
    this.cancelling = false;
    this.creating = false;
    this.loadToken = 0;
    this.sessionsLoaded = null;
  }

  // -------------------------------------------------------------------------
  // Lifecycle

  /** Starts the chat for a logged-in user. ctx: {user, bus}. */
  async attach(ctx) {
    this.ctx = ctx;
    this.resetState();
    this.quota.reset();
    this.el.messages.replaceChildren();
    this.renderSessionList();
    this.renderChatHeader();
    this.showEmptyState();
    this.updateComposer();
    clearInterval(this.tickTimer);
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);

    const tier = ctx.user.tier;
    const tierLimits = (this.config.tiers || {})[tier];
    this.quota.setPlan(tier, tierLimits || null);

    // submit() waits for this list: a message typed before it arrives must not open a second chat.
    this.sessionsLoaded = this.loadSessions();
    await Promise.all([this.loadPlan(), this.loadUsage(), this.sessionsLoaded]);
    if (this.ctx !== ctx || this.current) return;
    const open = this.sessions.find((s) => !isExpired(s));
    if (open) await this.selectSession(open.session_id, { focus: true });
    else this.el.input.focus();
  }

  detach() {
    clearInterval(this.tickTimer);
    this.tickTimer = 0;
    cancelAnimationFrame(this.rafId);
    this.rafId = 0;
    this.renderQueue.clear();
    this.ctx = null;
    this.resetState();
    this.quota.reset();
    this.el.messages.replaceChildren();
    this.el.sessionList.replaceChildren();
    this.el.input.value = '';
    this.updateCounter();
    this.updateComposer();
  }

  /** The event-bus connection came back: reload so nothing is missed. */
  async onReconnected() {
    if (!this.ctx) return;
    this.loadSessions({ silent: true });
    this.loadUsage({ silent: true });
    await this.loadMessages({ silent: true });
    // Messages whose delivery was cut by the disconnect are sent again once,
    // with the same request id so that they are never charged twice.
    for (const p of [...this.unsent.values()]) {
      if (!this.ctx) return;
      if (p.state === 'failed' && !p.autoRetried && CONNECTION_CODES.has(p.errorCode) && this.isCurrent(p.sessionId)) {
        p.autoRetried = true;
        await this.deliver(p);
      }
    }
  }

  bindEvents() {
    this.el.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.el.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        if (!this.el.send.disabled) this.submit();
      }
    });
    this.el.input.addEventListener('input', () => {
      this.updateCounter();
      this.updateComposer();
    });
    this.el.stop.addEventListener('click', () => this.stop());
    this.el.newSession.addEventListener('click', () => this.newChat());
    this.el.readonlyNew.addEventListener('click', () => this.newChat());
  }

  // -------------------------------------------------------------------------
  // Loading

  get tenantId() {
    return this.ctx ? this.ctx.user.tenantId : '';
  }

  async loadPlan() {
    const ctx = this.ctx;
    if (!ctx) return;
    try {
      const sub = await api.subscription(this.tenantId);
      if (this.ctx !== ctx || !sub) return;
      this.quota.setPlan(sub.tier, sub.limits || null);
      if (sub.tier) this.onUsage({ tier: sub.tier });
    } catch (err) {
      // The tier limits from the client configuration remain in place.
      console.warn('Could not load the subscription', err);
    }
  }

  async loadUsage({ silent = false } = {}) {
    const ctx = this.ctx;
    if (!ctx) return;
    try {
      const usage = await api.usage(this.tenantId);
      if (this.ctx !== ctx || !usage) return;
      this.quota.setUsage(usage);
      this.onUsage(usage);
    } catch (err) {
      if (!silent && this.ctx === ctx) this.showError(err.code, err.message);
    }
  }

  async loadSessions({ silent = false } = {}) {
    const ctx = this.ctx;
    if (!ctx) return;
    try {
      const res = await api.listSessions(this.tenantId);
      if (this.ctx !== ctx) return;
      const list = Array.isArray(res && res.sessions) ? res.sessions : [];
      if (this.current) {
        const fresh = list.find((s) => s.session_id === this.current.session_id);
        if (fresh) this.current = fresh;
        else if (!isExpired(this.current)) list.unshift(this.current); // just created, not listed yet
      }
      this.sessions = list;
      this.renderSessionList();
      this.renderChatHeader();
      this.quota.setSession(this.current);
      this.updateComposer();
    } catch (err) {
      if (!silent && this.ctx === ctx) this.showError(err.code, err.message);
    }
  }

  async loadMessages({ silent = false } = {}) {
    const session = this.current;
    const token = ++this.loadToken;
    if (!session || !this.ctx) {
      this.renderMessages([]);
      return;
    }
    const box = this.el.messages;
    box.setAttribute('aria-busy', 'true');
    try {
      const res = await api.messages(this.tenantId, session.session_id);
      if (token !== this.loadToken || !this.isCurrent(session.session_id)) return;
      this.renderMessages(Array.isArray(res && res.messages) ? res.messages : []);
    } catch (err) {
      if (token !== this.loadToken) return;
      if (!silent) this.showError(err.code, err.message);
    } finally {
      if (token === this.loadToken) box.removeAttribute('aria-busy');
    }
  }

  // -------------------------------------------------------------------------
  // Sessions

  isCurrent(sessionId) {
    return !!this.current && !!sessionId && this.current.session_id === sessionId;
  }

  currentRunningTurn() {
    return this.current ? this.running.get(this.current.session_id) || null : null;
  }

  async selectSession(sessionId, { focus = false } = {}) {
    const session = this.sessions.find((s) => s.session_id === sessionId);
    if (!session || !this.ctx) return;
    const same = this.isCurrent(sessionId);
    this.current = session;
    this.renderSessionList();
    this.renderChatHeader();
    this.quota.setSession(session);
    this.updateComposer();
    if (!same) {
      this.el.messages.replaceChildren();
      this.bubbles.clear();
    }
    await this.loadMessages();
    if (focus && !isExpired(session)) this.el.input.focus();
  }

  async newChat() {
    const session = await this.createSession();
    if (session) {
      this.onSessionChosen();
      this.el.input.focus();
    }
  }

  /** Creates a session on the server and makes it the current one. */
  async createSession() {
    if (this.creating || !this.ctx) return null;
    const ctx = this.ctx;
    this.creating = true;
    this.el.newSession.disabled = true;
    try {
      const res = await api.createSession();
      if (this.ctx !== ctx) return null;
      const session = {
        session_id: res.session_id,
        session_key: res.session_key,
        created_at: new Date().toISOString(),
        expires_at: res.expires_at,
        expired: false,
        title: null,
        message_count: 0,
      };
      this.sessions = [session, ...this.sessions.filter((s) => s.session_id !== session.session_id)];
      this.current = session;
      this.loadToken++;
      this.renderSessionList();
      this.renderChatHeader();
      this.quota.setSession(session);
      this.renderMessages([]);
      this.loadUsage({ silent: true });
      return session;
    } catch (err) {
      if (this.ctx === ctx) this.showError(err.code, err.message);
      return null;
    } finally {
      this.creating = false;
      this.el.newSession.disabled = false;
    }
  }

  renderSessionList() {
    const list = this.el.sessionList;
    if (!this.sessions.length) {
      list.replaceChildren(h('li', { class: 'session-empty', text: 'No chats yet. Start one with “New chat” or just type a message.' }));
      return;
    }
    const hadFocus = list.contains(document.activeElement) ? document.activeElement.dataset.sessionId : null;
    list.replaceChildren(
      ...this.sessions.map((s) => {
        const expired = isExpired(s);
        const active = this.isCurrent(s.session_id);
        const count = num(s.message_count);
        const button = h(
          'button',
          {
            type: 'button',
            class: `session-item${expired ? ' expired' : ''}`,
            'aria-current': active ? 'true' : null,
            dataset: { sessionId: s.session_id },
            onClick: () => {
              this.onSessionChosen();
              this.selectSession(s.session_id, { focus: true });
            },
          },
          h('span', { class: 'session-title', text: s.title || 'New chat' }),
          h(
            'span',
            { class: 'session-meta' },
            h('span', { class: 'session-expiry', text: expiryText(s.expires_at, s.expired) }),
            count ? h('span', { class: 'session-count', text: ` · ${plural(count, 'message')}` }) : null,
          ),
        );
        return h('li', {}, button);
      }),
    );
    if (hadFocus) {
      const again = [...list.querySelectorAll('.session-item')].find((b) => b.dataset.sessionId === hadFocus);
      if (again) again.focus();
    }
  }

  renderChatHeader() {
    const s = this.current;
    this.el.chatTitle.textContent = s ? s.title || 'New chat' : 'New chat';
    if (!s) {
      this.el.chatMeta.textContent = 'Type a message to start a new chat.';
      return;
    }
    const expired = isExpired(s);
    this.el.chatMeta.textContent = expired ? 'Expired · read-only' : expiryText(s.expires_at, s.expired);
    this.el.chatMeta.classList.toggle('expired', expired);
  }

  // -------------------------------------------------------------------------
  // Message list

  showEmptyState() {
    const s = this.current;
    let text = 'Start a new chat, or just type a message below.';
    if (s && isExpired(s)) text = 'This chat has expired and has no messages.';
    else if (s) text = 'Ask anything to get started.';
    this.el.messages.replaceChildren(h('div', { class: 'empty-state' }, h('p', { text })));
  }

  /** Renders the stored messages of the current session (plus unsent ones). */
  renderMessages(messages) {
    const session = this.current;
    this.bubbles.clear();
    if (!session) {
      this.showEmptyState();
      this.updateComposer();
      return;
    }
    const sid = session.session_id;
    const nodes = [];
    const seen = new Set();
    const recentUserTexts = [];

    for (const m of messages) {
      if (m.role === 'user') {
        nodes.push(this.buildUserBubble(m.text ?? '', { turnId: m.turn_id, time: m.created_at }));
        recentUserTexts.push({ text: String(m.text ?? '').trim(), at: Date.parse(m.created_at) });
      } else if (m.role === 'assistant' && m.turn_id) {
        const t = this.syncTurn(m, sid);
        seen.add(t.turnId);
        nodes.push(this.buildAssistantBubble(t));
      }
    }

    // Replies still streaming that the server has not stored yet.
    for (const t of this.turns.values()) {
      if (t.sessionId === sid && !seen.has(t.turnId) && t.status === 'running') {
        if (Date.now() - t.lastActivity > STALE_TURN_MS) t.status = 'unknown';
        else nodes.push(this.buildAssistantBubble(t));
      }
    }

    // Recompute which turn is running in this session.
    this.running.delete(sid);
    for (const t of this.turns.values()) {
      if (t.sessionId === sid && t.status === 'running') this.running.set(sid, t.turnId);
    }

    // Local messages not (yet) confirmed by the server.
    for (const p of [...this.unsent.values()]) {
      if (p.sessionId !== sid) continue;
      const idx = recentUserTexts.findIndex(
        (u) => u.text === p.text.trim() && (Number.isNaN(u.at) || u.at >= p.createdAt - DUPLICATE_WINDOW_MS),
      );
      if (idx >= 0) {
        recentUserTexts.splice(idx, 1);
        if (p.state === 'failed') {
          // It did reach the server: the "connection lost, try again" warning no longer applies.
          this.unsent.delete(p.requestId);
          if (CONNECTION_CODES.has(p.errorCode) && CONNECTION_CODES.has(document.getElementById('error-banner').dataset.code)) hideBanner();
        }
        continue;
      }
      nodes.push(p.el);
    }

    if (nodes.length) this.el.messages.replaceChildren(...nodes);
    else this.showEmptyState();
    this.scrollToBottom();
    this.updateComposer();
  }

  /** Adds a node at the end of the message list. */
  appendNode(node) {
    const box = this.el.messages;
    const stick = this.isNearBottom();
    const empty = box.querySelector('.empty-state');
    if (empty) empty.remove();
    box.append(node);
    if (stick) this.scrollToBottom();
  }

  isNearBottom() {
    const b = this.el.messages;
    return b.scrollHeight - b.scrollTop - b.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    const b = this.el.messages;
    b.scrollTop = b.scrollHeight;
  }

  buildUserBubble(text, { turnId = null, time = null } = {}) {
    const el = h(
      'div',
      { class: 'msg user', title: time ? formatTime(time) : null },
      h('span', { class: 'visually-hidden', text: 'You: ' }),
      h('div', { class: 'msg-body', text }),
      h('div', { class: 'msg-status' }),
    );
    if (turnId) el.dataset.turnId = turnId;
    return el;
  }

  buildAssistantBubble(t) {
    const el = h(
      'div',
      { class: 'msg assistant', 'data-turn-id': t.turnId },
      h('span', { class: 'visually-hidden', text: 'Assistant: ' }),
      h('details', { class: 'steps', hidden: true }, h('summary', { text: 'Steps' }), h('ol', { class: 'steps-list' })),
      h('div', { class: 'msg-body markdown' }),
      h('p', { class: 'msg-error', hidden: true }),
      h('div', { class: 'msg-footer', hidden: true }),
    );
    this.bubbles.set(t.turnId, el);
    this.paintAssistant(t, el);
    return el;
  }

  /** The assistant bubble of a turn in the current view, created if needed. */
  ensureAssistantBubble(t) {
    if (!this.isCurrent(t.sessionId)) return null;
    const existing = this.bubbles.get(t.turnId);
    if (existing && existing.isConnected) return existing;
    const el = this.buildAssistantBubble(t);
    this.appendNode(el);
    return el;
  }

  paintAssistant(t, el) {
    const body = el.querySelector('.msg-body');
    const text = turnText(t);
    const running = t.status === 'running';
    if (!text) {
      this.rendered.delete(el);
      if (running) {
        if (!body.querySelector('.typing')) body.replaceChildren(h('span', { class: 'typing', text: 'Thinking…' }));
      } else {
        const note = t.status === 'cancelled' ? 'Stopped before any reply.' : t.status === 'failed' ? 'No reply.' : '';
        body.replaceChildren(note ? h('span', { class: 'muted', text: note }) : '');
      }
    } else if (this.rendered.get(el) !== text) {
      // renderMarkdown escapes all HTML in the model text before formatting.
      body.innerHTML = renderMarkdown(text);
      this.rendered.set(el, text);
    }
    el.classList.toggle('streaming', running);
    el.setAttribute('aria-busy', running ? 'true' : 'false');
    el.dataset.status = t.status;

    const details = el.querySelector('.steps');
    if (t.traces.length) {
      details.hidden = false;
      details.querySelector('summary').textContent = `Steps (${t.traces.length})`;
      const ol = details.querySelector('.steps-list');
      for (let i = ol.children.length; i < t.traces.length; i++) ol.append(traceItem(t.traces[i]));
    }

    const err = el.querySelector('.msg-error');
    err.textContent = t.error || '';
    err.hidden = !t.error;

    const footer = el.querySelector('.msg-footer');
    const parts = [];
    if (t.status === 'cancelled') parts.push('Stopped');
    else if (t.status === 'failed') parts.push('Failed');
    const usage = usageText(t.usage, t.cost);
    if (usage) parts.push(usage);
    footer.textContent = parts.join(' · ');
    footer.hidden = !parts.length;
  }

  scheduleRender(t) {
    this.renderQueue.add(t);
    if (this.rafId) return;
    this.rafId = requestAnimationFrame(() => {
      this.rafId = 0;
      const stick = this.isNearBottom();
      for (const turn of this.renderQueue) {
        const el = this.bubbles.get(turn.turnId);
        if (el && el.isConnected) this.paintAssistant(turn, el);
      }
      this.renderQueue.clear();
      if (stick) this.scrollToBottom();
    });
  }

  // -------------------------------------------------------------------------
  // Turns and streamed frames

  getTurn(turnId, sessionId) {
    let t = this.turns.get(turnId);
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
      this.turns.set(turnId, t);
    }
    if (!t.sessionId && sessionId) t.sessionId = sessionId;
    return t;
  }

  /** Merges a stored assistant message into the turn state. */
  syncTurn(m, sessionId) {
    const t = this.getTurn(m.turn_id, sessionId);
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

  /** Repaints a turn when it belongs to the open session. */
  touch(t) {
    if (!this.isCurrent(t.sessionId)) return;
    this.ensureAssistantBubble(t);
    this.scheduleRender(t);
  }

  markRunning(t) {
    if (t.status !== 'running' || !t.sessionId) return;
    this.running.set(t.sessionId, t.turnId);
    if (this.isCurrent(t.sessionId)) this.updateComposer();
  }

  clearRunning(t) {
    if (t.sessionId && this.running.get(t.sessionId) === t.turnId) {
      this.running.delete(t.sessionId);
      this.cancelling = false;
    }
    this.updateComposer();
  }

  /** Body of a frame pushed to client.<tenant>.<user>. */
  handleFrame(body) {
    if (!body || typeof body !== 'object' || !this.ctx) return;
    switch (body.type) {
      case 'chunk':
        this.onChunk(body);
        break;
      case 'trace':
        this.onTrace(body);
        break;
      case 'done':
        this.onDone(body);
        break;
      case 'error':
        this.onErrorFrame(body);
        break;
      case 'quota':
        this.quota.applyQuotaFrame(body);
        break;
      case 'budget_alert':
        this.onBudgetAlert(body);
        break;
      default:
        break;
    }
  }

  onChunk(body) {
    if (!body.turn_id) return;
    const t = this.getTurn(body.turn_id, body.session_id);
    if (t.authoritative) return;
    let seq = num(body.seq);
    if (seq === null) seq = t.nextLocalSeq++;
    if (t.chunks.has(seq)) return; // duplicate delivery
    t.chunks.set(seq, typeof body.text === 'string' ? body.text : String(body.text ?? ''));
    t.dirty = true;
    t.lastActivity = Date.now();
    if (!isTerminal(t.status)) {
      t.status = 'running';
      this.markRunning(t);
    }
    this.touch(t);
  }

  onTrace(body) {
    if (!body.turn_id) return;
    const t = this.getTurn(body.turn_id, body.session_id);
    const key = JSON.stringify(body);
    if (t.traceKeys.has(key)) return;
    t.traceKeys.add(key);
    t.traces.push(body);
    t.lastActivity = Date.now();
    if (!isTerminal(t.status)) this.markRunning(t);
    this.touch(t);
  }

  onDone(body) {
    if (!body.turn_id) return;
    const t = this.getTurn(body.turn_id, body.session_id);
    t.status = isTerminal(body.status) ? body.status : 'completed';
    if (body.usage) t.usage = body.usage;
    if (body.cost_usd !== undefined) t.cost = body.cost_usd;
    t.lastActivity = Date.now();
    this.clearRunning(t);
    this.touch(t);
    joinChunks(t);
    if ((t.reloaded || t.hasGap) && !t.authoritative) this.resyncTurn(t);
    this.loadUsage({ silent: true });
    this.loadSessions({ silent: true });
  }

  onErrorFrame(body) {
    const msg = friendlyMessage(body.code, body.message, this.quota.limitsForMessages);
    if (body.turn_id) {
      const t = this.getTurn(body.turn_id, body.session_id);
      t.error = msg;
      // Without any streamed text the turn is over; otherwise wait for `done`.
      if (t.status === 'running' && t.chunks.size === 0 && !t.serverText) {
        t.status = 'failed';
        this.clearRunning(t);
      }
      this.touch(t);
    }
    if (body.code === 'session_expired' && body.session_id) this.markExpired(body.session_id);
    this.showError(body.code, body.message);
  }

  /** Re-reads the stored text of a turn whose stream had gaps. */
  async resyncTurn(t) {
    const ctx = this.ctx;
    if (!ctx || !t.sessionId) return;
    try {
      const res = await api.messages(this.tenantId, t.sessionId);
      if (this.ctx !== ctx) return;
      const m = (res.messages || []).find((x) => x.role === 'assistant' && x.turn_id === t.turnId);
      if (!m) return;
      t.serverText = m.text ?? '';
      if (isTerminal(m.status)) t.authoritative = true;
      this.touch(t);
    } catch {
      // The streamed text stays on screen.
    }
  }

  markExpired(sessionId) {
    const s = this.sessions.find((x) => x.session_id === sessionId);
    if (s) s.expired = true;
    if (this.current && this.current.session_id === sessionId) this.current.expired = true;
    this.renderSessionList();
    this.renderChatHeader();
    this.quota.setSession(this.current);
    this.updateComposer();
  }

  // -------------------------------------------------------------------------
  // Composer

  updateCounter() {
    const len = this.el.input.value.length;
    const over = len > this.maxChars;
    this.el.counter.textContent = `${formatInt(len)} / ${formatInt(this.maxChars)}`;
    this.el.counter.classList.toggle('over', over);
    this.el.counter.classList.toggle('near', !over && len > this.maxChars * 0.9);
    this.el.input.setAttribute('aria-invalid', over ? 'true' : 'false');
    this.el.counter.title = over ? `${formatInt(len - this.maxChars)} characters over the limit` : '';
  }

  updateComposer() {
    const s = this.current;
    const expired = !!s && isExpired(s);
    const running = this.currentRunningTurn();
    const over = this.el.input.value.length > this.maxChars;
    const attached = !!this.ctx;

    this.el.input.disabled = !attached || expired;
    this.el.send.disabled = !attached || expired || this.sending || !!running || over;
    this.el.send.textContent = this.sending ? 'Sending…' : 'Send';
    if (!running && document.activeElement === this.el.stop) this.el.input.focus();
    this.el.stop.hidden = !running;
    this.el.stop.disabled = !running || this.cancelling;
    this.el.stop.textContent = this.cancelling ? 'Stopping…' : 'Stop';
    this.el.readonly.hidden = !expired;
    this.el.composer.classList.toggle('is-readonly', expired);
  }

  async submit() {
    if (!this.ctx || this.sending || this.currentRunningTurn()) return;
    const raw = this.el.input.value;
    const text = raw.trim();
    if (!text) {
      this.el.input.focus();
      return;
    }
    if (raw.length > this.maxChars) {
      this.showError('message_too_long', `Your message is ${formatInt(raw.length)} characters long; the limit is ${formatInt(this.maxChars)}.`);
      return;
    }
    if (this.current && isExpired(this.current)) {
      this.showError('session_expired', '');
      return;
    }

    this.sending = true;
    this.updateComposer();
    this.onSessionChosen(); // on phones the chat list folds away so the reply is visible
    try {
      const ctx = this.ctx;
      if (!this.current && this.sessionsLoaded) {
        // Still loading the chats after login: continue the open one (as the page is about
        // to do anyway) instead of opening another, which the plan may not allow.
        await this.sessionsLoaded;
        if (this.ctx !== ctx) return;
        const open = this.current || this.sessions.find((s) => !isExpired(s));
        if (open && !this.current) await this.selectSession(open.session_id);
        if (this.ctx !== ctx) return;
      }
      let session = this.current;
      if (!session) {
        session = await this.createSession();
        if (!session) return; // the error is shown; the text stays in the composer
      }
      this.el.input.value = '';
      this.updateCounter();
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
      this.updateComposer();
    }
  }

  /** Sends a user message over the event bus (again, for a retry: same request id). */
  async deliver(pending) {
    const ctx = this.ctx;
    if (!ctx) return;
    if (!pending.el) {
      pending.el = this.buildUserBubble(pending.text);
      if (this.isCurrent(pending.sessionId)) this.appendNode(pending.el);
    }
    this.unsent.set(pending.requestId, pending);
    this.setUserState(pending, 'sending');
    try {
      const reply = await ctx.bus.request('chat.send', {
        session_id: pending.sessionId,
        message: pending.text,
        request_id: pending.requestId,
      });
      if (this.ctx !== ctx) return;
      this.unsent.delete(pending.requestId);
      this.setUserState(pending, 'sent');
      const turnId = reply && reply.turn_id;
      if (turnId) {
        pending.el.dataset.turnId = turnId;
        const t = this.getTurn(turnId, pending.sessionId);
        if (!isTerminal(t.status)) {
          t.lastActivity = Date.now();
          this.markRunning(t);
        }
        this.touch(t);
        // A resend of a message the server already had: its turn may have finished (or been
        // stopped by the disconnect) without this page seeing the frames, so re-read it.
        if (reply.duplicate && !isTerminal(t.status)) this.loadMessages({ silent: true });
      }
      const s = this.sessions.find((x) => x.session_id === pending.sessionId);
      if (s) {
        s.message_count = (num(s.message_count) || 0) + 1;
        this.renderSessionList();
      }
    } catch (err) {
      if (this.ctx !== ctx) return;
      const code = err.code || 'error';
      pending.errorCode = code;
      this.setUserState(pending, 'failed');
      if (code === 'session_expired') this.markExpired(pending.sessionId);
      this.showError(code, err.message);
    }
  }

  setUserState(pending, state) {
    pending.state = state;
    const el = pending.el;
    const stick = el.isConnected && this.isNearBottom();
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
    if (stick) this.scrollToBottom();
  }

  async retry(pending) {
    if (!this.ctx || this.sending || this.running.get(pending.sessionId)) return;
    this.sending = true;
    this.updateComposer();
    try {
      await this.deliver(pending);
    } finally {
      this.sending = false;
      this.updateComposer();
    }
  }

  /** Puts the text of an unsent message back into the composer. */
  editUnsent(pending) {
    this.discard(pending);
    if (!this.el.input.value.trim()) this.el.input.value = pending.text;
    this.updateCounter();
    this.updateComposer();
    if (!this.el.input.disabled) this.el.input.focus();
  }

  discard(pending) {
    this.unsent.delete(pending.requestId);
    pending.el.remove();
    if (!this.el.messages.querySelector('.msg')) this.showEmptyState();
    this.el.input.focus();
  }

  async stop() {
    const turnId = this.currentRunningTurn();
    if (!turnId || this.cancelling || !this.ctx) return;
    const ctx = this.ctx;
    this.cancelling = true;
    this.updateComposer();
    try {
      await ctx.bus.request('chat.cancel', { turn_id: turnId });
      // The `done` frame with status "cancelled" finishes the bubble.
    } catch (err) {
      if (this.ctx !== ctx) return;
      if (err.code === 'not_found') this.loadMessages({ silent: true });
      else this.showError(err.code, err.message);
    } finally {
      if (this.ctx === ctx) {
        this.cancelling = false;
        this.updateComposer();
      }
    }
  }

  // -------------------------------------------------------------------------
  // Periodic updates

  tick() {
    if (!this.ctx) return;
    let newlyExpired = false;
    for (const btn of this.el.sessionList.querySelectorAll('.session-item')) {
      const s = this.sessions.find((x) => x.session_id === btn.dataset.sessionId);
      if (!s) continue;
      const expired = isExpired(s);
      if (expired && !btn.classList.contains('expired')) newlyExpired = true;
      btn.querySelector('.session-expiry').textContent = expiryText(s.expires_at, s.expired);
      btn.classList.toggle('expired', expired);
    }
    // A chat that just expired frees a slot: refresh the open-chats count.
    if (newlyExpired) this.loadUsage({ silent: true });
    this.renderChatHeader();
    this.quota.renderSessionTime();
    this.updateComposer();

    // A reply that stopped streaming without a `done` frame is re-read.
    const turnId = this.currentRunningTurn();
    const t = turnId ? this.turns.get(turnId) : null;
    if (t && Date.now() - t.lastActivity > STALE_TURN_MS) {
      t.lastActivity = Date.now();
      this.loadMessages({ silent: true });
    }
  }

  // -------------------------------------------------------------------------
  // Errors

  /** The user's own monthly budget crossed 50, 80 or 100 %. */
  onBudgetAlert(body) {
    const threshold = num(body.threshold) || 0;
    const amounts = `${formatUsd(body.spent_usd)} of ${formatUsd(body.limit_usd)}`;
    const text = threshold >= 100
      ? `Your monthly budget is used up (${amounts}). New messages are paused until an admin raises it or the month ends.`
      : `You have used ${threshold}% of your monthly budget (${amounts}).`;
    showBanner(text, { kind: threshold >= 100 ? 'error' : 'info', code: 'budget_alert', autoHideMs: threshold >= 100 ? 0 : 15_000 });
  }

  showError(code, serverMessage) {
    const text = friendlyMessage(code, serverMessage, this.quota.limitsForMessages);
    const actions = [];
    if (code === 'session_expired') actions.push({ label: 'Start a new chat', run: () => this.newChat() });
    showBanner(text, { actions, code: code || '' });
  }
}
