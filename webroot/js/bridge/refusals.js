// Refusals ("err" frames) of the event-bus bridge. A refusal of access is most likely an ID token that expired
// (e.g. after the computer slept): the token is renewed and the frame sent once more. Sends carry a request id,
// so nothing runs twice.

import { refusal, isBareRefusal } from './protocol.js';

const DENIED_WINDOW_MS = 60_000;
const MAX_DENIED_PER_WINDOW = 3;

export class Refusals {
  /** @param {import('./eventbus.js').EventBus} bus */
  constructor(bus) {
    this.bus = bus;
    this.deniedAt = [];         // timestamps of recent access_denied refusals
    this.denyInFlight = null;
  }

  /** An "err" frame: fails the send it answers, or is reported through the bus's onError. */
  handle(frame) {
    const bus = this.bus;
    if (isBareRefusal(frame)) {
      console.debug('Bridge refused a frame:', frame.body);
      return;
    }
    const err = refusal(frame);
    const entry = frame.address ? bus.replies.get(frame.address) : null;
    if (entry) {
      if (err.code === 'access_denied' && !entry.renewed && bus.refreshToken) {
        entry.renewed = true;
        this.renewAndResend(frame.address, entry, err);
        return;
      }
      clearTimeout(entry.timer);
      bus.replies.delete(frame.address);
      entry.reject(err);
      return;
    }
    if (err.code === 'access_denied') {
      this.handleDenied(err);
      return;
    }
    bus.onError(err);
  }

  /** Renews the ID token, then sends a refused request again (or fails it with `err`). */
  renewAndResend(key, entry, err) {
    const bus = this.bus;
    const fail = () => {
      if (bus.replies.get(key) !== entry) return;
      clearTimeout(entry.timer);
      bus.replies.delete(key);
      entry.reject(err);
    };
    Promise.resolve()
      .then(() => bus.refreshToken())
      .then(() => {
        if (bus.replies.get(key) !== entry) return; // timed out or closed meanwhile
        entry.sent = bus.isOpen && bus.rawSend(entry.build());
        if (!entry.sent) bus.outbox.push({ key, build: entry.build });
      }, fail);
  }

  /**
   * A frame was refused without a reply address (typically an expired token):
   * renew the token, register again and resend sends still waiting for a reply.
   * Sends carry a request id, so a resend is never processed twice.
   */
  handleDenied(err) {
    const bus = this.bus;
    const now = Date.now();
    this.deniedAt = this.deniedAt.filter((t) => now - t < DENIED_WINDOW_MS);
    if (this.deniedAt.length >= MAX_DENIED_PER_WINDOW) {
      bus.onError(err);
      return;
    }
    this.deniedAt.push(now);
    if (this.denyInFlight) return;
    const renew = bus.refreshToken ? bus.refreshToken() : Promise.resolve();
    this.denyInFlight = Promise.resolve(renew)
      .then(
        () => {
          if (!bus.isOpen) return; // the reconnect registers anyway
          for (const address of bus.handlers.keys()) bus.sendRegister(address);
          for (const entry of bus.replies.values()) {
            if (entry.sent && !entry.resent) {
              entry.resent = true;
              bus.rawSend(entry.build());
            }
          }
        },
        () => bus.onError(err),
      )
      .finally(() => {
        this.denyInFlight = null;
      });
  }
}
