// Authentication view: log in, sign up (new or existing organisation), email confirmation and a forgotten
// password (forgot.js), with the development mailbox shortcut when enabled (mailbox.js).
// The checks and busy state of its forms are in forms.js, the plan choice in plans.js.

import { api } from '../api/endpoints.js';
import { $ } from '../util.js';
import { tabKeyTarget, selectTab } from '../tabs.js';
import { EMAIL_RE, TENANT_RE, TENANT_HINT, validate, setFormError, setNotice, submitChecked } from './forms.js';
import { renderTierOptions, tierDetails } from './plans.js';
import { devMailboxEntry, devCodeText } from './mailbox.js';
import { ForgotPassword } from './forgot.js';

const TABS = ['login', 'signup', 'confirm'];

export class AuthView {
  /**
   * @param {object} opts
   * @param {object} opts.config client configuration from the server
   * @param {(user: object) => void} opts.onLoggedIn
   */
  constructor({ config, onLoggedIn }) {
    this.config = config;
    this.onLoggedIn = onLoggedIn;
    this.root = $('#auth-view');
    this.forms = {
      login: $('#login-form'),
      signup: $('#signup-form'),
      confirm: $('#confirm-form'),
    };
    this.bindTabs();
    this.bindLogin();
    this.bindSignup();
    this.bindConfirm();
    this.forgot = new ForgotPassword({
      config,
      loginForm: this.forms.login,
      onReset: (email) => this.show('login', { email, notice: 'Your password is changed. Log in with the new one.' }),
    });
    this.renderTiers();
  }

  /** Shows the auth view on a tab, optionally with a notice and a prefilled email. */
  show(tab = 'login', { notice = '', email = '' } = {}) {
    this.root.hidden = false;
    this.selectTab(tab, { focus: false });
    if (email) {
      if (tab === 'login') $('#login-email').value = email;
      if (tab === 'confirm') $('#confirm-email').value = email;
    }
    this.setNotice(tab, notice);
    const first = this.forms[tab].querySelector('input:not([type=radio]):not([hidden])');
    // With the email already filled in, the cursor goes to the field still to fill.
    const target = email && tab === 'login' ? $('#login-password') : email && tab === 'confirm' ? $('#confirm-code') : first;
    if (target) target.focus();
  }

  /**
   * An invite link (`/?join=<organisation>&invite=<code>`): sign-up opens in join mode with both filled in, so the joiner
   * types only an email and a password. Returns whether the page was opened by one.
   */
  openInvite(params = new URLSearchParams(location.search)) {
    const tenant = params.get('join');
    const code = params.get('invite');
    if (!tenant || !code) return false;
    $('#signup-mode-join').checked = true;
    this.applySignupMode();
    $('#signup-tenant').value = tenant;
    $('#signup-invite').value = code;
    this.show('signup', { notice: `You are invited to join ${tenant}. Choose your email and a password.` });
    $('#signup-email').focus();
    return true;
  }

  hide() {
    this.root.hidden = true;
    for (const name of TABS) {
      this.setNotice(name, '');
      this.setFormError(name, '');
    }
    $('#login-password').value = '';
    $('#signup-password').value = '';
    this.forgot.close();
  }

  // -------------------------------------------------------------------------
  // Tabs

  bindTabs() {
    this.tabButtons = TABS.map((name) => $(`#tab-${name}`));
    this.tabButtons.forEach((btn, idx) => {
      btn.addEventListener('click', () => this.selectTab(TABS[idx]));
      btn.addEventListener('keydown', (e) => {
        const next = tabKeyTarget(e.key, idx, TABS.length);
        if (next === null) return;
        e.preventDefault();
        this.selectTab(TABS[next]);
        this.tabButtons[next].focus();
      });
    });
    this.root.addEventListener('click', (e) => {
      const link = e.target.closest('[data-goto-tab]');
      if (!link) return;
      e.preventDefault();
      const tab = link.dataset.gotoTab;
      const email = this.currentEmail();
      this.selectTab(tab);
      if (email && tab === 'confirm' && !$('#confirm-email').value) $('#confirm-email').value = email;
      if (email && tab === 'login' && !$('#login-email').value) $('#login-email').value = email;
    });
  }

  selectTab(name, { focus = false } = {}) {
    this.forgot.close();
    selectTab(TABS, name, (tab) => this.tabButtons[TABS.indexOf(tab)], (tab) => $(`#panel-${tab}`));
    if (focus) this.tabButtons[TABS.indexOf(name)].focus();
  }

  currentEmail() {
    return ['#login-email', '#signup-email', '#confirm-email'].map((s) => $(s).value.trim()).find(Boolean) || '';
  }

  // -------------------------------------------------------------------------
  // Log in

  bindLogin() {
    const form = this.forms.login;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      this.setFormError('login', '');
      this.setNotice('login', '');
      const email = $('#login-email').value.trim();
      const password = $('#login-password').value;
      const checks = [
        ['#login-email', EMAIL_RE.test(email) ? '' : 'Enter your email address.'],
        ['#login-password', password ? '' : 'Enter your password.'],
      ];
      await submitChecked(form, checks, 'Logging in…', async () => {
        try {
          const user = await api.login(email, password);
          $('#login-password').value = '';
          this.onLoggedIn(user);
        } catch (err) {
          if (err.code === 'user_not_confirmed') {
            this.show('confirm', {
              email,
              notice: 'Your email address is not confirmed yet. Enter the code we sent you, then log in.',
            });
            this.loadDevCode(email);
            return;
          }
          const msg = err.code === 'invalid_credentials' ? err.message || 'Wrong email or password.' : err.message;
          this.setFormError('login', msg);
          $('#login-password').focus();
        }
      });
    });
  }

  // -------------------------------------------------------------------------
  // Sign up

  bindSignup() {
    const form = this.forms.signup;
    const modeNew = $('#signup-mode-new');
    const modeJoin = $('#signup-mode-join');
    const update = () => this.applySignupMode();
    modeNew.addEventListener('change', update);
    modeJoin.addEventListener('change', update);
    update();

    const tenant = $('#signup-tenant');
    tenant.addEventListener('input', () => {
      // Organisation ids are lowercase; help the user rather than refusing.
      const lower = tenant.value.toLowerCase();
      if (lower !== tenant.value) {
        const pos = tenant.selectionStart;
        tenant.value = lower;
        tenant.setSelectionRange(pos, pos);
      }
      // Re-check live once the field was flagged, so the message goes away as soon as it is fixed.
      if (tenant.getAttribute('aria-invalid') === 'true') this.checkTenant();
    });
    $('#signup-tier').addEventListener('change', () => this.renderTierDetails());

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      this.setFormError('signup', '');
      const join = modeJoin.checked;
      const email = $('#signup-email').value.trim();
      const password = $('#signup-password').value;
      const tenantId = tenant.value.trim().toLowerCase();
      tenant.value = tenantId;
      const invite = $('#signup-invite').value.trim();
      const checks = [
        ['#signup-email', EMAIL_RE.test(email) ? '' : 'Enter a valid email address.'],
        ['#signup-password', password.length >= 8 ? '' : 'Use at least 8 characters.'],
        ['#signup-tenant', TENANT_RE.test(tenantId) ? '' : TENANT_HINT],
        ['#signup-invite', !join || invite ? '' : 'Enter the invite code you received from your admin.'],
      ];
      const payload = { email, password, tenant_id: tenantId, admin: !join };
      if (join) payload.invite_code = invite;
      else payload.subscription_tier = $('#signup-tier').value;

      await submitChecked(form, checks, 'Creating account…', async () => {
        try {
          const res = (await api.signup(payload)) || {};
          $('#signup-password').value = '';
          const created = res.tenant_created ? `Organisation “${tenantId}” created. ` : '';
          if (res.confirmation_required === false) {
            this.show('login', { email, notice: `${created}Your account is ready; you can log in now.` });
            return;
          }
          this.show('confirm', {
            email,
            notice: `${created}We sent a confirmation code to ${email}. Enter it below to activate your account.`,
          });
          this.loadDevCode(email);
        } catch (err) {
          // an organisation id that cannot be created is said beside the field
          if (err.code === 'tenant_unavailable') validate([['#signup-tenant', err.message]]);
          else this.setFormError('signup', err.message);
        }
      });
    });
  }

  applySignupMode() {
    const join = $('#signup-mode-join').checked;
    for (const el of this.forms.signup.querySelectorAll('[data-mode]')) {
      el.hidden = el.dataset.mode !== (join ? 'join' : 'new');
    }
    $('#signup-invite').required = join;
    $('#signup-tenant-label').textContent = join ? 'Organisation ID to join' : 'Organisation ID';
    $('#signup-tenant-hint').textContent = join
      ? 'The id of the organisation you are joining: the invite link fills it in (or ask its admin for it).'
      : 'Choose an id for your new organisation: 3–40 characters of lowercase letters, digits and “-”, starting with a letter (for example acme-labs). Colleagues you invite join it.';
  }

  checkTenant() {
    const value = $('#signup-tenant').value.trim();
    return validate([['#signup-tenant', TENANT_RE.test(value) ? '' : TENANT_HINT]], { focus: false });
  }

  renderTiers() {
    renderTierOptions($('#signup-tier'), this.config.tiers || {});
    this.renderTierDetails();
  }

  renderTierDetails() {
    $('#signup-tier-details').textContent = tierDetails((this.config.tiers || {})[$('#signup-tier').value]);
  }

  // -------------------------------------------------------------------------
  // Confirm

  bindConfirm() {
    const form = this.forms.confirm;
    const devButton = $('#dev-mailbox-check');
    devButton.hidden = !this.config.dev_mailbox;
    devButton.addEventListener('click', () => {
      const email = $('#confirm-email').value.trim();
      if (!validate([['#confirm-email', EMAIL_RE.test(email) ? '' : 'Enter your email address first.']])) return;
      this.loadDevCode(email, { reportMissing: true });
    });

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      this.setFormError('confirm', '');
      const email = $('#confirm-email').value.trim();
      const code = $('#confirm-code').value.trim();
      const checks = [
        ['#confirm-email', EMAIL_RE.test(email) ? '' : 'Enter your email address.'],
        ['#confirm-code', code ? '' : 'Enter the code from the email.'],
      ];
      await submitChecked(form, checks, 'Confirming…', async () => {
        try {
          await api.confirm(email, code);
          $('#confirm-code').value = '';
          this.showDevCode('');
          this.show('login', { email, notice: 'Your email is confirmed. Log in to start chatting.' });
        } catch (err) {
          this.setFormError('confirm', err.message);
        }
      });
    });
  }

  /** Fetches the code from the development mailbox (if enabled) and prefills it. */
  async loadDevCode(email, { reportMissing = false } = {}) {
    if (!this.config.dev_mailbox || !email) return;
    const entry = await devMailboxEntry(email);
    const code = entry && entry.code;
    if (entry && entry.message) {
      // no code for this address: the mailbox's message instead (say, that it already has an account)
      const el = $('#dev-mailbox-code');
      el.textContent = `Development mailbox: ${entry.message}`;
      el.hidden = false;
      return;
    }
    if (code) {
      this.showDevCode(code);
      if ($('#confirm-email').value.trim() === email || !$('#confirm-email').value.trim()) {
        $('#confirm-email').value = email;
        $('#confirm-code').value = code;
      }
      return;
    }
    if (reportMissing) this.setFormError('confirm', 'No code found in the development mailbox for this address.');
  }

  showDevCode(code) {
    const el = $('#dev-mailbox-code');
    el.textContent = devCodeText(code);
    el.hidden = !code;
  }

  // -------------------------------------------------------------------------
  // Messages

  setFormError(name, message) {
    setFormError(this.forms[name], message);
  }

  setNotice(name, message) {
    setNotice(this.forms[name], message);
  }
}
