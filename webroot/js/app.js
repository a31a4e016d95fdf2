// Agent Chat web client: start-up, switching between the auth and chat views,
// header, connection status, the settings, the admin view and the operator view.

import { api } from './api/endpoints.js';
import { currentUser, resumeLogin, onAuthLost, onTokens, getIdToken, refreshTokens, hasTokens } from './api/login.js';
import { EventBus } from './bridge/eventbus.js';
import { userAddress } from './bridge/addresses.js';
import { AuthView } from './auth/view.js';
import { ChatController } from './chat/controller.js';
import { AdminView } from './admin/view.js';
import { OperatorView, isOperator } from './operator/view.js';
import { SettingsPanel } from './account/settings.js';
import { initBanner, showBanner, hideBanner } from './errors.js';
import { $ } from './util.js';
import { initTheme } from './theme.js';
import { capitalize } from './format.js';

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
  admin: null,
  operator: null,
  settings: null,
  /** The signed-in user's profile (their display name), once loaded. */
  profile: null,
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
    // once the login is over (signed out everywhere), its socket's last refusals are nothing to show
    onError: (err) => {
      if (hasTokens()) app.chat.showError(err.code, err.message);
    },
  });
  app.bus = bus;
  bus.register(userAddress(user.tenantId, user.sub), (body) => app.chat.handleFrame(body));
  bus.connect();

  app.chat.attach({ user, bus });
  app.settings.attach(user);
  if (user.isAdmin) app.admin.attach({ user, bus });
  if (isOperator(user, app.config)) app.operator.attach({ user });
}

function stopMain() {
  if (app.bus) {
    app.bus.close();
    app.bus = null;
  }
  if (app.user) app.chat.detach();
  app.settings.detach();
  app.admin.detach();
  app.operator.detach();
  onAdminToggle(false);
  onOperatorToggle(false);
  app.user = null;
  app.profile = null;
  setConnectionStatus('idle');
}

/** Ends this tab's login and shows the log-in page with `notice`. */
function logout(notice = 'You have logged out.') {
  const email = app.user ? app.user.email : '';
  stopMain();
  api.logout();
  hideBanner();
  showAuth('login', { notice, email });
}

/**
 * A new token of this tab's user (a refresh after a role change, say) may carry other admin rights: the header and
 * the admin view follow it.
 */
function onNewToken() {
  const user = currentUser();
  if (!app.user || !user || user.sub !== app.user.sub || user.isAdmin === app.user.isAdmin) return;
  app.user = user;
  renderHeader(user);
  if (user.isAdmin) {
    app.admin.attach({ user, bus: app.bus });
    showBanner('You are now an admin of your organisation: the Admin button opens its pages.', { kind: 'info', autoHideMs: 8000 });
  } else {
    const wasOpen = app.admin.isOpen;
    app.admin.detach();
    if (wasOpen) onAdminToggle(false);
    showBanner('You are no longer an admin of your organisation.', { kind: 'info', autoHideMs: 8000 });
  }
}

/** The admin removed themselves, or their own admin rights, on the members page. */
function onOwnChange({ removed }) {
  if (removed) {
    logout('You removed yourself from the organisation and are signed out.');
    return;
  }
  // the current token is refused from now on: the next one carries the new role
  refreshTokens().catch(() => {});
}

// ---------------------------------------------------------------------------
// Header

/** The header names the user by their display name when they set one (the e-mail address in its tooltip), else the address. */
function showUserName(user) {
  const name = (app.profile && app.profile.user_id === user.sub && app.profile.display_name) || user.email || '';
  $('#user-email').textContent = name;
  $('#user-email').title = name === user.email ? user.email || '' : `${name} (${user.email})`; // shortened on medium-width screens
}

function renderHeader(user) {
  $('#user-tenant').textContent = user.tenantId || '–';
  showUserName(user);
  setTier(user.tier);
  $('#user-admin').hidden = !user.isAdmin;
  $('#admin-tools').hidden = !user.isAdmin;
  $('#admin-open').hidden = !user.isAdmin;
  $('#operator-open').hidden = !isOperator(user, app.config);
}

/** The admin view replaces the chat layout (and the operator view) while open. */
function onAdminToggle(open) {
  if (open) app.operator.close({ quiet: true });
  $('#operator-open').setAttribute('aria-pressed', 'false');
  $('#main-view .layout').hidden = open;
  const button = $('#admin-open');
  button.setAttribute('aria-pressed', String(open));
  if (!app.user) return;
  document.title = open ? `Admin · ${app.user.tenantId} · Agent Chat` : `Agent Chat · ${app.user.tenantId}`;
  if (!open) $('#message-input').focus();
}

/** The operator view, like the admin view, replaces the chat layout while open. */
function onOperatorToggle(open) {
  if (open) app.admin.close({ quiet: true });
  $('#admin-open').setAttribute('aria-pressed', 'false');
  $('#main-view .layout').hidden = open;
  $('#operator-open').setAttribute('aria-pressed', String(open));
  if (!app.user) return;
  document.title = open ? `Operator · Agent Chat` : `Agent Chat · ${app.user.tenantId}`;
  if (!open) $('#message-input').focus();
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
// Start-up

async function main() {
  initTheme();
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

  app.admin = new AdminView({ config: app.config, onToggle: onAdminToggle, onOwnChange });
  app.operator = new OperatorView({ config: app.config, onToggle: onOperatorToggle });
  app.settings = new SettingsPanel({
    onSignedOutEverywhere: () => logout('You are signed out on every device, this one included. Log in again to continue.'),
    onProfile: (profile) => {
      app.profile = profile;
      if (app.user) showUserName(app.user);
    },
  });
  onTokens(onNewToken);

  bindPanelToggles();
  $('#logout').addEventListener('click', () => logout());
  $('#admin-open').addEventListener('click', () => app.admin.toggle());
  $('#operator-open').addEventListener('click', () => app.operator.toggle());
  $('#admin-tools-open').addEventListener('click', () => app.admin.open('overview'));
  $('#admin-tools-invite').addEventListener('click', () => {
    app.admin.open('members');
    app.admin.members.createInvite();
  });

  onAuthLost(() => {
    stopMain();
    showAuth('login', { notice: 'Your login has expired. Please log in again.' });
  });

  window.addEventListener('online', () => {
    if (app.bus) app.bus.reconnectNow();
  });

  const user = hasTokens() ? await resumeLogin() : null;
  if (user && user.tenantId && user.sub) startMain(user);
  else {
    showAuth('login');
    app.auth.openInvite(); // a page opened by an invite link goes to sign-up, filled in
  }
  document.body.classList.remove('loading');
}

main().catch((err) => {
  console.error(err);
  showBanner('The application failed to start. Please reload the page.', {
    actions: [{ label: 'Reload', run: () => location.reload() }],
  });
});
