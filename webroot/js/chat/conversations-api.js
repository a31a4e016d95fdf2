// The server's routes for managing the user's chats: rename, close, delete and search.

import { request } from '../api/request.js';

const enc = encodeURIComponent;
const chatPath = (tenantId, sessionId) => `/api/tenants/${enc(tenantId)}/sessions/${enc(sessionId)}`;

export const chatsApi = {
  rename: (tenantId, sessionId, title) => request('PATCH', chatPath(tenantId, sessionId), { body: { title } }),

  close: (tenantId, sessionId) => request('POST', `${chatPath(tenantId, sessionId)}/close`, { body: {} }),

  remove: (tenantId, sessionId) => request('DELETE', chatPath(tenantId, sessionId)),

  search: (tenantId, q) => request('GET', `/api/tenants/${enc(tenantId)}/sessions/search?q=${enc(q)}`),
};
