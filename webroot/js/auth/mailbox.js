// The development mailbox of the embedded mode (when the server has it on): the last code sent to an address, for
// the e-mail confirmation and the password reset, shown on the page instead of being e-mailed.

import { api } from '../api/endpoints.js';
import { sleep } from '../util.js';

const ATTEMPTS = 4;
const RETRY_MS = 750;

/**
 * What the development mailbox holds for `email`, waiting a little for it to arrive: {code} or, instead of a code,
 * {message} (e.g. that the address already has an account); null when there is nothing.
 */
export async function devMailboxEntry(email) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      const res = await api.devMailbox(email);
      if (res && res.code !== undefined && res.code !== null) return { code: String(res.code) };
      if (res && res.message) return { message: String(res.message) };
    } catch (err) {
      if (err.status !== 404) return null;
    }
    await sleep(RETRY_MS);
  }
  return null;
}

/** The code the development mailbox holds for `email`; null when there is none. */
export async function devMailboxCode(email) {
  const entry = await devMailboxEntry(email);
  return entry && entry.code ? entry.code : null;
}

/** The hint that shows a code from the development mailbox. */
export function devCodeText(code) {
  return code ? `Development mailbox: your code is ${code}` : '';
}
