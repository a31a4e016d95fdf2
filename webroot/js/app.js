// Agent Chat web client: start-up, switching between the auth and chat views,
// header, connection status and admin invites.

import { api, currentUser, resumeLogin, onAuthLost, getIdToken, refreshTokens, hasTokens } from './api.js';
import { EventBus } from './eventbus.js';
import { AuthView } from './auth.js';
import { ChatController } from './chat.js';
import { initBanner, showBanner, hideBanner, friendlyMessage } from './errors.js';
import { $, capitalize, formatTime } from './util.js';

const DEFAULT_CONFIG = {
  auth_provider: 'local',
  dev_mailbox: false,
  max_message_chars: 4000,
  tiers: {},
};

const app = {
  config: DEFAULT_CONFIG,
  auth: null,
  chat: null,
  bus: null,
  user: null,
};

async function loadConfig() {
  try {
    const cfg = await api.clientConfig();
    return { ...DEFAULT_CONFIG, ...(cfg || {}) };
  } catch (err) {
    showBanner(`Could not load the server configuration: ${err.message}`, {
      actions: [{ label: 'Reload', run: () => location.reload() }],
      code: err.code,
    });
    return DEFAULT_CONFIG;
  }
}

function bridgeUrl() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/eventbus/websocket`;
}

// ---------------------------------------------------------------------------
// Views

function showAuth(tab = 'login', opts = {}) {
  $('#main-view').hidden = true;
  app.auth.show(tab, opts);
  document.title = 'Agent Chat';
}

function startMain(user) {
  if (!user) return;
  stopMain();
  app.user = user;
  app.auth.hide();
  hideBanner();
  $('#main-view').hidden = false;
  renderHeader(user);
  document.title = `Agent Chat · ${user.tenantId}`;

  const bus = new EventBus(bridgeUrl(), {
    getToken: getIdToken,
    refreshToken: refreshTokens,
    onStatus: (state, info) => {
      setConnectionStatus(state, info);
      if (state === 'open' && info.reconnected) app.chat.onReconnected();
    },
    onError: (err) => app.chat.showError(err.code, err.message),
  });
  app.bus = bus;
  bus.register(`client.${user.tenantId}.${user.sub}`, (body) => app.chat.handleFrame(body));
  bus.connect();

  app.chat.attach({ user, bus });
}

function stopMain() {
  if (app.bus) {
    app.bus.close();
    app.bus = null;
  }
  if (app.user) app.chat.detach();
  app.user = null;
  resetInvite();
  setConnectionStatus('idle');
}

function logout() {
  stopMain();
  api.logout();
  hideBanner();
  showAuth('login', { notice: 'You have logged out.' });
}

// ---------------------------------------------------------------------------
// Header

function renderHeader(user) {
  $('#user-tenant').textContent = user.tenantId || '–';
  $('#user-email').textContent = user.email || '';
  $('#user-email').title = user.email || ''; // shortened on medium-width screens
  setTier(user.tier);
  $('#user-admin').hidden = !user.isAdmin;
  $('#admin-tools').hidden = !user.isAdmin;
}

function setTier(tier) {
  const badge = $('#user-tier');
  badge.textContent = tier ? capitalize(tier) : '';
  badge.hidden = !tier;
  badge.dataset.tier = tier || '';
}

const STATUS_TEXT = {
  idle: '',
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: '',
};

function setConnectionStatus(state, info = {}) {
  const el = $('#connection-status');
  let text = STATUS_TEXT[state] ?? '';
  if (state === 'reconnecting' && info.delay >= 4000) text = `Reconnecting… (retrying in ${Math.round(info.delay / 1000)} s)`;
  el.textContent = text;
  el.dataset.state = state;
  el.hidden = !text;
}

// ---------------------------------------------------------------------------
// Collapsible panels (narrow screens only; the toggles are hidden otherwise)

const narrowScreen = window.matchMedia('(max-width: 720px)');

function setPanelOpen(toggle, open) {
  const panel = toggle.closest('.collapsible');
  panel.classList.toggle('open', open);
  toggle.setAttribute('aria-expanded', String(open));
  toggle.textContent = `${open ? 'Hide' : 'Show'} ${toggle.dataset.what}`;
}

function bindPanelToggles() {
  for (const toggle of document.querySelectorAll('.panel-toggle')) {
    toggle.dataset.what = toggle.textContent.replace(/^Show\s+/, '');
    toggle.addEventListener('click', () => {
      setPanelOpen(toggle, toggle.getAttribute('aria-expanded') !== 'true');
    });
  }
}

/** On narrow screens the chat list folds away once a chat is chosen. */
function collapseSessionsOnNarrow() {
  if (!narrowScreen.matches) return;
  const toggle = $('.sidebar .panel-toggle');
  if (toggle) setPanelOpen(toggle, false);
}

// ---------------------------------------------------------------------------
// Admin invites

function resetInvite() {
  $('#invite-result').hidden = true;
  $('#invite-code').value = '';
  $('#invite-expiry').textContent = '';
  $('#invite-copy').textContent = 'Copy';
}

async function createInvite() {
  const button = $('#invite-create');
  if (button.disabled) return;
  button.disabled = true;
  try {
    const res = await api.createInvite();
    $('#invite-code').value = res.invite_code || '';
    $('#invite-expiry').textContent = res.expires_at
      ? `Share it with your colleague; valid until ${formatTime(res.expires_at)}. They choose “Join an organisation” when signing up.`
      : 'Share it with your colleague. They choose “Join an organisation” when signing up.';
    $('#invite-copy').textContent = 'Copy';
    $('#invite-result').hidden = false;
    $('#invite-code').focus();
    $('#invite-code').select();
  } catch (err) {
    showBanner(friendlyMessage(err.code, err.message), { code: err.code });
  } finally {
    button.disabled = false;
  }
}

async function copyInvite() {
  const input = $('#invite-code');
  const button = $('#invite-copy');
  if (!input.value) return;
  try {
    await navigator.clipboard.writeText(input.value);
    button.textContent = 'Copied';
  } catch {
    // Clipboard API unavailable (plain http): select the text for a manual copy.
    input.focus();
    input.select();
    button.textContent = 'Press Ctrl+C';
  }
  setTimeout(() => {
    button.textContent = 'Copy';
  }, 2500);
}

// ---------------------------------------------------------------------------
// Start-up

async function main() {
  initBanner();
  app.config = await loadConfig();

  app.auth = new AuthView({ config: app.config, onLoggedIn: (user) => startMain(user || currentUser()) });
  app.chat = new ChatController({
    config: app.config,
    onUsage: (usage) => {
      if (usage && usage.tier) setTier(usage.tier);
    },
    onSessionChosen: collapseSessionsOnNarrow,
  });

  bindPanelToggles();
  $('#logout').addEventListener('click', logout);
  $('#invite-create').addEventListener('click', createInvite);
  $('#invite-copy').addEventListener('click', copyInvite);

  onAuthLost(() => {
    stopMain();
    showAuth('login', { notice: 'Your login has expired. Please log in again.' });
  });

  window.addEventListener('online', () => {
    if (app.bus) app.bus.reconnectNow();
  });

  const user = hasTokens() ? await resumeLogin() : null;
  if (user && user.tenantId && user.sub) startMain(user);
  else showAuth('login');
  document.body.classList.remove('loading');
}

main().catch((err) => {
  console.error(err);
  showBanner('The application failed to start. Please reload the page.', {
    actions: [{ label: 'Reload', run: () => location.reload() }],
  });
});
