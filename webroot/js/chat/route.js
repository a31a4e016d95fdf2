// A URL per chat: `#/chat/<session_id>` is the open chat, `#/` a new one not sent yet. Back and forward move between
// them; any other fragment (the skip link's, say) is not a route and changes nothing.

const CHAT = /^#\/chat\/([A-Za-z0-9_-]{1,64})$/;

/** The chat the address names, or null. */
export function chatInUrl() {
  const m = CHAT.exec(location.hash);
  return m ? m[1] : null;
}

/** Whether the address names a new chat: `#/`, or no fragment at all. */
export function newChatInUrl() {
  return location.hash === '#/' || location.hash === '' || location.hash === '#';
}

/** Whether the fragment is one of the chat routes. */
export function isChatRoute() {
  return newChatInUrl() || location.hash.startsWith('#/chat/');
}

/**
 * Puts the chat (null: a new chat) in the address. From a new chat (or no route) the entry is replaced, so that Back
 * does not return to an empty new chat; from another chat a new entry is added.
 */
export function showInUrl(sessionId) {
  const target = sessionId ? `#/chat/${sessionId}` : '#/';
  if (location.hash === target) return;
  const url = `${location.pathname}${location.search}${target}`;
  if (newChatInUrl() || !isChatRoute()) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
}

/** Drops the route from the address (logged out). */
export function clearUrl() {
  if (location.hash) history.replaceState(null, '', `${location.pathname}${location.search}`);
}

/** Calls `fn` when Back, Forward or a link changes the route. */
export function onRouteChange(fn) {
  window.addEventListener('popstate', () => {
    if (isChatRoute()) fn();
  });
}
