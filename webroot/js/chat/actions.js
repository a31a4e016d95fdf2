// The buttons under the messages: "Copy" on every message; on the chat's last finished exchange "Regenerate" (the
// same question again) and "Edit" (the question changed in place and sent again). A regenerated or edited question
// replaces the last exchange (`replaces_turn_id`): the server hides the old one and meters the new turn as any other.

import { h, uuid } from '../util.js';
import { isTerminal, turnText } from './turns.js';
import { isExpired } from './list.js';

const COPIED_MS = 2000;

/** Copies text to the clipboard; the fallback serves pages the Clipboard API refuses. */
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { class: 'visually-hidden', 'aria-hidden': 'true', readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export class MessageActions {
  /** @param {import('./controller.js').ChatController} chat */
  constructor(chat) {
    this.chat = chat;
    this.box = chat.view.box;
    // bubbles added or removed, and replies finishing, change which buttons are offered
    new MutationObserver(() => this.refresh()).observe(this.box, { childList: true });
    new MutationObserver(() => this.refresh()).observe(this.box, { subtree: true, attributes: true, attributeFilter: ['data-status', 'data-turn-id'] });
  }

  /** Every bubble has its bar; Regenerate and Edit only on the last exchange, when it is over and the chat open. */
  refresh() {
    const bubbles = [...this.box.querySelectorAll(':scope > .msg')];
    for (const el of bubbles) this.bar(el);
    const chat = this.chat;
    const answers = bubbles.filter((el) => el.classList.contains('assistant'));
    const last = answers[answers.length - 1];
    const turnId = last ? last.dataset.turnId : null;
    const question = turnId ? bubbles.find((el) => el.classList.contains('user') && el.dataset.turnId === turnId) : null;
    const open = !!chat.current && !isExpired(chat.current) && !chat.currentRunningTurn() && !chat.delivery.sending;
    const over = !!last && isTerminal(last.dataset.status) && last === bubbles[bubbles.length - 1];
    for (const el of bubbles) {
      const b = el.querySelector(':scope > .msg-actions');
      const latest = open && over && (el === last || el === question);
      b.querySelector('[data-action="regenerate"]').hidden = !(latest && el === last && !!question);
      b.querySelector('[data-action="edit"]').hidden = !(latest && el === question && !el.querySelector('.msg-edit'));
    }
  }

  /** The bubble's bar, made once. */
  bar(el) {
    if (el.querySelector(':scope > .msg-actions')) return;
    const copy = h('button', { type: 'button', class: 'msg-action', dataset: { action: 'copy' }, text: 'Copy' });
    copy.addEventListener('click', async () => {
      if (await copyText(this.textOf(el))) {
        copy.textContent = 'Copied';
        setTimeout(() => {
          copy.textContent = 'Copy';
        }, COPIED_MS);
      }
    });
    el.append(h(
      'div',
      { class: 'msg-actions' },
      copy,
      h('button', { type: 'button', class: 'msg-action', dataset: { action: 'regenerate' }, hidden: true, onClick: () => this.regenerate(el), text: 'Regenerate' }),
      h('button', { type: 'button', class: 'msg-action', dataset: { action: 'edit' }, hidden: true, onClick: () => this.edit(el), text: 'Edit' }),
    ));
  }

  /** A message's text: a reply's Markdown source as it arrived, a question as it was sent. */
  textOf(el) {
    const t = el.classList.contains('assistant') ? this.chat.turns.find(el.dataset.turnId) : null;
    if (t) return turnText(t);
    const body = el.querySelector('.msg-body');
    return body ? body.textContent : '';
  }

  regenerate(answer) {
    const turnId = answer.dataset.turnId;
    const question = [...this.box.querySelectorAll('.msg.user')].find((el) => el.dataset.turnId === turnId);
    if (question) this.replace(turnId, this.textOf(question));
  }

  /** The question becomes a box to change it in place: Enter (or Send) sends it again, Escape (or Cancel) keeps it. */
  edit(question) {
    const body = question.querySelector('.msg-body');
    const area = h('textarea', { class: 'msg-edit-input', rows: 3, 'aria-label': 'Edit your message', maxlength: this.chat.maxChars });
    area.value = body.textContent;
    const cancel = () => {
      form.remove();
      body.hidden = false;
      this.refresh();
    };
    const send = () => {
      const text = area.value.trim();
      if (!text) return;
      if (text === body.textContent.trim()) {
        cancel();
        return;
      }
      this.replace(question.dataset.turnId, text);
    };
    const form = h(
      'form',
      { class: 'msg-edit', onSubmit: (e) => { e.preventDefault(); send(); } },
      area,
      h(
        'div',
        { class: 'msg-edit-bar' },
        h('button', { type: 'submit', class: 'button primary small', dataset: { action: 'send-edit' }, text: 'Send' }),
        h('button', { type: 'button', class: 'button small', dataset: { action: 'cancel-edit' }, onClick: cancel, text: 'Cancel' }),
      ),
    );
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        send();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        cancel();
      }
    });
    body.hidden = true;
    body.after(form);
    this.refresh();
    area.focus();
  }

  /** Sends `text` in place of the chat's last exchange (turn `turnId`), whose bubbles leave the view. */
  async replace(turnId, text) {
    const chat = this.chat;
    const delivery = chat.delivery;
    if (!chat.ctx || !chat.current || delivery.sending || chat.currentRunningTurn() || isExpired(chat.current)) return;
    for (const el of [...this.box.querySelectorAll('.msg')].filter((x) => x.dataset.turnId === turnId)) el.remove();
    chat.view.bubbles.delete(turnId);
    const pending = { requestId: uuid(), sessionId: chat.current.session_id, text, createdAt: Date.now(), el: null, state: 'new',
      errorCode: null, autoRetried: false, replaces: turnId };
    await delivery.retry(pending); // delivered as a retry is: with the composer busy meanwhile
    // refused (the old exchange is still the chat's): the conversation as stored, with the unsent message
    if (pending.state === 'failed') chat.loadMessages({ silent: true });
  }
}
