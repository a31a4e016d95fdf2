// Where the message list is scrolled: it follows new content while the reader is at the bottom and stays put while
// they read further up (a "Jump to latest" button then appears as content arrives); a message sent, another chat
// opened or "Jump to latest" takes the reader down; the place is kept while the chat is hidden (the admin view) and
// when the window or, on a phone, the on-screen keyboard changes the space the chat has.

import { h } from '../util.js';

/** Closer than this to the end counts as reading the latest. */
const NEAR_BOTTOM_PX = 80;

/** The phone layout (layout.css). */
const NARROW = window.matchMedia('(max-width: 720px)');

export class ScrollKeeper {
  /**
   * @param {object} el {box: #messages, chat: the chat column, composer: the composer form, input: the message box}
   * @param {import('./render.js').MessageView} view the message list, whose scrolls to the end go through here
   */
  constructor(el, view) {
    this.el = el;
    this.pinned = true;   // the reader is at the latest message
    this.fromBottom = 0;  // their distance from the end when not
    this.touchY = 0;
    this.button = h(
      'button',
      { type: 'button', id: 'jump-latest', class: 'button small jump-latest', hidden: true, onClick: () => this.jump() },
      h('span', { 'aria-hidden': 'true', text: '↓ ' }),
      'Jump to latest',
    );
    el.box.after(this.button);
    // render.js scrolls to the end after each change it makes; it does only while the reader follows
    view.scrollToBottom = () => this.follow();
    const clear = view.clear.bind(view);
    view.clear = () => {
      clear();
      this.toLatest(); // another chat (or none) opens at its end
    };
    el.box.addEventListener('scroll', () => this.onScroll(), { passive: true });
    // the reader moving up leaves the end at once, before the scroll event: a chunk in between must not pull them back
    el.box.addEventListener('wheel', (e) => { if (e.deltaY < 0) this.leave(); }, { passive: true });
    el.box.addEventListener('touchstart', (e) => { this.touchY = e.touches[0].clientY; }, { passive: true });
    el.box.addEventListener('touchmove', (e) => { if (e.touches[0].clientY > this.touchY) this.leave(); }, { passive: true });
    el.box.addEventListener('keydown', (e) => { if (['PageUp', 'ArrowUp', 'Home'].includes(e.key)) this.leave(); });
    new MutationObserver(() => this.onContent()).observe(el.box, { childList: true, subtree: true, characterData: true });
    // the list shown again (back from the admin view) or given another size (window, keyboard): the same place
    new ResizeObserver(() => this.restore()).observe(el.box);
    if (window.visualViewport) {
      this.tallest = window.visualViewport.height;
      window.visualViewport.addEventListener('resize', () => this.onViewport());
      el.input.addEventListener('blur', () => el.chat.closest('.app')?.classList.remove('keyboard-open'));
    }
  }

  get visible() {
    return this.el.box.clientHeight > 0;
  }

  distance() {
    const b = this.el.box;
    return Math.max(0, b.scrollHeight - b.scrollTop - b.clientHeight);
  }

  onScroll() {
    if (!this.visible) return;
    const d = this.distance();
    this.pinned = d < NEAR_BOTTOM_PX;
    this.fromBottom = d;
    if (this.pinned) this.button.hidden = true;
  }

  /** The reader scrolls up, away from the latest message. */
  leave() {
    if (this.el.box.scrollHeight > this.el.box.clientHeight) this.pinned = false;
  }

  /** Something in the list changed: follow it, or offer the way down. */
  onContent() {
    if (!this.visible) return;
    if (this.pinned) {
      this.follow();
    } else if (this.distance() >= NEAR_BOTTOM_PX && this.el.box.querySelector('.msg')) {
      this.button.hidden = false;
    }
  }

  /** Scrolls to the end when the reader follows the latest. */
  follow() {
    if (!this.pinned) return;
    const b = this.el.box;
    b.scrollTop = b.scrollHeight;
    this.fromBottom = 0;
    this.button.hidden = true;
  }

  /** Goes to the latest message whatever the position (a message sent, another chat). */
  toLatest() {
    this.pinned = true;
    this.follow();
  }

  /** The "Jump to latest" button: down, and on with typing. */
  jump() {
    this.toLatest();
    const input = this.el.input;
    if (!input.disabled) input.focus({ preventScroll: true });
  }

  /** After the list was hidden or resized: the end when following, else as far from it as before. */
  restore() {
    if (!this.visible) return;
    if (this.pinned) {
      this.follow();
      return;
    }
    const b = this.el.box;
    b.scrollTop = Math.max(0, b.scrollHeight - b.clientHeight - this.fromBottom);
  }

  /**
   * The visual viewport changed (a phone's keyboard opens or closes): the page is as tall as what is visible, so the
   * composer stays above the keyboard, and the latest message stays in view while the reader follows.
   */
  onViewport() {
    const vv = window.visualViewport;
    const app = this.el.chat.closest('.app');
    if (app && vv.scale <= 1.01) {
      app.style.setProperty('--visible-height', `${Math.round(vv.height)}px`);
      app.classList.add('viewport-sized');
      // a keyboard took a good part of a phone's screen while typing: the chat gets the room (chat-ux.css)
      this.tallest = Math.max(this.tallest || 0, vv.height);
      const keyboard = NARROW.matches && document.activeElement === this.el.input && vv.height < this.tallest * 0.8;
      app.classList.toggle('keyboard-open', keyboard);
    }
    this.restore();
    if (document.activeElement === this.el.input) this.el.composer.scrollIntoView({ block: 'nearest' });
  }
}
