// Every event-bus address the page uses, built only here (the server's twin is ClientAddresses.java).

/** Page to server: send a chat message ({session_id, message, request_id}); the reply names the turn. */
export const CHAT_SEND = 'chat.send';

/** Page to server: stop a running reply ({turn_id}). */
export const CHAT_CANCEL = 'chat.cancel';

/** Server to page: the frames of one user (chunk, trace, done, error, quota, budget_alert). */
export function userAddress(tenantId, userId) {
  return `client.${tenantId}.${userId}`;
}

/** Server to page: the live monitor of an organisation, for its admins. */
export function monitorAddress(tenantId) {
  return `monitor.${tenantId}`;
}
