// Event-bus bridge client on a native WebSocket: connects and reconnects, registers the page's addresses,
// sends (with a reply, or fire-and-forget) and hands pushed messages to their handlers. The frames are
// described in protocol.js; refusals are handled in refusals.js.

import { uuid } from '../util.js';
import { BusError, authHeaders } from './protocol.js';
import { Refusals } from './refusals.js';

const utf8 = new TextDecoder('utf-8');

const PING_INTERVAL_MS = 5_000;
const DEFAULT_REPLY_TIMEOUT_MS = 30_000;
const MAX_BACKOFF_MS = 15_000;

export class EventBus {
  /**
   * @param {string} url ws:// or wss:// address of the bridge
   * @param {object} opts
   * @param {() => string|null} opts.getToken current ID token
   * @param {() => Promise<string>} [opts.refreshToken] renews the ID token
   * @param {(state: string, info: object) => void} [opts.onStatus]
   *        'connecting' | 'open' | 'reconnecting' | 'closed'
   * @param {(err: BusError) => void} [opts.onError] refusals not tied to a send
   */
  constructor(url, opts = {}) {
    this.url = url;
    this.getToken = opts.getToken || (() => null);
    this.refreshToken = opts.refreshToken || null;
    this.onStatus = opts.onStatus || (() => {});
    this.onError = opts.onError || (() => {});

    this.ws = null;
    this.state = 'idle';
    this.stopped = true;
    this.everOpened = false;
    this.attempt = 0;
    this.reconnectTimer = null;
    this.pingTimer = null;

    this.handlers = new Map();  // address -> Set<fn(body, frame)>
    this.replies = new Map();   // replyAddress -> {resolve, reject, timer, build, sent, resent}
    this.outbox = [];           // frames waiting for an open socket: {key, build}
    this.refusals = new Refusals(this);
  }

  get isOpen() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    if (!this.stopped) return;
    this.stopped = false;
    this.openSocket();
  }

  /** Closes the socket for good: no reconnect, pending replies fail. */
  close() {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPing();
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000, 'closed by client');
      } catch {
        // ignore
      }
    }
    for (const [key, entry] of this.replies) {
      clearTimeout(entry.timer);
      entry.reject(new BusError('closed', 'The connection was closed.'));
      this.replies.delete(key);
    }
    this.outbox = [];
    this.setState('closed', {});
  }

  // -------------------------------------------------------------------------
  // Public messaging API

  /** Registers a handler for messages pushed to an address. */
  register(address, handler) {
    let set = this.handlers.get(address);
    const isNew = !set;
    if (!set) {
      set = new Set();
      this.handlers.set(address, set);
    }
    set.add(handler);
    if (isNew && this.isOpen) this.sendRegister(address);
    return () => this.unregister(address, handler);
  }

  unregister(address, handler) {
    const set = this.handlers.get(address);
    if (!set) return;
    if (handler) set.delete(handler);
    if (!handler || set.size === 0) {
      this.handlers.delete(address);
      if (this.isOpen) {
        this.rawSend({ type: 'unregister', address, headers: this.authHeaders() });
      }
    }
  }

  /**
   * Sends a message and waits for the reply body. Rejects with a BusError
   * (code from the server, or 'timeout' / 'disconnected' / 'closed').
   * While the socket is down the frame waits for the reconnect (within the timeout).
   */
  request(address, body, { timeout = DEFAULT_REPLY_TIMEOUT_MS } = {}) {
    if (this.stopped) {
      return Promise.reject(new BusError('closed', 'Not connected to the server.'));
    }
    const replyAddress = uuid();
    return new Promise((resolve, reject) => {
      const entry = {
        resolve,
        reject,
        sent: false,
        resent: false,
        build: () => ({ type: 'send', address, headers: this.authHeaders(), body, replyAddress }),
        timer: setTimeout(() => {
          this.replies.delete(replyAddress);
          this.outbox = this.outbox.filter((f) => f.key !== replyAddress);
          reject(new BusError('timeout', 'The server did not answer in time.'));
        }, timeout),
      };
      this.replies.set(replyAddress, entry);
      if (this.isOpen) {
        entry.sent = this.rawSend(entry.build());
        if (!entry.sent) this.outbox.push({ key: replyAddress, build: entry.build });
      } else {
        this.outbox.push({ key: replyAddress, build: entry.build });
      }
    });
  }

  /** Fire-and-forget send (no reply expected). */
  send(address, body) {
    const build = () => ({ type: 'send', address, headers: this.authHeaders(), body });
    if (!this.isOpen || !this.rawSend(build())) this.outbox.push({ key: null, build });
  }

  // -------------------------------------------------------------------------
  // Socket lifecycle

  openSocket() {
    this.setState(this.everOpened ? 'reconnecting' : 'connecting', { attempt: this.attempt });
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      console.error('WebSocket creation failed', e);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    // The server's raw WebSocket transport sends each bridge frame as a binary message holding UTF-8 JSON.
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => this.handleOpen(ws);
    ws.onmessage = (ev) => this.handleFrame(typeof ev.data === 'string' ? ev.data : utf8.decode(ev.data));
    ws.onclose = () => this.handleClose(ws);
    ws.onerror = () => {
      // A close event always follows; reconnect is handled there.
    };
  }

  handleOpen(ws) {
    if (ws !== this.ws) return;
    const reconnected = this.everOpened;
    this.everOpened = true;
    this.attempt = 0;
    this.startPing();
    for (const address of this.handlers.keys()) this.sendRegister(address);
    const waiting = this.outbox;
    this.outbox = [];
    for (const frame of waiting) {
      const ok = this.rawSend(frame.build());
      const entry = frame.key ? this.replies.get(frame.key) : null;
      if (entry) entry.sent = ok;
      if (!ok) this.outbox.push(frame);
    }
    this.setState('open', { reconnected });
  }

  handleClose(ws) {
    if (ws !== this.ws) return;
    this.ws = null;
    this.stopPing();
    // Replies to frames sent on the old socket can no longer arrive.
    for (const [key, entry] of this.replies) {
      if (!entry.sent) continue;
      clearTimeout(entry.timer);
      this.replies.delete(key);
      entry.reject(new BusError('disconnected', 'The connection to the server was lost.'));
    }
    if (!this.stopped) this.scheduleReconnect();
  }

  scheduleReconnect() {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    const delay = Math.min(1000 * 2 ** this.attempt, MAX_BACKOFF_MS);
    this.attempt += 1;
    this.setState('reconnecting', { delay, attempt: this.attempt });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.openSocket();
    }, delay);
  }

  /** Tries to reconnect right away (e.g. when the browser comes back online). */
  reconnectNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.openSocket();
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => this.rawSend({ type: 'ping' }), PING_INTERVAL_MS);
  }

  stopPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  setState(state, info) {
    this.state = state;
    try {
      this.onStatus(state, info);
    } catch (e) {
      console.error(e);
    }
  }

  // -------------------------------------------------------------------------
  // Frames

  authHeaders() {
    return authHeaders(this.getToken());
  }

  sendRegister(address) {
    this.rawSend({ type: 'register', address, headers: this.authHeaders() });
  }

  rawSend(frame) {
    if (!this.isOpen) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch (e) {
      console.error('WebSocket send failed', e);
      return false;
    }
  }

  handleFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object') return;

    if (frame.type === 'rec' || frame.type === 'message') {
      const entry = this.replies.get(frame.address);
      if (entry) {
        clearTimeout(entry.timer);
        this.replies.delete(frame.address);
        entry.resolve(frame.body);
        return;
      }
      const set = this.handlers.get(frame.address);
      if (!set) return;
      for (const fn of [...set]) {
        try {
          fn(frame.body, frame);
        } catch (e) {
          console.error('Handler failed', e);
        }
      }
      return;
    }

    if (frame.type === 'err') this.refusals.handle(frame);
    // 'pong' and unknown frame types need no handling.
  }
}
