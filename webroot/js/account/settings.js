// The settings of every signed-in user, in a dialog opened from the header: the display name (profile.js), changing the password (the current one,
// the new one twice; the server signs the other devices out and gives this tab new tokens, so it stays signed in) and
// signing out everywhere, after a confirmation. Each field's problem shows on a line kept for it below the field.

import { api } from '../api/endpoints.js';
import { Dialog } from '../dialog.js';
import { friendlyMessage } from '../errors.js';
import { $ } from '../util.js';
import { validate, setNotice, submitChecked, passwordChecks } from '../auth/forms.js';
import { ProfileForm } from './profile.js';

export class SettingsPanel {
  /**
   * @param {object} opts
   * @param {() => void} opts.onSignedOutEverywhere every login of the user has ended, this tab's too
   * @param {(profile: object) => void} [opts.onProfile] the user's profile, when loaded or changed (the header's name)
   */
  constructor({ onSignedOutEverywhere, onProfile = () => {} }) {
    this.onSignedOutEverywhere = onSignedOutEverywhere;
    this.profile = new ProfileForm({
      el: { form: $('#profile-form'), name: $('#profile-name'), formError: $('#profile-form-error') },
      onProfile,
    });
    this.user = null;
    this.dialog = new Dialog({
      dialog: $('#settings-dialog'),
      title: $('#settings-title'),
      body: $('#settings-body'),
      close: $('#settings-close'),
    });
    this.el = {
      open: $('#settings-open'),
      content: $('#settings-content'),
      account: $('#settings-account'),
      form: $('#password-form'),
      username: $('#password-username'),
      old: $('#password-old'),
      password: $('#password-new'),
      repeat: $('#password-repeat'),
      formError: $('#password-form-error'),
      everywhere: $('#logout-everywhere'),
    };
    this.el.open.addEventListener('click', () => this.open());
    this.el.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.changePassword();
    });
    this.el.everywhere.addEventListener('click', () => this.askSignOutEverywhere());
  }

  attach(user) {
    this.user = user;
    this.reset();
    this.el.account.textContent = `Signed in as ${user.email}${user.tenantId ? ` in the organisation ${user.tenantId}` : ''}.`;
    this.el.username.value = user.email || '';
    this.profile.load();
  }

  detach() {
    this.user = null;
    this.dialog.close();
    this.reset();
  }

  reset() {
    this.profile.reset();
    this.el.form.reset();
    validate([[this.el.old, ''], [this.el.password, ''], [this.el.repeat, '']], { focus: false });
    this.el.formError.textContent = '';
    setNotice(this.el.form, '');
  }

  /** Opens the settings with the focus on `focus` (the current password's field unless told). */
  open({ focus = null } = {}) {
    if (!this.user) return;
    this.dialog.show('Settings', [this.el.content], {
      focus: focus || this.el.old,
      onClose: () => {
        this.el.old.value = '';
        this.el.password.value = '';
        this.el.repeat.value = '';
        if (this.user) this.el.open.focus();
      },
    });
  }

  // -------------------------------------------------------------------------
  // The password

  async changePassword() {
    const old = this.el.old.value;
    const password = this.el.password.value;
    this.el.formError.textContent = '';
    setNotice(this.el.form, '');
    const checks = [
      [this.el.old, old ? '' : 'Enter your current password.'],
      ...passwordChecks(this.el.password, this.el.repeat, password, this.el.repeat.value),
    ];
    if (old && password && old === password) checks[1] = [this.el.password, 'Choose a password other than the current one.'];
    await submitChecked(this.el.form, checks, 'Changing…', async () => {
      try {
        await api.changePassword(old, password);
      } catch (err) {
        this.refused(err);
        return;
      }
      this.el.form.reset();
      this.el.username.value = this.user ? this.user.email : '';
      setNotice(this.el.form, 'Your password is changed. Your other devices are signed out; you stay signed in here.');
    });
  }

  /** The server's refusal beside the field it is about, else on the form's line. */
  refused(err) {
    if (err.code === 'invalid_credentials') {
      validate([[this.el.old, 'This is not your current password.']]);
    } else if (err.code === 'weak_password') {
      validate([[this.el.password, err.message || 'Choose a stronger password.']]);
    } else {
      this.el.formError.textContent = friendlyMessage(err.code, err.message);
    }
  }

  // -------------------------------------------------------------------------
  // Signing out everywhere

  async askSignOutEverywhere() {
    if (!this.user) return;
    const done = await this.dialog.confirm({
      title: 'Sign out everywhere?',
      text: 'Every login of yours ends at once: on your other devices and browsers, and in this one. You can log in again with your password.',
      action: 'Sign out everywhere',
      busy: 'Signing out…',
      run: () => api.logoutEverywhere(),
    });
    if (!this.user) return;
    if (done) this.onSignedOutEverywhere();
    else this.open({ focus: this.el.everywhere });
  }
}
