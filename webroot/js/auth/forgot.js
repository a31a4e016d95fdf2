// A forgotten password, on the log-in tab: the e-mail address first (the server sends a code to it, and answers the
// same whether or not the address has an account), then the code and the new password. With the development mailbox
// on, the code is shown and filled in, as sign-up's confirmation does. Each field's problem is shown on a line kept
// for it below the field, so nothing moves when one appears.

import { api } from '../api/endpoints.js';
import { $ } from '../util.js';
import { EMAIL_RE, validate, setNotice, submitChecked, passwordChecks } from './forms.js';
import { devMailboxCode, devCodeText } from './mailbox.js';

/** The field each refusal of the server is about. */
const REFUSAL_FIELDS = {
  invalid_code: '#reset-code',
  weak_password: '#reset-password',
};

export class ForgotPassword {
  /**
   * @param {object} opts
   * @param {object} opts.config client configuration (dev_mailbox)
   * @param {HTMLFormElement} opts.loginForm the log-in form this view takes the place of
   * @param {(email: string) => void} opts.onReset the password was set: back to logging in
   */
  constructor({ config, loginForm, onReset }) {
    this.config = config;
    this.loginForm = loginForm;
    this.onReset = onReset;
    this.email = '';
    this.el = {
      view: $('#forgot-view'),
      title: $('#forgot-title'),
      forgot: $('#forgot-form'),
      forgotEmail: $('#forgot-email'),
      reset: $('#reset-form'),
      username: $('#reset-username'),
      code: $('#reset-code'),
      password: $('#reset-password'),
      repeat: $('#reset-repeat'),
      resetError: $('#reset-form-error'),
      devCode: $('#reset-dev-code'),
      resend: $('#reset-resend'),
      open: $('#forgot-open'),
      back: $('#forgot-back'),
    };
    this.el.open.addEventListener('click', () => this.open($('#login-email').value.trim()));
    this.el.back.addEventListener('click', () => this.back());
    this.el.forgot.addEventListener('submit', (e) => {
      e.preventDefault();
      this.sendCode();
    });
    this.el.reset.addEventListener('submit', (e) => {
      e.preventDefault();
      this.setPassword();
    });
    this.el.resend.addEventListener('click', () => this.resend());
  }

  get isOpen() {
    return !this.el.view.hidden;
  }

  /** Shows the first step in place of the log-in form, with the address typed there. */
  open(email = '') {
    this.reset();
    this.loginForm.hidden = true;
    this.el.view.hidden = false;
    this.el.forgotEmail.value = email;
    this.el.forgotEmail.focus();
  }

  /** Back to the log-in form, with the address of this flow and the focus where it was left. */
  back() {
    const email = this.email || this.el.forgotEmail.value.trim();
    this.close();
    if (email && !$('#login-email').value.trim()) $('#login-email').value = email;
    $('#forgot-open').focus();
  }

  close() {
    if (!this.isOpen && !this.loginForm.hidden) return;
    this.reset();
    this.el.view.hidden = true;
    this.loginForm.hidden = false;
  }

  reset() {
    this.email = '';
    this.el.forgot.hidden = false;
    this.el.reset.hidden = true;
    for (const input of [this.el.code, this.el.password, this.el.repeat]) input.value = '';
    validate([['#forgot-email', ''], ['#reset-code', ''], ['#reset-password', ''], ['#reset-repeat', '']], { focus: false });
    this.el.resetError.textContent = '';
    this.showDevCode('');
    setNotice(this.el.reset, '');
  }

  // -------------------------------------------------------------------------
  // Step 1: the code

  async sendCode() {
    const email = this.el.forgotEmail.value.trim();
    await submitChecked(this.el.forgot, [['#forgot-email', EMAIL_RE.test(email) ? '' : 'Enter the email address of your account.']], 'Sending…', async () => {
      try {
        await api.forgotPassword(email);
      } catch (err) {
        validate([[this.el.forgotEmail, err.message]]);
        return;
      }
      this.email = email;
      this.el.username.value = email;
      this.el.forgot.hidden = true;
      this.el.reset.hidden = false;
      setNotice(this.el.reset, `If ${email} has an account, we sent it a code. Enter the code and your new password.`);
      this.el.code.focus();
      this.loadDevCode(email);
    });
  }

  async resend() {
    const button = this.el.resend;
    if (button.disabled || !this.email) return;
    button.disabled = true;
    this.el.resetError.textContent = '';
    try {
      await api.forgotPassword(this.email);
      setNotice(this.el.reset, `We sent a new code to ${this.email} if it has an account; the codes sent before no longer work.`);
      this.el.code.value = '';
      this.showDevCode('');
      this.el.code.focus();
      this.loadDevCode(this.email);
    } catch (err) {
      this.el.resetError.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }

  async loadDevCode(email) {
    if (!this.config.dev_mailbox) return;
    const code = await devMailboxCode(email);
    if (!code || email !== this.email) return;
    this.showDevCode(code);
    if (!this.el.code.value.trim()) this.el.code.value = code;
    if (document.activeElement === this.el.code) this.el.password.focus();
  }

  showDevCode(code) {
    this.el.devCode.textContent = devCodeText(code);
    this.el.devCode.hidden = !code;
  }

  // -------------------------------------------------------------------------
  // Step 2: the new password

  async setPassword() {
    const code = this.el.code.value.trim();
    const password = this.el.password.value;
    this.el.resetError.textContent = '';
    const checks = [
      ['#reset-code', code ? '' : 'Enter the code from the email.'],
      ...passwordChecks('#reset-password', '#reset-repeat', password, this.el.repeat.value),
    ];
    await submitChecked(this.el.reset, checks, 'Saving…', async () => {
      try {
        await api.resetPassword(this.email, code, password);
      } catch (err) {
        const field = REFUSAL_FIELDS[err.code];
        if (field) {
          validate([[field, err.message || 'Please check this field.']]);
        } else {
          this.el.resetError.textContent = err.message;
        }
        return;
      }
      const email = this.email;
      this.close();
      this.onReset(email);
    });
  }
}
