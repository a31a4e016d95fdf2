// The chat view of a logged-in user: what it loads from the server, which chat is open, and the parts that
// show it: the chat list (list.js), the messages (render.js, history.js), the composer (composer.js),
// delivery of messages (delivery.js), the frames of running replies (frames.js), the quota panel (quota.js),
// the periodic updates (ticker.js), the scroll position (scroll.js), the empty state (empty.js) and the keyboard
// shortcuts (shortcuts.js).

import { api } from '../api/endpoints.js';
import { $, num } from '../util.js';
import { QuotaPanel } from './quota.js';
import { Turns } from './turns.js';
import { MessageView } from './render.js';
import { SessionList, isExpired, isSame } from './list.js';
import { Composer } from './composer.js';
import { Delivery } from './delivery.js';
import { FrameHandler } from './frames.js';
import { showHistory } from './history.js';
import { showChatError } from './alerts.js';
import { Ticker } from './ticker.js';
import { ScrollKeeper } from './scroll.js';
import { EmptyState } from './empty.js';
import { Shortcuts } from './shortcuts.js';
import { Conversations } from './conversations.js';
import { MessageActions } from './actions.js';

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
    this.newSessionButton = $('#new-session');
    this.conversations = new Conversations(this);
    this.list = new SessionList({ list: $('#session-list'), title: $('#chat-title'), meta: $('#chat-meta') }, (sessionId) => {
      this.onSessionChosen();
      this.selectSession(sessionId, { focus: true });
    }, this.conversations.listActions());
    this.view = new MessageView($('#messages'));
    this.scroll = new ScrollKeeper({ box: $('#messages'), chat: $('main.chat'), composer: $('#composer'), input: $('#message-input') }, this.view);
    this.welcome = new EmptyState(this);
    this.view.showEmptyState = (session) => this.welcome.show(session);
    this.actions = new MessageActions(this);
    this.turns = new Turns();
    this.delivery = new Delivery(this);
    this.frames = new FrameHandler(this);
    this.composer = new Composer(
      {
        composer: $('#composer'),
        input: $('#message-input'),
        send: $('#send'),
        stop: $('#stop'),
        counter: $('#char-counter'),
        readonly: $('#readonly-note'),
        readonlyNew: $('#readonly-new'),
      },
      this.maxChars,
      {
        submit: () => this.delivery.submit(),
        input: () => this.updateComposer(),
        stop: () => this.delivery.stop(),
        newChat: () => this.newChat(),
      },
    );
    this.newSessionButton.addEventListener('click', () => this.newChat());
    this.shortcuts = new Shortcuts(this, $('.chat-head'));
    this.ticker = new Ticker(this);
    this.ctx = null;
    this.resetState();
    this.composer.updateCounter();
    this.updateComposer();
  }

  resetState() {
    this.sessions = [];
    this.current = null;
    this.turns.clear();
    this.view.bubbles.clear();
    this.delivery.reset();
    this.creating = false;
    this.startingNew = false;
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
    this.view.clear();
    this.renderSessionList();
    this.list.renderHeader(this.current);
    this.view.showEmptyState(this.current);
    this.updateComposer();
    this.ticker.start();

    const tier = ctx.user.tier;
    const tierLimits = (this.config.tiers || {})[tier];
    this.quota.setPlan(tier, tierLimits || null);
    this.welcome.refresh();

    // submit() waits for this list: a message typed before it arrives must not open a second chat.
    this.sessionsLoaded = this.loadSessions();
    await Promise.all([this.loadPlan(), this.loadUsage(), this.sessionsLoaded]);
    if (this.ctx !== ctx || this.current || this.startingNew) return;
    if (await this.conversations.openFromUrl()) return;
    const open = this.sessions.find((s) => !isExpired(s));
    if (open) await this.selectSession(open.session_id, { focus: true });
    else this.composer.input.focus();
  }

  detach() {
    this.conversations.reset();
    this.ticker.stop();
    this.view.stop();
    this.ctx = null;
    this.resetState();
    this.quota.reset();
    this.view.clear();
    this.list.clear();
    this.composer.input.value = '';
    this.composer.updateCounter();
    this.updateComposer();
  }

  /** The event-bus connection came back: reload so nothing is missed. */
  async onReconnected() {
    if (!this.ctx) return;
    this.loadSessions({ silent: true });
    this.loadUsage({ silent: true });
    await this.loadMessages({ silent: true });
    await this.delivery.resendCut();
  }

  /** Body of a frame pushed to client.<tenant>.<user>. */
  handleFrame(body) {
    this.frames.handle(body);
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
      this.welcome.refresh();
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
      this.showSessionState();
    } catch (err) {
      if (!silent && this.ctx === ctx) this.showError(err.code, err.message);
    }
  }

  async loadMessages({ silent = false } = {}) {
    const session = this.current;
    const token = ++this.loadToken;
    if (!session || !this.ctx) {
      showHistory(this, []);
      return;
    }
    this.view.setBusy(true);
    try {
      const res = await api.messages(this.tenantId, session.session_id);
      if (token !== this.loadToken || !this.isCurrent(session.session_id)) return;
      showHistory(this, Array.isArray(res && res.messages) ? res.messages : []);
    } catch (err) {
      if (token !== this.loadToken) return;
      if (!silent) this.showError(err.code, err.message);
    } finally {
      if (token === this.loadToken) this.view.setBusy(false);
    }
  }

  // -------------------------------------------------------------------------
  // Chats

  isCurrent(sessionId) {
    return isSame(this.current, sessionId);
  }

  currentRunningTurn() {
    return this.current ? this.turns.runningIn(this.current.session_id) : null;
  }

  renderSessionList() {
    this.list.render(this.sessions, this.current);
  }

  /** The list, the header, the chat's time left and the composer after the current chat changed. */
  showSessionState() {
    this.renderSessionList();
    this.list.renderHeader(this.current);
    this.quota.setSession(this.current);
    this.conversations.shown();
    this.updateComposer();
  }

  async selectSession(sessionId, { focus = false } = {}) {
    const session = this.sessions.find((s) => s.session_id === sessionId);
    if (!session || !this.ctx) return;
    const same = this.isCurrent(sessionId);
    this.current = session;
    this.showSessionState();
    if (!same) this.view.clear();
    await this.loadMessages();
    if (focus && !isExpired(session)) this.composer.input.focus();
  }

  /** An empty chat: created on the server (taking a slot) only when its first message is sent. */
  newChat() {
    this.onSessionChosen();
    this.conversations.startNew();
  }

  /** Creates a session on the server and makes it the current one. */
  async createSession() {
    if (this.creating || !this.ctx) return null;
    const ctx = this.ctx;
    this.creating = true;
    this.newSessionButton.disabled = true;
    try {
      const res = await api.createSession();
      if (this.ctx !== ctx) return null;
      const session = {
        ...res,
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
      this.list.renderHeader(session);
      this.quota.setSession(session);
      this.conversations.shown();
      showHistory(this, []);
      this.loadUsage({ silent: true });
      return session;
    } catch (err) {
      if (this.ctx === ctx) this.showError(err.code, err.message);
      return null;
    } finally {
      this.creating = false;
      this.newSessionButton.disabled = false;
    }
  }

  markExpired(sessionId) {
    const s = this.sessions.find((x) => x.session_id === sessionId);
    if (s) s.expired = true;
    if (this.current && this.current.session_id === sessionId) this.current.expired = true;
    this.showSessionState();
  }

  // -------------------------------------------------------------------------
  // Replies

  /** Repaints a turn when it belongs to the open session. */
  touch(t) {
    if (!this.isCurrent(t.sessionId)) return;
    this.view.ensureAssistant(t);
    this.view.schedule(t);
  }

  markRunning(t) {
    if (this.turns.markRunning(t) && this.isCurrent(t.sessionId)) this.updateComposer();
  }

  clearRunning(t) {
    if (this.turns.clearRunning(t)) this.delivery.cancelling = false;
    this.updateComposer();
  }

  updateComposer() {
    const s = this.current;
    this.composer.update({
      attached: !!this.ctx,
      expired: !!s && isExpired(s),
      sending: this.delivery.sending,
      running: this.currentRunningTurn(),
      cancelling: this.delivery.cancelling,
    });
    this.actions.refresh();
  }

  // -------------------------------------------------------------------------
  // Errors

  showError(code, serverMessage) {
    showChatError(code, serverMessage, this.quota.limitsForMessages, () => this.newChat());
  }
}
