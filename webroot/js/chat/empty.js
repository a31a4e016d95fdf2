// The empty state of a chat without messages: a short welcome and a few example prompts as buttons that fill the
// composer. The prompts show what the user's plan can do: the weather tool (current, or with the forecast) where
// the plan includes it, the usage tool (every plan), and prompts needing no tool for a plan without tools.

import { h } from '../util.js';
import { isExpired } from './list.js';

/** Tools the agent may use on a plan, from its limits (GET /subscription or the client configuration). */
export function planTools(limits) {
  if (!limits) return [];
  if (Array.isArray(limits.tools)) return limits.tools.map(String);
  const tools = [];
  if (limits.weather === 'current' || limits.weather === 'forecast') tools.push('weather');
  if (limits.weather === 'forecast') tools.push('forecast');
  tools.push('usage'); // the user's own quota: offered on every plan
  return tools;
}

/** Three or four example prompts that use the plan's tools; a plan without tools gets prompts needing none. */
export function examplePrompts(tools) {
  const has = (t) => tools.includes(t);
  const prompts = [];
  if (has('weather')) prompts.push({ label: 'Weather in Lisbon', text: "What's the weather in Lisbon right now?", tool: 'weather' });
  if (has('forecast')) prompts.push({ label: 'Three-day forecast', text: "What's the forecast for Tokyo for the next three days?", tool: 'forecast' });
  if (has('usage')) prompts.push({ label: 'Messages left today', text: 'How many messages do I have left today and this month?', tool: 'usage' });
  const plain = [
    { label: 'Write an email', text: 'Write a short, friendly email asking my team for their status updates by Friday.' },
    { label: 'Explain simply', text: 'Explain what an API is in two sentences, for someone who is not technical.' },
    { label: 'Brainstorm', text: 'Give me five name ideas for an internal newsletter.' },
  ];
  for (const p of plain) if (prompts.length < 4) prompts.push(p);
  return prompts;
}

export class EmptyState {
  /**
   * @param {import('./controller.js').ChatController} chat
   */
  constructor(chat) {
    this.chat = chat;
  }

  /** Draws the empty state of `session` (null: no chat open yet) into the message list. */
  show(session) {
    const box = this.chat.view.box;
    if (session && isExpired(session)) {
      box.replaceChildren(h('div', { class: 'empty-state' }, h('p', { text: 'This chat has expired and has no messages.' })));
      return;
    }
    const tools = planTools(this.chat.quota.limits);
    const prompts = examplePrompts(tools);
    const buttons = prompts.map((p) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'example-prompt', dataset: { tool: p.tool || '' }, onClick: () => this.chat.composer.setText(p.text) },
          h('span', { class: 'example-label', text: p.label }),
          h('span', { class: 'example-text', text: p.text }),
        ),
      ),
    );
    box.replaceChildren(
      h(
        'div',
        { class: 'empty-state welcome', dataset: { tools: tools.join(' ') } },
        h('h3', { class: 'welcome-title', text: 'How can I help?' }),
        h('p', { text: tools.includes('weather') ? 'Ask anything, or try one of these: the assistant can look things up with your plan’s tools.' : 'Ask anything, or start with one of these.' }),
        h('ul', { class: 'example-prompts', 'aria-label': 'Example prompts' }, ...buttons),
      ),
    );
  }

  /** The plan became known (or changed): an empty state shown is drawn again with its prompts. */
  refresh() {
    if (this.chat.view.box.querySelector('.empty-state.welcome')) this.show(this.chat.current);
  }
}
