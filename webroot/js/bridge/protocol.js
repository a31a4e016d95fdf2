// The JSON frames of the server's event-bus bridge:
//   -> {type:"ping"} | {type:"register",address,headers}
//      | {type:"unregister",address,headers} | {type:"send",address,headers,body,replyAddress?}
//   <- {type:"rec",address,body} | {type:"err",address?,failureCode?,failureType?,message}
//      | {type:"pong"}
// Every register/send frame carries the freshest ID token in its headers.

import { words } from '../format.js';

/** A failed send, or a refusal pushed by the server. */
export class BusError extends Error {
  constructor(code, message, { failureCode = null, failureType = null } = {}) {
    super(message);
    this.name = 'BusError';
    this.code = code;
    this.failureCode = failureCode;
    this.failureType = failureType;
  }
}

/** Splits "<code>: <human text>" at the first ": ". */
export function parseFailureMessage(raw) {
  const text = typeof raw === 'string' ? raw : raw == null ? '' : String(raw);
  const idx = text.indexOf(': ');
  if (idx > 0 && /^[a-z][a-z0-9_]*$/.test(text.slice(0, idx))) {
    return { code: text.slice(0, idx), message: text.slice(idx + 2) };
  }
  if (/^[a-z][a-z0-9_]*$/.test(text)) return { code: text, message: words(text) };
  return { code: 'error', message: text || 'The server refused the request.' };
}

/** The error an "err" frame stands for. */
export function refusal(frame) {
  const raw = frame.message ?? (typeof frame.body === 'string' ? frame.body : '');
  const { code, message } = parseFailureMessage(raw);
  return new BusError(code, message, {
    failureCode: frame.failureCode ?? null,
    failureType: frame.failureType ?? null,
  });
}

/**
 * The bridge follows each detailed refusal (with address and message) by a bare
 * {"type":"err","body":"rejected"} (or "invalid_json"): it names no frame and
 * adds nothing, so it is not shown to the user.
 */
export function isBareRefusal(frame) {
  return !frame.address && frame.message == null;
}

/** Headers of a register or send frame: the ID token, when there is one. */
export function authHeaders(token) {
  return token ? { Authorization: `Bearer ${token}` } : {};
}
