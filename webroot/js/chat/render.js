// The message list of the open chat (#messages): user and assistant bubbles, a reply painted from its turn
// state (Markdown, steps, error, usage footer) at most once a frame, the empty state and the scroll position.

import { renderMarkdownInto } from '../markdown.js';
import { traceItem } from '../steps.js';
import { h, num } from '../util.js';
import { formatTime, tokensText, usdText } from '../format.js';
import { turnText } from './turns.js';
import { isExpired } from './list.js';

const NEAR_BOTTOM_PX = 80;

/** "120 in / 80 out tokens" of a reply. */
function usageText(usage) {
  return usage ? tokensText(usage.input_tokens ?? 0, usage.output_tokens ?? 0, usage.estimated) : '';
}

export class MessageView {
  /** @param {HTMLElement} box the #messages element */
  constructor(box) {
    this.box = box;
    this.bubbles = new Map();      // turn_id -> assistant bubble in the current view
    this.rendered = new WeakMap(); // bubble -> markdown source last rendered
    this.renderQueue = new Set();
    this.rafId = 0;
  }

  /** Empties the list (another chat, or logged out). */
  clear() {
    this.box.replaceChildren();
    this.bubbles.clear();
  }

  /** Drops the repaints still waiting for a frame. */
  stop() {
    cancelAnimationFrame(this.rafId);
    this.rafId = 0;
    this.renderQueue.clear();
  }

  /** Shows these bubbles, or the empty state when there are none. */
  show(nodes, session) {
    if (nodes.length) this.box.replaceChildren(...nodes);
    else this.showEmptyState(session);
    this.scrollToBottom();
  }

  showEmptyState(session) {
    let text = 'Start a new chat, or just type a message below.';
    if (session && isExpired(session)) text = 'This chat has expired and has no messages.';
    else if (session) text = 'Ask anything to get started.';
    this.box.replaceChildren(h('div', { class: 'empty-state' }, h('p', { text })));
  }

  /** Whether any message is shown. */
  get hasMessages() {
    return !!this.box.querySelector('.msg');
  }

  /** Marks the list as loading (or not) for assistive technology. */
  setBusy(busy) {
    if (busy) this.box.setAttribute('aria-busy', 'true');
    else this.box.removeAttribute('aria-busy');
  }

  /** Adds a node at the end of the message list. */
  append(node) {
    const stick = this.isNearBottom();
    const empty = this.box.querySelector('.empty-state');
    if (empty) empty.remove();
    this.box.append(node);
    if (stick) this.scrollToBottom();
  }

  isNearBottom() {
    const b = this.box;
    return b.scrollHeight - b.scrollTop - b.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    const b = this.box;
    b.scrollTop = b.scrollHeight;
  }

  // -------------------------------------------------------------------------
  // Bubbles

  userBubble(text, { turnId = null, time = null } = {}) {
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

  assistantBubble(t) {
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
    this.paint(t, el);
    return el;
  }

  /** The assistant bubble of a turn in the list, added at the end when missing. */
  ensureAssistant(t) {
    const existing = this.bubbles.get(t.turnId);
    if (existing && existing.isConnected) return existing;
    const el = this.assistantBubble(t);
    this.append(el);
    return el;
  }

  /** Paints a reply from its turn state. */
  paint(t, el) {
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
      // renderMarkdownInto escapes all HTML in the model text before formatting; code only ever becomes text.
      renderMarkdownInto(body, text);
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
    const usage = usageText(t.usage);
    if (usage) parts.push(usage);
    const cost = num(t.cost);
    footer.textContent = parts.join(' · ');
    if (cost !== null) {
      // the cost with its exact amount in the tooltip
      footer.append(parts.length ? ' · ' : '', usdText(cost));
    }
    footer.hidden = !parts.length && cost === null;
  }

  /** Repaints a reply at the next animation frame (many chunks arrive per frame). */
  schedule(t) {
    this.renderQueue.add(t);
    if (this.rafId) return;
    this.rafId = requestAnimationFrame(() => {
      this.rafId = 0;
      const stick = this.isNearBottom();
      for (const turn of this.renderQueue) {
        const el = this.bubbles.get(turn.turnId);
        if (el && el.isConnected) this.paint(turn, el);
      }
      this.renderQueue.clear();
      if (stick) this.scrollToBottom();
    });
  }
}
